import type {} from "pino-http";
import type { Principal } from "../auth/principal.ts";

declare global {
  namespace Express {
    interface Request {
      /** Set by the route wrapper once the caller is authenticated. */
      principal?: Principal;
    }
  }
}
