import type { Clock, Random } from "./clock.js";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
/** Random bytes per id: 2 seed a new millisecond's counter, 8 carry the variant and rand_b. */
const PER_ID = 10;
const COUNTER_MAX = 0xfff;

/**
 * RFC 9562 UUIDv7 generator, monotonic per instance (§6.2 method 1): 48-bit Unix milliseconds, version
 * 7, a 12-bit counter in rand_a (seeded with a random value below 0x800 at each new millisecond, +1 for
 * each further id in the same millisecond), the variant and 62 random bits. When the clock steps back
 * the last timestamp is kept, and a counter overflow moves it on by 1 ms, so ids never go backwards.
 * Ids are sortable by creation; the device wall clock of an event is its `occurredAt`, not its id.
 */
export class Uuidv7Generator {
  private lastMs = -1;
  private counter = 0;
  private pool: Uint8Array = new Uint8Array(0);
  private pos = 0;

  /** `idsPerFetch`: random bytes are fetched for this many ids at once (one source call per chunk). */
  constructor(
    private readonly clock: Pick<Clock, "now">,
    private readonly random: Random,
    private readonly idsPerFetch = 32,
  ) {}

  next(): string {
    if (this.pos + PER_ID > this.pool.length) {
      this.pool = this.random.bytes(PER_ID * this.idsPerFetch);
      this.pos = 0;
    }
    const p = this.pool;
    const i = this.pos;
    this.pos += PER_ID;
    const now = Math.max(0, Math.floor(this.clock.now())) || 0; // NaN → 0
    if (now > this.lastMs) {
      this.lastMs = now;
      this.counter = ((p[i]! << 8) | p[i + 1]!) & 0x7ff;
    } else if (++this.counter > COUNTER_MAX) {
      this.lastMs++;
      this.counter = ((p[i]! << 8) | p[i + 1]!) & 0x7ff;
    }
    const ms = this.lastMs;
    const hi = Math.floor(ms / 0x10000); // top 32 of the 48 time bits
    const lo = ms - hi * 0x10000;
    const c = this.counter;
    return (
      HEX[hi >>> 24]! +
      HEX[(hi >>> 16) & 0xff] +
      HEX[(hi >>> 8) & 0xff] +
      HEX[hi & 0xff] +
      "-" +
      HEX[lo >>> 8] +
      HEX[lo & 0xff] +
      "-" +
      HEX[0x70 | (c >>> 8)] +
      HEX[c & 0xff] +
      "-" +
      HEX[0x80 | (p[i + 2]! & 0x3f)] +
      HEX[p[i + 3]!] +
      "-" +
      HEX[p[i + 4]!] +
      HEX[p[i + 5]!] +
      HEX[p[i + 6]!] +
      HEX[p[i + 7]!] +
      HEX[p[i + 8]!] +
      HEX[p[i + 9]!]
    );
  }
}

/** One RFC 9562 UUIDv7 (stateless: no ordering among ids of the same millisecond). */
export function uuidv7(clock: Pick<Clock, "now">, random: Random): string {
  return new Uuidv7Generator(clock, random, 1).next();
}

export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
