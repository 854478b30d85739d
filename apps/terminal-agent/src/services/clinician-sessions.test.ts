import { describe, expect, it } from "vitest";
import { type ClinicianSession, ClinicianSessions, type LogoutReason } from "./clinician-sessions.js";

const doctor = { staffId: "D001", subject: "CN=Dr Li", certSerial: "01", fingerprint: "ab" };

function setup() {
  let now = new Date("2025-01-01T08:00:00Z");
  const ended: Array<[ClinicianSession, LogoutReason]> = [];
  const sessions = new ClinicianSessions(
    60,
    (s, r) => ended.push([s, r]),
    () => now,
  );
  return { sessions, ended, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe("ClinicianSessions", () => {
  it("admits the token only for the client that logged in", () => {
    const { sessions } = setup();
    const { token, session } = sessions.start("client-a", doctor, true);
    expect(String(token)).toBe("[REDACTED]");
    expect(sessions.require("client-a", token.reveal())).toMatchObject({
      sessionId: session.sessionId,
      clinician: doctor,
    });
    expect(() => sessions.require("client-b", token.reveal())).toThrow(
      expect.objectContaining({ code: "CLINICIAN_REQUIRED" }),
    );
    expect(() => sessions.require("client-a", undefined)).toThrow(
      expect.objectContaining({ code: "CLINICIAN_REQUIRED" }),
    );
    expect(() => sessions.require("client-a", `${session.sessionId}.forged`)).toThrow(
      expect.objectContaining({ code: "CLINICIAN_REQUIRED" }),
    );
  });

  it("ends on timeout, on card removal and when another clinician logs in", () => {
    const { sessions, ended, advance } = setup();
    const first = sessions.start("c", doctor, true);
    sessions.start("c", { ...doctor, staffId: "D002" }, true);
    expect(ended.map(([s, r]) => [s.clinician.staffId, r])).toEqual([["D001", "manual"]]);
    expect(() => sessions.require("c", first.token.reveal())).toThrow();
    advance(61 * 60_000);
    expect(sessions.current()).toBeUndefined();
    expect(ended.at(-1)?.[1]).toBe("timeout");
    sessions.start("c", doctor, false);
    sessions.endAll("card_removed");
    expect(ended.at(-1)).toEqual([expect.objectContaining({ revocationChecked: false }), "card_removed"]);
  });
});
