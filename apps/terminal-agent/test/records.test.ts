import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair } from "./support/agent.js";
import { psamCard, residentCard, STAFF_PIN, staffCard } from "./support/cards.js";
import { type DeskHarness, openDesk } from "./support/desk.js";
import { http } from "./support/http.js";
import { type AdminEvents, receivedEvents, type TestPlatform } from "./support/platform.js";

let h: DeskHarness;
let desk: DeskHarness["desk"];
let t: DeskHarness["t"];
let platform: TestPlatform;
let token: string;
const card = residentCard("agent-write-1");

beforeAll(async () => {
  h = await openDesk({ platform: true });
  ({ desk, t } = h);
  platform = h.platform!;
  token = await pair(t.agent, ["read-basic", "read-clinical", "write"], "clinic workstation");
  await http(`${t.agent.url}/v1/sync/refresh`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  await desk.insert("sam", psamCard());
  await desk.insert("resident", card.spec);
});

afterAll(async () => {
  await h?.close();
});

const auth = (session?: string) => ({
  authorization: `Bearer ${token}`,
  ...(session ? { "x-clinician-session": session } : {}),
});
const visit = {
  institutionName: "郑州大学第一附属医院",
  institutionCode: "41000001X",
  visitDateTime: "20250315093000",
  outpatientNo: "MZ0001",
  outpatientDiagnosisName1: "急性上呼吸道感染",
  outpatientDiagnosisCode1: "J06.900",
};

async function loginClinician(): Promise<string> {
  await desk.insert("staff", staffCard("clinician"));
  const r = await http(`${t.agent.url}/v1/clinician/login`, {
    method: "POST",
    headers: auth(),
    body: { pin: STAFF_PIN },
  });
  expect(r.status).toBe(200);
  return (r.body as { token: string }).token;
}

describe("writes to the card need a clinician session", () => {
  it("refuses a visit write without a clinician session, and audits the refusal", async () => {
    const r = await http(`${t.agent.url}/v1/card/visits/outpatient`, {
      method: "POST",
      headers: auth(),
      body: { record: visit },
    });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ code: "CLINICIAN_REQUIRED" });
    const bogus = await http(`${t.agent.url}/v1/card/allergies`, {
      method: "POST",
      headers: auth("abc.def"),
      body: { substance: "青霉素", reaction: "皮疹" },
    });
    expect(bogus.body).toMatchObject({ code: "CLINICIAN_REQUIRED" });
  });

  it("writes a signed outpatient record, an allergy and an immunisation; reads them back; events reach the platform", async () => {
    const session = await loginClinician();
    const written = await http(`${t.agent.url}/v1/card/visits/outpatient`, {
      method: "POST",
      headers: auth(session),
      body: { record: visit },
    });
    expect(written.status).toBe(201);
    expect(written.body).toMatchObject({
      cardNo: card.person.citizenId,
      recordType: "visit.outpatient",
      slot: expect.any(Number),
    });
    const allergy = await http(`${t.agent.url}/v1/card/allergies`, {
      method: "POST",
      headers: auth(session),
      body: { substance: "青霉素", reaction: "皮疹" },
    });
    expect(allergy.status).toBe(201);
    const shot = await http(`${t.agent.url}/v1/card/immunisations`, {
      method: "POST",
      headers: auth(session),
      body: { vaccine: "流感疫苗", date: "20241015" },
    });
    expect(shot.status).toBe(201);

    const back = await http(`${t.agent.url}/v1/card/read`, {
      method: "POST",
      headers: auth(),
      body: { sections: ["clinical", "visits"] },
    });
    const sections = (
      back.body as {
        sections: {
          clinical: { allergies: unknown[]; immunisations: unknown[] };
          visits: Array<{ signature: string; record: Record<string, unknown> }>;
        };
      }
    ).sections;
    expect(sections.clinical.allergies[0]).toEqual({ substance: "青霉素", reaction: "皮疹" });
    expect(sections.clinical.immunisations[0]).toEqual({ vaccine: "流感疫苗", date: "20241015" });
    expect(sections.visits).toContainEqual(
      expect.objectContaining({
        signature: "valid",
        record: expect.objectContaining({ outpatientNo: "MZ0001", institutionName: visit.institutionName }),
      }),
    );

    await http(`${t.agent.url}/v1/sync/refresh`, { method: "POST", headers: auth() });
    await t.agent.drained(10_000);
    const sent = await platform.admin<AdminEvents>("GET", "/_admin/events?terminalId=T-TEST-01");
    const writes = sent.events.filter((e) => e.type === "record.written");
    expect(writes).toHaveLength(3);
    for (const e of writes) expect(e).toMatchObject({ status: "accepted", receiveCount: 1, applyCount: 1 });
    // Each write carries the list versions it was decided with (hotlist + staff CRLs), as received.
    const versions = { hotlist: await platform.hotlistVersion(), crl: platform.servedCrlVersions() };
    const received = receivedEvents(platform, "record.written");
    expect(received.map((e) => e.payload.recordType)).toEqual(["visit.outpatient", "allergy", "immunisation"]);
    for (const e of received) expect(e.listVersions).toEqual(versions);
  });

  it("rejects invalid record fields before touching the card", async () => {
    const session = (await http(`${t.agent.url}/v1/clinician/session`, { headers: auth() })).body as {
      session: unknown;
    };
    expect(session.session).not.toBeNull();
    const r = await http(`${t.agent.url}/v1/card/visits/outpatient`, {
      method: "POST",
      headers: auth("x.y"),
      body: { record: { ...visit, notAField: 1 } },
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: "INVALID_INPUT" });
    expect((r.body as { detail: string }).detail).toContain("notAField");
  });

  it("ends writing when the staff card is pulled", async () => {
    const session = await (async () => {
      await desk.remove("staff");
      return loginClinician();
    })();
    await desk.remove("staff");
    const deadline = Date.now() + 5000;
    let code = "";
    while (Date.now() < deadline) {
      const r = await http(`${t.agent.url}/v1/card/allergies`, {
        method: "POST",
        headers: auth(session),
        body: { substance: "花粉", reaction: "打喷嚏" },
      });
      code = (r.body as { code?: string }).code ?? "";
      if (code === "CLINICIAN_REQUIRED") break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(code).toBe("CLINICIAN_REQUIRED");
  });
});
