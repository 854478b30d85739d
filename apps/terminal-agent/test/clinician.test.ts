import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient } from "../src/cli/admin-client.js";
import { pair } from "./support/agent.js";
import { STAFF_PIN, staffCard } from "./support/cards.js";
import { type DeskHarness, openDesk } from "./support/desk.js";
import { http } from "./support/http.js";
import type { AdminEvents, TestPlatform } from "./support/platform.js";
import { type EventStream, openEvents } from "./support/ws.js";

let h: DeskHarness;
let desk: DeskHarness["desk"];
let t: DeskHarness["t"];
let platform: TestPlatform;
let writer: string;
let stream: EventStream;

beforeAll(async () => {
  h = await openDesk({ platform: true });
  ({ desk, t } = h);
  platform = h.platform!;
  writer = await pair(t.agent, ["read-basic", "write"], "clinic workstation");
  // The CRLs reach the agent through the sync downlink, as in production.
  await http(`${t.agent.url}/v1/sync/refresh`, { method: "POST", headers: { authorization: `Bearer ${writer}` } });
  stream = await openEvents(`${t.agent.url}/v1/events`, { authorization: `Bearer ${writer}` });
});

afterAll(async () => {
  await h?.close();
});

const auth = () => ({ authorization: `Bearer ${writer}` });
const login = (pin: string) =>
  http(`${t.agent.url}/v1/clinician/login`, { method: "POST", headers: auth(), body: { pin } });

async function withStaffCard(leaf: Parameters<typeof staffCard>[0], fn: () => Promise<void>) {
  await desk.insert("staff", staffCard(leaf));
  try {
    await fn();
  } finally {
    await desk.remove("staff");
  }
}

describe("clinician login with the CA staff card (real pcscd, SM2 test PKI, CRLs from the sandbox)", () => {
  it("logs in with a valid card: chain + CRL + PIN + challenge signature → session; logout and card removal end it", async () => {
    await desk.insert("staff", staffCard("clinician"));
    const r = await login(STAFF_PIN);
    expect(r.status).toBe(200);
    const body = r.body as {
      token: string;
      session: { staffId: string; revocationChecked: boolean; sessionId: string };
    };
    expect(body.session).toMatchObject({ staffId: expect.stringContaining("Clinician"), revocationChecked: true });
    await stream.next((m) => m.type === "clinician.login");
    expect(t.logs()).not.toContain(STAFF_PIN);
    expect(t.logs()).not.toContain(body.token.split(".")[1]);

    const who = await http(`${t.agent.url}/v1/clinician/session`, { headers: auth() });
    expect(who.body).toMatchObject({ session: { sessionId: body.session.sessionId } });
    const out = await http(`${t.agent.url}/v1/clinician/logout`, {
      method: "POST",
      headers: { ...auth(), "x-clinician-session": body.token },
    });
    expect(out.status).toBe(200);
    await stream.next((m) => m.type === "clinician.logout" && (m.data as { reason: string }).reason === "manual");

    // Pulling the staff card ends the session it opened.
    const again = (await login(STAFF_PIN)).body as { token: string };
    await desk.remove("staff");
    await stream.next((m) => m.type === "clinician.logout" && (m.data as { reason: string }).reason === "card_removed");
    const gone = await http(`${t.agent.url}/v1/clinician/logout`, {
      method: "POST",
      headers: { ...auth(), "x-clinician-session": again.token },
    });
    expect(gone.body).toMatchObject({ code: "CLINICIAN_REQUIRED" });

    await t.agent.drained(10_000);
    const sent = await platform.admin<AdminEvents>("GET", "/_admin/events?terminalId=T-TEST-01");
    expect(sent.events.filter((e) => e.type === "clinician.login")).toHaveLength(2);
    expect(sent.events.filter((e) => e.type === "clinician.logout")).toHaveLength(2);
  });

  it.each([
    ["expired", "CERT_EXPIRED", "EXPIRED"],
    ["revoked", "CERT_REVOKED", "REVOKED"],
    ["wrong-issuer", "CERT_CHAIN_INVALID", "ISSUER_NOT_FOUND"],
  ] as const)("refuses a %s certificate before asking for the PIN, and says why", async (leaf, code, reason) => {
    await withStaffCard(leaf, async () => {
      const r = await login(STAFF_PIN);
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({
        code,
        data: { reasons: expect.arrayContaining([expect.objectContaining({ code: reason })]) },
      });
    });
  });

  it("counts wrong PINs down to PIN_BLOCKED, and a blocked card stays blocked", async () => {
    await withStaffCard("clinician", async () => {
      const first = await login("000000");
      expect(first.status).toBe(401);
      expect(first.body).toMatchObject({ code: "PIN_INVALID", data: { triesLeft: expect.any(Number) } });
      let tries = (first.body as { data: { triesLeft: number } }).data.triesLeft;
      while (tries > 0) {
        const r = await login("000000");
        if ((r.body as { code: string }).code === "PIN_BLOCKED") break;
        expect((r.body as { data: { triesLeft: number } }).data.triesLeft).toBe(tries - 1);
        tries -= 1;
      }
      const blocked = await login(STAFF_PIN);
      expect(blocked.status).toBe(423);
      expect(blocked.body).toMatchObject({ code: "PIN_BLOCKED", retriable: false });
    });
    const audit = await new AdminClient(t.agent.adminSocket).call<
      Array<{ kind: string; outcome: string; detail: Record<string, unknown> }>
    >("GET", "/admin/audit?limit=200");
    const denied = audit.filter((a) => a.kind === "clinician.login" && a.outcome === "denied");
    expect(denied.map((a) => a.detail.code)).toEqual(
      expect.arrayContaining(["PIN_INVALID", "PIN_BLOCKED", "CERT_REVOKED"]),
    );
    expect(JSON.stringify(audit)).not.toContain(STAFF_PIN);
  });

  it("needs the write scope and a staff card in the staff reader", async () => {
    const reader = await pair(t.agent, ["read-basic"], "read only");
    const r = await http(`${t.agent.url}/v1/clinician/login`, {
      method: "POST",
      headers: { authorization: `Bearer ${reader}` },
      body: { pin: STAFF_PIN },
    });
    expect(r.body).toMatchObject({ code: "FORBIDDEN" });
    expect((await login(STAFF_PIN)).body).toMatchObject({ code: "NO_CARD" });
  });

  it("stale CRL: fail-closed login is refused with REVOCATION_UNKNOWN", async () => {
    platform.serveCrl("intermediate", "intermediate-stale.crl");
    await http(`${t.agent.url}/v1/sync/refresh`, { method: "POST", headers: auth() });
    await withStaffCard("clinician", async () => {
      const r = await login(STAFF_PIN);
      expect(r.body).toMatchObject({ code: "REVOCATION_UNKNOWN", retriable: true, data: { policy: "fail-closed" } });
    });
  });
});
