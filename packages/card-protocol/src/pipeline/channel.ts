import type { ResponseApdu } from "../apdu/response.js";
import { swError } from "../apdu/status-words.js";
import type { CardConnection } from "../transport/types.js";
import { BINARY_CHUNK, BinaryChunker } from "./binary-chunker.js";
import { ResponseChaining } from "./chaining.js";
import type { ApduProcessor, PipelineCommand } from "./processor.js";
import { TransportProcessor } from "./processor.js";
import { type CardFactors, type SamCryptoPort, SecureMessaging } from "./secure-messaging.js";

export interface PipelineOptions {
  /** Milliseconds one APDU may take before the card counts as mute (default 15 s). */
  readonly timeoutMs?: number;
  /** Secure messaging through this SAM (user card only). */
  readonly sam?: SamCryptoPort;
  readonly factors?: () => CardFactors;
  /**
   * Largest READ/UPDATE BINARY block; the user card gets 0x80 (vendor practice), a SAM `false`
   * (its files are read in one APDU, spec §7.2).
   */
  readonly binaryChunk?: number | false;
}

/**
 * The top of a card's APDU pipeline: transport ← ResponseChaining ← BinaryChunker ←
 * SecureMessaging (when a SAM is given). Sessions talk to the card only through a channel.
 */
export class ApduChannel {
  readonly transport: TransportProcessor;
  private readonly top: ApduProcessor;

  constructor(
    readonly connection: CardConnection,
    options: PipelineOptions = {},
  ) {
    this.transport = new TransportProcessor(connection, { timeoutMs: options.timeoutMs ?? 15_000 });
    const chaining = new ResponseChaining(this.transport);
    const chunk = options.binaryChunk ?? BINARY_CHUNK;
    let top: ApduProcessor = chunk === false ? chaining : new BinaryChunker(chaining, chunk);
    if (options.sam && options.factors) top = new SecureMessaging(top, options.sam, options.factors);
    this.top = top;
  }

  /** APDUs transmitted on this channel so far (GET RESPONSEs and SM helpers included). */
  get apduCount(): number {
    return this.transport.count;
  }

  send(command: PipelineCommand): Promise<ResponseApdu> {
    return this.top.send(command);
  }

  /** Sends and insists on 9000; anything else becomes the typed error of the status word. */
  async call(command: PipelineCommand, context: string): Promise<Uint8Array> {
    const response = await this.top.send(command);
    if (response.sw !== 0x9000) throw swError(response.sw, context);
    return response.data;
  }
}
