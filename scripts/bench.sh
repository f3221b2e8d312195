#!/usr/bin/env bash
# The benchmark: builds Release, starts on 127.0.0.1 the fake OpenRouter (answering at once), the router as
# shipped (JSON body logging and the Ledger on), a bare YARP pass-through and Portkey's gateway, runs bounded
# loads interleaved across them (wrk, and tools/Router.Bench's own streaming and counting clients), times the
# tracking UI (tools/Router.Seed) and the media pipelines, prints one table and writes it, with date, commit
# and machine, to docs/benchmarks.md.
#
#   scripts/bench.sh            full run, about 10 minutes (the first run also seeds 1M rows, once)
#   scripts/bench.sh --quick    about 2 minutes: one round, shorter loads, UI at 100k rows only
#   scripts/bench.sh --no-build reuses the last build in $BENCH_WORK/publish
#   extra flags go to Router.Bench: --skip-ui --skip-media --out <file> (--out '' writes no file)
#
# Everything stops by itself: fixed durations, and every process started here is killed on exit.
# Work files (builds, Portkey's node_modules, seeded databases, logs) live in $BENCH_WORK
# (default /tmp/oairouter-bench), outside the repository.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DEBIAN_FRONTEND=noninteractive

work=${BENCH_WORK:-/tmp/oairouter-bench}
portkey_version=1.15.2
out="$root/docs/benchmarks.md"
args=()
build=1
while (($# > 0)); do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

log() { printf '[bench] %s\n' "$*"; }

# --- setup: wrk and ffmpeg from Debian, node and npm for Portkey -------------------------------------------
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if ((${#need[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]]; then as_root=(); else as_root=(sudo env DEBIAN_FRONTEND=noninteractive); fi
  log "apt-get install ${need[*]}"
  "${as_root[@]}" apt-get update </dev/null
  "${as_root[@]}" apt-get install -y --no-install-recommends "${need[@]}" </dev/null
fi
command -v wrk >/dev/null 2>&1 || { log "error: wrk is required"; exit 1; }

mkdir -p "$work"

# Portkey's gateway from npm, in the work folder (never in the repository). Its stream relay needs
# @hono/node-server 1.13.8, hence the override.
portkey_dir="$work/portkey"
portkey_arg=()
installed=$(node -p "require('$portkey_dir/node_modules/@portkey-ai/gateway/package.json').version" 2>/dev/null || true)
if [[ "$installed" != "$portkey_version" ]] && command -v npm >/dev/null 2>&1; then
  log "npm install @portkey-ai/gateway@$portkey_version into $portkey_dir"
  mkdir -p "$portkey_dir"
  cat >"$portkey_dir/package.json" <<EOF
{
  "name": "oairouter-bench-portkey",
  "private": true,
  "dependencies": { "@portkey-ai/gateway": "$portkey_version" },
  "overrides": { "@hono/node-server": "1.13.8" }
}
EOF
  (cd "$portkey_dir" && npm install --no-audit --no-fund --loglevel=error </dev/null) || log "warning: Portkey did not install; its column stays empty"
  installed=$(node -p "require('$portkey_dir/node_modules/@portkey-ai/gateway/package.json').version" 2>/dev/null || true)
fi
if [[ "$installed" == "$portkey_version" ]]; then portkey_arg=(--portkey "$portkey_dir"); fi

# --- build: Release, into the work folder (bin/obj there too, so parallel builds in the tree are not disturbed)
publish() { # name project
  local attempt
  if ((build == 0)) && [[ -d "$work/publish/$1" ]]; then
    log "reusing $work/publish/$1"
    return 0
  fi
  for attempt in 1 2 3; do
    if dotnet publish "$2" -c Release -o "$work/publish/$1" --artifacts-path "$work/artifacts" -v quiet -nologo \
      </dev/null >"$work/publish-$1.log" 2>&1; then
      log "built $1"
      return 0
    fi
    log "build of $1 failed (attempt $attempt; see $work/publish-$1.log)"
    ((attempt < 3)) && sleep 30
  done
  return 1
}
publish router src/Router.Host
publish fake tests/Router.FakeOpenRouter
publish yarp tools/Router.YarpPassthrough
publish bench tools/Router.Bench
seed_arg=()
if [[ -f tools/Router.Seed/Router.Seed.csproj ]]; then
  if publish seed tools/Router.Seed; then seed_arg=(--seed "$work/publish/seed"); fi
else
  log "tools/Router.Seed is not there: UI figures will say pending"
fi

commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git status --porcelain -- src tests tools 2>/dev/null)" ]]; then
  commit="$commit (plus uncommitted changes in src/tests/tools)"
fi

# --- run ------------------------------------------------------------------------------------------------------
bench_pid=""
cleanup() {
  if [[ -n "$bench_pid" ]] && kill -0 "$bench_pid" 2>/dev/null; then
    kill -TERM "$bench_pid" 2>/dev/null || true
    sleep 2
    kill -KILL "$bench_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dotnet "$work/publish/bench/Router.Bench.dll" run \
  --router "$work/publish/router" --fake "$work/publish/fake" --yarp "$work/publish/yarp" \
  --work "$work/run" --out "$out" --commit "$commit" \
  "${portkey_arg[@]}" "${seed_arg[@]}" "${args[@]}" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=""
exit "$status"
