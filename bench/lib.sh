# Shared by the bench scripts: start the server on Payara Micro against a fresh database on BENCH_PG.
# After start_server: $PORT, $WORK, $PASSWORD and $COMMIT (the latest commit) are set; the server stops on exit.
PG=${BENCH_PG:-127.0.0.1:5432}
PORT=${PORT:-18080}
PASSWORD=bench-admin-password
WORK=$(mktemp -d -p "${TMPDIR:-/tmp}" slm-bench.XXXXXX)

psql_bench() { psql -q -h "${PG%:*}" -p "${PG#*:}" -U postgres "$@"; }

start_server() { # database name
    local db=$1
    psql_bench -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" 2>/dev/null
    SLM_DB_URL="jdbc:postgresql://$PG/$db" SLM_DB_USER=postgres SLM_DB_PASSWORD= SLM_DATA_DIR="$WORK/data" \
    SLM_ADMIN_PASSWORD=$PASSWORD SLM_FETCH_INTERVAL=1h SLM_GIT_URL=${BENCH_GIT_URL:-} SLM_GIT_PATH=${BENCH_GIT_PATH:-} \
    java -Xmx512m ${BENCH_JAVA_OPTS:-} -jar slm-launcher/target/runtime/payara-micro.jar \
        --deploy slm-launcher/target/runtime/ROOT.war --contextroot / --port "$PORT" --nohazelcast \
        --rootdir "$WORK/micro" > "$WORK/server.log" 2>&1 &
    SERVER=$!
    trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
    for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 1; done
    COMMIT=$(curl -sf -u admin:$PASSWORD -X POST "http://127.0.0.1:$PORT/api/updates/refresh" \
        | sed 's/.*"latest_version":"\([0-9a-f]*\)".*/\1/')
}

api() { # method path [json body]
    curl -sf -u admin:$PASSWORD -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "http://127.0.0.1:$PORT/$2"
}

register() { # node id -> prints its token
    api POST api/nodes "{\"node_id\":\"$1\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/'
}

machine() {
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
}

measure() { # name, seconds, wrk arguments... -> "requests p50 p99 max" (latencies in ms); wrk -t2 -c$CONCURRENCY; a request unanswered for 60 s fails the run
    local name=$1 seconds=$2; shift 2
    local out; out=$(wrk -t2 -c"${CONCURRENCY:-16}" -d"${seconds}s" --timeout 60s --latency "$@")
    local errors; errors=$(awk '/Non-2xx/{print $NF}' <<<"$out")
    [ -z "$errors" ] || { echo "$name: $errors answers were not 2xx" >&2; exit 1; }
    ! grep -q "Socket errors" <<<"$out" || { echo "$name: $(grep "Socket errors" <<<"$out")" >&2; exit 1; }
    awk '/requests in/{n=$1} $1=="50%"{p50=$2} $1=="99%"{p99=$2} $1=="Latency" && $2!="Distribution"{max=$4}
         function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; return v * 1000 }
         END { printf "%d %.2f %.2f %.2f\n", n, ms(p50), ms(p99), ms(max) }' <<<"$out"
}

# A server tracking a repository of 200 small files under app/, and $AGENTS real agent processes (default 100, one
# JVM each, bin/slm-agent defaults; each runs a sleep as its service), all online when it returns. Sets AGENT_PIDS.
start_fleet() { # database name
    AGENTS=${AGENTS:-100}
    local agent_home=slm-agent/target/slm-agent/slm-agent
    git init -q -b main "$WORK/repo"
    mkdir -p "$WORK/repo/app"
    for i in $(seq 1 200); do printf 'file %d\n%.0s' "$i" $(seq 1 50) > "$WORK/repo/app/f$i.txt"; done
    git -C "$WORK/repo" add -A
    git -C "$WORK/repo" -c user.name=b -c user.email=b@b commit -qm v1
    BENCH_GIT_URL="$WORK/repo" BENCH_GIT_PATH=app start_server "$1"
    local key; key=$(api GET api/signing-key | sed 's/.*"public_key":"\([^"]*\)".*/\1/')
    AGENT_PIDS=()
    # each step may find nothing left to stop: the trap must not end a successful run with its status
    trap 'kill "${AGENT_PIDS[@]}" 2>/dev/null || true; pkill -f "$WORK/n" 2>/dev/null || true; kill $SERVER 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
    for i in $(seq 1 "$AGENTS"); do
        local d="$WORK/n$i"
        mkdir -p "$d/state"
        register "node-$i" > "$d/token"
        cat > "$d/agent.properties" <<PROPS
server.url=http://127.0.0.1:$PORT
node.id=node-$i
token.file=token
state.dir=state
install.dir=opt
signing.key=$key
service.controller=process
service.start=sleep 100000 $d
PROPS
        "$agent_home/bin/slm-agent" --config "$d/agent.properties" > "$d/agent.log" 2>&1 &
        AGENT_PIDS+=($!)
    done
    for _ in $(seq 1 180); do [ "$(count online)" -ge "$AGENTS" ] && break; sleep 1; done
    [ "$(count online)" -ge "$AGENTS" ] || { echo "only $(count online) of $AGENTS agents came online" >&2; exit 1; }
}

node_ids() { # the JSON array of the fleet's node ids (node-1 … node-$AGENTS)
    local ids=(); for i in $(seq 1 "$AGENTS"); do ids+=("\"node-$i\""); done
    local IFS=,; echo "[${ids[*]}]"
}

count() { # a key of GET /api/updates/status (UP_TO_DATE, online, ...) -> its number
    local n; n=$(api GET api/updates/status | grep -o "\"$1\":[0-9]*" | cut -d: -f2)
    echo "${n:-0}"
}

new_commit() { # label: a one-file change, fetched
    echo "$1" > "$WORK/repo/app/f1.txt"
    git -C "$WORK/repo" -c user.name=b -c user.email=b@b commit -qam "$1"
    api POST api/updates/refresh > /dev/null
}
