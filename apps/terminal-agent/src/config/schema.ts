import { isIP } from "node:net";
import { z } from "zod";

/** Loopback only: the API serves the HIS on this computer, never the network. */
export function isLoopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1";
  return false;
}

const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.origin === value && (url.protocol === "http:" || url.protocol === "https:");
  } catch {
    return false;
  }
}, 'an origin is scheme://host[:port] without a path, e.g. "http://his.hospital.local"');

/** A reader is chosen for a role by its exact PC/SC name or by a name prefix (lanes, USB re-enumeration). */
const readerMatcher = z.union([
  z.string().min(1).describe("exact PC/SC reader name"),
  z
    .object({ prefix: z.string().min(1) })
    .strict()
    .describe("first reader whose name starts with the prefix"),
]);

const operationPolicy = z.enum(["fail-open", "fail-closed"]);

export const agentConfigSchema = z
  .object({
    terminalId: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,32}$/, "letters, digits and '-' only, at most 32 characters")
      .describe("terminal number registered with the regional platform"),
    dataDir: z.string().min(1).describe("directory for clients, audit log and local databases (mode 0700)"),
    api: z
      .object({
        host: z
          .string()
          .default("127.0.0.1")
          .refine(isLoopbackHost, "the API binds to loopback only (127.0.0.1, ::1 or localhost)"),
        port: z.number().int().min(0).max(65535).default(17380).describe("0 picks a free port (tests)"),
        allowedOrigins: z.array(origin).default([]).describe("browser origins of HIS web front-ends"),
        rateLimit: z
          .object({
            perSecond: z.number().positive().default(20),
            burst: z.number().int().positive().default(40),
          })
          .strict()
          .prefault({}),
        pairing: z
          .object({
            ttlSeconds: z.number().int().min(30).max(3600).default(300),
            maxPending: z.number().int().min(1).max(100).default(10),
            requestsPerMinute: z.number().int().min(1).default(10),
          })
          .strict()
          .prefault({}),
        tokenTtlDays: z.number().int().min(1).max(3650).default(365),
      })
      .strict()
      .prefault({}),
    readers: z
      .object({
        allowVirtual: z
          .boolean()
          .default(false)
          .describe("accept vpcd (virtual) readers; tests and demos only, never in production"),
        roles: z.object({ resident: readerMatcher, sam: readerMatcher, staff: readerMatcher.optional() }).strict(),
      })
      .strict(),
    platform: z
      .object({
        url: z.url(),
        tokenFile: z.string().min(1).describe("file holding the terminal's bearer credential for the platform"),
        timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
        listSigningKeys: z
          .array(
            z
              .object({
                keyId: z.string().min(1),
                alg: z.literal("SM2").default("SM2"),
                publicKey: z.string().regex(/^04[0-9a-fA-F]{128}$/, "SM2 public key 04‖x‖y in hex (65 bytes)"),
              })
              .strict(),
          )
          .default([])
          .describe("SM2 keys the platform signs hotlists with; without one the hotlist is never refreshed"),
        crlIssuers: z
          // Key ids are compared in lower case everywhere (sync's CRL store, the platform's D3 files).
          .array(
            z
              .string()
              .regex(/^[0-9a-fA-F]{2,64}$/)
              .transform((id) => id.toLowerCase()),
          )
          .default([])
          .describe("issuer key ids of staff-certificate CAs whose CRLs are cached for offline checks"),
        periodicMs: z.number().int().min(100).default(60_000).describe("idle uplink attempt period"),
        downlinkIntervalMs: z.number().int().min(100).default(300_000).describe("hotlist/CRL refresh period"),
      })
      .strict()
      .optional()
      .describe("regional platform; without it events queue locally until it is configured"),
    sam: z
      .object({
        pinFile: z.string().min(1).optional().describe("file holding the SAM PIN (mode 0600); never in this file"),
        cardMode: z
          .enum(["strict", "lenient"])
          .default("strict")
          .describe("lenient: vendor-compatible cards (spec §10)"),
        timeoutMs: z.number().int().min(100).max(60_000).default(5000).describe("one APDU longer than this: CARD_MUTE"),
      })
      .strict()
      .prefault({}),
    trust: z
      .object({
        staffCaFiles: z
          .array(z.string().min(1))
          .default([])
          .describe("PEM files of the root CA certificates staff (clinician) cards must chain to"),
        staffIntermediateFiles: z
          .array(z.string().min(1))
          .default([])
          .describe("PEM files of intermediate CA certificates (staff cards carry only their own certificate)"),
        cardIssuerRoots: z
          .array(
            z
              .object({
                publicKey: z.string().regex(/^04[0-9a-fA-F]{128}$/, "SM2 public key 04‖x‖y in hex (65 bytes)"),
                keyId: z
                  .string()
                  .regex(/^[0-9a-fA-F]{8}$/, "4-byte CA key id in hex")
                  .optional(),
                label: z.string().optional(),
              })
              .strict(),
          )
          .default([])
          .describe("root keys resident-card issuer certificates (element 05) must verify with"),
      })
      .strict()
      .prefault({}),
    policy: z
      .object({
        hotlist: z
          .object({
            warnAfterHours: z.number().positive().default(24).describe("older list: reads pass with a warning"),
            denyAfterHours: z.number().positive().default(168).describe("older list: reads are refused (LIST_STALE)"),
            neverLoaded: z
              .enum(["warn", "deny"])
              .default("deny")
              .describe("before the first successful download (a new desk): refuse (default) or warn"),
          })
          .strict()
          .refine((h) => h.denyAfterHours >= h.warnAfterHours, "denyAfterHours must not be below warnAfterHours")
          .prefault({}),
        revocation: z
          .object({
            crlGraceHours: z.number().min(0).default(24),
            clinicianLogin: operationPolicy.default("fail-closed"),
            recordWrite: operationPolicy.default("fail-closed"),
          })
          .strict()
          .prefault({}),
        genuineCard: z.enum(["warn", "deny"]).default("deny"),
        clinicianSessionMinutes: z.number().int().min(1).max(1440).default(480),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
        file: z.string().optional().describe("log file; standard output (the journal) when absent"),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type AgentConfigInput = z.input<typeof agentConfigSchema>;
export type AgentConfig = z.output<typeof agentConfigSchema>;
export type ReaderMatcher = z.infer<typeof readerMatcher>;
export type ReaderRole = keyof AgentConfig["readers"]["roles"];
export type OperationPolicy = z.infer<typeof operationPolicy>;
