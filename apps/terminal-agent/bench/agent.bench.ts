// Terminal agent benchmarks, each against a baseline measured in the same run:
//  1. card read: POST /v1/card/read (identity) vs what a careful integrator of the libraries would
//     do for the same read with the same checks and the same record, on the same simulated cards
//     through the same pcscd. Goal: overhead ratio ≤ 1.05. The baseline (`viaLibrary`):
//       - keeps one SamSession open across reads (opened and PIN-verified once, as the agent does:
//         re-opening the SAM per read is not what a careful integrator does) and asks the SAM where it
//         stands before each read (VERIFY without data, 1 APDU — needed once the session is kept,
//         because other programs share the SAM reader);
//       - per read: connects the resident card, checkAuthenticity (internal authentication via the SAM
//         + issuer certificate against the root), card number + issue serial, hotlist check in a
//         @rhc/sync store, readIdentity, then commits the same `card.read` event to that store's
//         outbox (WAL + synchronous=FULL) before using the data, and releases the card with a reset.
//     So the outbox commit is on both sides: the API guarantees it before answering, and an
//     integrator bound by the same durability rule commits it too. The ratio is therefore what the
//     agent adds (HTTP, auth, rate limit, zod, card lock, reader lookup, JSON); the commit's own cost
//     is reported in `details` (baselineCommitMedian) together with the ratio against the card work
//     alone (ratioWithoutBaselineCommit), i.e. counting the commit as overhead.
//     APDUs per read (counted by the simulated cards themselves) and process CPU time per read
//     (`process.cpuUsage`: client, agent and the simulated cards' worker; not pcscd) are stable on a
//     busy machine and reported in `details` for both sides.
//     The floor (`terminal-agent.card-read-http-floor`): the same library calls behind the cheapest
//     local HTTP API there is — a bare node:http server, same client, same request and answer, no
//     routing, auth, validation or events — against the library calls alone, interleaved the same
//     way. It is what any loopback HTTP API costs on this machine; the agent's own share is the
//     difference between the two ratios.
//  2. requests/s of GET /v1/status (auth, Host/Origin checks, rate limiter, JSON) vs a bare node:http
//     server answering the same JSON on loopback, same client and concurrency.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { report, stats, timeEach, timePair } from "@rhc/benchmark";
import {
  cardPresent,
  connectCard,
  fromHex,
  HealthCardSession,
  PcscTransport,
  SamSession,
  toHex,
  waitForReader,
} from "@rhc/card-protocol";
import { CardHost, makePsamImage, makeResidentImage, regionPki, toRegion } from "@rhc/card-sim";
import { ensureStack, stackCommand } from "@rhc/card-sim/testing";
import { openSyncStore } from "@rhc/sync";
import { startAgent } from "../src/index.js";
import { closeKeepAlive, postJson, requestsPerSecond } from "./load.js";

const CONNECTIONS = 8;
const SECONDS = 3;
const REGION = "410100";
const SAM_PIN = "123456";
const stack = {
  dir: "/tmp/rhc-pcsc-bench-agent",
  basePort: 41963,
  names: ["Bench Resident", "Bench SAM"],
  isolate: "auto" as const,
};
const RESIDENT = "Bench Resident 00 00";
const SAM = "Bench SAM 00 00";

const { info, started } = await ensureStack(stack);
process.env.PCSCLITE_CSOCK_NAME = info.socket;
const host = await CardHost.start();
const dataDir = mkdtempSync(join(tmpdir(), "rhc-agent-bench-"));
const pinFile = join(dataDir, "sam.pin");
writeFileSync(pinFile, SAM_PIN, { mode: 0o600 });
const root = regionPki(toRegion(REGION)).root.publicKey;
const agent = await startAgent({
  terminalId: "T-BENCH",
  dataDir,
  api: { port: 0, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } },
  readers: { allowVirtual: true, roles: { resident: RESIDENT, sam: SAM } },
  sam: { pinFile },
  trust: { cardIssuerRoots: [{ publicKey: toHex(root) }] },
  policy: { hotlist: { neverLoaded: "warn" } },
  log: { level: "warn" },
});
const transport = new PcscTransport();
try {
  await host.insert(stack.basePort + 2, {
    type: "psam",
    options: { image: makePsamImage({ region: REGION, pin: SAM_PIN }) },
  });
  await host.insert(stack.basePort, {
    type: "resident",
    options: { image: makeResidentImage({ seed: "bench-1", region: REGION }) },
  });
  await waitForReader(transport, RESIDENT, cardPresent);
  await waitForReader(transport, SAM, cardPresent);

  const pairing = (await (
    await fetch(`${agent.url}/v1/pairing`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientName: "bench", scopes: ["read-basic"] }),
    })
  ).json()) as { requestId: string; code: string };
  agent.admin.approve(pairing.code);
  const { token } = (await (await fetch(`${agent.url}/v1/pairing/${pairing.requestId}`)).json()) as { token: string };
  const headers = { authorization: `Bearer ${token}` };

  // 1. Card read: the API vs the library calls of a careful integrator (see the header), interleaved.
  const viaApi = async () => {
    const res = await postJson(`${agent.url}/v1/card/read`, headers, { sections: ["identity"] });
    if (res.status !== 200) throw new Error(`card read ${res.status}: ${res.text}`);
    JSON.parse(res.text);
  };
  const roots = [{ publicKey: fromHex(toHex(root)) }];
  const sam = await SamSession.open(await connectCard(transport, SAM));
  await sam.verifyPin(SAM_PIN);
  const store = openSyncStore({ path: join(dataDir, "baseline.sqlite"), terminalId: "T-BENCH-LIB" });
  const commitTimes: number[] = [];
  let identityJson = "";
  const viaLibrary = async () => {
    // The SAM still in DF01 with its PIN verified (9000)? Otherwise a careful integrator re-opens it.
    if ((await sam.channel.send({ cla: 0, ins: 0x20, p1: 0, p2: 0 })).sw !== 0x9000) throw new Error("SAM state lost");
    const connection = await connectCard(transport, RESIDENT);
    try {
      const card = HealthCardSession.open(connection, { sam });
      const authenticity = await card.checkAuthenticity({ roots });
      if (!authenticity.genuine) throw new Error("not genuine");
      const { cardNumber: cardNo, issueSerial } = await card.readFile("DDF1/EF05", ["cardNumber", "issueSerial"]);
      const cardSerial = issueSerial.trim();
      const check = store.hotlist.checkCard(cardNo, cardSerial);
      if (check.listed) throw new Error("hotlisted");
      const identity = await card.readIdentity();
      const start = process.hrtime.bigint();
      store.outbox.append({
        type: "card.read",
        aggregate: { kind: "card", id: cardNo },
        subject: { cardNo },
        actor: { kind: "operator", id: "client:bench", name: "bench" },
        listVersions: {
          ...(check.listVersion !== null ? { hotlist: check.listVersion } : {}),
          crl: store.crl.versions(),
        },
        payload: {
          cardNo,
          cardSerial,
          purpose: "registration",
          genuine: true,
          hotlist: check.listVersion === null ? "unknown" : "clear",
        },
      });
      commitTimes.push(Number(process.hrtime.bigint() - start) / 1000);
      identityJson = JSON.stringify(identity);
    } finally {
      await connection.disconnect("reset");
    }
  };
  const { measured, baseline } = await timePair(viaApi, viaLibrary, { rounds: 20, perRound: 10, warmup: 10 });
  const m = stats(measured);
  const b = stats(baseline);
  const commit = stats(commitTimes.slice(-baseline.length));

  // The floor: the library calls behind a bare node:http server (see the header).
  const floorServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      viaLibrary().then(
        () => {
          res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
          res.end(`{"sections":{"identity":${identityJson}}}`);
        },
        (error: Error) => {
          res.writeHead(500).end(error.message);
        },
      );
    });
  });
  await new Promise<void>((resolve) => floorServer.listen(0, "127.0.0.1", resolve));
  const floorUrl = `http://127.0.0.1:${(floorServer.address() as { port: number }).port}/v1/card/read`;
  const viaBareHttp = async () => {
    const res = await postJson(floorUrl, headers, { sections: ["identity"] });
    if (res.status !== 200) throw new Error(`bare HTTP read ${res.status}: ${res.text}`);
    JSON.parse(res.text);
  };
  const floor = await timePair(viaBareHttp, viaLibrary, { rounds: 20, perRound: 10, warmup: 10 });
  floorServer.close();
  const fm = stats(floor.measured);
  const fb = stats(floor.baseline);

  // APDUs (as the simulated cards count them) and process CPU per read, in alternating blocks.
  const perRead = async (fn: () => Promise<void>, n: number) => {
    const apdus = async () => Object.fromEntries((await host.status()).map((slot) => [slot.type, slot.apduCount]));
    const before = await apdus();
    const cpu = process.cpuUsage();
    await timeEach(fn, { samples: n });
    const used = process.cpuUsage(cpu);
    const after = await apdus();
    return {
      card: ((after.resident ?? 0) - (before.resident ?? 0)) / n,
      sam: ((after.psam ?? 0) - (before.psam ?? 0)) / n,
      cpuUs: (used.user + used.system) / n,
    };
  };
  const blocks = {
    api: [] as Awaited<ReturnType<typeof perRead>>[],
    library: [] as Awaited<ReturnType<typeof perRead>>[],
  };
  for (let i = 0; i < 4; i++) {
    blocks.api.push(await perRead(viaApi, 25));
    blocks.library.push(await perRead(viaLibrary, 25));
  }
  const median = (xs: number[]) => stats(xs).median;
  const apdus = (side: keyof typeof blocks) =>
    `${median(blocks[side].map((x) => x.card))} card + ${median(blocks[side].map((x) => x.sam))} SAM`;
  report({
    name: "terminal-agent.card-read-overhead",
    unit: "µs",
    value: m.median,
    baseline: b.median,
    samples: m.count,
    note: "median card read (identity; genuine-card + hotlist checks; card.read committed to the outbox) through the HTTP API vs a careful integrator's card-protocol + sync calls for the same read, checks and commit; goal ratio ≤ 1.05",
    details: {
      apiP90: m.p90,
      libraryP90: b.p90,
      baselineCommitMedian: commit.median,
      ratioWithoutBaselineCommit: Math.round((m.median / (b.median - commit.median)) * 1000) / 1000,
      apiApdusPerRead: apdus("api"),
      libraryApdusPerRead: apdus("library"),
      apiCpuUsPerRead: Math.round(median(blocks.api.map((x) => x.cpuUs))),
      libraryCpuUsPerRead: Math.round(median(blocks.library.map((x) => x.cpuUs))),
    },
  });
  report({
    name: "terminal-agent.card-read-http-floor",
    unit: "µs",
    value: fm.median,
    baseline: fb.median,
    samples: fm.count,
    note: "the floor under the agent's ratio: the same library calls behind a bare node:http server (same client, request and answer; no routing, auth, validation or events) vs the library calls alone, interleaved",
  });
  await sam.close();
  store.close();

  // 2. Status endpoint throughput.
  const statusBody = await (await fetch(`${agent.url}/v1/status`, { headers })).text();
  const bare = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    res.end(statusBody);
  });
  await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/v1/status`;
  const ours: number[] = [];
  const base: number[] = [];
  await requestsPerSecond(`${agent.url}/v1/status`, headers, CONNECTIONS, 0.5);
  for (let round = 0; round < 2; round++) {
    ours.push(await requestsPerSecond(`${agent.url}/v1/status`, headers, CONNECTIONS, SECONDS));
    base.push(await requestsPerSecond(bareUrl, {}, CONNECTIONS, SECONDS));
  }
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  report({
    name: "terminal-agent.status-rps",
    unit: "req/s",
    value: mean(ours),
    baseline: mean(base),
    samples: ours.length,
    note: `GET /v1/status with auth, Host/Origin checks and rate limiting vs a bare node:http server sending the same JSON; ${CONNECTIONS} keep-alive connections; higher is better`,
  });
  bare.close();
} finally {
  closeKeepAlive();
  await agent.close();
  await transport.close();
  await host.terminate();
  if (started) await stackCommand("stop", stack);
  rmSync(dataDir, { recursive: true, force: true });
}
