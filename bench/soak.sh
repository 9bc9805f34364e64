#!/usr/bin/env bash
# The soak: 1,000 simulated nodes heartbeating every 10 s, 100 headless Chromium browsers that log in and are killed
# without logging out, a new commit and a fleet sync every 5 minutes, for 30 minutes, against the run command's
# Payara Micro with -Xmx512m. Prints the live heap after a full GC every minute, what one idle page costs, and every
# failed request.
#   bash bench/soak.sh     (after: mvn -q install -DskipTests; needs chromium and chromium-driver)
#   NODES=200 BROWSERS=20 MINUTES=5 bash bench/soak.sh     (a shorter run)
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-1000}
BROWSERS=${BROWSERS:-100}
MINUTES=${MINUTES:-30}
SYNC_EVERY=${SYNC_EVERY:-5}
. bench/lib.sh
git init -q -b main "$WORK/repo"
echo "v0" > "$WORK/repo/README"
git -C "$WORK/repo" add -A
git -C "$WORK/repo" -c user.name=b -c user.email=b@b commit -qm v0
BENCH_GIT_URL="$WORK/repo" start_server slm_bench_soak
machine
mvn -q -o -pl slm-ear dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
# the integration tests' Browser and Heap (slm-ear/target/test-classes) drive the browsers and read the heap
java -cp "slm-ear/target/test-classes:$(cat "$WORK/cp.txt")" bench/SoakBench.java "http://127.0.0.1:$PORT/" "$PASSWORD" "$WORK/repo" "$SERVER" \
    "$NODES" "$BROWSERS" "$MINUTES" "$SYNC_EVERY" 2>"$WORK/bench.err" || { cat "$WORK/bench.err"; exit 1; }
grep -c 'SEVERE' "$WORK/server.log" | sed 's/^/SEVERE lines in the server log: /' || true
