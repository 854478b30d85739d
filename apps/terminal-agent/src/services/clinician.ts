import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connectCard, StaffCardSession } from "@rhc/card-protocol";
import { parseCertificate, verifyWithCertificate } from "@rhc/crypto";
import { RhcError } from "@rhc/errors";
import type { SyncStore } from "@rhc/sync";
import type { AgentAudit } from "../audit/agent-audit.js";
import type { AgentConfig } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { Secret } from "../log/secret.js";
import type { Clinician, ClinicianSession } from "./clinician-sessions.js";
import { ClinicianSessions } from "./clinician-sessions.js";
import type { DeskCards } from "./desk-cards.js";
import { StaffCertificateChecker, type StaffCertificateVerdict } from "./staff-certificates.js";

const CHALLENGE_BYTES = 32;

function readPemFiles(files: readonly string[], what: string): string[] {
  return files.map((f) => {
    try {
      return readFileSync(f, "utf8");
    } catch (error) {
      throw new RhcError("CONFIG_INVALID", { detail: `${what} ${f}: ${(error as Error).message}`, cause: error });
    }
  });
}

/** A clinician session allowed to write, and whether this write's revocation check had a usable CRL. */
export interface WriteAuthority {
  session: ClinicianSession;
  /** False when a fail-open `recordWrite` policy let the write through without a usable CRL. */
  revocationChecked: boolean;
}

export interface LoginResult {
  token: Secret;
  session: ClinicianSession;
  verdict: StaffCertificateVerdict;
}

/**
 * Clinician login with a CA staff card: certificate chain and cached CRLs (policy per operation),
 * then the PIN, then a fresh challenge the card must sign with the certificate's key. Every
 * attempt is audited; success and logout are events in the outbox.
 */
export class ClinicianService {
  readonly sessions: ClinicianSessions;
  readonly checker: StaffCertificateChecker;
  private readonly intermediates: string[];
  private readonly certificates = new Map<string, Uint8Array>();

  constructor(
    private readonly cards: DeskCards,
    private readonly store: SyncStore,
    private readonly bus: EventBus,
    private readonly audit: AgentAudit,
    private readonly config: AgentConfig,
  ) {
    this.intermediates = readPemFiles(config.trust.staffIntermediateFiles, "trust.staffIntermediateFiles");
    this.checker = new StaffCertificateChecker({
      trustAnchors: readPemFiles(config.trust.staffCaFiles, "trust.staffCaFiles"),
      crls: () => this.cachedCrls(),
      crlGraceHours: config.policy.revocation.crlGraceHours,
    });
    this.sessions = new ClinicianSessions(config.policy.clinicianSessionMinutes, (s, reason) => {
      this.certificates.delete(s.sessionId);
      this.store.outbox.append({
        type: "clinician.logout",
        aggregate: { kind: "clinician", id: s.clinician.staffId },
        actor: { kind: "clinician", id: s.clinician.staffId },
        payload: { staffId: s.clinician.staffId, reason },
      });
      this.audit.record({
        action: "clinician.logout",
        actor: `clinician:${s.clinician.staffId}`,
        outcome: "ok",
        data: { reason },
      });
      this.bus.publish("clinician.logout", { staffId: s.clinician.staffId, reason });
    });
    // The staff card leaving its reader ends the session (a clinician walking away logs out).
    bus.subscribe((e) => {
      if (e.type === "card.removed" && e.data.role === "staff") this.sessions.endAll("card_removed");
    });
  }

  /** Every cached CRL (base and delta) of the configured staff CAs. */
  private cachedCrls(): Uint8Array[] {
    const ids = this.config.platform?.crlIssuers ?? [];
    return ids.flatMap((id) => {
      const crl = this.store.crl.get(id);
      return crl ? [crl.der, ...(crl.delta ? [crl.delta.der] : [])] : [];
    });
  }

  async login(clientId: string, pin: Secret): Promise<LoginResult> {
    const actor = `client:${clientId}`;
    try {
      return await this.cards.lock.run(async () => {
        const reader = await this.cards.readers.cardReader("staff");
        const connection = await connectCard(this.cards.transport, reader.name);
        const staff = StaffCardSession.open(connection, { timeoutMs: this.config.sam.timeoutMs });
        try {
          const der = await staff.certificate();
          const verdict = await this.checker.check(
            [der, ...this.intermediates],
            this.config.policy.revocation.clinicianLogin,
          );
          await staff.verifyPin(pin.reveal());
          const challenge = new Uint8Array(randomBytes(CHALLENGE_BYTES));
          const signature = await staff.signChallenge(challenge);
          if (!verifyWithCertificate(der, challenge, signature)) {
            throw new RhcError("AUTH_FAILED", {
              detail: "the staff card's signature does not match its certificate",
              retriable: false,
            });
          }
          const cert = parseCertificate(der);
          const clinician: Clinician = {
            staffId: (/CN=([^,]+)/.exec(cert.subject)?.[1] ?? cert.serialNumber).trim().slice(0, 64),
            subject: cert.subject,
            certSerial: cert.serialNumber,
            fingerprint: cert.fingerprintSha256,
          };
          const { token, session } = this.sessions.start(clientId, clinician, verdict.revocationChecked);
          this.certificates.set(session.sessionId, der);
          this.store.outbox.append({
            type: "clinician.login",
            aggregate: { kind: "clinician", id: clinician.staffId },
            actor: { kind: "clinician", id: clinician.staffId },
            listVersions: { crl: this.store.crl.versions() },
            payload: { staffId: clinician.staffId, certSerial: clinician.certSerial.slice(0, 64) },
          });
          this.audit.record({
            action: "clinician.login",
            actor,
            outcome: "ok",
            subject: `clinician:${clinician.staffId}`,
            data: {
              certSerial: clinician.certSerial,
              revocationChecked: verdict.revocationChecked,
              warnings: verdict.warnings.map((w) => w.code),
            },
          });
          this.bus.publish("clinician.login", {
            staffId: clinician.staffId,
            expiresAt: session.expiresAt.toISOString(),
          });
          return { token, session, verdict };
        } finally {
          await connection.disconnect("reset").catch(() => undefined);
        }
      });
    } catch (error) {
      const e = error instanceof RhcError ? error : new RhcError("INTERNAL", { cause: error });
      this.audit.record({
        action: "clinician.login",
        actor,
        outcome: "denied",
        data: { code: e.code, ...(e.data?.triesLeft !== undefined ? { triesLeft: e.data.triesLeft } : {}) },
      });
      throw error;
    }
  }

  logout(clientId: string, header: string | undefined): ClinicianSession {
    const session = this.sessions.require(clientId, header);
    this.sessions.end(session.sessionId, "manual");
    return session;
  }

  /**
   * The clinician session a write presents, with the certificate re-checked against the cached
   * CRLs under the write policy: a certificate revoked since login stops writes at once.
   */
  async requireForWrite(clientId: string, header: string | undefined): Promise<WriteAuthority> {
    const session = this.sessions.require(clientId, header);
    const der = this.certificates.get(session.sessionId);
    if (!der) throw new RhcError("CLINICIAN_REQUIRED", { detail: "session without certificate" });
    const verdict = await this.checker.check([der, ...this.intermediates], this.config.policy.revocation.recordWrite);
    return { session, revocationChecked: verdict.revocationChecked };
  }
}
