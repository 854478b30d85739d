import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { ERROR_CODES, isErrorCode } from "@rhc/errors";
import { openApiDocument } from "@rhc/platform-sandbox";
import { EVENT_TYPES, wireEventSchema } from "@rhc/sync";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { IssuerConfigSchema } from "../../issuer-desktop/src/issuance/config.js";
import { USAGE } from "../src/cli/main.js";
import { agentConfigSchema } from "../src/config/schema.js";
import { codeBlocks, DOCS_DIR, docNames, readDoc, type Table, tables, ticked } from "./support/markdown.js";

/**
 * The reference parts of the guides in docs/ checked against the code they describe, so a renamed
 * code, endpoint, event type, configuration key or CLI command fails a test instead of misleading a
 * reader. (docs-examples.test.ts runs the HIS guide's examples against a live agent.)
 */

const DOCS = Object.fromEntries(docNames().map((name) => [name, readDoc(name)]));

const tableWith = (doc: string, ...header: string[]): Table => {
  const found = tables(DOCS[doc]!).find((t) => header.every((h, i) => t.header[i] === h));
  if (!found) throw new Error(`${doc}: no table with header ${header.join(" | ")}`);
  return found;
};

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const inCode = new Set(codeBlocks(markdown).flatMap((b) => b.code.split("\n")));
  return new Set(
    markdown
      .split("\n")
      .filter((l) => /^#{1,6} /.test(l) && !inCode.has(l))
      .map((l) =>
        l
          .replace(/^#+ /, "")
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, "")
          .replace(/\s/g, "-"),
      ),
  );
}

describe("docs/ links", () => {
  it("every relative link and image points at an existing file and heading", () => {
    const broken: string[] = [];
    for (const [name, text] of Object.entries(DOCS)) {
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split("#") as [string, string | undefined];
        const file = path === "" ? join(DOCS_DIR, name) : join(DOCS_DIR, path);
        if (!existsSync(file)) {
          broken.push(`${name}: ${target}`);
          continue;
        }
        if (anchor && file.endsWith(".md") && dirname(file) === dirname(join(DOCS_DIR, name))) {
          if (!anchors(DOCS[file.slice(DOCS_DIR.length)] ?? "").has(anchor)) broken.push(`${name}: ${target}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("error codes in docs/", () => {
  /** Backticked tokens that look like codes but are not error codes (constants, env vars, DLL code families, check reasons). */
  const NOT_ERROR_CODES = new Set([
    "NOT_FOUND_TOMBSTONED",
    "PROJECT_STAFF_PROFILE",
    "STAFF_CARD_POLICY",
    "RHC_AGENT_CONFIG",
    "RHC_ISSUER_CONFIG",
    "RHC_UPDATE_DOCS",
    "IRV_*",
    "WS_ERR_*",
    "NO_TRUSTED_ROOT",
    "AF_UNIX",
    "AF_INET",
    "AF_INET6",
  ]);

  it("names only real error codes", () => {
    const unknown: string[] = [];
    for (const [name, text] of Object.entries(DOCS)) {
      for (const [, token] of text.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9*]+)+)`/g)) {
        if (!isErrorCode(token) && !NOT_ERROR_CODES.has(token!)) unknown.push(`${name}: ${token}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it("tables each code with its real HTTP status, retriable flag and Chinese text", () => {
    const checked: string[] = [];
    for (const [name, text] of Object.entries(DOCS)) {
      for (const table of tables(text).filter((t) => t.header[0] === "code")) {
        const column = (label: string) => table.header.findIndex((h) => h.includes(label));
        const [http, retriable, zh] = [column("HTTP"), column("retriable"), column("message.zh")];
        for (const row of table.rows) {
          const code = ticked(row[0]!)[0]!;
          expect(isErrorCode(code), `${name}: ${code}`).toBe(true);
          if (!isErrorCode(code)) continue;
          const spec = ERROR_CODES[code];
          if (http >= 0) expect(Number(row[http]), `${name}: ${code} HTTP`).toBe(spec.http);
          if (retriable >= 0) expect(row[retriable] === "yes", `${name}: ${code} retriable`).toBe(spec.retriable);
          if (zh >= 0) expect(row[zh], `${name}: ${code} message.zh`).toBe(spec.zh);
          checked.push(`${name}:${code}`);
        }
      }
    }
    expect(checked.filter((c) => c.startsWith("his-integration.md:")).length).toBeGreaterThanOrEqual(35);
    expect(checked.filter((c) => c.startsWith("operator-guide.md:")).length).toBeGreaterThanOrEqual(20);
  });
});

describe("docs/platform-contract.md", () => {
  const openapi = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
  const served = Object.entries(openapi.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
  );
  const template = (path: string) =>
    new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`);

  it("lists the sandbox's endpoints (E1, I1–I3, S1–S6, D1–D3, T1) as its OpenAPI document serves them", () => {
    const documented = tableWith("platform-contract.md", "id", "endpoint")
      .rows.map((r) => ticked(r[1]!)[0])
      .filter((e): e is string => e !== undefined)
      .map((e) => {
        const [method, path] = e.split(" ") as [string, string];
        return { method, path: path.split("?")[0]!.replace(/\{[^}]+\}/g, "X") };
      });
    const matches = (d: { method: string; path: string }, s: { method: string; path: string }) =>
      d.method === s.method && template(s.path).test(d.path);
    expect(documented.filter((d) => !served.some((s) => matches(d, s)))).toEqual([]);
    const contract = served.filter((s) => !s.path.startsWith("/_admin") && s.path !== "/openapi.json");
    expect(contract.filter((s) => !documented.some((d) => matches(d, s)))).toEqual([]);
    expect(
      served.filter((s) => s.path.startsWith("/_admin") && !DOCS["platform-contract.md"]!.includes(s.path)),
    ).toEqual([]);
  });

  it("describes the event envelope and every event type with its aggregate and payload fields", () => {
    const envelope = tableWith("platform-contract.md", "field", "meaning").rows.map((r) => ticked(r[0]!)[0]);
    expect(envelope.sort()).toEqual(Object.keys(wireEventSchema.shape).sort());

    const types = tableWith("platform-contract.md", "type", "aggregate", "payload").rows;
    expect(types.map((r) => ticked(r[0]!)[0]).sort()).toEqual(Object.keys(EVENT_TYPES).sort());
    for (const [typeCell, aggregate, payload] of types) {
      const type = ticked(typeCell!)[0] as keyof typeof EVENT_TYPES;
      const spec = EVENT_TYPES[type];
      expect(aggregate, type).toBe(spec.aggregate);
      const shape = (spec.payload as z.ZodObject).shape as Record<string, z.ZodType>;
      const fields = Object.entries(shape).map(([k, s]) => (s.safeParse(undefined).success ? `${k}?` : k));
      expect(ticked(payload!)[0]!.split(", "), type).toEqual(fields);
    }
  });

  it("states all twelve delivery guarantees", () => {
    const guarantees = tableWith("platform-contract.md", "#", "guarantee").rows.map((r) => r[0]);
    expect(guarantees).toEqual(Array.from({ length: 12 }, (_, i) => `G${i + 1}`));
  });
});

/** Configuration keys as the guides table them: objects are expanded, arrays and unions are one key. */
function configKeys(schema: z.ZodType, prefix = ""): string[] {
  let s: z.ZodType = schema;
  while (!(s instanceof z.ZodObject) && !(s instanceof z.ZodArray) && "unwrap" in s && typeof s.unwrap === "function")
    s = (s.unwrap as () => z.ZodType)();
  if (!(s instanceof z.ZodObject)) return [prefix.slice(0, -1)];
  return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([k, v]) => configKeys(v, `${prefix}${k}.`));
}

describe("docs/deployment.md", () => {
  const [agentTable, issuerTable] = tables(DOCS["deployment.md"]!).filter(
    (t) => t.header[0] === "key" && t.header[1] === "default",
  );

  it("documents every key of the terminal agent's configuration, and no other", () => {
    const documented = agentTable!.rows.map((r) => ticked(r[0]!)[0]);
    expect([...documented].sort()).toEqual(configKeys(agentConfigSchema).sort());
  });

  it("documents every top-level key of the issuance desktop's configuration, and no other", () => {
    const documented = issuerTable!.rows.flatMap((r) => ticked(r[0]!));
    const shape = IssuerConfigSchema.shape as Record<string, z.ZodType>;
    expect(documented.sort()).toEqual(Object.keys(shape).sort());
  });

  it("names only real rhc-agent commands", () => {
    const commands = Object.values(DOCS).flatMap((text) => [
      ...[...text.matchAll(/`(rhc-agent [^`]+)`/g)].map((m) => m[1]!),
      ...codeBlocks(text).flatMap((b) => b.code.split("\n").filter((l) => l.startsWith("rhc-agent "))),
    ]);
    expect(commands.length).toBeGreaterThan(10);
    const usage = USAGE.split("\n").map((l) => l.trim());
    const unknown = commands.filter((c) => {
      const [, command, sub] = c.split(/\s+/);
      const withSub = ["pair", "audit", "config", "card"].includes(command!);
      const name = withSub ? `${command} ${sub}` : command!;
      return !usage.some((l) => l === name || l.startsWith(`${name} `));
    });
    expect(unknown).toEqual([]);
  });
});
