#!/usr/bin/env node
import { existsSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isRhcError, RhcError, toRhcError } from "@rhc/errors";
import { z } from "zod";
import { startAgent } from "../agent.js";
import { verifyStoredAudit } from "../audit/agent-audit.js";
import { scopeListSchema } from "../auth/scopes.js";
import { loadConfig } from "../config/load.js";
import { dataPaths } from "../config/paths.js";
import { localDiagnostics } from "../diagnostics/local.js";
import { CARD_SECTION_NAMES } from "../services/card-read.js";
import { AdminClient } from "./admin-client.js";
import { formatReport } from "./format.js";

export const DEFAULT_CONFIG = "/etc/rhc-agent/config.json";

export const USAGE = `rhc-agent — Resident Health Card terminal agent

Usage: rhc-agent <command> [options]

  start                         run the service (systemd runs this)
  status                        status of the running agent
  pair list                     pending pairing requests from HIS clients
  pair approve <code> [--scopes read-basic,write]   approve (optionally narrowing scopes)
  pair deny <code>              deny a pairing request
  pair clients                  paired clients
  pair revoke <clientId>        revoke a client's token
  diagnose [--json]             diagnostics report to send to IT support (works when the agent is down)
  card read [--sections a,b]    read the card in the resident reader (identity by default)
  audit verify                  verify the hash chain of the audit log
  config check                  validate the configuration file

Options:
  -c, --config <path>           configuration file (default ${DEFAULT_CONFIG}, or $RHC_AGENT_CONFIG)
      --json                    machine-readable output
  -h, --help                    this text

Exit codes: 0 ok, 1 failed, 2 usage error, 3 agent not running.`;

const codeArg = z.string().regex(/^\d{6}$/, "a pairing code has 6 digits");
const clientIdArg = z.string().regex(/^[a-z0-9]{12}$/, "a client id has 12 lowercase letters or digits");

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const consoleIo: CliIo = { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) };

class UsageError extends Error {}

function arg(positionals: string[], index: number, what: string): string {
  const value = positionals[index];
  if (value === undefined) throw new UsageError(`missing ${what}`);
  return value;
}

function validated<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${what}: ${r.error.issues.map((i) => i.message).join("; ")}`);
  return r.data;
}

/** Runs one CLI invocation; returns the exit code (the process entry point exits with it). */
export async function runCli(argv: string[], io: CliIo = consoleIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: "string", short: "c" },
        json: { type: "boolean" },
        scopes: { type: "string" },
        sections: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  try {
    parsed = parse();
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, sub] = positionals;
  if (values.help || !command) {
    io.out(USAGE);
    return values.help ? 0 : 2;
  }
  const configPath = values.config ?? process.env.RHC_AGENT_CONFIG ?? DEFAULT_CONFIG;
  const print = (human: string, machine: unknown) => io.out(values.json ? JSON.stringify(machine, null, 2) : human);
  const admin = () => new AdminClient(dataPaths(loadConfig(configPath).dataDir).adminSocket);

  try {
    switch (`${command}${sub && ["pair", "audit", "config", "card"].includes(command) ? ` ${sub}` : ""}`) {
      case "start":
        return await runService(configPath, io);
      case "status": {
        const s = await admin().call<Record<string, unknown>>("GET", "/admin/status");
        print(formatReport("status", s), s);
        return 0;
      }
      case "pair list": {
        const list = await admin().call<Array<Record<string, unknown>>>("GET", "/admin/pairing");
        print(
          list.length === 0
            ? "no pending pairing requests"
            : list
                .map(
                  (p) =>
                    `${p.code}  ${p.clientName}  scopes=${(p.scopes as string[]).join(",")}  origin=${p.origin ?? "-"}  expires ${p.expiresAt}`,
                )
                .join("\n"),
          list,
        );
        return 0;
      }
      case "pair approve": {
        const code = validated(codeArg, arg(positionals, 2, "pairing code"), "code");
        const scopes = values.scopes ? validated(scopeListSchema, values.scopes.split(","), "--scopes") : undefined;
        const c = await admin().call<Record<string, unknown>>(
          "POST",
          `/admin/pairing/${code}/approve`,
          scopes ? { scopes } : {},
        );
        print(
          `approved: client ${c.clientId} "${c.name}" scopes=${(c.scopes as string[]).join(",")} (token valid until ${c.expiresAt})`,
          c,
        );
        return 0;
      }
      case "pair deny": {
        const code = validated(codeArg, arg(positionals, 2, "pairing code"), "code");
        const r = await admin().call("POST", `/admin/pairing/${code}/deny`);
        print(`denied pairing ${code}`, r);
        return 0;
      }
      case "pair clients": {
        const list = await admin().call<Array<Record<string, unknown>>>("GET", "/admin/clients");
        print(
          list.length === 0
            ? "no paired clients"
            : list
                .map(
                  (c) => `${c.clientId}  ${c.name}  scopes=${(c.scopes as string[]).join(",")}  until ${c.expiresAt}`,
                )
                .join("\n"),
          list,
        );
        return 0;
      }
      case "pair revoke": {
        const id = validated(clientIdArg, arg(positionals, 2, "client id"), "client id");
        const r = await admin().call("DELETE", `/admin/clients/${id}`);
        print(`revoked client ${id}`, r);
        return 0;
      }
      case "diagnose": {
        let report: Record<string, unknown>;
        try {
          report = await admin().call<Record<string, unknown>>("GET", "/admin/diagnostics");
        } catch (error) {
          if (!isRhcError(error, "AGENT_UNAVAILABLE")) throw error;
          // The agent is down: report what can be seen without it (that is often the problem).
          report = await localDiagnostics(configPath, error);
        }
        print(formatReport("diagnostics", report), report);
        return 0;
      }
      case "card read": {
        const sections = values.sections
          ? validated(z.array(z.enum(CARD_SECTION_NAMES)).min(1), values.sections.split(","), "--sections")
          : ["identity"];
        const r = await admin().call<Record<string, unknown>>("POST", "/admin/card/read", { sections });
        print(formatReport("card", r), r);
        return 0;
      }
      case "audit verify": {
        const config = loadConfig(configPath);
        let v: { ok: boolean; brokenAt?: number; entries: number };
        try {
          v = await admin().call("GET", "/admin/audit/verify");
        } catch (error) {
          if (!isRhcError(error, "AGENT_UNAVAILABLE")) throw error;
          const store = dataPaths(config.dataDir).store;
          // Opening a store that is not there would create it: say so instead.
          if (!existsSync(store)) {
            print(`audit log: no store at ${store} (the agent has not run with this data directory)`, {
              ok: false,
              store,
              exists: false,
            });
            return 1;
          }
          v = verifyStoredAudit(store, config.terminalId);
        }
        print(v.ok ? `audit log: ${v.entries} entries, chain intact` : `audit log: BROKEN at entry ${v.brokenAt}`, v);
        return v.ok ? 0 : 1;
      }
      case "config check": {
        const c = loadConfig(configPath);
        print(`${configPath}: valid (terminal ${c.terminalId}, API ${c.api.host}:${c.api.port})`, {
          ok: true,
          config: c,
        });
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${positionals.join(" ")}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    const e = toRhcError(error);
    io.err(
      values.json ? JSON.stringify(e.toProblem(), null, 2) : `error ${e.code}: ${e.messages.en}\n${e.messages.zh}`,
    );
    return e.code === "AGENT_UNAVAILABLE" ? 3 : 1;
  }
}

/** `rhc-agent start`: runs until SIGTERM/SIGINT, then shuts down gracefully. */
async function runService(configPath: string, io: CliIo): Promise<number> {
  const agent = await startAgent(loadConfig(configPath));
  io.out(`rhc-agent listening on ${agent.url} (admin socket ${agent.adminSocket})`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  agent.log.info({ signal }, "signal received");
  await agent.close();
  return 0;
}

function isMain(): boolean {
  try {
    return (
      process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const e = error instanceof RhcError ? error : toRhcError(error);
      process.stderr.write(`fatal ${e.code}: ${e.message}\n`);
      process.exit(1);
    },
  );
}
