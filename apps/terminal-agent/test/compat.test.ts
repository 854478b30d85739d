import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair } from "./support/agent.js";
import { psamCard, residentCard, SAM_PIN } from "./support/cards.js";
import { type DeskHarness, openDesk } from "./support/desk.js";
import { http } from "./support/http.js";

let h: DeskHarness;
let desk: DeskHarness["desk"];
let t: DeskHarness["t"];
let basic: string;
let full: string;
const card = residentCard("agent-compat-1");

beforeAll(async () => {
  // No platform here: the hotlist is never loaded, which this desk accepts with a warning.
  h = await openDesk({ patch: (c) => ({ ...c, policy: { hotlist: { neverLoaded: "warn" } } }) });
  ({ desk, t } = h);
  basic = await pair(t.agent, ["read-basic"], "ported DLL caller");
  full = await pair(t.agent, ["read-basic", "read-clinical", "write"], "ported DLL caller (clinical)");
  await desk.insert("sam", psamCard());
  await desk.insert("resident", card.spec);
});

afterAll(async () => {
  await h?.close();
});

const call = (token: string, fn: string, ...args: unknown[]) =>
  http(`${t.agent.url}/v1/compat/${fn}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: { args },
  });

describe("compat facade over HTTP (DLL function names and codes)", () => {
  it("runs a ported DLL session: OpenDevice, PowerOn SAM + user, VerifyPin(h), iR_DDF1EF06Info, CloseDevice", async () => {
    const open = await call(basic, "OpenDevice", 1);
    expect(open.status).toBe(200);
    const h = (open.body as { code: number }).code;
    expect(h).toBeGreaterThan(0);
    expect((await call(basic, "PowerOn", h, 0x11)).body).toMatchObject({ code: 0, ATR: expect.any(String) });
    expect((await call(basic, "VerifyPin", h)).body).toMatchObject({ code: 0 });
    expect((await call(basic, "PowerOn", h, 0x01)).body).toMatchObject({ code: 0 });
    const holder = await call(basic, "iR_DDF1EF06Info", h);
    expect(holder.body).toMatchObject({ code: 0, XM: card.person.name, SFZH: card.person.citizenId });
    expect(t.logs()).not.toContain(SAM_PIN);

    // Clinical data needs read-clinical; writes need a clinician session.
    expect((await call(basic, "iR_DF02EF05Info", h)).body).toMatchObject({ code: "FORBIDDEN" });
    expect((await call(full, "iW_DDF1EF08Info", h, { BRDH1: "13900139000" })).body).toMatchObject({
      code: "CLINICIAN_REQUIRED",
    });
    expect((await call(basic, "CloseDevice", h)).body).toMatchObject({ code: 0 });

    // PowerOn of the user card ran the desk's checks and recorded the read.
    const status = (await http(`${t.agent.url}/v1/sync/status`, { headers: { authorization: `Bearer ${basic}` } }))
      .body as { lastSeq: number };
    expect(status.lastSeq).toBeGreaterThanOrEqual(1);
  });

  it("refuses functions that would bypass the agent's checks, and the SAM PIN from the caller", async () => {
    const apdu = await call(full, "SendAPDU", 1, 1, { hex: "0084000008" });
    expect(apdu.status).toBe(404);
    expect((apdu.body as { detail: string }).detail).toMatch(/bypass/);
    expect((await call(full, "SM2SignHash", 1, { hex: "00".repeat(32) })).status).toBe(404);
    expect((await call(full, "VerifyPin", 1, "123456")).body).toMatchObject({ code: "INVALID_INPUT" });
    expect((await call(full, "constructor")).status).toBe(404);
    expect((await call(full, "__proto__")).status).toBe(404);
  });
});
