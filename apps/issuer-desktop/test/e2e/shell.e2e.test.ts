import { RhcError } from "@rhc/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IssuerAdapters } from "../../src/app/create-issuer-app.js";
import { type IssuerServer, startIssuerServer } from "../../src/server/start-issuer-server.js";
import { docShot, launchBrowser } from "../helpers/browser.js";
import { testConfig } from "../helpers/desk.js";
import { buildRenderer } from "../helpers/renderer.js";
import { tempDir } from "../helpers/temp-dir.js";

/** A desk with no staff card inserted: the login answers as the staff reader does when it is empty. */
const noStaffCard = (): never => {
  throw new RhcError("NO_CARD", { detail: "staff card reader" });
};
const adapters: IssuerAdapters = {
  card: {
    probe: async () => ({ kind: "absent" }),
    personalise: async () => noStaffCard(),
    verify: async () => noStaffCard(),
  },
  feeder: { kind: "manual", load: async () => noStaffCard(), eject: async () => noStaffCard() },
  login: { login: async () => noStaffCard() },
  readers: { status: async () => [] },
};

let server: IssuerServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
const dir = tempDir();

beforeAll(async () => {
  await buildRenderer();
  server = await startIssuerServer(testConfig(dir.path), adapters);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  dir.remove();
});

describe("renderer in web mode (chromium)", () => {
  it("opens in zh-CN, reports a login without staff card in the operator's language, switches to English", async () => {
    const { page } = browser;
    await page.goto(server.url);
    await expect(page.getByRole("heading", { name: "操作员登录" }).isVisible()).resolves.toBe(true);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await page.locator("header .centre").textContent()).toBe("郑州市居民健康卡发卡中心");

    await page.fill("input[name=pin]", "123456");
    await page.click("button[type=submit]");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.getAttribute("data-code")).toBe("NO_CARD");
    expect(await alert.textContent()).toContain("读卡器中没有卡");
    await docShot(page, "login-zh");

    await page.click("header button.lang");
    await page.getByRole("heading", { name: "Operator login" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await alert.textContent()).toContain("No card in the reader");
    expect(await page.inputValue("input[name=pin]")).toBe("123456");
    await docShot(page, "login-en");
  });
});
