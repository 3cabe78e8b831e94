import type { TWorkerCommand, TWorkerCommandResult } from "@mirage/contracts/worker-bus";
import { workerAliveKey, workerRegistryKey } from "@mirage/contracts/worker-bus";
import { createWorkerCommandConsumer } from "@mirage/queue/worker-commands";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { Harness, Json } from "./harness.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/**
 * Validates real responses against the served OpenAPI document with Ajv (JSON Schema 2020-12, what OpenAPI 3.1
 * uses). Component references are rewritten to one registered schema so every operation's schema compiles alone.
 */
export function createResponseValidator(doc: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const rewrite = (v: unknown): Json =>
    JSON.parse(JSON.stringify(v).replaceAll('"#/components/schemas/', '"mirage-components#/$defs/'));
  ajv.addSchema({ $id: "mirage-components", $defs: rewrite(doc.components.schemas) });
  const cache = new Map<string, ValidateFunction | null>();
  return {
    /**
     * @param path the OpenAPI path template (`/api/v1/orgs/{orgId}`), method lower case, status as answered.
     * @returns undefined when valid, else Ajv's messages; throws when the document has no schema for the answer.
     */
    check(path: string, method: string, status: number, contentType: string, body: unknown): string | undefined {
      const key = `${method} ${path} ${status} ${contentType}`;
      let validate = cache.get(key);
      if (validate === undefined) {
        const op = doc.paths?.[path]?.[method];
        if (!op) throw new Error(`${method} ${path} is not in the document`);
        const response = op.responses?.[String(status)];
        if (!response) throw new Error(`${method} ${path} answered ${status}, which the document does not list`);
        const media = contentType.split(";")[0]?.trim() ?? "";
        const content = response.content?.[media];
        if (response.content && !content) throw new Error(`${key}: the document lists no ${media} content`);
        validate = content?.schema ? ajv.compile(rewrite(content.schema)) : null;
        cache.set(key, validate);
      }
      if (!validate) return undefined;
      return validate(body) ? undefined : ajv.errorsText(validate.errors, { dataVar: "body" });
    },
  };
}

/** The path template of the document matching a concrete path (`/api/v1/orgs/<uuid>` → `/api/v1/orgs/{orgId}`). */
export function templateOf(doc: Json, method: string, concrete: string): string | undefined {
  const pathname = concrete.split("?")[0] ?? "";
  for (const template of Object.keys(doc.paths)) {
    if (!doc.paths[template][method]) continue;
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (re.test(pathname)) return template;
  }
  return undefined;
}

/**
 * A stand-in for a worker process, good enough for the API's side of instance commands: a live registry entry and
 * a command consumer answering like a worker would. Real workers (Baileys + wa-sim) are exercised in
 * instances.e2e.test.ts; here only the HTTP contract matters.
 */
export async function startFakeWorker(
  h: Harness,
  /** The answer to a command; undefined falls back to the defaults below. */
  answer?: (c: TWorkerCommand) => TWorkerCommandResult | undefined,
) {
  const id = `fake-${Math.random().toString(36).slice(2, 8)}`;
  const info = {
    id,
    host: "test",
    pid: process.pid,
    capacity: 100,
    hosted: 0,
    startedAt: new Date().toISOString(),
    heartbeatAt: new Date().toISOString(),
  };
  await h.redis
    .multi()
    .hset(workerRegistryKey(h.prefix), id, JSON.stringify(info))
    .set(workerAliveKey(h.prefix, id), "1", "PX", 600_000)
    .exec();
  const connection = h.redis.duplicate({ maxRetriesPerRequest: null });
  const defaults: Record<TWorkerCommand["type"], TWorkerCommandResult> = {
    start: { ok: true, outcome: "started", status: "connecting" },
    stop: { ok: true, outcome: "stopped", status: "stopped" },
    restart: { ok: true, outcome: "restarted", status: "connecting" },
    logout: { ok: true, outcome: "logged_out", status: "logged_out" },
    delete: { ok: true, outcome: "deleted" },
    "pairing-code": { ok: true, outcome: "pairing_code", pairingCode: "ABCD1234" },
    "on-whatsapp": { ok: true, outcome: "checked", numbers: [] },
    presence: { ok: true, outcome: "presence_sent" },
    "read-receipts": { ok: true, outcome: "read_receipts_sent" },
    reaction: { ok: true, outcome: "reaction_sent" },
    "forget-person": { ok: true, outcome: "forgotten", forgotten: { inMemory: 0, stored: 0 } },
  };
  const worker = createWorkerCommandConsumer({
    connection,
    prefix: h.prefix,
    workerId: id,
    handle: async (command) =>
      answer?.(command) ??
      (command.type === "on-whatsapp"
        ? {
            ok: true,
            outcome: "checked",
            // A fake directory: numbers ending in 0 have no account.
            numbers: command.phones.map((phone) =>
              phone.endsWith("0")
                ? { phone, onWhatsApp: false, jid: null, lid: null }
                : { phone, onWhatsApp: true, jid: `${phone.slice(1)}@s.whatsapp.net`, lid: null },
            ),
          }
        : defaults[command.type]),
  });
  return {
    id,
    async close() {
      await worker.close();
      connection.disconnect();
      await h.redis.multi().hdel(workerRegistryKey(h.prefix), id).del(workerAliveKey(h.prefix, id)).exec();
    },
  };
}
