import type { TestDesk } from "@rhc/card-sim/testing";
import { readVectorJson, vectorPath } from "@rhc/test-vectors";

/** The time the shared x509 vectors were made for (their CRLs are fresh then). */
export const VECTORS_AT = new Date("2026-11-26T00:00:00Z");

/** Reader names of the leased lane and the SM2 staff PKI of test-vectors/x509/sm2. */
export function stackConfig(desk: TestDesk) {
  return {
    readers: {
      issuerCard: desk.readerName("issuerCard"),
      issuerSam: desk.readerName("issuerSam"),
      staff: desk.readerName("staff"),
      allowVirtual: true, // the test stack's readers are vpcd readers
    },
    staffTrust: {
      anchors: [vectorPath("x509/sm2/root.pem")],
      intermediates: [vectorPath("x509/sm2/intermediate.pem")],
      crls: [vectorPath("x509/sm2/root.crl"), vectorPath("x509/sm2/intermediate.crl")],
    },
  };
}

/**
 * The SM2 staff card (PIN 1234), inline: a card inserted from a file path is saved back after every
 * command, and the shared vector must never change.
 */
export const STAFF_CARD = {
  type: "image",
  options: { image: readVectorJson("card-images/410100/staff-sm2.json") },
} as const;
export const STAFF_PIN = "1234";

/**
 * Reader lanes are shared by every test file of the run (two lanes): a file may wait for one
 * (leaseLane waits up to 180 s), so hooks and tests that lease one allow for that wait.
 */
export const LEASE_TIMEOUT_MS = 200_000;
