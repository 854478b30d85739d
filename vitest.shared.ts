import { fileURLToPath } from "node:url";
import { defineProject, type UserWorkspaceConfig } from "vitest/config";

/** Workspace packages are resolved to their TypeScript sources (the "source" export condition). */
const conditions = ["source", "module", "node", "development|production"];
const pcscGlobalSetup = fileURLToPath(new URL("./packages/card-sim/src/testing/global-setup.ts", import.meta.url));

export interface ProjectOptions {
  /** The project's tests talk to cards through the shared private pcscd of the run. */
  pcsc?: boolean;
  test?: UserWorkspaceConfig["test"];
}

export function project(name: string, options: ProjectOptions = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ["source"] } },
    test: {
      name,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...(options.pcsc ? { globalSetup: [pcscGlobalSetup] } : {}),
      ...options.test,
    },
  });
}
