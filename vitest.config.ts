import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "scripts/demo"],
    pool: "forks",
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
