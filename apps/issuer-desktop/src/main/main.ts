// Electron main process: a thin shell around the plain-Node app (createIssuerApp). Everything it
// calls is testable without Electron; this file only owns the window and its security settings.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PcscTransport } from "@rhc/card-protocol";
import { app, BrowserWindow, ipcMain, shell } from "electron";
import { createDeskAdapters } from "../adapters/desk-adapters.js";
import { createIssuerApp } from "../app/create-issuer-app.js";
import { parseConfig } from "../issuance/config.js";
import { forwardEvents, registerIpcChannels } from "./ipc-bridge.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const rendererIndex = join(here, "..", "renderer", "index.html");
const rendererUrl = pathToFileURL(rendererIndex).href;

function loadConfig() {
  const file = process.env.RHC_ISSUER_CONFIG ?? join(app.getPath("userData"), "issuer.config.json");
  const raw: unknown = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  return parseConfig({ dataDir: app.getPath("userData"), ...(raw as object) });
}

async function main(): Promise<void> {
  await app.whenReady();
  const config = loadConfig();
  const transport = new PcscTransport();
  const desk = createIssuerApp(config, createDeskAdapters(config, transport), "electron");
  const unregister = registerIpcChannels(ipcMain, desk, (url) => url === rendererUrl);

  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    title: "居民健康卡发卡系统",
    webPreferences: {
      preload: join(here, "..", "preload", "preload.cjs"),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  });
  // No navigation away from the app, no new windows: links to the outside go to the browser.
  win.webContents.on("will-navigate", (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith("https:")) void shell.openExternal(url);
    return { action: "deny" };
  });
  const stopEvents = forwardEvents(desk, (channel, event) => win.webContents.send(channel, event));
  await win.loadFile(rendererIndex);

  app.on("window-all-closed", () => {
    stopEvents();
    unregister();
    void desk
      .close()
      .then(() => transport.close())
      .finally(() => app.quit());
  });
}

void main();
