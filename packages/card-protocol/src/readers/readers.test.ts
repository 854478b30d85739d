import { describe, expect, it } from "vitest";
import { encodeResponse } from "../apdu/response.js";
import { MemoryTransport } from "../transport/memory.js";
import { fromHex, toHex } from "../util/hex.js";
import { connectCard, withCard } from "./access.js";
import { parseAtr } from "./atr.js";
import { kindFromAtr } from "./card-kind.js";
import { type ReaderEvent, ReaderMonitor } from "./monitor.js";
import { ReaderRoles } from "./roles.js";

const RESIDENT_ATR = fromHex("3B690000570102030405060708");
const PSAM_ATR = fromHex(`3B680000${Buffer.from("RHC-PSAM").toString("hex")}`);
const T1 = (text: string) => {
  const body = [0x80 | text.length, 0x01, ...Buffer.from(text)];
  return Uint8Array.from([0x3b, ...body, body.reduce((x, b) => x ^ b, 0)]);
};

const card = (atr: Uint8Array, answer: (c: Uint8Array) => number = () => 0x6a82) => {
  const log: string[] = [];
  let resets = 0;
  return {
    atr,
    log,
    get resets() {
      return resets;
    },
    transmit: (c: Uint8Array) => {
      log.push(toHex(c));
      return encodeResponse([], answer(c));
    },
    reset: () => {
      resets++;
    },
  };
};

describe("ATR parsing and card kinds", () => {
  it("parses T=0 and T=1 ATRs and their historical bytes", () => {
    expect(parseAtr(RESIDENT_ATR)).toMatchObject({ protocols: [0], tck: undefined });
    expect(toHex(parseAtr(RESIDENT_ATR).historical)).toBe("570102030405060708");
    const t1 = parseAtr(T1("RHC-STAFF"));
    expect(t1.protocols).toEqual([1]);
    expect(Buffer.from(t1.historical).toString()).toBe("RHC-STAFF");
  });

  it("rejects malformed ATRs", () => {
    for (const bad of ["3B", "2B00", "3B8901", "3B0201", "3B8101AA00", `3B${"0F"}${"00".repeat(40)}`]) {
      expect(() => parseAtr(fromHex(bad)), bad).toThrow(expect.objectContaining({ code: "MALFORMED_RESPONSE" }));
    }
  });

  it("recognises the resident card, SAM and staff card and leaves others unknown", () => {
    expect(kindFromAtr(RESIDENT_ATR)).toBe("resident");
    expect(kindFromAtr(PSAM_ATR)).toBe("sam");
    expect(kindFromAtr(T1("RHC-STAFF"))).toBe("staff");
    expect(kindFromAtr(T1("RHCTestCard"))).toBe("unknown");
    expect(kindFromAtr(fromHex("3B8F"))).toBe("unknown");
    expect(kindFromAtr(T1("VENDOR"), [{ kind: "resident", atr: "3B8601*" }])).toBe("resident");
  });
});

describe("ReaderRoles", () => {
  it("assigns roles by exact name first, then by pattern", () => {
    const roles = new ReaderRoles({
      resident: { patterns: ["^Resident Card Reader"] },
      sam: { names: ["SAM Reader 00 00"], patterns: ["SAM"] },
      staff: { names: ["Resident Card Reader 00 01"] },
    });
    expect(roles.roleOf("Resident Card Reader 00 00")).toBe("resident");
    expect(roles.roleOf("Resident Card Reader 00 01")).toBe("staff");
    expect(roles.roleOf("SAM Reader 00 01")).toBe("sam");
    expect(roles.roleOf("Other")).toBeUndefined();
    expect(() => new ReaderRoles({ x: { patterns: ["("] } })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
    expect(() => new ReaderRoles({ x: { names: "a" } })).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
  });
});

async function collect(monitor: ReaderMonitor, count: number): Promise<ReaderEvent[]> {
  const out: ReaderEvent[] = [];
  for await (const e of monitor.events({ replay: false })) {
    out.push(e);
    if (out.length === count) break;
  }
  return out;
}

/** Waits (with replay) until the monitor knows a card in `reader`. */
async function untilCard(monitor: ReaderMonitor, reader: string): Promise<void> {
  for await (const e of monitor.events()) if (e.type === "card-inserted" && e.reader === reader) return;
}

const brief = (e: ReaderEvent) =>
  "reader" in e ? `${e.type} ${e.reader}${e.type === "card-inserted" ? ` ${e.kind}` : ""}` : e.type;

describe("ReaderMonitor", () => {
  it("reports readers and cards, with roles and kinds, and replays them to late subscribers", async () => {
    const t = new MemoryTransport(["Resident Card Reader 00 00", "SAM Reader 00 00"]);
    t.insert("SAM Reader 00 00", card(PSAM_ATR));
    const monitor = new ReaderMonitor(t, {
      roles: { resident: { patterns: ["^Resident"] }, sam: { patterns: ["^SAM"] } },
    });
    const first = collect(monitor, 3);
    monitor.start();
    expect((await first).map(brief)).toEqual([
      "reader-added Resident Card Reader 00 00",
      "reader-added SAM Reader 00 00",
      "card-inserted SAM Reader 00 00 sam",
    ]);
    const next = collect(monitor, 3);
    t.insert("Resident Card Reader 00 00", card(RESIDENT_ATR));
    const inserted = await monitor.waitForCard("resident", "resident");
    expect(inserted).toMatchObject({ name: "Resident Card Reader 00 00", role: "resident", kind: "resident" });
    t.remove("Resident Card Reader 00 00");
    t.addReader("Staff Reader");
    expect((await next).map(brief)).toEqual([
      "card-inserted Resident Card Reader 00 00 resident",
      "card-removed Resident Card Reader 00 00",
      "reader-added Staff Reader",
    ]);
    const replayed: ReaderEvent[] = [];
    for await (const e of monitor.events()) {
      replayed.push(e);
      if (replayed.length === 4) break;
    }
    expect(replayed.map(brief)).toEqual([
      "reader-added Resident Card Reader 00 00",
      "reader-added SAM Reader 00 00",
      "card-inserted SAM Reader 00 00 sam",
      "reader-added Staff Reader",
    ]);
    expect(monitor.reader("sam")?.kind).toBe("sam");
    await monitor.stop();
    expect(monitor.status).toBe("stopped");
  });

  it("probes unknown cards by application and resets them afterwards", async () => {
    const t = new MemoryTransport(["R"]);
    const unknownResident = card(T1("VENDOR-X"), (c) => (toHex(c).startsWith("00A404000C") ? 0x9000 : 0x6a82));
    const monitor = new ReaderMonitor(t).start();
    t.insert("R", unknownResident);
    const event = await monitor.waitFor(
      (e): e is Extract<ReaderEvent, { type: "card-inserted" }> => e.type === "card-inserted",
    );
    expect(event.kind).toBe("resident");
    expect(unknownResident.log).toEqual([`00A404000C${Buffer.from("WS.SYS.DDF01").toString("hex").toUpperCase()}`]);
    expect(unknownResident.resets).toBeGreaterThanOrEqual(2); // insertion + reset after the probe
    const noProbe = new ReaderMonitor(new MemoryTransport(["R"]), { probes: false });
    expect(noProbe.readers()).toEqual([]);
    await monitor.stop();
  });

  it("with roles configured, never probes (nor resets) a card in a reader of no role", async () => {
    const t = new MemoryTransport(["Resident Card Reader 00 00", "Other App Reader"]);
    const answer = (c: Uint8Array) => (toHex(c).startsWith("00A404000C") ? 0x9000 : 0x6a82);
    const ours = card(T1("VENDOR-X"), answer);
    const theirs = card(T1("VENDOR-X"), answer);
    const monitor = new ReaderMonitor(t, { roles: { resident: { patterns: ["^Resident Card Reader"] } } }).start();
    t.insert("Other App Reader", theirs);
    t.insert("Resident Card Reader 00 00", ours);
    const inserted = await monitor.waitFor(
      (e): e is Extract<ReaderEvent, { type: "card-inserted" }> =>
        e.type === "card-inserted" && e.reader === "Resident Card Reader 00 00",
    );
    expect(inserted.kind).toBe("resident");
    expect(monitor.readers().find((r) => r.name === "Other App Reader")?.kind).toBe("unknown");
    expect(theirs.log).toEqual([]);
    expect(theirs.resets).toBe(1); // only its own insertion
    await monitor.stop();
  });

  it("survives the PC/SC service stopping and coming back, with bounded backoff", async () => {
    const t = new MemoryTransport(["R"]);
    t.insert("R", card(RESIDENT_ATR));
    const monitor = new ReaderMonitor(t, { backoff: { initialMs: 10, maxMs: 40 } }).start();
    await untilCard(monitor, "R");
    const events = collect(monitor, 5);
    t.setServiceAvailable(false);
    await new Promise((r) => setTimeout(r, 150));
    expect(monitor.status).toBe("down");
    t.setServiceAvailable(true);
    const seen = (await events).map(brief);
    expect(seen).toEqual(["service-down", "card-removed R", "reader-removed R", "service-up", "reader-added R"]);
    await monitor
      .waitFor((e): e is ReaderEvent => e.type === "card-inserted", { timeoutMs: 1000 })
      .catch(() => undefined);
    expect(monitor.status).toBe("up");
    expect(monitor.readers()[0]).toMatchObject({ name: "R", present: true, kind: "resident" });
    await monitor.stop();
  });
});

describe("card access", () => {
  it("retries a sharing violation and reports CARD_BUSY when the card stays held", async () => {
    const t = new MemoryTransport(["R"]);
    t.insert("R", card(RESIDENT_ATR));
    const holder = await t.connect("R", { share: "exclusive" });
    await expect(connectCard(t, "R", { attempts: 3, delayMs: 5 })).rejects.toMatchObject({
      code: "CARD_BUSY",
      retriable: true,
    });
    setTimeout(() => void holder.disconnect(), 30);
    const conn = await connectCard(t, "R", { attempts: 10, delayMs: 10, share: "exclusive" });
    expect(conn.share).toBe("exclusive");
    await expect(t.connect("R")).rejects.toMatchObject({ code: "SHARING_VIOLATION" });
    await conn.disconnect();
    await expect(connectCard(t, "nope")).rejects.toMatchObject({ code: "NO_READER" });
    expect(await withCard(t, "R", { share: "exclusive" }, async (c) => c.atr)).toEqual(RESIDENT_ATR);
  });
});
