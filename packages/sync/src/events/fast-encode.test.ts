import { describe, expect, it } from "vitest";
import { z } from "zod";
import { canonicalJson } from "../util/canonical-json.js";
import { type Random, seededRandom } from "../util/clock.js";
import { encodeEventInput, encodeEventInputFast, encodeEventInputWithZod } from "./envelope.js";
import { EVENT_TYPE_NAMES, type EventType } from "./event-types.js";
import { compileFastEncode } from "./fast-encode.js";

const cardNo = "HC11010100000001";
/** One valid payload per event type, every optional field filled. */
const PAYLOADS: Record<EventType, Record<string, unknown>> = {
  "card.issued": {
    cardNo,
    cardSerial: "01",
    idNo: "11010519491231002X",
    name: "张伟",
    gender: "male",
    birthDate: "1949-12-31",
    issuerOrgId: "ORG1",
    ethnicity: "01",
    phone: "13800000000",
    address: "北京市西城区",
  },
  "card.read": { cardNo, cardSerial: "01", purpose: "registration", genuine: true, hotlist: "clear" },
  "card.reported_lost": { cardNo, cardSerial: "01", reason: "lost on the bus" },
  "card.unblocked": { cardNo, cardSerial: "01", reason: "found" },
  "card.replaced": { cardNo, cardSerial: "01", newCardNo: "HC11010100000002", newCardSerial: "02", reason: "worn" },
  "card.pin_reset": { cardNo, method: "issuer" },
  "clinician.login": { staffId: "D001", certSerial: "0A1B" },
  "clinician.logout": { staffId: "D001", reason: "card_removed" },
  "record.written": { cardNo, recordType: "visit", recordId: "V1", bytes: 512 },
  "settlement.recorded": {
    txnSerial: "T1",
    state: "SETTLED",
    setlId: "S1",
    feeTotal: 12345,
    fundPay: 10000,
    acctPay: 345,
    cashPay: 2000,
  },
};

function sample(type: EventType): Record<string, unknown> {
  return {
    type,
    occurredAt: "2026-11-26T08:00:00.000+08:00",
    aggregate: { kind: "card", id: cardNo },
    subject: { cardNo, idNo: "11010519491231002X", empiId: "E1" },
    actor: { kind: "operator", id: "op-1", name: "王芳" },
    listVersions: { hotlist: 7, crl: { "issuer-1": "42", "0": "1" } },
    payload: structuredClone(PAYLOADS[type]),
  };
}

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  1.5,
  -3,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
  "",
  "x",
  'quote " and \\ backslash',
  "control \u0001 \n",
  "lone \ud800 surrogate",
  "x".repeat(65),
  "2026-11-26",
  "2026-11-26T08:00:00Z",
  "male",
  "SETTLED",
  "registration",
  [],
  ["a"],
  {},
  { kind: "card", id: "x" },
  new Date(0),
];

/** A path to an existing key (any depth), or a new key beside it. */
function pickPath(r: Random, value: Record<string, unknown>): string[] {
  const path: string[] = [];
  let node: unknown = value;
  while (typeof node === "object" && node !== null && !Array.isArray(node)) {
    const keys = Object.keys(node);
    if (keys.length === 0 || r.next() < 0.25) break;
    const key = keys[Math.floor(r.next() * keys.length)]!;
    path.push(key);
    node = (node as Record<string, unknown>)[key];
  }
  const isObject = typeof node === "object" && node !== null && !Array.isArray(node);
  if (path.length === 0 || (isObject && r.next() < 0.15)) path.push(r.next() < 0.5 ? "extra" : "__proto__");
  return path;
}

function mutate(r: Random, input: Record<string, unknown>): void {
  const path = pickPath(r, input);
  let parent = input;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  const roll = r.next();
  if (roll < 0.2) delete parent[last];
  else if (roll < 0.3) Object.defineProperty(parent, last, { value: undefined, enumerable: true, configurable: true });
  else {
    const odd = ODD_VALUES[Math.floor(r.next() * ODD_VALUES.length)];
    const value = typeof odd === "object" && odd !== null ? structuredClone(odd) : odd; // fresh: later mutations may edit it
    Object.defineProperty(parent, last, { value, enumerable: true, configurable: true, writable: true });
  }
}

describe("outbox append fast path", () => {
  it("answers for a valid event of every type, with exactly the texts of zod + JSON", () => {
    for (const type of EVENT_TYPE_NAMES) {
      const input = sample(type);
      const fast = encodeEventInputFast(input);
      expect(fast, type).toBeDefined();
      expect(encodeEventInputWithZod(input)).toEqual({ ok: true, event: fast });
      expect(fast?.payloadJson).toBe(canonicalJson(PAYLOADS[type]));
    }
  });

  it("never accepts what zod rejects and never writes other text: 20,000 mutated events", () => {
    const r = seededRandom(543);
    let valid = 0;
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const input = sample(EVENT_TYPE_NAMES[i % EVENT_TYPE_NAMES.length]!);
      for (let n = 1 + Math.floor(r.next() * 3); n > 0; n--) mutate(r, input);
      const fast = encodeEventInputFast(input);
      const slow = encodeEventInputWithZod(input);
      if (fast !== undefined) expect(slow, JSON.stringify(input)).toEqual({ ok: true, event: fast });
      if (slow.ok) valid++;
      if (fast !== undefined) answered++;
      expect(encodeEventInput(input)).toEqual(slow);
    }
    // Both outcomes are well represented, and the fast path answers for most valid mutants (stripped
    // extra keys, absent optionals, explicit undefined) rather than deferring everything.
    expect(valid).toBeGreaterThan(2_000);
    expect(valid).toBeLessThan(18_000);
    expect(answered / valid).toBeGreaterThan(0.8);
  });

  it("defers what it cannot follow: unknown checks, arrays, transforms, non-object roots", () => {
    const cases = [
      z.object({ e: z.email() }),
      z.object({ t: z.string().trim() }),
      z.object({ a: z.array(z.string()) }),
      z.object({ n: z.number().multipleOf(5) }),
      z.object({ s: z.string() }).catchall(z.string()),
      z.object({ d: z.object({ x: z.string() }).default({ x: "a" }) }),
      z.string(),
    ];
    const values = [{ e: "a@b.cn" }, { t: "a" }, { a: ["x"] }, { n: 10 }, { s: "a" }, {}, "text"];
    cases.forEach((schema, i) => {
      expect(schema.safeParse(values[i]).success).toBe(true);
      expect(compileFastEncode(schema)(values[i])).toBeUndefined();
    });
  });

  it("writes JSON.stringify's text for strings and numbers JSON escapes or spells oddly", () => {
    const encode = compileFastEncode(z.object({ s: z.string(), n: z.number(), o: z.string().optional() }));
    for (const s of ['"', "\\", "\u0000\u001f", "\ud800", "\u2028", "张"]) {
      for (const n of [-0, 1e21, 5e-7, 0.1]) {
        expect(encode({ s, n, o: undefined, extra: 1 })).toBe(JSON.stringify({ s, n }));
      }
    }
  });
});
