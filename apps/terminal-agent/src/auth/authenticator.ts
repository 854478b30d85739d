import { RhcError } from "@rhc/errors";
import type { ClientStore, PairedClient } from "./client-store.js";
import { parseToken, randomId, secretMatches } from "./tokens.js";

export interface ClientIdentity {
  clientId: string;
  name: string;
  scopes: PairedClient["scopes"];
}

const TICKET_TTL_MS = 30_000;

/**
 * Turns a bearer token (or a one-time WebSocket ticket) into the paired client it belongs to.
 * Browsers cannot set headers on a WebSocket, so a client first trades its token for a ticket
 * that is valid once, for 30 s, and only for opening the events stream.
 */
export class Authenticator {
  private readonly tickets = new Map<string, { identity: ClientIdentity; expires: number }>();

  constructor(
    private readonly store: ClientStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  fromAuthorization(header: string | undefined): ClientIdentity {
    if (!header) throw new RhcError("UNAUTHORIZED", { detail: "missing Authorization: Bearer <token>" });
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const parsed = match ? parseToken(match[1]!) : undefined;
    if (!parsed) throw new RhcError("UNAUTHORIZED", { detail: "malformed bearer token" });
    const client = this.store.get(parsed.clientId);
    if (!client || !secretMatches(parsed.secret, client.tokenHash)) {
      throw new RhcError("UNAUTHORIZED", { detail: "unknown or revoked token" });
    }
    if (Date.parse(client.expiresAt) <= this.clock().getTime()) {
      throw new RhcError("UNAUTHORIZED", { detail: "token expired" });
    }
    return { clientId: client.clientId, name: client.name, scopes: client.scopes };
  }

  issueTicket(identity: ClientIdentity): { ticket: string; expiresAt: string } {
    const now = this.clock().getTime();
    for (const [k, v] of this.tickets) if (v.expires <= now) this.tickets.delete(k);
    const ticket = randomId(24);
    this.tickets.set(ticket, { identity, expires: now + TICKET_TTL_MS });
    return { ticket, expiresAt: new Date(now + TICKET_TTL_MS).toISOString() };
  }

  redeemTicket(ticket: string): ClientIdentity {
    const entry = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (!entry || entry.expires <= this.clock().getTime()) {
      throw new RhcError("UNAUTHORIZED", { detail: "unknown, used or expired WebSocket ticket" });
    }
    // A client revoked after the ticket was issued must not get in.
    if (!this.store.get(entry.identity.clientId)) throw new RhcError("UNAUTHORIZED", { detail: "client revoked" });
    return entry.identity;
  }
}
