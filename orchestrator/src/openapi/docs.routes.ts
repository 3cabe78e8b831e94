import { createRequire } from "node:module";
import path from "node:path";
import express, { Router } from "express";

const require = createRequire(import.meta.url);

/**
 * Swagger UI at /docs, served from node_modules (no CDN: self-hosted installs may have no internet), pointed at
 * /api/v1/openapi.json. Its own CSP: the UI needs inline styles and its bundled scripts only.
 */
export function docsRouter(): Router {
  const dist = path.dirname(require.resolve("swagger-ui-dist/package.json"));
  const router = Router();
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mirage API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
  const init = `window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#ui", deepLinking: true,
  persistAuthorization: true, tryItOutEnabled: true });`;
  router.get("/docs", (_req, res) => {
    res.type("html").send(page);
  });
  router.get("/docs/init.js", (_req, res) => {
    res.type("application/javascript").send(init);
  });
  router.use("/docs/assets", express.static(dist, { index: false, maxAge: "1d" }));
  return router;
}
