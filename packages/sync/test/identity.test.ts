import { isRhcError } from "@rhc/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIdentityService, OID } from "../src/index.js";
import { type Harness, harness } from "./helpers.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

describe("identity (I1/I2/I3) with an offline cache", () => {
  it("looks residents up by ID number (PDQm) and card number (PIXm), from the seeded EMPI", async () => {
    const store = h.store();
    const r = h.sandbox.residents[0]!;
    const ids = createIdentityService({ cache: store.identity, client: h.client() });
    const a = await ids.lookup({ idNo: r.idNo });
    expect(a).toMatchObject({
      source: "platform",
      empiId: r.empiId,
      patient: { name: [{ text: r.name }], birthDate: r.birthDate, gender: r.gender },
    });
    const pix = await ids.pix({ cardNo: r.cardNo! });
    expect(pix?.empiId).toBe(r.empiId);
    expect(pix?.identifiers).toEqual(expect.arrayContaining([{ system: OID.idNo, value: r.idNo }]));
    expect(await ids.pix({ cardNo: "HC00000000000000" })).toBeUndefined();
    try {
      await ids.lookup({ idNo: "11010119900307001X" });
      expect.unreachable();
    } catch (e) {
      expect(isRhcError(e, "IDENTITY_NOT_FOUND")).toBe(true);
    }
  });

  it("I3: a card.issued event feeds the EMPI server-side; the new card resolves to the resident", async () => {
    const store = h.store();
    const r = h.sandbox.residents[30]!;
    store.outbox.append({
      type: "card.issued",
      aggregate: { kind: "card", id: "HC99000000000001" },
      subject: { cardNo: "HC99000000000001", idNo: r.idNo },
      actor: { kind: "operator", id: "op-7" },
      payload: {
        cardNo: "HC99000000000001",
        idNo: r.idNo,
        name: r.name,
        gender: r.gender,
        birthDate: r.birthDate,
        issuerOrgId: "110101000001",
      },
    });
    const d = h.deliver(store);
    await d.drained();
    const ids = createIdentityService({ cache: store.identity, client: h.client() });
    expect((await ids.lookup({ cardNo: "HC99000000000001" })).empiId).toBe(r.empiId);
  });

  it("offline: a cached answer within the TTL is served; an expired one is not (PLATFORM_UNREACHABLE)", async () => {
    let now = Date.now();
    const store = h.store("T1", {
      clock: { now: () => now, mono: () => ({ bootId: "b", uptimeMs: 1 }) },
      identityTtlMs: 3600_000,
    });
    const r = h.sandbox.residents[1]!;
    const ids = createIdentityService({ cache: store.identity, client: h.client("T1", { timeoutMs: 300 }) });
    await ids.lookup({ idNo: r.idNo });
    h.sandbox.faults.set({ routes: "/fhir/", partition: "inbound" });
    const cached = await ids.lookup({ cardNo: r.cardNo! });
    expect(cached).toMatchObject({ source: "cache", empiId: r.empiId });
    now += 2 * 3600_000;
    try {
      await ids.lookup({ idNo: r.idNo });
      expect.unreachable();
    } catch (e) {
      expect(isRhcError(e, "PLATFORM_UNREACHABLE")).toBe(true);
    }
    expect(store.identity.purge()).toBeGreaterThan(0);
  });
});
