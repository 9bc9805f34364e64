#!/usr/bin/env bash
# Heartbeat throughput and latency against a running server, side by side with the no-op endpoint.
# Registers 10,000 nodes (straight into the database: token bench-token-<i>), starts the server on Payara Micro,
# drives it with wrk (bench/heartbeat.lua) and prints req/s and p50/p99 for both. Needs wrk (apt-get install wrk).
#
#   bash bench/heartbeat.sh            (after: mvn -q install -DskipTests)
# Environment: BENCH_PG (default 127.0.0.1:5432, user postgres, trust auth), NODES (10000), CONCURRENCY (16), BENCH_SECONDS (30)
set -euo pipefail
cd "$(dirname "$0")/.."
PG=${BENCH_PG:-127.0.0.1:5432}
NODES=${NODES:-10000}
CONCURRENCY=${CONCURRENCY:-16}
SECONDS_PER_RUN=${BENCH_SECONDS:-30}
PORT=${PORT:-18080}
DB=slm_bench
WORK=$(mktemp -d -p "${TMPDIR:-/tmp}" slm-bench.XXXXXX)
PASSWORD=bench-admin-password

psql -q -h "${PG%:*}" -p "${PG#*:}" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"

SLM_DB_URL="jdbc:postgresql://$PG/$DB" SLM_DB_USER=postgres SLM_DB_PASSWORD= SLM_DATA_DIR="$WORK/data" \
SLM_ADMIN_PASSWORD=$PASSWORD SLM_FETCH_INTERVAL=1h \
java -Xmx512m ${BENCH_JAVA_OPTS:-} -jar slm-launcher/target/runtime/payara-micro.jar --deploy slm-launcher/target/runtime/ROOT.war \
    --contextroot / --port "$PORT" --nocluster --rootdir "$WORK/micro" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT

for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 1; done
COMMIT=$(curl -sf -u admin:$PASSWORD -X POST "http://127.0.0.1:$PORT/api/updates/refresh" | sed 's/.*"latest_version":"\([0-9a-f]*\)".*/\1/')

psql -q -h "${PG%:*}" -p "${PG#*:}" -U postgres -d $DB -c "
  INSERT INTO node (id, token_hash, registered_at, registered_by)
  SELECT 'bench-' || i, encode(sha256(convert_to('bench-token-' || i, 'UTF8')), 'hex'), now(), 'bench'
  FROM generate_series(0, $NODES - 1) AS i"
echo "server: Payara Micro on 127.0.0.1:$PORT, $NODES nodes registered, $CONCURRENCY client workers, ${SECONDS_PER_RUN}s per run"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
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
