export { segmentRoutes } from "./segments.routes.ts";
