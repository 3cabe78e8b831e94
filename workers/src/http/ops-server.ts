import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { HostedSnapshot } from "../sessions/index.ts";

export type OpsServerDeps = {
  workerId: string;
  /** Bearer token required by /metrics; unset leaves it open (then keep the bind host private). */
  metricsToken: string | undefined;
  snapshot(): HostedSnapshot[];
};

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? "";
  const given = Buffer.from(header.startsWith("Bearer ") ? header.slice(7) : "");
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * The worker's operations endpoint: `GET /healthz` (liveness, open: it says nothing private) and `GET /metrics`
 * (Prometheus text, behind `METRICS_TOKEN` when set). Nothing else is served.
 */
export function createOpsServer(deps: OpsServerDeps): {
  server: Server;
  listen(port: number, host: string): Promise<{ port: number }>;
  close(): Promise<void>;
} {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") {
      const hosted = deps.snapshot().length;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, workerId: deps.workerId, hosted }));
      return;
    }
    if (path === "/metrics") {
      if (deps.metricsToken && !bearerMatches(req, deps.metricsToken)) {
        res.writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain" });
        res.end("unauthorized\n");
        return;
      }
      const byStatus = new Map<string, number>();
      for (const s of deps.snapshot()) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
      const lines = [
        "# HELP mirage_worker_instances Instances hosted by this worker, by status.",
        "# TYPE mirage_worker_instances gauge",
        ...[...byStatus].map(([status, n]) => `mirage_worker_instances{status="${status}"} ${n}`),
        "# HELP mirage_worker_rss_bytes Resident set size of this worker.",
        "# TYPE mirage_worker_rss_bytes gauge",
        `mirage_worker_rss_bytes ${process.memoryUsage.rss()}`,
      ];
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(`${lines.join("\n")}\n`);
      return;
    }
    res.writeHead(404).end();
  });
  return {
    server,
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const address = server.address();
      return { port: typeof address === "object" && address ? address.port : port };
    },
    async close() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
