import { type Logger, type LoggerOptions, pino } from "pino";

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
    return pino({ ...options, transport: { target: "pino-pretty", options: { colorize: true } } });
  }
  return pino(options);
}
