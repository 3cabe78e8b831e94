import type { TProblem } from "@mirage/contracts/errors";
import type { Logger } from "@mirage/logger";
import type { ErrorRequestHandler, Request, RequestHandler } from "express";
import { ZodError } from "zod";
import { AppError, ERROR_TITLE } from "./app-error.ts";

/** Postgres error codes the API turns into client errors (everything else is a 500). */
function fromPostgres(err: { code?: string; message?: string; constraint_name?: string }): AppError | undefined {
  switch (err.code) {
    case "42501":
      return new AppError("forbidden", "your role does not allow this", { cause: err });
    case "23505":
      return new AppError("conflict", "a resource with the same unique value already exists", { cause: err });
    case "23503":
      return new AppError("not_found", "a referenced resource does not exist", { cause: err });
    case "23514":
      if (err.message?.includes("at least one owner")) {
        return new AppError("last_owner", "an organization must keep at least one owner", { cause: err });
      }
      return new AppError("validation_failed", "the value breaks a data rule", { cause: err });
    case "P0002":
      return new AppError("not_found", "resource not found", { cause: err });
    case "22P02":
      return new AppError("validation_failed", "a value has the wrong format", { cause: err });
    default:
      return undefined;
  }
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
  if (err && typeof err === "object") {
    const e = err as { type?: string; code?: string; name?: string };
    if (e.type) return fromBodyParser(e as never);
    if (e.name === "PostgresError" && e.code) return fromPostgres(e as never);
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
