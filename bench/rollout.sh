#!/usr/bin/env bash
# A rolling sync against the all-at-once sync of the same fleet, side by side in one run (issue 13's target: rolling
# with batch_size 10% and health_check_delay 0 takes at most 1.5x the all-at-once time, plus the configured delays).
# 100 real agent processes (one JVM each) as in bench/fleet-sync.sh; after one install round, ROUNDS (default 3)
# pairs of rounds alternate which strategy goes first; each round is a new commit, timed from the request until all
# 100 nodes run it (and, for the rollout, until it has ended SUCCEEDED).
#   bash bench/rollout.sh           (after: mvn -q install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
start_fleet slm_bench_rollout

until_all_on_it() { # t0 -> ms until every node is UP_TO_DATE
    while [ "$(count UP_TO_DATE)" -lt "$AGENTS" ]; do
        (( ($(date +%s%N) - $1) / 1000000000 > 600 )) && { echo "not all nodes on the new commit within 10 min" >&2; exit 1; }
        sleep 0.1
    done
    echo $(( ($(date +%s%N) - $1) / 1000000 ))
}

parallel() {
    local t0; t0=$(date +%s%N)
    api POST api/fleet/sync '{"all_outdated":true,"restart_type":"immediate"}' > /dev/null
    until_all_on_it "$t0"
}

rolling() {
    local t0 id status; t0=$(date +%s%N)
    id=$(api POST api/fleet/sync '{"strategy":"rolling","all_outdated":true,"batch_size":"10%","health_check_delay":0,"restart_type":"immediate"}' \
        | grep -o '"rollout_id":[0-9]*' | cut -d: -f2)
    local ms; ms=$(until_all_on_it "$t0")
    while status=$(api GET "api/rollouts/$id" | grep -o '"status":"[A-Z_]*"' | head -1 | cut -d'"' -f4); [ "$status" = RUNNING ]; do
        sleep 0.1
    done
    [ "$status" = SUCCEEDED ] || { echo "rollout $id ended $status" >&2; exit 1; }
    echo $(( ($(date +%s%N) - t0) / 1000000 ))
}

machine
echo "$AGENTS agent processes (bin/slm-agent defaults), package of $(ls "$WORK/repo/app" | wc -l) files; heartbeat every 30 s (the default), commands by long-poll"
# every node installs once (named: a node that never reported a commit is not "outdated"); later rounds are updates
new_commit install
api POST api/fleet/sync "{\"node_ids\":$(node_ids),\"restart_type\":\"immediate\"}" > /dev/null
until_all_on_it "$(date +%s%N)" > /dev/null
P=(); R=()
for round in $(seq 1 "${ROUNDS:-3}"); do
    if (( round % 2 )); then
        new_commit "p$round"; P+=("$(parallel)"); new_commit "r$round"; R+=("$(rolling)")
    else
        new_commit "r$round"; R+=("$(rolling)"); new_commit "p$round"; P+=("$(parallel)")
    fi
    printf 'round %d: all at once %d ms, rolling (10 batches of 10) %d ms, ratio %.2f\n' "$round" "${P[-1]}" "${R[-1]}" \
        "$(echo "${R[-1]} / ${P[-1]}" | bc -l)"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf 'median: all at once %d ms, rolling %d ms, ratio %.2f\n' "$(median "${P[@]}")" "$(median "${R[@]}")" \
    "$(echo "$(median "${R[@]}") / $(median "${P[@]}")" | bc -l)"
