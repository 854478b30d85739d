export { type AuditEntry, AuditLog } from "./audit/audit-log.js";
export { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from "./delivery/backoff.js";
export { type Delivery, type DeliveryEvent, type DeliveryOptions, startDelivery } from "./delivery/delivery.js";
export { type CrlInfo, parseCrl } from "./downlink/crl-parse.js";
export { CrlStore, type StoredCrl } from "./downlink/crl-store.js";
export { DEFAULT_FRESHNESS, type Freshness, type FreshnessPolicy, freshness } from "./downlink/freshness.js";
export { Hotlist, type HotlistCheck, type HotlistRefreshResult, type HotlistState } from "./downlink/hotlist.js";
export { hotlistKey, hotlistKeysFor } from "./downlink/hotlist-key.js";
export {
  keyedVerifier,
  type ListSigner,
  type ListVerifier,
  signingBytes,
  signList,
  verifyList,
} from "./downlink/list-signature.js";
export { SM2_LIST_ALG, sm2ListSigner, sm2ListVerifier } from "./downlink/sm2-list-signature.js";
export {
  actorSchema,
  aggregateSchema,
  type EventInput,
  eventInputSchema,
  subjectSchema,
  validatePayload,
  type WireEvent,
  wireEventSchema,
} from "./events/envelope.js";
export { EVENT_TYPE_NAMES, EVENT_TYPES, type EventPayload, type EventType, isEventType } from "./events/event-types.js";
export {
  createIdentityService,
  type IdentityAnswer,
  IdentityCache,
  type IdentityQuery,
  type IdentityService,
} from "./identity/identity.js";
export {
  type AckOutcome,
  type AppendResult,
  type DeadLetter,
  MAX_EVENT_BYTES,
  Outbox,
  type OutboxBatch,
} from "./outbox/outbox.js";
export {
  type CrlDownload,
  createPlatformClient,
  type PixResult,
  type PlatformClient,
  type PlatformClientOptions,
} from "./platform/client.js";
export { type FetchLike, retryAfterMs } from "./platform/http.js";
export * from "./platform/wire.js";
export { type SettlementRecord, SettlementService, settlementDate } from "./settlement/settlement-service.js";
export { canTransition, SETTLEMENT_TRANSITIONS, type SettlementState } from "./settlement/states.js";
export { type ClockOffset, DEFAULT_SKEW_THRESHOLD_MS } from "./status/clock-offset.js";
export type { LastError, SyncStatus } from "./status/status.js";
export type { StoreAlert, StoreContext } from "./store/context.js";
export { STORE_PRAGMAS } from "./store/database.js";
export { type OpenSyncStoreOptions, openSyncStore, type SyncStore } from "./store/sync-store.js";
export { canonicalJson, sha256Hex } from "./util/canonical-json.js";
export { type Clock, type MonoTime, type Random, seededRandom, systemClock, systemRandom } from "./util/clock.js";
export { gb11643CheckChar, isValidIdNumber } from "./util/gb11643.js";
export { UUID_V7, Uuidv7Generator, uuidv7 } from "./util/uuidv7.js";
