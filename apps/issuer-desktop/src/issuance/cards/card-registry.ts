import { RhcError } from "@rhc/errors";
import type { CardRecord } from "../../shared/channels.js";
import type { Resident } from "../../shared/resident.js";
import type { Db } from "../store/database.js";

export interface IssuedCard {
  chipSerial: string;
  cardNo: string;
  issueSerial: string;
  citizenId: string;
  name: string;
  keyVersion: number;
  resident: Resident;
  photo: Uint8Array;
  issuedAt: string;
  eventId: string;
  replaces: string | null;
}

interface CardRow {
  chip_serial: string;
  card_no: string;
  issue_serial: string;
  citizen_id: string;
  name: string;
  status: CardRecord["status"];
  key_version: number;
  resident: string;
  photo: Buffer | null;
  issued_at: string;
  event_id: string;
  replaces: string | null;
  replaced_by: string | null;
}

export interface StoredCard extends CardRecord {
  issueSerial: string;
  keyVersion: number;
  resident: Resident;
  photo: Uint8Array;
}

/** The centre's register of the physical cards it issued (one row per chip) and their status. */
export class CardRegistry {
  constructor(private readonly db: Db) {}

  insert(card: IssuedCard): void {
    this.db
      .prepare(
        `INSERT INTO cards (chip_serial, card_no, issue_serial, citizen_id, name, status, key_version, resident, photo,
         issued_at, event_id, replaces) VALUES (?, ?, ?, ?, ?, 'issued', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        card.chipSerial,
        card.cardNo,
        card.issueSerial,
        card.citizenId,
        card.name,
        card.keyVersion,
        JSON.stringify(card.resident),
        Buffer.from(card.photo),
        card.issuedAt,
        card.eventId,
        card.replaces,
      );
  }

  get(chipSerial: string): StoredCard {
    const row = this.db.prepare("SELECT * FROM cards WHERE chip_serial = ?").get(chipSerial) as CardRow | undefined;
    if (!row) throw new RhcError("NOT_FOUND", { detail: `no issued card with chip serial ${chipSerial}` });
    return toCard(row);
  }

  find(chipSerial: string): StoredCard | undefined {
    const row = this.db.prepare("SELECT * FROM cards WHERE chip_serial = ?").get(chipSerial) as CardRow | undefined;
    return row && toCard(row);
  }

  /** Newest first; `query` matches card number, citizen ID or name prefix. */
  list(query?: string, limit = 200): StoredCard[] {
    const like = `${query ?? ""}%`;
    const rows = this.db
      .prepare(
        `SELECT * FROM cards WHERE card_no LIKE @like OR citizen_id LIKE @like OR name LIKE @like
         ORDER BY issued_at DESC, rowid DESC LIMIT @limit`,
      )
      .all({ like, limit }) as CardRow[];
    return rows.map(toCard);
  }

  setStatus(chipSerial: string, from: readonly CardRecord["status"][], to: CardRecord["status"]): StoredCard {
    const card = this.get(chipSerial);
    if (!from.includes(card.status)) {
      throw new RhcError("CONFLICT", {
        detail: `card ${card.cardNo} (${chipSerial}) is ${card.status}, not ${from.join("/")}`,
      });
    }
    this.db.prepare("UPDATE cards SET status = ? WHERE chip_serial = ?").run(to, chipSerial);
    return this.get(chipSerial);
  }

  linkReplacement(oldChip: string, newChip: string): void {
    this.db.prepare("UPDATE cards SET replaced_by = ? WHERE chip_serial = ?").run(newChip, oldChip);
  }

  /** The next value of a named counter (issue serial numbers), inside the caller's transaction. */
  nextCounter(name: string): number {
    this.db
      .prepare("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1")
      .run(name);
    return (this.db.prepare("SELECT value FROM counters WHERE name = ?").get(name) as { value: number }).value;
  }
}

function toCard(row: CardRow): StoredCard {
  return {
    chipSerial: row.chip_serial,
    cardNo: row.card_no,
    issueSerial: row.issue_serial,
    citizenId: row.citizen_id,
    name: row.name,
    status: row.status,
    keyVersion: row.key_version,
    resident: JSON.parse(row.resident) as Resident,
    photo: row.photo ? new Uint8Array(row.photo) : new Uint8Array(),
    issuedAt: row.issued_at,
    replaces: row.replaces,
    replacedBy: row.replaced_by,
  };
}
