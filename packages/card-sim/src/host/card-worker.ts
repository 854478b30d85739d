import { parentPort } from "node:worker_threads";
import { RhcError } from "@rhc/errors";
import { createCard } from "../cards/registry.js";
import { faultPlanSchema } from "../faults/plan.js";
import { VirtualCard } from "../vpcd/virtual-card.js";
import type { HostRequest, HostResponse, SlotStatus } from "./protocol.js";

/**
 * Runs simulated cards off the test's main thread: the smartcard binding has synchronous calls
 * (listReaders, disconnect) that would otherwise deadlock against a card served by the same thread.
 */
const slots = new Map<number, { card: VirtualCard; type: string }>();
const port = parentPort;
if (!port) throw new Error("card-worker must run in a worker thread");

async function handle(request: HostRequest): Promise<unknown> {
  switch (request.op) {
    case "insert": {
      const existing = slots.get(request.port);
      if (existing?.card.inserted)
        throw new RhcError("CONFLICT", { detail: `a card is already inserted on port ${request.port}` });
      const sim = await createCard(request.card);
      const card = new VirtualCard({ port: request.port, card: sim, ...(request.host ? { host: request.host } : {}) });
      await card.insert();
      slots.set(request.port, { card, type: request.card.type });
      return undefined;
    }
    case "remove": {
      await slots.get(request.port)?.card.remove();
      slots.delete(request.port);
      return undefined;
    }
    case "control": {
      const slot = slots.get(request.port);
      if (!slot) throw new RhcError("NO_CARD", { detail: `no simulated card on port ${request.port}` });
      if (!slot.card.card.control)
        throw new RhcError("INVALID_INPUT", { detail: `card "${slot.type}" has no controls` });
      return await slot.card.card.control(request.command, request.args);
    }
    case "faults": {
      const slot = slots.get(request.port);
      if (!slot?.card.inserted) throw new RhcError("NO_CARD", { detail: `no simulated card on port ${request.port}` });
      const parsed = faultPlanSchema.safeParse(request.plan);
      if (!parsed.success)
        throw new RhcError("INVALID_INPUT", { detail: `fault plan: ${parsed.error.issues[0]?.message}` });
      slot.card.faults.set(request.plan);
      return undefined;
    }
    case "status":
      return [...slots].map(
        ([p, s]): SlotStatus => ({ port: p, inserted: s.card.inserted, apduCount: s.card.apduCount, type: s.type }),
      );
  }
}

port.on("message", (request: HostRequest) => {
  handle(request).then(
    (result) => port.postMessage({ id: request.id, ok: true, result } satisfies HostResponse),
    (error: unknown) => {
      const response: HostResponse =
        error instanceof RhcError
          ? { id: request.id, ok: false, problem: error.toProblem(), message: error.message }
          : { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
      port.postMessage(response);
    },
  );
});
