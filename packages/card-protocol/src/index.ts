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
// Health-card data dictionary and codecs (milestone 1: shared with @rhc/card-sim).
export { decodeAns, encodeAns } from "./codec/ans.js";
export { decodeCn, encodeCn, isValidDate, isValidDateTime } from "./codec/cn.js";
export {
  type AnyFieldValue,
  type CodecOptions,
  type CodeList,
  decodeField,
  emptyField,
  encodeField,
  type FieldFormat,
  type FieldKind,
  type FieldSpec,
  type FieldValue,
} from "./codec/field.js";
export { cardDataInvalid, type FieldName, fieldInvalid } from "./codec/field-error.js";
export {
  citizenIdCheckDigit,
  citizenIdProblem,
  isValidCitizenId,
  withCitizenIdCheckDigit,
} from "./codec/gb11643.js";
export {
  checkLayout,
  decodeLayout,
  encodeLayout,
  type LayoutField,
  type LayoutValues,
  type RecordLayout,
} from "./codec/layout.js";
export { F_PADDED_NUMERIC, type NumericCnRule, ZERO_FILLED_NUMERIC } from "./codec/numeric.js";
export { decodeTlvRecord, encodeTlvRecord, type TlvRecordSpec } from "./codec/tlv-record.js";
export {
  ELEMENTS,
  type ElementDef,
  type ElementKey,
  type ElementValue,
  elementByNumber,
  elementDef,
  elementsOf,
  type FileElements,
  tlvSpec,
} from "./health-card/elements.js";
export {
  CARD_FACTOR_BYTES_5_TO_12,
  CARD_FACTOR_LAST_8,
  type CardFactorRule,
  cityFactor,
} from "./health-card/factors.js";
export {
  type AccessRule,
  DFS,
  type DfDef,
  type DfName,
  FILES,
  type FileDef,
  type FileId,
  type FileStructure,
  fileDef,
  filePath,
  MF_FID,
  type SmMode,
  type SmRule,
  VISIT_SLOTS,
} from "./health-card/files.js";
export {
  CARD_KEY_REFERENCES,
  CARD_KEYS,
  type CardKeyDef,
  EXTERNAL_AUTH_TRAILER,
  type KeyClass,
  type KeyName,
  READ_AUTH_P,
  SAM_KEYS,
  type SamKeyDef,
  type SamKeyName,
  STK_OF_DF,
} from "./health-card/keys.js";
export {
  ALLERGY_LAYOUT,
  type Allergy,
  decodeElement,
  decodeElementRecord,
  decodeIndexFlag,
  decodePhoto,
  decodePhotoLength,
  emptyElementRecord,
  encodeElementRecord,
  encodePhoto,
  encodeTlvFile,
  IMMUNISATION_LAYOUT,
  type Immunisation,
  INDEX_FREE,
  INDEX_VALID,
  isEmptyRecord,
  PHOTO_FILE_SIZE,
  PHOTO_MAX_IMAGE,
} from "./health-card/records.js";
export {
  decodeInpatientRecord,
  decodeOutpatientRecord,
  ED_LAYOUT,
  EE_LAYOUT,
  encodeInpatientRecord,
  encodeOutpatientRecord,
  type InpatientInput,
  type InpatientRecord,
  type OutpatientInput,
  type OutpatientRecord,
  type VisitField,
  type VisitLayout,
} from "./health-card/visit-records.js";
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
