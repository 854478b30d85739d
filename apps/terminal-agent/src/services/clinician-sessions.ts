import { RhcError } from "@rhc/errors";
import { hashSecret, randomId, secretMatches } from "../auth/tokens.js";
import { Secret } from "../log/secret.js";

export interface Clinician {
  /** Staff id (from the certificate subject, e.g. its serialNumber or CN). */
  staffId: string;
  subject: string;
  certSerial: string;
  /** Fingerprint of the staff certificate (the session ends when another card appears). */
  fingerprint: string;
}

export interface ClinicianSession {
  sessionId: string;
  clientId: string;
  clinician: Clinician;
  startedAt: Date;
  expiresAt: Date;
  /** A fail-open login without a usable CRL: shown to the HIS and recorded. */
  revocationChecked: boolean;
}

interface Entry extends ClinicianSession {
  tokenHash: string;
}

export type LogoutReason = "manual" | "card_removed" | "timeout";

/**
 * Clinician sessions opened by a staff-card login. A session belongs to the paired HIS client that
 * opened it and is presented with the `X-Clinician-Session` header; the token is kept as a hash.
 * One staff card, one session: it ends on logout, on expiry, and when the staff card leaves.
 */
export class ClinicianSessions {
  private readonly sessions = new Map<string, Entry>();

  constructor(
    private readonly lifetimeMinutes: number,
    private readonly onEnd: (session: ClinicianSession, reason: LogoutReason) => void,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(
    clientId: string,
    clinician: Clinician,
    revocationChecked: boolean,
  ): { token: Secret; session: ClinicianSession } {
    for (const s of [...this.sessions.values()]) this.end(s.sessionId, "manual");
    const sessionId = randomId(9);
    const secret = randomId(32);
    const now = this.clock();
    const entry: Entry = {
      sessionId,
      clientId,
      clinician,
      startedAt: now,
      expiresAt: new Date(now.getTime() + this.lifetimeMinutes * 60_000),
      revocationChecked,
      tokenHash: hashSecret(secret),
    };
    this.sessions.set(sessionId, entry);
    return { token: new Secret(`${sessionId}.${secret}`), session: publicView(entry) };
  }

  /** The session a write request presents, or CLINICIAN_REQUIRED. */
  require(clientId: string, header: string | undefined): ClinicianSession {
    this.expire();
    const [sessionId, secret] = (header ?? "").split(".");
    const entry = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!entry || !secret || !secretMatches(new Secret(secret), entry.tokenHash)) {
      throw new RhcError("CLINICIAN_REQUIRED", {
        detail: header ? "unknown or ended clinician session" : "missing X-Clinician-Session",
      });
    }
    if (entry.clientId !== clientId) {
      throw new RhcError("CLINICIAN_REQUIRED", { detail: "the clinician session belongs to another client" });
    }
    return publicView(entry);
  }

  current(): ClinicianSession | undefined {
    this.expire();
    const first = this.sessions.values().next();
    return first.done ? undefined : publicView(first.value);
  }

  end(sessionId: string, reason: LogoutReason): ClinicianSession | undefined {
    const entry = this.sessions.get(sessionId);
    if (!entry) return undefined;
    this.sessions.delete(sessionId);
    const view = publicView(entry);
    this.onEnd(view, reason);
    return view;
  }

  /** The staff card left its reader: every session ends. */
  endAll(reason: LogoutReason): void {
    for (const id of [...this.sessions.keys()]) this.end(id, reason);
  }

  private expire(): void {
    const now = this.clock().getTime();
    for (const s of [...this.sessions.values()]) if (s.expiresAt.getTime() <= now) this.end(s.sessionId, "timeout");
  }
}

function publicView(e: Entry): ClinicianSession {
  const { tokenHash: _hash, ...rest } = e;
  return rest;
}
