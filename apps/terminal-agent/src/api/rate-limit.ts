import { RhcError } from "@rhc/errors";

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Token bucket per key (a client id, or one shared key for unauthenticated pairing requests):
 * `burst` requests at once, refilled at `perSecond`. A runaway HIS loop gets 429 with Retry-After
 * instead of starving the desk's card reader for everyone.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token if there is one; false otherwise (for limits that must not fail the request). */
  tryTake(key: string): boolean {
    try {
      this.take(key);
      return true;
    } catch {
      return false;
    }
  }

  /** Takes one token or throws RATE_LIMITED with `retryAfterSeconds` in `data`. */
  take(key: string): void {
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updated: t };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((t - bucket.updated) / 1000) * this.perSecond);
    bucket.updated = t;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
      throw new RhcError("RATE_LIMITED", {
        detail: `limit ${this.perSecond}/s, burst ${this.burst}`,
        data: { retryAfterSeconds },
      });
    }
    bucket.tokens -= 1;
  }
}
