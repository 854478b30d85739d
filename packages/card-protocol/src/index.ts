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
// Compatibility facade (spec §8).
export { type CompatStep, IRV, irvCode, WS_ERR, wsCode } from "./compat/error-codes.js";
export {
  type CompatDevice,
  type CompatResult,
  HealthCardApi,
  type HealthCardApiOptions,
  SLOT_SAM,
  SLOT_USER,
} from "./compat/health-card-api.js";
export { ITEM_RANGES, STYLE, TLV_FUNCTIONS, type TlvFunction, type TlvParams } from "./compat/parameters.js";
// Sessions.
export {
  type AuthenticityResult,
  type CheckResult,
  type CheckStatus,
  checkIssuerCertificate,
  type TrustedRoot,
} from "./health-card/authenticity.js";
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
export { CardNavigator } from "./health-card/navigator.js";
export {
  PROJECT_RECORD_SIGNATURE,
  type RecordSignatureInput,
  type RecordSignatureScheme,
} from "./health-card/record-signature.js";
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
  type CardMode,
  type FullCard,
  HealthCardSession,
  type HealthCardSessionOptions,
  type Identity,
  type SignatureStatus,
  type TlvFileId,
  type VisitEntry,
  type VisitKind,
} from "./health-card/session.js";
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
// APDU pipeline (after yubikit's processors).
export { BINARY_CHUNK, BinaryChunker } from "./pipeline/binary-chunker.js";
export { ResponseChaining } from "./pipeline/chaining.js";
export { ApduChannel, type PipelineOptions } from "./pipeline/channel.js";
export {
  type ApduProcessor,
  type PipelineCommand,
  type SmRequest,
  TransportProcessor,
  type TransportProcessorOptions,
} from "./pipeline/processor.js";
export {
  type CardFactors,
  GET_CHALLENGE,
  type SamCryptoPort,
  SecureMessaging,
  smLc,
} from "./pipeline/secure-messaging.js";
export { TraceBuffer, type TraceEntry, type TraceOptions, type TraceSink, traceConnection } from "./pipeline/trace.js";
// Readers.
export { type ConnectOptions, connectCard, withCard } from "./readers/access.js";
export { type ParsedAtr, parseAtr } from "./readers/atr.js";
export {
  type AtrRule,
  type CardKind,
  DEFAULT_ATR_RULES,
  DEFAULT_PROBES,
  kindFromAtr,
  type ProbeRule,
} from "./readers/card-kind.js";
export {
  type MonitorStatus,
  type ReaderEvent,
  type ReaderEventType,
  ReaderMonitor,
  type ReaderMonitorOptions,
  type ReaderState,
} from "./readers/monitor.js";
export {
  DEFAULT_PCSCD_SOCKET,
  findPcscdProcesses,
  type PcscdProcess,
  pcscdConfigDirs,
  pcscdSocketPath,
  VirtualReaderDetector,
  virtualReaderNames,
} from "./readers/pcscd-host.js";
export { probeKind } from "./readers/probe.js";
export { ReaderRoles, type ReaderRolesConfig, readerRolesSchema } from "./readers/roles.js";
export { encodePinBcd } from "./sam/pin.js";
export {
  type PinState,
  type SamAppInfo,
  type SamFile,
  type SamPublicInfo,
  SamSession,
  type SamSessionOptions,
} from "./sam/sam-session.js";
export {
  derLength,
  PROJECT_STAFF_PROFILE,
  type StaffCardProfile,
  StaffCardSession,
} from "./staff-card/staff-session.js";
// Test support: scripted APDU cards for integrators' unit tests.
export { type ScriptAnswer, ScriptedCard, type ScriptStep } from "./testing/scripted-card.js";
export { withTransmit } from "./transport/intercept.js";
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
