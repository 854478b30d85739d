import { join } from "node:path";
import { openSyncStore } from "@rhc/sync";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeskAudit } from "../../src/issuance/audit/desk-audit.js";
import { docShot, launchBrowser, shot } from "../helpers/browser.js";
import { type ChildDesk, startChildDesk } from "../helpers/child-desk.js";
import { portrait } from "../helpers/portrait.js";
import { buildRenderer } from "../helpers/renderer.js";
import { resident, residentsCsv } from "../helpers/residents.js";
import { STAFF_PIN } from "../helpers/stack-config.js";
import { tempDir } from "../helpers/temp-dir.js";

/**
 * The renderer in chromium against a desk running in its own process (real pcscd, simulated ISAM,
 * staff card and blank cards, real SQLite): login, one card issued and verified, and a batch of 20
 * whose app is SIGKILLed in the middle and resumed by a new process on the same database.
 */
let browser: Awaited<ReturnType<typeof launchBrowser>>;
const children: ChildDesk[] = [];
const dirs: ReturnType<typeof tempDir>[] = [];

beforeAll(async () => {
  await buildRenderer();
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of children) await c.stop();
  await browser?.close();
  for (const d of dirs) d.remove();
});

async function desk(dataDir: string): Promise<ChildDesk> {
  const child = await startChildDesk(dataDir);
  children.push(child);
  return child;
}

async function login(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.fill("input[name=pin]", STAFF_PIN);
  await page.click("button[type=submit]");
  await page.getByTestId("operator").waitFor();
}

describe("issuance in chromium (web mode, real pcscd)", () => {
  it("logs in with the staff card, shows field errors, issues one card and sees it verified", {
    timeout: 90_000,
  }, async () => {
    const dir = tempDir();
    dirs.push(dir);
    const child = await desk(dir.path);
    const { page } = browser;
    await login(page, child.url);
    expect(await page.getByTestId("operator").textContent()).toContain("测试医生");

    const r = resident(21);
    const badId = `${r.citizenId!.slice(0, 17)}${r.citizenId![17] === "1" ? "2" : "1"}`;
    await page.fill("#f-citizenId", badId);
    await page.fill("#f-name", r.name!);
    await page.selectOption("#f-sex", r.sex!);
    await page.selectOption("#f-ethnicity", "01");
    await page.fill("#f-birthDate", r.birthDate!);
    await page.fill("#f-phone1", r.phone1!);
    await page.fill("#f-address1", r.address1!);
    await page.getByRole("button", { name: "校验", exact: true }).click();
    const problem = page.locator("[data-field=citizenId] .field-problem");
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/校验位/);
    await docShot(page, "issue-field-errors");

    await page.fill("#f-citizenId", r.citizenId!);
    await page.setInputFiles("input[name=photo]", {
      name: "portrait.png",
      mimeType: "image/png",
      buffer: Buffer.from(await portrait(480, 600)),
    });
    await page.getByTestId("photo-info").waitFor();
    expect(await page.getByTestId("photo-info").textContent()).toMatch(/102×126/);
    await page.getByRole("button", { name: "写卡并校验" }).click();
    await page.getByTestId("issue-result").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("result-card-no").textContent()).toBe(r.citizenId);
    await page.getByTestId("card-face").waitFor();
    expect(await page.locator("[data-testid=card-face] svg").count()).toBe(1);
    await docShot(page, "issue-verified");

    await page.getByRole("button", { name: "审计日志" }).click();
    await page.getByRole("button", { name: "校验哈希链" }).click();
    await page.getByTestId("chain").waitFor();
    expect(await page.getByTestId("chain").textContent()).toBe("审计日志完整");
    expect(await page.locator("tr[data-action='card.issued']").count()).toBe(1);
    await docShot(page, "audit");

    // Lost and replaced cards: report lost, unblock, report lost again and replace onto a new blank.
    await page.getByRole("button", { name: "挂失 / 补换卡" }).click();
    await page.locator("tbody tr[data-chip]").first().waitFor();
    const chipSerial = (await page.locator("tbody tr[data-chip]").first().getAttribute("data-chip"))!;
    const row = page.locator(`tr[data-chip='${chipSerial}']`);
    await page.fill("input[name=reason]", "持卡人报失");
    const statusIs = async (status: string) =>
      page.waitForFunction(
        ([chip, s]) =>
          document.querySelector(`tr[data-chip='${chip}'] td[data-status]`)?.getAttribute("data-status") === s,
        [chipSerial, status] as const,
      );
    await row.getByRole("button", { name: "挂失" }).click();
    await statusIs("lost");
    await row.getByRole("button", { name: "解挂" }).click();
    await statusIs("issued");
    await row.getByRole("button", { name: "挂失" }).click();
    await statusIs("lost");
    await row.getByRole("button", { name: "补换卡" }).click();
    await statusIs("replaced");
    const rows = page.locator("tbody tr[data-chip]");
    await page.waitForFunction(() => document.querySelectorAll("tbody tr[data-chip]").length === 2);
    expect(
      await rows
        .locator("td[data-status]")
        .evaluateAll((cells) => cells.map((c) => c.getAttribute("data-status")).sort()),
    ).toEqual(["issued", "replaced"]);
    await docShot(page, "cards");
    await child.stop();
  });

  it("runs a batch of 20, survives a SIGKILL in the middle and resumes in a new process", {
    timeout: 180_000,
  }, async () => {
    const dir = tempDir();
    dirs.push(dir);
    const residents = Array.from({ length: 20 }, (_, i) => resident(100 + i));
    const csv = `${residentsCsv(residents)}\n${residentsCsv([
      { ...resident(200), ethnicity: "77" },
      { ...resident(201), name: "" },
    ])
      .split("\n")
      .slice(1)
      .join("\n")}\n`;
    let child = await desk(dir.path);
    const { page } = browser;
    await login(page, child.url);
    await page.getByRole("button", { name: "批量制卡" }).click();
    await page.fill("input[name=batchName]", "第一批");
    await page.setInputFiles("input[name=csv]", {
      name: "residents.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await page.getByTestId("rejected").waitFor();
    expect(
      await page
        .locator("[data-testid=rejected] tbody tr")
        .evaluateAll((rows) => rows.map((r) => [r.getAttribute("data-row"), r.getAttribute("data-field")])),
    ).toEqual([
      ["22", "ethnicity"],
      ["23", "name"],
    ]);
    await docShot(page, "batch-import");

    await page.getByRole("button", { name: "开始制卡" }).click();
    const progress = page.getByTestId("batch-progress");
    await page.waitForFunction(
      () => Number(document.querySelector("[data-testid=batch-progress]")?.getAttribute("data-issued")) >= 6,
      null,
      { timeout: 60_000 },
    );
    await shot(page, "batch-running");
    await child.kill();

    child = await desk(dir.path);
    await login(page, child.url);
    await page.getByRole("button", { name: "批量制卡" }).click();
    await page.getByRole("button", { name: /第一批/ }).click();
    await progress.waitFor();
    expect(await progress.getAttribute("data-status")).toBe("paused");
    const issuedBefore = Number(await progress.getAttribute("data-issued"));
    expect(issuedBefore).toBeGreaterThanOrEqual(6);
    expect(issuedBefore).toBeLessThan(20);
    await docShot(page, "batch-paused-after-crash");
    await page.getByRole("button", { name: "继续制卡" }).click();
    await page.waitForFunction(
      () => document.querySelector("[data-testid=batch-progress]")?.getAttribute("data-status") === "done",
      null,
      { timeout: 120_000 },
    );
    await docShot(page, "batch-done");
    // Deterministic whatever the kill hit: a row killed while personalising or verifying goes
    // onto a new blank (its card left with the killed process), so every row is issued.
    const issued = Number(await progress.getAttribute("data-issued"));
    expect(issued).toBe(20);
    expect(Number(await progress.getAttribute("data-failed"))).toBe(0);
    await child.stop();

    // The database the two processes shared: one event per issued card, no duplicates, chain intact.
    const store = openSyncStore({
      path: join(dir.path, "issuer.db"),
      terminalId: "ISSUER-T1",
      checkpointIntervalMs: 0,
    });
    const db = store.context.db;
    expect(store.outbox.depth()).toBe(issued);
    const cards = db.prepare("SELECT card_no FROM cards").all() as { card_no: string }[];
    expect(new Set(cards.map((c) => c.card_no)).size).toBe(issued);
    const events = db.prepare("SELECT body FROM outbox WHERE type = 'card.issued'").all() as { body: string }[];
    expect(
      new Set(events.map((e) => (JSON.parse(e.body) as { payload: { cardNo: string } }).payload.cardNo)).size,
    ).toBe(issued);
    expect(new DeskAudit(store.audit).verify().ok).toBe(true);
    store.close();
  });
});
