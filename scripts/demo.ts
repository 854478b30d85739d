// `pnpm demo`: the main job on a fresh machine. It starts the private PC/SC stack with role-named
// virtual readers, inserts a simulated card, and shows the middleware talking to it through pcscd.
// Where pcscd cannot run (not root, not Linux), it falls back to in-process virtual readers.
import {
  type CardTransport,
  cardAbsent,
  cardPresent,
  describeSw,
  fromHex,
  MemoryTransport,
  PcscTransport,
  parseResponse,
  toHex,
  waitForReader,
} from "@rhc/card-protocol";
import { CardHost, IsoTestCard } from "@rhc/card-sim";
import { ensureStack, stackCommand } from "@rhc/card-sim/testing";

const STACK = { dir: process.env.STACK_DIR ?? "/tmp/rhc-pcsc-stack" };
const READER = "Resident Card Reader 00 00";
const step = (n: number, text: string) => console.log(`\n\x1b[1m[${n}] ${text}\x1b[0m`);
const ok = (text: string) => console.log(`    ✓ ${text}`);

interface Desk {
  transport: CardTransport;
  insert(): Promise<void>;
  remove(): Promise<void>;
  close(): Promise<void>;
}

async function pcscDesk(): Promise<Desk> {
  const { info, started } = await ensureStack(STACK);
  process.env.PCSCLITE_CSOCK_NAME = info.socket;
  const port = info.readers.find((r) => r.name === READER)!.port;
  const host = await CardHost.start();
  const transport = new PcscTransport();
  ok(`private pcscd ${info.isolated ? "(own mount namespace) " : ""}pid ${info.pid}, socket ${info.socket}`);
  return {
    transport,
    insert: () => host.insert(port, { type: "iso-test", options: { content: "你好, 居民健康卡" } }),
    remove: () => host.remove(port),
    async close() {
      await transport.close();
      await host.terminate();
      if (started) await stackCommand("stop", STACK);
    },
  };
}

function memoryDesk(): Desk {
  const transport = new MemoryTransport([READER, "SAM Reader 00 00", "Staff Card Reader 00 00"]);
  const card = new IsoTestCard({ content: "你好, 居民健康卡" });
  return {
    transport,
    insert: async () =>
      transport.insert(READER, { atr: card.atr(), transmit: (c) => card.process(c), reset: () => card.power("reset") }),
    remove: async () => transport.remove(READER),
    close: () => transport.close(),
  };
}

step(1, "PC/SC stack");
let desk: Desk;
try {
  desk = await pcscDesk();
} catch (error) {
  console.log(`    ! pcscd cannot run here (${String(error).split("\n")[0]})`);
  console.log("    ! falling back to in-process virtual readers (no PC/SC service involved)");
  desk = memoryDesk();
}

try {
  step(2, "Readers");
  for (const r of await desk.transport.listReaders()) ok(`${r.name}${r.present ? " (card present)" : ""}`);

  step(3, `Insert a simulated card into "${READER}"`);
  await desk.insert();
  const status = await waitForReader(desk.transport, READER, cardPresent);
  ok(`insertion seen, ATR ${toHex(status!.atr!)}`);

  step(4, "Talk to the card");
  const conn = await desk.transport.connect(READER);
  for (const [what, hex] of [
    ["SELECT application by AID", "00A4040008F052484354455354"],
    ["SELECT EF 0101", "00A40000020101"],
    ["READ BINARY", "00B0000000"],
    ["SELECT an unknown AID", "00A4040005F000000099"],
  ] as const) {
    const r = parseResponse(await conn.transmit(fromHex(hex)));
    const data = r.data.length ? ` data ${toHex(r.data)}` : "";
    ok(`${what}: ${hex} → SW ${r.sw.toString(16).toUpperCase()} (${describeSw(r.sw).en})${data}`);
    if (what === "READ BINARY") ok(`    content: "${Buffer.from(r.data).toString("utf8")}"`);
  }

  step(5, "Remove the card");
  await desk.remove();
  await waitForReader(desk.transport, READER, cardAbsent);
  await conn.transmit(fromHex("0084000008")).then(
    () => console.log("    ✗ transmit after removal unexpectedly succeeded"),
    (error: { code?: string }) => ok(`removal seen; a transmit now fails with ${error.code}`),
  );
  console.log("\nDemo finished. Later versions run the whole issue → read → sync loop.");
} finally {
  await desk.close();
}
