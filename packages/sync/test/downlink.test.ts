import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRhcError } from "@rhc/errors";
import { buildDemoCrl } from "@rhc/platform-sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AdminEvents, cardRead, type Harness, harness, reportLost, TERMINALS, tempDir } from "./helpers.js";

let h: Harness;
let crl: ReturnType<typeof tempDir>;
beforeEach(async () => {
  crl = tempDir("rhc-crl-");
  h = await harness({ crlDir: crl.dir });
});
afterEach(async () => {
  await h.close();
  crl.cleanup();
});

const block = (cardKey: string, status = "blocked", extra: Record<string, string> = {}) =>
  h.admin("POST", "/_admin/hotlist", { cardKey, status, reason: "test", ...extra });

async function rejects(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("G8/F14: hotlist downlink (D1/D2)", () => {
  it("bootstraps from the signed snapshot, then applies deltas with the cursor in the same transaction", async () => {
    await block("C1");
    await block("C2");
    const store = h.store();
    const client = h.client();
    const v = h.sandbox.signing.verifier;
    expect(await store.hotlist.refresh(client, v)).toMatchObject({ mode: "snapshot", applied: 2, listVersion: 2 });
    await block("C3", "replaced", { replacedBy: "C3B" });
    await h.admin("DELETE", "/_admin/hotlist/C1");
    expect(await store.hotlist.refresh(client, v)).toMatchObject({ mode: "delta", applied: 2, listVersion: 4 });
    expect(store.hotlist.check("C1").listed).toBe(false);
    expect(store.hotlist.check("C2")).toMatchObject({
      listed: true,
      listVersion: 4,
      entry: { status: "blocked", source: "platform" },
    });
    expect(store.hotlist.check("C3")).toMatchObject({ listed: true, entry: { status: "replaced", replacedBy: "C3B" } });
    expect(store.hotlist.state().cursor).toBe(4);
  });

  it("cursor older than the retained history → 410 must-refetch → snapshot", async () => {
    const store = h.store();
    const v = h.sandbox.signing.verifier;
    await block("C1");
    await store.hotlist.refresh(h.client(), v);
    for (const c of ["C2", "C3", "C4"]) await block(c);
    await h.admin("POST", "/_admin/hotlist/compact", { throughSeq: 3 });
    expect(await store.hotlist.refresh(h.client(), v)).toMatchObject({ mode: "snapshot", applied: 4, listVersion: 4 });
    expect(store.audit.list({ kind: "hotlist.must_refetch" })).toHaveLength(1);
    expect(["C1", "C2", "C3", "C4"].every((c) => store.hotlist.check(c).listed)).toBe(true);
  });

  it("a snapshot cut mid-download keeps the old list; the next refresh swaps atomically", async () => {
    const store = h.store();
    const v = h.sandbox.signing.verifier;
    await block("OLD");
    await store.hotlist.refresh(h.client(), v);
    await h.admin("DELETE", "/_admin/hotlist/OLD");
    await block("NEW");
    await h.admin("POST", "/_admin/hotlist/compact", { throughSeq: 3 });
    h.sandbox.faults.set({ snapshotTruncate: true });
    const err = await rejects(store.hotlist.refresh(h.client(), v));
    expect(isRhcError(err)).toBe(true);
    expect(store.hotlist.check("OLD")).toMatchObject({ listed: true, listVersion: 1 });
    expect(store.hotlist.check("NEW").listed).toBe(false);
    h.sandbox.faults.reset();
    await store.hotlist.refresh(h.client(), v);
    expect(store.hotlist.check("OLD").listed).toBe(false);
    expect(store.hotlist.check("NEW")).toMatchObject({ listed: true, listVersion: 3 });
  });

  describe("D2 resume: a cut snapshot download continues where it stopped (Range + If-Range)", () => {
    const part = (terminal = "T1") => join(h.dir, `${terminal}.db.hotlist-snapshot.part`);
    /** The snapshot as the platform serves it now (a request of its own, left out of `snapshotRequests`). */
    const snapshotBody = async () => {
      const res = await fetch(`${h.sandbox.url}/v1/blacklist/snapshot`, {
        headers: { authorization: `Bearer ${TERMINALS.T1}` },
      });
      return { body: Buffer.from(await res.arrayBuffer()), etag: res.headers.get("etag")! };
    };
    let logFrom = 0;
    /** A fresh store whose first snapshot download is cut half way (its bytes kept in `part()`). */
    const storeAfterCutDownload = async () => {
      logFrom = h.sandbox.requests().length;
      h.sandbox.faults.set({ snapshotTruncate: true });
      const store = h.store();
      await rejects(store.hotlist.refresh(h.client(), h.sandbox.signing.verifier));
      h.sandbox.faults.reset();
      return store;
    };
    const snapshotRequests = () =>
      h.sandbox
        .requests()
        .slice(logFrom)
        .filter((r) => r.url.startsWith("/v1/blacklist/snapshot"));

    it("keeps the bytes of each cut attempt, also across a restart, and fetches only the rest", async () => {
      for (let i = 0; i < 40; i++) await block(`CARD${String(i).padStart(4, "0")}`);
      const v = h.sandbox.signing.verifier;
      const { body } = await snapshotBody();
      logFrom = h.sandbox.requests().length;
      h.sandbox.faults.set({ snapshotTruncate: true });
      let store = h.store();
      expect(isRhcError(await rejects(store.hotlist.refresh(h.client(), v)), "PLATFORM_UNREACHABLE")).toBe(true);
      expect(statSync(part()).size).toBe(Math.floor(body.length / 2));
      expect(isRhcError(await rejects(store.hotlist.refresh(h.client(), v)), "PLATFORM_UNREACHABLE")).toBe(true);
      const kept = statSync(part()).size;
      expect(kept).toBe(Math.floor(body.length / 2) + Math.floor((body.length - Math.floor(body.length / 2)) / 2));
      expect(readFileSync(part())).toEqual(body.subarray(0, kept)); // a prefix of the one body
      expect(store.hotlist.size()).toBe(0); // nothing applied from a partial body
      store.close(); // the agent restarts
      h.sandbox.faults.reset();
      store = h.store();
      expect(await store.hotlist.refresh(h.client(), v)).toMatchObject({ mode: "snapshot", applied: 40 });
      expect(store.hotlist.check("CARD0039").listed).toBe(true);
      expect(snapshotRequests().map((r) => [r.status, r.range])).toEqual([
        ["dropped", undefined],
        ["dropped", `bytes=${Math.floor(body.length / 2)}-`],
        [206, `bytes=${kept}-`],
      ]);
      expect(existsSync(part()) || existsSync(`${part()}.json`)).toBe(false); // applied: forgotten
    });

    it("starts over when the snapshot changed in between (If-Range no longer matches)", async () => {
      await block("OLD1");
      await block("OLD2");
      const v = h.sandbox.signing.verifier;
      const store = await storeAfterCutDownload();
      const kept = statSync(part()).size;
      expect(kept).toBeGreaterThan(0);
      await block("NEW1");
      expect(await store.hotlist.refresh(h.client(), v)).toMatchObject({ mode: "snapshot", applied: 3 });
      expect(store.hotlist.check("NEW1").listed).toBe(true);
      // asked for the rest of the old body; the platform sent the new one whole
      expect(snapshotRequests().map((r) => [r.status, r.range])).toEqual([
        ["dropped", undefined],
        [200, `bytes=${kept}-`],
      ]);
    });

    it("a kept body that is already whole (stopped before it was applied) gets 416, then the whole body", async () => {
      await block("C1");
      const v = h.sandbox.signing.verifier;
      const { body, etag } = await snapshotBody();
      writeFileSync(part(), body);
      writeFileSync(`${part()}.json`, JSON.stringify({ etag }));
      logFrom = h.sandbox.requests().length;
      const store = h.store();
      expect(await store.hotlist.refresh(h.client(), v)).toMatchObject({ mode: "snapshot", applied: 1 });
      expect(snapshotRequests().map((r) => [r.status, r.range])).toEqual([
        [416, `bytes=${body.length}-`],
        [200, undefined],
      ]);
    });

    it("drops kept bytes that turn out bad and gets the whole snapshot again", async () => {
      await block("C1");
      await block("C2");
      const v = h.sandbox.signing.verifier;
      const store = await storeAfterCutDownload();
      writeFileSync(part(), Buffer.alloc(statSync(part()).size, 0x7b)); // "{{{{…": not the body any more
      expect(isRhcError(await rejects(store.hotlist.refresh(h.client(), v)), "PLATFORM_BAD_RESPONSE")).toBe(true);
      expect(existsSync(part())).toBe(false);
      expect(await store.hotlist.refresh(h.client(), v)).toMatchObject({ mode: "snapshot", applied: 2 });
      expect(snapshotRequests().map((r) => r.status)).toEqual(["dropped", 206, 200]);
    });
  });

  it("a bad signature is refused (SIGNATURE_INVALID) and the old list kept", async () => {
    const store = h.store();
    const v = h.sandbox.signing.verifier;
    await block("C1");
    await store.hotlist.refresh(h.client(), v);
    await block("C2");
    h.sandbox.faults.set({ hotlistBadSignature: true });
    expect(isRhcError(await rejects(store.hotlist.refresh(h.client(), v)), "SIGNATURE_INVALID")).toBe(true);
    expect(store.hotlist.check("C2").listed).toBe(false);
    expect(store.hotlist.state()).toMatchObject({ cursor: 1, listVersion: 1 });
    expect(store.audit.list({ kind: "hotlist.signature" })[0]!.outcome).toBe("invalid");
    // the delivery loop's downlink refresh reports it to operators
    const d = h.deliver(store);
    await d.refreshDownlinks();
    expect(store.status().lastDownlinkError?.code).toBe("SIGNATURE_INVALID");
    // a fresh store refuses a badly signed snapshot too
    const fresh = h.store("T2");
    expect(isRhcError(await rejects(fresh.hotlist.refresh(h.client("T2"), v)), "SIGNATURE_INVALID")).toBe(true);
    expect(fresh.hotlist.size()).toBe(0);
  });

  it("a delta applied twice is idempotent", async () => {
    const store = h.store();
    const v = h.sandbox.signing.verifier;
    await store.hotlist.refresh(h.client(), v);
    await block("C1");
    await block("C2");
    await h.admin("DELETE", "/_admin/hotlist/C1");
    await store.hotlist.refresh(h.client(), v);
    const before = store.hotlist.check("C1");
    store.context.write("rewind", () => store.context.meta.set("hotlist.cursor", 0));
    expect(await store.hotlist.refresh(h.client(), v)).toMatchObject({ mode: "delta", applied: 0 });
    expect(store.hotlist.check("C1")).toEqual({ ...before, ageMs: expect.any(Number) });
    expect(store.hotlist.check("C2").listed).toBe(true);
  });

  it("an offline report-lost applies at once (fail-closed) and the platform's list confirms it for every terminal", async () => {
    const a = h.store("T1");
    const b = h.store("T2");
    a.hotlist.markLocal("HC44010600000012", "reported at desk");
    a.outbox.append(reportLost("HC44010600000012"));
    expect(a.hotlist.check("HC44010600000012")).toMatchObject({ listed: true, entry: { source: "local" } });
    const da = h.deliver(a);
    const db = h.deliver(b);
    await da.drained();
    await da.refreshDownlinks();
    await db.refreshDownlinks();
    expect(a.hotlist.check("HC44010600000012")).toMatchObject({ listed: true, entry: { source: "platform" } });
    expect(b.hotlist.check("HC44010600000012")).toMatchObject({ listed: true, entry: { source: "platform" } });
    // a read of the blocked card is stored and flagged, never rejected
    b.outbox.append(cardRead("HC44010600000012"));
    await db.drained();
    const ev = await h.admin<AdminEvents>("GET", "/_admin/events?terminalId=T2");
    expect(ev.events[0]).toMatchObject({ status: "accepted", flags: "read_while_blocked" });
  });
});

describe("G7: downlink freshness is explicit", () => {
  it("every check reports the list version and its age; events carry the versions used", async () => {
    let now = Date.parse("2026-03-01T00:00:00Z");
    const store = h.store("T1", { clock: { now: () => now, mono: () => ({ bootId: "b", uptimeMs: 5 }) } });
    expect(store.hotlist.check("C1")).toEqual({ listed: false, listVersion: null, ageMs: null });
    await block("C9");
    await store.hotlist.refresh(h.client(), h.sandbox.signing.verifier);
    now += 3 * 3600_000;
    const check = store.hotlist.check("C1");
    expect(check).toEqual({ listed: false, listVersion: 1, ageMs: 3 * 3600_000 });
    store.outbox.append({
      ...cardRead("HC11010100000001"),
      listVersions: { hotlist: check.listVersion!, crl: store.crl.versions() },
    });
    const d = h.deliver(store);
    await d.drained();
    const row = h.sandbox.db.prepare("SELECT body FROM events").get() as { body: string };
    expect(JSON.parse(row.body).listVersions).toEqual({ hotlist: 1, crl: {} });
  });
});

describe("D3: CRLs by cRLNumber", () => {
  const issuer = "a1b2c3d4e5f60718";
  const write = async (n: number, base?: number, nextUpdate = new Date(Date.now() + 7 * 86400_000)) => {
    mkdirSync(crl.dir, { recursive: true });
    const der = await buildDemoCrl({
      issuerKeyId: issuer,
      crlNumber: n,
      ...(base ? { baseCrlNumber: base } : {}),
      thisUpdate: new Date(),
      nextUpdate,
      revokedSerials: ["0a0b", "1f"],
    });
    writeFileSync(join(crl.dir, `${issuer}${base ? ".delta" : ""}.crl`), der);
  };

  it("keeps the newest CRL per issuer, its delta, and flags staleness after nextUpdate + grace", async () => {
    const store = h.store();
    await write(5);
    await store.crl.refresh(h.client(), [issuer]);
    expect(store.crl.get(issuer)).toMatchObject({
      crlNumber: "5",
      issuerKeyId: issuer,
      revokedSerials: ["0a0b", "1f"],
      stale: false,
    });
    await write(7);
    await write(8, 7);
    await store.crl.refresh(h.client(), [issuer]);
    expect(store.crl.get(issuer)).toMatchObject({ crlNumber: "7", delta: { crlNumber: "8", baseCrlNumber: "7" } });
    await write(6);
    await store.crl.refresh(h.client(), [issuer]);
    expect(store.crl.get(issuer)?.crlNumber).toBe("7");
    expect(store.status().listVersions.crl).toEqual({ [issuer]: "7" });
    expect(await h.client().crl("ffff")).toBeUndefined();
    writeFileSync(join(crl.dir, `${issuer}.crl`), Buffer.from("not a crl"));
    expect(isRhcError(await rejects(store.crl.refresh(h.client(), [issuer])), "CRYPTO_DECODE")).toBe(true);
    expect(store.crl.get(issuer)?.crlNumber).toBe("7");
  });

  it("marks a CRL past nextUpdate + grace as stale", async () => {
    let now = Date.now();
    const store = h.store("T1", { clock: { now: () => now, mono: () => ({ bootId: "b", uptimeMs: 1 }) } });
    await write(1, undefined, new Date(now + 3600_000));
    await store.crl.refresh(h.client(), [issuer]);
    now += 3600_000 + 25 * 3600_000;
    expect(store.crl.get(issuer)).toMatchObject({ stale: true });
  });
});
