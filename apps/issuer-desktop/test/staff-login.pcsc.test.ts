import { makeStaffCardImage } from "@rhc/card-sim";
import { TestDesk } from "@rhc/card-sim/testing";
import { isRhcError } from "@rhc/errors";
import { readVectorText } from "@rhc/test-vectors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffCardLogin } from "../src/adapters/staff-card-login.js";
import { createIssuerApp } from "../src/app/create-issuer-app.js";
import { BenchCards } from "./helpers/bench-cards.js";
import { testConfig } from "./helpers/desk.js";
import { LEASE_TIMEOUT_MS, STAFF_CARD, STAFF_PIN, stackConfig, VECTORS_AT } from "./helpers/stack-config.js";
import { tempDir } from "./helpers/temp-dir.js";

let desk: TestDesk;
const dir = tempDir();
beforeAll(async () => {
  desk = await TestDesk.open();
}, LEASE_TIMEOUT_MS);
afterAll(async () => {
  await desk?.close();
  dir.remove();
});

/** The desk app with the real staff-card login; issuer cards are not needed here (pure-logic bench). */
function deskWithStaffLogin(config: ReturnType<typeof testConfig>) {
  const cards = new BenchCards();
  return createIssuerApp(config, {
    card: cards,
    feeder: cards,
    login: staffCardLogin(config, desk.transport, () => VECTORS_AT),
    readers: { status: async () => [] },
  });
}

describe("operator login with a CA staff card through pcscd", () => {
  it("needs a card, then checks chain, PIN and the card's signature over a fresh challenge", async () => {
    const config = testConfig(dir.path, stackConfig(desk));
    const login = staffCardLogin(config, desk.transport, () => VECTORS_AT);
    await expect(login.login(STAFF_PIN)).rejects.toSatisfy((e) => isRhcError(e, "NO_CARD"));

    await desk.insert("staff", STAFF_CARD);
    await expect(login.login("9999")).rejects.toSatisfy((e) => isRhcError(e) && /PIN/.test(e.code));
    const operator = await login.login(STAFF_PIN);
    expect(operator.name).toContain("测试医生");
    expect(operator.organisation).toBe("rhc-middleware test PKI");
    expect(operator.certificateSerial).toMatch(/^[0-9A-F]+$/i);
    await desk.remove("staff");
  });

  it("refuses a certificate outside the configured trust, and a chain checked after expiry", async () => {
    await desk.insert("staff", STAFF_CARD);
    const base = stackConfig(desk);
    const { vectorPath } = await import("@rhc/test-vectors");
    const foreign = testConfig(dir.path, {
      ...base,
      staffTrust: { ...base.staffTrust, anchors: [vectorPath("x509/ec/root.pem")] },
    });
    await expect(staffCardLogin(foreign, desk.transport, () => VECTORS_AT).login(STAFF_PIN)).rejects.toSatisfy(
      (e) => isRhcError(e) && e.code.startsWith("CERT_"),
    );
    const late = staffCardLogin(testConfig(dir.path, base), desk.transport, () => new Date("2040-01-01T00:00:00Z"));
    await expect(late.login(STAFF_PIN)).rejects.toSatisfy((e) => isRhcError(e) && e.code.startsWith("CERT_"));
    await desk.remove("staff");
  });

  it("ends the operator session when the staff card leaves its reader", async () => {
    const own = tempDir();
    const config = testConfig(own.path, stackConfig(desk));
    const app = deskWithStaffLogin(config);
    await desk.insert("staff", STAFF_CARD);
    const login = await app.service.invoke("session.login", { pin: STAFF_PIN }, {});
    expect(login.ok).toBe(true);
    const token = login.ok ? (login.value as { token: string }).token : "";
    expect((await app.service.invoke("batch.list", {}, { token })).ok).toBe(true);

    await desk.remove("staff");
    const after = await app.service.invoke("batch.list", {}, { token });
    expect(after.ok ? "ok" : after.problem.code).toBe("OPERATOR_REQUIRED");
    expect(
      ((await app.service.invoke("session.current", {}, { token })) as { value: { operator: unknown } }).value.operator,
    ).toBeNull();
    const actions = app.store.audit.list({ limit: 5 }).map((e) => e.kind);
    expect(actions.slice(0, 2)).toEqual(["session.ended", "session.login"]);
    await app.close();
    own.remove();
  });

  /** A staff card of the SM2 test PKI whose certificate the intermediate CA's CRL lists as revoked. */
  const revokedCard = {
    type: "image",
    options: {
      image: makeStaffCardImage({
        certificate: readVectorText("x509/sm2", "revoked.pem"),
        privateKey: readVectorText("x509/sm2", "revoked.key"),
        pin: STAFF_PIN,
      }),
    },
  } as const;

  it("refuses a revoked operator certificate (CRL), audits each refusal and locks logins after 5", async () => {
    const own = tempDir();
    const config = testConfig(own.path, stackConfig(desk));
    const app = deskWithStaffLogin(config);
    const staffApdus = async () =>
      (await desk.host.status()).find((s) => s.port === desk.port("staff"))?.apduCount ?? -1;
    await desk.insert("staff", revokedCard);
    for (let i = 0; i < 5; i++) {
      const refused = await app.service.invoke("session.login", { pin: STAFF_PIN }, {});
      expect(refused.ok ? "ok" : refused.problem.code).toBe("CERT_REVOKED");
      if (!refused.ok) {
        expect(refused.problem.message.zh).toMatch(/吊销|注销/);
        expect(refused.problem.message.en).toMatch(/revoked/i);
      }
    }
    expect(
      ((await app.service.invoke("session.current", {}, {})) as { value: { operator: unknown } }).value.operator,
    ).toBeNull();

    // The sixth attempt is refused before the card is even asked, and so is a good card now.
    const before = await staffApdus();
    const locked = await app.service.invoke("session.login", { pin: STAFF_PIN }, {});
    expect(locked.ok ? "ok" : locked.problem).toMatchObject({ code: "RATE_LIMITED", status: 429 });
    expect(await staffApdus()).toBe(before);
    await desk.remove("staff");
    await desk.insert("staff", STAFF_CARD);
    const good = await app.service.invoke("session.login", { pin: STAFF_PIN }, {});
    expect(good.ok ? "ok" : good.problem.code).toBe("RATE_LIMITED");

    // Every refusal is in the hash-chained audit with its reason, never with the PIN.
    const failed = app.store.audit.list({ kind: "session.login_failed", limit: 20 });
    expect(failed.map((e) => [e.outcome, (e.detail as { code: string }).code]).reverse()).toEqual([
      ...Array.from({ length: 5 }, () => ["refused", "CERT_REVOKED"]),
      ["throttled", "RATE_LIMITED"],
      ["throttled", "RATE_LIMITED"],
    ]);
    expect(JSON.stringify(failed.map((e) => e.detail))).not.toContain(`"${STAFF_PIN}"`);
    expect(app.store.audit.verify()).toBeUndefined(); // no broken link in the chain
    await app.close();
    own.remove();
    await desk.remove("staff");
  });
});
