import { existsSync } from "node:fs";
import os from "node:os";
import { toRhcError } from "@rhc/errors";
import { verifyStoredAudit } from "../audit/agent-audit.js";
import { loadConfig } from "../config/load.js";
import { dataPaths } from "../config/paths.js";
import { findPcscdProcesses, pcscdSocketPath, VirtualReaderDetector } from "../readers/pcscd-host.js";

/**
 * What `rhc-agent diagnose` can still tell when the agent is not running: configuration validity,
 * pcscd processes and socket, virtual reader configuration, audit chain, versions.
 */
export async function localDiagnostics(configPath: string, why: unknown): Promise<Record<string, unknown>> {
  const report: Record<string, unknown> = {
    generatedAt: new Date().toISOString(),
    agent: { running: false, reason: toRhcError(why).detail ?? toRhcError(why).code },
    versions: { node: process.version, os: `${os.type()} ${os.release()} ${os.arch()}`, hostname: os.hostname() },
  };
  const socket = pcscdSocketPath();
  report.pcsc = {
    socket: { path: socket, exists: existsSync(socket) },
    processes: findPcscdProcesses(),
    hint: findPcscdProcesses().length === 0 ? "pcscd is not running: systemctl start pcscd.socket" : undefined,
  };
  try {
    const config = loadConfig(configPath);
    const paths = dataPaths(config.dataDir);
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
    report.audit = { store: paths.store, ...verifyStoredAudit(paths.store, config.terminalId) };
  } catch (error) {
    const e = toRhcError(error);
    report.config = { path: configPath, valid: false, code: e.code, detail: e.detail };
  }
  return report;
}
