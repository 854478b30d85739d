import type { Resident } from "../shared/resident.js";
import type { CardPlan } from "./ports.js";

/** A card ready to be written: the plan, and the numbers that identify it. */
export interface PreparedCard {
  resident: Resident;
  cardNo: string;
  issueSerial: string;
  plan: CardPlan;
}

/** The serialisable form of a prepared card (kept in a batch row so a resumed batch verifies the same data). */
export interface PreparedCardJson {
  resident: Resident;
  cardNo: string;
  issueSerial: string;
  elements: CardPlan["elements"];
  photo: string;
}

export function preparedToJson(p: PreparedCard): PreparedCardJson {
  return { ...p, elements: p.plan.elements, photo: Buffer.from(p.plan.photo).toString("base64") };
}

export function preparedFromJson(j: PreparedCardJson): PreparedCard {
  return {
    resident: j.resident,
    cardNo: j.cardNo,
    issueSerial: j.issueSerial,
    plan: { elements: j.elements, photo: new Uint8Array(Buffer.from(j.photo, "base64")) },
  };
}
