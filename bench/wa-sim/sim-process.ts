// The simulator for the benchmark, in its own process so its RSS and CPU are measured apart from the clients'.
import { Simulator } from "../../packages/wa-sim/src/index.ts";

type Request =
  | { type: "scan"; id: number; phone: string; qr: string }
  | { type: "usage"; id: number }
  | { type: "received"; id: number };

const sim = await Simulator.start({ seed: "bench", contactDefaults: { deliveryDelayMs: 20, readDelayMs: 20 } });

const gc = (globalThis as { gc?: () => void }).gc;

process.on("message", (raw) => {
  const request = raw as Request;
  const reply = (body: Record<string, unknown>) => process.send?.({ id: request.id, ...body });
  try {
    if (request.type === "scan") reply({ deviceId: sim.phone(request.phone).scan(request.qr).deviceId });
    if (request.type === "usage") {
      gc?.();
      reply({ memory: process.memoryUsage(), cpu: process.cpuUsage(), stats: sim.stats() });
    }
    if (request.type === "received") reply({ count: sim.groundTruth.messages().length });
  } catch (err) {
    reply({ error: String(err) });
  }
});
process.on("disconnect", () => {
  void sim.close().then(() => process.exit(0));
});
process.send?.({ ready: true, url: sim.url, rootPublicKey: sim.rootPublicKey.toString("hex") });
