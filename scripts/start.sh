#!/usr/bin/env bash
# ./mirage start [--simulator] [--detach]: everything from a fresh machine to a running stack.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MIRAGE_ROOT"

simulator=0
for arg in "$@"; do
  case "$arg" in
    --simulator) simulator=1 ;;
    --detach) ;;
    *) die "unknown option $arg (./mirage start [--simulator] [--detach])" ;;
  esac
done

# A .env with fresh secrets on a first start, and empty secrets of a hand-made one filled (scripts/env-secrets.mjs).
if [ ! -f .env ] || [ -z "${MIRAGE_ENCRYPTION_KEYS:-}" ] || [ -z "${JWT_SECRET:-}" ]; then
  ensure_node
  node scripts/env-secrets.mjs .
fi
load_env
if [ "$simulator" = 1 ]; then
  export MIRAGE_WA=simulator
  # The phone-free demo runs on one machine: webhooks to a receiver on it (127.0.0.1, ::1) are allowed unless .env
  # says which private targets are. With real phones private targets stay refused (SSRF) unless listed there.
  [ -n "${WEBHOOK_ALLOW_PRIVATE:-}" ] || export WEBHOOK_ALLOW_PRIVATE=127.0.0.0/8,::1/128
fi

ensure_deps

# A stack that already runs (pid file + a live supervisor): print its addresses and stop here, before anything
# touches the database or the ports. 3 = none runs; 1 = it runs in the other mode (the message says what to do).
status=0
node --import tsx scripts/run-stack.ts status "$@" || status=$?
case "$status" in
  0) exit 0 ;;
  3) ;;
  *) exit "$status" ;;
esac

ensure_postgres
ensure_redis
say "database: create, migrate, seed"
node --import tsx scripts/db.ts setup
say "dashboard: production build (skipped when nothing changed)"
pnpm --filter @mirage/dashboard run --silent build:if-stale
# node --import tsx rather than the tsx wrapper: one process, so signals and the pid file name the supervisor itself.
exec node --import tsx scripts/run-stack.ts start "$@"
