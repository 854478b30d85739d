// `pnpm demo`: the whole loop of rhc-middleware on one machine. It starts the regional platform
// sandbox, the private PC/SC stack with role-named virtual readers, the issuance centre (web mode)
// and the registration-desk agent, then tells the story: a blank card is personalised and
// registered; an HIS reads it through the agent; a clinician writes a visit record; the visit is
// settled; the network is cut, another card is read and a card reported lost, the network comes
// back and everything reaches the platform exactly once. The services then keep running until
// Ctrl-C (`--exit` stops after the story). Without pcscd (not root, not Linux) the same cards sit
// in in-process readers.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  makeBlankImage,
  makeIsamImage,
  makePsamImage,
  makeResidentImage,
  portraitJpeg,
  readImage,
  writeImage,
} from "@rhc/card-sim";
import { RhcError } from "@rhc/errors";
import { readVectorJson } from "@rhc/test-vectors";
// The HIS side uses the client of the integration guide (docs/his-integration.md) as an HIS would.
import {
  type AgentEvent,
  AgentProblem,
  type CardRead,
  HisClient,
  type SettlementInput,
} from "../../docs/examples/his-client.js";
import { type DemoDesk, inProcessDesk, pcscDesk } from "./desk.js";
import { info, ok, step, table, warn } from "./print.js";
import {
  DESK_TERMINAL,
  ISSUER_TERMINAL,
  REGION,
  SAM_PIN,
  STAFF_PIN,
  startDeskAgent,
  startIssuer,
  startPlatform,
} from "./services.js";

const { values: args } = parseArgs({
  options: { exit: { type: "boolean", default: false }, "in-process": { type: "boolean", default: false } },
});
const env = process.env;
const DIR = env.RHC_DEMO_DIR ?? "/tmp/rhc-demo";
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true, mode: 0o700 });

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const seconds = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? "never" : `${(ms / 1000).toFixed(1)} s`;

/** The issuer's web-mode channels, as its browser renderer calls them. */
function issuerApi(url: string) {
  let token: string | undefined;
  return {
    async call<T>(channel: string, input: unknown): Promise<T> {
      const res = await fetch(`${url}/api/${channel}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(input),
      });
      const envelope = (await res.json()) as { ok: boolean; value?: T; problem?: unknown };
      if (!envelope.ok) throw RhcError.fromProblem(envelope.problem) ?? new Error(`${channel} failed`);
      if (channel === "session.login") token = (envelope.value as { token: string }).token;
      return envelope.value as T;
    },
  };
}

// ── 1. PC/SC ────────────────────────────────────────────────────────────────────────────────────
step("PC/SC stack with role-named virtual readers");
let desk: DemoDesk;
if (args["in-process"]) desk = inProcessDesk();
else {
  try {
    desk = await pcscDesk(env.STACK_DIR ?? "/tmp/rhc-pcsc-stack");
  } catch (error) {
    warn(`pcscd cannot run here: ${String(error instanceof Error ? error.message : error).split("\n")[0]}`);
    warn("falling back to in-process virtual readers (the same simulated cards, no PC/SC service)");
    desk = inProcessDesk();
  }
}
ok(desk.description);
for (const r of await desk.transport.listReaders()) info(r.name);

// ── 2. Platform ─────────────────────────────────────────────────────────────────────────────────
step("Regional platform sandbox (events, identity, settlement, hotlist, CRLs)");
const platform = await startPlatform(join(DIR, "platform"), port("RHC_DEMO_PLATFORM_PORT", 17390));
ok(
  `${platform.sandbox.url} with ${platform.sandbox.residents.length} seeded residents; terminals ${DESK_TERMINAL}, ${ISSUER_TERMINAL}`,
);

// ── 3. Cards ────────────────────────────────────────────────────────────────────────────────────
step("Cards into the readers");
const blankPath = join(DIR, "cards", "card-1.json");
mkdirSync(join(DIR, "cards"), { recursive: true });
const blankImage = makeBlankImage({ seed: "demo-blank-1", region: REGION });
const blankKeys = Object.values(blankImage.cos.keys).filter((k) => k.value).length;
writeImage(blankPath, blankImage);
await desk.insert("issuerSam", { type: "image", options: { image: makeIsamImage({ region: REGION, pin: SAM_PIN }) } });
ok("issuer SAM (ISAM, holds the region's master keys) → Issuer SAM Reader");
await desk.insert("issuerCard", { type: "image", options: { image: blankPath } });
ok(`a blank card from the factory (transport keys only) → Issuer Card Reader; its image: ${blankPath}`);
await desk.insert("staff", { type: "image", options: { image: readVectorJson("card-images/410100/staff-sm2.json") } });
ok("a clinician's CA staff card (SM2 certificate of the test CA) → Staff Card Reader");
await desk.insert("sam", { type: "image", options: { image: makePsamImage({ region: REGION, pin: SAM_PIN }) } });
ok("the desk's SAM (PSAM) → SAM Reader");

// ── 4. Applications ─────────────────────────────────────────────────────────────────────────────
step("Issuance centre (web mode) and registration-desk agent");
const issuer = await startIssuer(DIR, platform, desk.transport, port("RHC_DEMO_ISSUER_PORT", 17370));
ok(`issuer desk: ${issuer.url}`);
const agent = await startDeskAgent(
  DIR,
  platform,
  desk.mode === "in-process" ? desk.transport : undefined,
  port("RHC_DEMO_AGENT_PORT", 17380),
);
await agent.admin.refreshLists();
ok(`terminal agent: ${agent.url} (loopback only; hotlist and CRLs synced)`);

const story: Array<() => Promise<void>> = [];
let issued: { cardNo: string; chipSerial: string; issueSerial: string; name: string } | undefined;
let his: HisClient | undefined;
const seen: AgentEvent[] = [];

// ── 5. Issue ────────────────────────────────────────────────────────────────────────────────────
story.push(async () => {
  step("Issue a card: operator login, platform lookup, photo, personalisation, read-back, registration");
  const api = issuerApi(issuer.url);
  const login = await api.call<{ operator: { name: string; id: string } }>("session.login", { pin: STAFF_PIN });
  ok(`operator ${login.operator.name} logged in with the staff card (chain + CRL + PIN + challenge signature)`);
  const person = platform.sandbox.residents.find((r) => !r.cardNo)!;
  const found = await api.call<{ resident: Record<string, string> | null; source: string }>("resident.lookup", {
    citizenId: person.idNo,
  });
  ok(`platform identity lookup (PDQm) of ${person.idNo}: ${found.resident?.name} (${found.source})`);
  const photo = await api.call<{ jpeg: string; bytes: number; width: number; height: number }>("photo.normalize", {
    image: b64(portraitJpeg(7)),
  });
  ok(`photo normalised to a ${photo.width}×${photo.height} JPEG of ${photo.bytes} bytes (card limit 3072)`);
  const result = await api.call<{
    cardNo: string;
    chipSerial: string;
    issueSerial: string;
    name: string;
    apduCount: number;
    durationMs: number;
    readBackDigest: string;
  }>("card.issue", { resident: found.resident, photo: photo.jpeg });
  issued = result;
  ok(
    `personalised through the ISAM in ${result.durationMs.toFixed(0)} ms, ${result.apduCount} APDUs: card ${result.cardNo}, issue serial ${result.issueSerial}, chip ${result.chipSerial}`,
  );
  // What the card itself now holds (the simulator saves its image after every write).
  const { cos } = readImage(blankPath);
  const keys = Object.values(cos.keys).filter((k) => k.value).length;
  const locked = cos.lifecycle === "operational" ? "personalisation locked" : `NOT locked (${cos.lifecycle})`;
  (cos.lifecycle === "operational" ? info : warn)(
    `the card now: ${keys} keys diversified for it by the ISAM (the blank had ${blankKeys}), lifecycle ${cos.lifecycle}: ${locked}`,
  );
  info(`everything read back and verified (digest ${result.readBackDigest.slice(0, 16)}…)`);
  await issuer.app.delivery!.drained(20_000);
  const pix = await fetch(
    `${platform.sandbox.url}/fhir/Patient/$ihe-pix?sourceIdentifier=${encodeURIComponent(`urn:oid:2.16.156.10011.1.19|${result.cardNo}`)}`,
    { headers: { authorization: `Bearer ${platform.tokens[ISSUER_TERMINAL]}` } },
  );
  ok(`registered: card.issued delivered; the platform's PIXm resolves the card number (HTTP ${pix.status})`);
});

// ── 6. HIS pairs ────────────────────────────────────────────────────────────────────────────────
story.push(async () => {
  step("HIS pairs with the agent and subscribes to card events");
  const asked = await HisClient.requestPairing(agent.url, {
    clientName: "Demo HIS registration desk",
    scopes: ["read-basic", "read-clinical", "write", "settle"],
  });
  agent.admin.approve(asked.code); // the desk operator: rhc-agent pair approve <code>
  const pairing = await HisClient.waitForApproval(agent.url, asked.requestId, { pollMs: 100 });
  his = new HisClient({ agentUrl: agent.url, token: pairing.token });
  ok(`pairing code ${asked.code} approved by the desk operator; token issued once (stored hashed by the agent)`);
  await his.events((e) => seen.push(e)).hello;
  ok("events WebSocket open");
});

// ── 7. Card to the desk, read ───────────────────────────────────────────────────────────────────
const readCard = (sections: Parameters<HisClient["readCard"]>[0]): Promise<CardRead> => his!.readCard(sections);

story.push(async () => {
  step("The resident brings the new card to a registration desk; the HIS reads it");
  await desk.remove("issuerCard");
  await desk.insert("resident", { type: "image", options: { image: blankPath } });
  const inserted = await waitForEvent((e) => e.type === "card.inserted" && e.data.role === "resident");
  ok(`event ${inserted.type} on ${inserted.data.reader} (ATR ${String(inserted.data.atr).slice(0, 26)}…)`);
  const read = await readCard(["identity", "addresses", "photo"]);
  const holder = read.sections.identity!.holder;
  ok(`${holder.name}, ID ${holder.citizenId}, card ${read.cardNo}, card serial ${read.cardSerial}`);
  const checks = Object.entries(read.authenticity.checks).map(([k, v]) => `${k} ${v.status}`);
  ok(`genuine: ${read.authenticity.genuine} (${checks.join(", ")})`);
  ok(
    `hotlist: ${read.hotlist.listed ? "LISTED" : "not listed"} (list version ${read.hotlist.listVersion}, age ${seconds(read.hotlist.ageMs)})`,
  );
  const photo = read.sections.photo;
  ok(
    `photo: ${photo ? Buffer.from(photo.base64, "base64").length : 0} bytes; card.read committed as event #${read.event.seq}`,
  );
});

// ── 8. Clinician ────────────────────────────────────────────────────────────────────────────────
story.push(async () => {
  step("A clinician logs in with the staff card and writes a visit record (signed by the SAM)");
  const login = await his!.clinicianLogin(STAFF_PIN);
  ok(
    `clinician ${login.session.staffId} logged in (certificate chain, CRL checked: ${login.session.revocationChecked})`,
  );
  const written = await his!.writeVisit(login.token, "outpatient", {
    institutionName: "郑州大学第一附属医院",
    institutionCode: "41000001X",
    visitDateTime: new Date().toISOString().replace(/\D/g, "").slice(0, 14),
    outpatientNo: "MZ20260001",
    department: "呼吸内科",
    outpatientDiagnosisName1: "急性上呼吸道感染",
    outpatientDiagnosisCode1: "J06.900",
  });
  ok(
    `outpatient record written to slot ED0${written.slot}, SM2-signed by the desk SAM, index flag set; event #${written.event.seq}`,
  );
  const back = await readCard(["visits"]);
  for (const v of back.sections.visits ?? []) {
    ok(
      `read back ${v.kind} record ${v.slot}: ${v.record.outpatientDiagnosisName1 ?? ""}, SAM signature ${v.signature}`,
    );
  }
  await his!.clinicianLogout(login.token);
});

// ── 9. Settlement ───────────────────────────────────────────────────────────────────────────────
story.push(async () => {
  step("Settle the visit with the insurance platform (idempotent by serial)");
  const serial = `410100000001${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}0001`;
  const input: SettlementInput = {
    orgId: "410100000001",
    psnNo: "P0001",
    certType: "02",
    certNo: issued!.cardNo,
    medType: "11",
    insutype: "390",
    clrType: "11",
    chrgBatchNo: "B0001",
    feeTotal: 8_650,
    items: [
      { code: "110200001", name: "普通门诊诊查费", amount: 1_000 },
      { code: "ZD0001", name: "阿莫西林胶囊", amount: 7_650 },
    ],
  };
  const quote = await his!.presettle(serial, input);
  ok(`presettled: ${JSON.stringify(quote.setlinfo)}`);
  const done = await his!.settle(serial, input);
  ok(`settled once: ${done.state}, settlement id ${done.setlId}`);
  const again = await his!.settle(serial, input);
  ok(`the same serial again is the same settlement (${again.setlId}), not a second payment`);
});

// ── 10. Offline ─────────────────────────────────────────────────────────────────────────────────
story.push(async () => {
  step("The network is cut: another card is read and a card is reported lost, both queued");
  platform.sandbox.faults.set({ partition: "inbound" });
  await desk.remove("resident");
  await desk.insert("resident", {
    type: "image",
    options: { image: makeResidentImage({ seed: "demo-resident-2", region: REGION }) },
  });
  const read = await readCard(["identity"]);
  const holder = read.sections.identity!.holder;
  ok(
    `offline read of ${holder.name} (card ${read.cardNo}): genuine ${read.authenticity.genuine}, local hotlist v${read.hotlist.listVersion}`,
  );
  const api = issuerApi(issuer.url);
  await api.call("session.login", { pin: STAFF_PIN });
  await api.call("card.reportLost", { chipSerial: issued!.chipSerial, reason: "持卡人挂失（遗失）" });
  ok(`issuance centre: card ${issued!.cardNo} (serial ${issued!.issueSerial}) reported lost`);
  const status = await his!.syncNow();
  ok(`desk outbox: ${status.queueDepth} event(s) waiting, last error ${status.lastError?.code ?? "none"}`);
  ok(`issuer outbox: ${issuer.app.store.status().queueDepth} event(s) waiting`);
});

// ── 11. Back online ─────────────────────────────────────────────────────────────────────────────
story.push(async () => {
  step("The network comes back: both outboxes drain, the new hotlist reaches the desk");
  platform.sandbox.faults.reset();
  issuer.app.delivery!.networkUp();
  await his!.syncNow();
  await Promise.all([agent.drained(30_000), issuer.app.delivery!.drained(30_000)]);
  ok("desk and issuer outboxes are empty: every event acknowledged");
  await agent.admin.refreshLists();
  await desk.remove("resident");
  await desk.insert("resident", { type: "image", options: { image: blankPath } });
  try {
    await readCard(["identity"]);
    warn("the lost card was read without objection");
  } catch (error) {
    if (!(error instanceof AgentProblem) || error.code !== "HOTLISTED") throw error;
    ok(`the lost card is now refused at the desk: ${error.code} — ${error.problem.message.zh}`);
  }
  await agent.drained(30_000);
});

// ── 12. Platform view ───────────────────────────────────────────────────────────────────────────
story.push(async () => {
  step("The platform's view");
  const events = await platform.admin<{
    terminals: Array<{
      terminalId: string;
      ackedThroughSeq: number;
      events: number;
      receipts: number;
      applied: number;
    }>;
    events: Array<{
      terminalId: string;
      seq: number;
      type: string;
      status: string;
      receiveCount: number;
      applyCount: number;
      flags: string | null;
    }>;
  }>("GET", "/_admin/events");
  table(
    events.events.map((e) => ({
      terminal: e.terminalId,
      seq: e.seq,
      type: e.type,
      status: e.status,
      received: e.receiveCount,
      applied: e.applyCount,
      flags: e.flags,
    })),
  );
  const once = events.events.every((e) => e.applyCount === 1);
  ok(`${events.events.length} events from ${events.terminals.length} terminals, each applied exactly once: ${once}`);
  const hotlist = await platform.admin<{
    entries: Array<{ cardKey: string; status: string; reason: string }>;
    listVersion: number;
  }>("GET", "/_admin/hotlist");
  for (const e of hotlist.entries) ok(`hotlist v${hotlist.listVersion}: ${e.cardKey} ${e.status} (${e.reason})`);
  const settlements = await platform.admin<{ effectsByTxn: Record<string, number> }>("GET", "/_admin/settlements");
  for (const [txn, n] of Object.entries(settlements.effectsByTxn)) ok(`settlement ${txn}: ${n} financial effect(s)`);
  if (!once) throw new Error("an event was applied more than once");
});

async function waitForEvent(match: (e: AgentEvent) => boolean, timeoutMs = 10_000): Promise<AgentEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = seen.find(match);
    if (found) {
      seen.splice(seen.indexOf(found), 1);
      return found;
    }
    if (Date.now() > deadline) throw new Error("expected agent event did not arrive");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function shutdown(): Promise<void> {
  await agent.close();
  await issuer.close();
  await platform.sandbox.close();
  await desk.close();
}

let failed = false;
try {
  for (const chapter of story) await chapter();
} catch (error) {
  failed = true;
  const e =
    error instanceof RhcError
      ? `${error.code}: ${error.messages.zh} / ${error.message}`
      : error instanceof AgentProblem
        ? `${error.code}: ${error.problem.message.zh} / ${error.problem.message.en} ${error.problem.detail ?? ""}`
        : String(error);
  console.error(`\n✗ demo step failed: ${e}`);
}

if (failed || args.exit) {
  await shutdown();
  process.exit(failed ? 1 : 0);
}
console.log(`
The services keep running (Ctrl-C stops them):
  issuer desk (open in a browser): ${issuer.url}
  terminal agent API:              ${agent.url}/openapi.json   (pair: POST ${agent.url}/v1/pairing)
  platform sandbox:                ${platform.sandbox.url}/openapi.json   (admin token ${platform.adminToken})
  card images:                     ${join(DIR, "cards")}`);
// Ctrl-C in a terminal, SIGTERM from a service manager or `kill`: both stop everything the demo started.
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    void shutdown().then(() => process.exit(0));
  });
