import type { AuthenticityResult, HealthCardSession } from "@rhc/card-protocol";
import { RhcError } from "@rhc/errors";
import type { SyncStore } from "@rhc/sync";
import { hasScope, type Scope } from "../auth/scopes.js";
import type { AgentConfig } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { DeskCards } from "./desk-cards.js";
import { applyHotlistPolicy, type HotlistDecision, maskCardNo } from "./hotlist-policy.js";
import { toJsonValue } from "./json.js";
import { listVersionsUsed } from "./record-written.js";

/** What a section reads and which scope it needs: adding a section is adding a row. */
export const CARD_SECTIONS = {
  identity: { scope: "read-basic", read: (s: HealthCardSession) => s.readIdentity() },
  contacts: { scope: "read-basic", read: (s: HealthCardSession) => s.readFile("DF01/EF06") },
  addresses: { scope: "read-basic", read: (s: HealthCardSession) => s.readFile("DF01/EF05") },
  photo: {
    scope: "read-basic",
    read: async (s: HealthCardSession) => {
      const jpeg = await s.readPhoto();
      return jpeg ? { contentType: "image/jpeg", base64: Buffer.from(jpeg).toString("base64") } : null;
    },
  },
  clinical: {
    scope: "read-clinical",
    read: async (s: HealthCardSession) => ({
      medical: await s.readFile("DF02/EF05"),
      special: await s.readFile("DF02/EF06"),
      allergies: await s.readAllergies(),
      immunisations: await s.readImmunisations(),
    }),
  },
  visits: { scope: "read-clinical", read: (s: HealthCardSession) => s.readVisitHistory({ verify: true }) },
} as const satisfies Record<string, { scope: Scope; read: (s: HealthCardSession) => Promise<unknown> }>;

export type CardSection = keyof typeof CARD_SECTIONS;
export const CARD_SECTION_NAMES = Object.keys(CARD_SECTIONS) as [CardSection, ...CardSection[]];
export type ReadPurpose = "registration" | "visit" | "settlement" | "issuance" | "other";

export interface CardReadResult {
  cardNo: string;
  /** 发卡序列号: tells a replacement card from the card it replaced (same card number). */
  cardSerial: string | null;
  authenticity: AuthenticityResult;
  hotlist: HotlistDecision;
  warnings: string[];
  sections: Partial<Record<CardSection, unknown>>;
  event: { eventId: string; seq: number };
}

export interface Actor {
  kind: "clinician" | "operator" | "system";
  id: string;
  name?: string;
}

/**
 * The desk's card read (architecture: "the path of a card read"): genuine-card check (internal
 * authentication via the SAM + issuer certificate), hotlist check with its version and age, the
 * requested sections, and a `card.read` event committed to the outbox — with the list versions
 * used — before anything is answered. Refusals (hotlisted, not genuine) are recorded too.
 */
export class CardReadService {
  constructor(
    private readonly cards: DeskCards,
    private readonly store: SyncStore,
    private readonly bus: EventBus,
    private readonly policy: AgentConfig["policy"],
  ) {}

  read(
    sections: readonly CardSection[],
    purpose: ReadPurpose,
    scopes: readonly Scope[],
    actor: Actor,
  ): Promise<CardReadResult> {
    for (const section of sections) {
      const needed = CARD_SECTIONS[section].scope;
      if (!hasScope(scopes, needed)) {
        throw new RhcError("FORBIDDEN", {
          detail: `section "${section}" needs scope "${needed}"`,
          data: { needed, section },
        });
      }
    }
    return this.cards.withResident(async ({ card, reader }) => {
      const authenticity = await card.checkAuthenticity({ roots: this.cards.roots });
      const { cardNo, cardSerial } = await cardIdentity(card);
      // The hotlist names physical cards (cardNo#issueSerial), so a replacement card stays usable.
      const check = this.store.hotlist.checkCard(cardNo, cardSerial);
      const listVersions = listVersionsUsed(this.store, check);
      const record = (refusal?: RhcError) => {
        const event = this.store.outbox.append({
          type: "card.read",
          aggregate: { kind: "card", id: cardNo },
          subject: { cardNo },
          actor,
          listVersions,
          payload: {
            cardNo,
            ...(cardSerial ? { cardSerial } : {}),
            purpose,
            genuine: authenticity.genuine,
            hotlist: check.listed ? "listed" : check.listVersion === null ? "unknown" : "clear",
          },
        });
        this.bus.publish("card.read", {
          reader,
          role: "resident",
          cardNoMasked: maskCardNo(cardNo),
          sections,
          ...(refusal ? { refused: refusal.code } : {}),
        });
        return event;
      };

      let hotlist: HotlistDecision;
      try {
        hotlist = applyHotlistPolicy(check, this.policy.hotlist, cardNo);
        if (!authenticity.genuine && this.policy.genuineCard === "deny") {
          throw new RhcError("CARD_NOT_GENUINE", {
            detail: describeAuthenticity(authenticity),
            data: { checks: authenticity.checks },
          });
        }
      } catch (error) {
        if (error instanceof RhcError) record(error);
        throw error;
      }

      const out: Partial<Record<CardSection, unknown>> = {};
      for (const section of sections) out[section] = toJsonValue(await CARD_SECTIONS[section].read(card));
      const warnings = [
        ...(hotlist.stale ? [`hotlist stale (version ${hotlist.listVersion ?? "none"})`] : []),
        ...(authenticity.genuine ? [] : [`not genuine: ${describeAuthenticity(authenticity)}`]),
      ];
      // Committed (WAL + synchronous=FULL) before the HIS sees the data.
      const event = record();
      return { cardNo, cardSerial: cardSerial ?? null, authenticity, hotlist, warnings, sections: out, event };
    });
  }
}

/** Card number (element 08) and issue serial (element 10): both free to read in DDF1/EF05. */
export async function cardIdentity(
  card: HealthCardSession,
): Promise<{ cardNo: string; cardSerial: string | undefined }> {
  const { cardNumber, issueSerial } = await card.readFile("DDF1/EF05", ["cardNumber", "issueSerial"]);
  const serial = issueSerial.trim();
  return { cardNo: cardNumber, cardSerial: /^[0-9A-Za-z]{1,10}$/.test(serial) ? serial : undefined };
}

export function describeAuthenticity(a: AuthenticityResult): string {
  return Object.entries(a.checks)
    .map(([name, c]) => `${name} ${c.status}${c.reasons.length ? ` (${c.reasons.join(", ")})` : ""}`)
    .join("; ");
}
