#!/usr/bin/env bash
# Serving: 100 concurrent downloads of a cached ~10 MB code package (GET /api/nodes/{id}/code-package, token checked,
# served from the package cache), side by side with nginx serving the same bytes as a static file on this machine.
# Each round starts 100 curl processes at once; the figure is the wall time of the round and the aggregate MB/s.
#   bash bench/package-serve.sh        (after: mvn -q install -DskipTests; needs nginx: apt-get install nginx-light)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-100}
command -v nginx >/dev/null || { echo "nginx is needed: apt-get install -y nginx-light" >&2; exit 1; }

git init -q -b main "$WORK/repo"
mkdir -p "$WORK/repo/app"
head -c $((10 * 1024 * 1024)) /dev/urandom > "$WORK/repo/app/data.bin" # does not compress: the package is ~10 MB
echo "<h1>bench</h1>" > "$WORK/repo/app/index.html"
git -C "$WORK/repo" add -A
git -C "$WORK/repo" -c user.name=b -c user.email=b@b commit -qm package
BENCH_GIT_URL="$WORK/repo" BENCH_GIT_PATH=app start_server slm_bench_serve
TOKEN=$(register dl-1)
URL="http://127.0.0.1:$PORT/api/nodes/dl-1/code-package"
curl -sf -H "Authorization: Bearer $TOKEN" -o "$WORK/package.tar.gz" "$URL" # builds it once; later requests hit the cache
SIZE=$(stat -c %s "$WORK/package.tar.gz")

NGINX_PORT=$((PORT + 1))
mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp"
cp "$WORK/package.tar.gz" "$WORK/nginx/www/package.tar.gz"
cat > "$WORK/nginx/nginx.conf" <<CONF
user $(id -un);
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp; fastcgi_temp_path $WORK/nginx/tmp;
    uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
    server { listen 127.0.0.1:$NGINX_PORT; root $WORK/nginx/www; }
}
CONF
nginx -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log"
trap 'nginx -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" -s stop 2>/dev/null; kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT

round() { # url [auth header] -> prints the wall time in ms; fails when a download is short or refused
    local url=$1 header=${2:-X-Bench: 1}
    rm -f "$WORK"/out.*
    local t0; t0=$(date +%s%N)
    seq 1 "$CLIENTS" | xargs -P "$CLIENTS" -I{} curl -sf -H "$header" -o "$WORK/out.{}" "$url"
    local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    for f in "$WORK"/out.*; do [ "$(stat -c %s "$f")" = "$SIZE" ] || { echo "short download $f" >&2; exit 1; }; done
    echo "$ms"
}

machine
echo "package: $((SIZE / 1024 / 1024)) MB ($SIZE bytes), $CLIENTS concurrent curl downloads per round, $ROUNDS rounds"
for name in slm nginx; do
    best=999999
    for _ in $(seq 1 "$ROUNDS"); do
        if [ $name = slm ]; then ms=$(round "$URL" "Authorization: Bearer $TOKEN")
        else ms=$(round "http://127.0.0.1:$NGINX_PORT/package.tar.gz"); fi
        (( ms < best )) && best=$ms
    done
    printf '%-6s best round %6d ms  %8.0f MB/s aggregate\n' "$name" "$best" \
        "$(echo "$CLIENTS * $SIZE / 1048576 / ($best / 1000)" | bc -l)"
done
