import type { CommandHandler } from "../engine.js";
import { externalAuthenticate, getChallenge, getResponse, internalAuthenticate } from "./auth.js";
import { readBinary, updateBinary } from "./binary.js";
import { activateFile, applicationBlock, applicationUnblock, cardBlock, writeKey } from "./lifecycle.js";
import { changeOrReloadPin, unblockPin, verify } from "./pin.js";
import { appendRecord, eraseRecord, readRecord, updateRecord, writeRecord } from "./records.js";
import { select } from "./select.js";

/** The command set of the generic COS (spec reference §5.2). Profiles add or replace by INS. */
export const BASE_COMMANDS: readonly CommandHandler[] = [
  select,
  readBinary,
  updateBinary,
  readRecord,
  updateRecord,
  appendRecord,
  writeRecord,
  eraseRecord,
  getChallenge,
  externalAuthenticate,
  internalAuthenticate,
  getResponse,
  verify,
  changeOrReloadPin,
  unblockPin,
  applicationBlock,
  applicationUnblock,
  cardBlock,
  activateFile,
  writeKey,
];
