// Regenerates test-vectors/crypto/compact-certs.json (test-only keys; signatures use fresh nonces,
// so every run gives new signature bytes). Run: pnpm --filter @rhc/crypto exec tsx --conditions=source test/generate-compact-vectors.ts
import { writeFileSync } from "node:fs";
import { vectorPath } from "@rhc/test-vectors";
import {
  fromHex,
  issueIssuerCertificate,
  issueSamCertificate,
  signVisitRecord,
  sm2GenerateKeyPair,
  toHex,
  visitRecordDigest,
} from "../src/index.js";

const root = sm2GenerateKeyPair();
const issuer = sm2GenerateKeyPair();
const sam = sm2GenerateKeyPair();
const issuerFields = {
  caKeyId: fromHex("00000001"),
  issuerCode: "4101000000000000000001",
  expiry: "20451231",
  serial: 0x000101,
  publicKey: issuer.publicKey,
};
const samFields = {
  issuerCode: issuerFields.issuerCode,
  samSerial: fromHex("41010000000000000042"),
  terminalNumber: fromHex("410100000042"),
  effective: "20240101",
  expiry: "20441231",
  serial: 0x000042,
  publicKey: sam.publicKey,
};
const issuerCertificate = issueIssuerCertificate(root.privateKey, issuerFields);
const samCertificate = issueSamCertificate(issuer.privateKey, samFields);
const record = { cardNumber: "41010519800101001X", fid: 0xed01, data: new Uint8Array(3013).map((_, i) => i & 0xff) };
const hex = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v instanceof Uint8Array ? toHex(v) : v]));

writeFileSync(
  vectorPath("crypto", "compact-certs.json"),
  `${JSON.stringify(
    {
      source: "packages/crypto/test/generate-compact-vectors.ts; layouts of health-card-spec §4.6 [P]; TEST-ONLY keys",
      format: "wst543-compact-v1",
      userId: "1234567812345678",
      root: hex({ ...root }),
      issuer: { ...hex({ ...issuer }), fields: hex(issuerFields), certificate: toHex(issuerCertificate) },
      sam: { ...hex({ ...sam }), fields: hex(samFields), certificate: toHex(samCertificate) },
      record: {
        cardNumber: record.cardNumber,
        fid: "ED01",
        data: "bytes 0..3012 where byte i = i mod 256",
        digest: toHex(visitRecordDigest(sam.publicKey, record)),
        signature: toHex(signVisitRecord(sam.privateKey, record)),
      },
    },
    null,
    2,
  )}\n`,
);
console.log("wrote test-vectors/crypto/compact-certs.json");
