import { seededRandom } from "@rhc/sync";
import { z } from "zod";

/**
 * Fault knobs (contract §9), settable per test programmatically or through `/_admin/faults`.
 * Count-based knobs ("the next N") decrement as they fire, so a test states exactly what happens.
 */
export const faultsSchema = z.object({
  /** Only requests whose "METHOD path" matches this regular expression are affected. */
  routes: z.string().default(".*"),
  latencyMs: z.number().int().nonnegative().default(0),
  /** Probability of a 503 before any processing. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Every Nth matching request fails with errorStatus before processing (0 = off). */
  errorEveryNth: z.number().int().nonnegative().default(0),
  errorStatus: z.number().int().min(400).max(599).default(503),
  /** Every Nth matching request has its connection reset before processing (ECONNRESET). */
  resetEveryNth: z.number().int().nonnegative().default(0),
  /** The next N matching responses are dropped after the server committed (socket destroyed). */
  dropResponses: z.number().int().nonnegative().default(0),
  /** Probability of dropping a response after commit. */
  dropResponseRate: z.number().min(0).max(1).default(0),
  /** The next `count` matching requests get 429 with Retry-After: retryAfterS. */
  rateLimit: z
    .object({ count: z.number().int().nonnegative(), retryAfterS: z.number().int().nonnegative() })
    .default({ count: 0, retryAfterS: 1 }),
  /** inbound: requests never reach the handlers (reset); outbound: handled, answer lost; both: no answer at all (hang). */
  partition: z.enum(["none", "inbound", "outbound", "both"]).default("none"),
  /** The server process dies right after committing the next matching request (child-process mode). */
  crashAfterCommit: z.boolean().default(false),
  /** Event ids the platform permanently rejects (poison events, F7). */
  rejectEventIds: z.array(z.string()).default([]),
  /** Hotlist pages and snapshots carry a broken signature. */
  hotlistBadSignature: z.boolean().default(false),
  /** The snapshot download is cut half way (connection closed). */
  snapshotTruncate: z.boolean().default(false),
  /** How long a settle stays PENDING before the fund decision (concurrent settles see 409). */
  settleDelayMs: z.number().int().nonnegative().default(0),
  /** Malformed E1 answers (bad-input tests). */
  malformedEventsResponse: z
    .enum(["none", "json", "content-type", "shape", "oversized", "unknown-ids", "ack-beyond"])
    .default("none"),
  seed: z.number().int().default(1),
});
export type Faults = z.infer<typeof faultsSchema>;
export type FaultsPatch = z.input<typeof faultsSchema>;

export class FaultState {
  private current: Faults = faultsSchema.parse({});
  private random = seededRandom(1);
  private counter = 0;
  private re = /.*/;

  get(): Faults {
    return structuredClone(this.current);
  }

  /** Merges a partial setting into the current one (validated). */
  set(patch: FaultsPatch): Faults {
    const next = faultsSchema.parse({ ...this.current, ...patch });
    this.re = new RegExp(next.routes);
    if (patch.seed !== undefined) this.random = seededRandom(next.seed);
    if (patch.errorEveryNth !== undefined || patch.resetEveryNth !== undefined) this.counter = 0;
    this.current = next;
    return this.get();
  }

  reset(): Faults {
    this.current = faultsSchema.parse({});
    this.re = /.*/;
    this.counter = 0;
    this.random = seededRandom(1);
    return this.get();
  }

  matches(method: string, url: string): boolean {
    return !url.startsWith("/_admin") && this.re.test(`${method} ${url}`);
  }

  /** What to do before handling a matching request. */
  before():
    | { kind: "none" }
    | { kind: "reset" }
    | { kind: "hang" }
    | { kind: "error"; status: number }
    | { kind: "rate"; retryAfterS: number } {
    const f = this.current;
    if (f.partition === "inbound") return { kind: "reset" };
    if (f.partition === "both") return { kind: "hang" };
    if (f.rateLimit.count > 0) {
      f.rateLimit.count--;
      return { kind: "rate", retryAfterS: f.rateLimit.retryAfterS };
    }
    this.counter++;
    if (f.resetEveryNth > 0 && this.counter % f.resetEveryNth === 0) return { kind: "reset" };
    if (f.errorEveryNth > 0 && this.counter % f.errorEveryNth === 0) return { kind: "error", status: f.errorStatus };
    if (f.errorRate > 0 && this.random.next() < f.errorRate) return { kind: "error", status: f.errorStatus };
    return { kind: "none" };
  }

  /** What to do with the answer of a matching request after the handler committed. */
  after(): "send" | "drop" | "crash" {
    const f = this.current;
    if (f.crashAfterCommit) return "crash";
    if (f.partition === "outbound") return "drop";
    if (f.dropResponses > 0) {
      f.dropResponses--;
      return "drop";
    }
    if (f.dropResponseRate > 0 && this.random.next() < f.dropResponseRate) return "drop";
    return "send";
  }
}
