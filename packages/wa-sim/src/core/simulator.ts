import type { AddressInfo } from "node:net";
import { createLogger, type Logger } from "@mirage/logger";
import { WebSocketServer } from "ws";
import type { ContactBehaviour } from "../contacts/contact.ts";
import { ContactDirectory, type UnknownNumberPolicy } from "../contacts/directory.ts";
import { deriveBytes, deriveKeyPair } from "../crypto/keys.ts";
import type { BinaryNode } from "../protocol/nodes.ts";
import { makeCertificateChain } from "../transport/certificate.ts";
import { Connection } from "../transport/connection.ts";
import type { ClientHandshakeResult } from "../transport/noise-responder.ts";
import { type Account, AccountRegistry, type Companion } from "./accounts.ts";
import { ContactHandle } from "./contact-handle.ts";
import { type QrOptions, type SimContext, seededRandom, Timers } from "./context.ts";
import { applyFault } from "./fault-injection.ts";
import { GroundTruth } from "./ground-truth.ts";
import { answerIq } from "./iq-handlers.ts";
import { handleLogin } from "./login.ts";
import { Messaging } from "./messaging.ts";
import { Pairing } from "./pairing.ts";
import { restoreSnapshot, takeSnapshot } from "./persistence.ts";
import { StateFile, stateFilePath } from "./state-file.ts";
import { VirtualPhone } from "./virtual-phone.ts";

export type SimulatorOptions = {
  /** Everything derived (server keys, certificate chain, LIDs, contact keys, jitter) follows from it. */
  seed?: string;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  logger?: Logger;
  qr?: Partial<QrOptions>;
  /** Whether numbers nobody configured are on WhatsApp (default) or not. */
  unknownNumbers?: UnknownNumberPolicy;
  /** Behaviour of contacts nobody configured (receipt delays, name, …). */
  contactDefaults?: Partial<ContactBehaviour>;
  /**
   * Directory to keep the state in (accounts, linked devices and their keys, contacts and their sessions), one file
   * per seed: a simulator restarted with the same seed and directory lets every linked device log in again without
   * a QR, like a real phone. Unset: state lives in memory only.
   */
  stateDir?: string;
  /** Quiet period before the state is written after a change, in ms (default 200; at most 1 s while busy). */
  saveDebounceMs?: number;
};

type Session = { account: Account; companion: Companion };

export const DEFAULT_SEED = "mirage";

/**
 * The certificate root a simulator started with `seed` uses: a client in another process can trust it without
 * asking the simulator (it is also in `GET /health`).
 */
export function simulatorRootPublicKey(seed: string = DEFAULT_SEED): Buffer {
  return Buffer.from(deriveKeyPair(seed, "server/root").public);
}

/**
 * A WhatsApp Web server that unmodified Baileys 7 connects to: Noise over `ws://`, virtual phones that link
 * companions, virtual contacts that decrypt, receipt and reply, and faults per account.
 */
export class Simulator {
  /** Where Baileys connects (`waWebSocketUrl`). */
  readonly url: string;
  /** The root a client must trust: `installSimulatorCertificate(sim.rootPublicKey)`. */
  readonly rootPublicKey: Buffer;
  readonly groundTruth: GroundTruth;
  readonly seed: string;
  private readonly ctx: SimContext;
  private readonly pairing: Pairing;
  private readonly messaging: Messaging;
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<Connection, Session>();
  private closed = false;
  private stateFile: StateFile | undefined;

  private constructor(
    private readonly wss: WebSocketServer,
    ctx: SimContext,
    rootPublicKey: Buffer,
  ) {
    const address = wss.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.url = `ws://${host}:${address.port}/ws/chat`;
    this.rootPublicKey = rootPublicKey;
    this.groundTruth = ctx.groundTruth;
    this.seed = ctx.seed;
    this.ctx = ctx;
    this.pairing = new Pairing(ctx);
    this.messaging = new Messaging(ctx);
  }

  static async start(options: SimulatorOptions = {}): Promise<Simulator> {
    const seed = options.seed ?? DEFAULT_SEED;
    const logger = options.logger ?? createLogger({ service: "wa-sim", level: "silent" });
    const serverStatic = deriveKeyPair(seed, "server/static");
    const certificate = makeCertificateChain({
      root: deriveKeyPair(seed, "server/root"),
      intermediate: deriveKeyPair(seed, "server/intermediate"),
      serverStatic,
    });
    const wss = new WebSocketServer({ host: options.host ?? "127.0.0.1", port: options.port ?? 0, path: "/ws/chat" });
    await new Promise<void>((resolve, reject) => {
      wss.once("listening", resolve);
      wss.once("error", reject);
    });
    // Filled in once the state is loaded: restoring must not schedule writes of what was just read.
    let changed = () => {};
    const onChange = () => changed();
    const ctx: SimContext = {
      seed,
      logger,
      accounts: new AccountRegistry(seed, onChange),
      contacts: new ContactDirectory(seed, options.unknownNumbers ?? "on-whatsapp", options.contactDefaults, onChange),
      groundTruth: new GroundTruth(),
      timers: new Timers(),
      random: seededRandom(deriveBytes(seed, "random")),
      qr: { refs: 6, firstRefTtlMs: 60_000, nextRefTtlMs: 20_000, ...options.qr },
      send: (c, n) => c.send(n),
      changed: onChange,
    };
    let stateFile: StateFile | undefined;
    try {
      stateFile = options.stateDir ? loadState(options.stateDir, ctx, options.saveDebounceMs) : undefined;
    } catch (err) {
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      throw err;
    }
    if (stateFile) {
      const file = stateFile;
      changed = () => file.changed();
    }
    const sim = new Simulator(wss, ctx, certificate.rootPublicKey);
    sim.stateFile = stateFile;
    wss.on("connection", (ws) => {
      const connection = new Connection(
        ws,
        serverStatic,
        certificate.chain,
        {
          onHandshake: (c, result) => sim.onHandshake(c, result),
          onNode: (c, n) => sim.onNode(c, n),
          onClose: (c) => sim.onClose(c),
        },
        logger,
      );
      sim.connections.add(connection);
    });
    logger.info({ url: sim.url }, "wa-sim listening");
    return sim;
  }

  /** The virtual phone of `phone` (digits with country code), created on first use. */
  phone(phone: string): VirtualPhone {
    return new VirtualPhone(this.ctx.accounts.ensure(phone), {
      pairing: this.pairing,
      applyFault: (account, fault) => applyFault(this.ctx, account, fault),
      timers: this.ctx.timers,
    });
  }

  /** The contact `phone`, created (or reconfigured) on use. */
  contact(phone: string, behaviour?: Partial<ContactBehaviour>): ContactHandle {
    const contact = this.ctx.contacts.configure(phone, behaviour);
    return new ContactHandle(contact, {
      messaging: this.messaging,
      accounts: this.ctx.accounts,
      groundTruth: this.ctx.groundTruth,
    });
  }

  /** Every account that exists (created by a scan, a pairing code or `phone()`). */
  accounts(): VirtualPhone[] {
    return this.ctx.accounts.all().map((a) => this.phone(a.phone));
  }

  stats(): { connections: number; accounts: number; companionsOnline: number } {
    return {
      connections: this.connections.size,
      accounts: this.ctx.accounts.all().length,
      companionsOnline: this.sessions.size,
    };
  }

  /** Where the state is kept (undefined without `stateDir`). */
  get stateFilePath(): string | undefined {
    return this.stateFile?.path;
  }

  /** Writes the state now (when kept on disk); resolves once the file is current. */
  async saveState(): Promise<void> {
    await this.stateFile?.flush();
  }

  /** Stops listening, closes every client socket, clears every timer and writes the state. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ctx.timers.clear();
    for (const connection of this.connections) connection.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await this.stateFile?.close();
  }

  private onHandshake(connection: Connection, { clientStaticPublic, payload }: ClientHandshakeResult): void {
    const noiseKey = clientStaticPublic.toString("base64");
    if (payload.devicePairingData) {
      this.pairing.startRegistration(connection, noiseKey, payload.devicePairingData);
      return;
    }
    const session = handleLogin(this.ctx, connection, noiseKey, payload);
    if (!session) return;
    this.sessions.set(connection, session);
    this.messaging
      .flushOnLogin(session.account, session.companion)
      .catch((err: unknown) => this.ctx.logger.warn({ err }, "delivering queued messages failed"));
  }

  private async onNode(connection: Connection, stanza: BinaryNode): Promise<void> {
    const session = this.sessions.get(connection);
    switch (stanza.tag) {
      case "iq": {
        const answer = answerIq(this.ctx, this.pairing, connection, session, stanza);
        if (answer) connection.send(answer);
        return;
      }
      case "message":
        if (session) await this.messaging.handleOutgoing(session.account, session.companion, connection, stanza);
        return;
      case "chatstate":
        if (session) this.messaging.handleChatState(session.account, stanza);
        return;
      case "receipt":
        if (session) await this.messaging.handleReceipt(session.account, session.companion, stanza);
        return;
      case "presence":
        if (session) this.messaging.handlePresence(session.account, stanza);
        return;
      default:
        // acks and `ib` need no answer.
        return;
    }
  }

  private onClose(connection: Connection): void {
    this.connections.delete(connection);
    this.pairing.forget(connection);
    const session = this.sessions.get(connection);
    if (session?.companion.connection === connection) session.companion.connection = undefined;
    this.sessions.delete(connection);
  }
}

/** Opens the state file of `ctx.seed` under `dir` and restores what it holds into the (empty) registries. */
function loadState(dir: string, ctx: SimContext, debounceMs: number | undefined): StateFile {
  const file = new StateFile({
    file: stateFilePath(dir, ctx.seed),
    snapshot: () => takeSnapshot(ctx.seed, ctx.accounts, ctx.contacts),
    logger: ctx.logger,
    ...(debounceMs === undefined ? {} : { debounceMs }),
  });
  const raw = file.read();
  if (raw === undefined) {
    ctx.logger.info({ file: file.path }, "wa-sim state: none yet, starting empty");
    return file;
  }
  try {
    const restored = restoreSnapshot(raw, ctx.seed, ctx.accounts, ctx.contacts);
    ctx.logger.info({ file: file.path, ...restored }, "wa-sim state restored");
  } catch (err) {
    // Half-restored registries would be worse than empty ones: start over with nothing, keep the file aside.
    ctx.accounts.clear();
    ctx.contacts.clear();
    file.quarantine(err);
  }
  return file;
}
