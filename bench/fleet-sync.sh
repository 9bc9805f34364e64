#!/usr/bin/env bash
# The time for a fleet of real agents (default 100 processes, one JVM each) to go from "sync" to reporting the new
# commit: POST /api/fleet/sync {"all_outdated": true} after a commit + refresh, until every operation is SUCCEEDED.
# Each agent downloads the signed package, verifies, extracts, swaps, restarts its service (a sleep process) and
# reports. Round 1 installs on empty nodes, round 2 updates them.
#   bash bench/fleet-sync.sh           (after: mvn -q install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
start_fleet slm_bench_fleet
sync_round() { # label
    local t0 ms
    t0=$(date +%s%N)
    # by name: a node that never reported a commit (round 1) is unknown, not outdated
    api POST api/fleet/sync "{\"node_ids\":$(node_ids),\"restart_type\":\"immediate\"}" > "$WORK/outcomes.json"
    local created; created=$(grep -o '"created"' "$WORK/outcomes.json" | wc -l)
    while :; do
        [ "$(count UP_TO_DATE)" -ge "$AGENTS" ] && break
        (( ($(date +%s%N) - t0) / 1000000000 > 600 )) && { echo "round $1: not all SUCCEEDED within 10 min" >&2; exit 1; }
        sleep 0.1
    done
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    printf '%s: %d operations created, all %d nodes on the new commit in %d ms\n' "$1" "$created" "$AGENTS" "$ms"
}
machine
echo "$AGENTS agent processes (bin/slm-agent defaults), package of $(ls "$WORK/repo/app" | wc -l) files"
sync_round "round 1 (install on empty nodes)"
new_commit v2
sync_round "round 2 (update)"
RSS=$(for p in "${AGENT_PIDS[@]}"; do awk '/VmRSS/{print $2}' /proc/$p/status; done | sort -n | awk '{a[NR]=$1} END {print a[int(NR/2)+1]}')
echo "median agent RSS after the rounds: $((RSS / 1024)) MiB"
