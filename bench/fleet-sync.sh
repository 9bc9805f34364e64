#!/usr/bin/env bash
# The time for a fleet of real agents (default 100 processes, one JVM each) to go from "sync" to reporting the new
# commit: POST /api/fleet/sync {"all_outdated": true} after a commit + refresh, until every operation is SUCCEEDED.
# Each agent downloads the signed package, verifies, extracts, swaps, restarts its service (a sleep process) and
# reports. Round 1 installs on empty nodes, round 2 updates them.
#   bash bench/fleet-sync.sh           (after: mvn -q install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
AGENTS=${AGENTS:-100}
AGENT_HOME=slm-agent/target/slm-agent/slm-agent

git init -q -b main "$WORK/repo"
mkdir -p "$WORK/repo/app"
for i in $(seq 1 200); do printf 'file %d\n%.0s' "$i" $(seq 1 50) > "$WORK/repo/app/f$i.txt"; done
git -C "$WORK/repo" add -A
git -C "$WORK/repo" -c user.name=b -c user.email=b@b commit -qm v1
BENCH_GIT_URL="$WORK/repo" BENCH_GIT_PATH=app start_server slm_bench_fleet
KEY=$(api GET api/signing-key | sed 's/.*"public_key":"\([^"]*\)".*/\1/')
AGENT_PIDS=()
trap 'kill "${AGENT_PIDS[@]}" 2>/dev/null; pkill -f "$WORK/n" 2>/dev/null; kill $SERVER 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
for i in $(seq 1 "$AGENTS"); do
    d="$WORK/n$i"
    mkdir -p "$d/state"
    register "node-$i" > "$d/token"
    cat > "$d/agent.properties" <<PROPS
server.url=http://127.0.0.1:$PORT
node.id=node-$i
token.file=token
state.dir=state
install.dir=opt
signing.key=$KEY
service.controller=process
service.start=sleep 100000 $d
PROPS
    "$AGENT_HOME/bin/slm-agent" --config "$d/agent.properties" > "$d/agent.log" 2>&1 &
    AGENT_PIDS+=($!)
done
count() { # a key of GET /api/updates/status (UP_TO_DATE, online, ...) -> its number
    local n; n=$(api GET api/updates/status | grep -o "\"$1\":[0-9]*" | cut -d: -f2)
    echo "${n:-0}"
}
for _ in $(seq 1 180); do [ "$(count online)" -ge "$AGENTS" ] && break; sleep 1; done
[ "$(count online)" -ge "$AGENTS" ] || { echo "only $(count online) of $AGENTS agents came online" >&2; exit 1; }

sync_round() { # label
    local t0 ms
    t0=$(date +%s%N)
    api POST api/fleet/sync '{"all_outdated":true,"restart_type":"immediate"}' > "$WORK/outcomes.json"
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
echo "v2" > "$WORK/repo/app/f1.txt"
git -C "$WORK/repo" -c user.name=b -c user.email=b@b commit -qam v2
api POST api/updates/refresh > /dev/null
sync_round "round 2 (update)"
RSS=$(for p in "${AGENT_PIDS[@]}"; do awk '/VmRSS/{print $2}' /proc/$p/status; done | sort -n | awk '{a[NR]=$1} END {print a[int(NR/2)+1]}')
echo "median agent RSS after the rounds: $((RSS / 1024)) MiB"
