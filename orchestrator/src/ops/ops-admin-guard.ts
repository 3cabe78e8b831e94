import type { Database } from "@mirage/db";
import { findUserByEmail } from "@mirage/db/users";
import type { RequestHandler } from "express";
import type { LoginLimiter } from "../auth/login-limiter.ts";
import { DUMMY_HASH, verifyPassword } from "../auth/passwords.ts";
import type { Authenticator } from "../auth/principal.ts";

/**
 * Guards operator tools that span every organization (Bull Board). Allowed: people whose email is in
 * OPS_ADMIN_EMAILS, by bearer token or by HTTP Basic (email + password, so a browser can open the page; the same
 * lockout as the login endpoint applies).
 */
export function createOpsAdminGuard(deps: {
  emails: string[];
  authenticator: Authenticator;
  db: Database;
  limiter: LoginLimiter;
}): RequestHandler {
  const admins = new Set(deps.emails.map((e) => e.toLowerCase()));
  const deny = (res: Parameters<RequestHandler>[1], status: number) => {
    if (status === 401) res.setHeader("WWW-Authenticate", 'Basic realm="Mirage operations", charset="UTF-8"');
    res
      .status(status)
      .type("text/plain")
      .send(status === 401 ? "authentication required" : "not an operations admin");
  };
  return async (req, res, next) => {
    const header = req.get("authorization") ?? "";
    const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    if (basic) {
      const decoded = Buffer.from(basic, "base64").toString("utf8");
      const sep = decoded.indexOf(":");
      const email = decoded.slice(0, sep).toLowerCase();
      const password = decoded.slice(sep + 1);
      if (sep < 0 || !admins.has(email)) return deny(res, 401);
      await deps.limiter.check(email, req.ip ?? "0.0.0.0");
      const user = await deps.db.asService((tx) => findUserByEmail(tx, email));
      if (!(await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH)) || !user) {
        await deps.limiter.fail(email);
        return deny(res, 401);
      }
      return next();
    }
    if (/^Bearer\s+/i.test(header)) {
      const principal = await deps.authenticator.authenticateRequest(req).catch(() => undefined);
      if (principal?.kind === "user" && principal.email && admins.has(principal.email.toLowerCase())) return next();
      return deny(res, principal ? 403 : 401);
    }
    return deny(res, 401);
  };
}
