#!/usr/bin/env bash
# Live updates: two headless Chromium browsers on the nodes page; a new upstream commit (refresh through the API),
# then the node's heartbeat reporting it; how long until both browsers show each change, without a reload.
#   bash bench/live-push.sh            (after: mvn -q install -DskipTests; needs chromium and chromium-driver)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-10}
. bench/lib.sh
git init -q -b main "$WORK/repo"
echo "v0" > "$WORK/repo/README"
git -C "$WORK/repo" add -A
git -C "$WORK/repo" -c user.name=b -c user.email=b@b commit -qm v0
BENCH_GIT_URL="$WORK/repo" start_server slm_bench_live
TOKEN=$(register live-1)
curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"code_version\":\"$COMMIT\"}" "http://127.0.0.1:$PORT/api/nodes/live-1/heartbeat" > /dev/null
machine
mvn -q -o -pl slm-ear dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
java -cp "$(cat "$WORK/cp.txt")" bench/LivePushBench.java "http://127.0.0.1:$PORT/" "$PASSWORD" "$TOKEN" "$WORK/repo" "$ROUNDS" 2>/dev/null
