import { parseArgs } from "node:util";
import { createLogger } from "@mirage/logger";
import { z } from "zod";
import { startControlServer } from "./control/http-api.ts";
import { Simulator } from "./core/simulator.ts";

const { values } = parseArgs({
  // `pnpm start -- --port 0` passes the "--" through.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    host: { type: "string" },
    port: { type: "string" },
    "control-port": { type: "string" },
    seed: { type: "string" },
    "log-level": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  console.log(`wa-sim: a WhatsApp Web simulator for Baileys 7.0.0-rc14

  --host <ip>            listen address (WA_SIM_HOST, default 127.0.0.1)
  --port <n>             WebSocket port (WA_SIM_PORT, default 7280; 0 = any)
  --control-port <n>     HTTP control API port (WA_SIM_CONTROL_PORT, default 7281; 0 = any)
  --seed <text>          seed for keys, LIDs and contacts (WA_SIM_SEED, default "mirage")
  --log-level <level>    pino level (WA_SIM_LOG_LEVEL, default info)`);
  process.exit(0);
}

const Env = z.object({
  host: z.string().default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(7280),
  controlPort: z.coerce.number().int().min(0).max(65535).default(7281),
  seed: z.string().min(1).default("mirage"),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});

const env = Env.parse({
  host: values.host ?? process.env.WA_SIM_HOST,
  port: values.port ?? process.env.WA_SIM_PORT,
  controlPort: values["control-port"] ?? process.env.WA_SIM_CONTROL_PORT,
  seed: values.seed ?? process.env.WA_SIM_SEED,
  logLevel: values["log-level"] ?? process.env.WA_SIM_LOG_LEVEL,
});

const logger = createLogger({ service: "wa-sim", level: env.logLevel });
const sim = await Simulator.start({ seed: env.seed, host: env.host, port: env.port, logger });
const control = await startControlServer(sim, { host: env.host, port: env.controlPort, logger });

console.log(`wa-sim ready (seed "${sim.seed}")
  WebSocket (Baileys waWebSocketUrl): ${sim.url}
  Control API:                        ${control.url}
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
