import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ClientStore } from "./client-store.js";
import { PairingService } from "./pairing.js";
import { parseToken, secretMatches } from "./tokens.js";

function setup() {
  let now = new Date("2025-01-01T08:00:00Z");
  const path = join(mkdtempSync(join(tmpdir(), "rhc-pair-")), "clients.json");
  const store = new ClientStore(path);
  const pairing = new PairingService(store, { ttlSeconds: 300, maxPending: 2, tokenTtlDays: 30, clock: () => now });
  return { path, store, pairing, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe("PairingService", () => {
  it("issues a token whose hash is persisted and whose secret matches", () => {
    const { path, pairing } = setup();
    const r = pairing.request({ clientName: "HIS", scopes: ["read-basic", "write"], origin: undefined });
    const client = pairing.approve(r.code, ["write", "settle"]);
    expect(client.scopes).toEqual(["write"]);
    const got = pairing.collect(r.requestId);
    if (got.state !== "approved") throw new Error("not approved");
    const parsed = parseToken(got.token.reveal())!;
    expect(parsed.clientId).toBe(client.clientId);
    const reloaded = new ClientStore(path).get(client.clientId)!;
    expect(secretMatches(parsed.secret, reloaded.tokenHash)).toBe(true);
    expect(reloaded.expiresAt).toBe("2025-01-31T08:00:00.000Z");
  });

  it("expires pending requests and bounds how many may wait", () => {
    const { pairing, advance } = setup();
    const a = pairing.request({ clientName: "a", scopes: ["read-basic"], origin: undefined });
    pairing.request({ clientName: "b", scopes: ["read-basic"], origin: undefined });
    expect(() => pairing.request({ clientName: "c", scopes: ["read-basic"], origin: undefined })).toThrow(
      expect.objectContaining({ code: "RATE_LIMITED" }),
    );
    advance(301_000);
    expect(pairing.pending()).toHaveLength(0);
    expect(() => pairing.approve(a.code)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => pairing.collect(a.requestId)).toThrow(expect.objectContaining({ code: "PAIRING_EXPIRED" }));
  });

  it("refuses an approval that would grant nothing", () => {
    const { pairing } = setup();
    const r = pairing.request({ clientName: "a", scopes: ["read-basic"], origin: undefined });
    expect(() => pairing.approve(r.code, ["settle"])).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
  });
});
