export { TestDesk } from "./desk.js";
export { TEST_STACK } from "./global-setup.js";
export { type Lane, leaseLane, ROLE_READERS, type Role } from "./lanes.js";
export {
  ensureStack,
  readStackInfo,
  repoRoot,
  type StackInfo,
  type StackOptions,
  type StackReader,
  stackCommand,
  stackScript,
} from "./stack.js";
