import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { coreRoutes, type HttpAppDeps, metaRoutes } from "../app.ts";
import { evolutionRoutes } from "../evolution/index.ts";
import { featureRoutes } from "../feature-routes.ts";
import { buildOpenApiDocument } from "./document.ts";

// CI step: the OpenAPI document built offline from the route list a running orchestrator mounts (route factories
// only capture their dependencies, so none is opened), linted by Redocly with the repository's redocly.yaml. Exits
// with Redocly's status: errors fail the test command.
const root = path.resolve(import.meta.dirname, "../../..");
const version = (JSON.parse(readFileSync(path.join(root, "orchestrator/package.json"), "utf8")) as { version: string })
  .version;
const unused = {} as never;
const deps = {
  config: { bcryptCost: 4, invitationTtlSeconds: 3600 },
  db: unused,
  authenticator: unused,
  // Builtin auth, so login/refresh/logout are documented too.
  sessions: {},
} as unknown as HttpAppDeps;
const routes = [
  ...coreRoutes(deps),
  ...featureRoutes({
    db: unused,
    control: unused,
    queues: unused,
    importMaxBytes: 0,
    redis: unused,
    ns: "",
    send: unused,
    campaignEngine: unused,
  }),
  // Evolution's routes sit on their own mount (base path, apikey header, Evolution's error shape) but are documented
  // in the same document, so they are linted with it (at the default EVOLUTION_BASE_PATH).
  ...evolutionRoutes({
    db: unused,
    control: unused,
    send: unused,
    authenticator: unused,
    policy: unused,
    sealSecret: unused,
    basePath: "/evolution",
    qrWaitMs: 0,
  }),
];
routes.push(...metaRoutes(() => ({})));
const document = buildOpenApiDocument(routes, { version });

const dir = mkdtempSync(path.join(tmpdir(), "mirage-openapi-"));
const file = path.join(dir, "openapi.json");
writeFileSync(file, JSON.stringify(document, null, 2));
const redocly = path.join(root, "orchestrator/node_modules/.bin/redocly");
const run = spawnSync(redocly, ["lint", "--config", path.join(root, "redocly.yaml"), file], { stdio: "inherit" });
rmSync(dir, { recursive: true, force: true });
process.exit(run.status ?? 1);
