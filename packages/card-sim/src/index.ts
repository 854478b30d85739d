export { buildT0Atr, buildT1Atr } from "./atr.js";
export { ISO_TEST_AID, IsoTestCard, type IsoTestCardOptions } from "./cards/iso-test-card.js";
export { type CardFactory, cardTypes, createCard, registerCardType } from "./cards/registry.js";
export { dumpImage } from "./cli/dump.js";
export { runCli, USAGE as CLI_USAGE } from "./cli/main.js";
export { BASE_COMMANDS } from "./cos/commands/index.js";
export { KEY_RECORD_LENGTH, KEY_TYPE_CODES } from "./cos/commands/lifecycle.js";
export { type CosCrypto, pad80, unpad80 } from "./cos/crypto.js";
export { type CardLifecycle, type CommandHandler, Cos, type CosMode, type CosOptions } from "./cos/engine.js";
export {
  type Condition,
  type Credential,
  type DfLayout,
  type EfAccess,
  type EfLayout,
  type EfStructure,
  type KeyKind,
  type KeySlot,
  keyCredential,
  type PinSlot,
  pinCredential,
} from "./cos/layout.js";
export { type CosState, cosStateSchema, exportState, importState } from "./cos/state.js";
export { CardError, SW } from "./cos/sw.js";
export { type FaultAction, FaultInjector } from "./faults/injector.js";
export { type FaultPlan, faultPlanSchema } from "./faults/plan.js";
export { encodeBlockJpeg, portraitJpeg } from "./generator/jpeg.js";
export { makePerson, type Person } from "./generator/person.js";
export {
  type BlankImageOptions,
  bcdPin,
  makeBlankImage,
  makeResidentImage,
  type ResidentImageOptions,
} from "./generator/resident.js";
export { makeIsamImage, makePsamImage, type SamImageOptions, samKeyPair } from "./generator/sam.js";
export { makeStaffCardImage, type StaffImageOptions } from "./generator/staff.js";
export { CardHost } from "./host/card-host.js";
export type { SlotStatus } from "./host/protocol.js";
export { ImageCard } from "./image/image-card.js";
export { type CardBuildOptions, cardFromImage, seededChallenges, snapshotImage } from "./image/load.js";
export {
  type CardImage,
  type CardProfile,
  cardImageSchema,
  type ResidentImage,
  type SamImage,
  type StaffImage,
} from "./image/schema.js";
export { parseImage, readImage, writeImage } from "./image/store.js";
export { type RegionPki, regionIssuerCode, regionPki, samCertificate } from "./keys/pki.js";
export {
  cardKey,
  DEFAULT_REGION,
  keyFactors,
  MASTER_SLOTS,
  type MasterName,
  type MasterSlot,
  masterKey,
  masterSlot,
  type Region,
  type RegionInput,
  toRegion,
} from "./keys/region.js";
export { defaultScheme } from "./keys/scheme.js";
export { SeededRandom } from "./keys/seeded.js";
export { type Sm2Pair, seededSm2KeyPair } from "./keys/sm2-keys.js";
export {
  DF_PATHS,
  HOLDER_PIN_REF,
  keyId,
  keyLocation,
  RESIDENT_LAYOUT,
  TRANSPORT_KEY_ID,
} from "./profiles/resident/layout.js";
export { ResidentCard, residentAtr, residentAts } from "./profiles/resident/resident-card.js";
export { SAM_APP_PATH, SAM_LAYOUT, SAM_PIN_REF, SamCard, WRAPPED_KEY_TRIES } from "./profiles/sam/sam-card.js";
export {
  STAFF_AID,
  STAFF_APP_PATH,
  STAFF_CERT_FID,
  STAFF_PIN_REF,
  STAFF_PUK_REF,
  StaffCard,
  staffPinBlock,
} from "./profiles/staff/staff-card.js";
export type { CardSpec, PowerEvent, SimCard } from "./sim-card.js";
export { encodeFrame, FrameDecoder, VPCD_CONTROL } from "./vpcd/framing.js";
export { VirtualCard, type VirtualCardOptions } from "./vpcd/virtual-card.js";
