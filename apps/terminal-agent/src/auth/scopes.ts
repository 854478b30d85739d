import { z } from "zod";

/**
 * What a paired HIS client may do. An operator grants scopes at approval; an endpoint names the
 * scope it needs. Writes to the card additionally need a clinician session (staff card login).
 */
export const SCOPES = {
  "read-basic": "readers, status, events, diagnostics; identity, contacts, addresses and photo sections",
  "read-clinical": "clinical data and visit records on the card",
  write: "clinician login/logout, visit records, allergies and immunisations (with a clinician session)",
  settle: "insurance presettlement, settlement, status and reversal",
} as const;

export type Scope = keyof typeof SCOPES;
export const scopeSchema = z.enum(Object.keys(SCOPES) as [Scope, ...Scope[]]);
export const scopeListSchema = z.array(scopeSchema).min(1).max(4);

export function hasScope(granted: readonly Scope[], needed: Scope): boolean {
  return granted.includes(needed);
}
