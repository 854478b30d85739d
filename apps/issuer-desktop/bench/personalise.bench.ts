// Personalisation per card through pcscd + vpcd (simulated blank card + ISAM): the desk's
// personaliser (pipeline, SM, ISAM key wrap, data, DF03, ACTIVATE) vs the bare APDU script of the
// same card replayed with raw transmits, alternating in the same run. Blank cards of the same seed
// answer the same challenges, so the replay performs the same writes (its successes are reported).
import { performance } from "node:perf_hooks";
import { report, stats } from "@rhc/benchmark";
import {
  type CardConnection,
  type CardTransport,
  cardAbsent,
  cardPresent,
  PcscTransport,
  waitForReader,
} from "@rhc/card-protocol";
import { CardHost } from "@rhc/card-sim";
import { ensureStack, stackCommand } from "@rhc/card-sim/testing";
import { PcscPersonaliser } from "../src/adapters/pcsc-personaliser.js";
import { parseConfig } from "../src/issuance/config.js";
import { cardElements } from "../src/issuance/issue-workflow.js";
import { normalizePhoto } from "../src/issuance/photo/normalize-photo.js";
import { CardDictionaryCatalog } from "../src/issuance/resident/card-dictionary-catalog.js";
import { portrait } from "../test/helpers/portrait.js";
import { resident } from "../test/helpers/residents.js";

const ROUNDS = Number(process.env.BENCH_CARDS ?? 12);
const stack = {
  dir: "/tmp/rhc-pcsc-issuer-bench",
  basePort: 40163,
  names: ["Issuer Card Reader", "Issuer SAM Reader", "Replay Card Reader", "Replay SAM Reader"],
  isolate: "auto" as const,
};
const { info, started } = await ensureStack(stack);
process.env.PCSCLITE_CSOCK_NAME = info.socket;
const port = (name: string) => info.readers.find((r) => r.name === `${name} 00 00`)!.port;
const host = await CardHost.start();
const transport = new PcscTransport();

type Step = { to: "card" | "sam"; bytes: Uint8Array };
let script: Step[] | undefined;
let recording: Step[] = [];

/** Records every command the personaliser sends, tagged with the reader it went to. */
const recorder: CardTransport = {
  kind: transport.kind,
  listReaders: () => transport.listReaders(),
  waitForChange: (since, options) => transport.waitForChange(since, options),
  close: () => transport.close(),
  async connect(reader, options) {
    const conn = await transport.connect(reader, options);
    const to = reader.startsWith("Issuer SAM") ? "sam" : "card";
    const wrapped: CardConnection = {
      get reader() {
        return conn.reader;
      },
      get atr() {
        return conn.atr;
      },
      get protocol() {
        return conn.protocol;
      },
      get share() {
        return conn.share;
      },
      get connected() {
        return conn.connected;
      },
      transmit(bytes) {
        recording.push({ to, bytes: bytes.slice() });
        return conn.transmit(bytes);
      },
      disconnect: (d) => conn.disconnect(d),
    };
    return wrapped;
  },
};

async function insertBlank(reader: string, seed: string) {
  await host.insert(port(reader), { type: "blank", options: { seed, region: "410100" } });
  await waitForReader(transport, `${reader} 00 00`, cardPresent);
}
async function remove(reader: string) {
  await host.remove(port(reader));
  await waitForReader(transport, `${reader} 00 00`, cardAbsent);
}

try {
  await host.insert(port("Issuer SAM Reader"), { type: "isam", options: { region: "410100" } });
  await host.insert(port("Replay SAM Reader"), { type: "isam", options: { region: "410100" } });
  await waitForReader(transport, "Replay SAM Reader 00 00", cardPresent);
  const config = parseConfig({
    dataDir: "/tmp/rhc-issuer-bench-unused",
    centre: {
      name: "基准发卡中心",
      issuerCode: "410100000000001",
      cityCode: "410100",
      serialPrefix: "BN01",
      orgId: "bench",
    },
    readers: { issuerCard: "Issuer Card Reader", issuerSam: "Issuer SAM Reader", staff: "none" },
  });
  const personaliser = new PcscPersonaliser(config, recorder);
  // The plan the workflow would build (validation included), with a real photo.
  const photo = (await normalizePhoto(await portrait(400, 500))).jpeg;
  const holder = new CardDictionaryCatalog().normalize(resident(1));
  const plan = {
    elements: cardElements(config, holder, { cardNo: holder.citizenId!, issueSerial: "BN01000001" }, new Date()),
    photo,
  };

  const replaySam = await transport.connect("Replay SAM Reader 00 00", { share: "exclusive" });
  await replaySam.transmit(Uint8Array.of(0x00, 0xa4, 0x00, 0x00, 0x02, 0xdf, 0x01));
  await replaySam.transmit(Uint8Array.of(0x00, 0x20, 0x00, 0x00, 0x03, 0x12, 0x34, 0x56));

  const measured: number[] = [];
  const baseline: number[] = [];
  let apdus = 0;
  let replayOk = 0;
  let replayTotal = 0;
  for (let i = 0; i <= ROUNDS; i++) {
    const seed = `bench-${i}`;
    const personalise = async () => {
      await insertBlank("Issuer Card Reader", seed);
      recording = [];
      const t = performance.now();
      const out = await personaliser.personalise(plan);
      const ms = performance.now() - t;
      await remove("Issuer Card Reader");
      if (i === 0) return; // warm-up: opens the ISAM session (SELECT DF01, PIN) once
      if (!script) script = recording;
      apdus = out.apduCount;
      measured.push(ms);
    };
    const replay = async () => {
      if (!script) return;
      await insertBlank("Replay Card Reader", seed);
      const card = await transport.connect("Replay Card Reader 00 00", { share: "exclusive" });
      const t = performance.now();
      for (const step of script) {
        const answer = await (step.to === "sam" ? replaySam : card).transmit(step.bytes);
        const sw1 = answer[answer.length - 2]!;
        replayTotal++;
        if (sw1 === 0x90 || sw1 === 0x61) replayOk++;
      }
      baseline.push(performance.now() - t);
      await card.disconnect("leave");
      await remove("Replay Card Reader");
    };
    // Alternate the order so machine noise hits both sides alike.
    if (i % 2 === 0) {
      await personalise();
      await replay();
    } else {
      await replay();
      await personalise();
    }
  }
  await replaySam.disconnect("leave");
  await personaliser.close();
  const m = stats(measured);
  const b = stats(baseline);
  report({
    name: "issuer-desktop.personalise-ms",
    unit: "ms",
    value: m.median,
    baseline: b.median,
    samples: m.count,
    note: "ms per card: desk personaliser (keys, data, photo, DF03, ACTIVATE) vs raw replay of its APDU script; goal ratio ≤ 1.2",
    details: {
      apdusPerCard: apdus,
      scriptApdus: script?.length ?? 0,
      cardsPerHour: Math.round(3_600_000 / m.median),
      replayCardsPerHour: Math.round(3_600_000 / b.median),
      replaySuccessRate: replayTotal ? replayOk / replayTotal : 0,
      p90: m.p90,
      replayP90: b.p90,
    },
  });
} finally {
  await transport.close();
  await host.terminate();
  if (started) await stackCommand("stop", stack);
}
