import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { cardAbsent, cardPresent, fromHex, parseResponse, waitForReader } from "@rhc/card-protocol";
import { readVectorText } from "@rhc/test-vectors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { readImage } from "../src/image/store.js";
import { TestDesk } from "../src/testing/index.js";

const dir = mkdtempSync(join(tmpdir(), "rhc-cli-"));
const bin = fileURLToPath(new URL("../src/bin/rhc-card-sim.ts", import.meta.url));
const execFileP = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** The CLI as a separate process (a card held by the test's own thread would deadlock PC/SC calls). */
const spawnArgs = (...args: string[]) => ["--import", "tsx", "--conditions=source", bin, ...args];

describe("rhc-card-sim: image commands", () => {
  it("makes blank, resident, PSAM, ISAM and staff images and dumps them without secrets", async () => {
    expect((await cli("make-blank", "--count", "3", "--out", join(dir, "blank"), "--region", "110101")).code).toBe(0);
    expect(readdirSync(join(dir, "blank")).sort()).toEqual(["blank-1.json", "blank-2.json", "blank-3.json"]);
    expect(readImage(join(dir, "blank", "blank-2.json")).cos.lifecycle).toBe("personalisation");
    const made = await cli(
      "make-resident",
      "--seed",
      "cli-1",
      "--out",
      join(dir, "resident.json"),
      "--region",
      "410100",
    );
    expect(made.code).toBe(0);
    const again = await cli(
      "make-resident",
      "--seed",
      "cli-1",
      "--out",
      join(dir, "resident-2.json"),
      "--region",
      "410100",
    );
    expect(readImage(join(dir, "resident.json"))).toEqual(readImage(join(dir, "resident-2.json")));
    expect(again.out).toContain(made.out.split(": ")[1]!);
    expect((await cli("make-psam", "--out", join(dir, "psam.json"))).code).toBe(0);
    expect((await cli("make-isam", "--out", join(dir, "isam.json"))).code).toBe(0);
    const staff = await cli(
      "make-staff",
      "--cert",
      join(dir, "..", "x"),
      "--key",
      "missing",
      "--pin",
      "1234",
      "--out",
      join(dir, "staff.json"),
    );
    expect(staff.code).toBe(1);
    const dump = await cli("dump", join(dir, "resident.json"));
    expect(dump.code).toBe(0);
    expect(dump.out).toContain("citizenId (居民身份证号码)");
    expect(dump.out).toContain("use --show-secrets");
    expect(dump.out).not.toMatch(/3F00\/DDF1#04: [0-9A-F]{32}/);
    expect((await cli("dump", join(dir, "resident.json"), "--show-secrets")).out).toMatch(
      /3F00\/DDF1#04: [0-9A-F]{32}/,
    );
    expect((await cli("dump", join(dir, "isam.json"))).out).toContain("TRANSPORT: 29/01");
    expect((await cli("bogus")).code).toBe(2);
    expect((await cli("dump", join(dir, "nope.json"))).err).toContain("NOT_FOUND");
  });

  it("makes a staff card from a PEM certificate and key", async () => {
    const pem = join(dir, "clinician.pem");
    const key = join(dir, "clinician.key");
    await import("node:fs").then((fs) => {
      fs.writeFileSync(pem, readVectorText("x509", "sm2", "clinician.pem"));
      fs.writeFileSync(key, readVectorText("x509", "sm2", "clinician.key"));
    });
    const made = await cli(
      "make-staff",
      "--cert",
      pem,
      "--key",
      key,
      "--pin",
      "1234",
      "--out",
      join(dir, "staff.json"),
    );
    expect(made.code).toBe(0);
    expect((await cli("dump", join(dir, "staff.json"))).out).toContain("Clinician (sm2)");
  });
});

describe("rhc-card-sim: insert / list / fault / remove through pcscd", () => {
  let desk: TestDesk;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    desk = await TestDesk.open();
    await cli("make-resident", "--seed", "cli-2", "--out", join(dir, "inserted.json"));
  });
  afterAll(async () => {
    if (child?.exitCode === null) child.kill("SIGTERM");
    await desk?.close();
  });

  const env = { ...process.env, STACK_DIR: process.env.RHC_TEST_STACK_DIR };
  const run = (...args: string[]) => execFileP(process.execPath, spawnArgs(...args), { env });

  it("inserts an image into a named reader, lists it, injects a fault and removes it", async () => {
    const reader = desk.readerName("resident");
    child = spawn(process.execPath, spawnArgs("insert", "--reader", reader, "--image", join(dir, "inserted.json")), {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((done) => child!.on("exit", (code) => done(code)));
    await waitForReader(desk.transport, reader, cardPresent, { timeoutMs: 20_000 });
    const conn = await desk.transport.connect(reader);
    expect(parseResponse(await conn.transmit(fromHex("00A4000002DDF1"))).sw).toBe(0x9000);
    const listed = await run("list");
    expect(listed.stdout).toMatch(new RegExp(`${reader}.*inserted.json`));
    await run("fault", "--reader", reader, "--plan", '{"forceSw":[{"sw":26000}]}');
    expect(parseResponse(await conn.transmit(fromHex("00A4000002EF05"))).sw).toBe(26000);
    await conn.disconnect();
    await run("remove", "--reader", reader);
    await waitForReader(desk.transport, reader, cardAbsent);
    expect(await exited).toBe(0);
  });

  it("inserts with --faults: a forced status word, then the card leaves after N APDUs", async () => {
    const reader = desk.readerName("resident");
    const plan = { forceSw: [{ sw: 0x6581, ins: 0xb2 }], removeAfterApdus: 3 };
    child = spawn(
      process.execPath,
      spawnArgs("insert", "--reader", reader, "--image", join(dir, "inserted.json"), "--faults", JSON.stringify(plan)),
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = new Promise<number | null>((done) => child!.on("exit", (code) => done(code)));
    await waitForReader(desk.transport, reader, cardPresent, { timeoutMs: 20_000 });
    const conn = await desk.transport.connect(reader);
    const sw = async (hex: string) => parseResponse(await conn.transmit(fromHex(hex))).sw;
    expect(await sw("00A4000002DDF1")).toBe(0x9000);
    expect(await sw("00A4000002EF05")).toBe(0x9000);
    expect(await sw("00B2390005")).toBe(0x6581); // forced, and the third APDU: the card leaves
    await waitForReader(desk.transport, reader, cardAbsent);
    await expect(conn.transmit(fromHex("00B2390005"))).rejects.toMatchObject({ code: "CARD_REMOVED" });
    await conn.disconnect().catch(() => undefined);
    const listed = await run("list");
    expect(listed.stdout).toMatch(new RegExp(`${reader}.*"inserted":false,"apdus":3`));
    await run("remove", "--reader", reader);
    expect(await exited).toBe(0);
  });

  it("refuses an invalid --faults plan with a clear error and inserts nothing", async () => {
    const reader = desk.readerName("resident");
    const image = join(dir, "inserted.json");
    const stackDir = process.env.RHC_TEST_STACK_DIR!;
    const cases: [string, string][] = [
      ["{removeAfterApdus: 2", "--faults: not JSON"],
      ['{"removeAfterApdus":0}', "--faults: removeAfterApdus: Too small"],
      ['{"forceSw":[{"sw":"6985"}]}', "--faults: forceSw.0.sw: Invalid input: expected number"],
      ['{"removeAfter":2}', '--faults: Unrecognized key: "removeAfter"'],
    ];
    for (const [faults, message] of cases) {
      const result = await cli(
        "insert",
        "--reader",
        reader,
        "--image",
        image,
        "--faults",
        faults,
        "--stack-dir",
        stackDir,
      );
      expect([faults, result.code, result.err]).toEqual([faults, 1, expect.stringContaining(message)]);
    }
    expect((await desk.transport.listReaders()).find((r) => r.name === reader)?.present).toBe(false);
  });
});
