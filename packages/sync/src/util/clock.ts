import { randomBytes, randomFillSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";

/** Monotonic position of the device: which boot, and how long since it (never jumps with NTP). */
export interface MonoTime {
  bootId: string;
  uptimeMs: number;
}

/**
 * Time source of the sync package. Injected so tests can run clock nemeses (F10) and seeded
 * whole-system runs (F16); production uses {@link systemClock}.
 */
export interface Clock {
  /** Device wall clock, epoch milliseconds. May jump (NTP steps, operator changes). */
  now(): number;
  mono(): MonoTime;
}

/** Randomness source (UUIDs, jitter). Injected for reproducible runs. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  bytes(n: number): Uint8Array;
}

function readBootId(): string {
  try {
    // Linux exposes a per-boot UUID; elsewhere a per-process id is the honest fallback.
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return randomUUID();
  }
}

let bootId: string | undefined;

// Uptime at process start plus the monotonic process clock: no syscall per event, never jumps.
let uptimeBase: { os: number; perf: number } | undefined;

export const systemClock: Clock = {
  now: () => Date.now(),
  mono: () => {
    bootId ??= readBootId();
    uptimeBase ??= { os: os.uptime() * 1000, perf: performance.now() };
    return { bootId, uptimeMs: Math.round(uptimeBase.os + performance.now() - uptimeBase.perf) };
  },
};

// Random bytes come from a pooled CSPRNG buffer: one getrandom call per 4 KiB, not per event.
const POOL = Buffer.alloc(4096);
let poolPos = POOL.length;
function take(n: number): Buffer {
  if (n > POOL.length) return randomBytes(n);
  if (poolPos + n > POOL.length) {
    randomFillSync(POOL);
    poolPos = 0;
  }
  poolPos += n;
  return POOL.subarray(poolPos - n, poolPos);
}

export const systemRandom: Random = {
  next: () => take(4).readUInt32BE(0) / 2 ** 32,
  bytes: (n) => new Uint8Array(take(n)),
};

/** Deterministic PRNG (mulberry32): the same seed gives the same run. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    next,
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
}
