import { createHash } from "node:crypto";

/**
 * Deterministic byte streams for test data: SHA-256 in counter mode over a label. The same seed
 * always gives the same card, so tests and demos can name a card by its seed.
 */
export class SeededRandom {
  private counter = 0;
  private buffer = new Uint8Array(0);

  constructor(private readonly label: string) {}

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (this.buffer.length === 0) {
        this.buffer = new Uint8Array(
          createHash("sha256")
            .update(`${this.label}#${this.counter++}`)
            .digest(),
        );
      }
      const take = Math.min(this.buffer.length, length - filled);
      out.set(this.buffer.subarray(0, take), filled);
      this.buffer = this.buffer.subarray(take);
      filled += take;
    }
    return out;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    const b = this.bytes(4);
    return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  digits(count: number): string {
    let s = "";
    for (let i = 0; i < count; i++) s += String(this.int(10));
    return s;
  }
}

/** A 16-byte key from a label (test keys only). */
export function seededKey(label: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(`rhc-card-sim/key/${label}`).digest()).slice(0, 16);
}
