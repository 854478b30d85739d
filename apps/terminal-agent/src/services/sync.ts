import { readFileSync } from "node:fs";
import { RhcError } from "@rhc/errors";
import {
  createPlatformClient,
  type Delivery,
  type ListVerifier,
  openSyncStore,
  type PlatformClient,
  SettlementService,
  type SyncStore,
  sm2ListVerifier,
  startDelivery,
} from "@rhc/sync";
import type { AgentConfig } from "../config/schema.js";
import type { Logger } from "../log/logger.js";
import { Secret } from "../log/secret.js";

/** The agent's link to the platform: the local store always, delivery and settlement when configured. */
export interface SyncRuntime {
  store: SyncStore;
  client: PlatformClient | undefined;
  delivery: Delivery | undefined;
  settlement: SettlementService | undefined;
  close(): Promise<void>;
}

function readToken(path: string): Secret {
  try {
    const token = readFileSync(path, "utf8").trim();
    if (!token) throw new Error("file is empty");
    return new Secret(token);
  } catch (error) {
    throw new RhcError("CONFIG_INVALID", {
      detail: `platform.tokenFile ${path}: ${(error as Error).message}`,
      cause: error,
    });
  }
}

/** The platform signs its lists with SM2; the terminal trusts the configured keys only. */
function listVerifier(keys: NonNullable<AgentConfig["platform"]>["listSigningKeys"]): ListVerifier | undefined {
  if (keys.length === 0) return undefined;
  return sm2ListVerifier(
    Object.fromEntries(keys.map((k) => [k.keyId, new Uint8Array(Buffer.from(k.publicKey, "hex"))])),
  );
}

export function startSync(config: AgentConfig, storePath: string, log: Logger): SyncRuntime {
  const store = openSyncStore({ path: storePath, terminalId: config.terminalId });
  const p = config.platform;
  if (!p) {
    log.warn("no platform configured: events are kept in the local outbox");
    return { store, client: undefined, delivery: undefined, settlement: undefined, close: async () => store.close() };
  }
  let client: PlatformClient;
  let delivery: Delivery;
  let settlement: SettlementService;
  try {
    client = createPlatformClient({
      baseUrl: p.url,
      terminalId: config.terminalId,
      token: readToken(p.tokenFile).reveal(),
      timeoutMs: p.timeoutMs,
    });
    settlement = new SettlementService(store.context, store.outbox, client);
    const verifier = listVerifier(p.listSigningKeys);
    delivery = startDelivery({
      store,
      client,
      ...(verifier ? { verifier } : {}),
      crlIssuers: p.crlIssuers,
      settlement,
      periodicMs: p.periodicMs,
      downlinkIntervalMs: p.downlinkIntervalMs,
      startJitterMs: 0,
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const sync = log.child({ component: "sync" });
  delivery.onChange((event) => {
    if (event.type === "error")
      sync.warn({ code: event.code, detail: event.detail, retryInMs: event.retryInMs }, "delivery failed; will retry");
    else if (event.type === "ack")
      sync.debug({ batchId: event.batchId, acked: event.outcome.acked }, "events acknowledged");
    else if (event.type === "downlink" && !event.ok) sync.warn({ code: event.code }, "list refresh failed");
  });
  return {
    store,
    client,
    delivery,
    settlement,
    async close() {
      // Every event was committed before its API call answered; stopping the sender loses nothing.
      await delivery.stop();
      store.close();
    },
  };
}
