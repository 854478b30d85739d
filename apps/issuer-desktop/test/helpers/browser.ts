import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Screenshots of e2e runs (gitignored); a few are copied into docs/ for the operator guide. */
export const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts", import.meta.url));

/**
 * Debian's chromium, headless, with a fresh profile (user-data-dir) and no network side traffic.
 * Playwright takes the profile directory as the persistent-context argument, not as a flag.
 */
export async function launchBrowser(): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "rhc-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 860 },
    locale: "zh-CN",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The operator guide's screenshots (apps/issuer-desktop/docs, linked from docs/operator-guide.md). */
export const DOCS = fileURLToPath(new URL("../../docs", import.meta.url));

/**
 * A screenshot into test-artifacts that is also one of the operator guide's: with
 * RHC_UPDATE_DOCS=1 it replaces docs/<name>.png, so the guide shows what the tests saw (a normal
 * run leaves the committed pictures alone).
 */
export async function docShot(page: Page, name: string): Promise<void> {
  const path = await shot(page, name);
  if (process.env.RHC_UPDATE_DOCS !== "1") return;
  mkdirSync(DOCS, { recursive: true });
  copyFileSync(path, join(DOCS, `${name}.png`));
}
