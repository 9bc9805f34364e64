#!/usr/bin/env bash
# The agent's resident memory when idle (target: under 64 MB): one real agent process heartbeating to a real
# server every second, with its long-poll open, measured after a minute.   bash bench/agent-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
start_server slm_bench_agent
curl -sf -u admin:$PASSWORD -X PUT -H 'Content-Type: application/json' -d '{"value":"1"}' \
    "http://127.0.0.1:$PORT/api/settings/heartbeat_interval_s" >/dev/null
TOKEN=$(curl -sf -u admin:$PASSWORD -H 'Content-Type: application/json' -d '{"node_id":"idle-1"}' \
    "http://127.0.0.1:$PORT/api/nodes" | sed 's/.*"token":"\([^"]*\)".*/\1/')
mkdir -p "$WORK/agent/state"
echo "$TOKEN" > "$WORK/agent/token"
echo "{\"commit\":\"$COMMIT\"}" > "$WORK/agent/state/version.json"
printf 'server.url=http://127.0.0.1:%s\nnode.id=idle-1\ntoken.file=token\nstate.dir=state\n' "$PORT" > "$WORK/agent/agent.properties"
slm-agent/target/slm-agent/slm-agent/bin/slm-agent --config "$WORK/agent/agent.properties" > "$WORK/agent/log" 2>&1 &
AGENT=$!
sleep "${BENCH_SECONDS:-60}"
RSS=$(awk '/VmRSS/{print $2}' /proc/$AGENT/status)
HWM=$(awk '/VmHWM/{print $2}' /proc/$AGENT/status)
kill $AGENT
machine
printf 'agent idle after %ss (1 s heartbeats, long-poll open): RSS %d MiB, peak RSS %d MiB (default JAVA_OPTS of bin/slm-agent)\n' \
    "${BENCH_SECONDS:-60}" $((RSS / 1024)) $((HWM / 1024))
