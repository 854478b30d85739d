/**
 * Runs operations one at a time, in call order: a card operation is a sequence of APDUs (SELECT,
 * authentication, reads) that must not interleave with another caller's. Deliberately not
 * re-entrant: operations call each other's implementations, never the queued entry points.
 * (No AsyncLocalStorage: in Node 20 it enables promise hooks that tax every promise of the app.)
 */
export class OperationQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
