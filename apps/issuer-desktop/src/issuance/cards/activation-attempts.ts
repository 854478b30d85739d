import { toRhcError } from "@rhc/errors";
import { z } from "zod";
import { ResidentSchema } from "../../shared/resident.js";
import { type PreparedCard, type PreparedCardJson, preparedFromJson, preparedToJson } from "../prepared-card.js";
import type { Db } from "../store/database.js";

/** A personalisation that sent ACTIVATE but was not recorded (card, register row, audit) yet. */
export interface ActivationAttempt {
  chipSerial: string;
  prepared: PreparedCard;
  /** Chip serial of the card this one replaces, if it is a replacement. */
  replaces: string | null;
  operatorId: string;
  startedAt: string;
}

interface AttemptRow {
  chip_serial: string;
  prepared: string;
  replaces: string | null;
  operator_id: string;
  started_at: string;
}

/** The stored plan is read back like any file: validated, never trusted. */
const PreparedJsonSchema = z.object({
  resident: ResidentSchema,
  cardNo: z.string().min(1),
  issueSerial: z.string().min(1),
  elements: z.record(z.string(), z.union([z.string(), z.number()])),
  photo: z.string(),
});

/**
 * Write-ahead memory of activations whose outcome may be unknown. A row is written just before
 * ACTIVATE goes to the card and removed in the transaction that records the card, so a card
 * torn during ACTIVATE (or an app killed there) can later be recognised as written by this desk,
 * read back against the remembered plan and recorded once. Holds the plan only: keys never leave
 * the ISAM and PINs are never stored.
 */
export class ActivationAttempts {
  constructor(private readonly db: Db) {}

  /** Remembers (or replaces) the attempt on this chip. */
  remember(chipSerial: string, prepared: PreparedCard, operatorId: string, replaces: string | null, at: Date): void {
    try {
      this.db
        .prepare(
          `INSERT INTO activation_attempts (chip_serial, issue_serial, card_no, citizen_id, prepared, replaces, operator_id,
           started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (chip_serial) DO UPDATE SET issue_serial = excluded.issue_serial, card_no = excluded.card_no,
           citizen_id = excluded.citizen_id, prepared = excluded.prepared, replaces = excluded.replaces,
           operator_id = excluded.operator_id, started_at = excluded.started_at`,
        )
        .run(
          chipSerial,
          prepared.issueSerial,
          prepared.cardNo,
          prepared.resident.citizenId ?? "",
          JSON.stringify(preparedToJson(prepared)),
          replaces,
          operatorId,
          at.toISOString(),
        );
    } catch (error) {
      throw toRhcError(error, "INTERNAL", "cannot remember the activation attempt");
    }
  }

  find(chipSerial: string): ActivationAttempt | undefined {
    const row = this.db.prepare("SELECT * FROM activation_attempts WHERE chip_serial = ?").get(chipSerial) as
      | AttemptRow
      | undefined;
    if (!row) return undefined;
    try {
      const json = PreparedJsonSchema.parse(JSON.parse(row.prepared)) as PreparedCardJson;
      return {
        chipSerial: row.chip_serial,
        prepared: preparedFromJson(json),
        replaces: row.replaces,
        operatorId: row.operator_id,
        startedAt: row.started_at,
      };
    } catch (error) {
      throw toRhcError(error, "INTERNAL", `stored activation attempt of ${chipSerial} is corrupt`);
    }
  }

  /**
   * Forgets the attempt of this chip and any other attempt of the same issue serial (the plan went
   * onto another card after this one was rejected): inside the recording transaction.
   */
  settle(chipSerial: string, issueSerial: string): void {
    this.db
      .prepare("DELETE FROM activation_attempts WHERE chip_serial = ? OR issue_serial = ?")
      .run(chipSerial, issueSerial);
  }

  count(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM activation_attempts").get() as { n: number }).n;
  }
}
