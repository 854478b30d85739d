import { accessSync, constants, existsSync, statSync } from "node:fs";
import os from "node:os";
import { findPcscdProcesses, pcscdSocketPath, VirtualReaderDetector } from "@rhc/card-protocol";
import { toRhcError } from "@rhc/errors";
import { verifyStoredAudit } from "../audit/agent-audit.js";
import { loadConfig } from "../config/load.js";
import { dataPaths } from "../config/paths.js";
import type { AgentConfig } from "../config/schema.js";

/**
 * What `rhc-agent diagnose` can still tell when the agent is not running: configuration validity,
 * the data directory, pcscd processes and socket, virtual reader configuration, audit chain,
 * versions. It only looks: it never creates the data directory or the store (a report made on a
 * desk where the agent never ran must not change that desk).
 */
export async function localDiagnostics(configPath: string, why: unknown): Promise<Record<string, unknown>> {
  const reason = toRhcError(why);
  const processes = findPcscdProcesses();
  const socket = pcscdSocketPath();
  const report: Record<string, unknown> = {
    generatedAt: new Date().toISOString(),
    agent: { running: false, reason: reason.detail ?? reason.code },
    versions: { node: process.version, os: `${os.type()} ${os.release()} ${os.arch()}`, hostname: os.hostname() },
    pcsc: {
      socket: { path: socket, exists: existsSync(socket) },
      processes,
      ...(processes.length === 0 ? { hint: "pcscd is not running: systemctl start pcscd.socket" } : {}),
    },
  };
  let config: AgentConfig;
  try {
    config = loadConfig(configPath);
  } catch (error) {
    const e = toRhcError(error);
    report.config = { path: configPath, valid: false, code: e.code, ...(e.detail ? { detail: e.detail } : {}) };
    return report;
  }
  const detector = new VirtualReaderDetector();
  report.config = { path: configPath, valid: true, terminalId: config.terminalId, roles: config.readers.roles };
  report.readerConfig = {
    allowVirtual: config.readers.allowVirtual,
    configuredRolesVirtual: Object.fromEntries(
      Object.entries(config.readers.roles).map(([role, m]) => [
        role,
        typeof m === "string" ? detector.isVirtual(m) : null,
      ]),
    ),
  };
  report.dataDir = dataDirState(config.dataDir);
  report.audit = storedAudit(config);
  return report;
}

/** Whether the data directory exists and can be used; what to do when it cannot. */
function dataDirState(dir: string): Record<string, unknown> {
  if (!existsSync(dir)) {
    return {
      path: dir,
      exists: false,
      hint: "the data directory does not exist: the agent has never started with this configuration (rhc-agent start creates it)",
    };
  }
  if (!statSync(dir).isDirectory()) return { path: dir, exists: true, hint: "this path is not a directory" };
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    return { path: dir, exists: true, writable: true };
  } catch {
    return {
      path: dir,
      exists: true,
      writable: false,
      hint: "not readable/writable by this user: run as root or rhc-agent",
    };
  }
}

/** The audit chain of the store, verified only if the store exists (opening it would create it). */
export function storedAudit(config: AgentConfig): Record<string, unknown> {
  const store = dataPaths(config.dataDir).store;
  if (!existsSync(store)) {
    return { store, exists: false, hint: "no store yet: the agent has not recorded anything with this data directory" };
  }
  try {
    return { store, exists: true, ...verifyStoredAudit(store, config.terminalId) };
  } catch (error) {
    const e = toRhcError(error);
    return { store, exists: true, ok: false, code: e.code, ...(e.detail ? { detail: e.detail } : {}) };
  }
}
