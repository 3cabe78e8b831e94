#!/usr/bin/env bash
# ./mirage stop: stops the running stack (started in the foreground or with --detach, from any terminal), and any
# process left behind by a supervisor that died.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MIRAGE_ROOT"
load_env
ensure_node
if [ ! -d node_modules/tsx ]; then say "no stack is running (dependencies not installed)"; exit 0; fi
exec node --import tsx scripts/run-stack.ts stop
