import type { Database } from "@mirage/db";
import { activeCampaignMessagesBySender, type CountedColumn, countRowsBy } from "@mirage/db/metrics";
import type { Queues } from "@mirage/queue/queues";
import type { RequestHandler } from "express";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export type Metrics = {
  registry: Registry;
  httpMiddleware: RequestHandler;
  webhookAttempts: Counter<"outcome">;
  realtimeEvents: Counter<"source">;
  realtimeClients: Gauge;
};

/**
 * Prometheus metrics on a registry of its own (tests build many apps in one process). Database and queue gauges
 * are read at scrape time: aggregates over every organization, for operators; no tenant data is exported.
 */
export function createMetrics(deps: { db: Database; queues: Queues; defaultMetrics?: boolean }): Metrics {
  const registry = new Registry();
  if (deps.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "mirage_" });

  const httpDuration = new Histogram({
    name: "mirage_http_request_duration_seconds",
    help: "HTTP request latency by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  // Rows by one enum column: a gauge per (table, column), refreshed on scrape.
  const countBy = (name: string, help: string, counted: CountedColumn) => {
    const column = counted.slice(counted.indexOf(".") + 1);
    return new Gauge({
      name,
      help,
      labelNames: [column] as const,
      registers: [registry],
      async collect() {
        const rows = await deps.db.asService((tx) => countRowsBy(tx, counted));
        this.reset();
        for (const r of rows) this.set({ [column]: r.value }, r.count);
      },
    });
  };
  countBy("mirage_instances", "Instances by status", "instances.status");
  countBy("mirage_outbound_messages", "Outbound messages by state", "outbound_messages.state");
  countBy("mirage_webhook_deliveries", "Webhook outbox rows by status", "webhook_deliveries.status");
  countBy("mirage_campaigns", "Campaigns by status", "campaigns.status");
  new Gauge({
    name: "mirage_campaign_messages",
    help: "Messages of running and paused campaigns by sending instance and state",
    labelNames: ["instance_id", "state"] as const,
    registers: [registry],
    async collect() {
      const rows = await deps.db.asService((tx) => activeCampaignMessagesBySender(tx));
      this.reset();
      for (const r of rows) this.set({ instance_id: r.instanceId, state: r.state }, r.count);
    },
  });
  new Gauge({
    name: "mirage_queue_jobs",
    help: "BullMQ jobs by queue and state (waiting, active, delayed, failed, completed)",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of deps.queues.all()) {
        const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed", "completed");
        for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
      }
    },
  });
  const webhookAttempts = new Counter({
    name: "mirage_webhook_attempts_total",
    help: "Webhook delivery attempts by outcome (delivered, retry, dead)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const realtimeEvents = new Counter({
    name: "mirage_realtime_events_total",
    help: "Realtime events relayed to socket.io rooms, by source",
    labelNames: ["source"] as const,
    registers: [registry],
  });
  const realtimeClients = new Gauge({
    name: "mirage_realtime_clients",
    help: "socket.io clients connected to this replica",
    registers: [registry],
  });

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const end = httpDuration.startTimer();
    res.on("finish", () => {
      // The route pattern, never the raw URL: ids in paths would explode the label cardinality.
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : "unmatched";
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };

  return { registry, httpMiddleware, webhookAttempts, realtimeEvents, realtimeClients };
}
