/**
 * Vitest setup file (`setupFiles`) of the projects that run Baileys or wa-sim in the test process (workers, wa-sim,
 * the orchestrator's and the dashboard's end-to-end suites): the console guard the worker and wa-sim processes
 * install, so libsignal's `console.info("Closing session:", SessionEntry {…})` — whole Signal session records,
 * private keys included — never reaches the test output.
 * Console calls become debug logs of a silent logger; `TEST_CONSOLE_LEVEL=debug` shows their first line (never the
 * records) when a run needs it.
 */
import { createLogger, guardConsole } from "@mirage/logger";

guardConsole(createLogger({ service: "test-console", level: process.env.TEST_CONSOLE_LEVEL ?? "silent" }));
