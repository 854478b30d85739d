import type { AgentAudit } from "../audit/agent-audit.js";
import type { RejectionAudit } from "../audit/rejection-audit.js";
import type { Authenticator } from "../auth/authenticator.js";
import type { ClientStore } from "../auth/client-store.js";
import type { PairingService } from "../auth/pairing.js";
import type { AgentConfig } from "../config/schema.js";
import type { DiagnosticsService } from "../diagnostics/diagnostics.js";
import type { EventBus } from "../events/bus.js";
import type { Logger } from "../log/logger.js";
import type { ReaderDirectory } from "../readers/reader-directory.js";
import type { CardReadService } from "../services/card-read.js";
import type { CardWriteService } from "../services/card-write.js";
import type { ClinicianService } from "../services/clinician.js";
import type { CompatService } from "../services/compat.js";
import type { DeskCards } from "../services/desk-cards.js";
import type { SyncRuntime } from "../services/sync.js";
import type { RateLimiter } from "./rate-limit.js";

/** Everything route modules may use; built once by `startAgent`. */
export interface AgentContext {
  config: AgentConfig;
  version: string;
  startedAt: Date;
  log: Logger;
  bus: EventBus;
  audit: AgentAudit;
  clients: ClientStore;
  pairing: PairingService;
  auth: Authenticator;
  readers: ReaderDirectory;
  diagnostics: DiagnosticsService;
  sync: SyncRuntime;
  cards: DeskCards;
  cardRead: CardReadService;
  clinician: ClinicianService;
  cardWrite: CardWriteService;
  compat: CompatService;
  limits: { client: RateLimiter; pairing: RateLimiter; rejectedAudit: RateLimiter };
  /** Audit lines of rejected requests, bounded by `limits.rejectedAudit`. */
  rejections: RejectionAudit;
}
