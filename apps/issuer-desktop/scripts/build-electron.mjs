#!/usr/bin/env node
// Bundles the Electron app into dist/electron: main (ESM, Node built-ins and native modules
// external), preload (CommonJS: sandboxed preloads cannot be ES modules) and the renderer.
// electron-builder then packages dist/electron (see electron-builder.yml).
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = (dir) => fileURLToPath(new URL(`../dist/electron/${dir}`, import.meta.url));
// Native modules are rebuilt for Electron's ABI by electron-builder and loaded from node_modules.
const external = ["electron", "better-sqlite3", "smartcard", /^node:/];
const conditions = ["source", "node", "import", "default"];

await build({
  root,
  configFile: false,
  logLevel: "warn",
  resolve: { conditions },
  ssr: {
    noExternal: true,
    external: ["better-sqlite3", "smartcard"],
    resolve: { conditions, externalConditions: ["source"] },
  },
  build: {
    ssr: "src/main/main.ts",
    outDir: out("main"),
    emptyOutDir: true,
    target: "node22",
    rollupOptions: { external, output: { format: "es", entryFileNames: "main.js" } },
  },
});
await build({
  root,
  configFile: false,
  logLevel: "warn",
  resolve: { conditions },
  ssr: { noExternal: true },
  build: {
    ssr: "src/preload/preload.ts",
    outDir: out("preload"),
    emptyOutDir: true,
    target: "node22",
    rollupOptions: { external: ["electron"], output: { format: "cjs", entryFileNames: "preload.cjs" } },
  },
});
await build({
  configFile: fileURLToPath(new URL("../vite.config.ts", import.meta.url)),
  logLevel: "warn",
  build: { outDir: out("renderer") },
});
console.log("built dist/electron (main, preload, renderer)");
