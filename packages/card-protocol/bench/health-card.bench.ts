// Issue-8 figures: identity read (DDF1 EF05+EF06+EF08), full read (+ photo, DF01, DF02) and visit
// history read through pcscd + vpcd against a card-sim resident card and PSAM. Ours: a fresh
// HealthCardSession per operation. Baseline, in the same run and interleaved round by round: the
// vendor APDU flow of spec §6 (one DLL function per file) replayed with the bare smartcard binding.
// Goals: fewer APDUs, wall-time ratio ≤ 1.0.
//
// Fairness: both sides start from a card and a PIN-verified SAM already connected, learn cityF
// from the card (vendor: PowerOn), send ≤ 0x80-byte READ BINARY blocks and the same SAM
// cryptography. Ours also decodes every field into typed values (the baseline decodes nothing,
// which favours it); the history read is compared without signature checks (the vendor flow has
// none) and the cost of checking every record's signature is reported as its own figure.
// The ratio is median/median; details add the median and p10–p90 of the per-pair ratios.
import { createRequire } from "node:module";
import { report, stats, timePair } from "@rhc/benchmark";
import { CardHost, makePsamImage, makeResidentImage } from "@rhc/card-sim";
import { ensureStack, stackCommand } from "@rhc/card-sim/testing";
import { cardPresent, HealthCardSession, PcscTransport, SamSession, waitForReader } from "../src/index.js";
import { type RawTransmit, VendorTerminal, vendorFullRead, vendorIdentity, vendorVisitHistory } from "./vendor-flow.js";

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Ratios of the samples taken side by side (same round, same position): robust to load drift. */
function pairedRatios(measured: readonly number[], baseline: readonly number[]) {
  const ratios = measured.map((m, i) => m / baseline[i]!).sort((a, b) => a - b);
  const at = (q: number) => ratios[Math.round((ratios.length - 1) * q)]!;
  return { median: at(0.5), p10: at(0.1), p90: at(0.9) };
}

const stack = {
  dir: "/tmp/rhc-pcsc-bench-health",
  basePort: 40963,
  names: ["Bench Card Reader", "Bench SAM Reader"],
  isolate: "auto" as const,
};
const CARD_READER = "Bench Card Reader 00 00";
const SAM_READER = "Bench SAM Reader 00 00";
const REGION = "410100";

const { info, started } = await ensureStack(stack);
process.env.PCSCLITE_CSOCK_NAME = info.socket;
const host = await CardHost.start();
const transport = new PcscTransport();
try {
  await host.insert(stack.basePort, {
    type: "resident",
    options: { image: makeResidentImage({ seed: "bench-1", region: REGION }) },
  });
  await host.insert(stack.basePort + 2, { type: "psam", options: { image: makePsamImage({ region: REGION }) } });
  await waitForReader(transport, CARD_READER, cardPresent);
  await waitForReader(transport, SAM_READER, cardPresent);

  const sam = await SamSession.open(await transport.connect(SAM_READER));
  await sam.verifyPin("123456");
  const cardConnection = await transport.connect(CARD_READER);

  // Visit records to read back: 2 inpatient, 3 outpatient, signed by the SAM (not timed).
  const writer = HealthCardSession.open(cardConnection, { sam });
  for (let i = 0; i < 2; i++)
    await writer.writeVisitRecord("inpatient", { admissionDate: `2024010${i + 1}`, lengthOfStay: 3 + i });
  for (let i = 0; i < 3; i++) {
    await writer.writeVisitRecord("outpatient", {
      institutionName: "基准医院",
      visitDateTime: `2024020${i + 1}090000`,
      costAmount1: 100 * (i + 1),
    });
  }

  const sc = createRequire(import.meta.url)("smartcard") as typeof import("smartcard");
  const ctx = new sc.Context();
  const readers = ctx.listReaders();
  const protocol = sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1;
  const bareCard = await readers.find((r) => r.name === CARD_READER)!.connect(sc.SCARD_SHARE_SHARED, protocol);
  const bareSam = await readers.find((r) => r.name === SAM_READER)!.connect(sc.SCARD_SHARE_SHARED, protocol);
  const rawCard: RawTransmit = (apdu) => bareCard.transmit(apdu);
  const rawSam: RawTransmit = (apdu) => bareSam.transmit(apdu);
  const cardF = cardConnection.atr.slice(5, 13);

  const operations = [
    {
      name: "identity-read",
      what: "identity read (DDF1 EF05+EF06+EF08)",
      ours: (s: HealthCardSession) => s.readIdentity(),
      vendor: vendorIdentity,
      rounds: 60,
    },
    {
      name: "full-read",
      what: "full read (identity + photo + DF01 + DF02)",
      ours: (s: HealthCardSession) => s.readAll(),
      vendor: vendorFullRead,
      rounds: 30,
    },
    {
      name: "visit-history-read",
      what: "visit history read (indexes + 2 EE + 3 ED records)",
      ours: (s: HealthCardSession) => s.readVisitHistory({ verify: false }),
      vendor: vendorVisitHistory,
      rounds: 30,
    },
  ];

  for (const op of operations) {
    // APDU counts of one operation (card + SAM), from a fresh session / fresh DLL call sequence.
    const probe = HealthCardSession.open(cardConnection, { sam });
    const samBefore = sam.channel.apduCount;
    await op.ours(probe);
    const ourApdus = probe.apduCount + (sam.channel.apduCount - samBefore);
    const vendor = new VendorTerminal(rawCard, rawSam, cardF);
    await op.vendor(vendor);
    const vendorApdus = vendor.count;

    const { measured, baseline } = await timePair(
      () => op.ours(HealthCardSession.open(cardConnection, { sam })),
      () => op.vendor(new VendorTerminal(rawCard, rawSam, cardF)),
      { rounds: op.rounds, perRound: 2, warmup: 3 },
    );
    const m = stats(measured.map((us) => us / 1000));
    const b = stats(baseline.map((us) => us / 1000));
    const paired = pairedRatios(measured, baseline);
    report({
      name: `card-protocol.${op.name}-ms`,
      unit: "ms",
      value: m.median,
      baseline: b.median,
      samples: m.count,
      note: `median wall time of the ${op.what}: HealthCardSession vs the spec §6 vendor flow on the bare binding; goal ratio ≤ 1.0`,
      details: {
        oursP90: m.p90,
        vendorP90: b.p90,
        ourApdus,
        vendorApdus,
        pairedRatioMedian: round3(paired.median),
        pairedRatioP10: round3(paired.p10),
        pairedRatioP90: round3(paired.p90),
      },
    });
    report({
      name: `card-protocol.${op.name}-apdus`,
      unit: "APDUs",
      value: ourApdus,
      baseline: vendorApdus,
      samples: 1,
      note: `card + SAM APDUs of the ${op.what}: ours vs the vendor flow; goal fewer`,
    });
  }

  // What checking every record's signature (SM2 over the record, SAM certificate) adds to the
  // history read: the same read verified vs unverified, interleaved.
  {
    const { measured, baseline } = await timePair(
      () => HealthCardSession.open(cardConnection, { sam }).readVisitHistory(),
      () => HealthCardSession.open(cardConnection, { sam }).readVisitHistory({ verify: false }),
      { rounds: 20, perRound: 2, warmup: 2 },
    );
    const check = await HealthCardSession.open(cardConnection, { sam }).readVisitHistory();
    if (check.some((e) => e.signature !== "valid")) throw new Error("a benchmark record does not verify");
    const m = stats(measured.map((us) => us / 1000));
    const b = stats(baseline.map((us) => us / 1000));
    report({
      name: "card-protocol.visit-history-verified-ms",
      unit: "ms",
      value: m.median,
      baseline: b.median,
      samples: m.count,
      note: "visit history read with every record's signature checked vs the same read unchecked (the cost of verification; same APDUs)",
      details: { oursP90: m.p90, uncheckedP90: b.p90, records: check.length },
    });
  }

  bareCard.disconnect(sc.SCARD_LEAVE_CARD);
  bareSam.disconnect(sc.SCARD_LEAVE_CARD);
  ctx.close();
  await cardConnection.disconnect();
  await sam.close();
} finally {
  await transport.close();
  await host.terminate();
  if (started) await stackCommand("stop", stack);
}
