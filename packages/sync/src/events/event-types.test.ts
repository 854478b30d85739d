import { describe, expect, it } from "vitest";
import { canonicalJson } from "../util/canonical-json.js";
import { encodeEventInput, validatePayload } from "./envelope.js";
import { EVENT_TYPE_NAMES, EVENT_TYPES } from "./event-types.js";

describe("event type table", () => {
  it("holds the ten contract types, each with an aggregate kind and a summary", () => {
    expect(EVENT_TYPE_NAMES).toEqual([
      "card.issued",
      "card.read",
      "card.reported_lost",
      "card.unblocked",
      "card.replaced",
      "card.pin_reset",
      "clinician.login",
      "clinician.logout",
      "record.written",
      "settlement.recorded",
    ]);
    for (const t of Object.values(EVENT_TYPES)) expect(t.summary.length).toBeGreaterThan(10);
  });
  it("validates payloads per type", () => {
    expect(validatePayload("card.pin_reset", { cardNo: "HC11010100000001", method: "issuer" }).ok).toBe(true);
    const bad = validatePayload("card.issued", { cardNo: "HC11010100000001", idNo: "123" });
    expect(bad.ok).toBe(false);
    expect(bad.ok === false && bad.reason).toContain("idNo");
    expect(validatePayload("card.flew", {}).ok).toBe(false);
  });
  it("validates envelope and payload per type, giving the stored texts (canonical payload)", () => {
    const envelope = { aggregate: { kind: "card", id: "HC1" }, actor: { kind: "system", id: "t" } };
    const payload = { method: "holder", cardNo: "HC11010100000001", extra: 1 };
    const ok = encodeEventInput({ ...envelope, type: "card.pin_reset", payload });
    expect(ok.ok && ok.event.payloadJson).toBe(canonicalJson({ cardNo: "HC11010100000001", method: "holder" }));
    expect(ok.ok && JSON.parse(ok.event.members)).toEqual({ ...envelope, subject: {}, listVersions: {} });
    expect(ok.ok && ok.event.hasOccurredAt).toBe(false);
    const badPayload = encodeEventInput({ ...envelope, type: "card.pin_reset", payload: { ...payload, method: "x" } });
    expect(!badPayload.ok && badPayload.reason).toMatch(/^payload\.method: /);
    const badEnvelope = encodeEventInput({
      ...envelope,
      actor: { kind: "robot", id: "t" },
      type: "card.pin_reset",
      payload,
    });
    expect(!badEnvelope.ok && badEnvelope.reason).toMatch(/^actor\.kind: /);
    const unknown = encodeEventInput({ ...envelope, type: "card.flew", payload });
    expect(!unknown.ok && unknown.reason).toMatch(/^type: /);
    expect(encodeEventInput(null).ok).toBe(false);
  });
});
