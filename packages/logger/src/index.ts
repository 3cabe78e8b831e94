import { createRequire } from "node:module";
import { type Logger, type LoggerOptions, pino } from "pino";

export { installShutdown, type StopReason } from "./shutdown.ts";
export { installLeanStackTraces, type LeanStackOptions } from "./stack-traces.ts";
export type { Logger };

/**
 * Paths removed from every log line. Tokens, WhatsApp credentials and message bodies must never reach logs:
 * logs are shipped to places with weaker access control than the database.
 */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "apiKey",
  "*.apiKey",
  "secret",
  "*.secret",
  "creds",
  "*.creds",
  "keys",
  "*.keys",
  "body",
  "*.body",
  "text",
  "*.text",
  "message.conversation",
  "*.message.conversation",
  "message.extendedTextMessage.text",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  "headers.authorization",
  'headers["x-api-key"]',
];

export type CreateLoggerOptions = {
  service: string;
  level?: LoggerOptions["level"];
  pretty?: boolean;
  /** For tests: capture lines instead of writing to stdout. */
  destination?: pino.DestinationStream;
};

export function createLogger(opts: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? "info",
    base: { service: opts.service },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (opts.destination) return pino(options, opts.destination);
  if (opts.pretty) {
    const target = resolvePretty();
    if (target) return pino({ ...options, transport: { target, options: { colorize: true } } });
    const logger = pino(options);
    logger.warn("pretty logs need pino-pretty, a development dependency not installed here; logging JSON");
    return logger;
  }
  return pino(options);
}

/**
 * Absolute path of pino-pretty, or undefined when it is not installed (a production install carries no dev
 * dependencies). Resolved here because pino would otherwise look for the transport from its own location.
 */
export function resolvePretty(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve("pino-pretty");
  } catch {
    return undefined;
  }
}

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

/**
 * Routes every `console.*` call of this process to `logger` at debug level, keeping only the call's first argument
 * when it is a string (at most 200 characters) and dropping every other argument.
 *
 * Why: libsignal, under Baileys, prints whole Signal session records — private keys included — with console.info
 * ("Closing session: SessionEntry {…}"), which would put key material in the logs. Call it once in the composition
 * root of a process that hosts Baileys sockets. Returns a function that restores the original methods.
 */
export function guardConsole(logger: Logger): () => void {
  // biome-ignore lint/suspicious/noConsole: this is the one place that takes console over, to keep keys out of logs
  const originals = CONSOLE_METHODS.map((m) => [m, console[m]] as const);
  const sink = logger.child({ module: "console" });
  for (const m of CONSOLE_METHODS) {
    console[m] = (...args: unknown[]) => {
      const first = args[0];
      const msg = typeof first === "string" ? first.slice(0, 200) : "(non-text console output withheld)";
      sink.debug({ method: m, withheld: Math.max(0, args.length - 1) }, msg);
    };
  }
  return () => {
    for (const [m, fn] of originals) console[m] = fn;
  };
}
