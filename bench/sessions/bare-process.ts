// Bare Baileys sockets for bench/sessions/rss-compare.ts, in their own process so their RSS is theirs alone: memory
// auth state, the simulator's settings, and the minimal reconnect a bare client needs (same auth, 200 ms → 2 s
// backoff). Driven over IPC: "pair" (the parent relays each QR to the simulator), "online".
import {
  closeSocket,
  makeSimSocket,
  type PairedSession,
  pairSession,
  type SimTarget,
  type WASocket,
} from "../../packages/wa-sim/src/testing/index.ts";

type AuthenticationState = PairedSession["auth"];

type Request =
  | { type: "pair"; id: number; url: string; rootPublicKey: string; phones: string[]; concurrency: number }
  | { type: "online"; id: number }
  | { type: "close"; id: number };

const sessions: { sock: WASocket; auth: AuthenticationState; open: boolean }[] = [];
let target: SimTarget | undefined;
let nextScan = 1;
const scans = new Map<number, (r: { deviceId: number }) => void>();
let closing = false;

function askScan(phone: string, qr: string): Promise<{ deviceId: number }> {
  const id = nextScan++;
  return new Promise((resolve) => {
    scans.set(id, resolve);
    process.send?.({ scan: { id, phone, qr } });
  });
}

/** Keeps one session open: when its socket closes (not by us), a new socket with the same auth, with backoff. */
function watch(session: (typeof sessions)[number], attempt = 0): void {
  session.sock.ev.on("connection.update", (u) => {
    if (u.connection === "open") {
      session.open = true;
      attempt = 0;
    }
    if (u.connection !== "close" || closing || !target) return;
    session.open = false;
    const delay = Math.min(2_000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2);
    setTimeout(() => {
      if (closing || !target) return;
      session.sock.ev.removeAllListeners(undefined as never);
      session.sock = makeSimSocket(target, { auth: session.auth }).sock;
      watch(session, attempt + 1);
    }, delay);
  });
}

process.on("message", async (raw) => {
  const msg = raw as Request | { scanned: { id: number; deviceId: number } };
  if ("scanned" in msg) {
    scans.get(msg.scanned.id)?.({ deviceId: msg.scanned.deviceId });
    scans.delete(msg.scanned.id);
    return;
  }
  const reply = (body: Record<string, unknown>) => process.send?.({ id: msg.id, ...body });
  try {
    if (msg.type === "pair") {
      target = { url: msg.url, rootPublicKey: Buffer.from(msg.rootPublicKey, "hex") };
      const t = target;
      let next = 0;
      await Promise.all(
        Array.from({ length: msg.concurrency }, async () => {
          while (next < msg.phones.length) {
            const phone = msg.phones[next++] ?? "";
            const paired = await pairSession(t, (qr) => askScan(phone, qr));
            const session = { sock: paired.sock, auth: paired.auth, open: true };
            sessions.push(session);
            watch(session);
          }
        }),
      );
      reply({ paired: sessions.length });
    }
    if (msg.type === "online") reply({ online: sessions.filter((s) => s.open).length });
    if (msg.type === "close") {
      closing = true;
      await Promise.all(sessions.map((s) => closeSocket(s.sock)));
      reply({ closed: sessions.length });
    }
  } catch (err) {
    reply({ error: String(err) });
  }
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
