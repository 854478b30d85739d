import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair } from "./support/agent.js";
import { psamCard, rogueIssuerCard, STAFF_PIN, staffCard } from "./support/cards.js";
import { type DeskHarness, openDesk } from "./support/desk.js";
import { http } from "./support/http.js";
import { receivedEvents } from "./support/platform.js";

const card = rogueIssuerCard("agent-rogue-1");

/** A desk with the platform sandbox and a card whose issuer certificate chains to a rogue root. */
function rogueDesk(genuineCard: "deny" | "warn") {
  const state: { h?: DeskHarness; token?: string } = {};
  beforeAll(async () => {
    state.h = await openDesk({ platform: true, patch: (c) => ({ ...c, policy: { genuineCard } }) });
    state.token = await pair(state.h.t.agent, ["read-basic"], "registration");
    await state.h.desk.insert("sam", psamCard());
    await state.h.desk.insert("resident", card.spec);
  });
  afterAll(async () => {
    await state.h?.close();
  });
  return {
    read: () =>
      http(`${state.h!.t.agent.url}/v1/card/read`, {
        method: "POST",
        headers: { authorization: `Bearer ${state.token}` },
        body: { sections: ["identity"] },
      }),
    /** Events as the platform stored them, once the outbox has drained. */
    async delivered(type: string) {
      await state.h!.t.agent.drained(10_000);
      return receivedEvents(state.h!.platform!, type);
    },
    platform: () => state.h!.platform!,
    h: () => state.h!,
  };
}

describe("policy.genuineCard deny: a card whose issuer certificate a rogue root signed", () => {
  const d = rogueDesk("deny");

  it("is refused with CARD_NOT_GENUINE naming the failed check, and the refused read reaches the platform", async () => {
    const r = await d.read();
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      code: "CARD_NOT_GENUINE",
      data: {
        checks: { internalAuthentication: { status: "passed" }, issuerCertificate: { status: "failed" } },
      },
    });
    expect((r.body as { detail: string }).detail).toContain("issuerCertificate failed");
    expect(JSON.stringify(r.body)).not.toContain(card.person.name);

    const reads = await d.delivered("card.read");
    expect(reads).toHaveLength(1);
    expect(reads[0]!.payload).toMatchObject({ cardNo: card.person.citizenId, genuine: false, hotlist: "clear" });
    // The list versions the decision used travel with the event.
    expect(reads[0]!.listVersions).toEqual({
      hotlist: await d.platform().hotlistVersion(),
      crl: d.platform().servedCrlVersions(),
    });
  });
});

describe("policy.genuineCard warn: the same card", () => {
  const d = rogueDesk("warn");

  it("is read, with authenticity failed and a warning, and the read is recorded as not genuine", async () => {
    const r = await d.read();
    expect(r.status).toBe(200);
    const body = r.body as {
      authenticity: { genuine: boolean; checks: { issuerCertificate: { status: string } } };
      warnings: string[];
      sections: { identity: { holder: { citizenId: string } } };
    };
    expect(body.authenticity.genuine).toBe(false);
    expect(body.authenticity.checks.issuerCertificate.status).toBe("failed");
    expect(body.warnings).toEqual([expect.stringMatching(/^not genuine: .*issuerCertificate failed/)]);
    expect(body.sections.identity.holder.citizenId).toBe(card.person.citizenId);

    const reads = await d.delivered("card.read");
    expect(reads.map((e) => e.payload.genuine)).toEqual([false]);
  });

  it("never writes to it: native and compat writes are refused with CARD_NOT_GENUINE", async () => {
    const { t, desk } = d.h();
    const writer = await pair(t.agent, ["read-basic", "write"], "clinic workstation");
    await desk.insert("staff", staffCard("clinician"));
    const login = await http(`${t.agent.url}/v1/clinician/login`, {
      method: "POST",
      headers: { authorization: `Bearer ${writer}` },
      body: { pin: STAFF_PIN },
    });
    expect(login.status).toBe(200);
    const headers = {
      authorization: `Bearer ${writer}`,
      "x-clinician-session": (login.body as { token: string }).token,
    };
    const native = await http(`${t.agent.url}/v1/card/allergies`, {
      method: "POST",
      headers,
      body: { substance: "青霉素", reaction: "皮疹" },
    });
    expect(native.body).toMatchObject({ code: "CARD_NOT_GENUINE" });

    const call = async (fn: string, ...args: unknown[]) =>
      (await http(`${t.agent.url}/v1/compat/${fn}`, { method: "POST", headers, body: { args } })).body;
    const handle = ((await call("OpenDevice", 1)) as { code: number }).code;
    expect(await call("PowerOn", handle, 0x11)).toMatchObject({ code: 0 });
    expect(await call("VerifyPin", handle)).toMatchObject({ code: 0 });
    // Under "warn" the card powers on (and is read) …
    expect(await call("PowerOn", handle, 0x01)).toMatchObject({ code: 0 });
    // … but is never written to.
    expect(await call("iW_DDF1EF08Info", handle, { BRDH1: "13900139000" })).toMatchObject({
      code: "CARD_NOT_GENUINE",
    });
    expect(await d.delivered("record.written")).toEqual([]);
  });
});
