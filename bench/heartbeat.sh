#!/usr/bin/env bash
# Heartbeat throughput and latency against a running server, side by side with the no-op endpoint.
# Registers 10,000 nodes (straight into the database: token bench-token-<i>), starts the server on Payara Micro,
# drives it with wrk (bench/heartbeat.lua) and prints req/s and p50/p99 for both. Needs wrk (apt-get install wrk).
#
#   bash bench/heartbeat.sh            (after: mvn -q install -DskipTests)
# Environment: BENCH_PG (default 127.0.0.1:5432, user postgres, trust auth), NODES (10000), CONCURRENCY (16), BENCH_SECONDS (30)
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-10000}
CONCURRENCY=${CONCURRENCY:-16}
SECONDS_PER_RUN=${BENCH_SECONDS:-30}
. bench/lib.sh
DB=slm_bench
start_server $DB

psql_bench -d $DB -c "
  INSERT INTO node (id, token_hash, registered_at, registered_by)
  SELECT 'bench-' || i, encode(sha256(convert_to('bench-token-' || i, 'UTF8')), 'hex'), now(), 'bench'
  FROM generate_series(0, $NODES - 1) AS i"
echo "server: Payara Micro on 127.0.0.1:$PORT, $NODES nodes registered, $CONCURRENCY client workers, ${SECONDS_PER_RUN}s per run"
machine
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
export NODES COMMIT
run() { # name, wrk arguments...
    local name=$1; shift
    wrk -t2 -c"$CONCURRENCY" -d10s "$@" >/dev/null            # warm-up (JIT, pools)
    local out; out=$(wrk -t2 -c"$CONCURRENCY" -d"${SECONDS_PER_RUN}s" --latency "$@")
    local rate p50 p99 errors
    rate=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    p50=$(awk '$1=="50%"{print $2}' <<<"$out")
    p99=$(awk '$1=="99%"{print $2}' <<<"$out")
    errors=$(awk '/Non-2xx/{print $NF}' <<<"$out")
    printf '%-24s %9s req/s   p50 %8s   p99 %8s   non-2xx: %s\n' "$name" "$rate" "$p50" "$p99" "${errors:-0}"
    echo "$rate" > "$WORK/$name.rate"
}
run heartbeat -s bench/heartbeat.lua "http://127.0.0.1:$PORT/"
run no-op "http://127.0.0.1:$PORT/api/health"
awk -v h="$(cat "$WORK/heartbeat.rate")" -v n="$(cat "$WORK/no-op.rate")" \
    'BEGIN { printf "heartbeats: %.0f%% of the no-op rate\n", 100 * h / n }'
