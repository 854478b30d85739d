import { fromHex, toHex } from "@rhc/card-protocol";
import { z } from "zod";
import type { CardLifecycle, Cos } from "./engine.js";
import { type AppState, findByPath } from "./tree.js";

const hex = z.string().regex(/^([0-9A-Fa-f]{2})*$/, "hex bytes");

/** The persistent state of a COS card (its EEPROM) as stored in a card image. */
export const cosStateSchema = z
  .object({
    lifecycle: z.enum(["personalisation", "operational", "blocked"]),
    apps: z.record(z.string(), z.enum(["active", "blocked", "blocked-permanent"])),
    keys: z.record(
      z.string(),
      z
        .object({
          value: hex.optional(),
          maxTries: z.number().int().min(1).max(15),
          triesLeft: z.number().int().min(0).max(15),
        })
        .strict(),
    ),
    pins: z.record(
      z.string(),
      z.object({ value: hex.optional(), triesLeft: z.number().int().min(0).max(15) }).strict(),
    ),
    files: z.record(
      z.string(),
      z.union([z.object({ data: hex }).strict(), z.object({ records: z.array(hex) }).strict()]),
    ),
  })
  .strict();
export type CosState = z.infer<typeof cosStateSchema>;

const keyName = (dfPath: string, id: number) => `${dfPath}#${id.toString(16).toUpperCase().padStart(2, "0")}`;

export function exportState(cos: Cos): CosState {
  const state: CosState = { lifecycle: cos.lifecycle, apps: {}, keys: {}, pins: {}, files: {} };
  for (const df of cos.root.dfs()) {
    state.apps[df.path] = df.state;
    for (const key of df.keys.values()) {
      state.keys[keyName(df.path, key.slot.id)] = {
        ...(key.value ? { value: toHex(key.value) } : {}),
        maxTries: key.maxTries,
        triesLeft: key.triesLeft,
      };
    }
    for (const pin of df.pins.values()) {
      state.pins[keyName(df.path, pin.slot.ref)] = {
        ...(pin.value ? { value: toHex(pin.value) } : {}),
        triesLeft: pin.triesLeft,
      };
    }
  }
  for (const ef of cos.root.efs()) {
    state.files[ef.path] =
      ef.layout.structure === "transparent" ? { data: toHex(ef.data) } : { records: ef.records.map((r) => toHex(r)) };
  }
  return state;
}

/** Loads stored state into a card built from its layout; anything that does not fit the layout throws. */
export function importState(cos: Cos, state: CosState): void {
  const fail = (what: string): never => {
    throw new Error(`card image does not fit the ${cos.root.layout.label} layout: ${what}`);
  };
  cos.lifecycle = state.lifecycle as CardLifecycle;
  for (const [path, app] of Object.entries(state.apps)) {
    const df = findByPath(cos.root, path);
    if (df?.kind !== "df") fail(`no DF ${path}`);
    else df.state = app as AppState;
  }
  for (const [name, stored] of Object.entries(state.keys)) {
    const [path, id] = name.split("#");
    const df = findByPath(cos.root, path ?? "");
    const key = df?.kind === "df" ? df.keys.get(Number.parseInt(id ?? "", 16)) : undefined;
    if (!key) fail(`no key slot ${name}`);
    else {
      const value = stored.value ? fromHex(stored.value) : undefined;
      if (value && value.length !== 16) fail(`key ${name} is not 16 bytes`);
      key.value = value;
      key.maxTries = stored.maxTries;
      key.triesLeft = Math.min(stored.triesLeft, stored.maxTries);
    }
  }
  for (const [name, stored] of Object.entries(state.pins)) {
    const [path, ref] = name.split("#");
    const df = findByPath(cos.root, path ?? "");
    const pin = df?.kind === "df" ? df.pins.get(Number.parseInt(ref ?? "", 16)) : undefined;
    if (!pin) fail(`no PIN ${name}`);
    else {
      pin.value = stored.value ? fromHex(stored.value) : undefined;
      pin.triesLeft = Math.min(stored.triesLeft, pin.slot.maxTries);
    }
  }
  for (const [path, stored] of Object.entries(state.files)) {
    const ef = findByPath(cos.root, path);
    if (ef?.kind !== "ef") {
      fail(`no EF ${path}`);
      continue;
    }
    const l = ef.layout;
    if ("data" in stored) {
      if (l.structure !== "transparent") fail(`${path} is not transparent`);
      const data = fromHex(stored.data);
      if (data.length !== l.size) fail(`${path} holds ${data.length} bytes, the file has ${l.size}`);
      ef.data = data;
    } else {
      if (l.structure === "transparent") fail(`${path} is transparent`);
      const records = stored.records.map((r) => fromHex(r));
      const max = l.records ?? 0;
      if (records.length > max || (l.structure === "linear-fixed" && records.length !== max)) {
        fail(`${path} has ${records.length} records`);
      }
      for (const [i, r] of records.entries()) {
        const bad =
          l.structure === "linear-variable"
            ? r.length === 0 ||
              r.length > (l.recordLength ?? 0) ||
              (l.templates && (r[0] !== l.templates[i]?.tag || r.length !== (l.templates[i]?.length ?? -1) + 2))
            : r.length !== l.recordLength;
        if (bad) fail(`${path} record ${i + 1} does not fit`);
      }
      ef.records = records;
    }
  }
}
