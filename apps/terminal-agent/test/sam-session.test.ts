import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { connectCard, SamSession } from "@rhc/card-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair, startTestAgent } from "./support/agent.js";
import { psamCard, residentCard, SAM_PIN, trustConfig } from "./support/cards.js";
import { type DeskHarness, openDesk } from "./support/desk.js";
import { http } from "./support/http.js";

// The desk keeps its SAM session across reads (re-opening it is most of a read's set-up): these
// tests show that a SAM disturbed by another program is recovered, and that a wrong configured PIN
// is presented once, never until the SAM blocks.
let h: DeskHarness;
let desk: DeskHarness["desk"];
let token: string;
const card = residentCard("agent-sam-1");
const neverLoadedWarn = { policy: { hotlist: { neverLoaded: "warn" as const } } };

beforeAll(async () => {
  h = await openDesk({ patch: (c) => ({ ...c, ...neverLoadedWarn }) });
  desk = h.desk;
  token = await pair(h.t.agent, ["read-basic"]);
  await desk.insert("sam", psamCard());
  await desk.insert("resident", card.spec);
});

afterAll(async () => {
  await h?.close();
});

const readWith = (url: string, bearer: string) =>
  http(`${url}/v1/card/read`, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}` },
    body: { sections: ["identity"] },
  });

/** Another program on the SAM reader (shared access), doing `work` and leaving the SAM as `leave`. */
async function otherProgram(work: (sam: SamSession) => Promise<void>, leave: "leave" | "reset"): Promise<void> {
  const connection = await connectCard(desk.transport, desk.readerName("sam"));
  try {
    await work(await SamSession.open(connection));
  } finally {
    await connection.disconnect(leave);
  }
}

describe("the kept SAM session", () => {
  it("survives another program moving the SAM out of DF01 or resetting it", async () => {
    expect((await readWith(h.t.agent.url, token)).status).toBe(200);
    // SamSession.open walks MF → DF01 again: the SAM's security state (the agent's verified PIN) is cleared.
    await otherProgram(async () => undefined, "leave");
    expect((await readWith(h.t.agent.url, token)).status).toBe(200);
    await otherProgram(async () => undefined, "reset");
    expect((await readWith(h.t.agent.url, token)).status).toBe(200);
  });

  it("is re-opened for a SAM swapped between two reads", async () => {
    await desk.remove("sam");
    await desk.insert("sam", psamCard());
    expect((await readWith(h.t.agent.url, token)).status).toBe(200);
  });
});

describe("a SAM PIN the SAM refuses", () => {
  it("is presented once: later reads fail at once and the SAM keeps its tries", async () => {
    const trust = trustConfig();
    const wrongPin = join(h.t.dataDir, "wrong-sam.pin");
    writeFileSync(wrongPin, "000000\n", { mode: 0o600 });
    const wrong = await startTestAgent(desk, (c) => ({
      ...c,
      ...trust,
      ...neverLoadedWarn,
      sam: { pinFile: wrongPin },
    }));
    try {
      const bearer = await pair(wrong.agent, ["read-basic"]);
      for (let i = 0; i < 4; i++) {
        const r = await readWith(wrong.agent.url, bearer);
        expect(r.status).toBe(503);
        expect(r.body).toMatchObject({
          code: "SAM_PIN_REJECTED",
          retriable: false,
          data: { samAnswer: "PIN_INVALID", triesLeft: 2 },
        });
      }
      await otherProgram(async (sam) => {
        expect(await sam.pinState()).toEqual({ state: "not-verified", triesLeft: 2 });
        await sam.verifyPin(SAM_PIN); // a correct PIN restores the full count
      }, "reset");
      expect(wrong.logs()).not.toContain("000000");
    } finally {
      await wrong.close();
    }
    // The desk's own agent, with the right PIN, was never disturbed.
    expect((await readWith(h.t.agent.url, token)).status).toBe(200);
  });

  it("names a blocked SAM instead of trying it", async () => {
    await otherProgram(async (sam) => {
      for (const left of [2, 1])
        await expect(sam.verifyPin("999999")).rejects.toMatchObject({ data: { triesLeft: left } });
      await expect(sam.verifyPin("999999")).rejects.toMatchObject({ code: "PIN_BLOCKED" });
    }, "reset");
    const r = await readWith(h.t.agent.url, token);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ code: "SAM_PIN_REJECTED", data: { samAnswer: "PIN_BLOCKED" } });
    const message = (r.body as { message: { zh: string; en: string } }).message;
    expect(message.zh).toContain("sam.pinFile");
    expect(message.en).toContain("unblock");
  });
});
