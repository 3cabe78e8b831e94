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

# Installs Debian packages as root; the output goes to .mirage/logs/apt.log, named in the warning on failure.
APT_UPDATED=""
apt_install() {
  is_root && have apt-get || return 1
  local log="$MIRAGE_STATE/logs/apt.log"
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$log" 2>&1 || { warn "apt-get update failed (see $log)"; return 1; }
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$log" 2>&1 ||
    { warn "apt-get install $* failed (see $log)"; return 1; }
}

# Loads .env (if any) without overriding variables already set in the environment.
load_env() {
  local file="$MIRAGE_ROOT/.env"
  [ -f "$file" ] || return 0
  # The caller's environment wins over the file; within the file the last line of a key wins (as dotenv and Compose
  # read it), so a line appended to .env overrides the template's empty one.
  local from_file=" "
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | \#*) continue ;; esac
    local key="${line%%=*}" value="${line#*=}"
    [[ "$key" =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue
    if [[ "$from_file" == *" $key "* ]]; then
      export "$key=$value"
    elif [ -z "${!key+x}" ]; then
      export "$key=$value"
      from_file+="$key "
      MIRAGE_ENV_FILE_KEYS="${MIRAGE_ENV_FILE_KEYS:+$MIRAGE_ENV_FILE_KEYS }$key"
    fi
  done <"$file"
  # Which variables came from .env rather than the caller: .env's MIRAGE_API_URL is the dashboard's, so the terminal
  # commands (scripts/api-client.ts) follow the running stack instead of it.
  export MIRAGE_ENV_FILE_KEYS="${MIRAGE_ENV_FILE_KEYS:-}"
}

ensure_node() {
  have node || die "Node.js 20.19+ is required (https://nodejs.org or 'apt-get install nodejs' from NodeSource)."
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js 20.19+ is required; found $(node -v)."
}

# pnpm is installed into a project-local prefix (.mirage/tools), never globally and never through corepack:
# corepack's registry-signature check fails behind mirrors (and did for everyone when npm rotated its keys), and a
# half-finished `corepack enable` leaves a shim that breaks a later `npm install -g`. Nothing outside .mirage/tools
# changes: the install goes to a staging directory that replaces .mirage/tools only once the new pnpm runs, so an
# interrupted or failed install leaves no half-made prefix, and two runs at once do not interleave (flock).
# A pnpm already on the PATH is used only when it answers exactly the pinned version, quickly and without asking
# anything (a corepack shim may try to download or prompt). A second run finds the local copy and prints nothing.
PNPM_PREFIX="$MIRAGE_STATE/tools"
pnpm_version_of() {
  COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_ENABLE_NETWORK=0 timeout 20 "$1" -v </dev/null 2>/dev/null | tail -n 1
}
ensure_pnpm() {
  if [ -x "$PNPM_PREFIX/bin/pnpm" ] && [ "$(pnpm_version_of "$PNPM_PREFIX/bin/pnpm")" = "$PNPM_VERSION" ]; then
    path_prepend "$PNPM_PREFIX/bin"
    return 0
  fi
  local found
  found=$(command -v pnpm 2>/dev/null || true)
  if [ -n "$found" ] && [ "$(pnpm_version_of "$found")" = "$PNPM_VERSION" ]; then return 0; fi
  have npm || die "npm is needed to install pnpm $PNPM_VERSION (it comes with Node.js)"
  exec 9>"$MIRAGE_STATE/tools.lock"
  flock 9 2>/dev/null || true
  # Another run may have finished the install while this one waited for the lock.
  if [ -x "$PNPM_PREFIX/bin/pnpm" ] && [ "$(pnpm_version_of "$PNPM_PREFIX/bin/pnpm")" = "$PNPM_VERSION" ]; then
    exec 9>&-
    path_prepend "$PNPM_PREFIX/bin"
    return 0
  fi
  say "installing pnpm $PNPM_VERSION into .mirage/tools"
  local stage="$PNPM_PREFIX.new.$$" log="$MIRAGE_STATE/logs/pnpm-install.log"
  rm -rf "$stage"
  mkdir -p "$stage"
  # -g with --prefix puts the package and its (relative) bin links under the staging prefix and nowhere else. The
  # npm cache goes to .mirage when HOME is not writable (a fresh container user). Environment that would point npm
  # elsewhere (a global prefix, a corepack-managed pnpm) is neutralized for this one command.
  local cache=()
  if [ -z "${HOME:-}" ] || ! { mkdir -p "$HOME" && [ -w "$HOME" ]; } 2>/dev/null; then
    cache=(--cache "$MIRAGE_STATE/npm-cache")
  fi
  if ! env -u npm_config_global -u NPM_CONFIG_GLOBAL npm_config_prefix="$stage" COREPACK_ENABLE_STRICT=0 \
    npm install -g --prefix "$stage" "${cache[@]}" --no-audit --no-fund --no-update-notifier \
    "pnpm@$PNPM_VERSION" >"$log" 2>&1; then
    rm -rf "$stage"
    exec 9>&-
    die "could not install pnpm $PNPM_VERSION (npm install -g --prefix .mirage/tools; see $log)"
  fi
  if [ "$(pnpm_version_of "$stage/bin/pnpm")" != "$PNPM_VERSION" ]; then
    rm -rf "$stage"
    exec 9>&-
    die "the pnpm installed into $stage does not run (see $log)"
  fi
  rm -rf "$PNPM_PREFIX"
  mv "$stage" "$PNPM_PREFIX"
  exec 9>&-
  path_prepend "$PNPM_PREFIX/bin"
}
path_prepend() {
  case ":$PATH:" in
    ":$1:"*) ;;
    *) export PATH="$1:$PATH" ;;
  esac
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

# Starts the installed Debian cluster that listens on the given port (pg_lsclusters lists version, name, port).
start_local_postgres() {
  local port="$1" version name cport _rest
  have pg_lsclusters && have pg_ctlcluster || return 1
  local started=""
  while read -r version name cport _rest; do
    [ "$cport" = "$port" ] || continue
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start >/dev/null 2>&1 || true
    started=1
  done < <(pg_lsclusters -h 2>/dev/null)
  [ -n "$started" ] || return 1
  for _ in $(seq 1 60); do tcp_open 127.0.0.1 "$port" && return 0; sleep 0.5; done
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
  if start_local_postgres "$port"; then say "started the local PostgreSQL cluster on port $port"; return 0; fi
  if ! have pg_lsclusters && apt_install postgresql postgresql-contrib; then
    # Debian's package creates and starts a cluster on 5432 (or the next free port): it must be the one we want.
    start_local_postgres "$port" ||
      die "PostgreSQL was installed but no cluster listens on port $port (see pg_lsclusters and /var/log/postgresql)"
    # A fresh Debian cluster authenticates TCP users by password: give postgres the one .env.example uses.
    su postgres -c "psql -p $port -qc \"alter role postgres password 'postgres'\"" >/dev/null 2>&1 || true
    say "installed and started PostgreSQL"
    return 0
  fi
  have pg_lsclusters && die "PostgreSQL is installed but no cluster is set up on port $port (pg_lsclusters lists them):
create one (pg_createcluster 15 main --port $port --start) or point DATABASE_ADMIN_URL at a running server."
  die "No PostgreSQL on 127.0.0.1:$port. Either set DATABASE_URL and DATABASE_ADMIN_URL (e.g. a hosted Supabase
project with DATABASE_TARGET=supabase), run as root on Debian so ./mirage can install it, install PostgreSQL 15+
yourself, or run 'docker compose up -d postgres redis'."
}

# Redis: the server REDIS_URL names when it is remote; else one listening locally; else start (installing first
# when missing) a redis-server bound to loopback, with its data and pid file under .mirage.
ensure_redis() {
  local host port
  read -r host port <<<"$(url_host_port "${REDIS_URL:-redis://127.0.0.1:6379}" 6379)"
  if ! is_loopback "$host"; then
    tcp_open "$host" "$port" || die "Redis at $host:$port (REDIS_URL) is not reachable."
    return 0
  fi
  tcp_open 127.0.0.1 "$port" && return 0
  if ! have redis-server; then
    apt_install redis-server && have redis-server || die "No Redis found. Set REDIS_URL, install Redis 7 yourself,
run as root on Debian so ./mirage can install it, or run 'docker compose up -d redis'."
    # Debian's package starts its own service on 6379; if that is the wanted port, it is done.
    tcp_open 127.0.0.1 "$port" && { say "installed Redis"; return 0; }
  fi
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
    --dir "$MIRAGE_STATE" --pidfile "$MIRAGE_STATE/redis-$port.pid" --logfile "$MIRAGE_STATE/logs/redis.log" \
    >/dev/null || die "redis-server did not start"
  for _ in $(seq 1 40); do tcp_open 127.0.0.1 "$port" && { say "started Redis on port $port"; return 0; }; sleep 0.25; done
  die "redis-server did not start listening on 127.0.0.1:$port (see $MIRAGE_STATE/logs/redis.log)"
}

# Chromium for the dashboard's browser tests: Debian's package (/usr/bin/chromium), driven by playwright-core.
ensure_chromium() {
  have chromium && return 0
  apt_install chromium || warn "could not install chromium (Debian's package): the dashboard's browser tests will fail"
}

# pgTAP: pg_prove (the runner) on the PATH and the pgtap extension available on the test server.
pgtap_available() {
  [ "$(psql "$MIRAGE_TEST_ADMIN_URL" -Atc "select count(*) from pg_available_extensions where name = 'pgtap'" \
    2>/dev/null)" = "1" ]
}
ensure_pgtap() {
  if have pg_prove && pgtap_available; then return 0; fi
  local major
  major=$(psql "$MIRAGE_TEST_ADMIN_URL" -Atc "show server_version_num" 2>/dev/null | cut -c1-2)
  [ -n "$major" ] || die "cannot reach the test server ($MIRAGE_TEST_ADMIN_URL) to check for pgTAP"
  local host
  read -r host _ <<<"$(url_host_port "$MIRAGE_TEST_ADMIN_URL" 5432)"
  if ! pgtap_available && ! is_loopback "$host"; then
    die "pgTAP is not available on the test server $host: install the pgtap extension there or set MIRAGE_TEST_ADMIN_URL to a local server"
  fi
  apt_install "postgresql-$major-pgtap" libtap-parser-sourcehandler-pgtap-perl && have pg_prove && pgtap_available ||
    die "pgTAP is needed for the RLS tests: apt-get install postgresql-$major-pgtap libtap-parser-sourcehandler-pgtap-perl"
  say "installed pgTAP"
}

ensure_psql() {
  have psql || apt_install postgresql-client || die "psql is needed (apt-get install postgresql-client)"
}
