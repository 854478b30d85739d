import { chmodSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { type CardTransport, PcscTransport, VirtualReaderDetector } from "@rhc/card-protocol";
import { RhcError } from "@rhc/errors";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AgentContext } from "./api/context.js";
import { eventsPathDoc, eventTicketRoutes, registerEventsSocket } from "./api/events-socket.js";
import { OriginPolicy } from "./api/guards.js";
import { buildOpenApi } from "./api/openapi.js";
import { RateLimiter } from "./api/rate-limit.js";
import { type ApiRoute, route } from "./api/route.js";
import { adminRoutes } from "./api/routes/admin.js";
import { agentInfoRoutes } from "./api/routes/agent-info.js";
import { cardRoutes } from "./api/routes/card.js";
import { clinicianRoutes } from "./api/routes/clinician.js";
import { compatRoutes } from "./api/routes/compat.js";
import { pairingRoutes } from "./api/routes/pairing.js";
import { recordRoutes } from "./api/routes/records.js";
import { settlementRoutes } from "./api/routes/settlement.js";
import { syncRoutes } from "./api/routes/sync.js";
import { buildAdminServer, buildApiServer } from "./api/server.js";
import { AgentAudit } from "./audit/agent-audit.js";
import { RejectionAudit } from "./audit/rejection-audit.js";
import { Authenticator } from "./auth/authenticator.js";
import { ClientStore } from "./auth/client-store.js";
import { PairingService } from "./auth/pairing.js";
import { parseConfig } from "./config/load.js";
import { dataPaths } from "./config/paths.js";
import type { AgentConfig, AgentConfigInput } from "./config/schema.js";
import { DiagnosticsService, pcscProbe, samProbe, syncProbe, versionsProbe } from "./diagnostics/diagnostics.js";
import { agentEventSchema, EventBus } from "./events/bus.js";
import { createLogger, type Logger } from "./log/logger.js";
import { ReaderDirectory } from "./readers/reader-directory.js";
import { CardReadService } from "./services/card-read.js";
import { CardWriteService } from "./services/card-write.js";
import { ClinicianService } from "./services/clinician.js";
import { CompatService } from "./services/compat.js";
import { DeskCards } from "./services/desk-cards.js";
import { startSync } from "./services/sync.js";

export { dataPaths };

export const AGENT_VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export interface StartOptions {
  /** PC/SC by default; tests of pure API logic may pass another transport. */
  transport?: CardTransport;
  /** Where log lines go (tests capture them); the configured file or stdout otherwise. */
  logDestination?: NodeJS.WritableStream;
  /** Check every response against its schema (tests). */
  validateResponses?: boolean;
}

export interface RunningAgent {
  /** Base URL of the loopback API, e.g. http://127.0.0.1:17380 */
  url: string;
  port: number;
  /** Unix socket of the local admin API (operator actions). */
  adminSocket: string;
  config: AgentConfig;
  log: Logger;
  /** Operator actions for programmatic use (the demo, tests): same effect as the CLI. */
  admin: {
    pendingPairings(): ReturnType<PairingService["pending"]>;
    approve(code: string, scopes?: Parameters<PairingService["approve"]>[1]): ReturnType<PairingService["approve"]>;
    /** Downloads the hotlist and CRLs now (what a first sync at installation does). */
    refreshLists(): Promise<void>;
  };
  /** Resolves once every committed event has been acknowledged by the platform (tests, demo). */
  drained(timeoutMs?: number): Promise<void>;
  /** Graceful stop: refuse new requests, finish in-flight ones, close streams, flush logs. */
  close(): Promise<void>;
}

/** Starts the terminal agent: readers, services, loopback API and admin socket. */
export async function startAgent(
  input: AgentConfigInput | AgentConfig,
  options: StartOptions = {},
): Promise<RunningAgent> {
  const config = parseConfig(input);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // The admin socket's protection is this directory's mode: whoever can enter it is the operator.
  chmodSync(config.dataDir, 0o700);
  const paths = dataPaths(config.dataDir);
  const log = createLogger({
    level: config.log.level,
    file: config.log.file,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const sync = startSync(config, paths.store, log);
  const audit = new AgentAudit(sync.store.audit);
  const bus = new EventBus();
  const clients = new ClientStore(paths.clients);
  const transport = options.transport ?? new PcscTransport();
  const readers = new ReaderDirectory(
    transport,
    config.readers,
    new VirtualReaderDetector(),
    bus,
    log.child({ component: "readers" }),
  );
  const diagnostics = new DiagnosticsService();
  const cards = new DeskCards(transport, readers, config);
  const clinician = new ClinicianService(cards, sync.store, bus, audit, config);
  const cardRead = new CardReadService(cards, sync.store, bus, config.policy);
  const startedAt = new Date();
  // At most 30 lines at once, then one a second: a flood of bad tokens cannot grow the audit log.
  const rejectedAudit = new RateLimiter(1, 30);

  const ctx: AgentContext = {
    config,
    version: AGENT_VERSION,
    startedAt,
    log,
    bus,
    audit,
    clients,
    pairing: new PairingService(clients, {
      ttlSeconds: config.api.pairing.ttlSeconds,
      maxPending: config.api.pairing.maxPending,
      tokenTtlDays: config.api.tokenTtlDays,
    }),
    auth: new Authenticator(clients),
    readers,
    diagnostics,
    sync,
    cards,
    cardRead,
    clinician,
    cardWrite: new CardWriteService(cards, clinician, sync.store, bus, audit, config.policy),
    compat: new CompatService(cards, cardRead, clinician, sync.store, bus, audit, config),
    limits: {
      client: new RateLimiter(config.api.rateLimit.perSecond, config.api.rateLimit.burst),
      pairing: new RateLimiter(config.api.pairing.requestsPerMinute / 60, config.api.pairing.requestsPerMinute),
      rejectedAudit,
    },
    rejections: new RejectionAudit(audit, rejectedAudit),
  };
  diagnostics.register("versions", versionsProbe(AGENT_VERSION, startedAt, config.terminalId));
  diagnostics.register("pcsc", pcscProbe(readers));
  diagnostics.register("sync", syncProbe(sync));
  diagnostics.register("sam", samProbe(cards));

  let closing = false;
  const isClosing = () => closing;
  const validateResponses = options.validateResponses ?? false;
  let api: FastifyInstance | undefined;
  let admin: FastifyInstance | undefined;
  try {
    await readers.start();
    const routes: ApiRoute[] = [
      ...pairingRoutes(ctx),
      ...agentInfoRoutes(ctx),
      ...eventTicketRoutes(ctx),
      ...syncRoutes(ctx),
      ...settlementRoutes(ctx),
      ...cardRoutes(ctx),
      ...clinicianRoutes(ctx),
      ...recordRoutes(ctx),
      ...compatRoutes(ctx),
    ];
    const document = buildOpenApi(routes, {
      version: AGENT_VERSION,
      extraPaths: eventsPathDoc,
      extraSchemas: [agentEventSchema],
    });
    routes.push(
      route({
        method: "GET",
        path: "/openapi.json",
        operationId: "getOpenApi",
        summary: "This API's OpenAPI 3.1 document",
        tag: "meta",
        auth: "none",
        response: z.record(z.string(), z.unknown()),
        handler: () => document,
      }),
    );
    const policy = new OriginPolicy(config.api.port, config.api.allowedOrigins);
    api = await buildApiServer(ctx, policy, { routes, validateResponses, isClosing });
    const sockets = registerEventsSocket(api, ctx);
    await api.listen({ host: config.api.host, port: config.api.port });
    const address = api.server.address();
    if (address === null || typeof address === "string")
      throw new RhcError("INTERNAL", { detail: "API did not bind a TCP port" });
    policy.setPort(address.port);

    rmSync(paths.adminSocket, { force: true });
    admin = await buildAdminServer(ctx, { routes: adminRoutes(ctx), validateResponses, isClosing });
    await admin.listen({ path: paths.adminSocket });
    chmodSync(paths.adminSocket, 0o600);

    const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const url = `http://${hostForUrl}:${address.port}`;
    audit.record({ action: "agent.started", actor: "agent", outcome: "ok", data: { version: AGENT_VERSION, url } });
    log.info(
      { url, adminSocket: paths.adminSocket, terminalId: config.terminalId, version: AGENT_VERSION },
      "rhc-agent listening",
    );

    const apiServer = api;
    const adminServer = admin;
    let closed: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      adminSocket: paths.adminSocket,
      config,
      log,
      admin: {
        pendingPairings: () => ctx.pairing.pending(),
        approve(code, scopes) {
          const c = ctx.pairing.approve(code, scopes);
          audit.record({
            action: "pairing.approved",
            actor: "operator",
            outcome: "ok",
            subject: `client:${c.clientId}`,
            data: { name: c.name, scopes: c.scopes, code },
          });
          return c;
        },
        async refreshLists() {
          if (!sync.delivery) throw new RhcError("PLATFORM_UNREACHABLE", { detail: "no platform configured" });
          await sync.delivery.refreshDownlinks();
        },
      },
      async drained(timeoutMs) {
        if (!sync.delivery) throw new RhcError("PLATFORM_UNREACHABLE", { detail: "no platform configured" });
        await sync.delivery.drained(timeoutMs);
      },
      close() {
        closed ??= (async () => {
          closing = true;
          log.info("rhc-agent stopping");
          sockets.closeAll();
          // fastify.close() waits for in-flight requests: an operation that is committing its event finishes first.
          await Promise.all([apiServer.close(), adminServer.close()]);
          await cards.close();
          await readers.stop();
          await transport.close();
          audit.record({ action: "agent.stopped", actor: "agent", outcome: "ok" });
          await sync.close();
          rmSync(paths.adminSocket, { force: true });
          log.info("rhc-agent stopped");
          log.flush();
        })();
        return closed;
      },
    };
  } catch (error) {
    closing = true;
    await api?.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
    await cards.close();
    await readers.stop();
    await transport.close();
    await sync.close();
    throw error;
  }
}
