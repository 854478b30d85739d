import { RhcError } from "@rhc/errors";
import { z } from "zod";

/**
 * Reader roles from configuration: each role lists exact reader names and/or regular expressions.
 * The first role that claims a reader wins (exact names are checked before patterns).
 */
export const readerRolesSchema = z.record(
  z.string().min(1),
  z
    .object({
      names: z.array(z.string().min(1)).default([]),
      patterns: z.array(z.string().min(1)).default([]),
    })
    .strict(),
);

export type ReaderRolesConfig = z.input<typeof readerRolesSchema>;

export class ReaderRoles {
  private readonly roles: { role: string; names: Set<string>; patterns: RegExp[] }[];

  constructor(config: unknown = {}) {
    const parsed = readerRolesSchema.safeParse(config);
    if (!parsed.success) {
      throw new RhcError("INVALID_INPUT", { detail: `reader roles: ${parsed.error.issues[0]?.message ?? "invalid"}` });
    }
    this.roles = Object.entries(parsed.data).map(([role, { names, patterns }]) => {
      let compiled: RegExp[];
      try {
        compiled = patterns.map((p) => new RegExp(p));
      } catch (error) {
        throw new RhcError("INVALID_INPUT", { detail: `reader role "${role}": bad pattern`, cause: error });
      }
      return { role, names: new Set(names), patterns: compiled };
    });
  }

  /** The role of a reader, or undefined when no role claims it. */
  /** Whether any role is configured (a desk), as opposed to a monitor that watches every reader. */
  get configured(): boolean {
    return this.roles.length > 0;
  }

  roleOf(reader: string): string | undefined {
    return (
      this.roles.find((r) => r.names.has(reader))?.role ??
      this.roles.find((r) => r.patterns.some((p) => p.test(reader)))?.role
    );
  }
}
