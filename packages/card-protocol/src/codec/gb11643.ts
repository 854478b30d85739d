import { isValidDate } from "./cn.js";

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = "10X98765432";

/** The GB 11643-1999 check character for the first 17 digits of a citizen ID number. */
export function citizenIdCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError("need exactly 17 digits");
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Why an 18-character citizen ID number is invalid, or `undefined` when it is valid. */
export function citizenIdProblem(id: string): string | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return "must be 17 digits followed by a digit or uppercase X";
  if (id.startsWith("0")) return "region code cannot start with 0";
  if (!isValidDate(id.slice(6, 14))) return `birth date ${id.slice(6, 14)} is not a valid date`;
  const expected = citizenIdCheckDigit(id.slice(0, 17));
  if (id[17] !== expected) return `check character is ${id[17]}, expected ${expected}`;
  return undefined;
}

export function isValidCitizenId(id: string): boolean {
  return citizenIdProblem(id) === undefined;
}

/** Completes 17 digits with their check character (test data, personalisation tools). */
export function withCitizenIdCheckDigit(first17: string): string {
  return first17 + citizenIdCheckDigit(first17);
}
