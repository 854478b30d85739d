import { TestDesk } from "@rhc/card-sim/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair, startTestAgent, type TestAgent } from "./support/agent.js";
import { http } from "./support/http.js";
import { expectDeclaredData, openEvents } from "./support/ws.js";

let desk: TestDesk;
let t: TestAgent;
let token: string;

beforeAll(async () => {
  desk = await TestDesk.open();
  t = await startTestAgent(desk);
  token = await pair(t.agent, ["read-basic"]);
});

afterAll(async () => {
  await t?.close();
  await desk?.close();
});

const isType = (type: string, role?: string) => (m: Record<string, unknown>) =>
  m.type === type && (role === undefined || (m.data as { role?: string }).role === role);

describe("events WebSocket", () => {
  it("sends a hello with the readers, then card insertion and removal in the resident reader", async () => {
    const stream = await openEvents(`${t.agent.url}/v1/events`, { authorization: `Bearer ${token}` });
    const hello = await stream.next(isType("hello"));
    const readers = (hello.data as { readers: Array<{ name: string; role: string | null }> }).readers;
    expect(readers).toContainEqual(expect.objectContaining({ name: desk.readerName("resident"), role: "resident" }));

    const inserted = await desk.insert("resident", { type: "iso-test", options: {} });
    const event = await stream.next(isType("card.inserted", "resident"));
    expect(event.data).toMatchObject({ reader: desk.readerName("resident"), atr: expect.stringMatching(/^3B/) });
    expect(inserted.present).toBe(true);

    await desk.remove("resident");
    const removed = await stream.next(isType("card.removed", "resident"));
    expect(removed.seq as number).toBeGreaterThan(event.seq as number);
    for (const m of [hello, event, removed]) expectDeclaredData(m);
    stream.socket.close();
  });

  it("accepts a one-time ticket (for browsers) and refuses its reuse", async () => {
    const issued = await http(`${t.agent.url}/v1/events/tickets`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(issued.status).toBe(201);
    const { ticket } = issued.body as { ticket: string };
    const stream = await openEvents(`${t.agent.url}/v1/events?ticket=${ticket}`, { origin: "http://his.test" });
    expect((await stream.next(isType("hello"))).type).toBe("hello");
    stream.socket.close();
    await expect(openEvents(`${t.agent.url}/v1/events?ticket=${ticket}`)).rejects.toMatchObject({
      status: 401,
      body: { code: "UNAUTHORIZED" },
    });
    expect(t.logs()).not.toContain(ticket);
  });

  it("refuses unpaired clients and foreign origins at the upgrade", async () => {
    await expect(openEvents(`${t.agent.url}/v1/events`)).rejects.toMatchObject({ status: 401 });
    await expect(
      openEvents(`${t.agent.url}/v1/events`, { authorization: `Bearer ${token}`, origin: "https://evil.example" }),
    ).rejects.toMatchObject({ status: 403, body: { code: "ORIGIN_REJECTED" } });
  });
});
