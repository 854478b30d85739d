import { fileURLToPath } from "node:url";
import { createIssuerApp, type IssuerAdapters, type IssuerApp } from "../app/create-issuer-app.js";
import type { IssuerConfigInput } from "../issuance/config.js";
import { startWebServer } from "./web-server.js";

/** Where `vite build` puts the renderer (dist/renderer of the package). */
export const RENDERER_DIR = fileURLToPath(new URL("../../dist/renderer", import.meta.url));

export interface IssuerServer {
  url: string;
  app: IssuerApp;
  close(): Promise<void>;
}

/**
 * Web mode, programmatically (tests, the demo, centres that prefer a browser): the desk app plus
 * the HTTP server on loopback. `close()` pauses a running batch, stops the server and closes the
 * database.
 */
export async function startIssuerServer(
  config: IssuerConfigInput,
  adapters: IssuerAdapters,
  options: { rendererDir?: string } = {},
): Promise<IssuerServer> {
  const app = createIssuerApp(config, adapters, "web");
  try {
    const web = await startWebServer(app, options.rendererDir ?? RENDERER_DIR);
    return {
      url: web.url,
      app,
      async close() {
        await web.close();
        await app.close();
      },
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}
