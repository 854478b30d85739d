// Terminal agent benchmarks, each against a baseline measured in the same run:
//  1. card read: POST /v1/card/read (identity) vs the same library calls alone (SAM + card sessions,
//     authenticity check, identity read) on the same simulated cards through the real pcscd.
//     Goal: overhead ratio ≤ 1.05.
//  2. requests/s of GET /v1/status (auth, Host/Origin checks, rate limiter, JSON) vs a bare node:http
//     server answering the same JSON on loopback, same client and concurrency.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { report, stats, timePair } from "@rhc/benchmark";
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

  // 1. Card read: the API vs the library calls it makes, interleaved.
  const viaApi = async () => {
    const res = await postJson(`${agent.url}/v1/card/read`, headers, { sections: ["identity"] });
    if (res.status !== 200) throw new Error(`card read ${res.status}: ${res.text}`);
    JSON.parse(res.text);
  };
  const viaLibrary = async () => {
    const samConnection = await connectCard(transport, SAM);
    const sam = await SamSession.open(samConnection);
    await sam.verifyPin(SAM_PIN);
    const connection = await connectCard(transport, RESIDENT);
    const card = HealthCardSession.open(connection, { sam });
    await card.checkAuthenticity({ roots: [{ publicKey: fromHex(toHex(root)) }] });
    await card.readFile("DDF1/EF05", ["cardNumber"]);
    await card.readIdentity();
    await connection.disconnect("reset");
    await sam.close();
  };
  const { measured, baseline } = await timePair(viaApi, viaLibrary, { rounds: 10, perRound: 20, warmup: 5 });
  const m = stats(measured);
  const b = stats(baseline);
  report({
    name: "terminal-agent.card-read-overhead",
    unit: "µs",
    value: m.median,
    baseline: b.median,
    samples: m.count,
    note: "median card read (identity, genuine + hotlist checks, outbox commit) through the HTTP API vs the same card-protocol calls alone; goal ratio ≤ 1.05",
    details: { apiP90: m.p90, libraryP90: b.p90 },
  });

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
