import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { TWebhookEnvelope } from "@mirage/contracts/webhooks";
import type { Database } from "@mirage/db";
import { findDeliveryWork, recordDeliveryAttempt } from "@mirage/db/webhooks";
import type { Logger } from "@mirage/logger";
import { jitteredBackoff, type ProcessorContext, seededJitter, UnrecoverableError } from "@mirage/queue/queues";
import type { KeyRing } from "@mirage/secrets";
import { toEvolutionDelivery } from "../evolution/index.ts";
import { SIGNATURE_HEADER, signPayload } from "./signing.ts";
import type { TargetPolicy } from "./ssrf.ts";
import { openWebhookSecret } from "./webhook-secrets.ts";

export type DeliverWebhookDeps = {
  db: Database;
  keyRing: KeyRing;
  policy: TargetPolicy;
  logger: Logger;
  timeoutMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  userAgent?: string;
};

/** The delay BullMQ waits before retrying a delivery; reproducible so the row can say when the next try runs. */
export function webhookRetryDelay(deps: Pick<DeliverWebhookDeps, "backoffBaseMs" | "backoffCapMs">) {
  return (attemptsMade: number, payload: { deliveryId: number } | undefined): number =>
    jitteredBackoff(
      deps.backoffBaseMs,
      deps.backoffCapMs,
      attemptsMade,
      seededJitter(`${payload?.deliveryId ?? 0}:${attemptsMade}`),
    );
}

/** 4xx answers that say "try later" rather than "never". */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

type PostResult = { status: number } | { error: string };

/**
 * POSTs to the address the SSRF policy vetted (the custom lookup pins it), so a DNS answer that changes between
 * the check and the connection cannot redirect the request. Redirects are not followed.
 */
function post(
  url: string,
  address: string,
  family: 4 | 6,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) {
  return new Promise<PostResult>((resolve) => {
    const target = new URL(url);
    const pinned: LookupFunction = (_host, options, cb) => {
      if ((options as { all?: boolean }).all)
        (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
      else cb(null, address, family);
    };
    const client = target.protocol === "https:" ? https : http;
    const req = client.request(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
        lookup: pinned,
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
        res.on("error", (e) => resolve({ error: e.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on("error", (e) => resolve({ error: e.message }));
    req.end(body);
  });
}

export function createDeliverWebhookProcessor(deps: DeliverWebhookDeps) {
  const retryDelay = webhookRetryDelay(deps);
  return async (payload: { deliveryId: number }, ctx: ProcessorContext): Promise<{ status: number } | undefined> => {
    const work = await deps.db.asService((tx) => findDeliveryWork(tx, payload.deliveryId));
    if (!work || work.status === "delivered" || work.status === "dead") return undefined;
    const isFinal = ctx.attemptsMade + 1 >= ctx.attempts;
    const log = deps.logger.child({ deliveryId: work.id, endpointId: work.endpointId, attempt: ctx.attemptsMade + 1 });

    const fail = async (statusCode: number | null, error: string, permanent: boolean): Promise<never> => {
      const dead = permanent || isFinal;
      await deps.db.asService((tx) =>
        recordDeliveryAttempt(tx, {
          id: work.id,
          status: dead ? "dead" : "failed",
          statusCode,
          error: error.slice(0, 500),
          nextAttemptAt: dead ? undefined : new Date(Date.now() + retryDelay(ctx.attemptsMade + 1, payload)),
        }),
      );
      log.warn({ statusCode, error, dead }, "webhook delivery failed");
      if (permanent) throw new UnrecoverableError(error);
      throw new Error(error);
    };

    if (!work.enabled) return fail(null, "endpoint disabled", true);
    if (!work.secretKeyId || !work.secretCiphertext) return fail(null, "endpoint has no signing secret", true);
    // An Evolution-format endpoint gets Evolution's event name and body (or nothing, for events it did not ask for).
    const evolution = work.format === "evolution" ? toEvolutionDelivery(work) : undefined;
    if (work.format === "evolution" && !evolution) {
      await deps.db.asService((tx) =>
        recordDeliveryAttempt(tx, { id: work.id, status: "delivered", statusCode: null, error: "not subscribed" }),
      );
      return undefined;
    }
    const url = evolution?.url ?? work.url;
    const target = await deps.policy.checkUrl(url);
    if (!target.ok) return fail(null, `unsafe target: ${target.reason}`, true);

    const envelope: TWebhookEnvelope = {
      id: work.eventId,
      type: work.eventType,
      orgId: work.orgId,
      createdAt: work.createdAt.toISOString(),
      data: work.payload,
    };
    const body = JSON.stringify(evolution ? evolution.body : envelope);
    let secret: string;
    try {
      secret = openWebhookSecret(deps.keyRing, {
        endpointId: work.endpointId,
        keyId: work.secretKeyId,
        ciphertext: work.secretCiphertext,
        aadBound: work.secretAadBound ?? true,
      });
    } catch (err) {
      return fail(null, `signing secret cannot be decrypted: ${(err as Error).message}`, true);
    }
    const headers = {
      "content-type": "application/json",
      "user-agent": deps.userAgent ?? "Mirage-Webhooks/1",
      "mirage-event": work.eventType,
      "mirage-event-id": work.eventId,
      "mirage-delivery": String(work.id),
      [SIGNATURE_HEADER]: signPayload(secret, body, Math.floor(Date.now() / 1000)),
    };
    const result = await post(url, target.address, target.family, body, headers, deps.timeoutMs);
    if ("error" in result) return fail(null, result.error, false);
    if (result.status >= 200 && result.status < 300) {
      await deps.db.asService((tx) =>
        recordDeliveryAttempt(tx, { id: work.id, status: "delivered", statusCode: result.status, error: null }),
      );
      log.debug({ statusCode: result.status }, "webhook delivered");
      return { status: result.status };
    }
    const permanent = result.status >= 400 && result.status < 500 && !RETRYABLE_4XX.has(result.status);
    return fail(result.status, `receiver answered ${result.status}`, permanent);
  };
}
