#!/usr/bin/env bash
# Heartbeat throughput and latency against a running server, side by side with the no-op endpoint.
# Registers 10,000 nodes (straight into the database: token bench-token-<i>), starts the server on Payara Micro,
# drives it with wrk (bench/heartbeat.lua) and prints req/s and p50/p99 for both, in alternating rounds after a
# warm-up, and the ratio over all rounds. Needs wrk (apt-get install wrk).
#
#   bash bench/heartbeat.sh            (after: mvn -q install -DskipTests)
# Environment: BENCH_PG (default 127.0.0.1:5432, user postgres, trust auth), NODES (10000), CONCURRENCY (16),
# BENCH_SECONDS (15 per run), ROUNDS (4), WARMUP (60 seconds of heartbeats first)
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-10000}
CONCURRENCY=${CONCURRENCY:-16}
SECONDS_PER_RUN=${BENCH_SECONDS:-15}
ROUNDS=${ROUNDS:-4}
WARMUP=${WARMUP:-60}
. bench/lib.sh
DB=slm_bench
start_server $DB

psql_bench -d $DB -c "
  INSERT INTO node (id, token_hash, registered_at, registered_by)
  SELECT 'bench-' || i, encode(sha256(convert_to('bench-token-' || i, 'UTF8')), 'hex'), now(), 'bench'
  FROM generate_series(0, $NODES - 1) AS i"
echo "server: Payara Micro on 127.0.0.1:$PORT, $NODES nodes registered, $CONCURRENCY client workers, $ROUNDS rounds of ${SECONDS_PER_RUN}s + ${SECONDS_PER_RUN}s"
machine
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
export NODES COMMIT
HEARTBEAT=(-s bench/heartbeat.lua "http://127.0.0.1:$PORT/")
NOOP=("http://127.0.0.1:$PORT/api/health")
# warm-up: the JIT compiles the paths both share during the heartbeat's warm-up, then the no-op's own
measure heartbeat "$WARMUP" "${HEARTBEAT[@]}" >/dev/null
measure no-op 10 "${NOOP[@]}" >/dev/null
# rounds alternate, heartbeats first in odd rounds and second in even ones, so a drift of the machine's speed (it is
# shared) or work left behind by one run (vacuum, GC) falls on both sides alike
echo "round  heartbeats/s  p50 ms  p99 ms    no-op req/s  p50 ms  p99 ms   ratio"
total_h=0; total_n=0; worst_h99=0; worst_n99=0
for round in $(seq 1 "$ROUNDS"); do
    if ((round % 2)); then
        read -r hn h50 h99 _ < <(measure heartbeat "$SECONDS_PER_RUN" "${HEARTBEAT[@]}")
        read -r nn n50 n99 _ < <(measure no-op "$SECONDS_PER_RUN" "${NOOP[@]}")
    else
        read -r nn n50 n99 _ < <(measure no-op "$SECONDS_PER_RUN" "${NOOP[@]}")
        read -r hn h50 h99 _ < <(measure heartbeat "$SECONDS_PER_RUN" "${HEARTBEAT[@]}")
    fi
    awk -v r="$round" -v s="$SECONDS_PER_RUN" -v hn="$hn" -v h50="$h50" -v h99="$h99" -v nn="$nn" -v n50="$n50" -v n99="$n99" \
        'BEGIN { printf "%5d  %12.0f  %6.2f  %6.2f    %11.0f  %6.2f  %6.2f   %4.0f%%\n", r, hn/s, h50, h99, nn/s, n50, n99, 100*hn/nn }'
    total_h=$((total_h + hn)); total_n=$((total_n + nn))
    worst_h99=$(awk -v a="$worst_h99" -v b="$h99" 'BEGIN { print (b > a ? b : a) }')
    worst_n99=$(awk -v a="$worst_n99" -v b="$n99" 'BEGIN { print (b > a ? b : a) }')
done
awk -v s=$((ROUNDS * SECONDS_PER_RUN)) -v h="$total_h" -v n="$total_n" -v h99="$worst_h99" -v n99="$worst_n99" 'BEGIN {
    printf "all rounds: heartbeats %.0f/s (worst p99 %.2f ms), no-op %.0f/s (worst p99 %.2f ms)\n", h/s, h99, n/s, n99
    printf "heartbeats: %.0f%% of the no-op rate\n", 100 * h / n }'
