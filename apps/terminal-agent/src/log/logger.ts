import { type Logger, pino, stdSerializers } from "pino";
import { censor } from "./secret.js";

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** A file path; standard output (the systemd journal) when absent. */
  file?: string | undefined;
  /** Test hook: where lines go instead of stdout/file. */
  destination?: NodeJS.WritableStream;
}

/** Requests are logged without query strings (a WebSocket ticket travels there) and without headers. */
function requestSerializer(req: { method?: string; url?: string; id?: unknown }) {
  return { id: req.id, method: req.method, path: req.url?.split("?")[0] };
}

function errorSerializer(error: Error) {
  const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>;
  return censor(serialized);
}

/**
 * The agent's structured logger. Redaction is by construction: secrets travel as `Secret` (which
 * prints "[REDACTED]"), and every line passes `censor`, which removes fields named like PINs, keys
 * or tokens and raw byte arrays, so a careless `log.info({ body })` still leaks nothing.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.destination ??
    (options.file ? pino.destination({ dest: options.file, mkdir: true, sync: false }) : pino.destination(1));
  return pino(
    {
      level: options.level,
      base: { service: "rhc-agent" },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { req: requestSerializer, err: errorSerializer, error: errorSerializer },
      formatters: { log: (object) => censor(object) as Record<string, unknown> },
      hooks: {
        // Interpolation arguments bypass `formatters.log`; censor them too.
        logMethod(args, method) {
          method.apply(this, args.map((a, i) => (i === 0 ? a : censor(a))) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
