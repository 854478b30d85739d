import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { toHex } from "@rhc/crypto";
import { exportState } from "../cos/state.js";
import type { StaffImage } from "../image/schema.js";
import {
  STAFF_APP_PATH,
  STAFF_CERT_SIZE,
  STAFF_PIN_REF,
  STAFF_PUK_REF,
  type StaffAlgorithm,
  StaffCard,
  staffPinBlock,
} from "../profiles/staff/staff-card.js";

export interface StaffImageOptions {
  /** The X.509 certificate, PEM or DER. */
  certificate: string | Uint8Array;
  /** Its private key: PEM or PKCS#8 DER (RSA, P-256 or SM2). */
  privateKey: string | Uint8Array;
  pin: string;
  /** PUK (8 digits) that resets the PIN; default 12345678. */
  puk?: string;
  label?: string;
}

function keyObject(key: string | Uint8Array): KeyObject {
  return typeof key === "string"
    ? createPrivateKey(key)
    : createPrivateKey({ key: Buffer.from(key), format: "der", type: "pkcs8" });
}

/** The 32-byte scalar inside an SM2 PKCS#8 key (ECPrivateKey: 02 01 01 04 20 d). */
function sm2Scalar(der: Uint8Array): Uint8Array {
  const hex = toHex(der);
  const at = hex.indexOf("020101" + "0420");
  if (at < 0 || at % 2) throw new RangeError("no EC private scalar in the SM2 key");
  return der.slice(at / 2 + 5, at / 2 + 37);
}

/** OID 1.2.156.10197.1.301 (the SM2 curve); Node reports no key type for SM2 keys. */
const SM2_CURVE_OID = "06082A811CCF5501822D";

function algorithmOf(key: KeyObject, pkcs8: Uint8Array): StaffAlgorithm {
  if (key.asymmetricKeyType === "rsa") return "rsa";
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === "ec" && curve === "prime256v1") return "ecdsa-p256";
  if (curve === "SM2" || toHex(pkcs8).includes(SM2_CURVE_OID)) return "sm2";
  throw new RangeError(`unsupported staff key: ${key.asymmetricKeyType} ${curve ?? ""}`);
}

/** A CA staff card image holding a certificate, its private key, the PIN and the PUK. */
export function makeStaffCardImage(options: StaffImageOptions): StaffImage {
  const cert = new X509Certificate(
    typeof options.certificate === "string" ? options.certificate : Buffer.from(options.certificate),
  );
  const der = new Uint8Array(cert.raw);
  if (der.length > STAFF_CERT_SIZE)
    throw new RangeError(`certificate of ${der.length} bytes exceeds ${STAFF_CERT_SIZE}`);
  const key = keyObject(options.privateKey);
  const pkcs8 = new Uint8Array(key.export({ format: "der", type: "pkcs8" }));
  const algorithm = algorithmOf(key, pkcs8);
  const privateKey = algorithm === "sm2" ? sm2Scalar(pkcs8) : pkcs8;
  const card = new StaffCard({ algorithm, privateKey });
  for (const ef of card.root.efs()) {
    const data = new Uint8Array(STAFF_CERT_SIZE);
    data.set(der);
    ef.data = data;
  }
  const app = card.df(STAFF_APP_PATH);
  app.pins.get(STAFF_PIN_REF)!.value = staffPinBlock(options.pin);
  app.pins.get(STAFF_PUK_REF)!.value = staffPinBlock(options.puk ?? "12345678");
  return {
    format: "rhc-card-image/1",
    profile: "staff",
    label: options.label ?? cert.subject.replace(/\n/g, ", "),
    meta: { generator: "makeStaffCardImage", subject: cert.subject, serial: cert.serialNumber, algorithm },
    algorithm,
    privateKey: toHex(privateKey),
    cos: exportState(card),
  };
}
