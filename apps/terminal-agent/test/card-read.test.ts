import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair } from "./support/agent.js";
import { psamCard, residentCard } from "./support/cards.js";
import { type DeskHarness, openDesk } from "./support/desk.js";
import { http } from "./support/http.js";
import { type AdminEvents, receivedEvents, type TestPlatform } from "./support/platform.js";

let h: DeskHarness;
let desk: DeskHarness["desk"];
let t: DeskHarness["t"];
let platform: TestPlatform;
let basic: string;
let clinical: string;
const card = residentCard("agent-read-1");

beforeAll(async () => {
  h = await openDesk({ platform: true });
  ({ desk, t } = h);
  platform = h.platform!;
  basic = await pair(t.agent, ["read-basic"], "registration");
  clinical = await pair(t.agent, ["read-basic", "read-clinical"], "clinic");
  await desk.insert("sam", psamCard());
  await desk.insert("resident", card.spec);
});

afterAll(async () => {
  await h?.close();
});

const read = (token: string, body: unknown) =>
  http(`${t.agent.url}/v1/card/read`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body });

async function events(): Promise<AdminEvents> {
  await http(`${t.agent.url}/v1/sync/refresh`, { method: "POST", headers: { authorization: `Bearer ${basic}` } });
  await t.agent.drained(10_000);
  return platform.admin<AdminEvents>("GET", "/_admin/events?terminalId=T-TEST-01");
}

describe("card read through the agent (real pcscd, simulated resident card and PSAM)", () => {
  it("reads identity after the genuine-card and hotlist checks, and commits a card.read event", async () => {
    const r = await read(basic, { sections: ["identity"] });
    expect(r.status).toBe(200);
    const body = r.body as {
      cardNo: string;
      authenticity: { genuine: boolean };
      hotlist: { listed: boolean; listVersion: number | null };
      sections: { identity: { holder: { name: string; citizenId: string } } };
      event: { eventId: string; seq: number };
    };
    expect(body.cardNo).toBe(card.person.citizenId);
    expect(body.authenticity).toMatchObject({
      genuine: true,
      checks: { internalAuthentication: { status: "passed" }, issuerCertificate: { status: "passed" } },
    });
    expect(body.sections.identity.holder).toMatchObject({ name: card.person.name, citizenId: card.person.citizenId });
    expect(body.event.seq).toBeGreaterThan(0);

    const sent = await events();
    const mine = sent.events.filter((e) => e.eventId === body.event.eventId);
    expect(mine).toEqual([expect.objectContaining({ type: "card.read", status: "accepted", applyCount: 1 })]);
    // The event says which lists the decision used: the hotlist version and each staff CA's cRLNumber.
    const received = receivedEvents(platform, "card.read").find((e) => e.eventId === body.event.eventId);
    expect(received?.listVersions).toEqual({
      hotlist: await platform.hotlistVersion(),
      crl: platform.servedCrlVersions(),
    });
  });

  it("needs read-clinical for the clinical and visits sections", async () => {
    const refused = await read(basic, { sections: ["identity", "clinical"] });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: "FORBIDDEN", data: { needed: "read-clinical", section: "clinical" } });
    const ok = await read(clinical, {
      sections: ["clinical", "visits", "contacts", "addresses", "photo"],
      purpose: "visit",
    });
    expect(ok.status).toBe(200);
    const sections = (ok.body as { sections: Record<string, unknown> }).sections;
    expect(sections.clinical).toMatchObject({ allergies: expect.any(Array), immunisations: expect.any(Array) });
    expect(Array.isArray(sections.visits)).toBe(true);
    expect(sections.photo).toMatchObject({ contentType: "image/jpeg", base64: expect.stringMatching(/^\/9j/) });
  });

  it("refuses a hotlisted card, also while the platform is unreachable, and records the refused read", async () => {
    await platform.admin("POST", "/_admin/hotlist", {
      cardKey: card.person.citizenId,
      status: "blocked",
      reason: "reported lost",
    });
    await http(`${t.agent.url}/v1/sync/refresh`, { method: "POST", headers: { authorization: `Bearer ${basic}` } });
    await platform.admin("PUT", "/_admin/faults", { partition: "inbound" });
    try {
      const r = await read(basic, { sections: ["identity"] });
      expect(r.status).toBe(423);
      expect(r.body).toMatchObject({ code: "HOTLISTED", data: { listVersion: expect.any(Number) } });
      expect((r.body as { message: { zh: string } }).message.zh).toContain("挂失");
    } finally {
      await platform.admin("DELETE", "/_admin/faults");
    }
    const sent = await events();
    expect(sent.events.filter((e) => e.type === "card.read").length).toBeGreaterThanOrEqual(3);
    // The refusal names the list version that listed the card.
    const refused = receivedEvents(platform, "card.read").at(-1);
    expect(refused).toMatchObject({
      payload: { hotlist: "listed" },
      listVersions: { hotlist: await platform.hotlistVersion(), crl: platform.servedCrlVersions() },
    });
    await platform.admin("DELETE", `/_admin/hotlist/${card.person.citizenId}`);
    await http(`${t.agent.url}/v1/sync/refresh`, { method: "POST", headers: { authorization: `Bearer ${basic}` } });
    expect((await read(basic, { sections: ["identity"] })).status).toBe(200);
  });

  it("says what is missing: no card, no SAM", async () => {
    await desk.remove("resident");
    const none = await read(basic, { sections: ["identity"] });
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ code: "NO_CARD", retriable: true });
    await desk.insert("resident", card.spec);
    await desk.remove("sam");
    const noSam = await read(basic, { sections: ["identity"] });
    expect(noSam.status).toBe(503);
    expect(noSam.body).toMatchObject({ code: "SAM_MISSING" });
    await desk.insert("sam", psamCard());
    expect((await read(basic, { sections: ["identity"] })).status).toBe(200);
  });
});
