import { startSandbox } from "@rhc/platform-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIssuerApp } from "../src/app/create-issuer-app.js";
import { issueCard } from "../src/app/issue-card.js";
import { BenchCards } from "./helpers/bench-cards.js";
import { TEST_OPERATOR, testConfig } from "./helpers/desk.js";
import { resident } from "./helpers/residents.js";
import { tempDir } from "./helpers/temp-dir.js";

/**
 * Registration is the delivery of card.issued to the platform (the real sandbox over HTTP, real
 * SQLite). Cards are the in-memory port here; personalisation through pcscd is in personalise.pcsc.
 */
const ADMIN = "admin-token";
const TOKEN = "issuer-token";
const dir = tempDir();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    dbPath: `${dir.path}/platform.db`,
    adminToken: ADMIN,
    terminals: { "ISSUER-T1": TOKEN },
  });
});
afterAll(async () => {
  await sandbox.close();
  dir.remove();
});

describe("card registration", () => {
  it("delivers card.issued and the lost report: the platform indexes the card and blocks that physical card", async () => {
    const cards = new BenchCards();
    await cards.load();
    const config = testConfig(`${dir.path}/desk`, { platform: { baseUrl: sandbox.url, token: TOKEN } });
    const app = createIssuerApp(config, {
      card: cards,
      feeder: cards,
      login: { login: async () => ({ ...TEST_OPERATOR }) },
      readers: { status: async () => [] },
    });
    try {
      const holder = resident(7);
      const issued = await issueCard(app, { resident: holder, operator: TEST_OPERATOR });
      await app.delivery!.drained(10_000);
      const pix = await fetch(
        `${sandbox.url}/fhir/Patient/$ihe-pix?sourceIdentifier=${encodeURIComponent(`urn:oid:2.16.156.10011.1.19|${issued.cardNo}`)}`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
      );
      expect(pix.status).toBe(200);
      expect(await pix.text()).toContain(holder.citizenId!);

      const login = await app.service.invoke("session.login", { pin: "1234" }, {});
      expect(login.ok).toBe(true);
      const lost = await app.service.invoke(
        "card.reportLost",
        { chipSerial: issued.chipSerial, reason: "丢失" },
        { trusted: true },
      );
      expect(lost.ok).toBe(true);
      await app.delivery!.drained(10_000);
      expect(sandbox.hotlist.status(`${issued.cardNo}#${issued.issueSerial}`)).toBe("blocked");
      expect(app.store.status().queueDepth).toBe(0);
    } finally {
      await app.close();
    }
  });
});
