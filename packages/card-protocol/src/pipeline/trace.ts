import { type DecodedCommand, decodeCommand } from "../apdu/command.js";
import { swHex } from "../apdu/response.js";
import { withTransmit } from "../transport/intercept.js";
import type { CardConnection } from "../transport/types.js";
import { toHex } from "../util/hex.js";

/** One APDU exchange as it may appear in logs and diagnostics: secrets are already removed. */
export interface TraceEntry {
  readonly seq: number;
  readonly reader: string;
  /** Wall-clock time the command was sent (ms since the epoch). */
  readonly at: number;
  readonly durationMs: number;
  /** Command in hex; redacted parts are replaced by `<… n bytes>`. */
  readonly command: string;
  /** Response data in hex (redacted likewise), without the status word. */
  readonly response: string;
  /** Status word, or the error code when the exchange failed. */
  readonly sw: string;
}

export type TraceSink = (entry: TraceEntry) => void;

export interface TraceOptions {
  /**
   * Personal data (record/binary contents read or written in plain) is redacted unless set to
   * "show" — e.g. on a developer's desk with test cards.
   */
  readonly personalData?: "redact" | "show";
}

interface RedactionRule {
  readonly name: string;
  readonly matches: (cmd: DecodedCommand) => boolean;
  /** What is hidden: the command data, the response data, or both. */
  readonly hide: { readonly command: boolean; readonly response: boolean };
  /** Personal-data rules apply only while personal data is redacted. */
  readonly personal?: true;
}

/**
 * What never reaches a trace (data over code): PINs, authentication cryptograms, SM payloads and
 * MACs, key material, and the SAM's cipher inputs/outputs (session cryptograms, ciphertext).
 */
const RULES: readonly RedactionRule[] = [
  { name: "PIN", matches: (c) => c.ins === 0x20, hide: { command: true, response: false } },
  { name: "PIN", matches: (c) => c.ins === 0x24 || c.ins === 0x2c, hide: { command: true, response: false } },
  { name: "PIN", matches: (c) => c.cla === 0x80 && c.ins === 0x5e, hide: { command: true, response: false } },
  { name: "cryptogram", matches: (c) => c.ins === 0x82, hide: { command: true, response: false } },
  { name: "cryptogram", matches: (c) => c.ins === 0x88, hide: { command: false, response: true } },
  { name: "SAM cipher", matches: (c) => c.cla === 0x80 && c.ins === 0xfa, hide: { command: true, response: true } },
  { name: "key", matches: (c) => c.ins === 0xd4, hide: { command: true, response: false } },
  { name: "secure messaging", matches: (c) => (c.cla & 0x0c) !== 0, hide: { command: true, response: true } },
  {
    name: "personal data",
    matches: (c) => c.cla === 0x00 && [0xb0, 0xb2].includes(c.ins),
    hide: { command: false, response: true },
    personal: true,
  },
  {
    name: "personal data",
    matches: (c) => c.cla === 0x00 && [0xd6, 0xdc, 0xe2].includes(c.ins),
    hide: { command: true, response: false },
    personal: true,
  },
];

const GET_RESPONSE = 0xc0;
const UNPARSABLE: RedactionRule = { name: "unparsable", matches: () => true, hide: { command: true, response: true } };

function hidden(name: string, length: number): string {
  return `<${name} ${length} bytes>`;
}

function renderCommand(raw: Uint8Array, decoded: DecodedCommand | undefined, rule: RedactionRule | undefined): string {
  if (!decoded) return hidden("unparsable command", raw.length);
  if (!rule?.hide.command || !decoded.data) return toHex(raw);
  const n = decoded.data.length;
  const lc = decoded.extended ? `00${n.toString(16).padStart(4, "0")}` : n.toString(16).padStart(2, "0");
  const le = decoded.le === undefined ? "" : ` Le=${decoded.le}`;
  return `${toHex(raw.subarray(0, 4))}${lc.toUpperCase()} ${hidden(rule.name, n)}${le}`;
}

/**
 * Wraps a connection so that every exchange is reported to `sink` with secrets removed. A GET
 * RESPONSE inherits the redaction of the command whose 61xx it continues.
 */
export function traceConnection(
  connection: CardConnection,
  sink: TraceSink,
  options: TraceOptions = {},
): CardConnection {
  const showPersonal = options.personalData === "show";
  let seq = 0;
  let carry: RedactionRule | undefined;

  const ruleFor = (decoded: DecodedCommand | undefined): RedactionRule | undefined => {
    if (!decoded) return UNPARSABLE;
    if (decoded.cla === 0x00 && decoded.ins === GET_RESPONSE) return carry;
    return RULES.find((r) => (!r.personal || !showPersonal) && r.matches(decoded));
  };

  return withTransmit(connection, async (command) => {
    let decoded: DecodedCommand | undefined;
    try {
      decoded = decodeCommand(command);
    } catch {
      decoded = undefined;
    }
    const rule = ruleFor(decoded);
    const at = Date.now();
    const start = performance.now();
    const base = { seq: ++seq, reader: connection.reader, at, command: renderCommand(command, decoded, rule) };
    try {
      const response = await connection.transmit(command);
      const body = response.subarray(0, Math.max(0, response.length - 2));
      const sw =
        response.length >= 2 ? swHex((response[response.length - 2]! << 8) | response[response.length - 1]!) : "????";
      carry = sw.startsWith("61") ? rule : undefined;
      const shown = rule?.hide.response && body.length > 0 ? hidden(rule.name, body.length) : toHex(body);
      sink({ ...base, durationMs: performance.now() - start, response: shown, sw });
      return response;
    } catch (error) {
      carry = undefined;
      const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "ERROR";
      sink({ ...base, durationMs: performance.now() - start, response: "", sw: code });
      throw error;
    }
  });
}

/** A bounded in-memory trace for diagnostics reports. */
export class TraceBuffer {
  private readonly items: TraceEntry[] = [];

  constructor(private readonly capacity = 500) {}

  readonly sink: TraceSink = (entry) => {
    this.items.push(entry);
    if (this.items.length > this.capacity) this.items.shift();
  };

  entries(): readonly TraceEntry[] {
    return [...this.items];
  }

  clear(): void {
    this.items.length = 0;
  }

  /** One line per exchange: `#12 00A4000002DDF1 → 9000`. */
  format(): string {
    return this.items
      .map((e) => `#${e.seq} ${e.reader} ${e.command} → ${e.response ? `${e.response} ` : ""}${e.sw}`)
      .join("\n");
  }
}
