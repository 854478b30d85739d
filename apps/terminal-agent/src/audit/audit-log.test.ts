import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AuditLog, verifyAuditFile } from "./audit-log.js";

function freshPath(): string {
  return join(mkdtempSync(join(tmpdir(), "rhc-audit-")), "audit.jsonl");
}

function writeSome(path: string, n: number): void {
  const log = AuditLog.open(path);
  for (let i = 0; i < n; i++)
    log.append({ action: "clinician.login", actor: `clinician:${i}`, outcome: "ok", data: { i } });
  log.close();
}

describe("AuditLog", () => {
  it("chains entries with SM3 and continues the chain across restarts", () => {
    const path = freshPath();
    writeSome(path, 3);
    writeSome(path, 2);
    const v = verifyAuditFile(path);
    expect(v).toMatchObject({ ok: true, entries: 5, tornTail: false });
    const lines = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[3].prev).toBe(lines[2].hash);
  });

  it("detects a changed entry, a removed entry and reordering", () => {
    const path = freshPath();
    writeSome(path, 4);
    const lines = readFileSync(path, "utf8").split("\n");
    const changed = [...lines];
    changed[1] = changed[1]!.replace('"clinician:1"', '"clinician:9"');
    writeFileSync(path, changed.join("\n"));
    expect(verifyAuditFile(path)).toMatchObject({ ok: false, brokenAt: 2, reason: expect.stringMatching(/hash/) });
    writeFileSync(path, [lines[0], lines[2], lines[3], ""].join("\n"));
    expect(verifyAuditFile(path)).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it("never logs secrets in entry data", () => {
    const path = freshPath();
    const log = AuditLog.open(path);
    log.append({
      action: "clinician.login",
      actor: "clinician:x",
      outcome: "denied",
      data: { pin: "123456", triesLeft: 2 },
    });
    log.close();
    expect(readFileSync(path, "utf8")).not.toContain("123456");
    expect(verifyAuditFile(path).ok).toBe(true);
  });

  it("drops a torn last line left by a crash and says so in the chain", () => {
    const path = freshPath();
    writeSome(path, 2);
    appendFileSync(path, '{"seq":3,"at":"2025-');
    expect(verifyAuditFile(path)).toMatchObject({ ok: true, tornTail: true, entries: 2 });
    const log = AuditLog.open(path);
    log.close();
    const text = readFileSync(path, "utf8");
    expect(text).toContain("audit.torn_tail_dropped");
    expect(verifyAuditFile(path)).toMatchObject({ ok: true, tornTail: false, entries: 3 });
  });

  it("keeps a tampered file as evidence and starts a new chain that names it", () => {
    const path = freshPath();
    writeSome(path, 3);
    writeFileSync(path, readFileSync(path, "utf8").replace('"outcome":"ok"', '"outcome":"denied"'));
    const log = AuditLog.open(path);
    log.close();
    const evidence = readdirSync(join(path, "..")).filter((f) => f.includes(".tampered-"));
    expect(evidence).toHaveLength(1);
    const first = JSON.parse(readFileSync(path, "utf8").split("\n")[0]!);
    expect(first).toMatchObject({ seq: 1, action: "audit.tampering_detected", data: { brokenAt: 1 } });
    expect(verifyAuditFile(path).ok).toBe(true);
  });
});
