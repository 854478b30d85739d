import { readFileSync } from "node:fs";
import {
  type CardConnection,
  type CardTransport,
  connectCard,
  fromHex,
  HealthCardSession,
  SamSession,
  type TrustedRoot,
} from "@rhc/card-protocol";
import { RhcError } from "@rhc/errors";
import type { AgentConfig } from "../config/schema.js";
import { Secret } from "../log/secret.js";
import type { ReaderDirectory } from "../readers/reader-directory.js";
import { CardLock } from "./card-lock.js";

export interface DeskSession {
  card: HealthCardSession;
  sam: SamSession;
  reader: string;
}

function readPin(path: string | undefined): Secret | undefined {
  if (!path) return undefined;
  try {
    return new Secret(readFileSync(path, "utf8").trim());
  } catch (error) {
    throw new RhcError("CONFIG_INVALID", { detail: `sam.pinFile ${path}: ${(error as Error).message}`, cause: error });
  }
}

/**
 * Opens the desk's resident card with its SAM for one operation (under the desk's card lock) and
 * always releases both: sessions are short, so a card swapped between two requests is never
 * mistaken for the previous one and another program can use the readers in between.
 */
export class DeskCards {
  readonly lock = new CardLock();
  private readonly samPin: Secret | undefined;
  readonly roots: TrustedRoot[];

  constructor(
    readonly transport: CardTransport,
    readonly readers: ReaderDirectory,
    private readonly config: AgentConfig,
  ) {
    this.samPin = readPin(config.sam.pinFile);
    this.roots = config.trust.cardIssuerRoots.map((r) => ({
      publicKey: fromHex(r.publicKey),
      ...(r.keyId ? { keyId: fromHex(r.keyId) } : {}),
      ...(r.label ? { label: r.label } : {}),
    }));
  }

  /** The configured SAM PIN for `use` (compat VerifyPin); the value never leaves this call. */
  useSamPin<T>(use: (pin: string) => T): T {
    if (!this.samPin) throw new RhcError("SAM_PIN_REQUIRED", { detail: "no sam.pinFile configured" });
    return use(this.samPin.reveal());
  }

  /** Opens the SAM (PIN verified when configured). */
  async openSam(): Promise<SamSession> {
    const reader = await this.readers.cardReader("sam", "SAM_MISSING");
    const connection = await connectCard(this.transport, reader.name);
    try {
      const sam = await SamSession.open(connection, { timeoutMs: this.config.sam.timeoutMs });
      if (this.samPin) await sam.verifyPin(this.samPin.reveal());
      return sam;
    } catch (error) {
      await connection.disconnect("reset").catch(() => undefined);
      throw error;
    }
  }

  /** Runs `work` with the resident card and the SAM, under the card lock. */
  withResident<T>(work: (s: DeskSession) => Promise<T>, share: "shared" | "exclusive" = "shared"): Promise<T> {
    return this.lock.run(async () => {
      const reader = await this.readers.cardReader("resident");
      const sam = await this.openSam();
      let connection: CardConnection | undefined;
      try {
        connection = await connectCard(this.transport, reader.name, { share });
        const card = HealthCardSession.open(connection, {
          sam,
          mode: this.config.sam.cardMode,
          timeoutMs: this.config.sam.timeoutMs,
        });
        return await work({ card, sam, reader: reader.name });
      } finally {
        await connection?.disconnect("reset").catch(() => undefined);
        await sam.close().catch(() => undefined);
      }
    });
  }
}
