import {
  type AnyFieldValue,
  citizenIdProblem,
  type ElementDef,
  type ElementKey,
  elementDef,
  encodeField,
} from "@rhc/card-protocol";
import { isRhcError } from "@rhc/errors";
import {
  type FieldInfo,
  type FieldProblem,
  REQUIRED_RESIDENT_KEYS,
  RESIDENT_KEYS,
  type Resident,
  type ResidentKey,
} from "../../shared/resident.js";
import type { ResidentCatalog } from "./catalog.js";
import { problemZh } from "./problem-text.js";

/** Column headers operators commonly use besides the element key and its labels. */
const HEADER_ALIASES: Readonly<Record<string, ResidentKey>> = {
  身份证号: "citizenId",
  身份证号码: "citizenId",
  民族: "ethnicity",
  电话: "phone1",
  手机: "phone1",
  手机号: "phone1",
  血型: "aboBloodGroup",
  住址: "address1",
};

const def = (key: ResidentKey): ElementDef => elementDef(key as ElementKey);

/** A form/CSV value as the element value the codec expects (b fields are numbers). */
export function elementValue(key: ResidentKey, value: string | undefined): AnyFieldValue {
  if (value === undefined || value === "") return undefined;
  const { kind } = def(key);
  if (kind === "byte" || kind === "flag") return /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  return value;
}

function dateDigits(value: string): string {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(value);
  return m ? `${m[1]}${m[2]!.padStart(2, "0")}${m[3]!.padStart(2, "0")}` : value;
}

/** The resident catalog built on the card data dictionary of `@rhc/card-protocol`. */
export class CardDictionaryCatalog implements ResidentCatalog {
  private readonly headers = new Map<string, ResidentKey>();

  constructor() {
    for (const key of RESIDENT_KEYS) {
      const d = def(key);
      for (const name of [key, d.zh, d.en]) this.headers.set(name.toLowerCase(), key);
    }
    for (const [alias, key] of Object.entries(HEADER_ALIASES)) this.headers.set(alias, key);
  }

  fields(): FieldInfo[] {
    return RESIDENT_KEYS.map((key) => {
      const d = def(key);
      const info: FieldInfo = {
        key,
        zh: d.zh,
        en: d.en,
        format: d.format,
        length: d.length,
        kind: d.kind,
        required: REQUIRED_RESIDENT_KEYS.includes(key),
      };
      if (d.codes) info.codes = { ...d.codes };
      return info;
    });
  }

  keyFor(header: string): ResidentKey | undefined {
    return this.headers.get(header.trim().toLowerCase());
  }

  normalize(resident: Resident): Resident {
    const out: Resident = {};
    for (const key of RESIDENT_KEYS) {
      let value = resident[key]?.trim();
      if (!value) continue;
      const d = def(key);
      if (d.codes && !Object.hasOwn(d.codes, value)) {
        const code = Object.entries(d.codes).find(([, label]) => label === value || label === `${value}族`)?.[0];
        if (code) value = code;
      }
      if (d.kind === "date") value = dateDigits(value);
      if (key === "citizenId") value = value.toUpperCase();
      out[key] = value;
    }
    return out;
  }

  validate(resident: Resident): FieldProblem[] {
    const problems: FieldProblem[] = [];
    for (const key of RESIDENT_KEYS) {
      const d = def(key);
      const value = resident[key];
      if (value === undefined || value === "") {
        if (REQUIRED_RESIDENT_KEYS.includes(key)) {
          problems.push({ field: key, zh: `${d.zh}：必填`, en: `${d.en}: required` });
        }
        continue;
      }
      try {
        encodeField(d, elementValue(key, value));
      } catch (error) {
        if (!isRhcError(error, "FIELD_INVALID")) throw error;
        const en = (error.detail ?? error.message).replace(/^[^:]*: /, "");
        problems.push({ field: key, zh: `${d.zh}：${problemZh(en)}`, en: `${d.en}: ${en}` });
      }
    }
    problems.push(...this.crossChecks(resident, problems));
    return problems;
  }

  /** Desk policy: birth date and sex must agree with the citizen ID number (GB 11643 digits 7–14, 17). */
  private crossChecks(resident: Resident, found: readonly FieldProblem[]): FieldProblem[] {
    const id = resident.citizenId;
    if (!id || found.some((p) => p.field === "citizenId") || citizenIdProblem(id)) return [];
    const out: FieldProblem[] = [];
    const birth = id.slice(6, 14);
    if (resident.birthDate && !found.some((p) => p.field === "birthDate") && resident.birthDate !== birth) {
      out.push({
        field: "birthDate",
        zh: `出生日期：与身份证号码中的出生日期 ${birth} 不一致`,
        en: `birth date: differs from ${birth} in the citizen ID number`,
      });
    }
    const idSex = Number(id[16]) % 2 === 1 ? "1" : "2";
    if ((resident.sex === "1" || resident.sex === "2") && resident.sex !== idSex) {
      out.push({
        field: "sex",
        zh: "性别：与身份证号码第 17 位所示性别不一致",
        en: "sex: differs from the sex given by digit 17 of the citizen ID number",
      });
    }
    return out;
  }
}
