export { buildDemoCrl, type DemoCrlOptions } from "./crl.js";
export { FaultState, type Faults, type FaultsPatch, faultsSchema } from "./faults.js";
export { openApiDocument } from "./openapi.js";
export { type SandboxProcess, type SandboxProcessOptions, spawnSandbox } from "./process.js";
export { generateResidents, type Resident } from "./residents.js";
export { type RequestLogEntry, type Sandbox, type SandboxOptions, startSandbox } from "./server.js";
export { type SandboxSigning, sm2Signing } from "./signer.js";
