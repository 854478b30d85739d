import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair } from "./support/agent.js";
import { psamCard, rogueIssuerCard } from "./support/cards.js";
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
});
