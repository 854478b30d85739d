export { ERROR_CODES, type ErrorCode, type ErrorSpec, errorSpec, isErrorCode } from "./codes/index.js";
export {
  isRhcError,
  type LocalizedMessage,
  RhcError,
  type RhcErrorOptions,
  type RhcProblem,
  toRhcError,
} from "./rhc-error.js";
