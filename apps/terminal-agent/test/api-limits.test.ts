import { TestDesk } from "@rhc/card-sim/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient } from "../src/cli/admin-client.js";
import { startTestAgent, type TestAgent } from "./support/agent.js";
import { http } from "./support/http.js";

let desk: TestDesk;
let t: TestAgent;

beforeAll(async () => {
  desk = await TestDesk.open();
  t = await startTestAgent(desk, (c) => ({ ...c, api: { ...c.api, pairing: { requestsPerMinute: 3 } } }));
});

afterAll(async () => {
  await t?.close();
  await desk?.close();
});

const requestPairing = (name: string) =>
  http(`${t.agent.url}/v1/pairing`, { method: "POST", body: { clientName: name, scopes: ["read-basic"] } });

async function rejectedLines() {
  const admin = new AdminClient(t.agent.adminSocket);
  const entries = await admin.call<Array<{ kind: string; detail: { suppressed?: number } }>>(
    "GET",
    "/admin/audit?limit=500",
  );
  return entries.filter((e) => e.kind === "auth.rejected");
}

describe("api.pairing.requestsPerMinute", () => {
  it("answers 429 RATE_LIMITED with Retry-After once the pairing budget is spent, for every caller", async () => {
    for (const name of ["desk 1", "desk 2", "desk 3"]) expect((await requestPairing(name)).status).toBe(202);
    const limited = await requestPairing("desk 4");
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: "RATE_LIMITED", retriable: true });
    // 3 a minute: the next token is about 20 s away.
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(10);
    expect(t.agent.admin.pendingPairings()).toHaveLength(3);
  });
});

describe("audit lines of rejected tokens (limits.rejectedAudit)", () => {
  it("are bounded under a flood of bad tokens, and the suppressed ones are counted in the next line", async () => {
    const flood = 80;
    const results = await Promise.all(
      Array.from({ length: flood }, (_, i) =>
        http(`${t.agent.url}/v1/readers`, { headers: { authorization: `Bearer bogus-${i}` } }),
      ),
    );
    expect(results.every((r) => r.status === 401)).toBe(true);
    const written = (await rejectedLines()).length;
    expect(written).toBeGreaterThanOrEqual(30);
    expect(written).toBeLessThan(flood);

    // Once the budget refills, the next rejection's line says how many went unwritten.
    let sent = flood;
    let lines = await rejectedLines();
    const deadline = Date.now() + 10_000;
    while (!lines.some((l) => l.detail.suppressed) && Date.now() < deadline) {
      await http(`${t.agent.url}/v1/readers`, { headers: { authorization: "Bearer bogus" } });
      sent++;
      lines = await rejectedLines();
      if (!lines.some((l) => l.detail.suppressed)) await new Promise((r) => setTimeout(r, 200));
    }
    const counted = lines.reduce((sum, l) => sum + 1 + (l.detail.suppressed ?? 0), 0);
    expect(lines.some((l) => l.detail.suppressed)).toBe(true);
    expect(counted).toBe(sent);
  });
});
