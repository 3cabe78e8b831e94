#!/usr/bin/env bash
# Every test: lint, types, import cycles, the pgTAP RLS suite, then Vitest (unit and integration against real
# Postgres, Redis, Baileys + wa-sim, Chromium). Runs every step even when one fails, then prints one count line.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MIRAGE_ROOT"

# Tests use their own databases on the local (or MIRAGE_TEST_ADMIN_URL) server, never the one in .env.
export MIRAGE_TEST_ADMIN_URL="${MIRAGE_TEST_ADMIN_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}"
export REDIS_URL="${MIRAGE_TEST_REDIS_URL:-redis://127.0.0.1:6379}"
export DATABASE_ADMIN_URL="$MIRAGE_TEST_ADMIN_URL"

setup_started=$SECONDS
ensure_deps
ensure_postgres
ensure_redis
ensure_psql
ensure_pgtap
ensure_chromium
say "setup (dependencies and services): $((SECONDS - setup_started)) s"

# The dashboard's production build (a minute or more) runs beside the checks below rather than at the start of the
# first browser suite: the suites ask for it through its lock (dashboard/scripts/build.mjs), wait while it runs, and
# find it fresh. Its own output goes to a log; a failed build fails those suites, which say why. It skips Next's
# TypeScript pass: the dashboard typecheck step below checks the same files and fails the run.
dashboard_build_log="$MIRAGE_STATE/logs/dashboard-build.log"
# This run's id (test/global-setup.ts keeps it): the browser suites serve the build made here for this run, unchecked
# by Next as it is, rather than a second, checked one.
export DASHBOARD_BUILD_RUN="test-$$-$(date +%s)"
node dashboard/scripts/build.mjs --if-stale --no-typecheck >"$dashboard_build_log" 2>&1 &
dashboard_build_pid=$!

failed_steps=()
step() {
  local name="$1" started=$SECONDS
  shift
  say "$name"
  if ! "$@"; then failed_steps+=("$name"); warn "$name failed"; fi
  # Where a run's time goes (the whole run must stay under 20 minutes on CI's 2 cores).
  say "$name: $((SECONDS - started)) s"
}

step "lint (biome)" pnpm exec biome check --diagnostic-level=error .
step "typecheck (tsc)" pnpm exec tsc -p tsconfig.json
# Next's route types (.next/types, under a second) first, so the check covers pages and layouts on a fresh clone too;
# generated here rather than before the build, which empties .next when it starts.
typecheck_dashboard() {
  (cd dashboard && ./node_modules/.bin/next typegen >/dev/null) || return 1
  pnpm exec tsc -p dashboard/tsconfig.json
}
step "typecheck dashboard (tsc)" typecheck_dashboard
step "import cycles (madge)" pnpm run --silent check:cycles
step "OpenAPI lint (redocly)" pnpm --filter @mirage/orchestrator run --silent lint:openapi
# The production build (esbuild); scripts/test/build.test.ts runs its output on a --prod install.
step "build (esbuild)" pnpm run --silent build

# pgTAP: a throwaway database with the bootstrap, every migration and the seed, then pg_prove.
pgtap_db="mirage_pgtap_$$"
admin_db_url() { node -e 'const u=new URL(process.argv[1]);u.pathname="/"+process.argv[2];console.log(u.toString())' "$MIRAGE_TEST_ADMIN_URL" "$1"; }
pgtap_admin=$(admin_db_url "$pgtap_db")
pgtap_app=$(node -e 'const u=new URL(process.argv[1]);u.username="mirage_app";u.password="mirage-app-local";console.log(u.toString())' "$pgtap_admin")
pgtap_out="$MIRAGE_STATE/pgtap.out"
run_pgtap() {
  DATABASE_ADMIN_URL="$pgtap_admin" DATABASE_URL="$pgtap_app" DATABASE_TARGET=plain pnpm exec tsx scripts/db.ts setup >/dev/null || return 1
  pg_prove -d "$pgtap_admin" supabase/tests/database/*.test.sql 2>&1 | tee "$pgtap_out" | grep -vE '^(ok|# )' || true
  grep -q "^Result: PASS" "$pgtap_out"
}
step "pgTAP (supabase/tests)" run_pgtap
psql "$MIRAGE_TEST_ADMIN_URL" -qc "drop database if exists $pgtap_db with (force)" >/dev/null 2>&1 || true

vitest_json="$MIRAGE_STATE/vitest.json"
rm -f "$vitest_json"
step "vitest" pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$vitest_json"

wait "$dashboard_build_pid" 2>/dev/null || true

# One closing line with the counts of both runners.
node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
try {
  const out = fs.readFileSync(process.argv[1], "utf8");
  const total = Number((out.match(/Tests=(\d+)/) || [])[1] || 0);
  const bad = Number((out.match(/Failed (\d+)\/\d+ subtests/) || [])[1] || 0);
  passed += total - bad; failed += bad;
} catch {}
try {
  const v = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests + (v.numTodoTests || 0);
} catch {}
const steps = process.argv[3] ? process.argv[3].split("|") : [];
if (steps.length) console.log("failed steps: " + steps.join(", "));
if (steps.length && failed === 0) failed = steps.length;
console.log(`Tests: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$pgtap_out" "$vitest_json" "$(IFS='|'; echo "${failed_steps[*]:-}")"

[ ${#failed_steps[@]} -eq 0 ]
