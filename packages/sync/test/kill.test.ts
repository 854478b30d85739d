import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../src/index.js";
import { type AdminEvents, type Harness, harness, TERMINALS } from "./helpers.js";

const RUNS = 30;
const SEED = 0x5eed01;
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const child = fileURLToPath(new URL("./fixtures/kill-child.ts", import.meta.url));

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

/** Runs the child until `killAfterMs` after it is ready, then SIGKILLs it; returns the acknowledged ids. */
function runAndKill(dbPath: string, killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const pem = h.sandbox.signing.publicKeyHex;
    const proc: ChildProcess = spawn(
      process.execPath,
      [
        "--conditions=source",
        "--import",
        "tsx",
        child,
        dbPath,
        h.sandbox.url,
        "T1",
        TERMINALS.T1!,
        pem,
        h.sandbox.signing.signer.keyId,
      ],
      { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    let armed = false;
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (!armed && out.includes("READY\n")) {
        armed = true;
        setTimeout(() => proc.kill("SIGKILL"), killAfterMs);
      }
    });
    proc.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
    });
    proc.on("exit", (_code, signal) => {
      if (signal !== "SIGKILL") return reject(new Error(`child exited on its own: ${err}`));
      // Only complete lines count: a line cut by the kill was never shown to the operator.
      const acked = out
        .split("\n")
        .slice(0, -1)
        .filter((l) => l.startsWith("A "))
        .map((l) => l.slice(2));
      resolve(acked);
    });
  });
}

describe("F1: SIGKILL of the terminal process at random points", () => {
  it(`no acknowledged event lost, none applied twice, quick_check ok — ${RUNS} kills (seed ${SEED})`, async () => {
    const rnd = seededRandom(SEED);
    const dbPath = join(h.dir, "killed.db");
    const acked = new Set<string>();
    for (let run = 0; run < RUNS; run++) {
      // Vary where the kill lands: mid local transaction, after send before ack, mid ack, mid hotlist apply.
      h.sandbox.faults.set({
        latencyMs: Math.floor(rnd.next() * 6),
        dropResponseRate: rnd.next() < 0.3 ? 0.2 : 0,
        seed: run,
      });
      if (run % 3 === 0)
        await h.admin("POST", "/_admin/hotlist", {
          cardKey: `HC9${String(run).padStart(12, "0")}`,
          status: "blocked",
          reason: "lost",
        });
      for (const id of await runAndKill(dbPath, 20 + Math.floor(rnd.next() * 280))) acked.add(id);
    }
    h.sandbox.faults.reset();
    expect(acked.size).toBeGreaterThan(RUNS);

    const store = h.store("T1", { file: "killed.db" });
    expect(store.status().alerts).toEqual([]);
    expect(store.context.db.pragma("integrity_check", { simple: true })).toBe("ok");
    const d = h.deliver(store);
    await d.drained(30_000);
    const ev = await h.admin<AdminEvents>("GET", "/_admin/events?terminalId=T1&limit=1000000");
    const atPlatform = new Set(ev.events.map((e) => e.eventId));
    const lost = [...acked].filter((id) => !atPlatform.has(id));
    expect(lost).toEqual([]);
    expect(ev.events.filter((e) => e.applyCount !== 1)).toEqual([]);
    expect(ev.conflicts).toEqual([]);
    // server state = dedupe(all sent): every stored event exactly once, seqs contiguous
    expect(ev.terminals[0]).toMatchObject({ events: store.outbox.lastSeq(), ackedThroughSeq: store.outbox.lastSeq() });
    expect(ev.events.map((e) => e.seq)).toEqual(Array.from({ length: store.outbox.lastSeq() }, (_, i) => i + 1));
    // the hotlist cursor never ran ahead of its data
    await d.refreshDownlinks();
    expect(store.hotlist.check(`HC9${String(0).padStart(12, "0")}`).listed).toBe(true);
  }, 120_000);
});
