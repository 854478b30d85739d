import { Worker } from "node:worker_threads";
import { RhcError, toRhcError } from "@rhc/errors";
import type { FaultPlan } from "../faults/plan.js";
import type { CardSpec } from "../sim-card.js";
import type { HostRequest, HostResponse, SlotStatus } from "./protocol.js";

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type RequestBody = HostRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

/**
 * Hosts simulated cards in a worker thread and inserts/removes them in vpcd reader slots (by port).
 * Works from the TypeScript sources (tests) and from the built JavaScript (CLI, demo).
 */
export class CardHost {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Set once the worker thread ended: its cards left their readers and every request is refused. */
  private ended: RhcError | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (response: HostResponse) => {
      const waiter = this.pending.get(response.id);
      if (!waiter) return;
      this.pending.delete(response.id);
      if (response.ok) waiter.resolve(response.result);
      else waiter.reject(RhcError.fromProblem(response.problem) ?? new Error(response.message));
    });
    worker.on("error", (error) => this.failAll(toRhcError(error, "INTERNAL", `card worker failed: ${error.message}`)));
    worker.on("exit", (code) => {
      this.ended = new RhcError("INTERNAL", {
        detail: `card worker ended (exit code ${code}); its cards left their readers; start a new CardHost`,
        retriable: false,
      });
      this.failAll(this.ended);
    });
  }

  static async start(): Promise<CardHost> {
    const fromSource = import.meta.url.endsWith(".ts");
    const entry = new URL(fromSource ? "./worker-boot.mjs" : "./card-worker.js", import.meta.url);
    const worker = new Worker(entry, fromSource ? { execArgv: ["--conditions=source"] } : {});
    const host = new CardHost(worker);
    await host.status(); // resolves once the worker is up
    return host;
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  private request(body: RequestBody): Promise<unknown> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id });
    });
  }

  /** Inserts a card into the vpcd slot listening on `port` (resolves once vpcd accepted it). */
  async insert(port: number, card: CardSpec, host?: string): Promise<void> {
    await this.request({ op: "insert", port, card, ...(host ? { host } : {}) });
  }

  async remove(port: number): Promise<void> {
    await this.request({ op: "remove", port });
  }

  control(port: number, command: string, args?: unknown): Promise<unknown> {
    return this.request({ op: "control", port, command, args });
  }

  /** Sets the faults the card in `port` shows from its next APDU on (an empty plan clears them). */
  async setFaults(port: number, plan: FaultPlan): Promise<void> {
    await this.request({ op: "faults", port, plan });
  }

  async status(): Promise<SlotStatus[]> {
    return (await this.request({ op: "status" })) as SlotStatus[];
  }

  async terminate(): Promise<void> {
    if (this.ended) return;
    await this.worker.terminate();
  }
}
