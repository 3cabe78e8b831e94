// A bare Baileys sender for bench/messaging/worker-cpu.ts: one socket against wa-sim, driven over IPC. Its CPU is
// the baseline the worker's send path is compared with (same simulator, same contacts, same run).
import { pairSession } from "../../packages/wa-sim/src/testing/index.ts";

type Command = { type: "send"; jids: string[]; count: number; text: string };

const url = process.env.SIM_URL ?? "";
const root = Buffer.from(process.env.SIM_ROOT ?? "", "hex");
const scanned: ((deviceId: number) => void)[] = [];
let sock: Awaited<ReturnType<typeof pairSession>>["sock"] | undefined;
process.on("message", (raw) => {
  const cmd = raw as Command | { type: "scanned"; deviceId: number };
  if (cmd.type === "scanned") {
    for (const done of scanned.splice(0)) done(cmd.deviceId);
    return;
  }
  if (cmd.type !== "send") return;
  const live = sock;
  if (!live) return;
  void (async () => {
    for (let i = 0; i < cmd.count; i++) {
      const jid = cmd.jids[i % cmd.jids.length] as string;
      // Like the worker's lane: one message at a time, the next once the previous one is written.
      await live.sendMessage(jid, { text: `${cmd.text} ${i}` });
    }
    process.send?.({ done: true });
  })().catch((err: unknown) => process.send?.({ error: String(err) }));
});
// Exits normally on either, so a `--cpu-prof` profile of this process is written.
for (const signal of ["disconnect", "SIGTERM"] as const) {
  process.on(signal, () => {
    sock?.end(undefined);
    process.exit(0);
  });
}

// The message listener above is registered first: it keeps the IPC channel (and so the process) alive meanwhile.
const paired = await pairSession({ url, rootPublicKey: root }, (qr) => {
  process.send?.({ qr });
  return new Promise<{ deviceId: number }>((resolve) => scanned.push((deviceId) => resolve({ deviceId })));
});
sock = paired.sock;
process.send?.({ open: true });
