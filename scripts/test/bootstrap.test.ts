import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createSandbox, freePort, repoRoot, type Sandbox } from "./sandbox.ts";

// What ./mirage does on a machine where nothing was installed by hand, step by step, each from a clean state
// (scripts/test/sandbox.ts). Downloads really happen for pnpm (from the npm registry); apt-get is a stand-in that
// "installs" a package by making the real binary of this machine visible on the sandbox PATH, or by creating a
// stand-in where a real server cannot be installed here (a Postgres cluster, the pgtap extension).

const pinned = (
  JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { packageManager: string }
).packageManager.replace(/^pnpm@/, "");
const sandboxes: Sandbox[] = [];
const cleanups: (() => void)[] = [];
function sandbox(): Sandbox {
  const s = createSandbox();
  sandboxes.push(s);
  return s;
}
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn();
  for (const s of sandboxes.splice(0)) s.cleanup();
});
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
const killPidFile = (file: string) => () => {
  try {
    process.kill(Number(readFileSync(file, "utf8").trim()), "SIGTERM");
  } catch {}
};

/** apt-get stand-in: `update` succeeds; `install p…` runs fakes/install-<p> for each package, or fails like apt. */
function fakeAptGet(s: Sandbox) {
  s.fake(
    "apt-get",
    `log "$@"
case "$1" in
  update) exit 0 ;;
  install)
    shift
    for p in "$@"; do
      case "$p" in -*) continue ;; esac
      if [ -x "${s.fakes}/install-$p" ]; then "${s.fakes}/install-$p" || exit 100
      else echo "E: Unable to locate package $p" >&2; exit 100; fi
    done ;;
esac`,
  );
}

describe("pnpm on a fresh machine", () => {
  it("installs the pinned pnpm into .mirage/tools despite a failing corepack and a broken pnpm shim; a second run is a no-op", async () => {
    expect(readFileSync(path.join(repoRoot, "scripts/lib.sh"), "utf8")).toContain(`PNPM_VERSION="${pinned}"`);
    const s = sandbox();
    s.fake("corepack", `log "$@"; echo "Internal Error: Cannot find matching keyid" >&2; exit 1`);
    s.fake("pnpm", `log "$@"; echo "corepack shim: pnpm is not prepared" >&2; exit 1`);
    const show = `ensure_pnpm && echo "pnpm=$(command -v pnpm)" && pnpm -v`;

    const first = await s.run(show);
    expect(first.stderr).toContain(`installing pnpm ${pinned} into .mirage/tools`);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`pnpm=${s.root}/.mirage/tools/bin/pnpm`);
    expect(first.stdout.trim().split("\n").at(-1)).toBe(pinned);
    // Nothing global: corepack never ran, the npm prefix is still empty, no staging directory is left.
    expect(s.calls().filter((c) => c.startsWith("corepack"))).toEqual([]);
    expect(readdirSync(path.join(s.dir, "npm-prefix"))).toEqual([]);
    expect(readdirSync(path.join(s.root, ".mirage")).filter((f) => f.includes(".new."))).toEqual([]);

    const second = await s.run(show);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe("");
    expect(second.stdout.trim().split("\n").at(-1)).toBe(pinned);

    // A local copy that no longer runs (interrupted copy, wrong Node) is replaced, not trusted.
    s.fake("../root/.mirage/tools/bin/pnpm", "exit 3");
    const repaired = await s.run(show);
    expect(repaired.stderr).toContain("installing pnpm");
    expect(repaired.stdout.trim().split("\n").at(-1)).toBe(pinned);
  }, 360_000);

  it("fails with the reason and leaves nothing half-made when npm cannot install", async () => {
    const s = sandbox();
    s.fake("npm", `log "$@"; echo "npm error code E404" >&2; exit 1`);
    const r = await s.run("ensure_pnpm");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not install pnpm .* see .*pnpm-install\.log/);
    expect(readdirSync(path.join(s.root, ".mirage")).filter((f) => f.startsWith("tools"))).toEqual(["tools.lock"]);
  }, 60_000);
});

describe("Redis on a fresh machine", () => {
  it("installs redis-server (apt-get stand-in) and starts it on the wanted port; a second run is a no-op", async () => {
    const s = sandbox();
    fakeAptGet(s);
    s.fake(
      "install-redis-server",
      `ln -sf "$(command -v redis-server || echo /usr/bin/redis-server)" "${s.fakes}/redis-server"`,
    );
    const port = await freePort();
    cleanups.push(killPidFile(path.join(s.root, `.mirage/redis-${port}.pid`)));
    const env = { REDIS_URL: `redis://127.0.0.1:${port}` };

    const first = await s.run("ensure_redis", env, 60_000);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("apt-get install redis-server");
    expect(first.stderr).toContain(`started Redis on port ${port}`);
    expect(await listening(port)).toBe(true);

    const second = await s.run("ensure_redis", env, 60_000);
    expect(second).toMatchObject({ code: 0, stderr: "" });
    expect(s.calls().filter((c) => c.startsWith("apt-get install"))).toHaveLength(1);
  }, 120_000);

  it("starts an installed redis-server that is not running, without apt-get", async () => {
    const s = sandbox();
    s.provide("redis-server");
    fakeAptGet(s);
    const port = await freePort();
    cleanups.push(killPidFile(path.join(s.root, `.mirage/redis-${port}.pid`)));
    const r = await s.run("ensure_redis", { REDIS_URL: `redis://127.0.0.1:${port}` }, 60_000);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`started Redis on port ${port}`);
    expect(s.calls()).toEqual([]);
  }, 120_000);
});

describe("Postgres on a fresh machine", () => {
  // A Debian cluster cannot be created here without touching the shared server, so the package's two tools are
  // stand-ins: pg_lsclusters lists one cluster on the wanted port, pg_ctlcluster starts a TCP listener there.
  function fakeCluster(s: Sandbox, port: number) {
    s.fake("pg_lsclusters", `echo "15 main ${port} down postgres /var/lib/postgresql/15/main /dev/null"`);
    s.fake(
      "pg_ctlcluster",
      `log "$@"
node -e 'require("net").createServer((c) => c.end()).listen(${port}, "127.0.0.1")' </dev/null >/dev/null 2>&1 &
echo $! > "${s.dir}/cluster.pid"`,
    );
  }

  it("installs PostgreSQL (apt-get stand-in) and starts its cluster; a second run is a no-op", async () => {
    const s = sandbox();
    const port = await freePort();
    fakeAptGet(s);
    s.fake(
      "install-postgresql",
      `cp "${s.fakes}/.cluster/pg_lsclusters" "${s.fakes}/.cluster/pg_ctlcluster" "${s.fakes}/"`,
    );
    s.fake("install-postgresql-contrib", "true");
    fakeCluster(s, port);
    // Move the cluster tools aside: they appear only when the stand-in installs the package.
    await s.run(
      `mkdir -p "${s.fakes}/.cluster" && mv "${s.fakes}/pg_lsclusters" "${s.fakes}/pg_ctlcluster" "${s.fakes}/.cluster/"`,
    );
    cleanups.push(killPidFile(path.join(s.dir, "cluster.pid")));
    const env = { DATABASE_ADMIN_URL: `postgres://postgres@127.0.0.1:${port}/postgres` };

    const first = await s.run("ensure_postgres", env, 60_000);
    expect(first.stderr).toContain("apt-get install postgresql postgresql-contrib");
    expect(first.stderr).toContain("installed and started PostgreSQL");
    expect(first.code).toBe(0);
    expect(await listening(port)).toBe(true);

    const second = await s.run("ensure_postgres", env, 60_000);
    expect(second).toMatchObject({ code: 0, stderr: "" });

    // Stopped (a reboot): started again, nothing installed.
    killPidFile(path.join(s.dir, "cluster.pid"))();
    for (let i = 0; i < 100 && (await listening(port)); i++) await new Promise((r) => setTimeout(r, 50));
    const third = await s.run("ensure_postgres", env, 60_000);
    expect(third.code).toBe(0);
    expect(third.stderr).toContain(`started the local PostgreSQL cluster on port ${port}`);
    expect(s.calls().filter((c) => c.startsWith("apt-get install"))).toHaveLength(1);
    expect(s.calls().filter((c) => c.startsWith("pg_ctlcluster"))).toEqual([
      "pg_ctlcluster --skip-systemctl-redirect 15 main start",
      "pg_ctlcluster --skip-systemctl-redirect 15 main start",
    ]);
  }, 120_000);

  it("explains every way out when it can neither find nor install PostgreSQL", async () => {
    const s = sandbox();
    fakeAptGet(s); // no install-postgresql: "Unable to locate package"
    const port = await freePort();
    const r = await s.run("ensure_postgres", { DATABASE_ADMIN_URL: `postgres://127.0.0.1:${port}/postgres` }, 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/apt-get install postgresql postgresql-contrib failed \(see .*apt\.log\)/);
    expect(r.stderr).toMatch(/No PostgreSQL on 127\.0\.0\.1:\d+.*DATABASE_URL/s);
    expect(r.stderr).toContain("docker compose up -d postgres redis");
  }, 60_000);
});

describe("pgTAP on a fresh machine", () => {
  it("installs the server's pgtap package and pg_prove (apt-get stand-in) when either is missing", async () => {
    const s = sandbox();
    fakeAptGet(s);
    // psql stand-in: a PostgreSQL 15 server whose pgtap extension appears once the package is "installed".
    s.fake(
      "psql",
      `log "$@"
case "$*" in
  *server_version_num*) echo 150010 ;;
  *pg_available_extensions*) [ -f "${s.dir}/pgtap-installed" ] && echo 1 || echo 0 ;;
esac`,
    );
    s.fake("install-postgresql-15-pgtap", `touch "${s.dir}/pgtap-installed"`);
    s.fake(
      "install-libtap-parser-sourcehandler-pgtap-perl",
      `printf '#!/bin/bash\\nexit 0\\n' > "${s.fakes}/pg_prove"; chmod +x "${s.fakes}/pg_prove"`,
    );
    const env = { MIRAGE_TEST_ADMIN_URL: "postgres://postgres@127.0.0.1:5432/postgres" };

    const first = await s.run("ensure_pgtap", env, 60_000);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("apt-get install postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl");
    expect(first.stderr).toContain("installed pgTAP");
    const second = await s.run("ensure_pgtap", env, 60_000);
    expect(second).toMatchObject({ code: 0, stderr: "" });
  }, 120_000);

  it("finds the real pgTAP of the test server and installs nothing", async () => {
    const s = sandbox();
    s.provide("psql");
    s.provide("pg_prove");
    fakeAptGet(s);
    const r = await s.run("ensure_pgtap", { MIRAGE_TEST_ADMIN_URL: inject("pgAdminUrl") }, 60_000);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(s.calls()).toEqual([]);
  }, 60_000);
});
