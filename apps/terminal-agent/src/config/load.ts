import { readFileSync } from "node:fs";
import { RhcError } from "@rhc/errors";
import type { z } from "zod";
import { type AgentConfig, type AgentConfigInput, agentConfigSchema } from "./schema.js";

/** Lists every problem as "path: message" so hospital IT can fix the file in one go. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

/** Validates an in-memory configuration (programmatic start, tests, the demo). */
export function parseConfig(input: AgentConfigInput | unknown, source = "configuration"): AgentConfig {
  const result = agentConfigSchema.safeParse(input);
  if (!result.success) {
    throw new RhcError("CONFIG_INVALID", {
      detail: `${source}: ${describeIssues(result.error)}`,
      data: { issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    });
  }
  return result.data;
}

/** Reads and validates the JSON configuration file. */
export function loadConfig(path: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new RhcError("CONFIG_INVALID", { detail: `cannot read ${path}: ${(error as Error).message}`, cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RhcError("CONFIG_INVALID", {
      detail: `${path} is not valid JSON: ${(error as Error).message}`,
      cause: error,
    });
  }
  return parseConfig(json, path);
}
