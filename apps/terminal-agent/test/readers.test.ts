import { TestDesk } from "@rhc/card-sim/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair, startTestAgent, type TestAgent } from "./support/agent.js";
import { http } from "./support/http.js";

let desk: TestDesk;
let t: TestAgent;
let token: string;

beforeAll(async () => {
  desk = await TestDesk.open();
  // Production defaults: virtual readers are refused.
  t = await startTestAgent(desk, (c) => ({ ...c, readers: { ...c.readers, allowVirtual: false } }));
  token = await pair(t.agent, ["read-basic"]);
});

afterAll(async () => {
  await t?.close();
  await desk?.close();
});

const auth = () => ({ authorization: `Bearer ${token}` });

describe("virtual readers in production", () => {
  it("marks vpcd readers as virtual and refused, and the desk roles as unusable", async () => {
    const r = await http(`${t.agent.url}/v1/readers`, { headers: auth() });
    const body = r.body as {
      pcsc: string;
      readers: Array<{ name: string; role: string | null; virtual: boolean; refused: boolean }>;
    };
    expect(body.pcsc).toBe("up");
    const resident = body.readers.find((x) => x.name === desk.readerName("resident"));
    expect(resident).toMatchObject({ role: "resident", virtual: true, refused: true });
    const status = await http(`${t.agent.url}/v1/status`, { headers: auth() });
    expect(status.body).toMatchObject({
      pcsc: "up",
      roles: { resident: { reader: desk.readerName("resident"), usable: false } },
    });
  });

  it("shows pcscd, its reader configuration and the readers in the diagnostics report", async () => {
    const r = await http(`${t.agent.url}/v1/diagnostics`, { headers: auth() });
    const pcsc = (r.body as { sections: Record<string, { ok: boolean; data: Record<string, unknown> }> }).sections
      .pcsc!;
    expect(pcsc.ok).toBe(true);
    expect(pcsc.data.service).toBe("up");
    expect(pcsc.data.socket).toMatchObject({ exists: true });
    expect(pcsc.data.processes).toContainEqual(
      expect.objectContaining({ configDir: expect.stringContaining("reader.conf.d") }),
    );
    expect(pcsc.data.readers).toContainEqual(
      expect.objectContaining({ name: desk.readerName("sam"), role: "sam", refused: true }),
    );
  });
});
