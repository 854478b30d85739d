import { wst543KeyScheme } from "@rhc/crypto";
import type { CosCrypto } from "../cos/crypto.js";

/** The project's WS/T 543 key scheme from @rhc/crypto, shared by cards, SAMs and the middleware. */
export function defaultScheme(): CosCrypto {
  return wst543KeyScheme;
}
