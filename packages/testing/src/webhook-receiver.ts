import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a webhook receiver got: its path, headers, raw body (UTF-8) and arrival time (ms since epoch). */
export type ReceivedHook = { path: string; headers: IncomingHttpHeaders; body: string; at: number };

/** A webhook receiver on loopback, standing in for an integration's endpoint. */
export type WebhookReceiver = {
  /** Base URL, `http://127.0.0.1:<port>` (append any path: every path is received). */
  url: string;
  /** Every request, in arrival order. */
  received: ReceivedHook[];
  /** The status answered on `path` (default 200); asked at each request, so it can change over time. */
  answer(path: string, status: () => number): void;
  /** Called with each request as it arrives (after it is in `received`). */
  onHook(listener: (hook: ReceivedHook) => void): void;
  close(): Promise<void>;
};

/**
 * Starts an HTTP server on 127.0.0.1 and a free port that records every request and answers 200 (or what `answer`
 * set for its path). The SSRF policy refuses loopback unless the orchestrator allows it (`WEBHOOK_ALLOW_PRIVATE`).
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const answers = new Map<string, () => number>();
  const listeners: ((hook: ReceivedHook) => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const hook = { path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
      received.push(hook);
      for (const l of listeners) l(hook);
      res.statusCode = answers.get(path)?.() ?? 200;
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer: (path, status) => {
      answers.set(path, status);
    },
    onHook: (listener) => {
      listeners.push(listener);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
