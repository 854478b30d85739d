import { existsSync } from "node:fs";
import os from "node:os";
import { findPcscdProcesses, pcscdSocketPath } from "@rhc/card-protocol";
import { toRhcError } from "@rhc/errors";
import type { ReaderDirectory } from "../readers/reader-directory.js";
import type { DeskCards } from "../services/desk-cards.js";
import type { SyncRuntime } from "../services/sync.js";

/** One section of the report; a probe that fails reports its error instead of sinking the report. */
export type Probe = () => Promise<Record<string, unknown>> | Record<string, unknown>;

export interface DiagnosticsReport {
  generatedAt: string;
  sections: Record<string, { ok: boolean; data?: Record<string, unknown>; error?: { code: string; detail?: string } }>;
}

/**
 * The report hospital IT sends when something is wrong: pcscd, readers and roles, ATRs, SAM,
 * list versions and ages, queue, clock, versions. Services register their probes as they start.
 */
export class DiagnosticsService {
  private readonly probes = new Map<string, Probe>();

  register(name: string, probe: Probe): void {
    this.probes.set(name, probe);
  }

  async report(clock: () => Date = () => new Date()): Promise<DiagnosticsReport> {
    const sections: DiagnosticsReport["sections"] = {};
    for (const [name, probe] of this.probes) {
      try {
        sections[name] = { ok: true, data: await probe() };
      } catch (error) {
        const e = toRhcError(error);
        sections[name] = { ok: false, error: { code: e.code, ...(e.detail ? { detail: e.detail } : {}) } };
      }
    }
    return { generatedAt: clock().toISOString(), sections };
  }
}

/** pcscd processes, socket and what the reader directory sees. */
export function pcscProbe(readers: ReaderDirectory): Probe {
  return () => {
    const socket = pcscdSocketPath();
    const snapshot = readers.snapshot();
    return {
      service: snapshot.pcsc,
      error: snapshot.error ? { code: snapshot.error.code, detail: snapshot.error.detail } : null,
      socket: { path: socket, exists: existsSync(socket) },
      processes: findPcscdProcesses(),
      readers: snapshot.readers,
      missingRoles: snapshot.missingRoles,
    };
  };
}

export function versionsProbe(agentVersion: string, startedAt: Date, terminalId: string): Probe {
  return () => ({
    agent: agentVersion,
    terminalId,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    hostname: os.hostname(),
    uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    pid: process.pid,
  });
}

/** Queue depth and oldest event, list versions and ages, clock offset, delivery counters. */
export function syncProbe(sync: SyncRuntime): Probe {
  return () => {
    const status = sync.store.status();
    return {
      platformConfigured: sync.client !== undefined,
      ...status,
      delivery: sync.delivery ? { ...sync.delivery.stats } : null,
    };
  };
}

/** The SAM: reader, terminal number, serial and version, PIN state; errors say what is wrong. */
export function samProbe(cards: DeskCards): Probe {
  return () =>
    cards.withSam(async (sam, reader) => {
      const info = await sam.publicInfo();
      return {
        reader: reader.name,
        atr: reader.atr ?? null,
        terminalNumber: await sam.terminalNumber(),
        serial: info.serial,
        version: info.version,
        pin: await sam.pinState(),
        cardLockDepth: cards.lock.depth,
      };
    });
}
