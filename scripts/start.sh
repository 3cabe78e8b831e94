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

# First start: a .env from the example, with fresh secrets (never shared between installations).
if [ ! -f .env ]; then
  ensure_node
  say "creating .env with generated secrets"
  node -e '
const fs = require("fs"), crypto = require("crypto");
let text = fs.readFileSync(".env.example", "utf8");
const set = (k, v) => { text = new RegExp(`^${k}=.*$`, "m").test(text) ? text.replace(new RegExp(`^${k}=.*$`, "m"), `${k}=${v}`) : text + `\n${k}=${v}\n`; };
set("MIRAGE_ENCRYPTION_KEYS", "k1:" + crypto.randomBytes(32).toString("base64"));
if (/^JWT_SECRET=/m.test(text)) set("JWT_SECRET", crypto.randomBytes(48).toString("base64url"));
fs.writeFileSync(".env", text, { mode: 0o600 });
'
fi
load_env
[ "$simulator" = 1 ] && export MIRAGE_WA=simulator

ensure_deps
ensure_postgres
ensure_redis
say "database: create, migrate, seed"
pnpm exec tsx scripts/db.ts setup
say "dashboard: production build (skipped when nothing changed)"
pnpm --filter @mirage/dashboard run --silent build:if-stale
exec pnpm exec tsx scripts/run-stack.ts "$@"
