#!/usr/bin/env bash
# Stops a stack started with ./mirage start --detach.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pidfile="$MIRAGE_STATE/stack.pid"
if [ ! -f "$pidfile" ]; then say "no detached stack is running"; exit 0; fi
pid=$(cat "$pidfile")
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
fi
rm -f "$pidfile"
say "stopped"
