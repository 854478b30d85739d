import { z } from "zod";
import { FieldInfoSchema, FieldProblemSchema, ResidentSchema } from "./resident.js";

/**
 * The one channel table of the app. Electron's main process registers one `ipcMain.handle` per
 * entry, the web-mode server one `POST /api/<channel>` per entry, and the renderer calls both
 * through the same `IssuerApi`. Inputs are validated with these schemas on the Node side of every
 * boundary; `auth` channels need a logged-in operator (and, over HTTP, the session token).
 */

const Empty = z.object({}).strict();
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "base64");
const CardNo = z.string().min(1).max(18);
/** A physical card: its 8-byte chip factor (cardF) in hex. */
const ChipSerial = z.string().regex(/^[0-9A-F]{16}$/, "16 hex digits");

export const LocalizedSchema = z.object({ zh: z.string(), en: z.string() });

export const OperatorSchema = z.object({
  id: z.string(),
  name: z.string(),
  organisation: z.string(),
  certificateSerial: z.string(),
  loggedInAt: z.string(),
});
export type Operator = z.infer<typeof OperatorSchema>;

export const CardKindSchema = z.enum(["absent", "blank", "partial", "personalised", "unknown", "sam", "staff", "mute"]);
export const ReaderStateSchema = z.object({
  role: z.enum(["issuerCard", "issuerSam", "staff"]),
  reader: z.string().nullable(),
  present: z.boolean(),
  card: CardKindSchema,
  atr: z.string().optional(),
});
export type ReaderState = z.infer<typeof ReaderStateSchema>;

export const PhotoSchema = z.object({
  jpeg: Base64,
  bytes: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  quality: z.number().int(),
});
export type Photo = z.infer<typeof PhotoSchema>;

export const CropSchema = z.object({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(8),
  height: z.number().int().min(8),
});

export const IssueResultSchema = z.object({
  cardNo: CardNo,
  name: z.string(),
  chipSerial: ChipSerial,
  issueSerial: z.string(),
  keyVersion: z.number().int(),
  readBackDigest: z.string(),
  apduCount: z.number().int(),
  durationMs: z.number(),
  auditSeq: z.number().int(),
  eventId: z.string(),
});
export type IssueResult = z.infer<typeof IssueResultSchema>;

export const CardStatusSchema = z.enum(["issued", "lost", "replaced", "blocked"]);
export const CardRecordSchema = z.object({
  cardNo: CardNo,
  citizenId: z.string(),
  name: z.string(),
  status: CardStatusSchema,
  chipSerial: ChipSerial,
  issueSerial: z.string(),
  issuedAt: z.string(),
  replaces: z.string().nullable(),
  replacedBy: z.string().nullable(),
});
export type CardRecord = z.infer<typeof CardRecordSchema>;

export const ItemStateSchema = z.enum(["pending", "personalising", "verifying", "issued", "failed"]);
export type ItemState = z.infer<typeof ItemStateSchema>;

export const BatchItemSchema = z.object({
  row: z.number().int(),
  citizenId: z.string(),
  name: z.string(),
  state: ItemStateSchema,
  attempts: z.number().int(),
  chipSerial: z.string().nullable(),
  error: z.object({ code: z.string(), zh: z.string(), en: z.string() }).nullable(),
});
export type BatchItem = z.infer<typeof BatchItemSchema>;

export const BatchSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  status: z.enum(["ready", "running", "paused", "done"]),
  total: z.number().int(),
  counts: z.record(ItemStateSchema, z.number().int()),
});
export type BatchSummary = z.infer<typeof BatchSummarySchema>;

export const RowProblemSchema = FieldProblemSchema.extend({ row: z.number().int() });
export type RowProblem = z.infer<typeof RowProblemSchema>;

export const AuditRecordSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  outcome: z.string(),
  subject: z.string(),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, auth = true) {
  return { input, output, auth };
}

export const CHANNELS = {
  "app.info": channel(
    Empty,
    z.object({
      version: z.string(),
      mode: z.enum(["web", "electron"]),
      centre: z.string(),
      feeder: z.enum(["manual", "simulated"]),
    }),
    false,
  ),
  "session.current": channel(Empty, z.object({ operator: OperatorSchema.nullable() }), false),
  "session.login": channel(
    z.object({ pin: z.string().regex(/^\d{4,12}$/, "4-12 digits") }).strict(),
    z.object({ operator: OperatorSchema, token: z.string() }),
    false,
  ),
  "session.logout": channel(Empty, z.object({ ok: z.literal(true) })),
  "readers.status": channel(Empty, z.object({ readers: z.array(ReaderStateSchema) })),
  "resident.fields": channel(Empty, z.object({ fields: z.array(FieldInfoSchema) }), false),
  "resident.validate": channel(
    z.object({ resident: ResidentSchema }).strict(),
    z.object({ problems: z.array(FieldProblemSchema) }),
  ),
  "resident.lookup": channel(
    z.object({ citizenId: z.string().regex(/^\d{17}[\dXx]$/, "18 characters: 17 digits and a digit or X") }).strict(),
    z.object({ resident: ResidentSchema.nullable(), source: z.string() }),
  ),
  "photo.normalize": channel(
    z.object({ image: Base64.max(20_000_000), crop: CropSchema.optional() }).strict(),
    PhotoSchema,
  ),
  "card.issue": channel(
    z.object({ resident: ResidentSchema, photo: Base64.max(6000).optional() }).strict(),
    IssueResultSchema,
  ),
  "card.face": channel(
    z.object({ chipSerial: ChipSerial }).strict(),
    z.object({ pdf: Base64, barcodeSvg: z.string(), photo: Base64.nullable(), card: CardRecordSchema }),
  ),
  "cards.list": channel(
    z.object({ query: z.string().max(40).optional() }).strict(),
    z.object({ cards: z.array(CardRecordSchema) }),
  ),
  "card.reportLost": channel(
    z.object({ chipSerial: ChipSerial, reason: z.string().min(1).max(200) }).strict(),
    z.object({ card: CardRecordSchema, eventId: z.string(), auditSeq: z.number().int() }),
  ),
  "card.replace": channel(
    z.object({ chipSerial: ChipSerial, reason: z.string().min(1).max(200) }).strict(),
    z.object({ old: CardRecordSchema, issued: IssueResultSchema }),
  ),
  "card.unblock": channel(
    z.object({ chipSerial: ChipSerial, reason: z.string().min(1).max(200) }).strict(),
    z.object({ card: CardRecordSchema, eventId: z.string(), auditSeq: z.number().int() }),
  ),
  "batch.import": channel(
    z.object({ name: z.string().min(1).max(80), csv: z.string().max(10_000_000) }).strict(),
    z.object({ batch: BatchSummarySchema, rejected: z.array(RowProblemSchema) }),
  ),
  "batch.list": channel(Empty, z.object({ batches: z.array(BatchSummarySchema) })),
  "batch.get": channel(
    z.object({ id: z.string() }).strict(),
    z.object({ batch: BatchSummarySchema, items: z.array(BatchItemSchema) }),
  ),
  "batch.start": channel(z.object({ id: z.string() }).strict(), z.object({ batch: BatchSummarySchema })),
  "batch.pause": channel(z.object({ id: z.string() }).strict(), z.object({ batch: BatchSummarySchema })),
  "batch.report": channel(
    z.object({ id: z.string() }).strict(),
    z.object({ batch: BatchSummarySchema, csv: z.string() }),
  ),
  "audit.list": channel(
    z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
    z.object({ records: z.array(AuditRecordSchema) }),
  ),
  "audit.verify": channel(Empty, z.object({ ok: z.boolean(), brokenAt: z.number().int().nullable() })),
} as const;

export type Channels = typeof CHANNELS;
export type ChannelName = keyof Channels;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]["input"]>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]["output"]>;
export const CHANNEL_NAMES = Object.keys(CHANNELS) as ChannelName[];

export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === "string" && Object.hasOwn(CHANNELS, value);
}

/** Pushed from the Node side to the renderer (Electron: webContents.send; web: server-sent events). */
export const IssuerEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("batch.progress"), batch: BatchSummarySchema, item: BatchItemSchema.optional() }),
  z.object({ type: z.literal("readers"), readers: z.array(ReaderStateSchema) }),
  z.object({
    type: z.literal("issue.step"),
    step: z.string(),
    done: z.number().int(),
    total: z.number().int(),
  }),
]);
export type IssuerEvent = z.infer<typeof IssuerEventSchema>;

/** What crosses every boundary: a value or an RFC 9457 problem (the RhcError's serial form). */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  code: z.string(),
  retriable: z.boolean(),
  detail: z.string().optional(),
  sw: z.string().optional(),
  message: LocalizedSchema,
  data: z.record(z.string(), z.unknown()).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export type Envelope<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** The renderer's view of the app, the same in Electron and in a browser. */
export interface IssuerApi {
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  subscribe(listener: (event: IssuerEvent) => void): () => void;
}

/** Thrown in the renderer when the Node side answered with a problem. */
export class IssuerApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message.en);
    this.name = "IssuerApiError";
  }
}
