import { CardHost } from "@rhc/card-sim";
import { ensureStack, readStackInfo, stackCommand } from "@rhc/card-sim/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseResponse } from "../src/apdu/response.js";
import { HealthCardSession } from "../src/health-card/session.js";
import { type ReaderEvent, ReaderMonitor } from "../src/readers/monitor.js";
import { PcscTransport } from "../src/transport/pcsc.js";
import { cardPresent, waitForReader } from "../src/transport/wait.js";
import { fromHex } from "../src/util/hex.js";
import { residentFile } from "./support/sim-images.js";

// This file kills pcscd, so it runs its own private instance (own mount namespace, socket and
// ports) and never disturbs the shared stack other files use in parallel.
const stack = {
  dir: `/tmp/rhc-pcsc-restart-${process.pid}`,
  basePort: 38963,
  names: ["Restart Reader"],
  isolate: "1" as const,
};
const READER = "Restart Reader 00 00";
const card = { type: "iso-test", options: {} };

let host: CardHost;
let transport: PcscTransport;

function pcscdPid(): number {
  const info = readStackInfo(stack.dir);
  if (!info) throw new Error("private stack is not running");
  return info.pid;
}

async function startAndInsert(): Promise<void> {
  await ensureStack(stack);
  await host.remove(stack.basePort); // the old socket died with pcscd
  await host.insert(stack.basePort, card);
  await waitForReader(transport, READER, cardPresent);
}

beforeAll(async () => {
  const { info } = await ensureStack(stack);
  // libpcsclite reads the socket name once per process, before the first PC/SC call.
  process.env.PCSCLITE_CSOCK_NAME = info.socket;
  host = await CardHost.start();
  transport = new PcscTransport();
  await host.insert(stack.basePort, card);
  await waitForReader(transport, READER, cardPresent);
});

afterAll(async () => {
  await transport?.close();
  await host?.terminate();
  await stackCommand("stop", stack);
});

describe("pcscd stopped during a session", () => {
  it("reports PCSC_UNAVAILABLE after SIGKILL and recovers once pcscd is back", async () => {
    const conn = await transport.connect(READER);
    expect(parseResponse(await conn.transmit(fromHex("0084000008"))).sw).toBe(0x9000);

    process.kill(pcscdPid(), "SIGKILL");
    await expect(conn.transmit(fromHex("0084000008"))).rejects.toMatchObject({
      code: "PCSC_UNAVAILABLE",
      retriable: true,
    });
    await expect(transport.listReaders()).rejects.toMatchObject({ code: "PCSC_UNAVAILABLE" });
    await expect(transport.connect(READER)).rejects.toMatchObject({ code: "PCSC_UNAVAILABLE" });

    await startAndInsert();
    const again = await transport.connect(READER);
    expect(parseResponse(await again.transmit(fromHex("0084000008"))).sw).toBe(0x9000);
    await again.disconnect();
  });

  it("ends a pending wait for reader changes with PCSC_UNAVAILABLE when pcscd stops", async () => {
    const readers = await transport.listReaders();
    const waiting = transport.waitForChange(readers, { timeoutMs: 20_000 }).then(
      () => new Error("the wait resolved although pcscd stopped"),
      (error: unknown) => error,
    );
    await stackCommand("stop", stack);
    expect(await waiting).toMatchObject({ code: "PCSC_UNAVAILABLE", retriable: true });

    await startAndInsert();
    expect((await transport.listReaders()).find((r) => r.name === READER)?.present).toBe(true);
  });
});

describe("reader monitor and sessions across a pcscd restart", () => {
  it("reports service down/up with readers and cards, and a new session works after recovery", async () => {
    const resident = residentFile("protocol-restart");
    const residentCard = { type: "resident", options: { image: resident.image, save: resident.file } };
    await host.remove(stack.basePort);
    await host.insert(stack.basePort, residentCard);
    await waitForReader(transport, READER, cardPresent);
    const monitor = new ReaderMonitor(transport, {
      roles: { resident: { patterns: ["^Restart Reader"] } },
      backoff: { initialMs: 50, maxMs: 400 },
    }).start();
    const seen: string[] = [];
    monitor.on("*", (e: ReaderEvent) => seen.push("reader" in e ? `${e.type} ${e.role ?? "-"}` : e.type));
    await monitor.waitForCard("resident", "resident");

    const session = HealthCardSession.open(await transport.connect(READER));
    expect((await session.readFile("DDF1/EF05", ["cardNumber"])).cardNumber).toBe(resident.person.citizenId);

    process.kill(pcscdPid(), "SIGKILL");
    await monitor.waitFor((e): e is ReaderEvent => e.type === "service-down", { timeoutMs: 10_000 });
    await expect(session.readFile("DDF1/EF05", ["issuerName"])).rejects.toMatchObject({ code: "PCSC_UNAVAILABLE" });
    expect(monitor.status).toBe("down");

    await ensureStack(stack);
    await host.remove(stack.basePort);
    await host.insert(stack.basePort, { type: "resident", options: { image: resident.file } });
    const back = await monitor.waitForCard("resident", "resident", { timeoutMs: 15_000 });
    expect(back).toMatchObject({ name: READER, present: true, kind: "resident" });
    expect(monitor.status).toBe("up");
    expect(seen).toEqual(
      expect.arrayContaining(["service-down", "card-removed resident", "reader-removed resident", "service-up"]),
    );
    expect(seen.indexOf("service-up")).toBeGreaterThan(seen.indexOf("service-down"));

    const fresh = HealthCardSession.open(await transport.connect(READER));
    expect((await fresh.readFile("DDF1/EF05", ["cardNumber"])).cardNumber).toBe(resident.person.citizenId);
    await fresh.close();
    await monitor.stop();
  });
});
