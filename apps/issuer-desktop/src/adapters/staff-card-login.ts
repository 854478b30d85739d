import { createPublicKey, randomBytes, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { type CardTransport, StaffCardSession } from "@rhc/card-protocol";
import { assertChainValid, parseCertificate, STAFF_CARD_POLICY, sm2Verify, validateChain } from "@rhc/crypto";
import { RhcError, toRhcError } from "@rhc/errors";
import type { IssuerConfig } from "../issuance/config.js";
import type { StaffLogin } from "../issuance/ports.js";
import { findReader } from "./pcsc-readers.js";

const OID_EC = "1.2.840.10045.2.1";
const OID_SM2_CURVE = "1.2.156.10197.1.301";

/** The subject attribute `name` (CN, O…) of an RFC 4514-style subject string. */
function attribute(subject: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|,\\s*)${name}=([^,]+)`).exec(subject);
  return m?.[1]?.trim();
}

/** Checks the card's signature over the login challenge with the certificate's public key. */
export function verifyChallengeSignature(
  certificateDer: Uint8Array,
  challenge: Uint8Array,
  signature: Uint8Array,
): boolean {
  const cert = parseCertificate(certificateDer);
  const spki = cert.pkijs.subjectPublicKeyInfo;
  const algorithm = spki.algorithm.algorithmId;
  const params = spki.algorithm.algorithmParams as { valueBlock?: { toString(): string } } | undefined;
  const curve = params?.valueBlock?.toString();
  if (algorithm === OID_EC && curve === OID_SM2_CURVE) {
    const point = new Uint8Array(spki.subjectPublicKey.valueBlock.valueHexView);
    return sm2Verify(point, challenge, signature);
  }
  const key = createPublicKey({ key: Buffer.from(spki.toSchema().toBER(false)), format: "der", type: "spki" });
  const dsaEncoding = key.asymmetricKeyType === "ec" ? "ieee-p1363" : undefined;
  return verify("sha256", challenge, dsaEncoding ? { key, dsaEncoding } : key, signature);
}

/**
 * Operator login with a CA staff card, the agent's checks: the certificate chains to a configured
 * trust anchor under the staff-card policy (revocation, digitalSignature, clientAuth), the PIN
 * verifies on the card, and the card proves possession of the key by signing a fresh challenge.
 */
export function staffCardLogin(
  config: IssuerConfig,
  transport: CardTransport,
  clock: () => Date = () => new Date(),
): StaffLogin {
  const staffReader = async () =>
    findReader(
      (await transport.listReaders()).map((r) => r.name),
      config.readers.staff,
    );
  return {
    async present() {
      const reader = await staffReader();
      return (await transport.listReaders()).some((r) => r.name === reader && r.present);
    },
    async login(pin) {
      const trust = config.staffTrust;
      if (!trust) throw new RhcError("CONFIG_INVALID", { detail: "staffTrust is not configured" });
      const reader = await staffReader();
      if (!reader) throw new RhcError("NO_READER", { detail: config.readers.staff });
      const status = (await transport.listReaders()).find((r) => r.name === reader);
      if (!status?.present) throw new RhcError("NO_CARD", { detail: reader });
      const connection = await transport.connect(reader);
      const session = StaffCardSession.open(connection);
      try {
        const certificate = await session.certificate();
        // PEM files as text, DER files (CRLs usually) as bytes.
        const read = (files: readonly string[]) =>
          files.map((f) => {
            const bytes = readFileSync(f);
            return bytes.subarray(0, 10).toString("latin1") === "-----BEGIN"
              ? bytes.toString("utf8")
              : new Uint8Array(bytes);
          });
        const result = await validateChain({
          trustAnchors: read(trust.anchors),
          chain: [certificate, ...read(trust.intermediates)],
          crls: read(trust.crls),
          at: clock(),
          policy: { ...STAFF_CARD_POLICY, revocation: trust.revocation },
        });
        assertChainValid(result);
        await session.verifyPin(pin);
        const challenge = new Uint8Array(randomBytes(32));
        const signature = await session.signChallenge(challenge);
        if (!verifyChallengeSignature(certificate, challenge, signature)) {
          throw new RhcError("CERT_INVALID", { detail: "the staff card's signature does not match its certificate" });
        }
        return {
          id: attribute(result.subject, "serialNumber") ?? attribute(result.subject, "CN") ?? result.serialNumber,
          name: attribute(result.subject, "CN") ?? result.subject,
          organisation: attribute(result.subject, "O") ?? "",
          certificateSerial: result.serialNumber,
        };
      } catch (error) {
        throw toRhcError(error);
      } finally {
        await session.close().catch(() => undefined);
      }
    },
  };
}
