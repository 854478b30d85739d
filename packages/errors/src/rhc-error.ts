import { type ErrorCode, errorSpec, isErrorCode } from "./codes/index.js";

export interface RhcErrorOptions {
  /** Technical detail (English) appended to the operator message, e.g. the reader or field name. */
  detail?: string;
  /** Status word when a card answered (SW1 << 8 | SW2). */
  sw?: number;
  /** Overrides the code's default retriable flag when the context knows better. */
  retriable?: boolean;
  /** Structured context for logs and API clients; never put PINs or keys here. */
  data?: Record<string, unknown>;
  cause?: unknown;
}

export interface LocalizedMessage {
  zh: string;
  en: string;
}

/** Serialised form used by IPC, worker threads and the HTTP API (RFC 9457 problem details). */
export interface RhcProblem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  retriable: boolean;
  detail?: string;
  sw?: string;
  message: LocalizedMessage;
  data?: Record<string, unknown>;
}

/** The one error type of the product: a stable code, whether retrying helps, and what to do. */
export class RhcError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly sw: number | undefined;
  readonly detail: string | undefined;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, options: RhcErrorOptions = {}) {
    const spec = errorSpec(code);
    super(options.detail ? `${spec.en} (${options.detail})` : spec.en, { cause: options.cause });
    this.name = "RhcError";
    this.code = code;
    this.retriable = options.retriable ?? spec.retriable;
    this.sw = options.sw;
    this.detail = options.detail;
    this.data = options.data;
  }

  get messages(): LocalizedMessage {
    const spec = errorSpec(this.code);
    const suffix = this.detail ? `（${this.detail}）` : "";
    return { zh: spec.zh + suffix, en: this.message };
  }

  get httpStatus(): number {
    return errorSpec(this.code).http;
  }

  toProblem(): RhcProblem {
    const problem: RhcProblem = {
      type: `urn:rhc:error:${this.code}`,
      title: this.code,
      status: this.httpStatus,
      code: this.code,
      retriable: this.retriable,
      message: this.messages,
    };
    if (this.detail !== undefined) problem.detail = this.detail;
    if (this.sw !== undefined) problem.sw = this.sw.toString(16).toUpperCase().padStart(4, "0");
    if (this.data !== undefined) problem.data = this.data;
    return problem;
  }

  /**
   * `JSON.stringify(error)`: the problem details, but with `message` as plain text (what loggers and
   * test runners print) and both languages under `messages`. APIs send `toProblem()` instead.
   */
  toJSON(): Omit<RhcProblem, "message"> & { name: string; message: string; messages: LocalizedMessage } {
    const { message, ...problem } = this.toProblem();
    return { name: this.name, ...problem, message: this.message, messages: message };
  }

  /** Rebuilds an error that crossed a thread, process or HTTP boundary. */
  static fromProblem(value: unknown): RhcError | undefined {
    if (typeof value !== "object" || value === null) return undefined;
    const p = value as Partial<RhcProblem>;
    if (!isErrorCode(p.code)) return undefined;
    const options: RhcErrorOptions = {};
    if (typeof p.detail === "string") options.detail = p.detail;
    if (typeof p.retriable === "boolean") options.retriable = p.retriable;
    if (typeof p.sw === "string" && /^[0-9A-F]{4}$/i.test(p.sw)) options.sw = Number.parseInt(p.sw, 16);
    if (typeof p.data === "object" && p.data !== null) options.data = p.data;
    return new RhcError(p.code, options);
  }
}

export function isRhcError(value: unknown, code?: ErrorCode): value is RhcError {
  return value instanceof RhcError && (code === undefined || value.code === code);
}

/** Wraps anything thrown by a library into an RhcError, keeping the original as the cause. */
export function toRhcError(value: unknown, fallback: ErrorCode = "INTERNAL", detail?: string): RhcError {
  if (value instanceof RhcError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new RhcError(fallback, { detail: detail ?? message, cause: value });
}
