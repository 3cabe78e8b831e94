import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

const VALID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * pino-http's genReqId: reuses a caller's X-Request-Id when it is safe to echo (so traces join across services),
 * otherwise mints one; always echoes it back.
 */
export function genRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers["x-request-id"];
  const id = typeof incoming === "string" && VALID.test(incoming) ? incoming : randomUUID();
  res.setHeader("X-Request-Id", id);
  return id;
}
