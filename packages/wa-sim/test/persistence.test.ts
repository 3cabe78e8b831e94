import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DisconnectReason } from "@whiskeysockets/baileys";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { stateFilePath } from "../src/core/state-file.ts";
import { Simulator } from "../src/index.ts";
import {
  closeSocket,
  makeSimSocket,
  pairSession,
  pairWithQr,
  reconnect,
  trackMessageStatus,
  type WASocket,
  waitForConnection,
} from "../src/testing/index.ts";

const dirs: string[] = [];
const sockets: WASocket[] = [];
const sims: Simulator[] = [];

function stateDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "wa-sim-state-"));
  dirs.push(dir);
  return dir;
}

async function startSim(seed: string, dir: string): Promise<Simulator> {
  const sim = await Simulator.start({ seed, stateDir: dir, saveDebounceMs: 20 });
  sims.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(sockets.splice(0).map(closeSocket));
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("state on disk", () => {
  it("a restarted simulator lets a linked device log in again without a QR, and contacts keep their sessions", async () => {
    const dir = stateDir();
    const phone = "5511955550001";
    const contact = "5511955559001";
    const first = await startSim("persist-a", dir);
    first.contact(contact, { deliveryDelayMs: 10, readDelayMs: 10 });
    const paired = await pairWithQr(first, phone);
    sockets.push(paired.sock);
    const tracker = trackMessageStatus(paired.sock);
    const before = await paired.sock.sendMessage(`${contact}@s.whatsapp.net`, { text: "before the restart" });
    await tracker.waitFor(before?.key.id ?? "", 4);

    const preKeys = first.phone(phone).devices()[0]?.preKeys ?? 0;
    expect(preKeys).toBeGreaterThan(0);
    await closeSocket(paired.sock);
    await first.close();

    // A new process would listen elsewhere: a new port, the same seed and directory.
    const second = await startSim("persist-a", dir);
    expect(second.url).not.toBe(first.url);
    expect(second.phone(phone).devices()).toMatchObject([{ deviceId: paired.deviceId, removed: false, preKeys }]);

    let sawQr = false;
    const { sock } = makeSimSocket(second, { auth: paired.auth });
    sockets.push(sock);
    const opened = await waitForConnection(sock, () => {
      sawQr = true;
    });
    expect(opened).toEqual({ connection: "open" });
    expect(sawQr).toBe(false);

    // The contact writes first, over the Signal session it had before the restart: a `msg`, not a new `pkmsg`
    // (without its restored session it would have to start a new one), and Baileys decrypts it with its own.
    const encTypes: string[] = [];
    sock.ws.on("CB:message", (stanza: { content?: unknown }) => {
      for (const child of Array.isArray(stanza.content) ? stanza.content : []) {
        const c = child as { tag: string; attrs: Record<string, string> };
        if (c.tag === "enc") encTypes.push(c.attrs.type ?? "");
      }
    });
    const inbound = new Promise<string>((resolve) =>
      sock.ev.on("messages.upsert", ({ messages }) => {
        for (const m of messages) if (!m.key.fromMe && m.message?.conversation) resolve(m.message.conversation);
      }),
    );
    await second.contact(contact).sendText(phone, "welcome back");
    expect(await inbound).toBe("welcome back");
    expect(encTypes).toEqual(["msg"]);

    // And what Baileys sends after the restart reaches the restored contact.
    const again = trackMessageStatus(sock);
    const after = await sock.sendMessage(`${contact}@s.whatsapp.net`, { text: "after the restart" });
    await again.waitFor(after?.key.id ?? "", 4);
    expect(
      second
        .contact(contact)
        .messages(phone)
        .map((m) => m.text),
    ).toEqual(["after the restart"]);
  });

  it("keeps a device the phone removed removed, and a ban banned", async () => {
    const dir = stateDir();
    const first = await startSim("persist-b", dir);
    const removed = await pairWithQr(first, "5511955550002");
    const banned = await pairWithQr(first, "5511955550003");
    sockets.push(removed.sock, banned.sock);
    const closedRemoved = waitForConnection(removed.sock);
    const closedBanned = waitForConnection(banned.sock);
    first.phone("5511955550002").fault({ type: "logged-out" });
    first.phone("5511955550003").fault({ type: "banned" });
    await Promise.all([closedRemoved, closedBanned]);
    await first.close();

    const second = await startSim("persist-b", dir);
    for (const [auth, code] of [
      [removed.auth, DisconnectReason.loggedOut],
      [banned.auth, DisconnectReason.forbidden],
    ] as const) {
      const { sock } = makeSimSocket(second, { auth });
      sockets.push(sock);
      expect(await waitForConnection(sock)).toMatchObject({ connection: "close", statusCode: code });
    }
  });

  it("writes atomically and soon after a change, without waiting for close", async () => {
    const dir = stateDir();
    const sim = await startSim("persist-c", dir);
    const paired = await pairWithQr(sim, "5511955550004");
    sockets.push(paired.sock);
    const file = stateFilePath(dir, "persist-c");
    expect(sim.stateFilePath).toBe(file);
    await expect
      .poll(
        () => {
          try {
            return (JSON.parse(readFileSync(file, "utf8")) as { accounts: { phone: string }[] }).accounts;
          } catch {
            return [];
          }
        },
        { timeout: 10_000 },
      )
      .toMatchObject([{ phone: "5511955550004" }]);
    await sim.saveState();
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("refuses a second simulator on the same state file while the first runs; a crashed one's lock is taken over", async () => {
    const dir = stateDir();
    const first = await startSim("persist-lock", dir);
    await expect(Simulator.start({ seed: "persist-lock", stateDir: dir })).rejects.toThrow(
      `the state file ${stateFilePath(dir, "persist-lock")} is in use by another simulator (pid ${process.pid})`,
    );
    await first.close();
    // A lock left by a process that is gone (a crash) does not block the next start.
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => gone.once("exit", r));
    writeFileSync(`${stateFilePath(dir, "persist-lock")}.lock`, `${gone.pid}:stale`);
    const second = await startSim("persist-lock", dir);
    expect(second.stateFilePath).toBe(stateFilePath(dir, "persist-lock"));
  });

  it("keeps one file per seed", async () => {
    const dir = stateDir();
    const a = await startSim("seed one", dir);
    a.phone("5511955550005");
    await a.saveState();
    const b = await startSim("seed/two", dir);
    expect(b.accounts()).toEqual([]);
    const json = () => readdirSync(dir).filter((f) => f.endsWith(".json"));
    expect(json()).toHaveLength(1);
    b.phone("5511955550006");
    await b.saveState();
    expect(json()).toHaveLength(2);
  });

  it("moves an unreadable state file aside and starts empty", async () => {
    const dir = stateDir();
    writeFileSync(stateFilePath(dir, "persist-d"), "{ not json");
    const sim = await startSim("persist-d", dir);
    expect(sim.accounts()).toEqual([]);
    expect(readdirSync(dir).some((f) => f.includes(".corrupt-"))).toBe(true);

    // A file from another seed (renamed by hand) is refused the same way rather than half-loaded.
    const other = await startSim("persist-e", dir);
    other.phone("5511955550007");
    await other.saveState();
    await other.close();
    writeFileSync(stateFilePath(dir, "persist-f"), readFileSync(stateFilePath(dir, "persist-e")));
    const wrong = await startSim("persist-f", dir);
    expect(wrong.accounts()).toEqual([]);
  });
});

describe("the CLI process", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.exitCode === null) child.kill("SIGKILL");
  });

  /** Starts `src/cli.ts` and resolves with the addresses it prints. */
  function startCli(dir: string, ports: { ws: number; control: number }) {
    // node --import tsx, not the tsx wrapper: a SIGKILL must reach the process that holds the sockets.
    const proc = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli.ts",
        "--seed",
        "persist-cli",
        "--port",
        String(ports.ws),
        "--control-port",
        String(ports.control),
        "--state-dir",
        dir,
        "--log-level",
        "warn",
      ],
      { cwd: path.resolve(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "pipe"] },
    );
    child = proc;
    let out = "";
    return new Promise<{ proc: ChildProcess; url: string; control: string; rootPublicKey: Buffer }>(
      (resolve, reject) => {
        const onData = (chunk: Buffer) => {
          out += chunk.toString();
          const url = /WebSocket[^:]*:\s+(ws:\/\/\S+)/.exec(out)?.[1];
          const control = /Control API:\s+(http:\/\/\S+)/.exec(out)?.[1];
          const root = /Certificate root \(hex\):\s+([0-9a-f]{64})/.exec(out)?.[1];
          if (url && control && root) resolve({ proc, url, control, rootPublicKey: Buffer.from(root, "hex") });
        };
        proc.stdout?.on("data", onData);
        proc.stderr?.on("data", onData);
        proc.on("exit", (code) => reject(new Error(`wa-sim exited with ${code}: ${out}`)));
      },
    );
  }

  it("a device paired before a SIGKILL logs in again after the restart, on the same ports", async () => {
    const dir = stateDir();
    const first = await startCli(dir, { ws: 0, control: 0 });
    const ws = Number(new URL(first.url).port);
    const control = Number(new URL(first.control).port);
    const paired = await pairSession(first, async (qr) => {
      const res = await fetch(`${first.control}/accounts/5511955550010/scan`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ qr }),
      });
      return (await res.json()) as { deviceId: number };
    });
    sockets.push(paired.sock);
    await expect.poll(() => readdirSync(dir).some((f) => f.endsWith(".json")), { timeout: 10_000 }).toBe(true);
    // Let the pre-key upload after login reach the file too (debounced, at most ~1 s).
    await new Promise((r) => setTimeout(r, 1_500));

    const dropped = waitForConnection(paired.sock);
    first.proc.kill("SIGKILL");
    expect(await dropped).toMatchObject({ connection: "close" });
    await closeSocket(paired.sock);

    const second = await startCli(dir, { ws, control });
    const { sock } = await reconnect(second, paired.auth);
    sockets.push(sock);
    const health = (await (await fetch(`${second.control}/accounts/5511955550010`)).json()) as {
      devices: { online: boolean }[];
    };
    expect(health.devices).toMatchObject([{ online: true }]);
  }, 120_000);

  it("says which port is taken instead of a stack trace", async () => {
    const blocker = await Simulator.start({ seed: "blocker" });
    sims.push(blocker);
    const taken = Number(new URL(blocker.url).port);
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", "--port", String(taken), "--control-port", "0"],
      {
        cwd: path.resolve(import.meta.dirname, ".."),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let err = "";
    proc.stderr.on("data", (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => proc.on("exit", resolve));
    expect(code).toBe(1);
    expect(err).toContain(`port 127.0.0.1:${taken} is already in use`);
    expect(err).not.toMatch(/\n\s+at /);
  }, 60_000);
});
