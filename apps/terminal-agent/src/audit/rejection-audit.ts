import type { RateLimiter } from "../api/rate-limit.js";
import type { AgentAudit, AuditRecord } from "./agent-audit.js";

/**
 * Audit lines for rejected requests (bad or missing tokens), bounded by a rate limiter so that a
 * local process hammering the API cannot grow the audit log without end. Nothing is lost from
 * the count: the next line written carries `suppressed`, the number of rejections not written
 * since the previous one.
 */
export class RejectionAudit {
  private suppressed = 0;

  constructor(
    private readonly audit: AgentAudit,
    private readonly limiter: RateLimiter,
  ) {}

  record(r: AuditRecord): void {
    if (!this.limiter.tryTake(r.action)) {
      this.suppressed++;
      return;
    }
    const suppressed = this.suppressed;
    this.suppressed = 0;
    this.audit.record(suppressed > 0 ? { ...r, data: { ...r.data, suppressed } } : r);
  }
}
