// Personalisation per card through pcscd + vpcd (simulated blank card + ISAM): the desk's
// personaliser (pipeline, SM, ISAM key wrap, data, photo, DF03, ACTIVATE) vs the bare APDU script
// of the same writes replayed with the bare `smartcard` binding, card by card in the same run,
// alternating which goes first.
//
// The baseline is only meaningful if the replay performs exactly the same work: every blank card
// here has the same seed (same chip, same keys) and the same `challengeSeed` (card-sim option:
// the same GET CHALLENGE answers), and both ISAMs are the same image. One personalisation is
// recorded (commands and answers); every replay sends those bytes and must get every answer byte
// for byte, and a last recorded personalisation must equal the first — otherwise the run fails.
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { report, stats } from "@rhc/benchmark";
import { cardAbsent, cardPresent, MemoryTransport, PcscTransport, waitForReader } from "@rhc/card-protocol";
import { CardHost, cardFromImage, makeBlankImage, makeIsamImage } from "@rhc/card-sim";
import { ensureStack, stackCommand } from "@rhc/card-sim/testing";
import { PcscPersonaliser } from "../src/adapters/pcsc-personaliser.js";
import { parseConfig } from "../src/issuance/config.js";
import { cardElements } from "../src/issuance/issue-workflow.js";
import { normalizePhoto } from "../src/issuance/photo/normalize-photo.js";
import { CardDictionaryCatalog } from "../src/issuance/resident/card-dictionary-catalog.js";
import { portrait } from "../test/helpers/portrait.js";
import { resident } from "../test/helpers/residents.js";
import {
  assertSameScript,
  type Exchange,
  prepareReplay,
  RecordingTransport,
  replay,
  ScriptedAnswers,
} from "./apdu-script.js";

const ROUNDS = Number(process.env.BENCH_CARDS ?? 20);
const REGION = "410100";
const stack = {
  dir: "/tmp/rhc-pcsc-issuer-bench",
  basePort: 40163,
  names: ["Issuer Card Reader", "Issuer SAM Reader", "Replay Card Reader", "Replay SAM Reader"],
  isolate: "auto" as const,
};
const pcscName = (role: string) => `${role} 00 00`;
const { info, started } = await ensureStack(stack);
process.env.PCSCLITE_CSOCK_NAME = info.socket;
const port = (role: string) => info.readers.find((r) => r.name === pcscName(role))!.port;
const host = await CardHost.start();
const transport = new PcscTransport();
const recorder = new RecordingTransport(transport, (reader) => (reader.startsWith("Issuer SAM") ? "sam" : "card"));

/** Same chip, same keys, same challenges: the card the recorded script was made for. */
const blankOptions = { seed: "bench-card", region: REGION, challengeSeed: "bench-challenges" };
const blank = { type: "blank", options: blankOptions };
const isamImage = makeIsamImage({ region: REGION });
const isam = { type: "isam", options: { image: isamImage, challengeSeed: "bench-isam" } };

async function insertBlank(role: string) {
  await host.insert(port(role), blank);
  await waitForReader(transport, pcscName(role), cardPresent);
}
async function remove(role: string) {
  await host.remove(port(role));
  await waitForReader(transport, pcscName(role), cardAbsent);
}

/**
 * The personaliser's own cost, without PC/SC and without card processing: the same
 * personalisation against in-memory cards that answer the recorded script instantly (the ISAM
 * session is opened on an in-memory ISAM first), minus a bare loop over the same answers.
 */
async function softwareAlone(
  config: ReturnType<typeof parseConfig>,
  plan: Parameters<PcscPersonaliser["personalise"]>[0],
  script: readonly Exchange[],
): Promise<{ msPerCard: number; usPerApdu: number }> {
  const [cardReader, samReader] = ["Issuer Card Reader 00 00", "Issuer SAM Reader 00 00"];
  const memory = new MemoryTransport([cardReader, samReader]);
  const answers = new ScriptedAnswers(script);
  const realSam = cardFromImage(isamImage, undefined, { challengeSeed: "bench-isam" });
  const realCard = cardFromImage(makeBlankImage(blankOptions), undefined, {
    challengeSeed: blankOptions.challengeSeed,
  });
  realSam.power("on");
  realCard.power("on");
  let scripted = false;
  memory.insert(samReader, {
    atr: realSam.atr(),
    transmit: (c) => (scripted ? answers.answer("sam", c) : realSam.process(c)),
  });
  memory.insert(cardReader, { atr: realCard.atr(), transmit: (c) => realCard.process(c) });
  const personaliser = new PcscPersonaliser(config, memory);
  await personaliser.personalise(plan); // opens the ISAM session; the card is spent
  scripted = true;
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 60; i++) {
    answers.rewind();
    memory.insert(cardReader, { atr: realCard.atr(), transmit: (c) => answers.answer("card", c) });
    let t = performance.now();
    await personaliser.personalise(plan);
    ours.push(performance.now() - t);
    if (!answers.done) throw new Error("the scripted personalisation stopped early");
    answers.rewind();
    t = performance.now();
    for (const e of script) await Promise.resolve(answers.answer(e.to, e.command));
    bare.push(performance.now() - t);
  }
  await personaliser.close();
  const ms = stats(ours).median - stats(bare).median;
  return { msPerCard: Math.round(ms * 1000) / 1000, usPerApdu: Math.round((ms / script.length) * 10000) / 10 };
}

const sc = createRequire(import.meta.url)("smartcard") as typeof import("smartcard");
const ctx = new sc.Context();
try {
  await host.insert(port("Issuer SAM Reader"), isam);
  await host.insert(port("Replay SAM Reader"), isam);
  await waitForReader(transport, pcscName("Replay SAM Reader"), cardPresent);
  const config = parseConfig({
    dataDir: "/tmp/rhc-issuer-bench-unused",
    centre: {
      name: "基准发卡中心",
      issuerCode: "410100000000001",
      cityCode: REGION,
      serialPrefix: "BN01",
      orgId: "bench",
    },
    // The bench runs on its own private stack of vpcd readers.
    readers: { issuerCard: "Issuer Card Reader", issuerSam: "Issuer SAM Reader", staff: "none", allowVirtual: true },
  });
  const personaliser = new PcscPersonaliser(config, recorder);
  // The plan the workflow would build (validation included), with a real photo; fixed for the run.
  const photo = (await normalizePhoto(await portrait(400, 500))).jpeg;
  const holder = new CardDictionaryCatalog().normalize(resident(1));
  const plan = {
    elements: cardElements(config, holder, { cardNo: holder.citizenId!, issueSerial: "BN01000001" }, new Date()),
    photo,
  };

  // The bare program: one context, the replay ISAM opened and PIN-verified once (as the desk's is).
  const bareReader = (role: string) => ctx.listReaders().find((r) => r.name === pcscName(role))!;
  const protocols = sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1;
  const bareSam = await bareReader("Replay SAM Reader").connect(sc.SCARD_SHARE_EXCLUSIVE, protocols);
  for (const apdu of ["00A4000002DF01", "0020000003123456"]) {
    const sw = (await bareSam.transmit(Buffer.from(apdu, "hex"))).subarray(-2).toString("hex");
    if (sw !== "9000") throw new Error(`replay ISAM ${apdu} → ${sw}`);
  }
  const replayCardReader = bareReader("Replay Card Reader");

  let apdusPerCard = 0;
  const personalise = async (record: boolean): Promise<{ ms: number; script: Exchange[] }> => {
    await insertBlank("Issuer Card Reader");
    recorder.recording = record;
    const t = performance.now();
    const out = await personaliser.personalise(plan);
    const ms = performance.now() - t;
    const script = recorder.restart();
    recorder.recording = false;
    await remove("Issuer Card Reader");
    apdusPerCard = out.apduCount;
    return { ms, script };
  };

  await personalise(false); // warm-up: opens the ISAM session (SELECT, PIN, certificate) once
  const { script } = await personalise(true);
  if (script.length !== apdusPerCard)
    throw new Error(`recorded ${script.length} APDUs, personaliser counted ${apdusPerCard}`);
  const steps = prepareReplay(script);

  let replays = 0;
  const replayOnce = async (): Promise<number> => {
    await insertBlank("Replay Card Reader");
    const t = performance.now();
    const card = await replayCardReader.connect(sc.SCARD_SHARE_EXCLUSIVE, protocols);
    const answers = await replay(steps, {
      card: (c) => card.transmit(c),
      sam: (c) => bareSam.transmit(c),
    });
    card.disconnect(sc.SCARD_LEAVE_CARD);
    const ms = performance.now() - t;
    await remove("Replay Card Reader");
    // Outside the timing: the replay must have done exactly what the personaliser did.
    assertSameScript(
      script,
      answers.map((response, i) => ({ to: steps[i]!.to, command: steps[i]!.command, response })),
      `replay ${++replays}`,
    );
    return ms;
  };
  await replayOnce(); // warm-up of the bare side

  const measured: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate the order so machine noise hits both sides alike.
    if (i % 2 === 0) {
      measured.push((await personalise(false)).ms);
      baseline.push(await replayOnce());
    } else {
      baseline.push(await replayOnce());
      measured.push((await personalise(false)).ms);
    }
  }
  // The personaliser is deterministic too: a last recorded run equals the replayed script.
  assertSameScript(script, (await personalise(true)).script, "second recording");
  const software = await softwareAlone(config, plan, script);

  bareSam.disconnect(sc.SCARD_LEAVE_CARD);
  await personaliser.close();
  const m = stats(measured);
  const b = stats(baseline);
  // Ratios of the two cards of each round: robust to the machine's load drifting during the run.
  const paired = measured.map((v, i) => v / baseline[i]!).sort((x, y) => x - y);
  const at = (q: number) => Math.round(paired[Math.round((paired.length - 1) * q)]! * 1000) / 1000;
  const perApdu = (ms: number) => Math.round((ms / apdusPerCard) * 1000 * 10) / 10;
  report({
    name: "issuer-desktop.personalise-ms",
    unit: "ms",
    value: m.median,
    baseline: b.median,
    samples: m.count,
    note: "ms per card: desk personaliser (keys, data, photo, DF03, ACTIVATE) vs the same APDU script replayed byte for byte (same answers) by the bare binding; goal ratio ≤ 1.2",
    details: {
      apdusPerCard,
      cardApdus: script.filter((e) => e.to === "card").length,
      samApdus: script.filter((e) => e.to === "sam").length,
      cardsPerHour: Math.round(3_600_000 / m.median),
      replayCardsPerHour: Math.round(3_600_000 / b.median),
      replaysIdentical: `${replays}/${replays}`,
      softwareMsPerCard: software.msPerCard,
      softwareUsPerApdu: software.usPerApdu,
      usPerApdu: perApdu(m.median),
      replayUsPerApdu: perApdu(b.median),
      pairedRatioMedian: at(0.5),
      pairedRatioP10: at(0.1),
      pairedRatioP90: at(0.9),
      min: m.min,
      p90: m.p90,
      replayMin: b.min,
      replayP90: b.p90,
    },
  });
} finally {
  ctx.close();
  await transport.close();
  await host.terminate();
  if (started) await stackCommand("stop", stack);
}
