import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ERROR_CODES } from "@rhc/errors";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import type { z } from "zod";
import {
  type AgentEvent,
  AgentProblem,
  type AgentStatus,
  type CardRead,
  HisClient,
  type Readers,
  type SettlementInput,
  type SyncStatus,
} from "../../../docs/examples/his-client.js";
import {
  type DeskOutcome,
  type Patient,
  pairOnce,
  readForRegistration,
  readHolderLikeTheDll,
  readOnInsert,
  recordAllergy,
  settleCharge,
} from "../../../docs/examples/registration-desk.js";
import type { readersSchema, statusSchema } from "../src/api/routes/agent-info.js";
import type { cardReadResponse } from "../src/api/routes/card.js";
import type { syncStatusSchema } from "../src/api/routes/sync.js";
import { runCli } from "../src/cli/main.js";
import { localDiagnostics } from "../src/diagnostics/local.js";
import { AGENT_EVENT_TYPES, type AgentEventType, eventFields } from "../src/events/bus.js";
import { deskConfig, deskRoles } from "./support/agent.js";
import { psamCard, residentCard, STAFF_PIN, staffCard } from "./support/cards.js";
import { type DeskHarness, openDesk } from "./support/desk.js";
import { codeBlocks, DOCS_DIR, readDoc, tables, ticked } from "./support/markdown.js";

/**
 * Keeps docs/his-integration.md and its example client honest: the TypeScript client and desk
 * tasks in docs/examples run against a real agent (shared test pcscd, simulated resident card, SAM
 * and staff card, platform sandbox over HTTP); every shell block of the guide runs in bash with
 * curl; the TypeScript blocks must be excerpts of the example files; the problem example, the
 * error table, the event table and the endpoint table are compared with the real thing.
 */

// The client's answer types must accept what the agent's response schemas produce.
type Accepts<Client, Agent> = Agent extends Client ? true : false;
const typesAgree: [
  Accepts<AgentStatus, z.output<typeof statusSchema>>,
  Accepts<Readers, z.output<typeof readersSchema>>,
  Accepts<Omit<CardRead, "sections">, Omit<z.output<typeof cardReadResponse>, "sections">>,
  Accepts<SyncStatus, z.output<typeof syncStatusSchema>>,
] = [true, true, true, true];

const GUIDE = readDoc("his-integration.md");
const BLOCKS = codeBlocks(GUIDE);
const AGENT_DIR = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(AGENT_DIR, "src/cli/main.ts");
const EXAMPLES = ["his-client.ts", "registration-desk.ts"].map((f) =>
  readFileSync(join(DOCS_DIR, "examples", f), "utf8"),
);

const exec = promisify(execFile);
let h: DeskHarness;
let dir: string;
let configPath: string;
const card = residentCard("docs-examples-1");

/** The operator's side of pairing, through the real CLI and the agent's admin socket. */
async function operator(...args: string[]): Promise<string> {
  const out: string[] = [];
  const code = await runCli(["--config", configPath, ...args], { out: (t) => out.push(t), err: (t) => out.push(t) });
  if (code !== 0) throw new Error(`rhc-agent ${args.join(" ")} exited ${code}: ${out.join("\n")}`);
  return out.join("\n");
}

beforeAll(async () => {
  h = await openDesk({ platform: true });
  dir = mkdtempSync(join(tmpdir(), "rhc-docs-"));
  configPath = join(dir, "config.json");
  writeFileSync(configPath, JSON.stringify(deskConfig(deskRoles(h.desk), h.t.dataDir)));
  await h.desk.insert("sam", psamCard());
});

afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const chargeOf = (chrgBatchNo: string): SettlementInput => ({
  orgId: "320102000001",
  psnNo: "P0002",
  certType: "01",
  certNo: "110101199001011234",
  medType: "11",
  insutype: "310",
  clrType: "11",
  chrgBatchNo,
  feeTotal: 8650,
  items: [{ code: "B02", name: "诊查费", amount: 8650 }],
});

describe("the example client (docs/examples) against a running agent", () => {
  let his: HisClient;

  it("pairs: the HIS asks, the operator approves with rhc-agent pair approve, the token comes once", async () => {
    let approval: Promise<string> | undefined;
    const token = await pairOnce(
      h.t.agent.url,
      "HIS registration desk 3",
      ["read-basic", "write", "settle"],
      (code) => {
        approval = operator("pair", "approve", code);
      },
    );
    expect(await approval).toMatch(/^approved: client [a-z0-9]{12} "HIS registration desk 3"/);
    his = new HisClient({ agentUrl: h.t.agent.url, token });
    expect(await his.me()).toMatchObject({
      name: "HIS registration desk 3",
      scopes: ["read-basic", "write", "settle"],
    });

    // A denied request ends in PAIRING_EXPIRED for the HIS.
    const denied = await HisClient.requestPairing(h.t.agent.url, { clientName: "unknown HIS", scopes: ["write"] });
    expect(await operator("pair", "list")).toContain(`${denied.code}  unknown HIS  scopes=write`);
    await operator("pair", "deny", denied.code);
    await expect(HisClient.waitForApproval(h.t.agent.url, denied.requestId, { pollMs: 50 })).rejects.toMatchObject({
      code: "PAIRING_EXPIRED",
      problem: { status: 410, message: { zh: expect.stringContaining(ERROR_CODES.PAIRING_EXPIRED.zh) } },
    });
  });

  it("reads the card as soon as it is inserted, and hears the insertion and the read (events)", async () => {
    const seen: AgentEvent[] = [];
    const gaps: number[] = [];
    const all = his.events((e) => seen.push(e), { onGap: (expected) => gaps.push(expected) });
    const reads: DeskOutcome<Patient>[] = [];
    const desk = readOnInsert(his, (outcome) => reads.push(outcome));
    expect((await all.hello).data).toMatchObject({ pcsc: "up", missingRoles: expect.any(Array) });
    await desk.hello;

    await h.desk.insert("resident", card.spec);
    await vi.waitFor(() => expect(reads).toHaveLength(1), { timeout: 15_000 });
    expect(reads[0]).toEqual({
      ok: true,
      value: {
        name: card.person.name,
        citizenId: card.person.citizenId,
        cardNo: card.person.citizenId,
        cardSerial: expect.stringMatching(/^[0-9A-Za-z]{1,10}$/),
        warnings: [],
      },
    });
    await vi.waitFor(() => expect(seen.map((e) => e.type)).toContain("card.read"));
    const inserted = seen.find((e) => e.type === "card.inserted" && e.data.role === "resident")!;
    const read = seen.find((e) => e.type === "card.read")!;
    expect(inserted.data).toMatchObject({ reader: h.desk.readerName("resident"), kind: "resident" });
    expect(read.data).toMatchObject({
      cardNoMasked: `${card.person.citizenId.slice(0, 4)}**********${card.person.citizenId.slice(-4)}`,
    });
    expect(read.seq).toBeGreaterThan(inserted.seq);
    expect(gaps).toEqual([]);
    all.close();
    desk.close();
    expect(await all.closed).toMatchObject({ code: 1005 });
  });

  it("explains failures with the code, the retriable flag and the desk text", async () => {
    await h.desk.remove("resident");
    const none = await readForRegistration(his);
    expect(none).toEqual({
      ok: false,
      code: "NO_CARD",
      message: expect.stringContaining(ERROR_CODES.NO_CARD.zh),
      retriable: true,
    });
    await h.desk.insert("resident", card.spec);

    // This client was paired without read-clinical.
    await expect(his.readCard(["clinical"])).rejects.toMatchObject({
      code: "FORBIDDEN",
      problem: { status: 403, data: { needed: "read-clinical" } },
    });
    const stranger = new HisClient({ agentUrl: h.t.agent.url, token: `rhc1_abcdefabcdef_${"A".repeat(43)}` });
    await expect(stranger.status()).rejects.toMatchObject({ code: "UNAUTHORIZED", retriable: false });
    const refused = stranger.events(() => undefined);
    await expect(refused.hello).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await refused.closed).toEqual({ code: 401, reason: "UNAUTHORIZED" });

    // Nothing listening: the client says so with the product's AGENT_UNAVAILABLE text.
    const port = await freePort();
    const nobody = new HisClient({ agentUrl: `http://127.0.0.1:${port}`, token: "x" });
    const down = await nobody.status().catch((e: unknown) => e);
    expect(down).toBeInstanceOf(AgentProblem);
    const { code, retriable, message } = (down as AgentProblem).problem;
    const spec = ERROR_CODES.AGENT_UNAVAILABLE;
    expect({ code, retriable, message }).toEqual({
      code: "AGENT_UNAVAILABLE",
      retriable: spec.retriable,
      message: { zh: spec.zh, en: spec.en },
    });
  });

  it("lets a clinician log in with the staff card, record an allergy and log out", async () => {
    await h.desk.insert("staff", staffCard("clinician"));
    try {
      await expect(his.addAllergy("no-session", { substance: "花粉", reaction: "喷嚏" })).rejects.toMatchObject({
        code: "CLINICIAN_REQUIRED",
      });
      const written = await recordAllergy(his, STAFF_PIN, { substance: "磺胺类", reaction: "皮疹" });
      expect(written).toMatchObject({
        cardNo: card.person.citizenId,
        recordType: "allergy",
        event: { seq: expect.any(Number) },
      });
      expect(await his.clinicianSession()).toEqual({ session: null });
      await expect(his.clinicianLogin("000000")).rejects.toMatchObject({
        code: "PIN_INVALID",
        problem: { data: { triesLeft: expect.any(Number) } },
      });
    } finally {
      await h.desk.remove("staff");
    }
  });

  it("settles once; an unknown outcome is resolved under the same serial, never settled again", async () => {
    const settled = await settleCharge(his, "320102000001202403151000000001", chargeOf("DOCS-1"));
    expect(settled).toMatchObject({ state: "SETTLED", setlId: expect.any(String), setlinfo: { feeTotal: 8650 } });
    const again = await his.settle("320102000001202403151000000001", chargeOf("DOCS-1"));
    expect(again.setlId).toBe(settled.setlId);

    const platform = h.platform!;
    // The platform is cut off for the settlement and its status query, not for the quote.
    await platform.admin("PUT", "/_admin/faults", {
      partition: "inbound",
      routes: "^(POST /v1/settlements/[^/]+:settle|GET /v1/settlements/)",
    });
    let unknown: Awaited<ReturnType<typeof settleCharge>>;
    try {
      unknown = await settleCharge(his, "320102000001202403151000000002", chargeOf("DOCS-2"));
    } finally {
      await platform.admin("DELETE", "/_admin/faults");
    }
    expect(unknown).toMatchObject({ state: "UNKNOWN", reversalState: "prepared" });
    const resolved = await his.settlement("320102000001202403151000000002", { refresh: true });
    expect(resolved).toMatchObject({ state: "REVERSED", reversalState: "done" });
  });

  it("runs ported DLL calls through the compat facade", async () => {
    const holder = await readHolderLikeTheDll(his);
    expect(holder).toMatchObject({ code: 0, XM: card.person.name, SFZH: card.person.citizenId });
  });

  it("reports sync status and diagnostics", async () => {
    const status = await his.syncNow();
    expect(status).toMatchObject({ platformConfigured: true, lastError: null, lastDownlinkError: null });
    const report = await his.diagnostics();
    expect(Object.keys(report.sections).sort()).toEqual(["pcsc", "sam", "sync", "versions"]);
    expect(Object.values(report.sections).every((s) => s.ok)).toBe(true);
  });
});

describe("the diagnostics report in docs/deployment.md", () => {
  /** `field` tokens per section of a "section | field | meaning" table (an empty section cell continues the last). */
  function documentedFields(): Map<string, Set<string>> {
    const table = tables(readDoc("deployment.md")).find((t) => t.header.join("|") === "section|field|meaning")!;
    const fields = new Map<string, Set<string>>();
    let section = "";
    for (const [s, f] of table.rows) {
      section = ticked(s!)[0] ?? section;
      for (const name of ticked(f!)) fields.set(section, (fields.get(section) ?? new Set()).add(name));
    }
    return fields;
  }

  it("explains every field of the running agent's report, and no other", async () => {
    const report = JSON.parse(await operator("diagnose", "--json")) as {
      sections: Record<string, { ok: boolean; data: Record<string, unknown> }>;
    };
    expect(Object.values(report.sections).every((s) => s.ok)).toBe(true);
    const real = new Map(Object.entries(report.sections).map(([k, v]) => [k, new Set(Object.keys(v.data))]));
    const sorted = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]));
    expect(sorted(documentedFields())).toEqual(sorted(real));
  });

  it("explains every part of the report made while the agent is down", async () => {
    const down = mkdtempSync(join(tmpdir(), "rhc-docs-down-"));
    try {
      const config = join(down, "config.json");
      writeFileSync(config, JSON.stringify(deskConfig(deskRoles(h.desk), join(down, "data"))));
      mkdirSync(join(down, "data"));
      const report = await localDiagnostics(config, new Error("agent not running"));
      const table = tables(readDoc("deployment.md")).find((t) => t.header.join("|") === "field|meaning")!;
      const documented = table.rows.map((r) => ticked(r[0]!)[0]);
      expect(documented.sort()).toEqual(
        Object.keys(report)
          .filter((k) => k !== "generatedAt")
          .sort(),
      );
      expect(report.config).toMatchObject({ valid: true });
    } finally {
      rmSync(down, { recursive: true, force: true });
    }
  });
});

describe("the code blocks of docs/his-integration.md", () => {
  it("shows only TypeScript that is in the example files, and labels every other block", () => {
    expect(typesAgree).toEqual([true, true, true, true]);
    const ts = BLOCKS.filter((b) => b.lang === "ts");
    expect(ts.length).toBeGreaterThanOrEqual(6);
    for (const b of ts)
      expect(
        EXAMPLES.some((file) => file.includes(b.code)),
        `ts block at line ${b.line}`,
      ).toBe(true);
    const others = BLOCKS.filter((b) => b.lang !== "ts");
    expect(others.filter((b) => b.id === undefined).map((b) => b.line)).toEqual([]);
    const ids = others.map((b) => b.id!);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !(id in SHELL) && id !== "browser-events" && id !== "problem-json")).toEqual([]);
    expect(Object.keys(SHELL).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it("runs every shell block in bash with curl, in order, against the agent", { timeout: 120_000 }, async () => {
    await h.desk.insert("staff", staffCard("clinician"));
    try {
      const env: Record<string, string> = { AGENT: h.t.agent.url };
      for (const block of BLOCKS.filter((b) => b.lang === "sh")) {
        const step = SHELL[block.id!]!;
        const out = await sh(block.code, env, step.failing ?? false);
        await step.check(out, env);
      }
      expect(Object.keys(env).sort()).toEqual(["AGENT", "CODE", "REQUEST_ID", "SESSION", "TOKEN"]);
    } finally {
      await h.desk.remove("staff");
    }
  });

  it("runs the browser snippet (ticket + WebSocket) with ws", async () => {
    const token = await pairOnce(h.t.agent.url, "HIS web front-end", ["read-basic"], (code) => {
      void operator("pair", "approve", code);
    });
    const block = BLOCKS.find((b) => b.id === "browser-events")!;
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<WebSocket>;
    const snippet = new AsyncFunction("AGENT", "TOKEN", "WebSocket", "show", `${block.code}\nreturn events;`);
    const shown: AgentEvent[] = [];
    const socket = await snippet(h.t.agent.url, token, WebSocket, (e: AgentEvent) => shown.push(e));
    await vi.waitFor(() => expect(shown.map((e) => e.type)).toContain("hello"));
    socket.close();
  });

  it("lists every operation of the agent's OpenAPI document in the endpoint table", async () => {
    const doc = (await (await fetch(`${h.t.agent.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const documented = new Set(
      tables(GUIDE)
        .find((t) => t.header[0] === "method and path")!
        .rows.map((r) => ticked(r[0]!)[0]!.replace(/\[.*$/, "")),
    );
    const served = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(served.filter((op) => !documented.has(op))).toEqual([]);
    expect([...documented].filter((op) => !served.includes(op) && op !== "GET /openapi.json")).toEqual([]);
  });

  it.each([
    ["docs/his-integration.md", GUIDE],
    ["the agent's README", readFileSync(new URL("../README.md", import.meta.url), "utf8")],
  ])("%s tables the real event types with every data field", (_, text) => {
    const events = tables(text).find((t) => t.header[0] === "type" && t.header[1] === "data")!;
    expect(events.rows.flatMap((r) => ticked(r[0]!)).sort()).toEqual(Object.keys(AGENT_EVENT_TYPES).sort());
    // Each row names every data field of its types, as the agent sends them.
    for (const [types, data] of events.rows) {
      const documented = new Set(ticked(data!));
      const fields = ticked(types!).flatMap((type) => eventFields(type as AgentEventType));
      expect(
        fields.filter((f) => !documented.has(f)),
        `${types}: undocumented data fields`,
      ).toEqual([]);
    }
  });
});

// ---- shell blocks ------------------------------------------------------------------------------

type Env = Record<string, string>;
interface ShellStep {
  /** Runs without curl's --fail-with-body: the block shows an error answer. */
  failing?: boolean;
  check(out: string, env: Env): void | Promise<void>;
}

/** Every JSON answer a block printed (one per line: the curl wrapper ends each with a newline). */
function answers(out: string): Record<string, unknown>[] {
  return out
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const docJson = (id: string) => JSON.parse(BLOCKS.find((b) => b.id === id)!.code) as unknown;

const SHELL: Record<string, ShellStep> = {
  "pair-request": {
    check(out, env) {
      const [r] = answers(out) as [{ requestId: string; code: string; state: string }];
      expect(r).toMatchObject({ code: expect.stringMatching(/^\d{6}$/), state: "pending" });
      env.REQUEST_ID = r.requestId;
      env.CODE = r.code;
    },
  },
  "pair-approve": {
    check(out, env) {
      expect(out).toContain(`${env.CODE}  HIS registration desk 3  scopes=read-basic,read-clinical,write,settle`);
      expect(out).toMatch(/approved: client [a-z0-9]{12} "HIS registration desk 3"/);
    },
  },
  "pair-collect": {
    check(out, env) {
      const [r] = answers(out) as [{ state: string; token: string }];
      expect(r).toMatchObject({ state: "approved", token: expect.stringMatching(/^rhc1_/) });
      env.TOKEN = r.token;
    },
  },
  status: {
    check(out) {
      const [status, readers, me] = answers(out);
      expect(status).toMatchObject({ terminalId: "T-TEST-01", pcsc: "up", roles: { resident: { usable: true } } });
      expect(readers).toMatchObject({ pcsc: "up", missingRoles: [] });
      expect(me).toMatchObject({ name: "HIS registration desk 3" });
    },
  },
  "card-read": {
    check(out) {
      expect(answers(out)).toEqual([
        expect.objectContaining({
          cardNo: card.person.citizenId,
          authenticity: expect.objectContaining({ genuine: true }),
          sections: {
            identity: expect.objectContaining({ holder: expect.objectContaining({ name: card.person.name }) }),
            photo: { contentType: "image/jpeg", base64: expect.stringMatching(/^\/9j/) },
          },
        }),
      ]);
    },
  },
  problem: {
    failing: true,
    check(out) {
      expect(answers(out)).toEqual([docJson("problem-json")]);
    },
  },
  "clinician-login": {
    check(out, env) {
      const [r] = answers(out) as [{ token: string; session: { revocationChecked: boolean } }];
      expect(r.session.revocationChecked).toBe(true);
      env.SESSION = r.token;
    },
  },
  "clinician-write": {
    check(out) {
      const [allergy, immunisation, visit, logout] = answers(out);
      expect([allergy?.recordType, immunisation?.recordType, visit?.recordType]).toEqual([
        "allergy",
        "immunisation",
        "visit.outpatient",
      ]);
      expect(visit).toMatchObject({ slot: expect.any(Number) });
      expect(logout).toMatchObject({ sessionId: expect.any(String), staffId: expect.any(String) });
    },
  },
  settlement: {
    check(out) {
      const [quote, settled, refreshed, reversed] = answers(out);
      // The split the guide shows is the sandbox's (fund 60 %, account half the rest).
      expect(quote).toMatchObject({
        quoteId: expect.any(String),
        setlinfo: { feeTotal: 12345, fundPay: 7407, acctPay: 2469, cashPay: 2469 },
      });
      expect(settled).toMatchObject({ state: "SETTLED", reversalState: "disarmed" });
      expect(refreshed).toMatchObject({ state: "SETTLED", setlId: settled?.setlId });
      expect(reversed).toMatchObject({ state: "REVERSED", reversalState: "done" });
    },
  },
  compat: {
    check(out) {
      const results = answers(out);
      expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
      expect(results[3]).toMatchObject({ XM: card.person.name, SFZH: card.person.citizenId });
    },
  },
  sync: {
    check(out) {
      const [status, refreshed] = answers(out);
      expect(status).toMatchObject({ platformConfigured: true, deadLetters: 0 });
      expect(refreshed).toMatchObject({ lastError: null, lastDownlinkError: null });
    },
  },
};

const PRELUDE = `set -euo pipefail
curl() { command curl --fail-with-body -sS "$@" && echo; }
rhc-agent() { "$NODE" --import tsx --conditions=source "$CLI" "$@"; }
`;
const PRELUDE_FAILING = `set -uo pipefail
curl() { command curl -sS "$@"; echo; }
`;

async function sh(code: string, env: Env, failing: boolean): Promise<string> {
  try {
    const { stdout } = await exec("bash", ["-c", (failing ? PRELUDE_FAILING : PRELUDE) + code], {
      cwd: AGENT_DIR,
      env: { ...process.env, ...env, NODE: process.execPath, CLI, RHC_AGENT_CONFIG: configPath },
      timeout: 60_000,
    });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`shell block failed:\n${code}\n--- stdout\n${e.stdout}\n--- stderr\n${e.stderr}`);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
