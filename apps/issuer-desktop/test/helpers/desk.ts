import { openSyncStore, type SyncStore } from "@rhc/sync";
import { DeskAudit } from "../../src/issuance/audit/desk-audit.js";
import { BatchStore } from "../../src/issuance/batch/batch-store.js";
import { CardRegistry } from "../../src/issuance/cards/card-registry.js";
import { type IssuerConfig, parseConfig } from "../../src/issuance/config.js";
import { IssueWorkflow } from "../../src/issuance/issue-workflow.js";
import type { IssuerCardPort } from "../../src/issuance/ports.js";
import { CardDictionaryCatalog } from "../../src/issuance/resident/card-dictionary-catalog.js";
import { applyDeskSchema } from "../../src/issuance/store/database.js";
import type { Operator } from "../../src/shared/channels.js";

export const TEST_OPERATOR: Operator = {
  id: "OP-0001",
  name: "测试操作员",
  organisation: "测试发卡中心",
  certificateSerial: "01",
  loggedInAt: new Date(0).toISOString(),
};

export function testConfig(dataDir: string, extra: Record<string, unknown> = {}): IssuerConfig {
  return parseConfig({
    dataDir,
    terminalId: "ISSUER-T1",
    centre: {
      name: "郑州市居民健康卡发卡中心",
      issuerCode: "410100000000001",
      cityCode: "410100",
      serialPrefix: "ZZ01",
      orgId: "410100-ISSUER",
    },
    ...extra,
  });
}

/** The desk's storage and workflow over a real SQLite file, with the given card port. */
export function deskParts(dataDir: string, port: IssuerCardPort) {
  const config = testConfig(dataDir);
  const store: SyncStore = openSyncStore({
    path: `${dataDir}/issuer.db`,
    terminalId: config.terminalId,
    checkpointIntervalMs: 0,
  });
  applyDeskSchema(store.context.db);
  const catalog = new CardDictionaryCatalog();
  const cards = new CardRegistry(store.context.db);
  const audit = new DeskAudit(store.audit);
  const workflow = new IssueWorkflow(config, catalog, cards, store, audit, port);
  const batches = new BatchStore(store.context.db);
  return { config, store, catalog, cards, audit, workflow, batches };
}
