import { startSandbox } from "@rhc/platform-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIssuerApp, type IssuerApp } from "../src/app/create-issuer-app.js";
import { BenchCards } from "./helpers/bench-cards.js";
import { TEST_OPERATOR, testConfig } from "./helpers/desk.js";
import { tempDir } from "./helpers/temp-dir.js";

/**
 * `resident.lookup` → platform identity (PDQm by ID number) over real HTTP against the platform
 * sandbox's seeded residents, and the store's offline cache once the platform is down.
 */
const TOKEN = "issuer-token";
const dir = tempDir();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let app: IssuerApp;
let token = "";

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    dbPath: `${dir.path}/platform.db`,
    adminToken: "admin-token",
    terminals: { "ISSUER-T1": TOKEN },
    seed: 20240601,
    residents: 5,
  });
  const cards = new BenchCards();
  app = createIssuerApp(testConfig(`${dir.path}/desk`, { platform: { baseUrl: sandbox.url, token: TOKEN } }), {
    card: cards,
    feeder: cards,
    login: { login: async () => ({ ...TEST_OPERATOR }) },
    readers: { status: async () => [] },
  });
  const login = await app.service.invoke("session.login", { pin: "123456" }, {});
  token = login.ok ? (login.value as { token: string }).token : "";
});
afterAll(async () => {
  await app?.close();
  await sandbox?.close().catch(() => undefined);
  dir.remove();
});

const lookup = (citizenId: string) => app.service.invoke("resident.lookup", { citizenId }, { token });

describe("resident lookup by ID number", () => {
  it("fills the form from the platform, answers null for an unknown person, and uses the cache offline", async () => {
    const known = sandbox.residents[0]!;
    const found = await lookup(known.idNo);
    expect(found).toEqual({
      ok: true,
      value: {
        source: "platform",
        resident: expect.objectContaining({
          citizenId: known.idNo,
          name: known.name,
          sex: known.gender === "male" ? "1" : "2",
          birthDate: known.birthDate.replaceAll("-", ""),
          ethnicity: known.ethnicity,
          phone1: known.phone,
          address1: known.address,
        }),
      },
    });
    const stranger = "11010519491231002X"; // a valid GB 11643 number the platform does not know
    expect(sandbox.residents.some((r) => r.idNo === stranger)).toBe(false);
    expect(await lookup(stranger)).toEqual({ ok: true, value: { resident: null, source: "platform" } });

    // Platform down: the answer fetched before comes from the cache; an uncached one is a typed,
    // retriable platform error the operator can read.
    await sandbox.close();
    const cached = await lookup(known.idNo);
    expect(cached).toEqual({
      ok: true,
      value: { source: "cache", resident: (found as { value: { resident: unknown } }).value.resident },
    });
    const offline = await lookup(sandbox.residents[1]!.idNo);
    expect(offline.ok).toBe(false);
    if (!offline.ok) {
      expect(offline.problem.retriable).toBe(true);
      expect(offline.problem.code).toMatch(/^PLATFORM_|TIMEOUT/);
      expect(offline.problem.message.zh.length).toBeGreaterThan(0);
      expect(offline.problem.message.en.length).toBeGreaterThan(0);
    }
  }, 60_000);
});
