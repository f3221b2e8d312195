#!/usr/bin/env bash
# Where the router's CPU goes under load: starts the fake and the router as shipped (published by
# scripts/bench.sh into $BENCH_WORK/publish), loads it with wrk, samples the router's stacks with
# perf (cpu-clock; every method JIT-compiled and named through DOTNET_PerfMapEnabled=1, with ReadyToRun
# and W^X double mapping off so that perf can see the names) and prints
#   - the share of the router's CPU samples whose stack passes through each part (logging, actors, ledger, ...),
#   - the top functions by self time,
#   - bytes allocated per request and GC collections in the same window (dotnet-counters, installed as a
#     local tool into $BENCH_WORK/dtools if missing).
#
#   [WARMUP=10] tools/Router.Bench/profile.sh [connections=32] [seconds=12]   (WARMUP: seconds of load before sampling)
# Needs perf (Debian linux-perf) and wrk; run scripts/bench.sh --quick once first to publish.
set -euo pipefail

connections=${1:-32}
seconds=${2:-12}
threads=$((connections < 2 ? 1 : 2))
work=${BENCH_WORK:-/tmp/oairouter-bench}
pub="$work/publish"
dir="$work/profile"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v perf >/dev/null || { echo "perf is required (apt-get install linux-perf)"; exit 1; }
[[ -f "$pub/router/Router.Host.dll" ]] || { echo "run scripts/bench.sh --quick first (publishes into $pub)"; exit 1; }

rm -rf "$dir" && mkdir -p "$dir"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

dotnet "$pub/fake/Router.FakeOpenRouter.dll" --port 0 >"$dir/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "listening on" "$dir/fake.log" && break; sleep 0.1; done
fake=$(sed -n 's/^listening on //p' "$dir/fake.log")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$dir" && exec env OPENROUTER_API_KEY=sk-or-bench OPENROUTER_BASE_URL="$fake" ASPNETCORE_URLS="http://127.0.0.1:$port" \
  LOG_FILE_PATH="$dir/router.log.json" DATABASE_URL="sqlite:///$dir/router.db" CONSOLE_LOG_LEVEL=Warning \
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 dotnet "$pub/router/Router.Host.dll" >"$dir/router.log" 2>&1) &
router=$!
pids+=("$router")
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done

cat >"$dir/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Say hello to the benchmark."}]}'
wrk.headers["Content-Type"] = "application/json"
EOF
url="http://127.0.0.1:$port/v1/chat/completions"
echo "warm-up ..."
wrk -t"$threads" -c"$connections" -d"${WARMUP:-10}"s -s "$dir/post.lua" "$url" >/dev/null
echo "load c=$connections for $((seconds + 4)) s, perf on the router (pid $router) for $seconds s ..."
wrk -t"$threads" -c"$connections" -d$((seconds + 4))s -s "$dir/post.lua" "$url" >"$dir/wrk.txt" &
wrk_pid=$!
sleep 2
counters="$work/dtools/dotnet-counters"
if [[ ! -x "$counters" ]]; then
  dotnet tool install --tool-path "$work/dtools" dotnet-counters --version 10.0.750501 >/dev/null 2>&1 || true
fi
served() { curl -fs "http://127.0.0.1:$port/metrics" | awk '/^oai_router_requests_total/ {s += $NF} END {print s + 0}'; }
req0=$(served)
counters_pid=""
if [[ -x "$counters" ]]; then
  "$counters" collect -p "$router" --refresh-interval 1 --format csv -o "$dir/counters.csv" \
    --counters 'System.Runtime[dotnet.gc.heap.total_allocated,dotnet.gc.collections,dotnet.gc.pause.time]' \
    --duration "00:00:00:$(printf %02d "$seconds")" >/dev/null 2>&1 &
  counters_pid=$!
fi
cpu0=$(awk '{print $14+$15}' "/proc/$router/stat")
perf record -e cpu-clock -F 499 -g -p "$router" -o "$dir/perf.data" -- sleep "$seconds" 2>"$dir/perf-record.log"
cpu1=$(awk '{print $14+$15}' "/proc/$router/stat")
req1=$(served)
wait "$wrk_pid"
[[ -n "$counters_pid" ]] && { wait "$counters_pid" || true; }
grep -E "Requests/sec|requests in" "$dir/wrk.txt"
requests=$((req1 - req0))
echo "router: $requests requests and $(( (cpu1 - cpu0) ))0 ms CPU in the ${seconds} s sampled: $(( (cpu1 - cpu0) * 10000 / (requests > 0 ? requests : 1) )) us CPU per request (perf sampling included)"
if [[ -f "$dir/counters.csv" ]]; then
  python3 - "$dir/counters.csv" "$requests" <<'PY'
import csv, collections, sys
sums = collections.Counter()
with open(sys.argv[1]) as f:
    for row in csv.DictReader(f):
        try:
            sums[row["Counter Name"]] += float(row["Mean/Increment"])
        except (KeyError, ValueError):
            pass
n = max(1, int(sys.argv[2]))
for name, total in sorted(sums.items()):
    if "allocated" in name:
        print(f"allocated: {total / 1e6:.1f} MB, {total / n / 1024:.1f} KiB per request")
    else:
        print(f"{name}: {total:g} in the window")
PY
fi

perf script -i "$dir/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null >"$dir/perf.txt"
python3 "$here/profile_breakdown.py" "$dir/perf.txt"
