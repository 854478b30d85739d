import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OID, parseCrl } from "@rhc/sync";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { openApiDocument, Sandbox } from "../src/index.js";
import { ADMIN, call, sandbox } from "./helpers.js";

let sb: Sandbox;
let close: () => Promise<void>;
let crlDir: string;
beforeEach(async () => {
  crlDir = mkdtempSync(join(tmpdir(), "rhc-crl-"));
  ({ sb, close } = await sandbox({ crlDir }));
});
afterEach(async () => {
  await close();
  rmSync(crlDir, { recursive: true, force: true });
});

const pix = (src: string, targets: string[] = []) =>
  call(
    sb,
    "GET",
    `/fhir/Patient/$ihe-pix?sourceIdentifier=${encodeURIComponent(src)}${targets.map((t) => `&targetSystem=${encodeURIComponent(t)}`).join("")}`,
  );

describe("identity: PIXm (I1) and PDQm (I2) shapes", () => {
  it("answers ITI-83 with Parameters and the 400/403/404 cases", async () => {
    const r = sb.residents[0]!;
    const ok = await pix(`${OID.cardNo}|${r.cardNo}`, [OID.idNo]);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("application/fhir+json");
    expect(ok.body.parameter).toEqual([
      { name: "targetIdentifier", valueIdentifier: { system: OID.idNo, value: r.idNo } },
      { name: "targetId", valueReference: { reference: `Patient/${r.empiId}` } },
    ]);
    expect((await pix(`urn:oid:1.2.3|x`)).status).toBe(400);
    expect((await pix(`${OID.idNo}|${r.idNo}`, ["urn:oid:9.9"])).status).toBe(403);
    expect((await pix(`${OID.idNo}|110101199001011234`)).status).toBe(404);
  });

  it("answers ITI-78 with a searchset Bundle; no match is total=0, not 404", async () => {
    const r = sb.residents[5]!;
    const hit = await call(
      sb,
      "GET",
      `/fhir/Patient?identifier=${encodeURIComponent(`${OID.idNo}|${r.idNo}`)}&gender=${r.gender}`,
    );
    expect(hit.body).toMatchObject({ resourceType: "Bundle", type: "searchset", total: 1 });
    const miss = await call(sb, "GET", `/fhir/Patient?family=${encodeURIComponent("不存在")}`);
    expect(miss.body).toMatchObject({ total: 0 });
    expect((await call(sb, "GET", `/fhir/Patient/${r.empiId}`)).body).toMatchObject({
      resourceType: "Patient",
      id: r.empiId,
    });
    expect((await call(sb, "GET", "/fhir/Patient/EMPI99999999")).status).toBe(404);
  });
});

describe("settlement endpoint rules", () => {
  const input = {
    orgId: "110101000001",
    psnNo: "P1",
    certType: "02",
    certNo: "x",
    medType: "11",
    insutype: "310",
    clrType: "11",
    chrgBatchNo: "B1",
    feeTotal: 1000,
    items: [],
  };
  it("presettle is pure; settle needs Idempotency-Key = txnSerial; unknown serials are NOT_FOUND", async () => {
    const q = await call(sb, "POST", "/v1/settlements/TXN1:presettle", { body: input });
    expect(q.body.setlinfo).toEqual({ feeTotal: 1000, fundPay: 600, acctPay: 200, cashPay: 200 });
    expect((await call(sb, "GET", "/v1/settlements/TXN1")).body).toMatchObject({ state: "NOT_FOUND" });
    expect(
      (await call(sb, "POST", "/v1/settlements/TXN1:settle", { body: { ...input, reversalPrepared: true } })).status,
    ).toBe(400);
    const ok = await call(sb, "POST", "/v1/settlements/TXN1:settle", {
      body: { ...input, reversalPrepared: true },
      headers: { "idempotency-key": "TXN1" },
    });
    expect(ok.status).toBe(200);
    expect((await call(sb, "GET", "/v1/settlements/TXN1")).body).toMatchObject({
      state: "SETTLED",
      setlId: ok.body.setlId,
    });
    expect((await call(sb, "POST", "/v1/settlements/TXN1:bogus", { body: {} })).status).toBe(404);
  });
});

describe("hotlist snapshot transport (D2)", () => {
  it("serves ETag / 304 and byte ranges", async () => {
    await call(sb, "POST", "/_admin/hotlist", {
      token: ADMIN,
      body: { cardKey: "HC1", status: "blocked", reason: "x" },
    });
    const full = await call(sb, "GET", "/v1/blacklist/snapshot");
    const etag = full.headers.get("etag")!;
    expect(etag).toBe('"hl-1"');
    expect((await call(sb, "GET", "/v1/blacklist/snapshot", { headers: { "if-none-match": etag } })).status).toBe(304);
    const part = await fetch(`${sb.url}/v1/blacklist/snapshot`, {
      headers: { authorization: "Bearer token-terminal-1", range: "bytes=0-9" },
    });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(10);
  });
});

describe("D3 and T1", () => {
  it("issues and serves a demo CRL; answers the time", async () => {
    const made = await call(sb, "POST", "/_admin/crl", {
      token: ADMIN,
      body: { issuerKeyId: "0a0b0c0d", crlNumber: 3, revokedSerials: ["01"] },
    });
    expect(made.status).toBe(200);
    const res = await fetch(`${sb.url}/v1/crl/0a0b0c0d`, { headers: { authorization: "Bearer token-terminal-1" } });
    expect(res.headers.get("content-type")).toBe("application/pkix-crl");
    const info = parseCrl(new Uint8Array(await res.arrayBuffer()));
    expect(info).toMatchObject({ crlNumber: "3", issuerKeyId: "0a0b0c0d", revokedSerials: ["01"] });
    expect(readFileSync(join(crlDir, "0a0b0c0d.crl")).length).toBeGreaterThan(50);
    expect((await call(sb, "GET", "/v1/crl/..%2Fetc")).status).toBe(404);
    const t = await call(sb, "GET", "/v1/time");
    expect(Math.abs(Date.parse(t.body.serverTime as string) - Date.now())).toBeLessThan(60_000);
  });
});

describe("admin endpoints and the OpenAPI document", () => {
  it("sets, reads and resets fault knobs over HTTP (validated)", async () => {
    const set = await call(sb, "PUT", "/_admin/faults", {
      token: ADMIN,
      body: { latencyMs: 5, partition: "outbound" },
    });
    expect(set.body).toMatchObject({ latencyMs: 5, partition: "outbound" });
    expect(sb.faults.get().partition).toBe("outbound");
    expect((await call(sb, "PUT", "/_admin/faults", { token: ADMIN, body: { partition: "sideways" } })).status).toBe(
      400,
    );
    expect((await call(sb, "DELETE", "/_admin/faults", { token: ADMIN })).body).toMatchObject({
      partition: "none",
      latencyMs: 0,
    });
  });

  it("publishes an OpenAPI 3.1 document covering every contract endpoint", async () => {
    const doc = (await call(sb, "GET", "/openapi.json", { token: "" })).body as ReturnType<typeof openApiDocument>;
    expect(doc.openapi).toBe("3.1.0");
    const paths = Object.keys(doc.paths as object);
    for (const p of [
      "/v1/terminals/{terminalId}/events:batch",
      "/fhir/Patient/$ihe-pix",
      "/fhir/Patient",
      "/v1/settlements/{txnSerialOp}",
      "/v1/reconciliation/{orgId}/{date}",
      "/v1/blacklist/changes",
      "/v1/blacklist/snapshot",
      "/v1/crl/{issuerKeyId}",
      "/v1/time",
      "/_admin/faults",
    ]) {
      expect(paths).toContain(p);
    }
    const schemas = (doc.components as { schemas: Record<string, { type?: string }> }).schemas;
    expect(schemas.Event?.type).toBe("object");
  });
});
