/**
 * The API's CORS origins for the local stack: what `CORS_ORIGINS` says (comma-separated), plus the dashboard's own
 * origins on the port it really listens on (`127.0.0.1` and `localhost`). `.env` lists :3000; a stack started with
 * another `DASHBOARD_PORT` must still let the dashboard's browser-side requests (socket.io's polling handshake)
 * through. Duplicates and empty entries are dropped; the order is kept.
 */
export function withDashboardOrigins(configured: string | undefined, dashboardPort: string): string {
  const origins = [
    ...(configured ?? "").split(","),
    `http://127.0.0.1:${dashboardPort}`,
    `http://localhost:${dashboardPort}`,
  ]
    .map((o) => o.trim())
    .filter(Boolean);
  return [...new Set(origins)].join(",");
}
