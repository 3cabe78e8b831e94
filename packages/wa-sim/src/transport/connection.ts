import type { Logger } from "@mirage/logger";
import { type BinaryNode, decodeBinaryNode, encodeBinaryNode } from "@whiskeysockets/baileys";
import type { WebSocket } from "ws";
import type { KeyPair } from "../crypto/keys.ts";
import { encodeFrame, FrameReader } from "./frames.ts";
import { type ClientHandshakeResult, NoiseResponder } from "./noise-responder.ts";

export type ConnectionEvents = {
  /** The Noise handshake finished: the client is registering (QR / pairing code) or logging in. */
  onHandshake(connection: Connection, result: ClientHandshakeResult): void;
  onNode(connection: Connection, node: BinaryNode): Promise<void>;
  onClose(connection: Connection): void;
};

let nextConnectionId = 1;

/**
 * One client WebSocket: framing, the Noise handshake, then encrypted binary nodes. Outgoing nodes can be delayed
 * (latency and jitter faults) but always leave in order.
 */
export class Connection {
  readonly id = nextConnectionId++;
  /** Set once the client finished the handshake. */
  handshake: ClientHandshakeResult | undefined;
  /** Extra delay for every outgoing node, in ms (a fault). */
  delay: () => number = () => 0;
  private readonly frames = new FrameReader();
  private readonly noise: NoiseResponder;
  private stage: "hello" | "finish" | "open" = "hello";
  private inbound: Promise<void> = Promise.resolve();
  private lastSendAt = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    serverStatic: KeyPair,
    certificateChain: Buffer,
    private readonly events: ConnectionEvents,
    private readonly logger: Logger,
  ) {
    this.noise = new NoiseResponder(serverStatic, certificateChain);
    ws.on("message", (data: Buffer) => {
      this.inbound = this.inbound.then(() => this.receive(data)).catch((err: unknown) => this.fail(err));
    });
    ws.on("close", () => this.markClosed());
    ws.on("error", (err) => this.logger.debug({ err, connection: this.id }, "websocket error"));
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  send(node: BinaryNode): void {
    if (!this.isOpen) return;
    const delay = Math.max(0, this.delay());
    const now = Date.now();
    if (delay === 0 && this.lastSendAt <= now) {
      this.write(node);
      return;
    }
    // Keep order: a node never overtakes one queued before it, whatever the jitter.
    const due = Math.max(now + delay, this.lastSendAt);
    this.lastSendAt = due;
    this.schedule(due - now, () => this.write(node));
  }

  /** Sends `node` (if given) and closes the socket once everything queued before it has left. */
  end(node?: BinaryNode): void {
    if (node) this.send(node);
    const wait = Math.max(0, this.lastSendAt - Date.now()) + 20;
    this.schedule(wait, () => this.ws.close());
  }

  /** Closes the TCP connection without a WebSocket close frame. */
  terminate(): void {
    this.ws.terminate();
    this.markClosed();
  }

  private write(node: BinaryNode): void {
    if (!this.isOpen) return;
    this.ws.send(encodeFrame(this.noise.encrypt(encodeBinaryNode(node))));
  }

  private schedule(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private async receive(data: Buffer): Promise<void> {
    for (const frame of this.frames.push(data)) {
      if (this.closed) return;
      if (this.stage === "hello") {
        const header = this.frames.header;
        if (!header) throw new Error("frame before intro");
        this.ws.send(encodeFrame(this.noise.respondToHello(header, frame)));
        this.stage = "finish";
      } else if (this.stage === "finish") {
        this.handshake = this.noise.finish(frame);
        this.stage = "open";
        this.events.onHandshake(this, this.handshake);
      } else {
        const node = await decodeBinaryNode(this.noise.decrypt(frame));
        await this.events.onNode(this, node);
      }
    }
  }

  private fail(err: unknown): void {
    this.logger.warn({ err, connection: this.id }, "closing connection after a protocol error");
    this.terminate();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.events.onClose(this);
  }
}
