import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { RhcError } from "@rhc/errors";
import { z } from "zod";

/** Loopback only (same rule as the terminal agent's API): 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return isIP(bare) === 6 && bare === "::1";
}

/** The desk configuration (JSON file or `startIssuerServer` argument), validated at start. */
export const IssuerConfigSchema = z
  .object({
    /** Where issuer.db (desk tables + sync store) lives. */
    dataDir: z.string().min(1),
    /** The desk's terminal id on the platform (event source, per-terminal seq). */
    terminalId: z.string().min(1).max(32).default("ISSUER-01"),
    centre: z
      .object({
        name: z.string().min(1).max(30),
        /** Element 04 发卡机构代码 (cn 11 = up to 22 digits). */
        issuerCode: z.string().regex(/^\d{1,22}$/),
        /** Element 57 应用城市代码 (GB/T 2260, 6 digits); also the second key-diversification factor. */
        cityCode: z.string().regex(/^\d{6}$/),
        /** First 4 characters of element 10 发卡序列号; the desk appends a 6-digit counter. */
        serialPrefix: z.string().regex(/^[0-9A-Z]{4}$/),
        /** Issuing organisation id sent in `card.issued` (platform issuerOrgId). */
        orgId: z.string().min(1).max(32),
      })
      .strict(),
    card: z
      .object({
        validityYears: z.number().int().min(1).max(30).default(10),
        /** [P] element 01 value set is not public. */
        category: z.string().length(1).default("1"),
        /** [P] element 02 value set is not public. */
        specVersion: z.string().max(4).default("1.00"),
      })
      .strict()
      .default({ validityYears: 10, category: "1", specVersion: "1.00" }),
    /**
     * Reader names (exact, or a prefix such as "Issuer Card Reader"). Virtual (vpcd) readers are
     * refused unless `allowVirtual` (tests, demos, training desks with simulated cards).
     */
    readers: z
      .object({
        issuerCard: z.string().min(1),
        issuerSam: z.string().min(1),
        staff: z.string().min(1),
        allowVirtual: z.boolean().default(false),
      })
      .strict()
      .default({
        issuerCard: "Issuer Card Reader",
        issuerSam: "Issuer SAM Reader",
        staff: "Staff Card Reader",
        allowVirtual: false,
      }),
    /**
     * Issuer SAM PIN. Production desks keep it out of this file: `samPinFile` names a file (mode
     * 0600) that holds it; the inline value is for demos and tests. Never logged or stored.
     */
    samPin: z
      .string()
      .regex(/^\d{4,12}$/)
      .default("123456"),
    samPinFile: z.string().min(1).optional(),
    /** The regional platform (identity lookups, event delivery); its token inline or in `tokenFile`. */
    platform: z
      .object({ baseUrl: z.url(), token: z.string().min(1).optional(), tokenFile: z.string().min(1).optional() })
      .strict()
      .refine((p) => (p.token === undefined) !== (p.tokenFile === undefined), "give exactly one of token, tokenFile")
      .optional(),
    /**
     * Trust for operator (staff CA card) logins: PEM files of the trust anchors, intermediates and
     * CRLs. Revocation is required (crypto's STAFF_CARD_POLICY) unless `revocation: "optional"`.
     */
    staffTrust: z
      .object({
        anchors: z.array(z.string().min(1)).min(1),
        intermediates: z.array(z.string().min(1)).default([]),
        crls: z.array(z.string().min(1)).default([]),
        revocation: z.enum(["required", "optional"]).default("required"),
      })
      .strict()
      .optional(),
    faceFont: z.object({ path: z.string(), family: z.string().optional() }).strict().optional(),
    /** Refused operator logins in a row before logins lock (RATE_LIMITED), and the first lock. */
    loginThrottle: z
      .object({
        maxFailures: z.number().int().min(1).max(20).default(5),
        lockMs: z.number().int().min(1000).max(3_600_000).default(60_000),
        maxLockMs: z
          .number()
          .int()
          .min(1000)
          .max(86_400_000)
          .default(15 * 60_000),
      })
      .strict()
      .default({ maxFailures: 5, lockMs: 60_000, maxLockMs: 15 * 60_000 }),
    /** How often one batch row may meet a card failure before it is marked failed. */
    maxAttempts: z.number().int().min(1).max(10).default(3),
    /** [P] card-number policy: the spec's citizen ID number, or an issuer sequence (see README). */
    cardNumber: z.enum(["citizen-id", "issuer-sequence"]).default("citizen-id"),
    /** Web mode binds to loopback only: the API drives the issuer SAM (see isLoopbackHost). */
    host: z
      .string()
      .default("127.0.0.1")
      .refine(isLoopbackHost, "the web server binds to loopback only (127.x.x.x, ::1 or localhost)"),
    port: z.number().int().min(0).max(65535).default(0),
  })
  .strict();

type ParsedConfig = z.output<typeof IssuerConfigSchema>;
export type IssuerConfigInput = z.input<typeof IssuerConfigSchema>;
/** The validated configuration with its secrets read from their files. */
export type IssuerConfig = Omit<ParsedConfig, "platform"> & {
  platform?: { baseUrl: string; token: string; tokenFile?: string };
};

/** Reads a one-line secret file; its content never appears in errors. */
function readSecret(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch (error) {
    throw new RhcError("CONFIG_INVALID", { detail: `${what}: cannot read ${path} (${(error as Error).message})` });
  }
}

export function parseConfig(input: unknown): IssuerConfig {
  const parsed = IssuerConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new RhcError("CONFIG_INVALID", {
      detail: parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; "),
    });
  }
  const { platform, ...config } = parsed.data;
  if (config.samPinFile) {
    config.samPin = readSecret(config.samPinFile, "samPinFile");
    if (!/^\d{4,12}$/.test(config.samPin)) {
      throw new RhcError("CONFIG_INVALID", { detail: `samPinFile: ${config.samPinFile} must hold 4-12 digits` });
    }
  }
  if (!platform) return config;
  const token = platform.token ?? readSecret(platform.tokenFile!, "platform.tokenFile");
  if (!token) throw new RhcError("CONFIG_INVALID", { detail: `platform.tokenFile: ${platform.tokenFile} is empty` });
  return { ...config, platform: { ...platform, token } };
}
