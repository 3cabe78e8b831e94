import type { TImportFailureCode } from "@mirage/contracts/imports";
import type { Database } from "@mirage/db";
import { startImport } from "@mirage/db/imports";
import type { Logger } from "@mirage/logger";
import type { ProcessorContext } from "@mirage/queue/queues";
import { type PublishOptions, publishRealtimeEvent } from "@mirage/queue/realtime";
import { UnrecoverableError } from "bullmq";
import type { Redis } from "ioredis";
import { closeImport, type ImportCounts, ImportRefused, runImport } from "./run-import.ts";

/** Postgres errors no retry can fix: permission (the uploader left or lost the role), a list deleted meanwhile. */
const PERMANENT_SQLSTATES = new Set(["42501", "23503", "22P02", "23514"]);

/**
 * The importContacts job: claims the import, runs it, publishes `import:progress` to the organization's room
 * (at most every `progressEveryMs`, and always at the end), and records the outcome. Throwing retries (a dropped
 * connection); refusals and permission errors fail the import at once with the reason.
 */
export function createImportContactsProcessor(deps: {
  db: Database;
  redis: Redis;
  logger: Logger;
  /** Where events go: the stream, and how many each organization keeps (the gateway's replay size). */
  realtime: PublishOptions;
  progressEveryMs?: number;
}) {
  const { db, logger } = deps;
  const publish = (orgId: string, importId: string, status: "running" | "completed" | "failed", c: ImportCounts) =>
    publishRealtimeEvent(
      deps.redis,
      { type: "import:progress", orgId, at: Date.now(), data: { importId, status, ...c } },
      deps.realtime,
    ).catch((err) => logger.warn({ err, importId }, "import progress not published"));

  return async (payload: { importId: string; orgId: string }, ctx: ProcessorContext) => {
    const imp = await db.asService((tx) => startImport(tx, payload.importId));
    if (!imp) return { skipped: "the import is finished or gone" };
    let last = 0;
    let counts: ImportCounts = { rowsRead: 0, imported: 0, merged: 0, rejected: 0 };
    try {
      counts = await runImport(
        {
          db,
          onProgress: async (c) => {
            counts = c;
            if (Date.now() - last < (deps.progressEveryMs ?? 250)) return;
            last = Date.now();
            await publish(imp.orgId, imp.id, "running", c);
          },
        },
        imp,
      );
      await closeImport(db, imp.id, { status: "completed" });
      await publish(imp.orgId, imp.id, "completed", counts);
      logger.info({ importId: imp.id, ...counts }, "contact import completed");
      return counts;
    } catch (error) {
      const code = (error as { code?: string }).code;
      const permanent = error instanceof ImportRefused || (code !== undefined && PERMANENT_SQLSTATES.has(code));
      const final = permanent || ctx.attemptsMade + 1 >= ctx.attempts;
      const [errorCode, reason]: [TImportFailureCode, string] =
        error instanceof ImportRefused
          ? [error.code, error.message]
          : code === "42501"
            ? ["may_not_write", "the uploader may no longer write contacts in this organization"]
            : ["internal", `import failed: ${(error as Error).message}`];
      logger.warn({ err: error, importId: imp.id, final }, "contact import failed");
      if (final) {
        await closeImport(db, imp.id, {
          status: "failed",
          errorCode,
          error:
            counts.imported + counts.merged > 0
              ? `${reason} (after ${counts.imported} contacts were imported and ${counts.merged} merged; they stay)`
              : reason,
        });
        await publish(imp.orgId, imp.id, "failed", counts);
        throw new UnrecoverableError(reason);
      }
      throw error;
    }
  };
}
