import { webcrypto } from "node:crypto";
import type * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { getSmProvider } from "../provider/registry.js";
import type { SmProvider } from "../provider/types.js";
import { isSm2Key } from "./certificate-key.js";
import { OID } from "./oids.js";

/**
 * pkijs crypto engine that also verifies SM2-with-SM3 (GM/T 0015 certificates and CRLs, default
 * user ID 1234567812345678). pkijs routes every certificate, CRL, OCSP and CMS signature check
 * through verifyWithPublicKey, so this one override is enough; RSA and ECDSA stay with WebCrypto.
 */
// Type names taken from pkijs so this file needs no DOM lib (Crypto, BufferSource).
type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]["crypto"];
type SignedData = Parameters<pkijs.CryptoEngine["verifyWithPublicKey"]>[0];

export class Sm2CryptoEngine extends pkijs.CryptoEngine {
  constructor(private readonly provider?: SmProvider) {
    super({ name: "rhc-sm2", crypto: webcrypto as unknown as EngineCrypto });
  }

  override async verifyWithPublicKey(
    data: SignedData,
    signature: asn1js.BitString | asn1js.OctetString,
    publicKeyInfo: pkijs.PublicKeyInfo,
    signatureAlgorithm: pkijs.AlgorithmIdentifier,
    shaAlgorithm?: string,
  ): Promise<boolean> {
    if (signatureAlgorithm.algorithmId !== OID.sm2WithSm3) {
      return super.verifyWithPublicKey(data, signature, publicKeyInfo, signatureAlgorithm, shaAlgorithm);
    }
    if (!isSm2Key(publicKeyInfo)) return false;
    const point = publicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    const bytes = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    const sm2 = (this.provider ?? getSmProvider()).sm2;
    try {
      return sm2.verify(point, bytes, signature.valueBlock.valueHexView);
    } catch {
      // A malformed point or signature is a failed verification, not a crash of the validation.
      return false;
    }
  }
}
