import { PassThrough } from "node:stream";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { censor, isSensitiveKey, Secret } from "./secret.js";

function capture() {
  const sink = new PassThrough();
  const lines: string[] = [];
  sink.on("data", (c: Buffer) => lines.push(c.toString("utf8")));
  return { log: createLogger({ level: "trace", destination: sink }), text: () => lines.join("") };
}

describe("Secret", () => {
  it("never prints its value, whichever way it is turned into text", () => {
    const pin = new Secret("123456");
    expect(String(pin)).toBe("[REDACTED]");
    expect(`${pin}`).toBe("[REDACTED]");
    expect(JSON.stringify({ pin })).toBe('{"pin":"[REDACTED]"}');
    expect(inspect({ nested: { pin } })).not.toContain("123456");
    expect(pin.reveal()).toBe("123456");
  });
});

describe("log redaction", () => {
  it("censors PINs, keys and tokens by field name, Secrets anywhere, and raw bytes", () => {
    const { log, text } = capture();
    log.info(
      {
        body: { pin: "654321", newPin: "111111", samPin: "222222", clinicianPin: new Secret("333333") },
        headers: { authorization: "Bearer rhc1_abc_SECRETSECRET" },
        masterKey: "00112233445566778899AABBCCDDEEFF",
        apdu: new Uint8Array([0x00, 0x20, 0x00, 0x00, 0x03, 0x12, 0x34, 0x56]),
        list: [{ token: "tok-999" }],
        harmless: { typing: "ok", keyId: "K1", cardNo: "110101" },
      },
      "request with %s",
      new Secret("777777"),
    );
    const out = text();
    for (const secret of [
      "654321",
      "111111",
      "222222",
      "333333",
      "SECRETSECRET",
      "AABBCCDDEEFF",
      "tok-999",
      "777777",
      "123456",
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain("[8 bytes]");
    expect(out).toContain('"typing":"ok"');
    expect(out).toContain('"keyId":"K1"');
    expect(out).toContain('"cardNo":"110101"');
  });

  it("classifies field names by word, not by substring", () => {
    for (const k of [
      "pin",
      "PIN",
      "newPin",
      "sam_pin",
      "password",
      "clientSecret",
      "token",
      "authorization",
      "privateKey",
      "key",
      "sessionKeys",
    ]) {
      expect(isSensitiveKey(k), k).toBe(true);
    }
    for (const k of [
      "typing",
      "mapping",
      "keyId",
      "spin",
      "cardNo",
      "tokenizerName".replace("tokenizer", "tokenise"),
    ]) {
      expect(isSensitiveKey(k), k).toBe(false);
    }
  });

  it("keeps booleans and absent values (a 'pinVerified: true' flag is not a secret)", () => {
    expect(censor({ pinVerified: true, pin: undefined, tokenCount: 3 })).toEqual({
      pinVerified: true,
      pin: undefined,
      tokenCount: "[REDACTED]",
    });
  });

  it("censors secrets inside error objects logged with err", () => {
    const { log, text } = capture();
    const error = Object.assign(new Error("verify failed"), { pin: "909090" });
    log.error({ err: error }, "failure");
    expect(text()).toContain("verify failed");
    expect(text()).not.toContain("909090");
  });
});
