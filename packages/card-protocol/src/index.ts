export {
  type ApduCase,
  apduCase,
  type CommandApdu,
  type DecodedCommand,
  decodeCommand,
  encodeCommand,
} from "./apdu/command.js";
export { encodeResponse, parseResponse, type ResponseApdu, SW_OK, swHex } from "./apdu/response.js";
export {
  describeSw,
  lookupSw,
  STATUS_WORDS,
  type StatusWordEntry,
  swError,
  triesLeft,
} from "./apdu/status-words.js";
export { type MemoryCard, MemoryTransport } from "./transport/memory.js";
export { PcscTransport } from "./transport/pcsc.js";
export { pcscErrorCode } from "./transport/pcsc-errors.js";
export type {
  CardConnection,
  CardTransport,
  Disposition,
  Protocol,
  ReaderStatus,
  ShareMode,
  WaitOptions,
} from "./transport/types.js";
export { cardAbsent, cardPresent, waitForReader } from "./transport/wait.js";
export { bytesEqual, concatBytes, fromHex, toHex } from "./util/hex.js";
