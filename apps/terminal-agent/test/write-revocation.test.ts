import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient } from "../src/cli/admin-client.js";
import type { OperationPolicy } from "../src/config/schema.js";
import { pair } from "./support/agent.js";
import { psamCard, residentCard, STAFF_PIN, staffCard } from "./support/cards.js";
import { type DeskHarness, openDesk } from "./support/desk.js";
import { http } from "./support/http.js";
import { receivedEvents } from "./support/platform.js";

const card = residentCard("agent-write-revocation-1");

/**
 * A desk whose clinician logins are fail-open (so a login can happen before the desk knows of a
 * revocation) and whose record writes follow `recordWrite`. Revocation is re-checked at each write
 * against the CRLs cached at that moment.
 */
function writeDesk(recordWrite: OperationPolicy) {
  const s: { h?: DeskHarness; token?: string } = {};
  beforeAll(async () => {
    s.h = await openDesk({
      platform: true,
      // The desk starts without the staff CA's CRL: a login can happen before it learns of a revocation.
      beforeFirstSync: (p) => p.withholdCrl("intermediate"),
      patch: (c) => ({ ...c, policy: { revocation: { clinicianLogin: "fail-open", recordWrite } } }),
    });
    s.token = await pair(s.h.t.agent, ["read-basic", "write"], "clinic workstation");
    await s.h.desk.insert("sam", psamCard());
    await s.h.desk.insert("resident", card.spec);
  });
  afterAll(async () => {
    await s.h?.close();
  });
  const auth = (session?: string) => ({
    authorization: `Bearer ${s.token}`,
    ...(session ? { "x-clinician-session": session } : {}),
  });
  return {
    h: () => s.h!,
    auth,
    /** The platform publishes what its CRL directory holds now; the desk picks it up on refresh. */
    async refresh() {
      const r = await http(`${s.h!.t.agent.url}/v1/sync/refresh`, { method: "POST", headers: auth() });
      expect(r.status).toBe(200);
    },
    async login(leaf: "clinician" | "revoked") {
      await s.h!.desk.remove("staff");
      await s.h!.desk.insert("staff", staffCard(leaf));
      const r = await http(`${s.h!.t.agent.url}/v1/clinician/login`, {
        method: "POST",
        headers: auth(),
        body: { pin: STAFF_PIN },
      });
      expect(r.status, r.text).toBe(200);
      return (r.body as { token: string }).token;
    },
    addAllergy: (session: string) =>
      http(`${s.h!.t.agent.url}/v1/card/allergies`, {
        method: "POST",
        headers: auth(session),
        body: { substance: "青霉素", reaction: "皮疹" },
      }),
    async audit() {
      const admin = new AdminClient(s.h!.t.agent.adminSocket);
      return admin.call<Array<{ kind: string; outcome: string; detail: Record<string, unknown> }>>(
        "GET",
        "/admin/audit?limit=500",
      );
    },
  };
}

describe("policy.revocation.recordWrite fail-closed: revocation is re-checked at every write", () => {
  const d = writeDesk("fail-closed");

  it("refuses the writes of a clinician whose revocation reached the desk after login", async () => {
    const { platform } = d.h();
    // The desk has no CRL of the staff CA yet: the fail-open login lets the (revoked) card in.
    const session = await d.login("revoked");

    // The platform publishes the CRL that lists the certificate; the desk refreshes its lists.
    platform!.serveCrl("intermediate", "intermediate.crl");
    await d.refresh();
    const r = await d.addAllergy(session);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      code: "CERT_REVOKED",
      data: { reasons: expect.arrayContaining([expect.objectContaining({ code: "REVOKED" })]) },
    });
    const refused = (await d.audit()).filter((e) => e.kind === "card.write");
    expect(refused.at(-1)).toMatchObject({ outcome: "denied", detail: { code: "CERT_REVOKED" } });
    await d.h().t.agent.drained(10_000);
    expect(receivedEvents(platform!, "record.written")).toEqual([]);
  });

  it("refuses a write with REVOCATION_UNKNOWN once the cached CRL has gone stale", async () => {
    const { platform } = d.h();
    const session = await d.login("clinician");
    expect((await d.addAllergy(session)).status).toBe(201);

    platform!.serveCrl("intermediate", "intermediate-stale.crl");
    await d.refresh();
    const r = await d.addAllergy(session);
    expect(r.body).toMatchObject({ code: "REVOCATION_UNKNOWN", data: { policy: "fail-closed" } });
    await d.h().t.agent.drained(10_000);
    expect(receivedEvents(platform!, "record.written")).toHaveLength(1);
  });
});

describe("policy.revocation.recordWrite fail-open", () => {
  const d = writeDesk("fail-open");

  it("still refuses a revoked certificate: fail-open covers unknown revocation only", async () => {
    const { platform } = d.h();
    const session = await d.login("revoked");
    platform!.serveCrl("intermediate", "intermediate.crl");
    await d.refresh();
    expect((await d.addAllergy(session)).body).toMatchObject({ code: "CERT_REVOKED", data: { policy: "fail-open" } });
  });

  it("lets a write through on a stale CRL and says in the audit line that revocation was not checked", async () => {
    const { platform } = d.h();
    const session = await d.login("clinician");
    platform!.serveCrl("intermediate", "intermediate-stale.crl");
    await d.refresh();
    const r = await d.addAllergy(session);
    expect(r.status).toBe(201);
    const written = (await d.audit()).filter((e) => e.kind === "card.write" && e.outcome === "ok");
    expect(written).toHaveLength(1);
    expect(written[0]!.detail).toMatchObject({ recordType: "allergy", revocationChecked: false });
    await d.h().t.agent.drained(10_000);
    expect(receivedEvents(platform!, "record.written")).toHaveLength(1);
  });

  it("does not let a stale CRL's own revocations through: the revoked card it lists cannot log in", async () => {
    await d.h().desk.remove("staff");
    await d.h().desk.insert("staff", staffCard("revoked"));
    const r = await http(`${d.h().t.agent.url}/v1/clinician/login`, {
      method: "POST",
      headers: d.auth(),
      body: { pin: STAFF_PIN },
    });
    expect(r.body).toMatchObject({ code: "CERT_REVOKED", data: { policy: "fail-open" } });
  });
});
