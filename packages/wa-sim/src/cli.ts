import { parseArgs } from "node:util";
import { createLogger, guardConsole } from "@mirage/logger";
import { startControlServer } from "./control/http-api.ts";
import { Simulator } from "./core/simulator.ts";
import { waSimEnv } from "./env.ts";

// The CLI's own output goes straight to the streams: console.* is routed to the logger (see guardConsole below).
const out = (text: string) => process.stdout.write(`${text}\n`);
const complain = (text: string) => process.stderr.write(`${text}\n`);

const { values } = parseArgs({
  // `pnpm start -- --port 0` passes the "--" through.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    host: { type: "string" },
    port: { type: "string" },
    "control-port": { type: "string" },
    seed: { type: "string" },
    "state-dir": { type: "string" },
    "log-level": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  out(`wa-sim: a WhatsApp Web simulator for Baileys 7.0.0-rc14

  --host <ip>            listen address (WA_SIM_HOST, default 127.0.0.1)
  --port <n>             WebSocket port (WA_SIM_PORT, default 7280; 0 = any)
  --control-port <n>     HTTP control API port (WA_SIM_CONTROL_PORT, default 7281; 0 = any)
  --seed <text>          seed for keys, LIDs and contacts (WA_SIM_SEED, default "mirage")
  --state-dir <dir>      keep accounts, linked devices and contacts there, so a restart needs no new QR
                         (WA_SIM_STATE_DIR; default: memory only)
  --log-level <level>    pino level (WA_SIM_LOG_LEVEL, default info)`);
  process.exit(0);
}

const parsed = waSimEnv.safeParse({
  WA_SIM_HOST: values.host ?? process.env.WA_SIM_HOST,
  WA_SIM_PORT: values.port ?? process.env.WA_SIM_PORT,
  WA_SIM_CONTROL_PORT: values["control-port"] ?? process.env.WA_SIM_CONTROL_PORT,
  WA_SIM_SEED: values.seed ?? process.env.WA_SIM_SEED,
  WA_SIM_STATE_DIR: values["state-dir"] ?? process.env.WA_SIM_STATE_DIR,
  WA_SIM_LOG_LEVEL: values["log-level"] ?? process.env.WA_SIM_LOG_LEVEL,
});
if (!parsed.success) {
  for (const issue of parsed.error.issues) complain(`wa-sim: ${issue.path.join(".")}: ${issue.message}`);
  process.exit(2);
}
const env = parsed.data;

/**
 * One clear line instead of a stack trace when a port is taken or the state file is in use (the usual cause of
 * both: a simulator already runs).
 */
function exitOnStartError(err: unknown, what: string, port: number): never {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") complain(`wa-sim: ${what} port ${env.WA_SIM_HOST}:${port} is already in use`);
  else if (code) complain(`wa-sim: cannot listen for the ${what} on ${env.WA_SIM_HOST}:${port}: ${String(err)}`);
  else complain(`wa-sim: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

const logger = createLogger({ service: "wa-sim", level: env.WA_SIM_LOG_LEVEL });
// libsignal prints the virtual phones' Signal session records, private keys included, through console.*.
guardConsole(logger);
const sim = await Simulator.start({
  seed: env.WA_SIM_SEED,
  host: env.WA_SIM_HOST,
  port: env.WA_SIM_PORT,
  logger,
  ...(env.WA_SIM_STATE_DIR ? { stateDir: env.WA_SIM_STATE_DIR } : {}),
}).catch((err: unknown) => exitOnStartError(err, "WebSocket (WA_SIM_PORT)", env.WA_SIM_PORT));
const control = await startControlServer(sim, {
  host: env.WA_SIM_HOST,
  port: env.WA_SIM_CONTROL_PORT,
  logger,
}).catch(async (err: unknown) => {
  await sim.close();
  return exitOnStartError(err, "control API (WA_SIM_CONTROL_PORT)", env.WA_SIM_CONTROL_PORT);
});

out(`wa-sim ready (seed "${sim.seed}")
  WebSocket (Baileys waWebSocketUrl): ${sim.url}
  Control API:                        ${control.url}
  State file:                         ${sim.stateFilePath ?? "none (memory only; --state-dir keeps it)"}
  Certificate root (hex):             ${sim.rootPublicKey.toString("hex")}
Clients must trust the root: installSimulatorCertificate(Buffer.from("<hex>", "hex")) from @mirage/wa-sim.`);

let stopping = false;
const stop = async (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "wa-sim stopping");
  await control.close();
  await sim.close();
  process.exit(signal === "SIGINT" ? 130 : 143);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
