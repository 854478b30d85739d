import { RhcError } from "@rhc/errors";

export interface LoginThrottleOptions {
  /** Consecutive refused logins allowed before the desk locks logins for a while. */
  maxFailures: number;
  /** First lock; each further refused login while at the limit doubles it, up to `maxLockMs`. */
  lockMs: number;
  maxLockMs: number;
}

/**
 * Slows down guessing at the login: after `maxFailures` refused logins in a row (wrong PIN,
 * untrusted or revoked certificate…) logins are refused with RATE_LIMITED until the lock ends.
 * The staff card's own PIN counter still applies; this also covers what the card cannot see
 * (certificates tried one after another). A successful login resets it.
 */
export class LoginThrottle {
  private failures = 0;
  private lockedUntil = 0;

  constructor(
    private readonly options: LoginThrottleOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws RATE_LIMITED while locked. */
  check(): void {
    const wait = this.lockedUntil - this.now();
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      throw new RhcError("RATE_LIMITED", {
        detail: `${this.failures} failed logins in a row: logins are locked for ${retryAfterSeconds} s`,
        data: { retryAfterSeconds },
      });
    }
  }

  failed(): void {
    this.failures++;
    const over = this.failures - this.options.maxFailures;
    if (over >= 0) {
      this.lockedUntil = this.now() + Math.min(this.options.lockMs * 2 ** over, this.options.maxLockMs);
    }
  }

  succeeded(): void {
    this.failures = 0;
    this.lockedUntil = 0;
  }
}
