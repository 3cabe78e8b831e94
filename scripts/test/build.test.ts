import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { Ajv } from "ajv";
import { Redis } from "ioredis";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { freePort, repoRoot } from "./sandbox.ts";

// Production runs what `pnpm run build` compiles, on production dependencies only. This file builds, installs the
// production dependencies exactly as the Dockerfile's prod-deps stage does (its RUN lines are executed here, in a
// directory holding only the workspace's package.json files and the lockfile), then runs the compiled migrations,
// orchestrator and worker from there. No Docker engine is needed, so this runs wherever the tests run.

const run = promisify(execFile);
const DEV_TOOLS = ["tsx", "typescript", "vitest", "esbuild", "@biomejs/biome", "madge", "pino-pretty"];
const withoutLoaders = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !["NODE_OPTIONS", "VITEST", "TEST"].includes(k) && !k.startsWith("VITEST_"),
  ),
);

type Stage = { name: string; from: string; lines: string[] };
/** The Dockerfile's stages: `FROM x AS name` and the instructions under it (continuation lines joined). */
function dockerStages(): Stage[] {
  const text = readFileSync(path.join(repoRoot, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const stages: Stage[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1] ?? "", name: from[2] ?? "", lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

function listManifests(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    if (["node_modules", ".git", ".mirage", "dist"].includes(entry.name)) continue;
    const child = path.join(rel, entry.name);
    if (entry.isDirectory()) out.push(...listManifests(dir, child));
    else if (entry.name === "package.json") out.push(child);
  }
  return out;
}

describe("Dockerfile", () => {
  const stages = dockerStages();
  const final = stages.at(-1);

  it("ends in a stage that starts from the bare Node image and only copies compiled output and production dependencies", () => {
    expect(final?.name).toBe("app");
    expect(stages.map((s) => s.name)).not.toContain(final?.from);
    expect(final?.lines.filter((l) => /^RUN\b/i.test(l))).toEqual([]);
    const copies = final?.lines.filter((l) => /^COPY\b/i.test(l)) ?? [];
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const fromStage = /--from=(\S+)/.exec(copy)?.[1];
      if (fromStage === "prod-deps") continue;
      expect(fromStage, copy).toBe("build");
      const source = copy.split(/\s+/).filter((w) => !w.startsWith("--"))[1] ?? "";
      expect(source, copy).toMatch(/\/(dist|supabase)$/);
    }
    expect(final?.lines.find((l) => l.startsWith("CMD"))).toMatch(/"node".*dist\/main\.js/);
  });

  it("installs the final stage's node_modules with --prod from the lockfile", () => {
    const prod = stages.find((s) => s.name === "prod-deps");
    const install = prod?.lines.find((l) => /pnpm .*install/.test(l)) ?? "";
    expect(install).toMatch(/--prod\b/);
    expect(install).toMatch(/--frozen-lockfile\b/);
    expect(stages.some((s) => s.lines.some((l) => /corepack/.test(l)))).toBe(false);
  });
});

describe("docker-compose.yml", () => {
  const compose = parse(readFileSync(path.join(repoRoot, "docker-compose.yml"), "utf8"), { merge: true }) as {
    services: Record<string, { command?: string[]; healthcheck?: unknown; depends_on?: Record<string, unknown> }>;
    volumes: Record<string, unknown>;
  };

  it("is valid against the Compose Specification's JSON schema", () => {
    // The schema as the dclint package ships it (MIT; docker/compose-spec's compose-spec.json), draft-07.
    const schema = JSON.parse(
      readFileSync(path.join(repoRoot, "node_modules/dclint/schemas/compose.schema.json"), "utf8"),
    );
    // It names draft-07 by an https URL Ajv does not know under that spelling; Ajv's default meta-schema is draft-07.
    delete (schema as { $schema?: string }).$schema;
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // And the schema does catch mistakes: a misspelt key is refused.
    expect(validate({ services: { x: { image: "a", comand: ["b"] } } })).toBe(false);
  });

  it("runs the production stack on compiled output, with health checks, AOF Redis and named volumes", () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(["postgres", "redis", "migrate", "orchestrator", "workers"]),
    );
    for (const name of ["postgres", "redis", "orchestrator", "workers"]) {
      expect(compose.services[name]?.healthcheck, name).toBeDefined();
    }
    expect(compose.services.redis?.command).toEqual(expect.arrayContaining(["--appendonly", "yes", "noeviction"]));
    expect(compose.services.orchestrator?.depends_on).toHaveProperty("migrate");
    expect(Object.keys(compose.volumes)).toEqual(["pgdata", "redisdata"]);
    expect(compose.services.migrate?.command).toEqual(["node", "--enable-source-maps", "dist/db.js", "setup"]);
    expect(compose.services.orchestrator?.command?.slice(0, 1)).toEqual(["node"]);
    expect(compose.services.orchestrator?.command).toContain("orchestrator/dist/main.js");
    expect(compose.services.workers?.command).toContain("workers/dist/main.js");
    for (const [name, service] of Object.entries(compose.services)) {
      expect(JSON.stringify(service.command ?? []), name).not.toMatch(/tsx|pnpm|\.ts"/);
    }
  });
});

describe("compiled processes on production dependencies only", () => {
  const work = path.join(repoRoot, ".mirage", `prod-smoke-${process.pid}`);
  const dbName = `mirage_prod_smoke_${process.pid}`;
  const prefix = `prod-smoke-${randomBytes(4).toString("hex")}`;
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const children: ChildProcess[] = [];
  let build: { stdout: string; stderr: string; code: number };

  beforeAll(async () => {
    build = await run(process.execPath, ["--import", "tsx", "scripts/build.ts"], { cwd: repoRoot, timeout: 150_000 })
      .then((r) => ({ ...r, code: 0 }))
      .catch((e: { stdout: string; stderr: string; code: number }) => e);
  }, 180_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
    const sql = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
    await sql.unsafe(`drop database if exists ${dbName} with (force)`);
    await sql.end();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }, 60_000);

  it("builds every process, each importing only its app's production dependencies", () => {
    expect(build.stderr).toBe("");
    expect(build.code).toBe(0);
    for (const out of ["orchestrator/dist/main.js", "workers/dist/main.js", "dist/db.js"]) {
      expect(build.stdout).toContain(`built ${out}`);
      expect(existsSync(path.join(repoRoot, out)), out).toBe(true);
    }
  });

  it("migrates, serves /healthz and stops on SIGTERM from a --prod install without any dev tool", async () => {
    expect(build.code).toBe(0);
    // The Dockerfile's prod-deps stage: the manifests and the lockfile, then its RUN lines as written.
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    // What its base stage copies (the lockfile, the workspace file, the patches to dependencies), then the manifests.
    const copied = (dockerStages().find((s) => s.name === "pnpm")?.lines ?? [])
      .filter((l) => /^COPY\s/.test(l) && !l.includes("--from"))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(copied).toEqual(expect.arrayContaining(["pnpm-lock.yaml", "pnpm-workspace.yaml"]));
    for (const file of [...copied, ...listManifests(repoRoot)]) {
      mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
      cpSync(path.join(repoRoot, file), path.join(work, file), { recursive: true });
    }
    const prodStage = dockerStages().find((s) => s.name === "prod-deps");
    const runLines = prodStage?.lines.filter((l) => /^RUN\b/.test(l)).map((l) => l.replace(/^RUN\s+/, "")) ?? [];
    expect(runLines.length).toBeGreaterThan(0);
    for (const command of runLines) {
      await run("bash", ["-c", command], { cwd: work, env: { ...withoutLoaders, CI: "true" }, timeout: 150_000 });
    }
    const installed = readdirSync(path.join(work, "node_modules/.pnpm"));
    for (const tool of DEV_TOOLS) {
      const encoded = tool.replace("/", "+");
      expect(
        installed.filter((d) => d.startsWith(`${encoded}@`)),
        tool,
      ).toEqual([]);
    }
    for (const dir of ["orchestrator/dist", "workers/dist", "dist", "supabase"]) {
      cpSync(path.join(repoRoot, dir), path.join(work, dir), { recursive: true });
    }

    const admin = new URL(inject("pgAdminUrl"));
    admin.pathname = `/${dbName}`;
    const app = new URL(admin);
    app.username = "mirage_app";
    app.password = inject("pgAppPassword");
    const migrated = await run(process.execPath, ["--enable-source-maps", "dist/db.js", "setup"], {
      cwd: work,
      timeout: 150_000,
      env: {
        ...withoutLoaders,
        DATABASE_ADMIN_URL: admin.toString(),
        DATABASE_URL: app.toString(),
        MIRAGE_APP_DB_PASSWORD: inject("pgAppPassword"),
        MIRAGE_SEED: "false",
      },
    });
    expect(migrated.stdout).toMatch(/applied \d+ migration\(s\)/);

    const common = {
      ...withoutLoaders,
      DATABASE_URL: app.toString(),
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      MIRAGE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
    };
    const [orchestratorPort, workerPort] = [await freePort(), await freePort()];
    const start = (entry: string, env: Record<string, string>) => {
      const child = spawn(process.execPath, ["--enable-source-maps", entry], {
        cwd: work,
        env: { ...common, ...env },
        stdio: ["ignore", "inherit", "inherit"],
      });
      children.push(child);
      return child;
    };
    const orchestrator = start("orchestrator/dist/main.js", {
      ORCHESTRATOR_HOST: "127.0.0.1",
      ORCHESTRATOR_PORT: String(orchestratorPort),
      JWT_SECRET: randomBytes(32).toString("base64url"),
      REALTIME_STREAM: `${prefix}:realtime`,
    });
    const worker = start("workers/dist/main.js", {
      WORKER_ID: `${prefix}-w1`,
      WORKER_HTTP_PORT: String(workerPort),
      MIRAGE_WA: "real",
    });
    const healthy = async (url: string, child: ChildProcess) => {
      for (const started = Date.now(); Date.now() - started < 60_000; ) {
        if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
        const ok = await fetch(url).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return true;
        await new Promise((r) => setTimeout(r, 250));
      }
      return false;
    };
    expect(await healthy(`http://127.0.0.1:${orchestratorPort}/healthz`, orchestrator)).toBe(true);
    expect(await healthy(`http://127.0.0.1:${orchestratorPort}/readyz`, orchestrator)).toBe(true);
    expect(await healthy(`http://127.0.0.1:${workerPort}/healthz`, worker)).toBe(true);

    const exited = (child: ChildProcess) =>
      new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const [orchestratorExit, workerExit] = [exited(orchestrator), exited(worker)];
    orchestrator.kill("SIGTERM");
    worker.kill("SIGTERM");
    expect(await orchestratorExit).toBe(143);
    expect(await workerExit).not.toBeNull();
  }, 300_000);
});
