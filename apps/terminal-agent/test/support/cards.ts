import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "@rhc/card-protocol";
import { makePsamImage, makeResidentImage, makeStaffCardImage, regionPki, toRegion } from "@rhc/card-sim";
import { readVectorText } from "@rhc/test-vectors";

export const REGION = "410100";
export const SAM_PIN = "123456";
export const STAFF_PIN = "246810";

export interface Person {
  name: string;
  citizenId: string;
}

/** A generated resident card of the test region and the person on it. */
export function residentCard(seed: string) {
  const image = makeResidentImage({ seed, region: REGION });
  const person = image.meta?.person as Person;
  return { spec: { type: "resident", options: { image } }, person };
}

/**
 * A resident card of the test region whose issuer certificate (element 05) was signed by a root the
 * desk does not trust (a rogue CA with the same issuer code): internal authentication passes, the
 * certificate check fails, so the card is not genuine.
 */
export function rogueIssuerCard(seed: string) {
  const issuerCertificate = regionPki(toRegion({ code: REGION, seed: "rogue-ca" })).issuerCertificate;
  const image = makeResidentImage({ seed, region: REGION, issuerCertificate });
  const person = image.meta?.person as Person;
  return { spec: { type: "resident", options: { image } }, person };
}

/** The desk PSAM of the test region; `terminalNo` (12 digits) gives it another terminal number. */
export const psamCard = (terminalNo?: string) => ({
  type: "psam",
  options: { image: makePsamImage({ region: REGION, pin: SAM_PIN, ...(terminalNo ? { terminalNo } : {}) }) },
});

/** A staff CA card holding a certificate of the shared SM2 test PKI (test-vectors/x509/sm2). */
export function staffCard(leaf: "clinician" | "revoked" | "expired" | "wrong-issuer", pin = STAFF_PIN) {
  const key = leaf === "wrong-issuer" ? "clinician" : leaf;
  const image = makeStaffCardImage({
    certificate: readVectorText("x509/sm2", `${leaf}.pem`),
    privateKey: readVectorText("x509/sm2", `${key}.key`),
    pin,
  });
  return { type: "image", options: { image } };
}

/** The trust configuration of the test region and the test staff PKI, plus the SAM PIN file. */
export function trustConfig() {
  const dir = mkdtempSync(join(tmpdir(), "rhc-agent-trust-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  return {
    sam: { pinFile: file("sam.pin", `${SAM_PIN}\n`) },
    trust: {
      cardIssuerRoots: [{ publicKey: toHex(regionPki(toRegion(REGION)).root.publicKey), label: "test region root" }],
      staffCaFiles: [file("staff-root.pem", readVectorText("x509/sm2", "root.pem"))],
      staffIntermediateFiles: [file("staff-intermediate.pem", readVectorText("x509/sm2", "intermediate.pem"))],
    },
  };
}
