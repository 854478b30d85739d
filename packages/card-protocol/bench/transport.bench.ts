// Round trip of a short APDU through pcscd + vpcd: our PcscTransport vs the bare smartcard binding,
// interleaved in the same run against the same simulated card. Goal: ratio ≤ 1.05.
import { createRequire } from "node:module";
import { report, stats, timePair } from "@rhc/benchmark";
import { CardHost } from "@rhc/card-sim";
import { ensureStack, stackCommand } from "@rhc/card-sim/testing";
import { cardPresent, fromHex, PcscTransport, waitForReader } from "../src/index.js";

const stack = { dir: "/tmp/rhc-pcsc-bench", basePort: 39963, names: ["Bench Reader"], isolate: "auto" as const };
const READER = "Bench Reader 00 00";
const APDU = fromHex("00A4000C023F00"); // SELECT MF, no FCI: 7 bytes out, 9000 back

const { info, started } = await ensureStack(stack);
process.env.PCSCLITE_CSOCK_NAME = info.socket;
const host = await CardHost.start();
const transport = new PcscTransport();
try {
  await host.insert(stack.basePort, { type: "iso-test" });
  await waitForReader(transport, READER, cardPresent);

  const sc = createRequire(import.meta.url)("smartcard") as typeof import("smartcard");
  const ctx = new sc.Context();
  const reader = ctx.listReaders().find((r) => r.name === READER)!;
  const bare = await reader.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1);
  const ours = await transport.connect(READER);
  const bareBuffer = Buffer.from(APDU);

  const { measured, baseline } = await timePair(
    () => ours.transmit(APDU),
    () => bare.transmit(bareBuffer),
    { rounds: 20, perRound: 250, warmup: 200 },
  );
  const m = stats(measured);
  const b = stats(baseline);
  const note =
    "µs per SELECT round trip through pcscd+vpcd, PcscTransport vs bare smartcard binding; goal ratio ≤ 1.05";
  report({
    name: "card-protocol.transport-rtt-median",
    unit: "µs",
    value: m.median,
    baseline: b.median,
    samples: m.count,
    note,
    details: { oursP90: m.p90, bareP90: b.p90 },
  });
  report({
    name: "card-protocol.transport-rtt-p99",
    unit: "µs",
    value: m.p99,
    baseline: b.p99,
    samples: m.count,
    note: "p99 of the same samples",
  });

  await ours.disconnect();
  bare.disconnect(sc.SCARD_LEAVE_CARD);
  ctx.close();
} finally {
  await transport.close();
  await host.terminate();
  if (started) await stackCommand("stop", stack);
}
