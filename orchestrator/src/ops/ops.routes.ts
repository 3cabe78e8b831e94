import { timingSafeEqual } from "node:crypto";
import { type Database, pingDatabase } from "@mirage/db";
import { type Request, Router } from "express";
import type { Redis } from "ioredis";
import { AppError } from "../http/app-error.ts";
import type { Metrics } from "./metrics.ts";

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function bearerMatches(req: Request, token: string): boolean {
  const got = Buffer.from(/^Bearer\s+(\S+)$/i.exec(req.get("authorization") ?? "")?.[1] ?? "");
  const want = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** /healthz (the process answers), /readyz (Postgres and Redis answer), /metrics (Prometheus). */
export function opsRouter(deps: { db: Database; redis: Redis; metrics: Metrics; metricsToken?: string }): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const check = async (fn: () => Promise<unknown>) => {
      const started = performance.now();
      try {
        await withTimeout(fn(), 2000);
        return { ok: true, ms: Math.round(performance.now() - started) };
      } catch (error) {
        return { ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
      }
    };
    const [postgres, redis] = await Promise.all([
      check(() => pingDatabase(deps.db.sql)),
      check(() => deps.redis.ping()),
    ]);
    const ok = postgres.ok && redis.ok;
    res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "unavailable", checks: { postgres, redis } });
  });
  router.get("/metrics", async (req, res) => {
    if (deps.metricsToken && !bearerMatches(req, deps.metricsToken)) {
      throw new AppError("unauthenticated", "send the metrics bearer token");
    }
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
