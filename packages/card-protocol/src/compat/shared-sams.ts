import type { SamSession } from "../sam/sam-session.js";

interface SharedSam {
  readonly session: Promise<SamSession>;
  readonly holders: Set<number>;
}

/**
 * One SAM session per SAM reader, shared by every compat handle that powered that SAM and closed
 * when the last of them lets go. Why: opening a session re-selects the SAM's DF01, which clears a
 * SAM PIN another handle verified; one session per physical SAM also keeps its view of the SAM's
 * current file and PIN state true for all handles.
 */
export class SharedSams {
  private readonly sams = new Map<string, SharedSam>();

  constructor(private readonly openSession: (reader: string) => Promise<SamSession>) {}

  /**
   * The session of `reader` for `holder`. Joins the session other handles hold (their PIN state
   * stays); a handle holding it alone gets a fresh one (a real power-on, e.g. after the SAM was
   * reinserted); the first handle opens it.
   */
  async acquire(reader: string, holder: number): Promise<SamSession> {
    const shared = this.sams.get(reader);
    if (shared && !(shared.holders.size === 1 && shared.holders.has(holder))) {
      shared.holders.add(holder);
      return this.settle(reader, shared, holder);
    }
    // The new entry is in place before anything is awaited, so a handle powering on meanwhile joins
    // the new session rather than the one being closed.
    const opened: SharedSam = {
      session: (async () => {
        if (shared) await this.closeQuietly(shared.session);
        return this.openSession(reader);
      })(),
      holders: new Set([holder]),
    };
    this.sams.set(reader, opened);
    return this.settle(reader, opened, holder);
  }

  /** `holder` lets go of `reader`'s session; the last holder closes it. */
  async release(reader: string, holder: number): Promise<void> {
    const shared = this.sams.get(reader);
    if (!shared?.holders.delete(holder) || shared.holders.size > 0) return;
    this.sams.delete(reader);
    await this.closeQuietly(shared.session);
  }

  /** A failed open leaves no entry behind: every waiting holder gets the error, the next try opens anew. */
  private async settle(reader: string, shared: SharedSam, holder: number): Promise<SamSession> {
    try {
      return await shared.session;
    } catch (error) {
      shared.holders.delete(holder);
      if (this.sams.get(reader) === shared) this.sams.delete(reader);
      throw error;
    }
  }

  private async closeQuietly(session: Promise<SamSession>): Promise<void> {
    await session.then((s) => s.close()).catch(() => undefined);
  }
}
