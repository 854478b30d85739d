// Terminal agent benchmarks, each against a baseline measured in the same run:
//  1. requests/s of GET /v1/status (auth, Host/Origin checks, rate limiter, JSON) vs a bare node:http
//     server answering the same JSON on loopback, same client and concurrency.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { report } from "@rhc/benchmark";
import { startAgent } from "../src/index.js";
import { requestsPerSecond } from "./load.js";

const CONNECTIONS = 8;
const SECONDS = 3;

const dataDir = mkdtempSync(join(tmpdir(), "rhc-agent-bench-"));
const agent = await startAgent({
  terminalId: "T-BENCH",
  dataDir,
  api: { port: 0, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } },
  readers: { allowVirtual: true, roles: { resident: "Bench Resident 00 00", sam: "Bench SAM 00 00" } },
  log: { level: "warn" },
});
try {
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
  const statusBody = await (await fetch(`${agent.url}/v1/status`, { headers })).text();

  const bare = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    res.end(statusBody);
  });
  await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/v1/status`;

  // Interleave two rounds each so machine noise hits both.
  const ours: number[] = [];
  const base: number[] = [];
  await requestsPerSecond(`${agent.url}/v1/status`, headers, CONNECTIONS, 0.5);
  for (let round = 0; round < 2; round++) {
    ours.push(await requestsPerSecond(`${agent.url}/v1/status`, headers, CONNECTIONS, SECONDS));
    base.push(await requestsPerSecond(bareUrl, {}, CONNECTIONS, SECONDS));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
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
  await agent.close();
  rmSync(dataDir, { recursive: true, force: true });
}
