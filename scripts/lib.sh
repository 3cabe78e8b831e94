# Shared shell helpers for ./mirage. Sourced, not executed. Every ensure_* is idempotent: it checks first and
# only installs or starts what is missing, so running it twice is harmless.

MIRAGE_ROOT="${MIRAGE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
MIRAGE_STATE="$MIRAGE_ROOT/.mirage"
PNPM_VERSION="10.34.8"
mkdir -p "$MIRAGE_STATE/logs"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33m!!\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = "0" ]; }
have() { command -v "$1" >/dev/null 2>&1; }

APT_UPDATED=""
apt_install() {
  is_root && have apt-get || return 1
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || return 1
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}

# Loads .env (if any) without overriding variables already set in the environment.
load_env() {
  local file="$MIRAGE_ROOT/.env"
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | \#*) continue ;; esac
    local key="${line%%=*}" value="${line#*=}"
    [[ "$key" =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue
    if [ -z "${!key+x}" ]; then export "$key=$value"; fi
  done <"$file"
}

ensure_node() {
  have node || die "Node.js 20.19+ is required (https://nodejs.org or 'apt-get install nodejs' from NodeSource)."
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js 20.19+ is required; found $(node -v)."
}

# pnpm is installed into a project-local prefix (.mirage/tools), never globally and never through corepack:
# corepack's registry-signature check fails behind mirrors (and did for everyone when npm rotated its keys), and a
# half-finished `corepack enable` leaves a shim that breaks a later `npm install -g`. A pnpm already on the PATH is
# used only when it is exactly the pinned version. A second run finds the local copy and does nothing.
PNPM_PREFIX="$MIRAGE_STATE/tools"
ensure_pnpm() {
  if [ -x "$PNPM_PREFIX/bin/pnpm" ] && [ "$("$PNPM_PREFIX/bin/pnpm" -v 2>/dev/null)" = "$PNPM_VERSION" ]; then
    export PATH="$PNPM_PREFIX/bin:$PATH"
    return 0
  fi
  if have pnpm && [ "$(pnpm -v 2>/dev/null)" = "$PNPM_VERSION" ]; then return 0; fi
  say "installing pnpm $PNPM_VERSION into .mirage/tools"
  rm -rf "$PNPM_PREFIX"
  mkdir -p "$PNPM_PREFIX"
  local log="$MIRAGE_STATE/logs/pnpm-install.log"
  # -g with --prefix puts the package and its bin link under PNPM_PREFIX and nowhere else.
  if ! npm install -g --prefix "$PNPM_PREFIX" --no-audit --no-fund "pnpm@$PNPM_VERSION" >"$log" 2>&1; then
    rm -rf "$PNPM_PREFIX"
    die "could not install pnpm $PNPM_VERSION into $PNPM_PREFIX (npm install; see $log)"
  fi
  [ "$("$PNPM_PREFIX/bin/pnpm" -v 2>/dev/null)" = "$PNPM_VERSION" ] || die "pnpm in $PNPM_PREFIX does not run (see $log)"
  export PATH="$PNPM_PREFIX/bin:$PATH"
}

ensure_deps() {
  ensure_node
  ensure_pnpm
  local stamp="$MIRAGE_STATE/deps.stamp"
  local want
  want=$(cat "$MIRAGE_ROOT/pnpm-lock.yaml" "$MIRAGE_ROOT/package.json" | sha1sum | cut -d' ' -f1)
  if [ -d "$MIRAGE_ROOT/node_modules" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  say "installing dependencies (pnpm install)"
  (cd "$MIRAGE_ROOT" && pnpm install --frozen-lockfile --reporter=silent) || die "pnpm install failed"
  echo "$want" >"$stamp"
}

# "host port" of a URL, with a default port.
url_host_port() { node -e 'const u=new URL(process.argv[1]);console.log(u.hostname.replace(/^\[|\]$/g,"")+" "+(u.port||process.argv[2]))' "$1" "$2"; }
tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
is_loopback() { case "$1" in 127.* | localhost | ::1) return 0 ;; *) return 1 ;; esac; }

start_local_postgres() {
  have pg_ctlcluster || return 1
  local v
  for v in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$v" main start >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 40); do tcp_open 127.0.0.1 5432 && return 0; sleep 0.5; done
  return 1
}

# Postgres: the server DATABASE_ADMIN_URL names when it is remote; else one listening locally; else start an
# installed one; else install Debian's (as root); else explain the options.
ensure_postgres() {
  local host port
  read -r host port <<<"$(url_host_port "${DATABASE_ADMIN_URL:-postgres://127.0.0.1:5432/postgres}" 5432)"
  if ! is_loopback "$host"; then
    tcp_open "$host" "$port" || die "Postgres at $host:$port (DATABASE_ADMIN_URL) is not reachable."
    return 0
  fi
  tcp_open 127.0.0.1 "$port" && return 0
  if start_local_postgres; then say "started the local PostgreSQL cluster"; return 0; fi
  if apt_install postgresql postgresql-contrib; then
    start_local_postgres || die "PostgreSQL was installed but did not start (see /var/log/postgresql)"
    # A fresh Debian cluster authenticates TCP users by password: give postgres the one .env.example uses.
    su postgres -c "psql -qc \"alter role postgres password 'postgres'\"" >/dev/null 2>&1 || true
    say "installed and started PostgreSQL"
    return 0
  fi
  die "No PostgreSQL found. Either set DATABASE_URL and DATABASE_ADMIN_URL (e.g. a hosted Supabase project with
DATABASE_TARGET=supabase), run as root on Debian so ./mirage can install it, install PostgreSQL 15+ yourself,
or run 'docker compose up -d postgres redis'."
}

ensure_redis() {
  local host port
  read -r host port <<<"$(url_host_port "${REDIS_URL:-redis://127.0.0.1:6379}" 6379)"
  if ! is_loopback "$host"; then
    tcp_open "$host" "$port" || die "Redis at $host:$port (REDIS_URL) is not reachable."
    return 0
  fi
  tcp_open 127.0.0.1 "$port" && return 0
  if ! have redis-server; then
    apt_install redis-server || die "No Redis found. Set REDIS_URL, install Redis 7 yourself, run as root on Debian
so ./mirage can install it, or run 'docker compose up -d redis'."
  fi
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
    --dir "$MIRAGE_STATE" --logfile "$MIRAGE_STATE/logs/redis.log" >/dev/null || die "redis-server did not start"
  for _ in $(seq 1 20); do tcp_open 127.0.0.1 "$port" && { say "started Redis"; return 0; }; sleep 0.25; done
  die "redis-server did not start listening on 127.0.0.1:$port (see $MIRAGE_STATE/logs/redis.log)"
}

# Chromium for the dashboard's browser tests: Debian's package (/usr/bin/chromium), driven by playwright-core.
ensure_chromium() {
  have chromium && return 0
  apt_install chromium || warn "could not install chromium (Debian's package): the dashboard's browser tests will fail"
}

ensure_pgtap() {
  if have pg_prove; then
    local sharedir
    sharedir=$(pg_config --sharedir 2>/dev/null || true)
    if [ -z "$sharedir" ] || ls /usr/share/postgresql/*/extension/pgtap.control >/dev/null 2>&1; then return 0; fi
  fi
  local major
  major=$(psql "${MIRAGE_TEST_ADMIN_URL}" -Atc "show server_version_num" 2>/dev/null | cut -c1-2)
  [ -n "$major" ] || major=15
  apt_install "postgresql-$major-pgtap" libtap-parser-sourcehandler-pgtap-perl ||
    die "pgTAP is needed for the RLS tests: apt-get install postgresql-$major-pgtap libtap-parser-sourcehandler-pgtap-perl"
}

ensure_psql() {
  have psql || apt_install postgresql-client || die "psql is needed (apt-get install postgresql-client)"
}
