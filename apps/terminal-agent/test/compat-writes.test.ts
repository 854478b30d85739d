import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient } from "../src/cli/admin-client.js";
import { pair } from "./support/agent.js";
import { psamCard, residentCard, STAFF_PIN, staffCard } from "./support/cards.js";
import { type DeskHarness, openDesk } from "./support/desk.js";
import { http } from "./support/http.js";
import { receivedEvents, type TestPlatform } from "./support/platform.js";
import { expectDeclaredData, openEvents } from "./support/ws.js";

let h: DeskHarness;
let t: DeskHarness["t"];
let platform: TestPlatform;
let token: string;
let session: string;
const card = residentCard("agent-compat-write-1");
const PHONE = "13900139000";

beforeAll(async () => {
  h = await openDesk({ platform: true });
  ({ t } = h);
  platform = h.platform!;
  token = await pair(t.agent, ["read-basic", "read-clinical", "write"], "ported DLL caller (clinical)");
  await h.desk.insert("sam", psamCard());
  await h.desk.insert("resident", card.spec);
  await h.desk.insert("staff", staffCard("clinician"));
  const login = await http(`${t.agent.url}/v1/clinician/login`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: { pin: STAFF_PIN },
  });
  expect(login.status).toBe(200);
  session = (login.body as { token: string }).token;
});

afterAll(async () => {
  await h?.close();
});

const call = (fn: string, ...args: unknown[]) =>
  http(`${t.agent.url}/v1/compat/${fn}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "x-clinician-session": session },
    body: { args },
  });

/** OpenDevice + SAM PowerOn + VerifyPin: a handle ready for the user card. */
async function openWithSam(): Promise<number> {
  const handle = (await call("OpenDevice", 1)).body as { code: number };
  expect((await call("PowerOn", handle.code, 0x11)).body).toMatchObject({ code: 0 });
  expect((await call("VerifyPin", handle.code)).body).toMatchObject({ code: 0 });
  return handle.code;
}

async function auditOf(kind: string) {
  const admin = new AdminClient(t.agent.adminSocket);
  const entries = await admin.call<Array<{ kind: string; outcome: string; detail: Record<string, unknown> }>>(
    "GET",
    "/admin/audit?limit=500",
  );
  return entries.filter((e) => e.kind === kind);
}

describe("compat facade writes (real pcscd, clinician session, platform sandbox)", () => {
  it("writes through iW_ with a clinician session: the card holds it, a record.written event with list versions and an audit line", async () => {
    const stream = await openEvents(`${t.agent.url}/v1/events`, { authorization: `Bearer ${token}` });
    const handle = await openWithSam();
    expect((await call("PowerOn", handle, 0x01)).body).toMatchObject({ code: 0 });
    const written = await call("iW_DDF1EF08Info", handle, { BRDH1: PHONE });
    expect(written.body).toMatchObject({ code: 0 });
    // The desk's screens hear of it as of a native write.
    const heard = await stream.next((m) => m.type === "card.written");
    expect(heard.data).toMatchObject({ recordType: "compat.iW_DDF1EF08Info", reader: h.desk.readerName("resident") });
    expectDeclaredData(heard);
    expectDeclaredData(await stream.next((m) => m.type === "card.read"));
    stream.socket.close();
    expect((await call("iR_DDF1EF08Info", handle)).body).toMatchObject({ code: 0, BRDH1: PHONE });
    expect((await call("CloseDevice", handle)).body).toMatchObject({ code: 0 });

    await t.agent.drained(10_000);
    const events = receivedEvents(platform, "record.written");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: { kind: "clinician" },
      payload: { cardNo: card.person.citizenId, recordType: "compat.iW_DDF1EF08Info" },
      listVersions: { hotlist: await platform.hotlistVersion(), crl: platform.servedCrlVersions() },
    });
    expect((await auditOf("card.write")).filter((e) => e.outcome === "ok")).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ compat: "iW_DDF1EF08Info" }) }),
    ]);
  });

  it("refuses a write on a handle whose user card was never powered (nothing to record it against)", async () => {
    const handle = await openWithSam();
    const r = await call("iW_DDF1EF08Info", handle, { BRDH1: "13700137000" });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "NO_CARD" });
    expect((r.body as { detail: string }).detail).toContain("PowerOn");
    // After CloseDevice the handle's card is forgotten too.
    expect((await call("PowerOn", handle, 0x01)).body).toMatchObject({ code: 0 });
    expect((await call("CloseDevice", handle)).body).toMatchObject({ code: 0 });
    expect((await call("iW_DDF1EF08Info", handle, { BRDH1: "13700137000" })).body).toMatchObject({
      code: "NO_CARD",
    });
    expect((await auditOf("card.write")).filter((e) => e.outcome === "denied")).toHaveLength(2);
    await t.agent.drained(10_000);
    expect(receivedEvents(platform, "record.written")).toHaveLength(1);
  });

  it("refuses a hotlisted card at PowerOn and records the refused read; a write after the listing is refused", async () => {
    const handle = await openWithSam();
    expect((await call("PowerOn", handle, 0x01)).body).toMatchObject({ code: 0 });
    await platform.admin("POST", "/_admin/hotlist", {
      cardKey: card.person.citizenId,
      status: "blocked",
      reason: "reported lost",
    });
    await http(`${t.agent.url}/v1/sync/refresh`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    // Already powered: the write re-checks the list.
    expect((await call("iW_DDF1EF08Info", handle, { BRDH1: "13700137000" })).body).toMatchObject({
      code: "HOTLISTED",
    });
    const again = await call("PowerOn", handle, 0x01);
    expect(again.status).toBe(423);
    expect(again.body).toMatchObject({ code: "HOTLISTED", data: { listVersion: await platform.hotlistVersion() } });
    // The refused PowerOn left the handle without a card: nothing to write to.
    expect((await call("iW_DDF1EF08Info", handle, { BRDH1: "13700137000" })).body).toMatchObject({
      code: "NO_CARD",
    });
    await t.agent.drained(10_000);
    expect(receivedEvents(platform, "card.read").at(-1)).toMatchObject({
      payload: { cardNo: card.person.citizenId, hotlist: "listed" },
      listVersions: { hotlist: await platform.hotlistVersion() },
    });
    expect(receivedEvents(platform, "record.written")).toHaveLength(1);
  });
});
