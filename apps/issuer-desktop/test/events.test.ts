import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IssuerAdapters } from "../src/app/create-issuer-app.js";
import { type IssuerServer, startIssuerServer } from "../src/server/start-issuer-server.js";
import { BenchCards } from "./helpers/bench-cards.js";
import { TEST_OPERATOR, testConfig } from "./helpers/desk.js";
import { buildRenderer } from "./helpers/renderer.js";
import { resident, residentsCsv } from "./helpers/residents.js";
import { tempDir } from "./helpers/temp-dir.js";

/**
 * `GET /api/events` over real HTTP: the operator's session token is required, and batch progress
 * carries the row's state only, never the holder's record or the card plan. Cards are the
 * pure-logic harness here; the staff-card login is a stand-in (real logins: staff-login.pcsc).
 */
let server: IssuerServer;
const dir = tempDir();
const cards = new BenchCards();
const adapters: IssuerAdapters = {
  card: cards,
  feeder: cards,
  login: { login: async () => ({ ...TEST_OPERATOR }) },
  readers: { status: async () => [] },
};

beforeAll(async () => {
  await buildRenderer();
  server = await startIssuerServer(testConfig(dir.path), adapters);
});
afterAll(async () => {
  await server.close();
  dir.remove();
});

const post = async (channel: string, body: unknown, token?: string) => {
  const res = await fetch(`${server.url}/api/${channel}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { ok: boolean; value: Record<string, unknown> & { token: string } };
};

/** Reads SSE `data:` payloads until `stop` says so or the server ends the stream. */
async function readEvents(
  res: Response,
  stop: (events: unknown[]) => boolean,
): Promise<{ events: unknown[]; raw: string }> {
  const events: unknown[] = [];
  let raw = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    raw += decoder.decode(chunk, { stream: true });
    events.splice(0, events.length, ...[...raw.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!)));
    if (stop(events)) break;
  }
  return { events, raw };
}

const PUBLIC_ITEM_KEYS = ["attempts", "chipSerial", "citizenId", "error", "name", "row", "state"];

describe("pushed events (web mode)", () => {
  it("refuse a listener without the operator's session token", async () => {
    for (const headers of [{}, { authorization: "Bearer forged" }, { authorization: "Basic x" }] as Record<
      string,
      string
    >[]) {
      const res = await fetch(`${server.url}/api/events`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { problem: { code: string } }).problem.code).toBe("OPERATOR_REQUIRED");
    }
  });

  it("stream batch progress without resident data or plan, and end with the session", async () => {
    const { token } = (await post("session.login", { pin: "123456" })).value;
    const holders = [resident(41), resident(42), resident(43)];
    const imported = await post("batch.import", { name: "事件批次", csv: residentsCsv(holders) }, token);
    const id = (imported.value.batch as { id: string }).id;

    const res = await fetch(`${server.url}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reading = readEvents(res, (events) =>
      events.some((e) => (e as { batch?: { status: string } }).batch?.status === "done"),
    );
    expect((await post("batch.start", { id }, token)).ok).toBe(true);
    const { events, raw } = await reading;

    const items = events.flatMap((e) =>
      (e as { item?: Record<string, unknown> }).item ? [(e as { item: Record<string, unknown> }).item] : [],
    );
    expect(items.filter((i) => i.state === "issued").map((i) => i.row)).toEqual([2, 3, 4]); // CSV lines (1 = header)
    for (const item of items) expect(Object.keys(item).sort()).toEqual(PUBLIC_ITEM_KEYS);
    // Nothing of the holder's record beyond row identity: no address, phone, birth date, no plan.
    for (const h of holders) {
      expect(raw).not.toContain(h.address1!);
      expect(raw).not.toContain(h.phone1!);
    }
    expect(raw).not.toMatch(/"(resident|plan|eventId|elements|photo)"/);

    // After logout the open stream is closed at the next event instead of carrying it.
    const second = await fetch(`${server.url}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    await post("session.logout", {}, token);
    const ended = readEvents(second, () => false);
    server.app.events.emit({ type: "readers", readers: [] });
    expect((await ended).events).toEqual([]);
  });
});
