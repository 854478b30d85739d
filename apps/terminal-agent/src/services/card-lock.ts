/**
 * One desk, one card operation at a time: a read, a write, a login or a compat call each own the
 * readers until they finish, so two HIS requests never interleave APDUs on the same card.
 */
export class CardLock {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(work: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(work, work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.pending--;
    });
  }

  /** Operations waiting or running (diagnostics). */
  get depth(): number {
    return this.pending;
  }
}
