import { afterAll, describe, expect, it } from "vitest";
import { BenchCards } from "../../test/helpers/bench-cards.js";
import { TEST_OPERATOR, testConfig } from "../../test/helpers/desk.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { createIssuerApp } from "../app/create-issuer-app.js";
import { CHANNEL_NAMES, type Envelope, type IssuerEvent } from "../shared/channels.js";
import { forwardEvents, IPC_EVENT, IPC_PREFIX, type IpcMainLike, registerIpcChannels } from "./ipc-bridge.js";

/**
 * The Electron bridge under plain Node: ipcMain is the only stand-in (a handler table, what
 * Electron's ipcMain is to the bridge); the app behind it is the real one on a real SQLite file.
 */
const APP_URL = "file:///opt/rhc-issuer/resources/renderer/index.html";
const dir = tempDir();
const cards = new BenchCards();
const app = createIssuerApp(
  testConfig(dir.path),
  {
    card: cards,
    feeder: cards,
    login: { login: async () => ({ ...TEST_OPERATOR }) },
    readers: { status: async () => [] },
  },
  "electron",
);
afterAll(async () => {
  await app.close();
  dir.remove();
});

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Parameters<IpcMainLike["handle"]>[1]>();
  handle(channel: string, listener: Parameters<IpcMainLike["handle"]>[1]): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  call(channel: string, input: unknown, url: string | null = APP_URL): Promise<Envelope<unknown>> {
    const handler = this.handlers.get(`${IPC_PREFIX}${channel}`);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return Promise.resolve(handler({ senderFrame: url === null ? null : { url } }, input)) as Promise<
      Envelope<unknown>
    >;
  }
}

const ipc = new FakeIpcMain();
const unregister = registerIpcChannels(ipc, app, (url) => url === APP_URL);
const code = (e: Envelope<unknown>) => (e.ok ? "ok" : e.problem.code);

describe("IPC bridge", () => {
  it("registers one handler per channel of the table", () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(CHANNEL_NAMES.map((n) => `${IPC_PREFIX}${n}`).sort());
  });

  it("refuses calls from any frame but the app's renderer, without running them", async () => {
    for (const url of ["https://evil.example/", "file:///tmp/other.html", `${APP_URL}#x`, "", null]) {
      const answer = await ipc.call("session.login", { pin: "123456" }, url);
      expect(code(answer), String(url)).toBe("ORIGIN_REJECTED");
    }
    expect(app.store.audit.list({ kind: "session.login" })).toEqual([]);
    expect(((await ipc.call("session.current", {})) as { value: { operator: unknown } }).value.operator).toBeNull();
  });

  it("refuses invalid payloads with the channel's zod schema", async () => {
    for (const [channel, input] of [
      ["session.login", { pin: "12" }],
      ["session.login", { pin: 123456 }],
      ["session.login", "123456"],
      ["batch.import", { name: "x", csv: 5 }],
      ["resident.lookup", { citizenId: "not-an-id" }],
    ] as const) {
      const answer = await ipc.call(channel, input);
      expect(code(answer), `${channel} ${JSON.stringify(input)}`).toBe("INVALID_INPUT");
    }
    expect(app.store.audit.list({ kind: "session.login" })).toEqual([]);
  });

  it("routes valid calls to the service: the window is trusted once an operator logged in", async () => {
    expect(await ipc.call("app.info", {})).toMatchObject({ ok: true, value: { mode: "electron" } });
    expect(code(await ipc.call("batch.list", {}))).toBe("OPERATOR_REQUIRED");
    const login = await ipc.call("session.login", { pin: "123456" });
    expect(login).toMatchObject({ ok: true, value: { operator: { id: TEST_OPERATOR.id } } });
    expect(await ipc.call("batch.list", {})).toEqual({ ok: true, value: { batches: [] } });
    expect(app.store.audit.list({ kind: "session.login" })).toHaveLength(1);
  });

  it("forwards pushed events to the window until unsubscribed, and unregisters every handler", () => {
    const sent: [string, IssuerEvent][] = [];
    const stop = forwardEvents(app, (channel, event) => sent.push([channel, event]));
    app.events.emit({ type: "readers", readers: [] });
    stop();
    app.events.emit({ type: "readers", readers: [] });
    expect(sent).toEqual([[IPC_EVENT, { type: "readers", readers: [] }]]);
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });
});
