import { openSyncStore } from "@rhc/sync";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { DeskAudit } from "./desk-audit.js";

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

function store() {
  const dir = tempDir();
  dirs.push(dir);
  return openSyncStore({ path: dir.file("issuer.db"), terminalId: "ISSUER-T1", checkpointIntervalMs: 0 });
}

describe("DeskAudit", () => {
  it("records operator, card, key version and digest in the store's hash chain", () => {
    const s = store();
    const audit = new DeskAudit(s.audit);
    audit.append({
      actor: "op-1",
      action: "card.issued",
      subject: "X1",
      data: { keyVersion: 1, readBackDigest: "ab" },
    });
    audit.append({ actor: "op-1", action: "card.reported_lost", subject: "X1", data: { reason: "lost" } });
    const [lost, issued] = audit.list(10);
    expect(issued).toMatchObject({ actor: "op-1", action: "card.issued", subject: "X1", data: { keyVersion: 1 } });
    expect(lost!.prevHash).toBe(issued!.hash);
    expect(audit.verify()).toEqual({ ok: true, brokenAt: null });

    s.context.db.exec("DROP TRIGGER audit_no_update");
    s.context.db.prepare("UPDATE audit_log SET detail = ? WHERE id = ?").run('{"actor":"mallory"}', issued!.seq);
    expect(audit.verify()).toEqual({ ok: false, brokenAt: issued!.seq });
    s.close();
  });

  it("refuses secrets in audit data", () => {
    const s = store();
    const audit = new DeskAudit(s.audit);
    expect(() =>
      audit.append({ actor: "op", action: "session.login", subject: "op", data: { card: { pin: "1" } } }),
    ).toThrow(/secret field card.pin/);
    expect(audit.list()).toEqual([]);
    s.close();
  });
});
