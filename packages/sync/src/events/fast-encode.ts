import type { z } from "zod";

/**
 * A fast path in front of a zod schema, built once from the schema itself: it validates a value and
 * writes its JSON text in one walk, without zod's result objects. It answers only when it is sure: the
 * text is then exactly `JSON.stringify` of what zod would return (unknown keys stripped, defaults filled,
 * absent optionals left out), or, with `sortKeys`, its canonical JSON. Anything else — an invalid value,
 * a schema feature it does not know — gives `undefined` and the caller runs zod, which also words the
 * error.
 *
 * The checks are generated as one straight-line function per schema (like the record layouts of
 * card-protocol): `outbox.append` validates and serialises every event right after the previous fsync,
 * when the CPU caches are cold, and there zod's generic machinery plus one `JSON.stringify` per part cost
 * ≈ 7 µs of a ≈ 150 µs durable append; a tree of small closures still cost ≈ 5 µs, this ≈ 3 µs. Parity
 * with zod + JSON.stringify is a test over every event type and thousands of mutated inputs.
 */
export type FastEncode = (value: unknown) => string | undefined;

/** What this file reads of zod 4's schema definitions (`schema._zod.def`). */
interface Def {
  type: string;
  checks?: ReadonlyArray<{ _zod: { def: CheckDef } }>;
  coerce?: boolean;
  format?: string;
  pattern?: RegExp;
  check?: string;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  innerType?: Schema;
  defaultValue?: unknown;
  entries?: Record<string, unknown>;
  values?: readonly unknown[];
  keyType?: Schema;
  valueType?: Schema;
}
interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  length?: number;
  value?: number;
  inclusive?: boolean;
}
interface Schema {
  _zod: { def: Def };
}

/** String formats zod checks with their pattern alone (others, like url or email, run more code). */
const PATTERN_FORMATS = new Set(["regex", "date", "datetime", "time"]);

/** Only `{…}` literals and JSON.parse output: class instances (Date, Map…) are zod's to judge. */
function isPlainObject(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Compiles the fast path of an object schema; a schema it cannot follow gives one that always defers. */
export function compileFastEncode(schema: z.ZodType, options: { sortKeys?: boolean } = {}): FastEncode {
  const root = schema as unknown as Schema;
  if (root._zod.def.type !== "object") return () => undefined;
  const gen = new Generator(options.sortKeys === true);
  const code = gen.node(root, "v");
  if (code === undefined) return () => undefined;
  try {
    return new Function("c", "isPlainObject", `return (v) => { ${code.code} return ${code.text}; };`)(
      gen.consts,
      isPlainObject,
    ) as FastEncode;
  } catch {
    return () => undefined; // code generation disallowed (--disallow-code-generation-from-strings): zod only
  }
}

/**
 * Writes the checks of one schema node as statements over the variable holding its value. A failed
 * check is `return;` — the whole function answers `undefined` ("ask zod"). On success the node's text
 * is in the variable `text`, or `undefined` when the value is absent (an object leaves it out).
 */
class Generator {
  readonly consts: unknown[] = [];
  private vars = 0;

  constructor(private readonly sortKeys: boolean) {}

  node(schema: Schema, value: string): { code: string; text: string } | undefined {
    const def = schema._zod.def;
    const text = `t${this.vars++}`;
    const body = this.body(def, value, text);
    return body === undefined ? undefined : { code: `let ${text}; ${body}`, text };
  }

  private const(value: unknown): string {
    this.consts.push(value);
    return `c[${this.consts.length - 1}]`;
  }

  private body(def: Def, v: string, t: string): string | undefined {
    switch (def.type) {
      case "string":
        return this.string(def, v, t);
      case "number":
        return this.number(def, v, t);
      case "boolean":
        return `if (${v} === true) ${t} = "true"; else if (${v} === false) ${t} = "false"; else return;`;
      case "enum":
      case "literal": {
        const values = def.type === "enum" ? Object.values(def.entries ?? {}) : (def.values ?? []);
        const texts = this.const(new Map(values.map((x) => [x, JSON.stringify(x)])));
        return `${t} = ${texts}.get(${v}); if (${t} === undefined) return;`;
      }
      case "optional": {
        // zod keeps an explicit `undefined` and JSON leaves it out: absent either way.
        const inner = def.innerType && this.node(def.innerType, v);
        return inner && `if (${v} !== undefined) { ${inner.code} ${t} = ${inner.text}; }`;
      }
      case "default": {
        // zod returns the default without parsing it: its text, worked out once (only defaults whose text
        // cannot depend on key order: a scalar, {} or []).
        const d = def.defaultValue;
        const fallback = JSON.stringify(d);
        const inner = def.innerType && this.node(def.innerType, v);
        if (!inner || fallback === undefined) return undefined;
        if (typeof d === "object" && d !== null && Object.keys(d).length > 0) return undefined;
        return `if (${v} === undefined) ${t} = ${JSON.stringify(fallback)}; else { ${inner.code} ${t} = ${inner.text}; }`;
      }
      case "object":
        return def.catchall === undefined && def.shape ? this.object(def.shape, v, t) : undefined;
      case "record":
        return this.record(def, v, t);
      default:
        return undefined;
    }
  }

  private object(shape: Record<string, Schema>, v: string, t: string): string | undefined {
    const keys = Object.keys(shape);
    if (this.sortKeys) keys.sort();
    let code = `if (!isPlainObject(${v})) return; ${t} = "";`;
    for (const key of keys) {
      if (key === "__proto__") return undefined;
      const field = `v${this.vars++}`;
      const inner = this.node(shape[key]!, field);
      if (!inner) return undefined;
      const prefix = JSON.stringify(`${JSON.stringify(key)}:`);
      code += ` { const ${field} = ${v}[${JSON.stringify(key)}]; ${inner.code}`;
      code += ` if (${inner.text} !== undefined) ${t} += (${t} === "" ? "{" : ",") + ${prefix} + ${inner.text}; }`;
    }
    return `${code} ${t} = ${t} === "" ? "{}" : ${t} + "}";`;
  }

  private record(def: Def, v: string, t: string): string | undefined {
    const keyDef = def.keyType?._zod.def;
    if (keyDef?.type !== "string" || keyDef.checks?.length || keyDef.coerce || !def.valueType) return undefined;
    const key = `k${this.vars++}`;
    const field = `v${this.vars++}`;
    const inner = this.node(def.valueType, field);
    if (!inner) return undefined;
    const keys = this.sortKeys ? `Object.keys(${v}).sort()` : `Object.keys(${v})`;
    return (
      `if (!isPlainObject(${v}) || Object.getOwnPropertySymbols(${v}).length > 0) return; ${t} = "";` +
      ` for (const ${key} of ${keys}) { if (${key} === "__proto__") return; const ${field} = ${v}[${key}];` +
      ` ${inner.code} if (${inner.text} === undefined) return;` +
      ` ${t} += (${t} === "" ? "{" : ",") + JSON.stringify(${key}) + ":" + ${inner.text}; }` +
      ` ${t} = ${t} === "" ? "{}" : ${t} + "}";`
    );
  }

  private string(def: Def, v: string, t: string): string | undefined {
    if (def.coerce) return undefined;
    let min = 0;
    let max = Number.POSITIVE_INFINITY;
    // zod's iso types carry their format on the type's own definition, other strings in `checks`.
    const formats: CheckDef[] = def.check ? [def as CheckDef] : [];
    for (const c of def.checks ?? []) {
      const d = c._zod.def;
      if (d.check === "min_length" && d.minimum !== undefined) min = Math.max(min, d.minimum);
      else if (d.check === "max_length" && d.maximum !== undefined) max = Math.min(max, d.maximum);
      else if (d.check === "length_equals" && d.length !== undefined) {
        min = Math.max(min, d.length);
        max = Math.min(max, d.length);
      } else formats.push(d);
    }
    let test = `typeof ${v} !== "string"`;
    if (min > 0) test += ` || ${v}.length < ${min}`;
    if (max < Number.POSITIVE_INFINITY) test += ` || ${v}.length > ${max}`;
    for (const f of formats) {
      if (f.check !== "string_format" || !f.format || !PATTERN_FORMATS.has(f.format) || !f.pattern) return undefined;
      if (f.pattern.global || f.pattern.sticky) return undefined; // stateful lastIndex: leave to zod
      test += ` || !${this.const(f.pattern)}.test(${v})`;
    }
    return `if (${test}) return; ${t} = JSON.stringify(${v});`;
  }

  private number(def: Def, v: string, t: string): string | undefined {
    if (def.coerce) return undefined;
    let test = `typeof ${v} !== "number" || !Number.isFinite(${v})`;
    for (const c of def.checks ?? []) {
      const d = c._zod.def;
      if (d.check === "number_format" && d.format === "safeint") test += ` || !Number.isSafeInteger(${v})`;
      else if ((d.check === "greater_than" || d.check === "less_than") && Number.isFinite(d.value)) {
        const op = (d.check === "greater_than" ? ">" : "<") + (d.inclusive ? "=" : "");
        test += ` || !(${v} ${op} ${d.value})`;
      } else return undefined;
    }
    // String(n) is what JSON.stringify writes for a finite number (-0 included).
    return `if (${test}) return; ${t} = String(${v});`;
  }
}
