import type { CardSpec } from "@rhc/card-sim";
import type { TestDesk } from "@rhc/card-sim/testing";
import type { RhcError } from "@rhc/errors";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PcscPersonaliser } from "../src/adapters/pcsc-personaliser.js";
import { pcscReaders } from "../src/adapters/pcsc-readers.js";
import { staffCardLogin } from "../src/adapters/staff-card-login.js";
import { deskParts, TEST_OPERATOR, testConfig } from "./helpers/desk.js";
import { openIssuerDesk } from "./helpers/issuer-desk.js";
import { resident } from "./helpers/residents.js";
import { LEASE_TIMEOUT_MS, STAFF_CARD, STAFF_PIN, stackConfig } from "./helpers/stack-config.js";
import { tempDir } from "./helpers/temp-dir.js";

/** Issue §6: a wrong or already-personalised card is refused by the issue workflow itself. */
let desk: TestDesk;
let port: PcscPersonaliser;
const dir = tempDir();

beforeAll(async () => {
  ({ desk, port } = await openIssuerDesk(dir.path));
}, LEASE_TIMEOUT_MS);
afterEach(async () => {
  await desk.remove("issuerCard").catch(() => undefined);
});
afterAll(async () => {
  await port?.close();
  await desk?.close();
  dir.remove();
});

const CASES: { what: string; card: CardSpec; code: string; zh: RegExp; en: RegExp }[] = [
  {
    what: "an issued resident card",
    card: { type: "resident", options: { seed: "issuer-refuse-issued", region: "410100" } },
    code: "CARD_NOT_BLANK",
    zh: /已个人化.*请放入空白卡/,
    en: /already personalised.*insert a blank card/,
  },
  {
    what: "a blocked resident card",
    card: { type: "resident", options: { seed: "issuer-refuse-blocked", region: "410100", state: "blocked" } },
    code: "WRONG_CARD",
    zh: /不是居民健康卡空白卡/,
    en: /not a blank resident health card/,
  },
  {
    what: "a desk PSAM",
    card: { type: "psam", options: { region: "410100" } },
    code: "WRONG_CARD",
    zh: /不是居民健康卡空白卡/,
    en: /not a blank resident health card/,
  },
  {
    what: "a plain ISO card",
    card: { type: "iso-test", options: {} },
    code: "WRONG_CARD",
    zh: /请取出并放入空白卡/,
    en: /remove it and insert a blank card/,
  },
];

describe("the issue workflow refuses a card that is not blank", () => {
  for (const c of CASES) {
    it(`refuses ${c.what} with ${c.code} and an operator message in zh and en, writing nothing`, async () => {
      await desk.insert("issuerCard", c.card);
      // The ISO test card has no image to compare (it holds no writable state).
      const snapshot = () =>
        c.card.type === "iso-test" ? Promise.resolve(null) : desk.host.control(desk.port("issuerCard"), "image");
      const before = await snapshot();
      const own = tempDir();
      const parts = deskParts(own.path, port);
      let caught: unknown;
      await parts.workflow.run(parts.workflow.prepare(resident(31)), TEST_OPERATOR).catch((e: unknown) => {
        caught = e;
      });
      expect((caught as RhcError).code).toBe(c.code);
      const problem = (caught as RhcError).toProblem();
      expect(problem.status).toBe(409);
      expect(problem.message.zh).toMatch(c.zh);
      expect(problem.message.en).toMatch(c.en);
      // Refused before any write: the card is as it came, nothing recorded.
      expect(await snapshot()).toEqual(before);
      expect(parts.store.outbox.depth()).toBe(0);
      expect(parts.cards.list()).toEqual([]);
      parts.store.close();
      own.remove();
    });
  }
});

describe("virtual (vpcd) readers on a production desk", () => {
  it("refuses the test stack's vpcd readers with VIRTUAL_READER_REFUSED unless readers.allowVirtual", async () => {
    const stack = stackConfig(desk);
    const config = testConfig(dir.path, { ...stack, readers: { ...stack.readers, allowVirtual: false } });
    await desk.insert("issuerCard", { type: "blank", options: { seed: "issuer-refuse-virtual", region: "410100" } });
    await desk.insert("staff", STAFF_CARD);
    const refused = (e: unknown) =>
      (e as RhcError).code === "VIRTUAL_READER_REFUSED" &&
      /虚拟读卡器/.test((e as RhcError).toProblem().message.zh) &&
      /Virtual \(vpcd\) readers are refused/.test((e as RhcError).toProblem().message.en);
    const production = new PcscPersonaliser(config, desk.transport);
    await expect(production.probe()).rejects.toSatisfy(refused);
    const parts = deskParts(dir.path, production);
    await expect(parts.workflow.run(parts.workflow.prepare(resident(32)), TEST_OPERATOR)).rejects.toSatisfy(refused);
    expect(parts.store.outbox.depth()).toBe(0);
    parts.store.close();
    await expect(staffCardLogin(config, desk.transport).login(STAFF_PIN)).rejects.toSatisfy(refused);
    await expect(pcscReaders(config, desk.transport, async () => "blank").status()).rejects.toSatisfy(refused);
    // The same readers with allowVirtual (tests, demos): the card is probed as usual.
    expect((await port.probe()).kind).toBe("blank");
    await desk.remove("staff");
  });
});
