import { RhcError } from "@rhc/errors";
import { type CommandApdu, encodeCommand } from "../apdu/command.js";
import { parseResponse, type ResponseApdu } from "../apdu/response.js";
import type { SamKeyName } from "../health-card/keys.js";
import type { CardConnection } from "../transport/types.js";
import { watch } from "./watchdog.js";

/** Secure messaging the `SecureMessaging` processor applies to a command (spec §4.5). */
export interface SmRequest {
  readonly mode: "mac" | "enc+mac";
  /** The maintenance key (STK) of the current DF. */
  readonly key: SamKeyName;
}

/** A command on its way down the pipeline. */
export interface PipelineCommand extends CommandApdu {
  readonly sm?: SmRequest;
}

/**
 * One stage of the APDU pipeline (after yubikit's processors): it sends a command, possibly
 * through further commands of its own, and returns the final response.
 */
export interface ApduProcessor {
  send(command: PipelineCommand): Promise<ResponseApdu>;
}

export interface TransportProcessorOptions {
  /** Force extended-length encoding. */
  readonly extended?: boolean;
  /**
   * Longest time one APDU may take before the card counts as mute. The native call cannot be
   * cancelled, so the connection is abandoned and released once that call returns.
   */
  readonly timeoutMs?: number;
}

/** The bottom stage: encodes, transmits over a connection, parses; counts APDUs. */
export class TransportProcessor implements ApduProcessor {
  /** Number of APDUs transmitted so far. */
  count = 0;
  private mute = false;
  private readonly encoding: { extended: boolean };

  constructor(
    readonly connection: CardConnection,
    private readonly options: TransportProcessorOptions = {},
  ) {
    this.encoding = { extended: options.extended === true };
  }

  /**
   * The hot path of every card operation: deliberately not `async` (that would wrap the answer in
   * one more promise and cost extra microtask turns per APDU); one promise per APDU and a shared
   * watchdog instead of a timer.
   */
  send(command: PipelineCommand): Promise<ResponseApdu> {
    let pending: Promise<Uint8Array>;
    try {
      if (command.sm) {
        throw new RhcError("INTERNAL", { detail: "a secure-messaging command reached the transport unprotected" });
      }
      if (this.mute) {
        throw new RhcError("CARD_MUTE", { detail: `card in "${this.connection.reader}" stopped answering` });
      }
      const raw = encodeCommand(command, this.encoding);
      this.count++;
      pending = this.connection.transmit(raw);
    } catch (error) {
      return Promise.reject(error);
    }
    const timeoutMs = this.options.timeoutMs;
    if (timeoutMs === undefined) return pending.then(parseResponse);
    return new Promise<ResponseApdu>((resolve, reject) => {
      const cancel = watch(timeoutMs, () => {
        this.mute = true;
        // Release the connection once the stuck call returns; disconnecting now could block.
        pending.then(
          () => this.connection.disconnect("reset"),
          () => this.connection.disconnect("leave"),
        );
        reject(
          new RhcError("CARD_MUTE", { detail: `no answer within ${timeoutMs} ms from "${this.connection.reader}"` }),
        );
      });
      pending.then(
        (response) => {
          cancel();
          try {
            resolve(parseResponse(response));
          } catch (error) {
            reject(error);
          }
        },
        (error: unknown) => {
          cancel();
          reject(error);
        },
      );
    });
  }
}
