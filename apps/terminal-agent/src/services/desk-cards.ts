import { readFileSync } from "node:fs";
import {
  type CardConnection,
  type CardTransport,
  connectCard,
  fromHex,
  HealthCardSession,
  type ReaderEvent,
  type SamSession,
  type TrustedRoot,
} from "@rhc/card-protocol";
import { RhcError } from "@rhc/errors";
import type { AgentConfig } from "../config/schema.js";
import { Secret } from "../log/secret.js";
import type { DeskReader, ReaderDirectory } from "../readers/reader-directory.js";
import { CardLock } from "./card-lock.js";
import { DeskSam } from "./desk-sam.js";

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

/** Monitor events after which the kept SAM session belongs to a SAM (or a pcscd) that is gone. */
function samGone(event: ReaderEvent): boolean {
  if (event.type === "service-down") return true;
  const role = "role" in event ? event.role : undefined;
  return role === "sam" && ["card-removed", "card-inserted", "card-mute", "reader-removed"].includes(event.type);
}

/**
 * The desk's cards for one operation at a time (under the desk's card lock). The resident card gets
 * a new connection per operation, always released with a reset: a card swapped between two
 * requests is never mistaken for the previous one, no security state outlives the operation, and
 * another program can use the reader in between. The SAM session is kept across operations (see
 * `DeskSam`): it is the desk's own, fixed card, and re-opening it is most of a read's set-up cost.
 */
export class DeskCards {
  readonly lock = new CardLock();
  private readonly samPin: Secret | undefined;
  private readonly sam: DeskSam;
  private readonly unsubscribe: () => void;
  readonly roots: TrustedRoot[];

  constructor(
    readonly transport: CardTransport,
    readonly readers: ReaderDirectory,
    private readonly config: AgentConfig,
  ) {
    this.samPin = readPin(config.sam.pinFile);
    this.sam = new DeskSam(transport, readers, this.samPin, config.sam.timeoutMs);
    this.unsubscribe = readers.monitor.on("*", (event) => {
      if (samGone(event)) void this.lock.run(() => this.sam.release());
    });
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

  /** Runs `work` with the SAM (PIN verified when configured) and its reader, under the card lock. */
  withSam<T>(work: (sam: SamSession, reader: DeskReader) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      const { sam, reader } = await this.sam.session();
      return work(sam, reader);
    });
  }

  /** Runs `work` with the resident card and the SAM, under the card lock. */
  withResident<T>(work: (s: DeskSession) => Promise<T>, share: "shared" | "exclusive" = "shared"): Promise<T> {
    return this.lock.run(async () => {
      const reader = await this.readers.cardReader("resident");
      const { sam } = await this.sam.session();
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
      }
    });
  }

  /** Releases the kept SAM session once the operation in progress has finished (agent stopping). */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.lock.run(() => this.sam.release());
  }
}
