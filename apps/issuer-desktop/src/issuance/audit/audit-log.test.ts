import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { openDatabase } from "../store/database.js";
import { AuditLog, GENESIS_HASH } from "./audit-log.js";

const dirs: ReturnType<typeof tempDir>[] = [];
function freshDb() {
  const dir = tempDir();
  dirs.push(dir);
  return { file: dir.file("desk.db"), db: openDatabase(dir.file("desk.db")) };
}
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

const entry = (n: number) => ({
  actor: "op-001",
  action: "card.issued",
  subject: `11010519491231002${n}`,
  data: { keyVersion: 1, readBackDigest: `d${n}` },
});

describe("AuditLog", () => {
  it("chains records and verifies the whole chain after reopening the file", () => {
    const { file, db } = freshDb();
    const log = new AuditLog(db);
    const first = log.append(entry(1));
    const second = log.append(entry(2));
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(second.prevHash).toBe(first.hash);
    db.close();

    const reopened = new AuditLog(openDatabase(file));
    reopened.append(entry(3));
    expect(reopened.verify()).toEqual({ ok: true, count: 3, brokenAt: null });
    expect(reopened.list(2).map((r) => r.seq)).toEqual([3, 2]);
  });

  it("refuses UPDATE and DELETE at the storage level", () => {
    const { db } = freshDb();
    new AuditLog(db).append(entry(1));
    expect(() => db.prepare("UPDATE audit SET actor = 'mallory'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM audit").run()).toThrow(/append-only/);
  });

  it("detects an edited record and a removed record once the triggers are bypassed", () => {
    const { db } = freshDb();
    const log = new AuditLog(db);
    for (let i = 1; i <= 4; i++) log.append(entry(i));
    db.exec("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;");

    db.prepare("UPDATE audit SET data = ? WHERE seq = 2").run(JSON.stringify({ keyVersion: 9 }));
    expect(log.verify()).toEqual({ ok: false, count: 1, brokenAt: 2 });

    const { db: db2 } = freshDb();
    const log2 = new AuditLog(db2);
    for (let i = 1; i <= 4; i++) log2.append(entry(i));
    db2.exec("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 3;");
    expect(log2.verify()).toEqual({ ok: false, count: 2, brokenAt: 4 });
  });

  it("never stores secrets", () => {
    const { db } = freshDb();
    const log = new AuditLog(db);
    expect(() => log.append({ ...entry(1), data: { operator: { pin: "123456" } } })).toThrow(
      /secret field operator.pin/,
    );
    expect(log.verify().count).toBe(0);
  });
});
