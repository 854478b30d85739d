import { RhcError } from "@rhc/errors";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

const OID_CRL_NUMBER = "2.5.29.20";
const OID_DELTA_CRL_INDICATOR = "2.5.29.27";
const OID_AUTHORITY_KEY_ID = "2.5.29.35";

export interface CrlInfo {
  /** Decimal string: cRLNumber may exceed 2^53. */
  crlNumber: string;
  /** Set on a delta CRL: the cRLNumber of the base it applies to. */
  baseCrlNumber?: string;
  /** Hex of the authority key identifier (the issuer's key id). */
  issuerKeyId?: string;
  thisUpdate: string;
  nextUpdate?: string;
  revokedSerials: string[];
}

function integerOf(value: unknown): string | undefined {
  return value instanceof asn1js.Integer ? value.toBigInt().toString() : undefined;
}

/**
 * Reads what the terminal needs from a DER CRL (RFC 5280): cRLNumber, delta indicator, authority key
 * id, validity window and revoked serials. Signature validation against the CA belongs to
 * @rhc/crypto's chain validation; this module only decides which CRL is newest.
 */
export function parseCrl(der: Uint8Array): CrlInfo {
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(new Uint8Array(der));
  } catch (err) {
    throw new RhcError("CRYPTO_DECODE", {
      detail: `CRL: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
  const ext = (oid: string) => crl.crlExtensions?.extensions.find((e) => e.extnID === oid);
  const crlNumber = integerOf(ext(OID_CRL_NUMBER)?.parsedValue);
  if (crlNumber === undefined) throw new RhcError("CRYPTO_DECODE", { detail: "CRL has no cRLNumber extension" });
  const base = integerOf(ext(OID_DELTA_CRL_INDICATOR)?.parsedValue);
  const aki = ext(OID_AUTHORITY_KEY_ID)?.parsedValue;
  const keyId = aki instanceof pkijs.AuthorityKeyIdentifier ? aki.keyIdentifier?.valueBlock.valueHexView : undefined;
  const info: CrlInfo = {
    crlNumber,
    thisUpdate: crl.thisUpdate.value.toISOString(),
    revokedSerials: (crl.revokedCertificates ?? []).map((r) =>
      Buffer.from(r.userCertificate.valueBlock.valueHexView).toString("hex"),
    ),
  };
  if (base !== undefined) info.baseCrlNumber = base;
  if (keyId) info.issuerKeyId = Buffer.from(keyId).toString("hex");
  if (crl.nextUpdate) info.nextUpdate = crl.nextUpdate.value.toISOString();
  return info;
}
