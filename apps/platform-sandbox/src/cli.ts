#!/usr/bin/env node
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { buildDemoCrl } from "./crl.js";
import { startSandbox } from "./server.js";

const USAGE = `rhc-platform-sandbox — reference regional platform for tests and demos

  rhc-platform-sandbox start --db <file> [--port 8080] [--host 127.0.0.1] [--admin-token <t>]
                             [--terminal <id>=<token>]... [--seed <n>|none] [--residents <n>] [--crl-dir <dir>]
                             [--tls-key <pem> --tls-cert <pem> --tls-client-ca <pem>]   (optional mTLS)
  rhc-platform-sandbox crl --dir <dir> --issuer <hex key id> --number <n> [--base <n>] [--revoked <hex>]... [--valid-days 7]

start prints one JSON line {"url": ...} on stdout when listening; SIGTERM/SIGINT stop it.`;

const startSchema = z.object({
  db: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().default("127.0.0.1"),
  "admin-token": z.string().min(8).default("sandbox-admin-token"),
  terminal: z
    .array(z.string().regex(/^[^=]+=.{8,}$/, "expected <terminalId>=<token of 8+ characters>"))
    .default(["T0001=terminal-token-0001"]),
  seed: z
    .string()
    .regex(/^(\d+|none)$/)
    .default("20240601"),
  residents: z.coerce.number().int().min(0).max(100_000).default(60),
  "crl-dir": z.string().optional(),
  "tls-key": z.string().optional(),
  "tls-cert": z.string().optional(),
  "tls-client-ca": z.string().optional(),
});

const crlSchema = z.object({
  dir: z.string().min(1),
  issuer: z.string().regex(/^[0-9a-fA-F]{2,64}$/),
  number: z.coerce.number().int().positive(),
  base: z.coerce.number().int().positive().optional(),
  revoked: z.array(z.string().regex(/^[0-9a-fA-F]{2,40}$/)).default([]),
  "valid-days": z.coerce.number().positive().default(7),
});

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      db: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      "admin-token": { type: "string" },
      terminal: { type: "string", multiple: true },
      seed: { type: "string" },
      residents: { type: "string" },
      "crl-dir": { type: "string" },
      "tls-key": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-client-ca": { type: "string" },
      dir: { type: "string" },
      issuer: { type: "string" },
      number: { type: "string" },
      base: { type: "string" },
      revoked: { type: "string", multiple: true },
      "valid-days": { type: "string" },
    },
  });
  if (command === "start") {
    const o = startSchema.safeParse(values);
    if (!o.success) fail(o.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
    const tlsFiles = [o.data["tls-key"], o.data["tls-cert"], o.data["tls-client-ca"]];
    if (tlsFiles.some(Boolean) && !tlsFiles.every(Boolean))
      fail("--tls-key, --tls-cert and --tls-client-ca go together");
    const terminals = Object.fromEntries(
      o.data.terminal.map((t) => [t.slice(0, t.indexOf("=")), t.slice(t.indexOf("=") + 1)]),
    );
    const sandbox = await startSandbox({
      dbPath: o.data.db,
      port: o.data.port,
      host: o.data.host,
      adminToken: o.data["admin-token"],
      terminals,
      seed: o.data.seed === "none" ? false : Number(o.data.seed),
      residents: o.data.residents,
      ...(o.data["crl-dir"] ? { crlDir: o.data["crl-dir"] } : {}),
      ...(o.data["tls-key"] && o.data["tls-cert"] && o.data["tls-client-ca"]
        ? {
            tls: {
              key: readFileSync(o.data["tls-key"]),
              cert: readFileSync(o.data["tls-cert"]),
              clientCa: readFileSync(o.data["tls-client-ca"]),
            },
          }
        : {}),
    });
    process.stdout.write(`${JSON.stringify({ url: sandbox.url, pid: process.pid })}\n`);
    const stop = () => void sandbox.close().then(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    return;
  }
  if (command === "crl") {
    const o = crlSchema.safeParse(values);
    if (!o.success) fail(o.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
    const now = new Date();
    const der = await buildDemoCrl({
      issuerKeyId: o.data.issuer,
      crlNumber: o.data.number,
      ...(o.data.base ? { baseCrlNumber: o.data.base } : {}),
      revokedSerials: o.data.revoked,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + o.data["valid-days"] * 86400_000),
    });
    mkdirSync(o.data.dir, { recursive: true });
    const file = join(o.data.dir, `${o.data.issuer.toLowerCase()}${o.data.base ? ".delta" : ""}.crl`);
    writeFileSync(file, der);
    process.stdout.write(`${JSON.stringify({ file, bytes: der.length })}\n`);
    return;
  }
  fail(command ? `unknown command ${command}` : "missing command");
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
