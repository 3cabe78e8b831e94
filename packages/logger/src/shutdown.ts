import type { Logger } from "pino";

/** Why a process stops: a signal, or a failed start. */
export type StopReason = NodeJS.Signals | "error";

/**
 * Installs a process's stop sequence: SIGTERM and SIGINT (exit codes 143 and 130) run `close` once, in the order the
 * composition root gives, then exit; a close that outlasts `timeoutMs` exits anyway (code 1 when the exit would
 * have been clean). Unhandled rejections are logged, not fatal. Answers `stop(reason, code)` for the composition
 * root's own failures (e.g. a failed start); every call after the first joins the same sequence.
 */
export function installShutdown(opts: {
  logger: Logger;
  timeoutMs: number;
  close: () => Promise<void>;
}): (reason: StopReason, code: number) => Promise<void> {
  const { logger } = opts;
  let stopping: Promise<void> | undefined;
  const stop = (reason: StopReason, code: number): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ signal: reason }, "shutting down");
      const hardStop = setTimeout(() => {
        logger.error({ timeoutMs: opts.timeoutMs }, "shutdown timed out; exiting anyway");
        process.exit(code || 1);
      }, opts.timeoutMs);
      hardStop.unref();
      try {
        await opts.close();
      } catch (err) {
        logger.error({ err }, "error during shutdown");
      }
      logger.info("stopped");
      process.exit(code);
    })();
    return stopping;
  };
  process.once("SIGTERM", () => void stop("SIGTERM", 128 + 15));
  process.once("SIGINT", () => void stop("SIGINT", 128 + 2));
  process.on("unhandledRejection", (err) => logger.error({ err }, "unhandled rejection"));
  return stop;
}
