// Starts the production build (Next's standalone server) on DASHBOARD_HOST:DASHBOARD_PORT, talking to the
// orchestrator at MIRAGE_API_URL (default: 127.0.0.1:ORCHESTRATOR_PORT). Build first: `pnpm run build`.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const here = path.resolve(import.meta.dirname, "..");
const server = path.join(here, ".next/standalone/dashboard/server.js");
if (!existsSync(server)) {
  process.stderr.write("no production build: run `pnpm --filter @mirage/dashboard build` first\n");
  process.exit(1);
}
const env = {
  ...process.env,
  PORT: process.env.DASHBOARD_PORT ?? process.env.PORT ?? "3000",
  HOSTNAME: process.env.DASHBOARD_HOST ?? "0.0.0.0",
  MIRAGE_API_URL: process.env.MIRAGE_API_URL || `http://127.0.0.1:${process.env.ORCHESTRATOR_PORT ?? "3001"}`,
  // Simulator mode only when the stack runs with the simulator (wa-sim's control URL is captured by ./mirage start).
  DASHBOARD_WA_SIM_CONTROL_URL:
    process.env.DASHBOARD_WA_SIM_CONTROL_URL ||
    (process.env.MIRAGE_WA === "simulator" ? (process.env.WA_SIM_CONTROL_URL ?? "") : ""),
  NODE_ENV: "production",
};
const child = spawn(process.execPath, [server], { env, stdio: "inherit" });
let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    stopping = true;
    child.kill(sig);
  });
}
// Stopped on request is a clean exit; killed by a signal nobody asked for is a failure.
child.on("exit", (code, signal) => process.exit(code ?? (signal && !stopping ? 1 : 0)));
