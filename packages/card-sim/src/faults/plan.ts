import { z } from "zod";

const apduIndex = z.number().int().min(1);

/**
 * Faults a simulated card can be told to show, per test (`CardHost.setFaults`) or from the CLI.
 * APDU numbers count from 1 = the first APDU after the plan was set.
 */
export const faultPlanSchema = z
  .object({
    /** Pull the card right after answering this many APDUs. */
    removeAfterApdus: z.number().int().min(1).optional(),
    /** Pull the card in the middle of APDU n: no answer; `applied` says whether the command took effect. */
    tear: z
      .object({ atApdu: apduIndex, applied: z.boolean().default(false) })
      .strict()
      .optional(),
    /** Every answer (APDUs only, not the ATR) is delayed by this many milliseconds. */
    delayMs: z.number().int().min(0).max(60_000).optional(),
    /** From APDU n on the card stops answering; after `releaseAfterMs` the reader gives up (card removed). */
    mute: z
      .object({ atApdu: apduIndex.default(1), releaseAfterMs: z.number().int().min(0).max(60_000).default(2000) })
      .strict()
      .optional(),
    /** Answer APDU n (and `count` − 1 more) with random bytes instead of the real response. */
    garbage: z
      .object({ atApdu: apduIndex, count: z.number().int().min(1).default(1) })
      .strict()
      .optional(),
    /**
     * Cut the response of APDU n to its first `keep` bytes. At least 1: vpcd 0.8 takes an empty
     * frame as no answer and the reader, with every client waiting on it, hangs.
     */
    truncate: z
      .object({
        atApdu: apduIndex,
        keep: z.number().int().min(1).default(1),
        count: z.number().int().min(1).default(1),
      })
      .strict()
      .optional(),
    /** Answer matching APDUs with a status word without executing them; `times` 0 = every time. */
    forceSw: z
      .array(
        z
          .object({
            sw: z.number().int().min(0).max(0xffff),
            ins: z.number().int().min(0).max(0xff).optional(),
            cla: z.number().int().min(0).max(0xff).optional(),
            times: z.number().int().min(0).default(1),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export type FaultPlan = z.input<typeof faultPlanSchema>;
export type ParsedFaultPlan = z.output<typeof faultPlanSchema>;
