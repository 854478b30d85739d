import { RhcError } from "@rhc/errors";
import { z } from "zod";
import { jsBackend } from "./js-backend.js";
import { nativeBackend, nativeSmAvailable } from "./native-backend.js";
import { createSmProvider } from "./provider.js";
import type { SmProvider, SmProviderChoice, SmProviderName } from "./types.js";

/**
 * Provider selection. "auto" takes RHC_SM_PROVIDER when set, else native when this runtime's
 * crypto has SM2/SM3/SM4 (plain Node), else js (Electron, browsers).
 */

export const SM_PROVIDER_ENV = "RHC_SM_PROVIDER";

const choiceSchema = z.enum(["auto", "native", "js"]);
const instances = new Map<SmProviderName, SmProvider>();
let current: SmProvider | undefined;

function parseChoice(value: unknown, source: string): SmProviderChoice {
  const parsed = choiceSchema.safeParse(value);
  if (!parsed.success) {
    throw new RhcError("CRYPTO_UNSUPPORTED", { detail: `${source}: SM provider must be auto, native or js` });
  }
  return parsed.data;
}

function instance(name: SmProviderName): SmProvider {
  let provider = instances.get(name);
  if (!provider) {
    if (name === "native" && !nativeSmAvailable()) {
      throw new RhcError("CRYPTO_UNSUPPORTED", {
        detail: "this runtime's crypto has no SM2/SM3/SM4; use the js provider",
      });
    }
    provider = createSmProvider(name === "native" ? nativeBackend : jsBackend);
    instances.set(name, provider);
  }
  return provider;
}

function resolve(choice: SmProviderChoice): SmProvider {
  if (choice !== "auto") return instance(choice);
  const fromEnv = process.env[SM_PROVIDER_ENV];
  const envChoice = fromEnv === undefined || fromEnv === "" ? "auto" : parseChoice(fromEnv, SM_PROVIDER_ENV);
  if (envChoice !== "auto") return instance(envChoice);
  return instance(nativeSmAvailable() ? "native" : "js");
}

/** The provider for `choice`, or the current default when no choice is given. */
export function getSmProvider(choice?: SmProviderChoice): SmProvider {
  if (choice === undefined) {
    current ??= resolve("auto");
    return current;
  }
  return resolve(parseChoice(choice, "getSmProvider"));
}

/** Sets the provider behind the convenience functions (a choice, or any SmProvider, e.g. an HSM). */
export function setDefaultSmProvider(choice: SmProviderChoice | SmProvider): SmProvider {
  current = typeof choice === "object" ? choice : resolve(parseChoice(choice, "setDefaultSmProvider"));
  return current;
}

export { nativeSmAvailable };
