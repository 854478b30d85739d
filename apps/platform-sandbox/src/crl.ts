import { webcrypto } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

export const ISSUER_KEY_ID = /^[0-9a-fA-F]{2,64}$/;

/** D3: reads `<dir>/<issuerKeyId>.crl` (or `.delta.crl`); undefined when absent. */
export async function readCrlFile(dir: string, issuerKeyId: string, delta: boolean): Promise<Buffer | undefined> {
  if (!ISSUER_KEY_ID.test(issuerKeyId)) return undefined;
  try {
    return await readFile(join(dir, `${issuerKeyId.toLowerCase()}${delta ? ".delta" : ""}.crl`));
  } catch {
    return undefined;
  }
}

export interface DemoCrlOptions {
  issuerKeyId: string;
  crlNumber: number;
  baseCrlNumber?: number;
  thisUpdate: Date;
  nextUpdate: Date;
  revokedSerials?: string[];
  issuerName?: string;
}

/**
 * Builds a DER CRL for demos and tests (RFC 5280 fields the terminal reads: cRLNumber, delta
 * indicator, authority key id, validity). Signed with a throwaway ECDSA P-256 key: the sandbox
 * is not a CA, and CRL signature validation belongs to @rhc/crypto.
 */
export async function buildDemoCrl(o: DemoCrlOptions): Promise<Uint8Array> {
  type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]["crypto"];
  const engine = new pkijs.CryptoEngine({ name: "node", crypto: webcrypto as unknown as EngineCrypto });
  pkijs.setEngine("node", engine);
  const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer.typesAndValues.push(
    new pkijs.AttributeTypeAndValue({
      type: "2.5.4.3",
      value: new asn1js.Utf8String({ value: o.issuerName ?? "RHC Demo Issuer CA" }),
    }),
  );
  crl.thisUpdate = new pkijs.Time({ type: 0, value: o.thisUpdate });
  crl.nextUpdate = new pkijs.Time({ type: 0, value: o.nextUpdate });
  crl.revokedCertificates = (o.revokedSerials ?? []).map(
    (serial) =>
      new pkijs.RevokedCertificate({
        userCertificate: new asn1js.Integer({ valueHex: Uint8Array.from(Buffer.from(serial, "hex")).buffer }),
        revocationDate: new pkijs.Time({ type: 0, value: o.thisUpdate }),
      }),
  );
  if (crl.revokedCertificates.length === 0) delete crl.revokedCertificates;
  const extensions = [
    new pkijs.Extension({
      extnID: "2.5.29.20",
      critical: false,
      extnValue: new asn1js.Integer({ value: o.crlNumber }).toBER(false),
    }),
    new pkijs.Extension({
      extnID: "2.5.29.35",
      critical: false,
      extnValue: new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: Uint8Array.from(Buffer.from(o.issuerKeyId, "hex")).buffer }),
      })
        .toSchema()
        .toBER(false),
    }),
  ];
  if (o.baseCrlNumber !== undefined) {
    extensions.push(
      new pkijs.Extension({
        extnID: "2.5.29.27",
        critical: true,
        extnValue: new asn1js.Integer({ value: o.baseCrlNumber }).toBER(false),
      }),
    );
  }
  crl.crlExtensions = new pkijs.Extensions({ extensions });
  await crl.sign(keys.privateKey as Parameters<typeof crl.sign>[0], "SHA-256", engine);
  return new Uint8Array(crl.toSchema(true).toBER(false));
}
