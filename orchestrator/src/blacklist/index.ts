export { blacklistRoutes } from "./blacklist.routes.ts";
