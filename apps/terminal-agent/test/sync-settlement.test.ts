import { TestDesk } from "@rhc/card-sim/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AdminClient } from "../src/cli/admin-client.js";
import { pair, startTestAgent, type TestAgent } from "./support/agent.js";
import { http } from "./support/http.js";
import { type AdminEvents, startTestPlatform, type TestPlatform } from "./support/platform.js";

let desk: TestDesk;
let platform: TestPlatform;
let t: TestAgent;
let settleToken: string;
let readToken: string;

beforeAll(async () => {
  desk = await TestDesk.open();
  platform = await startTestPlatform();
  t = await startTestAgent(desk, (c) => ({ ...c, platform: platform.config }));
  settleToken = await pair(t.agent, ["settle"], "billing desk");
  readToken = await pair(t.agent, ["read-basic"], "registration desk");
});

afterEach(async () => {
  await platform.admin("DELETE", "/_admin/faults");
});

afterAll(async () => {
  await t?.close();
  await platform?.close();
  await desk?.close();
});

const settle = () => ({ authorization: `Bearer ${settleToken}` });
const read = () => ({ authorization: `Bearer ${readToken}` });
let counter = 0;
function txn(): string {
  counter += 1;
  return `320102000001${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}${String(counter).padStart(4, "0")}`;
}
const input = (chrgBatchNo: string) => ({
  orgId: "320102000001",
  psnNo: "P0001",
  certType: "01",
  certNo: "110101199001011234",
  medType: "11",
  insutype: "310",
  clrType: "11",
  chrgBatchNo,
  feeTotal: 12_345,
  items: [{ code: "A01", name: "挂号费", amount: 12_345 }],
});

async function syncNow() {
  return (await http(`${t.agent.url}/v1/sync/refresh`, { method: "POST", headers: read() })).body as {
    queueDepth: number;
    lastError: { code: string } | null;
    lastDownlinkError: { code: string } | null;
    listVersions: { hotlist: number | null };
  };
}

describe("settlement through the agent", () => {
  it("presettles, settles once, reports and reverses; each final state reaches the platform exactly once", async () => {
    const serial = txn();
    const quote = await http(`${t.agent.url}/v1/settlements/${serial}/presettle`, {
      method: "POST",
      headers: settle(),
      body: input("B1"),
    });
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({ quoteId: expect.any(String), setlinfo: { feeTotal: 12_345 } });

    const done = await http(`${t.agent.url}/v1/settlements/${serial}/settle`, {
      method: "POST",
      headers: settle(),
      body: input("B1"),
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      txnSerial: serial,
      state: "SETTLED",
      setlId: expect.any(String),
      reversalState: "disarmed",
    });
    // Idempotent: the same serial again is the same settlement, not a second payment.
    const again = await http(`${t.agent.url}/v1/settlements/${serial}/settle`, {
      method: "POST",
      headers: settle(),
      body: input("B1"),
    });
    expect(again.body).toMatchObject({ state: "SETTLED", setlId: (done.body as { setlId: string }).setlId });

    const reversed = await http(`${t.agent.url}/v1/settlements/${serial}/reverse`, {
      method: "POST",
      headers: settle(),
      body: { reason: "patient left" },
    });
    expect(reversed.body).toMatchObject({ state: "REVERSED" });
    expect((await http(`${t.agent.url}/v1/settlements/${serial}`, { headers: settle() })).body).toMatchObject({
      state: "REVERSED",
    });

    const status = await syncNow();
    expect(status.lastError).toBeNull();
    await t.agent.drained(10_000);
    const events = await platform.admin<AdminEvents>("GET", "/_admin/events?terminalId=T-TEST-01");
    const recorded = events.events.filter((e) => e.type === "settlement.recorded");
    expect(recorded.length).toBeGreaterThanOrEqual(2);
    for (const e of recorded) expect(e).toMatchObject({ status: "accepted", applyCount: 1 });
    const kinds = (
      await new AdminClient(t.agent.adminSocket).call<Array<{ kind: string; outcome: string }>>(
        "GET",
        "/admin/audit?limit=1000",
      )
    ).map((e) => `${e.kind}:${e.outcome}`);
    expect(kinds).toContain("settlement.settle:ok");
    expect(kinds).toContain("settlement.reverse:ok");
  });

  it("needs the settle scope", async () => {
    const r = await http(`${t.agent.url}/v1/settlements/${txn()}/presettle`, {
      method: "POST",
      headers: read(),
      body: input("B2"),
    });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "FORBIDDEN", data: { needed: "settle" } });
  });

  it("platform down during settle: SETTLEMENT_UNKNOWN (never 'failed'), then resolved by reversal once it is back", async () => {
    const serial = txn();
    await platform.admin("PUT", "/_admin/faults", { partition: "inbound" });
    const r = await http(`${t.agent.url}/v1/settlements/${serial}/settle`, {
      method: "POST",
      headers: settle(),
      body: input("B3"),
    });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "SETTLEMENT_UNKNOWN", retriable: true });
    // A second settle under the same serial does not send money twice.
    const twice = await http(`${t.agent.url}/v1/settlements/${serial}/settle`, {
      method: "POST",
      headers: settle(),
      body: input("B3"),
    });
    expect(twice.body).toMatchObject({ code: "SETTLEMENT_UNKNOWN" });
    expect((await http(`${t.agent.url}/v1/settlements/${serial}`, { headers: settle() })).body).toMatchObject({
      state: "UNKNOWN",
    });

    await platform.admin("DELETE", "/_admin/faults");
    const resolved = await http(`${t.agent.url}/v1/settlements/${serial}?refresh=true`, { headers: settle() });
    expect(resolved.body).toMatchObject({ state: "REVERSED" });
  });
});

describe("sync status and downlinks", () => {
  it("refreshes the signed hotlist and reports its version and age", async () => {
    await platform.admin("POST", "/_admin/hotlist", {
      cardKey: "110101199001011234",
      status: "blocked",
      reason: "reported lost",
    });
    const status = await syncNow();
    expect(status.listVersions.hotlist).toBeGreaterThanOrEqual(1);
    const full = (await http(`${t.agent.url}/v1/sync/status`, { headers: read() })).body as {
      listVersions: { hotlistAgeMs: number };
    };
    expect(full.listVersions.hotlistAgeMs).toBeGreaterThanOrEqual(0);
  });

  it("shows PLATFORM_UNREACHABLE for list refreshes while the platform is down, and clears it once back", async () => {
    await platform.admin("PUT", "/_admin/faults", { partition: "inbound" });
    const down = await syncNow();
    expect(down.lastDownlinkError?.code).toBe("PLATFORM_UNREACHABLE");
    const diag = (await http(`${t.agent.url}/v1/diagnostics`, { headers: read() })).body as {
      sections: { sync: { data: { listVersions: { hotlist: number | null } } } };
    };
    // The last good list stays in force (and its version is reported) while the platform is away.
    expect(diag.sections.sync.data.listVersions.hotlist).toBe(down.listVersions.hotlist);

    await platform.admin("DELETE", "/_admin/faults");
    const up = await syncNow();
    expect(up.lastDownlinkError).toBeNull();
    await t.agent.drained(10_000);
    expect(
      ((await http(`${t.agent.url}/v1/sync/status`, { headers: read() })).body as { queueDepth: number }).queueDepth,
    ).toBe(0);
  });
});
