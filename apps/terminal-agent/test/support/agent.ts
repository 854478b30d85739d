import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { TestDesk } from "@rhc/card-sim/testing";
import { type AgentConfigInput, type RunningAgent, type Scope, startAgent } from "../../src/index.js";
import { http } from "./http.js";

export interface TestAgent {
  agent: RunningAgent;
  dataDir: string;
  /** Every log line the agent wrote. */
  logs(): string;
  close(): Promise<void>;
}

export interface DeskRoles {
  resident: string;
  sam: string;
  staff?: string;
}

/** The reader names of a leased TestDesk lane, by desk role. */
export function deskRoles(desk: TestDesk): DeskRoles {
  return { resident: desk.readerName("resident"), sam: desk.readerName("sam"), staff: desk.readerName("staff") };
}

export function deskConfig(roles: DeskRoles, dataDir: string): AgentConfigInput {
  return {
    terminalId: "T-TEST-01",
    dataDir,
    api: { host: "127.0.0.1", port: 0, allowedOrigins: ["http://his.test"] },
    readers: {
      allowVirtual: true,
      roles: { ...roles },
    },
    log: { level: "debug" },
  };
}

/** Starts a real agent on an ephemeral loopback port with a fresh data directory. */
export async function startTestAgent(
  desk: TestDesk | DeskRoles,
  patch: (config: AgentConfigInput) => AgentConfigInput = (c) => c,
): Promise<TestAgent> {
  const dataDir = mkdtempSync(join(tmpdir(), "rhc-agent-"));
  const sink = new PassThrough();
  const lines: string[] = [];
  sink.on("data", (chunk: Buffer) => lines.push(chunk.toString("utf8")));
  const roles = "readerName" in desk ? deskRoles(desk) : desk;
  const agent = await startAgent(patch(deskConfig(roles, dataDir)), { logDestination: sink, validateResponses: true });
  return {
    agent,
    dataDir,
    logs: () => lines.join(""),
    async close() {
      await agent.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Pairs a client the way an HIS does: request, operator approval, one-time collection. */
export async function pair(agent: RunningAgent, scopes: Scope[], name = "HIS test client"): Promise<string> {
  const requested = await http(`${agent.url}/v1/pairing`, { method: "POST", body: { clientName: name, scopes } });
  if (requested.status !== 202) throw new Error(`pairing request failed: ${requested.text}`);
  const { requestId, code } = requested.body as { requestId: string; code: string };
  agent.admin.approve(code);
  const collected = await http(`${agent.url}/v1/pairing/${requestId}`);
  const body = collected.body as { state: string; token: string };
  if (body.state !== "approved") throw new Error(`pairing not approved: ${collected.text}`);
  return body.token;
}
