export { buildT0Atr, buildT1Atr } from "./atr.js";
export { ISO_TEST_AID, IsoTestCard, type IsoTestCardOptions } from "./cards/iso-test-card.js";
export { type CardFactory, cardTypes, createCard, registerCardType } from "./cards/registry.js";
export { CardHost } from "./host/card-host.js";
export type { SlotStatus } from "./host/protocol.js";
export type { CardSpec, PowerEvent, SimCard } from "./sim-card.js";
export { encodeFrame, FrameDecoder, VPCD_CONTROL } from "./vpcd/framing.js";
export { VirtualCard, type VirtualCardOptions } from "./vpcd/virtual-card.js";
