import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isRhcError } from "@rhc/errors";
import { z } from "zod";
import { createCard } from "../cards/registry.js";
import { faultPlanSchema } from "../faults/plan.js";
import { makeBlankImage, makeResidentImage } from "../generator/resident.js";
import { makeIsamImage, makePsamImage } from "../generator/sam.js";
import { makeStaffCardImage } from "../generator/staff.js";
import { readImage, writeImage } from "../image/store.js";
import { regionInput } from "../keys/region.js";
import { VirtualCard } from "../vpcd/virtual-card.js";
import { controlledPorts, sendControl, serveControl } from "./control.js";
import { dumpImage } from "./dump.js";
import { findReader, stack, stackDir } from "./readers.js";

export const USAGE = `rhc-card-sim — simulated resident health cards, SAMs and staff cards in vpcd readers

  insert --reader <name> --image <file> [--faults <json>]   insert a card (runs until removed)
  remove --reader <name>                                     remove a card inserted by "insert"
  list                                                       readers and the cards in them
  fault --reader <name> (--plan <json> | --clear)            set or clear faults of an inserted card
  make-blank --count N --out <dir> [--region R] [--seed-prefix P]
  make-resident --seed S --out <file> [--region R] [--holder-pin PIN] [--mode strict|vendor]
  make-psam --out <file> [--region R] [--terminal-no 12 digits] [--pin PIN]
  make-isam --out <file> [--region R] [--terminal-no 12 digits] [--pin PIN]
  make-staff --cert <pem> --key <pem> --pin PIN --out <file> [--puk PUK]
  dump <image> [--show-secrets]                              print what a card image holds

Readers: a PC/SC name ("Resident Card Reader 00 00"), a role name ("SAM Reader"), a role key
(resident, sam, staff, issuerCard, issuerSam) or a vpcd port. The stack is found in $STACK_DIR
(default /tmp/rhc-pcsc-stack, see scripts/pcsc-stack.sh); --stack-dir overrides it.`;

const options = {
  reader: { type: "string" },
  image: { type: "string" },
  faults: { type: "string" },
  plan: { type: "string" },
  clear: { type: "boolean" },
  count: { type: "string" },
  out: { type: "string" },
  region: { type: "string" },
  "seed-prefix": { type: "string" },
  seed: { type: "string" },
  "holder-pin": { type: "string" },
  mode: { type: "string" },
  "terminal-no": { type: "string" },
  pin: { type: "string" },
  puk: { type: "string" },
  cert: { type: "string" },
  key: { type: "string" },
  "show-secrets": { type: "boolean" },
  "stack-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const required = (name: string) => z.string({ error: `--${name} is required` }).min(1, `--${name} is required`);
/**
 * A JSON-valued option checked against `schema`. Every issue names the option and the field
 * (`--faults: forceSw.0.sw: Invalid input: expected number, received string`), so a typo in a plan
 * typed on the command line is easy to find.
 */
function jsonOption<S extends z.ZodType>(name: string, schema: S, text: string): z.output<S> {
  const json = z.string().transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
  });
  const result = json.pipe(schema).safeParse(text);
  if (result.success) return result.data;
  throw new z.ZodError(
    result.error.issues.map((issue) => ({
      ...issue,
      message: [name, ...(issue.path.length ? [issue.path.join(".")] : []), issue.message].join(": "),
    })),
  );
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs one CLI command; resolves with the exit code (insert resolves when its card is removed). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  const v = parsed.values;
  if (!command || v.help) {
    io.out(USAGE);
    return command || v.help ? 0 : 2;
  }
  const dir = stackDir(v["stack-dir"]);
  try {
    switch (command) {
      case "insert":
        return await insert(dir, required("reader").parse(v.reader), required("image").parse(v.image), v.faults, io);
      case "remove": {
        const reader = findReader(stack(dir), required("reader").parse(v.reader));
        const reply = await sendControl(dir, reader.port, { cmd: "remove" });
        if (!reply.ok) throw new Error(reply.error);
        io.out(`removed the card from ${reader.name}`);
        return 0;
      }
      case "fault": {
        const reader = findReader(stack(dir), required("reader").parse(v.reader));
        const plan = v.clear ? {} : jsonOption("--plan", faultPlanSchema, required("plan").parse(v.plan));
        const reply = await sendControl(dir, reader.port, { cmd: "faults", plan });
        if (!reply.ok) throw new Error(reply.error);
        io.out(`faults on ${reader.name}: ${JSON.stringify(reply.result)}`);
        return 0;
      }
      case "list":
        return await list(dir, io);
      case "make-blank": {
        const count = z.coerce
          .number()
          .int()
          .min(1)
          .max(10_000)
          .parse(v.count ?? "1");
        const outDir = required("out").parse(v.out);
        const region = regionInput.optional().parse(v.region);
        for (let i = 1; i <= count; i++) {
          const seed = `${v["seed-prefix"] ?? "blank"}-${i}`;
          const file = join(outDir, `${seed}.json`);
          writeImage(file, makeBlankImage({ seed, ...(region ? { region } : {}) }));
          io.out(file);
        }
        return 0;
      }
      case "make-resident": {
        const image = makeResidentImage({
          seed: required("seed").parse(v.seed),
          ...(v.region ? { region: regionInput.parse(v.region) } : {}),
          ...(v["holder-pin"] ? { holderPin: v["holder-pin"] } : {}),
          ...(v.mode ? { mode: z.enum(["strict", "vendor"]).parse(v.mode) } : {}),
        });
        const file = required("out").parse(v.out);
        writeImage(file, image);
        io.out(`${file}: ${image.label}`);
        return 0;
      }
      case "make-psam":
      case "make-isam": {
        const make = command === "make-psam" ? makePsamImage : makeIsamImage;
        const image = make({
          ...(v.region ? { region: regionInput.parse(v.region) } : {}),
          ...(v["terminal-no"] ? { terminalNo: v["terminal-no"] } : {}),
          ...(v.pin ? { pin: v.pin } : {}),
        });
        const file = required("out").parse(v.out);
        writeImage(file, image);
        io.out(`${file}: ${image.label}`);
        return 0;
      }
      case "make-staff": {
        const image = makeStaffCardImage({
          certificate: readFileSync(required("cert").parse(v.cert), "utf8"),
          privateKey: readFileSync(required("key").parse(v.key), "utf8"),
          pin: required("pin").parse(v.pin),
          ...(v.puk ? { puk: v.puk } : {}),
        });
        const file = required("out").parse(v.out);
        writeImage(file, image);
        io.out(`${file}: ${image.label}`);
        return 0;
      }
      case "dump": {
        const file = required("image").parse(rest[0] ?? v.image);
        io.out(dumpImage(readImage(file), v["show-secrets"] === true));
        return 0;
      }
      default:
        io.err(`unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof z.ZodError) io.err(error.issues.map((i) => i.message).join("; "));
    else io.err(isRhcError(error) ? `${error.code}: ${error.message}` : (error as Error).message);
    return 1;
  }
}

async function list(dir: string, io: CliIo): Promise<number> {
  const info = stack(dir);
  const controlled = new Set(controlledPorts(dir));
  for (const reader of info.readers) {
    let card = "";
    if (controlled.has(reader.port)) {
      const reply = await sendControl(dir, reader.port, { cmd: "status" }).catch(() => undefined);
      if (reply?.ok) card = `  ${JSON.stringify(reply.result)}`;
    }
    io.out(`${reader.name.padEnd(28)} port ${reader.port}${card || "  (empty or not ours)"}`);
  }
  return 0;
}

async function insert(
  dir: string,
  wanted: string,
  file: string,
  faults: string | undefined,
  io: CliIo,
): Promise<number> {
  // The plan is checked before anything is loaded or inserted: a bad plan leaves the reader empty.
  const plan = faults === undefined ? undefined : jsonOption("--faults", faultPlanSchema, faults);
  const reader = findReader(stack(dir), wanted);
  const sim = await createCard({ type: "image", options: { image: resolve(file) } });
  const card = new VirtualCard({ port: reader.port, card: sim, log: (m) => io.err(m) });
  if (plan) card.faults.set(plan);
  await card.insert();
  io.out(`inserted ${file} into ${reader.name} (ATR ${Buffer.from(sim.atr()).toString("hex").toUpperCase()})`);
  return new Promise((done) => {
    const server = serveControl(dir, reader.port, async (request) => {
      switch (request.cmd) {
        case "status":
          return { image: file, inserted: card.inserted, apdus: card.apduCount, faults: card.faults.active };
        case "faults":
          return card.faults.set(faultPlanSchema.parse(request.plan));
        case "remove":
          setImmediate(stop);
          return "removing";
      }
    });
    const stop = async () => {
      await card.remove();
      server.close();
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      io.out(`removed the card from ${reader.name}`);
      done(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
