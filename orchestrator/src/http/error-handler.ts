import type { TProblem } from "@mirage/contracts/errors";
import type { Logger } from "@mirage/logger";
import type { ErrorRequestHandler, Request, RequestHandler } from "express";
import { ZodError } from "zod";
import { AppError, ERROR_TITLE } from "./app-error.ts";

/** Postgres error codes the API turns into client errors (everything else is a 500). */
function fromPostgres(err: {
  code?: string;
  message?: string;
  detail?: string;
  constraint_name?: string;
}): AppError | undefined {
  switch (err.code) {
    case "42501":
      return new AppError("forbidden", "your role does not allow this", { cause: err });
    case "23505":
      return new AppError("conflict", "a resource with the same unique value already exists", { cause: err });
    case "23503":
      return foreignKeyError(err);
    case "23514":
      if (err.message?.includes("at least one owner")) {
        return new AppError("last_owner", "an organization must keep at least one owner", { cause: err });
      }
      return new AppError("validation_failed", "the value breaks a data rule", { cause: err });
    case "P0002":
      return new AppError("not_found", "resource not found", { cause: err });
    case "22P02":
      return new AppError("validation_failed", "a value has the wrong format", { cause: err });
    case "22021":
    case "22P05":
      return new AppError("validation_failed", "a text value contains a character that cannot be stored (NUL)", {
        cause: err,
      });
    default:
      // Class 22 (data exception: too long, out of range, bad date…) is always the input's fault.
      if (err.code?.startsWith("22")) {
        return new AppError("validation_failed", "a value is out of range or has the wrong format", { cause: err });
      }
      if (isPostgresUnavailable(err.code)) return dependencyUnavailable("Postgres", err);
      return undefined;
  }
}

/**
 * A foreign key refused the write. Deleting what other rows still use is a conflict; a value that points at nothing
 * is the request's mistake, named by its field: the key's last column that is not the organization, e.g.
 * `assigned_to` → `assignedTo`. Postgres names the columns in its detail only to a role that may read the referenced
 * rows (not under RLS), so they are read from the constraint's default name (`<table>_<columns>_fkey`) otherwise.
 */
function foreignKeyError(err: {
  message?: string;
  detail?: string;
  table_name?: string;
  constraint_name?: string;
}): AppError {
  if (err.detail?.includes("is still referenced") || err.message?.includes("update or delete on table")) {
    return new AppError("conflict", "it is still in use by other records", { cause: err });
  }
  const fromDetail = /^Key \(([^)]+)\)=/.exec(err.detail ?? "")?.[1]?.split(",");
  const prefix = `${err.table_name ?? ""}_`;
  const named = err.constraint_name ?? "";
  const fromName =
    err.table_name && named.startsWith(prefix) && named.endsWith("_fkey")
      ? [named.slice(prefix.length, -"_fkey".length).replace(/^org_id_/, "")]
      : [];
  const column = (fromDetail ?? fromName)
    .map((c) => c.trim())
    .filter((c) => c !== "org_id")
    .at(-1);
  if (!column) return new AppError("not_found", "a referenced resource does not exist", { cause: err });
  const field = column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return new AppError("validation_failed", `${field} does not name an existing record of this organization`, {
    cause: err,
    errors: [{ path: `body.${field}`, message: "no such record in this organization" }],
  });
}

/** SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown / starting up) and postgres.js' socket codes. */
function isPostgresUnavailable(code: string | undefined): boolean {
  if (!code) return false;
  return (
    code.startsWith("08") ||
    code.startsWith("53") ||
    code.startsWith("57P") ||
    POSTGRES_CLIENT_CODES.has(code) ||
    SOCKET_CODES.has(code)
  );
}
const POSTGRES_CLIENT_CODES = new Set([
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EPIPE",
  "EAI_AGAIN",
]);

/** ioredis' ways of saying "no Redis right now": offline queue off, command timeout, retries exhausted, closed. */
const REDIS_UNAVAILABLE = [
  /enableOfflineQueue/i,
  /Command timed out/i,
  /Connection is closed/i,
  /Reached the max retries per request limit/i,
];

/** Seconds a client should wait before retrying when a dependency is down. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

function dependencyUnavailable(what: "Postgres" | "Redis", cause: unknown): AppError {
  return new AppError("dependency_unavailable", `${what} is unavailable right now; retry shortly`, {
    retryAfter: DEPENDENCY_RETRY_AFTER_SECONDS,
    cause,
  });
}

/** body-parser's own errors carry `type`; map them to our codes. */
function fromBodyParser(err: { type?: string; status?: number; limit?: number }): AppError | undefined {
  switch (err.type) {
    case "entity.parse.failed":
      return new AppError("malformed_json", "the request body is not valid JSON", { cause: err });
    case "entity.too.large":
      return new AppError("payload_too_large", `the request body exceeds ${err.limit ?? "the"} bytes`, { cause: err });
    case "encoding.unsupported":
    case "charset.unsupported":
      return new AppError("unsupported_media_type", "unsupported body encoding", { cause: err });
    default:
      if (err.status && err.status >= 400 && err.status < 500) {
        return new AppError("bad_request", "the request could not be read", { cause: err });
      }
      return undefined;
  }
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    return new AppError("validation_failed", "the request does not match the schema", {
      errors: err.issues.map((i) => ({ path: i.path.join(".") || "(root)", message: i.message })),
    });
  }
  if (err instanceof URIError) {
    return new AppError("bad_request", "the path contains a malformed percent-encoding", { cause: err });
  }
  if (err && typeof err === "object") {
    const e = err as { type?: string; code?: string; name?: string; message?: string; status?: number };
    if (e.type) return fromBodyParser(e as never);
    if (e.name === "PostgresError" && e.code) return fromPostgres(e as never);
    if (e.name === "MaxRetriesPerRequestError" || REDIS_UNAVAILABLE.some((r) => r.test(e.message ?? ""))) {
      return dependencyUnavailable("Redis", err);
    }
    if (typeof e.code === "string" && isPostgresUnavailable(e.code)) {
      // postgres.js' own connection errors are plain Errors with a code; Redis errors were matched above.
      return dependencyUnavailable("Postgres", err);
    }
    // http-errors thrown by Express itself (a path it cannot decode, …): the client's fault by their status.
    if (typeof e.status === "number" && e.status >= 400 && e.status < 500) {
      return new AppError("bad_request", e.message || "the request could not be read", { cause: err });
    }
  }
  return undefined;
}

export function renderProblem(req: Request, err: AppError): TProblem {
  return {
    type: `https://mirage.dev/problems/${err.code}`,
    title: ERROR_TITLE[err.code],
    status: err.status,
    code: err.code,
    detail: err.message,
    instance: req.originalUrl,
    requestId: req.id ? String(req.id) : undefined,
    ...(err.reasonCode ? { reasonCode: err.reasonCode } : {}),
    ...(err.errors ? { errors: err.errors } : {}),
  };
}

/** The only place errors become responses: application/problem+json with a machine-readable code. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    const rendered = appError ?? new AppError("internal", "something went wrong; the request id identifies it in logs");
    if (!appError) {
      (req.log ?? logger).error({ err }, "unhandled error");
    } else if (rendered.status >= 500) {
      (req.log ?? logger).error({ err: rendered.cause ?? rendered }, rendered.message);
    }
    if (res.headersSent) return;
    if (res.locals.errorFormat === "evolution") {
      // Evolution API clients read { status, error, response: { message: [...] } } (its exception filter's shape).
      if (rendered.retryAfter !== undefined) res.setHeader("Retry-After", String(rendered.retryAfter));
      const details = rendered.errors?.map((e) => `${e.path}: ${e.message}`) ?? [];
      res.status(rendered.status).json({
        status: rendered.status,
        error: ERROR_TITLE[rendered.code],
        response: { message: [rendered.message, ...details] },
      });
      return;
    }
    if (rendered.retryAfter !== undefined) res.setHeader("Retry-After", String(rendered.retryAfter));
    if (rendered.status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="mirage"');
    res
      .status(rendered.status)
      .type("application/problem+json")
      .send(JSON.stringify(renderProblem(req, rendered)));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError("not_found", `no route for ${req.method} ${req.path}`));
};
