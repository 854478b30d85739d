import { CardHost } from "@rhc/card-sim";
import { ensureStack, readStackInfo, stackCommand } from "@rhc/card-sim/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair, startTestAgent, type TestAgent } from "./support/agent.js";
import { psamCard, residentCard, trustConfig } from "./support/cards.js";
import { http } from "./support/http.js";
import { type EventStream, openEvents } from "./support/ws.js";

// This file kills pcscd, so it runs its own private instance and never disturbs the shared one.
const stack = {
  dir: `/tmp/rhc-pcsc-restart-agent-${process.pid}`,
  basePort: 40963,
  names: ["Resident Card Reader", "SAM Reader"],
  isolate: "1" as const,
};
const RESIDENT = "Resident Card Reader 00 00";
const SAM_PORT = stack.basePort + 2;
const card = residentCard("agent-restart-1");

let host: CardHost;
let t: TestAgent;
let token: string;
let stream: EventStream;

beforeAll(async () => {
  const { info } = await ensureStack(stack);
  // libpcsclite reads the socket name once per process, before the first PC/SC call.
  process.env.PCSCLITE_CSOCK_NAME = info.socket;
  host = await CardHost.start();
  t = await startTestAgent({ resident: RESIDENT, sam: "SAM Reader 00 00" }, (c) => ({
    ...c,
    ...trustConfig(),
    policy: { hotlist: { neverLoaded: "warn" } },
  }));
  token = await pair(t.agent, ["read-basic"]);
  await host.insert(SAM_PORT, psamCard());
  stream = await openEvents(`${t.agent.url}/v1/events`, { authorization: `Bearer ${token}` });
});

afterAll(async () => {
  stream?.socket.close();
  await t?.close();
  await host?.terminate();
  await stackCommand("stop", stack);
});

const readCard = () =>
  http(`${t.agent.url}/v1/card/read`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: { sections: ["identity"] },
  });
const status = async () =>
  (await http(`${t.agent.url}/v1/status`, { headers: { authorization: `Bearer ${token}` } })).body as { pcsc: string };

describe("pcscd stopped and restarted while the agent runs", () => {
  it("announces pcsc.down, reports PCSC_UNAVAILABLE, then recovers by itself with the card seen again", async () => {
    await host.insert(stack.basePort, card.spec);
    await stream.next((m) => m.type === "card.inserted" && (m.data as { reader: string }).reader === RESIDENT);
    expect((await readCard()).status).toBe(200);

    process.kill(readStackInfo(stack.dir)!.pid, "SIGKILL");
    const down = await stream.next((m) => m.type === "pcsc.down");
    expect(down.data).toMatchObject({ code: "PCSC_UNAVAILABLE" });
    expect(stream.messages).toContainEqual(
      expect.objectContaining({ type: "card.removed", data: expect.objectContaining({ reader: RESIDENT }) }),
    );
    expect((await status()).pcsc).toBe("down");
    const readers = await http(`${t.agent.url}/v1/readers`, { headers: { authorization: `Bearer ${token}` } });
    expect(readers.body).toMatchObject({ pcsc: "down", error: { code: "PCSC_UNAVAILABLE" }, readers: [] });
    const refused = await readCard();
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: "PCSC_UNAVAILABLE", retriable: true });

    await stackCommand("stop", stack); // clean up the killed instance's files
    await ensureStack(stack);
    // Their sockets died with pcscd: the cards are inserted again, as a desk user would.
    await host.remove(stack.basePort);
    await host.remove(SAM_PORT);
    await host.insert(SAM_PORT, psamCard());
    await host.insert(stack.basePort, card.spec);
    await stream.next((m) => m.type === "pcsc.up", 15_000);
    await stream.next(
      (m) =>
        m.type === "card.inserted" &&
        (m.data as { reader: string }).reader === RESIDENT &&
        (m.seq as number) > (down.seq as number),
      15_000,
    );
    await stream.next(
      (m) =>
        m.type === "card.inserted" &&
        (m.data as { reader: string }).reader === "SAM Reader 00 00" &&
        (m.seq as number) > (down.seq as number),
      15_000,
    );
    expect((await status()).pcsc).toBe("up");
    const again = await readCard();
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ cardNo: card.person.citizenId });
  });
});
