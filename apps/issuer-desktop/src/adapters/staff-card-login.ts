import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { type CardTransport, StaffCardSession } from "@rhc/card-protocol";
import { assertChainValid, STAFF_CARD_POLICY, validateChain, verifyWithCertificate } from "@rhc/crypto";
import { RhcError, toRhcError } from "@rhc/errors";
import type { IssuerConfig } from "../issuance/config.js";
import type { StaffLogin } from "../issuance/ports.js";
import { roleReader } from "./pcsc-readers.js";

/** The subject attribute `name` (CN, O…) of an RFC 4514-style subject string. */
function attribute(subject: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|,\\s*)${name}=([^,]+)`).exec(subject);
  return m?.[1]?.trim();
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
  const staffReader = () => roleReader(config, transport, "staff");
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
        if (!verifyWithCertificate(certificate, challenge, signature)) {
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
