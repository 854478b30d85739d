import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Runs operations one at a time, in call order: a card operation is a sequence of APDUs (SELECT,
 * authentication, reads) that must not interleave with another caller's. Re-entrant: an operation
 * may call other operations of the same owner without waiting for itself.
 */
export class OperationQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly inside = new AsyncLocalStorage<true>();

  run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.inside.getStore()) return operation();
    const result = this.tail.then(() => this.inside.run(true, operation));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Replaces each named method of `target` by a queued version of itself. */
  static serialize<T extends object>(target: T, queue: OperationQueue, methods: readonly (keyof T & string)[]): void {
    for (const name of methods) {
      const original = target[name];
      if (typeof original !== "function") throw new TypeError(`${name} is not a method`);
      const bound = (original as (...args: unknown[]) => Promise<unknown>).bind(target);
      Object.defineProperty(target, name, {
        value: (...args: unknown[]) => queue.run(() => bound(...args)),
        configurable: true,
        writable: true,
      });
    }
  }
}
