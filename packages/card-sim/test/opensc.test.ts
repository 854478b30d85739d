import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cardPresent, PcscTransport, waitForReader } from "@rhc/card-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeResidentImage } from "../src/generator/resident.js";
import { CardHost } from "../src/host/card-host.js";
import { ensureStack, stackCommand } from "../src/testing/index.js";

// A third-party PC/SC client (OpenSC's opensc-tool, Debian package `opensc`) sees a normal ISO
// card: it reads the ATR and exchanges SELECT / READ RECORD / READ BINARY with a simulated card.
// opensc-tool polls every reader it can see, so it gets a private pcscd of its own: on the shared
// one it would touch other test files' lanes (their exclusive connections, their resets).
const run = promisify(execFile);
const image = makeResidentImage({ seed: "opensc-1", region: "410100" });
const stack = {
  dir: `/tmp/rhc-pcsc-opensc-${process.pid}`,
  basePort: 38563,
  names: ["OpenSC Test Reader"],
  isolate: "1" as const,
};
const READER = "OpenSC Test Reader 00 00";
let host: CardHost;
let transport: PcscTransport;
let socket = "";

beforeAll(async () => {
  ({
    info: { socket },
  } = await ensureStack(stack));
  // libpcsclite reads the socket name once per process, before the first PC/SC call.
  process.env.PCSCLITE_CSOCK_NAME = socket;
  host = await CardHost.start();
  transport = new PcscTransport();
  await host.insert(stack.basePort, { type: "resident", options: { image } });
  await waitForReader(transport, READER, cardPresent);
});
afterAll(async () => {
  await transport?.close();
  await host?.terminate();
  await stackCommand("stop", stack);
});

async function openscTool(...args: string[]): Promise<string> {
  const { stdout, stderr } = await run("opensc-tool", ["-r", READER, ...args], {
    env: { ...process.env, PCSCLITE_CSOCK_NAME: socket },
    timeout: 20_000,
  });
  return stdout + stderr;
}

describe("opensc-tool against a simulated resident card", () => {
  it("reads the ATR", async () => {
    const out = await openscTool("-a");
    expect(out.toLowerCase()).toContain(`3b:69:00:00:57:${image.cardF.toLowerCase().match(/../g)!.join(":")}`);
  });

  it("selects DDF1 by name and by FID, reads EF05 records and the free-read city code", async () => {
    const out = await openscTool(
      "-s",
      "00A404000C57532E5359532E444446303100",
      "-s",
      "00A4000002EF05",
      "-s",
      "00B2390005",
      "-s",
      "00A4000002EF07",
      "-s",
      "00B0000002",
      "-s",
      "00CA000000",
    );
    const lines = out.split("\n").filter((l) => l.startsWith("Received"));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toContain("SW1=0x90, SW2=0x00");
    expect(lines[1]).toContain("SW1=0x90, SW2=0x00");
    expect(out).toMatch(/39 03 41 01 00/);
    expect(lines[3]).toContain("SW1=0x90, SW2=0x00");
    expect(lines[4]).toContain("SW1=0x69, SW2=0x82");
    expect(lines[5]).toContain("SW1=0x6D, SW2=0x00");
  });
});
