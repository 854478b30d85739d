// Capture and byte-for-byte replay of an APDU script, for the personalisation benchmark only: the
// recording holds commands and answers in clear (PINs, cryptograms), so it never leaves the bench.
import { type CardConnection, type CardTransport, withTransmit } from "@rhc/card-protocol";

export type Target = "card" | "sam";

/** One exchange as it went over the wire: where, what was sent, what came back (data ‖ SW). */
export interface Exchange {
  readonly to: Target;
  readonly command: Uint8Array;
  readonly response: Uint8Array;
}

/**
 * Wraps `transport` so that, while `recording` is set, every exchange on its connections is
 * appended to `exchanges`. When off, a transmit costs one extra call and a branch.
 */
export class RecordingTransport implements CardTransport {
  readonly kind: CardTransport["kind"];
  recording = false;
  exchanges: Exchange[] = [];

  constructor(
    private readonly inner: CardTransport,
    private readonly targetOf: (reader: string) => Target,
  ) {
    this.kind = inner.kind;
  }

  listReaders: CardTransport["listReaders"] = () => this.inner.listReaders();
  waitForChange: CardTransport["waitForChange"] = (since, options) => this.inner.waitForChange(since, options);
  close: CardTransport["close"] = () => this.inner.close();

  /** Starts a new recording; returns the one that was running. */
  restart(): Exchange[] {
    const done = this.exchanges;
    this.exchanges = [];
    this.recording = true;
    return done;
  }

  async connect(reader: string, options?: Parameters<CardTransport["connect"]>[1]): Promise<CardConnection> {
    const conn = await this.inner.connect(reader, options);
    const to = this.targetOf(reader);
    return withTransmit(conn, (command) => {
      if (!this.recording) return conn.transmit(command);
      const sent = command.slice();
      return conn.transmit(command).then((response) => {
        this.exchanges.push({ to, command: sent, response: response.slice() });
        return response;
      });
    });
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

/** Throws unless both scripts hold the same commands and answers in the same order. */
export function assertSameScript(expected: readonly Exchange[], actual: readonly Exchange[], what: string): void {
  if (expected.length !== actual.length) {
    throw new Error(`${what}: ${actual.length} exchanges instead of ${expected.length}`);
  }
  for (const [i, e] of expected.entries()) {
    const a = actual[i]!;
    if (a.to !== e.to || hex(a.command) !== hex(e.command) || hex(a.response) !== hex(e.response)) {
      throw new Error(
        `${what}: exchange ${i + 1} differs: ${e.to} ${hex(e.command)} → ${hex(e.response)} / ${a.to} ${hex(a.command)} → ${hex(a.response)}`,
      );
    }
  }
}

/** A raw transmit of the bare binding. */
export type RawTransmit = (command: Buffer) => Promise<Buffer>;

/**
 * Sends the script's commands as they were recorded (Buffers prepared beforehand, so the replay
 * pays nothing but the transmits) and returns the answers for the caller to compare afterwards.
 */
export function prepareReplay(script: readonly Exchange[]): { to: Target; command: Buffer }[] {
  return script.map((e) => ({ to: e.to, command: Buffer.from(e.command) }));
}

export async function replay(
  steps: readonly { to: Target; command: Buffer }[],
  targets: Record<Target, RawTransmit>,
): Promise<Buffer[]> {
  const answers = new Array<Buffer>(steps.length);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    answers[i] = await targets[step.to](step.command);
  }
  return answers;
}

/**
 * Answers the recorded script in order, for cards of both targets sharing one cursor: "cards"
 * that cost nothing, so running the personaliser against them measures its own software alone.
 * A command that is not the recorded one throws (the run would not be the same personalisation).
 */
export class ScriptedAnswers {
  private position = 0;

  constructor(private readonly script: readonly Exchange[]) {}

  rewind(): void {
    this.position = 0;
  }

  get done(): boolean {
    return this.position === this.script.length;
  }

  answer(to: Target, command: Uint8Array): Uint8Array {
    const e = this.script[this.position++];
    if (!e || e.to !== to || hex(e.command) !== hex(command)) {
      throw new Error(
        `scripted ${to}: exchange ${this.position} is ${e ? `${e.to} ${hex(e.command)}` : "past the end"}, got ${hex(command)}`,
      );
    }
    return e.response;
  }
}
