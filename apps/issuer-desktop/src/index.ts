export { createDeskAdapters } from "./adapters/desk-adapters.js";
export { createIssuerApp, type IssuerAdapters, type IssuerApp } from "./app/create-issuer-app.js";
export { issueCard } from "./app/issue-card.js";
export { type CallContext, IssuerService } from "./app/issuer-service.js";
export { type IssuerConfig, type IssuerConfigInput, IssuerConfigSchema, parseConfig } from "./issuance/config.js";
export { importResidents } from "./issuance/csv/import-residents.js";
export { cardFacePdf, findCjkFont } from "./issuance/face/card-face-pdf.js";
export type { PreparedCard, RunHooks } from "./issuance/issue-workflow.js";
export { IssueWorkflow, requireBlank } from "./issuance/issue-workflow.js";
export { MAX_PHOTO_BYTES, normalizePhoto } from "./issuance/photo/normalize-photo.js";
export type {
  CardPlan,
  CardProbe,
  Feeder,
  IdentityLookup,
  IssuerCardPort,
  PersonalisationOutcome,
  ReaderWatch,
  StaffLogin,
  VerifyOutcome,
} from "./issuance/ports.js";
export { type IssuerServer, RENDERER_DIR, startIssuerServer } from "./server/start-issuer-server.js";
export * from "./shared/channels.js";
export * from "./shared/resident.js";
