import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CardTransport, toHex } from "@rhc/card-protocol";
import { regionIssuerCode, regionPki, toRegion } from "@rhc/card-sim";
import { parseCertificates } from "@rhc/crypto";
import { createDeskAdapters, type IssuerServer, parseConfig, startIssuerServer } from "@rhc/issuer-desktop";
import { type Sandbox, startSandbox } from "@rhc/platform-sandbox";
import { type RunningAgent, startAgent } from "@rhc/terminal-agent";
import { readVectorText, vectorPath } from "@rhc/test-vectors";
import { READERS } from "./desk.js";

export const REGION = "410100";
export const DESK_TERMINAL = "T-DESK-01";
export const ISSUER_TERMINAL = "ISSUER-01";
export const SAM_PIN = "123456";
/** The staff CA card of test-vectors/card-images/410100/staff-sm2.json (SM2 test PKI). */
export const STAFF_PIN = "1234";
const STAFF_PKI = "x509/sm2";

export interface Platform {
  sandbox: Sandbox;
  adminToken: string;
  tokens: Record<string, string>;
  /** Issuer key ids of the staff CAs whose CRLs the platform serves (D3). */
  crlIssuers: string[];
  admin<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** The reference regional platform (HTTP + SQLite) with the staff CAs' CRLs and demo residents. */
export async function startPlatform(dir: string, port: number): Promise<Platform> {
  const crlDir = join(dir, "crl");
  mkdirSync(crlDir, { recursive: true });
  const crlIssuers: string[] = [];
  for (const ca of ["root", "intermediate"]) {
    const [cert] = parseCertificates(readVectorText(STAFF_PKI, `${ca}.pem`));
    const keyId = cert!.subjectKeyId!.toLowerCase();
    copyFileSync(vectorPath(STAFF_PKI, `${ca}.crl`), join(crlDir, `${keyId}.crl`));
    crlIssuers.push(keyId);
  }
  const adminToken = randomBytes(16).toString("hex");
  const tokens = {
    [DESK_TERMINAL]: randomBytes(16).toString("hex"),
    [ISSUER_TERMINAL]: randomBytes(16).toString("hex"),
  };
  const sandbox = await startSandbox({ port, dbPath: join(dir, "platform.db"), adminToken, terminals: tokens, crlDir });
  return {
    sandbox,
    adminToken,
    tokens,
    crlIssuers,
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(sandbox.url + path, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return (await res.json()) as T;
    },
  };
}

/** The issuance centre in web mode: issuer card reader + ISAM, staff-card login, platform registration. */
export function startIssuer(
  dir: string,
  platform: Platform,
  transport: CardTransport,
  port: number,
): Promise<IssuerServer> {
  const config = parseConfig({
    dataDir: join(dir, "issuer"),
    terminalId: ISSUER_TERMINAL,
    centre: {
      name: "郑州市居民健康卡发卡中心",
      issuerCode: regionIssuerCode(toRegion(REGION)), // element 04 = the issuer the ISAM certificate names
      cityCode: REGION,
      serialPrefix: "ZZ01",
      orgId: "410100-ISSUER",
    },
    // The demo's readers are vpcd (or in-process) readers: a production desk refuses them.
    readers: { issuerCard: READERS.issuerCard, issuerSam: READERS.issuerSam, staff: READERS.staff, allowVirtual: true },
    samPin: SAM_PIN,
    platform: { baseUrl: platform.sandbox.url, token: platform.tokens[ISSUER_TERMINAL]! },
    staffTrust: {
      anchors: [vectorPath(STAFF_PKI, "root.pem")],
      intermediates: [vectorPath(STAFF_PKI, "intermediate.pem")],
      crls: [vectorPath(STAFF_PKI, "root.crl"), vectorPath(STAFF_PKI, "intermediate.crl")],
    },
    port,
  });
  return startIssuerServer(config, createDeskAdapters(config, transport));
}

/** The registration-desk agent: resident card + PSAM + staff card readers, trust, platform. */
export function startDeskAgent(
  dir: string,
  platform: Platform,
  transport: CardTransport | undefined,
  port: number,
): Promise<RunningAgent> {
  const secret = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, `${text}\n`, { mode: 0o600 });
    return path;
  };
  return startAgent(
    {
      terminalId: DESK_TERMINAL,
      dataDir: join(dir, "agent"),
      api: { host: "127.0.0.1", port },
      // Virtual (vpcd) readers are refused in production unless enabled; this is a demo.
      readers: { allowVirtual: true, roles: { resident: READERS.resident, sam: READERS.sam, staff: READERS.staff } },
      platform: {
        url: platform.sandbox.url,
        tokenFile: secret("platform.token", platform.tokens[DESK_TERMINAL]!),
        timeoutMs: 3000,
        listSigningKeys: [
          {
            keyId: (platform.sandbox.signing.signer as { keyId: string }).keyId,
            alg: "SM2",
            publicKey: platform.sandbox.signing.publicKeyHex,
          },
        ],
        crlIssuers: platform.crlIssuers,
        periodicMs: 1000,
      },
      sam: { pinFile: secret("sam.pin", SAM_PIN) },
      trust: {
        cardIssuerRoots: [{ publicKey: toHex(regionPki(toRegion(REGION)).root.publicKey), label: "demo region root" }],
        staffCaFiles: [vectorPath(STAFF_PKI, "root.pem")],
        staffIntermediateFiles: [vectorPath(STAFF_PKI, "intermediate.pem")],
      },
      log: { level: "warn", file: join(dir, "agent.log") },
    },
    transport ? { transport } : {},
  );
}
