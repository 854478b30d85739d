import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createPlatformClient, type Delivery, openSyncStore, type SyncStore, startDelivery } from "@rhc/sync";
import { platformIdentity } from "../adapters/platform-identity.js";
import { DeskAudit } from "../issuance/audit/desk-audit.js";
import { BatchRunner } from "../issuance/batch/batch-runner.js";
import { BatchStore } from "../issuance/batch/batch-store.js";
import { CardRegistry } from "../issuance/cards/card-registry.js";
import { type IssuerConfig, type IssuerConfigInput, parseConfig } from "../issuance/config.js";
import { IssueWorkflow } from "../issuance/issue-workflow.js";
import type { Feeder, IdentityLookup, IssuerCardPort, ReaderWatch, StaffLogin } from "../issuance/ports.js";
import { CardDictionaryCatalog } from "../issuance/resident/card-dictionary-catalog.js";
import { applyDeskSchema } from "../issuance/store/database.js";
import { CardStatusService } from "./card-status-service.js";
import { EventBus } from "./event-bus.js";
import { IssuerService } from "./issuer-service.js";

/** The hardware and platform side of the desk, supplied by the shell (or by tests and the demo). */
export interface IssuerAdapters {
  card: IssuerCardPort;
  feeder: Feeder;
  login: StaffLogin;
  readers: ReaderWatch;
  /** Default: the platform of `config.platform` (PDQm), with the store's offline cache. */
  identity?: IdentityLookup;
}

export interface IssuerApp {
  config: IssuerConfig;
  store: SyncStore;
  service: IssuerService;
  events: EventBus;
  workflow: IssueWorkflow;
  runner: BatchRunner;
  /** Sends the outbox (card.issued, lost/unblocked/replaced) to `config.platform`; absent without one. */
  delivery: Delivery | undefined;
  close(): Promise<void>;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/**
 * The composition root: opens `<dataDir>/issuer.db` (sync store + desk tables), wires catalog,
 * registers, workflow, batch runner and the service, and recovers batches a killed app left
 * running. Shell-independent: Electron's main process and the web server both start here.
 */
export function createIssuerApp(
  configInput: IssuerConfigInput,
  adapters: IssuerAdapters,
  mode: "web" | "electron" = "web",
): IssuerApp {
  const config = parseConfig(configInput);
  // The desk database holds personal data and the audit chain: owner-only directory.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const store = openSyncStore({ path: join(config.dataDir, "issuer.db"), terminalId: config.terminalId });
  applyDeskSchema(store.context.db);
  const events = new EventBus();
  const catalog = new CardDictionaryCatalog();
  const cards = new CardRegistry(store.context.db);
  const audit = new DeskAudit(store.audit);
  const workflow = new IssueWorkflow(config, catalog, cards, store, audit, adapters.card);
  const batches = new BatchStore(store.context.db);
  const runner = new BatchRunner(batches, workflow, adapters.feeder, events.emit, config.maxAttempts);
  runner.recoverAll();
  const service = new IssuerService({
    config,
    mode,
    version: packageVersion(),
    catalog,
    cards,
    audit,
    workflow,
    batches,
    runner,
    cardStatus: new CardStatusService(store, cards, audit),
    login: adapters.login,
    feeder: adapters.feeder,
    emit: events.emit,
    identity: adapters.identity ?? platformIdentity(config, store),
    readers: adapters.readers,
  });
  // Registration is the delivery of card.issued: the platform feeds its identity index from it.
  const delivery = config.platform
    ? startDelivery({
        store,
        client: createPlatformClient({
          baseUrl: config.platform.baseUrl,
          token: config.platform.token,
          terminalId: config.terminalId,
        }),
        startJitterMs: 0,
      })
    : undefined;
  return {
    config,
    store,
    service,
    events,
    workflow,
    runner,
    delivery,
    async close() {
      const running = runner.current;
      if (running) await runner.pause(running);
      service.logout();
      await delivery?.stop();
      await adapters.card.close?.();
      store.close();
    },
  };
}
