// wa-sim in its own process for the sessions benchmark, driven over IPC: the worker's RSS is then its own.
import { Simulator } from "../../packages/wa-sim/src/index.ts";

type Request =
  | { type: "scan"; id: number; phone: string; qr: string }
  | { type: "stats"; id: number }
  | { type: "drop-all"; id: number; phones: string[] };

const sim = await Simulator.start({ seed: "bench-sessions" });

process.on("message", (raw) => {
  const request = raw as Request;
  const reply = (body: Record<string, unknown>) => process.send?.({ id: request.id, ...body });
  try {
    if (request.type === "scan") reply({ deviceId: sim.phone(request.phone).scan(request.qr).deviceId });
    if (request.type === "stats") reply({ stats: sim.stats(), rss: process.memoryUsage.rss() });
    if (request.type === "drop-all") {
      for (const phone of request.phones) sim.phone(phone).fault({ type: "dropped" });
      reply({ dropped: request.phones.length });
    }
  } catch (err) {
    reply({ error: String(err) });
  }
});
process.on("disconnect", () => {
  void sim.close().then(() => process.exit(0));
});
process.send?.({ ready: true, url: sim.url, rootPublicKey: sim.rootPublicKey.toString("hex") });
