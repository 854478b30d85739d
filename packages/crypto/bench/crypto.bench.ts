// @rhc/crypto benchmark. Every figure has its baseline measured in the same run, interleaved:
//  - native provider vs bare node:crypto doing the same work (overhead ratio, goal ≤ 1.1);
//  - js provider vs native provider (reported, no goal: js exists for Electron);
//  - our chain validation vs pkijs' CertificateChainValidationEngine on the same chain and CRLs.
import crypto from "node:crypto";
import { report, stats, timePair } from "@rhc/benchmark";
import { readVectorBytes, readVectorText } from "@rhc/test-vectors";
import * as pkijs from "pkijs";
import {
  getSmProvider,
  parseCertificate,
  parseCertificates,
  parseCrl,
  Sm2CryptoEngine,
  type SmProvider,
  validateChain,
} from "../src/index.js";
import { SM2_CURVE_Z_BYTES, SM2_DEFAULT_USER_ID, SM2_SPKI_PREFIX } from "../src/sm2/curve.js";
import { sm2SignatureToDer } from "../src/sm2/signature.js";

const MiB = 1024 * 1024;
const native = getSmProvider("native");
const js = getSmProvider("js");
const data = crypto.randomBytes(MiB);
const key = crypto.randomBytes(16);
const iv = crypto.randomBytes(16);

const median = (samples: number[]) => stats(samples).median; // µs
const perSecond = (us: number) => 1e6 / us;

async function overhead(name: string, unitWork: string, ours: () => unknown, bare: () => unknown, perRound: number) {
  const { measured, baseline } = await timePair(ours, bare, { rounds: 10, perRound, warmup: perRound });
  const m = median(measured);
  const b = median(baseline);
  report({
    name: `crypto.native-overhead.${name}`,
    unit: "µs/op",
    value: m,
    baseline: b,
    samples: measured.length,
    note: `native provider vs bare node:crypto, ${unitWork}; ratio = overhead, goal ≤ 1.1`,
    details: { oursPerSecond: perSecond(m), barePerSecond: perSecond(b) },
  });
}

async function jsVsNative(
  name: string,
  unit: string,
  scale: number,
  run: (p: SmProvider) => unknown,
  perRound: number,
) {
  const { measured, baseline } = await timePair(
    () => run(js),
    () => run(native),
    { rounds: 6, perRound, warmup: 2 },
  );
  report({
    name: `crypto.js-vs-native.${name}`,
    unit,
    value: scale * perSecond(median(measured)),
    baseline: scale * perSecond(median(baseline)),
    samples: measured.length,
    note: `js provider vs native provider (${unit}, higher is better); reported, no goal`,
  });
}

// SM3 / SM4 on 1 MiB: MiB/s = operations per second.
await overhead(
  "sm3-1MiB",
  "SM3 of 1 MiB",
  () => native.sm3(data),
  () => crypto.createHash("sm3").update(data).digest(),
  20,
);
await overhead(
  "sm4-cbc-1MiB",
  "SM4-CBC encrypt of 1 MiB",
  () => native.sm4.encrypt(key, data, { mode: "cbc", iv }),
  () => {
    const c = crypto.createCipheriv("sm4-cbc", key, iv).setAutoPadding(false);
    return Buffer.concat([c.update(data), c.final()]);
  },
  10,
);
await overhead(
  "sm4-ecb-1MiB",
  "SM4-ECB decrypt of 1 MiB",
  () => native.sm4.decrypt(key, data, { mode: "ecb" }),
  () => {
    const c = crypto.createDecipheriv("sm4-ecb", key, null).setAutoPadding(false);
    return Buffer.concat([c.update(data), c.final()]);
  },
  10,
);

// SM2 verify of a 1 KiB message with the default user ID; bare = what a caller of node:crypto must do.
const pair = native.sm2.generateKeyPair();
const message = crypto.randomBytes(1024);
const signature = native.sm2.sign(pair.privateKey, message);
const der = sm2SignatureToDer(signature);
const spki = Buffer.concat([SM2_SPKI_PREFIX, pair.publicKey]);
const entl = Buffer.from([0, SM2_DEFAULT_USER_ID.length * 8]);
await overhead(
  "sm2-verify",
  "SM2 verify (Z + SM3 + verify) of 1 KiB",
  () => native.sm2.verify(pair.publicKey, message, signature),
  () => {
    const publicKey = crypto.createPublicKey({ key: spki, format: "der", type: "spki" });
    const z = crypto
      .createHash("sm3")
      .update(entl)
      .update(SM2_DEFAULT_USER_ID)
      .update(SM2_CURVE_Z_BYTES)
      .update(pair.publicKey.subarray(1))
      .digest();
    return crypto.createVerify("SM3").update(z).update(message).verify(publicKey, der);
  },
  200,
);

await jsVsNative("sm3-1MiB", "MiB/s", 1, (p) => p.sm3(data), 5);
await jsVsNative("sm4-cbc-1MiB", "MiB/s", 1, (p) => p.sm4.encrypt(key, data, { mode: "cbc", iv }), 3);
await jsVsNative("sm2-verify", "verify/s", 1, (p) => p.sm2.verify(pair.publicKey, message, signature), 50);

// Chain validations/s: leaf + intermediate + root, two CRLs, revocation required.
const at = new Date((JSON.parse(readVectorText("x509/manifest.json")) as { at: string }).at);
for (const alg of ["rsa", "ec", "sm2"]) {
  const file = (name: string) => readVectorBytes("x509", alg, name);
  const options = {
    trustAnchors: [file("root.pem")],
    chain: [file("clinician.pem"), file("intermediate.pem")],
    crls: [file("root.crl"), file("intermediate.crl")],
    at,
    provider: native,
  };
  const [root, inter, leaf] = ["root.pem", "intermediate.pem", "clinician.pem"].map(
    (n) => parseCertificate(parseCertificates(file(n))[0]!.der).pkijs,
  );
  const engine = new Sm2CryptoEngine(native);
  const pkijsValidate = async () => {
    const crls = options.crls.map((c) => parseCrl(c).pkijs); // cached after the first call, like ours
    const result = await new pkijs.CertificateChainValidationEngine({
      trustedCerts: [root!],
      certs: [inter!, leaf!],
      crls,
      checkDate: at,
    }).verify({}, engine);
    if (!result.result) throw new Error(`pkijs rejected the ${alg} chain: ${result.resultMessage}`);
  };
  const ours = async () => {
    const result = await validateChain(options);
    if (!result.valid) throw new Error(`validateChain rejected the ${alg} chain`);
  };
  const { measured, baseline } = await timePair(ours, pkijsValidate, { rounds: 6, perRound: 20, warmup: 10 });
  report({
    name: `crypto.chain-validate.${alg}`,
    unit: "validations/s",
    value: perSecond(median(measured)),
    baseline: perSecond(median(baseline)),
    samples: measured.length,
    note: "validateChain (native provider; PEM/DER in, parse cache warm) vs pkijs CertificateChainValidationEngine on pre-parsed objects; higher is better",
  });
}

{
  const file = (name: string) => readVectorBytes("x509", "sm2", name);
  const base = {
    trustAnchors: [file("root.pem")],
    chain: [file("clinician.pem"), file("intermediate.pem")],
    crls: [file("root.crl"), file("intermediate.crl")],
    at,
  };
  const { measured, baseline } = await timePair(
    () => validateChain({ ...base, provider: js }),
    () => validateChain({ ...base, provider: native }),
    { rounds: 6, perRound: 10, warmup: 5 },
  );
  report({
    name: "crypto.js-vs-native.chain-validate-sm2",
    unit: "validations/s",
    value: perSecond(median(measured)),
    baseline: perSecond(median(baseline)),
    samples: measured.length,
    note: "SM2 chain validation with the js provider vs the native provider; reported, no goal",
  });
}
