#!/usr/bin/env bash
# A new latest commit while heartbeats go on (issue 10). A 20,000-commit history made with git fast-import;
# 10,000 nodes stored straight into the database (token bench-token-<i>) on 1,000 distinct commits spread evenly over
# it; wrk sends their heartbeats (bench/heartbeat.lua, each node reporting its own commit). Each round: WINDOW
# seconds of heartbeats alone, then WINDOW seconds in which, after one second, a new commit is made and Refresh is
# called. Prints how long Refresh took, when every node's stored status was right (OUTDATED by the exact number of
# commits, against the new commit: checked in SQL), and the heartbeats' rate and latency in both windows.
# Target (issue 10): every status right in under 2 s, heartbeat p99 under 100 ms while it happens.
#
#   bash bench/new-commit.sh           (after: mvn -q install -DskipTests)
# Environment: BENCH_PG, HISTORY (20000), NODES (10000), VERSIONS (1000), RATE (heartbeats/s, 1000: three times what
# 10,000 nodes send at the default 30 s interval; 0: as fast as the server answers), CONCURRENCY (16), WINDOW (5),
# ROUNDS (3), WARMUP (30 seconds of heartbeats first), CLASSIFY (1: first time the classification alone, ClassifyBench)
set -euo pipefail
cd "$(dirname "$0")/.."
HISTORY=${HISTORY:-20000}
NODES=${NODES:-10000}
VERSIONS=${VERSIONS:-1000}
RATE=${RATE:-1000}
CONCURRENCY=${CONCURRENCY:-16}
WINDOW=${WINDOW:-5}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-30}
. bench/lib.sh
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
DB=slm_bench_commit
now_ms() { echo $(($(date +%s%N) / 1000000)); }

REPO=$WORK/repo
git init -q -b main "$REPO"
t0=$(now_ms)
awk -v n="$HISTORY" 'BEGIN {
    for (i = 1; i <= n; i++) {
        msg = "commit " i; data = "version " i "\n"
        printf "commit refs/heads/main\ncommitter Bench <bench@example.org> %d +0000\ndata %d\n%s\n", 1600000000 + i, length(msg), msg
        printf "M 644 inline app/version.txt\ndata %d\n%s\n", length(data), data
    } }' | git -C "$REPO" fast-import --quiet
echo "history: $HISTORY commits (git fast-import, $(($(now_ms) - t0)) ms)"
# position (commits behind the tip) and id of every (HISTORY / VERSIONS)-th commit
git -C "$REPO" rev-list main | awk -v step=$((HISTORY / VERSIONS)) '(NR - 1) % step == 0 { print NR - 1 "\t" $1 }' \
    | head -n "$VERSIONS" > "$WORK/versions.tsv"
machine
if [ "${CLASSIFY:-1}" = 1 ]; then # the classification alone, in a JVM of its own (BENCH_MVN_OPTS: e.g. -Dmaven.repo.local=...)
    mvn -q -o ${BENCH_MVN_OPTS:-} -pl slm-ejb dependency:build-classpath -Dmdep.includeScope=runtime \
        -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
    java -cp "$(ls slm-ejb/target/slm-ejb-*.jar | head -1):$(cat "$WORK/cp.txt")" bench/ClassifyBench.java \
        "$REPO/.git" "$(git -C "$REPO" rev-parse main)" "$WORK/versions.tsv" app
fi
t0=$(now_ms)
BENCH_GIT_URL="$REPO" start_server $DB
[ "$COMMIT" = "$(git -C "$REPO" rev-parse main)" ] || { echo "the server did not fetch the history" >&2; exit 1; }
echo "server started and fetched the history in $(($(now_ms) - t0)) ms"
psql_bench -d $DB -c "CREATE TABLE bench_version (pos int, id char(40))" \
    -c "\copy bench_version FROM '$WORK/versions.tsv'" -c "
  INSERT INTO node (id, token_hash, registered_at, registered_by, code_version)
  SELECT 'bench-' || i, encode(sha256(convert_to('bench-token-' || i, 'UTF8')), 'hex'), now(), 'bench', v.id
  FROM generate_series(0, $NODES - 1) AS i
  JOIN (SELECT row_number() OVER (ORDER BY pos) - 1 AS k, id FROM bench_version) v ON v.k = i % $VERSIONS"
sql() { psql_bench -d $DB -At -c "$1"; }
right() { # commit, commits added since the nodes were stored -> how many nodes have the right status against it
    sql "SELECT count(*) FROM node n JOIN bench_version v ON n.code_version = v.id
         WHERE n.status_basis = '$1' AND (n.code_status = 'OUTDATED' AND n.commits_behind = v.pos + $2
                                          OR n.code_status = 'UP_TO_DATE' AND v.pos + $2 = 0)"
}

echo "$NODES nodes on $(wc -l < "$WORK/versions.tsv") commits of a $HISTORY-commit history; heartbeats: $CONCURRENCY connections," \
    "$([ "$RATE" -gt 0 ] && echo "$RATE/s" || echo "as fast as answered"); $ROUNDS rounds of ${WINDOW}s + ${WINDOW}s"
export NODES VERSIONS_FILE=$WORK/versions.tsv
export DELAY_MS=$([ "$RATE" -gt 0 ] && echo $((1000 * CONCURRENCY / RATE)) || echo 0)
HEARTBEAT=(-s bench/heartbeat.lua "http://127.0.0.1:$PORT/")
api POST api/updates/refresh > /dev/null
measure warm-up "$WARMUP" "${HEARTBEAT[@]}" > /dev/null
before=$(right "$COMMIT" 0)
echo "before the first new commit: $before of $NODES nodes with the right status"

echo "round  refresh ms  all right ms   quiet: hb/s  p50 ms  p99 ms  max ms   new commit: hb/s  p50 ms  p99 ms  max ms"
for round in $(seq 1 "$ROUNDS"); do
    read -r qn q50 q99 qmax < <(measure quiet "$WINDOW" "${HEARTBEAT[@]}")
    measure new-commit "$WINDOW" "${HEARTBEAT[@]}" > "$WORK/window" &
    load=$!
    sleep 1
    latest=$(git -C "$REPO" commit-tree -p main -m "new commit $round" "main^{tree}")
    git -C "$REPO" update-ref refs/heads/main "$latest"
    t0=$(now_ms)
    api POST api/updates/refresh > /dev/null
    refreshed=$(($(now_ms) - t0))
    until [ "$(right "$latest" "$round")" -eq "$NODES" ]; do
        (($(now_ms) - t0 > 120000)) && { echo "round $round: not every status right after 120 s" >&2; exit 1; }
    done
    all_right=$(($(now_ms) - t0))
    wait $load
    read -r wn w50 w99 wmax < "$WORK/window"
    awk -v r="$round" -v f="$refreshed" -v a="$all_right" -v s="$WINDOW" -v qn="$qn" -v q50="$q50" -v q99="$q99" \
        -v qmax="$qmax" -v wn="$wn" -v w50="$w50" -v w99="$w99" -v wmax="$wmax" 'BEGIN {
        printf "%5d  %10d  %12d   %11.0f  %6.2f  %6.2f  %6.1f   %16.0f  %6.2f  %6.2f  %6.1f\n",
            r, f, a, qn / s, q50, q99, qmax, wn / s, w50, w99, wmax }'
done
