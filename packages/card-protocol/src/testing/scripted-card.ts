import type { MemoryCard } from "../transport/memory.js";
import { fromHex, toHex } from "../util/hex.js";

/** A response, or a function computing it from the command (for answers that depend on it). */
export type ScriptAnswer = string | ((command: Uint8Array) => string);
/** Expected command (hex, spaces allowed; `..` matches any byte) and the card's answer (data ‖ SW). */
export type ScriptStep = readonly [expected: string, answer: ScriptAnswer];

const clean = (hex: string) => hex.replace(/\s/g, "").toUpperCase();

function matches(pattern: string, actual: string): boolean {
  if (pattern.length !== actual.length) return false;
  for (let i = 0; i < pattern.length; i += 2) {
    const p = pattern.slice(i, i + 2);
    if (p !== ".." && p !== actual.slice(i, i + 2)) return false;
  }
  return true;
}

/**
 * A card that expects an exact APDU script (after web-eid's libpcsc-mock): each command must be
 * the next step's, in order. A deviation answers 6F00 and is reported by `assertDone()`, so tests
 * prove the byte sequences of the spec's flows, the APDU count included.
 */
export class ScriptedCard implements MemoryCard {
  readonly atr: Uint8Array;
  private readonly steps: ScriptStep[] = [];
  private position = 0;
  private readonly problems: string[] = [];
  readonly received: string[] = [];

  constructor(atr: string, steps: readonly ScriptStep[] = []) {
    this.atr = fromHex(atr);
    this.expect(...steps);
  }

  /** Appends steps to the script. */
  expect(...steps: readonly ScriptStep[]): this {
    this.steps.push(...steps);
    return this;
  }

  transmit(command: Uint8Array): Uint8Array {
    const actual = toHex(command);
    this.received.push(actual);
    const step = this.steps[this.position];
    if (!step) {
      this.problems.push(`unexpected extra command #${this.position + 1}: ${actual}`);
      return fromHex("6F00");
    }
    this.position++;
    const [expected, answer] = step;
    if (!matches(clean(expected), actual)) {
      this.problems.push(`command #${this.position}: expected ${clean(expected)}, got ${actual}`);
      return fromHex("6F00");
    }
    return fromHex(typeof answer === "string" ? answer : answer(command));
  }

  /** Throws unless every step ran, in order, with the expected bytes. */
  assertDone(): void {
    if (this.position < this.steps.length) {
      this.problems.push(
        `script stopped at step ${this.position + 1} of ${this.steps.length}: ${clean(this.steps[this.position]![0])}`,
      );
    }
    if (this.problems.length > 0) throw new Error(this.problems.join("\n"));
  }
}
