import { parseArgs } from "node:util";
import { isRhcError, RhcError, toRhcError } from "@rhc/errors";
import { z } from "zod";
import { fromHex, toHex } from "../bytes.js";
import { getSmProvider } from "../provider/registry.js";
import type { SmProvider } from "../provider/types.js";
import { sm2PublicKeyOf } from "../x509/certificate-key.js";
import { parseCertificates } from "../x509/parse.js";
import { validateChain } from "../x509/validate.js";

/**
 * rhc-crypto: field diagnosis for hospital IT and support. Every command prints JSON or hex on
 * stdout; errors are a problem JSON on stderr. Exit codes: 0 ok/valid, 1 invalid (chain or
 * signature), 2 bad usage or unreadable input. Key material is never printed.
 */

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<Uint8Array>;
  readStdin(): Promise<Uint8Array>;
}

export const USAGE = `usage: rhc-crypto <command> [options]

  verify-chain --trust <pem> --chain <pem|der> [--chain <file>]… [--crl <file>]… [--at <iso time>]
               [--require-revocation] [--key-usage <name>]… [--eku <name|oid>]… [--policy-oid <oid>]…
               [--provider auto|native|js]
      JSON verdict {valid, reasons[], subject, issuer, notAfter, …}; exit 0 only when valid
  sm3          (--hex <data> | --text <string> | --file <path> | stdin)            → hex digest
  sm4-encrypt  --key <hex> [--mode ecb|cbc] [--iv <hex>] [--padding none|iso9797-m2] (--hex|--file|stdin)
  sm4-decrypt  same options                                                          → hex
  sm2-verify   (--public-key <hex 04‖x‖y> | --cert <pem|der>) --signature <hex r‖s or DER>
               [--user-id <text>] [--digest] (--hex|--text|--file|stdin)  → {"valid":…}; exit 0 when valid
  common: [--provider auto|native|js]
`;

class UsageError extends Error {}

const hexArg = z.string().regex(/^(?:[0-9a-fA-F]{2}|\s)*$/, "hex digits expected");
const providerArg = z.enum(["auto", "native", "js"]).default("auto");

async function input(values: Record<string, unknown>, io: CliIo): Promise<Uint8Array> {
  const given = ["hex", "text", "file"].filter((k) => values[k] !== undefined);
  if (given.length > 1) throw new UsageError("give only one of --hex, --text, --file");
  if (values.hex !== undefined) return fromHex(hexArg.parse(values.hex));
  if (values.text !== undefined) return new TextEncoder().encode(String(values.text));
  if (values.file !== undefined) return io.readFile(String(values.file));
  return io.readStdin();
}

function provider(values: Record<string, unknown>): SmProvider {
  return getSmProvider(providerArg.parse(values.provider));
}

const dataOptions = {
  hex: { type: "string" },
  text: { type: "string" },
  file: { type: "string" },
  provider: { type: "string" },
} as const;

async function verifyChainCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      trust: { type: "string", multiple: true },
      chain: { type: "string", multiple: true },
      crl: { type: "string", multiple: true },
      at: { type: "string" },
      "require-revocation": { type: "boolean" },
      "key-usage": { type: "string", multiple: true },
      eku: { type: "string", multiple: true },
      "policy-oid": { type: "string", multiple: true },
      provider: { type: "string" },
    },
  });
  if (!values.trust?.length || !values.chain?.length) throw new UsageError("verify-chain needs --trust and --chain");
  const at = values.at === undefined ? new Date() : new Date(z.iso.datetime({ offset: true }).parse(values.at));
  const read = (paths: string[] | undefined) => Promise.all((paths ?? []).map((p) => io.readFile(p)));
  const result = await validateChain({
    trustAnchors: await read(values.trust),
    chain: await read(values.chain),
    crls: await read(values.crl),
    at,
    provider: provider(values),
    policy: {
      revocation: values["require-revocation"] ? "required" : "optional",
      requiredKeyUsage: (values["key-usage"] ?? []) as never,
      requiredExtendedKeyUsage: values.eku ?? [],
      requiredPolicyOids: values["policy-oid"] ?? [],
    },
  });
  io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  return result.valid ? 0 : 1;
}

async function sm3Command(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: dataOptions });
  io.stdout(`${toHex(provider(values).sm3(await input(values, io)))}\n`);
  return 0;
}

async function sm4Command(encrypt: boolean, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...dataOptions,
      key: { type: "string" },
      mode: { type: "string" },
      iv: { type: "string" },
      padding: { type: "string" },
    },
  });
  if (values.key === undefined) throw new UsageError("--key is required");
  const options = z
    .object({ mode: z.enum(["ecb", "cbc"]).default("ecb"), padding: z.enum(["none", "iso9797-m2"]).default("none") })
    .parse({ mode: values.mode, padding: values.padding });
  const key = fromHex(hexArg.parse(values.key));
  const iv = values.iv === undefined ? undefined : fromHex(hexArg.parse(values.iv));
  const sm4 = provider(values).sm4;
  const data = await input(values, io);
  const opts = { ...options, ...(iv ? { iv } : {}) };
  io.stdout(`${toHex(encrypt ? sm4.encrypt(key, data, opts) : sm4.decrypt(key, data, opts))}\n`);
  return 0;
}

function sm2PublicKeyOfCertificate(bytes: Uint8Array): Uint8Array {
  const key = sm2PublicKeyOf(parseCertificates(bytes)[0]!);
  if (!key) throw new RhcError("CRYPTO_UNSUPPORTED", { detail: "the certificate's key is not an SM2 key" });
  return key;
}

async function sm2VerifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...dataOptions,
      "public-key": { type: "string" },
      cert: { type: "string" },
      signature: { type: "string" },
      "user-id": { type: "string" },
      digest: { type: "boolean" },
    },
  });
  if ((values["public-key"] === undefined) === (values.cert === undefined)) {
    throw new UsageError("give exactly one of --public-key, --cert");
  }
  if (values.signature === undefined) throw new UsageError("--signature is required");
  const publicKey =
    values.cert !== undefined
      ? sm2PublicKeyOfCertificate(await io.readFile(values.cert))
      : fromHex(hexArg.parse(values["public-key"]));
  const signature = fromHex(hexArg.parse(values.signature));
  const data = await input(values, io);
  const sm2 = provider(values).sm2;
  const valid = values.digest
    ? sm2.verifyDigest(publicKey, data, signature)
    : sm2.verify(publicKey, data, signature, values["user-id"] === undefined ? {} : { userId: values["user-id"] });
  io.stdout(`${JSON.stringify({ valid, publicKey: toHex(publicKey) })}\n`);
  return valid ? 0 : 1;
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  "verify-chain": verifyChainCommand,
  sm3: sm3Command,
  "sm4-encrypt": (args, io) => sm4Command(true, args, io),
  "sm4-decrypt": (args, io) => sm4Command(false, args, io),
  "sm2-verify": sm2VerifyCommand,
};

function problem(code: string, message: string): string {
  return `${JSON.stringify({ error: { code, message } })}\n`;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === "--help" || command === "help") {
    io.stdout(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(problem("USAGE", `unknown command ${command}`) + USAGE);
    return 2;
  }
  try {
    return await run(args, io);
  } catch (error) {
    const sysCode = (error as { code?: unknown }).code;
    const unreadable = typeof sysCode === "string" && ["ENOENT", "EISDIR", "EACCES"].includes(sysCode);
    if (unreadable) {
      io.stderr(problem("USAGE", (error as Error).message));
      return 2;
    }
    if (error instanceof UsageError || (typeof sysCode === "string" && sysCode.startsWith("ERR_PARSE_ARGS"))) {
      io.stderr(problem("USAGE", (error as Error).message) + USAGE);
      return 2;
    }
    if (error instanceof z.ZodError) {
      io.stderr(problem("USAGE", z.prettifyError(error)));
      return 2;
    }
    const rhc = isRhcError(error) ? error : toRhcError(error);
    io.stderr(problem(rhc.code, rhc.message));
    return 2;
  }
}
