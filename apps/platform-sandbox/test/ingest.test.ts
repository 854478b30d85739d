import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Sandbox } from "../src/index.js";
import { ADMIN, batch, call, sandbox, TERMINALS, wireEvent } from "./helpers.js";

let sb: Sandbox;
let close: () => Promise<void>;
beforeEach(async () => {
  ({ sb, close } = await sandbox());
});
afterEach(async () => close());

const E1 = "/v1/terminals/T1/events:batch";
type Results = {
  ackedThroughSeq: number;
  results: Array<{ eventId: string; status: string; original?: string; code?: string }>;
};

describe("E1 ingest (F8: duplicates, reorder, replay, conflicts, gaps)", () => {
  it("acks the contiguous high-water mark; a gap is stored but not acked until filled", async () => {
    const [e1, e2, e3, e4] = [1, 2, 3, 4].map((s) => wireEvent(s));
    let r = await call(sb, "POST", E1, { body: batch([e4, e1, e2]), gzip: true });
    expect(r.status).toBe(200);
    expect((r.body as unknown as Results).ackedThroughSeq).toBe(2);
    expect(typeof r.body.serverTime).toBe("string");
    r = await call(sb, "POST", E1, { body: batch([e3]) });
    expect((r.body as unknown as Results).ackedThroughSeq).toBe(4);
  });

  it("replays original outcomes for duplicates (same id, same hash), including rejections", async () => {
    const good = wireEvent(1);
    const bad = wireEvent(2, {
      payload: { cardNo: "HC11010100000001", purpose: "nope", genuine: true, hotlist: "clear" },
    });
    const b = batch([good, bad], "batch-1");
    const first = (await call(sb, "POST", E1, { body: b })).body as unknown as Results;
    expect(first.results.map((x) => x.status)).toEqual(["accepted", "rejected"]);
    expect(first.results[1]!.code).toBe("EVENT_INVALID");
    expect(first.ackedThroughSeq).toBe(2);
    const again = (await call(sb, "POST", E1, { body: b })).body as unknown as Results;
    expect(again.results.map((x) => [x.status, x.original])).toEqual([
      ["duplicate", "accepted"],
      ["duplicate", "rejected"],
    ]);
    expect(again.ackedThroughSeq).toBe(2);
    const admin = await call(sb, "GET", "/_admin/events", { token: ADMIN });
    const evs = admin.body.events as Array<{ receiveCount: number; applyCount: number; status: string }>;
    expect(evs.map((e) => [e.status, e.receiveCount, e.applyCount])).toEqual([
      ["accepted", 2, 1],
      ["rejected", 2, 0],
    ]);
  });

  it("same eventId with a different payload is a quarantined conflict; a reused seq too", async () => {
    const e = wireEvent(1);
    await call(sb, "POST", E1, { body: batch([e]) });
    const changed = {
      ...wireEvent(1, {
        eventId: e.eventId,
        payload: { cardNo: "HC11010100000009", purpose: "visit", genuine: true, hotlist: "clear" },
      }),
    };
    const r = (await call(sb, "POST", E1, { body: batch([changed]) })).body as unknown as Results;
    expect(r.results[0]).toMatchObject({ status: "conflict", code: "EVENT_CONFLICT" });
    const reuse = (await call(sb, "POST", E1, { body: batch([wireEvent(1)]) })).body as unknown as Results;
    expect(reuse.results[0]).toMatchObject({ status: "conflict" });
    const admin = await call(sb, "GET", "/_admin/events?terminalId=T1", { token: ADMIN });
    expect(admin.body.conflicts).toHaveLength(2);
    expect(admin.body.events).toHaveLength(1);
  });

  it("rejects a tampered payload hash and an unknown type, each consuming its seq", async () => {
    const tampered = { ...wireEvent(1), payloadSha256: "0".repeat(64) };
    const unknown = wireEvent(2, { type: "card.teleported" });
    const r = (await call(sb, "POST", E1, { body: batch([tampered, unknown]) })).body as unknown as Results;
    expect(r.results.map((x) => x.status)).toEqual(["rejected", "rejected"]);
    expect(r.ackedThroughSeq).toBe(2);
  });

  it("authenticates per terminal and validates the batch", async () => {
    expect((await call(sb, "POST", E1, { token: "", body: batch([wireEvent(1)]) })).status).toBe(401);
    expect((await call(sb, "POST", E1, { token: TERMINALS.T2, body: batch([wireEvent(1)]) })).status).toBe(403);
    expect((await call(sb, "POST", E1, { body: "{not json" })).status).toBe(400);
    expect((await call(sb, "POST", E1, { body: { batchId: "x", events: [] } })).status).toBe(400);
    const big = batch(Array.from({ length: 501 }, (_, i) => wireEvent(i + 1)));
    expect((await call(sb, "POST", E1, { body: big, gzip: true })).status).toBe(400);
    expect((await call(sb, "GET", "/_admin/events", { token: TERMINALS.T1 })).status).toBe(401);
  });

  it("anchors a terminal whose store was lost: slots below the highest seen are abandoned", async () => {
    await call(sb, "POST", E1, { body: batch([wireEvent(1), wireEvent(3)]) });
    const cursor = await call(sb, "GET", "/v1/terminals/T1/cursor");
    expect(cursor.body).toMatchObject({ ackedThroughSeq: 1, highestSeq: 3 });
    const anchored = await call(sb, "POST", "/v1/terminals/T1/cursor:anchor", { body: {} });
    expect(anchored.body).toMatchObject({ ackedThroughSeq: 3, highestSeq: 3 });
    const r = (await call(sb, "POST", E1, { body: batch([wireEvent(4)]) })).body as unknown as Results;
    expect(r.ackedThroughSeq).toBe(4);
  });

  it("server-side effects: card.reported_lost blocks the card in the hotlist; card.issued feeds the EMPI", async () => {
    const r = sb.residents[40]!;
    const issued = wireEvent(1, {
      type: "card.issued",
      payload: {
        cardNo: "HC42010600000077",
        idNo: r.idNo,
        name: r.name,
        gender: r.gender,
        birthDate: r.birthDate,
        issuerOrgId: "420106000001",
      },
    });
    const lost = wireEvent(2, {
      type: "card.reported_lost",
      payload: { cardNo: "HC42010600000077", reason: "lost on bus" },
    });
    await call(sb, "POST", E1, { body: batch([issued, lost]) });
    expect(sb.hotlist.status("HC42010600000077")).toBe("blocked");
    const pix = await call(
      sb,
      "GET",
      `/fhir/Patient/$ihe-pix?sourceIdentifier=${encodeURIComponent("urn:oid:2.16.156.10011.1.19|HC42010600000077")}`,
    );
    expect(pix.status).toBe(200);
    expect(JSON.stringify(pix.body)).toContain(r.idNo);
  });
});
