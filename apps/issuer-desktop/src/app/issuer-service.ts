import { randomBytes, timingSafeEqual } from "node:crypto";
import { RhcError, toRhcError } from "@rhc/errors";
import type { z } from "zod";
import type { DeskAudit } from "../issuance/audit/desk-audit.js";
import type { BatchRunner } from "../issuance/batch/batch-runner.js";
import { type BatchStore, publicItem } from "../issuance/batch/batch-store.js";
import type { CardRegistry } from "../issuance/cards/card-registry.js";
import type { IssuerConfig } from "../issuance/config.js";
import { importResidents } from "../issuance/csv/import-residents.js";
import { cardFacePdf, ethnicityForFace, findCjkFont } from "../issuance/face/card-face-pdf.js";
import { code128 } from "../issuance/face/code128.js";
import type { IssueWorkflow } from "../issuance/issue-workflow.js";
import { normalizePhoto } from "../issuance/photo/normalize-photo.js";
import type { Feeder, IdentityLookup, ReaderWatch, StaffLogin } from "../issuance/ports.js";
import type { ResidentCatalog } from "../issuance/resident/catalog.js";
import {
  CHANNELS,
  type ChannelName,
  type ChannelOutput,
  type Channels,
  type Envelope,
  type IssuerEvent,
  isChannelName,
  type Operator,
} from "../shared/channels.js";
import { type CardStatusService, cardRecord } from "./card-status-service.js";
import { LoginThrottle } from "./login-throttle.js";

export interface ServiceParts {
  config: IssuerConfig;
  mode: "web" | "electron";
  version: string;
  catalog: ResidentCatalog;
  cards: CardRegistry;
  audit: DeskAudit;
  workflow: IssueWorkflow;
  batches: BatchStore;
  runner: BatchRunner;
  cardStatus: CardStatusService;
  login: StaffLogin;
  feeder: Feeder;
  /** Progress of a single issue (issue.step) for the renderer. */
  emit: (event: IssuerEvent) => void;
  identity: IdentityLookup;
  readers: ReaderWatch;
}

/** Who is calling: the HTTP session token (web mode) or the trusted Electron window. */
export interface CallContext {
  token?: string;
  trusted?: boolean;
}

type Input<C extends ChannelName> = z.output<Channels[C]["input"]>;
type Handlers = { [C in ChannelName]: (input: Input<C>, operator: Operator | null) => Promise<ChannelOutput<C>> };

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const fromB64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

/**
 * Implements the channel table once, for both shells: Electron's ipcMain handlers and the web
 * server call `invoke`, which validates the input (zod), checks the operator session and answers
 * with a value or an RFC 9457 problem — never a raw exception.
 */
export class IssuerService {
  private session: { operator: Operator; token: string } | null = null;
  private readonly throttle: LoginThrottle;
  private readonly handlers: Handlers;

  constructor(private readonly parts: ServiceParts) {
    this.throttle = new LoginThrottle(parts.config.loginThrottle);
    this.handlers = this.buildHandlers();
  }

  async invoke(channel: string, rawInput: unknown, ctx: CallContext): Promise<Envelope<unknown>> {
    try {
      if (!isChannelName(channel)) throw new RhcError("NOT_FOUND", { detail: `no channel ${channel}` });
      const spec = CHANNELS[channel];
      const parsed = spec.input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        throw new RhcError("INVALID_INPUT", {
          detail: parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "),
        });
      }
      let operator = this.authorise(ctx);
      if (operator && spec.auth && this.parts.login.present && !(await this.parts.login.present())) {
        // The operator took the staff card out: the session ends with it.
        this.parts.audit.append({
          actor: operator.id,
          action: "session.ended",
          subject: operator.id,
          data: { reason: "card_removed" },
        });
        this.logout();
        operator = null;
      }
      if (spec.auth && !operator) throw new RhcError("OPERATOR_REQUIRED");
      const handler = this.handlers[channel] as (input: unknown, operator: Operator | null) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data, operator) };
    } catch (error) {
      return { ok: false, problem: toRhcError(error).toProblem() };
    }
  }

  /** The operator of the desk when the caller is the Electron window or holds the session token. */
  authorise(ctx: CallContext): Operator | null {
    if (!this.session) return null;
    if (ctx.trusted) return this.session.operator;
    if (!ctx.token) return null;
    const a = Buffer.from(ctx.token);
    const b = Buffer.from(this.session.token);
    return a.length === b.length && timingSafeEqual(a, b) ? this.session.operator : null;
  }

  /**
   * Every refused login goes to the hash-chained audit (reason code only: never the PIN). Refusals
   * about the operator's credentials count towards the login throttle; a missing reader or card
   * (retriable) and the throttle's own refusal do not.
   */
  private loginFailed(error: RhcError): void {
    const throttled = error.code === "RATE_LIMITED";
    if (!throttled && !error.retriable) this.throttle.failed();
    const triesLeft = (error.data as { triesLeft?: unknown } | undefined)?.triesLeft;
    this.parts.audit.append({
      actor: "unknown",
      action: "session.login_failed",
      outcome: throttled ? "throttled" : "refused",
      subject: this.parts.config.terminalId,
      data: { code: error.code, ...(typeof triesLeft === "number" ? { triesLeft } : {}) },
    });
  }

  /**
   * Writes one card: a simulated feeder brings the blank and takes the card to its bin; with a
   * manual one the operator has put the card in the reader already.
   */
  private async onFedCard<T>(write: () => Promise<T>): Promise<T> {
    const { feeder } = this.parts;
    if (feeder.kind === "simulated") await feeder.load();
    try {
      const written = await write();
      if (feeder.kind === "simulated") await feeder.eject("good");
      return written;
    } catch (error) {
      if (feeder.kind === "simulated") await feeder.eject("reject").catch(() => undefined);
      throw error;
    }
  }

  /** Ends the session (the staff card was removed, or the app shuts down). */
  logout(): void {
    this.session = null;
  }

  private requireOperator(operator: Operator | null): Operator {
    if (!operator) throw new RhcError("OPERATOR_REQUIRED");
    return operator;
  }

  private buildHandlers(): Handlers {
    const p = this.parts;
    return {
      "app.info": async () => ({
        version: p.version,
        mode: p.mode,
        centre: p.config.centre.name,
        feeder: p.feeder.kind,
      }),
      "session.current": async (_i, operator) => ({ operator }),
      "session.login": async ({ pin }) => {
        let who: Omit<Operator, "loggedInAt">;
        try {
          this.throttle.check();
          who = await p.login.login(pin);
        } catch (error) {
          this.loginFailed(toRhcError(error));
          throw error;
        }
        this.throttle.succeeded();
        const operator: Operator = { ...who, loggedInAt: new Date().toISOString() };
        this.session = { operator, token: randomBytes(24).toString("base64url") };
        p.audit.append({
          actor: operator.id,
          action: "session.login",
          subject: operator.id,
          data: { name: operator.name, certificateSerial: operator.certificateSerial },
        });
        return { operator, token: this.session.token };
      },
      "session.logout": async (_i, operator) => {
        p.audit.append({ actor: operator!.id, action: "session.logout", subject: operator!.id, data: {} });
        this.logout();
        return { ok: true as const };
      },
      "readers.status": async () => ({ readers: await p.readers.status() }),
      "resident.fields": async () => ({ fields: p.catalog.fields() }),
      "resident.validate": async ({ resident }) => ({ problems: p.catalog.validate(p.catalog.normalize(resident)) }),
      "resident.lookup": async ({ citizenId }) => p.identity.byCitizenId(citizenId),
      "photo.normalize": async ({ image, crop }) => {
        const photo = await normalizePhoto(fromB64(image), crop);
        return {
          jpeg: b64(photo.jpeg),
          bytes: photo.jpeg.length,
          width: photo.width,
          height: photo.height,
          quality: photo.quality,
        };
      },
      "card.issue": async ({ resident, photo }, operator) => {
        const prepared = p.workflow.prepare(resident, photo ? fromB64(photo) : undefined);
        return this.onFedCard(() =>
          p.workflow.run(prepared, this.requireOperator(operator), {
            onStep: (step, done, total) => p.emit({ type: "issue.step", step, done, total }),
          }),
        );
      },
      "card.face": async ({ chipSerial }) => {
        const card = p.cards.get(chipSerial);
        const fields = p.catalog.fields();
        const label = (key: string, code: string | undefined) =>
          (code && fields.find((f) => f.key === key)?.codes?.[code]) || "";
        const pdf = await cardFacePdf(
          {
            name: card.name,
            sex: label("sex", card.resident.sex),
            ethnicity: ethnicityForFace(label("ethnicity", card.resident.ethnicity)),
            cardNo: card.cardNo,
            ...(card.photo.length > 0 ? { photo: card.photo } : {}),
            issuer: p.config.centre.name,
          },
          findCjkFont(p.config.faceFont),
        );
        return {
          pdf: b64(pdf),
          barcodeSvg: code128(card.cardNo).svg,
          photo: card.photo.length > 0 ? b64(card.photo) : null,
          card: cardRecord(card),
        };
      },
      "cards.list": async ({ query }) => ({ cards: p.cards.list(query).map(cardRecord) }),
      "card.reportLost": async ({ chipSerial, reason }, operator) =>
        p.cardStatus.reportLost(chipSerial, reason, this.requireOperator(operator)),
      "card.unblock": async ({ chipSerial, reason }, operator) =>
        p.cardStatus.unblock(chipSerial, reason, this.requireOperator(operator)),
      "card.replace": async ({ chipSerial, reason }, operator) => {
        const who = this.requireOperator(operator);
        const old = p.cards.get(chipSerial);
        if (old.status === "replaced")
          throw new RhcError("CONFLICT", { detail: `card ${chipSerial} was already replaced` });
        const prepared = p.workflow.prepare(old.resident, old.photo);
        const issued = await this.onFedCard(() => p.workflow.run(prepared, who, { replaces: old }));
        return { old: p.cardStatus.replaced(old, issued, reason, who), issued };
      },
      "batch.import": async ({ name, csv }, operator) => {
        const result = importResidents(csv, p.catalog);
        const id = p.batches.create(name, result.accepted);
        p.audit.append({
          actor: operator!.id,
          action: "batch.imported",
          subject: id,
          data: {
            name,
            accepted: result.accepted.length,
            rejectedRows: new Set(result.rejected.map((r) => r.row)).size,
          },
        });
        return { batch: p.batches.summary(id), rejected: result.rejected };
      },
      "batch.list": async () => ({ batches: p.batches.list() }),
      "batch.get": async ({ id }) => ({
        batch: p.batches.summary(id),
        items: p.batches.items(id).map(publicItem),
      }),
      "batch.start": async ({ id }, operator) => ({ batch: p.runner.start(id, this.requireOperator(operator)) }),
      "batch.pause": async ({ id }) => ({ batch: await p.runner.pause(id) }),
      "batch.report": async ({ id }) => {
        const items = p.batches.items(id);
        const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
        const lines = [
          "row,citizenId,name,result,chipSerial,attempts,error",
          ...items.map((i) =>
            [
              String(i.row),
              i.citizenId,
              i.name,
              i.state === "issued" ? "good" : i.state === "failed" ? "bad" : i.state,
              i.chipSerial ?? "",
              String(i.attempts),
              i.error?.zh ?? "",
            ]
              .map(quote)
              .join(","),
          ),
        ];
        return { batch: p.batches.summary(id), csv: `${lines.join("\n")}\n` };
      },
      "audit.list": async ({ limit }) => ({ records: p.audit.list(limit) }),
      "audit.verify": async () => p.audit.verify(),
    };
  }
}
