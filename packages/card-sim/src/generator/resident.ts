import {
  ALLERGY_LAYOUT,
  type AnyFieldValue,
  CARD_KEYS,
  encodeLayout,
  encodePhoto,
  encodeTlvFile,
  FILES,
  type FileId,
  IMMUNISATION_LAYOUT,
  INDEX_FREE,
  type KeyName,
} from "@rhc/card-protocol";
import { toHex } from "@rhc/crypto";
import type { CosCrypto } from "../cos/crypto.js";
import type { CardLifecycle, CosMode } from "../cos/engine.js";
import { exportState } from "../cos/state.js";
import type { EfNode } from "../cos/tree.js";
import type { ResidentImage } from "../image/schema.js";
import { regionIssuerCode, regionPki } from "../keys/pki.js";
import { cardKey, type Region, type RegionInput, toRegion } from "../keys/region.js";
import { defaultScheme } from "../keys/scheme.js";
import { SeededRandom } from "../keys/seeded.js";
import { DF_PATHS, HOLDER_PIN_REF, keyLocation, TRANSPORT_KEY_ID } from "../profiles/resident/layout.js";
import { ResidentCard } from "../profiles/resident/resident-card.js";
import { portraitJpeg } from "./jpeg.js";
import { makePerson, type Person, regionNames } from "./person.js";

export interface BlankImageOptions {
  /** Seed of the card's identity (cardF). */
  seed: string;
  region?: RegionInput;
  mode?: CosMode;
  /** Explicit 8-byte cardF (hex); default derived from the seed. */
  cardF?: string;
  crypto?: CosCrypto;
}

export interface ResidentImageOptions extends BlankImageOptions {
  /** Issue date YYYYMMDD (default derived from the seed, 2020–2025). */
  issueDate?: string;
  /** Enables the optional holder PIN [P] with this value (6–12 digits); off by default. */
  holderPin?: string;
  /** Final state: personalised (default), or with a blocked application / blocked card. */
  state?: "personalised" | "blocked" | "app-blocked";
  /** Issuer certificate (180 bytes) for element 05; default: the region's test PKI certificate. */
  issuerCertificate?: Uint8Array;
}

const filePath = (id: FileId) => {
  const def = FILES.find((f) => f.id === id)!;
  return `${DF_PATHS[def.df]}/${def.fid.toString(16).toUpperCase()}`;
};

function efOf(card: ResidentCard, id: FileId): EfNode {
  for (const ef of card.root.efs()) if (ef.path === filePath(id)) return ef;
  throw new Error(`no EF ${id}`);
}

/** cardF: 8 bytes unique per card, from the seed unless given (spec §5.1 [P]). */
function cardFactor(options: BlankImageOptions): Uint8Array {
  if (options.cardF) {
    if (!/^[0-9A-Fa-f]{16}$/.test(options.cardF)) throw new RangeError("cardF must be 8 hex bytes");
    return Uint8Array.from(Buffer.from(options.cardF, "hex"));
  }
  return new SeededRandom(`resident/${options.seed}/cardF`).bytes(8);
}

/** The factory's state: structure, and in every DF only the transport key Div(MTK, cardF) [P]. */
function blankCard(options: BlankImageOptions, region: Region, crypto: CosCrypto): ResidentCard {
  const cardF = cardFactor(options);
  const card = new ResidentCard({
    cardF,
    crypto,
    lifecycle: "personalisation",
    ...(options.mode ? { mode: options.mode } : {}),
  });
  const transport = cardKey(crypto, region, "TRANSPORT", cardF);
  for (const df of card.root.dfs()) {
    const slot = df.keys.get(TRANSPORT_KEY_ID);
    if (slot) slot.value = transport.slice();
  }
  return card;
}

function image(
  card: ResidentCard,
  mode: CosMode | undefined,
  label: string,
  meta: Record<string, unknown>,
): ResidentImage {
  return {
    format: "rhc-card-image/1",
    profile: "resident",
    label,
    ...(mode ? { mode } : {}),
    meta,
    cardF: toHex(card.cardF),
    cos: exportState(card),
  };
}

/** A blank card as it leaves the factory (pre-personalised): structure present, transport key only. */
export function makeBlankImage(options: BlankImageOptions): ResidentImage {
  const region = toRegion(options.region);
  const card = blankCard(options, region, options.crypto ?? defaultScheme());
  return image(card, options.mode, `blank card ${options.seed}`, {
    generator: "makeBlankImage",
    seed: options.seed,
    region: region.code,
  });
}

/** The element values of every TLV file for a person (spec §3.2). */
export function residentElements(
  person: Person,
  region: Region,
  rnd: SeededRandom,
  issueDate: string,
  issuerCertificate: Uint8Array,
): Partial<Record<FileId, Record<string, AnyFieldValue>>> {
  const names = regionNames(region.code);
  const expiry = `${Number(issueDate.slice(0, 4)) + 10}${issueDate.slice(4)}`;
  const flagKeys = [
    "asthma",
    "heartDisease",
    "cardioCerebrovascular",
    "epilepsy",
    "coagulationDisorder",
    "diabetes",
    "glaucoma",
    "dialysis",
    "organTransplant",
    "missingOrgan",
    "removableProsthesis",
    "pacemaker",
  ];
  return {
    "DDF1/EF05": {
      cardCategory: "1",
      specVersion: "1.00",
      issuerName: names.issuer,
      issuerCode: regionIssuerCode(region),
      issuerCertificate,
      issueDate,
      cardNumber: person.citizenId,
      securityCode: rnd.digits(3),
      issueSerial: rnd.digits(10),
      cityCode: region.code,
    },
    "DDF1/EF06": {
      name: person.name,
      sex: person.sex,
      ethnicity: person.ethnicity,
      birthDate: person.birthDate,
      citizenId: person.citizenId,
    },
    "DDF1/EF08": { expiryDate: expiry, phone1: person.phone, paymentMethod1: "2" },
    "DF01/EF05": { addressType1: "1", address1: person.address, addressType2: "2", address2: person.address },
    "DF01/EF06": {
      contact1Name: person.contactName,
      contact1Relation: person.contactRelation,
      contact1Phone: person.contactPhone,
    },
    "DF01/EF07": { education: person.education, maritalStatus: person.maritalStatus, occupation: person.occupation },
    "DF01/EF08": {
      idDocumentType: "01",
      idDocumentNumber: person.citizenId,
      healthRecordNumber: person.healthRecordNumber,
    },
    "DF02/EF05": {
      aboBloodGroup: person.abo,
      rhNegative: person.rh,
      ...Object.fromEntries(flagKeys.map((k, i) => [k, person.flags[i] ?? 0])),
    },
    "DF02/EF06": { psychiatric: 0 },
  };
}

const ALL_KEYS = Object.keys(CARD_KEYS) as KeyName[];

/**
 * A personalised resident card: person data from the seed, keys diversified from the region's
 * masters (the matching PSAM/ISAM images hold those), DF03 initialised (index flags FF), DDF1
 * EF05/EF06 locked. The result equals what the personalisation protocol produces on a blank card.
 */
export function makeResidentImage(options: ResidentImageOptions): ResidentImage {
  const region = toRegion(options.region);
  const crypto = options.crypto ?? defaultScheme();
  const card = blankCard(options, region, crypto);
  const rnd = new SeededRandom(`resident/${options.seed}/person`);
  const person = makePerson(rnd, region.code);
  const issueDate = options.issueDate ?? `${2020 + rnd.int(6)}${String(1 + rnd.int(12)).padStart(2, "0")}15`;
  const certificate = options.issuerCertificate ?? regionPki(region).issuerCertificate;
  for (const name of ALL_KEYS) {
    const { dfPath, id } = keyLocation(name);
    const slot = card.df(dfPath).keys.get(id)!;
    slot.value = cardKey(crypto, region, name, card.cardF);
  }
  for (const [file, values] of Object.entries(residentElements(person, region, rnd, issueDate, certificate))) {
    efOf(card, file as FileId).records = encodeTlvFile(file as FileId, values);
  }
  efOf(card, "DDF1/EF07").data = Uint8Array.from({ length: 3074 }, () => 0);
  const photo = encodePhoto(portraitJpeg(rnd.int(1000)));
  efOf(card, "DDF1/EF07").data.set(photo);
  efOf(card, "DF02/EF07").records = person.allergies.map((a) => encodeLayout(ALLERGY_LAYOUT, a)).reverse();
  efOf(card, "DF02/EF08").records = person.immunisations.map((i) => encodeLayout(IMMUNISATION_LAYOUT, i)).reverse();
  for (const id of ["DF03/EF05", "DF03/EF06"] as const) {
    const ef = efOf(card, id);
    ef.records = ef.records.map(() => Uint8Array.of(INDEX_FREE));
  }
  if (options.holderPin) {
    const pin = card.df(DF_PATHS.DDF1).pins.get(HOLDER_PIN_REF)!;
    pin.value = bcdPin(options.holderPin);
  }
  for (const df of card.root.dfs()) {
    const slot = df.keys.get(TRANSPORT_KEY_ID);
    if (slot) slot.value = undefined;
  }
  let lifecycle: CardLifecycle = "operational";
  if (options.state === "blocked") lifecycle = "blocked";
  if (options.state === "app-blocked") card.df(DF_PATHS.DF02).state = "blocked";
  card.lifecycle = lifecycle;
  return image(card, options.mode, `${person.name} ${person.citizenId}`, {
    generator: "makeResidentImage",
    seed: options.seed,
    region: region.code,
    person: { name: person.name, sex: person.sex, birthDate: person.birthDate, citizenId: person.citizenId },
  });
}

/** PBOC PIN block: BCD digits, an odd count padded with F (spec §4.7). */
export function bcdPin(pin: string): Uint8Array {
  if (!/^\d{6,12}$/.test(pin)) throw new RangeError("a PIN has 6 to 12 digits");
  const digits = pin.length % 2 ? `${pin}F` : pin;
  return Uint8Array.from(Buffer.from(digits, "hex"));
}
