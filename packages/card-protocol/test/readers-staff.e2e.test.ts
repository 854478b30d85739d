import { X509Certificate } from "node:crypto";
import { makeStaffCardImage } from "@rhc/card-sim";
import { ROLE_READERS, TestDesk } from "@rhc/card-sim/testing";
import { sm2Verify } from "@rhc/crypto";
import { readVectorText } from "@rhc/test-vectors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectCard } from "../src/readers/access.js";
import { type ReaderEvent, ReaderMonitor } from "../src/readers/monitor.js";
import { StaffCardSession } from "../src/staff-card/staff-session.js";
import { insertMuteCard } from "./support/mute-card.js";
import { psamImage, residentFile } from "./support/sim-images.js";

// The reader monitor and the staff card through the real pcscd.
let desk: TestDesk;
let monitor: ReaderMonitor;
const staffPem = readVectorText("x509", "sm2", "clinician.pem");
const staffImage = makeStaffCardImage({
  certificate: staffPem,
  privateKey: readVectorText("x509", "sm2", "clinician.key"),
  pin: "2468",
});

beforeAll(async () => {
  desk = await TestDesk.open();
  // Roles as a desk configures them: by name pattern, this lane's slot only.
  const slot = desk.readerName("resident").slice(-5);
  const roles = Object.fromEntries(
    Object.entries(ROLE_READERS).map(([role, name]) => [role, { patterns: [`^${name} ${slot}$`] }]),
  );
  monitor = new ReaderMonitor(desk.transport, { roles, pollMs: 2000 }).start();
});
afterAll(async () => {
  await monitor?.stop();
  await desk?.close();
});

const inserted =
  (reader: string) =>
  (e: ReaderEvent): e is Extract<ReaderEvent, { type: "card-inserted" }> =>
    e.type === "card-inserted" && e.reader === reader;

describe("ReaderMonitor through pcscd", () => {
  it("sees the lane's readers with their roles", async () => {
    for (const role of ["resident", "sam", "staff"] as const) {
      const name = desk.readerName(role);
      await expect.poll(() => monitor.readers().find((r) => r.name === name)?.role, { timeout: 5000 }).toBe(role);
    }
  });

  it("reports insertions with ATR and kind, and removals", async () => {
    const cases = [
      ["resident", { type: "resident", options: { image: residentFile("protocol-monitor").image } }, "resident"],
      ["sam", { type: "psam", options: { image: psamImage() } }, "sam"],
      ["staff", { type: "staff", options: { image: staffImage } }, "staff"],
    ] as const;
    for (const [role, spec, kind] of cases) {
      const reader = desk.readerName(role);
      const event = monitor.waitFor(inserted(reader), { timeoutMs: 5000 });
      await desk.insert(role, spec);
      expect(await event).toMatchObject({ role, kind });
      expect(monitor.reader(role, kind)?.atr).toEqual((await event).atr);
    }
    const removed = monitor.waitFor(
      (e): e is ReaderEvent => e.type === "card-removed" && e.reader === desk.readerName("sam"),
      { timeoutMs: 5000 },
    );
    await desk.remove("sam");
    await removed;
    expect(monitor.reader("sam")?.present).toBe(false);
  });

  it("probes a card whose ATR it does not know (the ISO test card is 'unknown')", async () => {
    const reader = desk.readerName("sam");
    const event = monitor.waitFor(inserted(reader), { timeoutMs: 5000 });
    await desk.insert("sam", { type: "iso-test" });
    expect((await event).kind).toBe("unknown");
    await desk.remove("sam");
  });

  it("reports a card that does not answer reset as card-mute, with reader and role", async () => {
    const reader = desk.readerName("sam");
    const muted = monitor.waitFor(
      (e): e is Extract<ReaderEvent, { type: "card-mute" }> => e.type === "card-mute" && e.reader === reader,
      { timeoutMs: 5000 },
    );
    const insertions: string[] = [];
    const off = monitor.on("card-inserted", (e) => insertions.push(e.reader));
    const pull = await insertMuteCard(desk.port("sam"));
    try {
      expect(await muted).toEqual({ type: "card-mute", reader, role: "sam" });
      expect(monitor.reader("sam")).toMatchObject({ name: reader, mute: true, present: false, kind: undefined });
      // A mute card has no ATR and no kind: it is never reported as an inserted card.
      expect(insertions).not.toContain(reader);
      await expect(desk.transport.connect(reader)).rejects.toMatchObject({ code: expect.any(String) });
    } finally {
      off();
      await pull();
    }
    await expect.poll(() => monitor.reader("sam")?.mute, { timeout: 5000 }).toBe(false);
  });

  it("reports CARD_BUSY while another program holds the card exclusively, then connects", async () => {
    const reader = desk.readerName("resident");
    const holder = await desk.transport.connect(reader, { share: "exclusive" });
    await expect(connectCard(desk.transport, reader, { attempts: 3, delayMs: 20 })).rejects.toMatchObject({
      code: "CARD_BUSY",
      retriable: true,
    });
    setTimeout(() => void holder.disconnect(), 100);
    const connection = await connectCard(desk.transport, reader, { attempts: 20, delayMs: 25, share: "exclusive" });
    expect(connection.share).toBe("exclusive");
    await connection.disconnect();
  });
});

describe("StaffCardSession through pcscd", () => {
  it("reads the certificate, verifies the PIN with tries left and signs a challenge", async () => {
    const connection = await desk.transport.connect(desk.readerName("staff"));
    const staff = StaffCardSession.open(connection);
    const der = await staff.certificate();
    expect(Buffer.from(der).equals(new X509Certificate(staffPem).raw)).toBe(true);
    await expect(staff.verifyPin("1357")).rejects.toMatchObject({ code: "PIN_INVALID", data: { triesLeft: 2 } });
    expect(await staff.pinState()).toEqual({ state: "not-verified", triesLeft: 2 });
    await staff.verifyPin("2468");
    const challenge = Uint8Array.from(Buffer.from("0011223344556677", "hex"));
    const signature = await staff.signChallenge(challenge);
    const point = new Uint8Array(new X509Certificate(staffPem).publicKey.export({ format: "der", type: "spki" })).slice(
      -65,
    );
    expect(sm2Verify(point, challenge, signature)).toBe(true);
    await staff.close();
  });

  it("blocks after the last wrong PIN and unblocks with the PUK", async () => {
    const staff = StaffCardSession.open(await desk.transport.connect(desk.readerName("staff")));
    await expect(staff.verifyPin("1111")).rejects.toMatchObject({ code: "PIN_INVALID", data: { triesLeft: 2 } });
    await expect(staff.verifyPin("1111")).rejects.toMatchObject({ code: "PIN_INVALID", data: { triesLeft: 1 } });
    await expect(staff.verifyPin("1111")).rejects.toMatchObject({ code: "PIN_BLOCKED" });
    await expect(staff.verifyPin("2468")).rejects.toMatchObject({ code: "PIN_BLOCKED" });
    await staff.unblockPin("12345678", "8642");
    await staff.verifyPin("8642");
    expect(await staff.pinState()).toEqual({ state: "verified" });
    await staff.close();
  });
});
