/**
 * Deadlines for in-flight APDUs without a timer per APDU (setTimeout + clearTimeout cost more than
 * the rest of the pipeline): one shared, unref'd interval checks every pending deadline and stops
 * when nothing is in flight. Precision is TICK_MS, ample for timeouts of a second and more.
 */
const TICK_MS = 50;

interface Watch {
  readonly deadline: number;
  readonly fire: () => void;
}

const watches = new Set<Watch>();
let ticker: NodeJS.Timeout | undefined;

function tick(): void {
  const now = performance.now();
  for (const w of watches) {
    if (w.deadline > now) continue;
    watches.delete(w);
    w.fire();
  }
  if (watches.size === 0 && ticker) {
    clearInterval(ticker);
    ticker = undefined;
  }
}

/** Calls `fire` once `ms` have passed, unless the returned cancel function runs first. */
export function watch(ms: number, fire: () => void): () => void {
  const w: Watch = { deadline: performance.now() + ms, fire };
  watches.add(w);
  if (!ticker) {
    ticker = setInterval(tick, TICK_MS);
    ticker.unref();
  }
  return () => watches.delete(w);
}
