import { fileURLToPath } from "node:url";
import { build } from "vite";

const CONFIG = fileURLToPath(new URL("../../vite.config.ts", import.meta.url));
let built: Promise<unknown> | undefined;

/** Builds the renderer once per test process (about half a second). */
export function buildRenderer(): Promise<unknown> {
  built ??= build({ configFile: CONFIG, logLevel: "warn" });
  return built;
}
