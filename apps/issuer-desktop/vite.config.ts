import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** Builds the React renderer (shared by Electron and web mode) into dist/renderer. */
export default defineConfig({
  root: fileURLToPath(new URL("./src/renderer", import.meta.url)),
  base: "./",
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: fileURLToPath(new URL("./dist/renderer", import.meta.url)),
    emptyOutDir: true,
    target: "chrome120",
  },
});
