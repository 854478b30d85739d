/**
 * Makes every command atomic: persistent card state (file contents, records, key values, retry
 * counters, lifecycle) is only changed through `set`, which remembers the old value. The engine
 * commits when a command answers and rolls back when it is refused, like a COS's anti-tearing
 * buffer. `version` counts committed changes so the host knows when to save the card image.
 */
export class Journal {
  private undo: (() => void)[] = [];
  private committed = 0;
  private pending = 0;

  set<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
    const old = target[key];
    this.undo.push(() => {
      target[key] = old;
    });
    target[key] = value;
    this.pending++;
  }

  /** Changes made by the running command (0 = it only read). */
  get changes(): number {
    return this.pending;
  }

  /** Total committed changes since the card was loaded. */
  get version(): number {
    return this.committed;
  }

  commit(): void {
    this.committed += this.pending;
    this.pending = 0;
    this.undo = [];
  }

  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
    this.undo = [];
    this.pending = 0;
  }
}
