export { AGENT_VERSION, dataPaths, type RunningAgent, type StartOptions, startAgent } from "./agent.js";
export { buildOpenApi } from "./api/openapi.js";
export { AUDIT_ACTIONS, type AuditAction } from "./audit/agent-audit.js";
export { SCOPES, type Scope } from "./auth/scopes.js";
export { loadConfig, parseConfig } from "./config/load.js";
export { type AgentConfig, type AgentConfigInput, agentConfigSchema, isLoopbackHost } from "./config/schema.js";
export { AGENT_EVENT_TYPES, type AgentEvent, type AgentEventType } from "./events/bus.js";
export { Secret } from "./log/secret.js";
