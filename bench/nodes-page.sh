#!/usr/bin/env bash
# The nodes page and the Updates page with 10,000 registered nodes: how long until each grid shows its first rows, in
# headless Chromium (Debian's chromium + chromium-driver), the server's time for each page, and what the database
# spends on the pages' queries (count + first page, the summary bar, the grouping by commit, the bell).
#   bash bench/nodes-page.sh           (after: mvn -q install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-10000}
ROUNDS=${ROUNDS:-10}
. bench/lib.sh
DB=slm_bench_nodes
start_server $DB
psql_bench -d $DB -c "
  INSERT INTO node (id, token_hash, registered_at, registered_by, hostname, roles, code_status, last_seen, code_version,
                    status_basis)
  SELECT 'bench-' || lpad(i::text, 5, '0'), encode(sha256(convert_to('bench-token-' || i, 'UTF8')), 'hex'), now(),
         'bench', 'host-' || i || '.example', CASE WHEN i % 3 = 0 THEN 'web,eu' ELSE 'worker' END,
         (ARRAY['UP_TO_DATE','OUTDATED','DIVERGED','UNKNOWN'])[1 + i % 4], now() - (i % 120) * interval '1 second',
         '$COMMIT', '$COMMIT'
  FROM generate_series(0, $NODES - 1) AS i"
# status_basis: the statuses above are the bench's, stated as computed against the latest commit; without it the
# server classified every node again (all up to date: they report the latest) and /updates had nothing pending
psql_bench -d $DB -c "ANALYZE node"
machine
echo "$NODES nodes; Payara Micro on 127.0.0.1:$PORT"
echo "database time of the grid's queries (EXPLAIN ANALYZE):"
for q in "SELECT COUNT(*) FROM node" "SELECT * FROM node ORDER BY id LIMIT 50 OFFSET 0" \
         "SELECT * FROM node ORDER BY code_status DESC NULLS LAST, id LIMIT 50 OFFSET 0" \
         "SELECT code_status, COUNT(*) FROM node GROUP BY code_status" \
         "SELECT code_version, COUNT(*) FROM node GROUP BY code_version ORDER BY 2 DESC, 1 NULLS LAST LIMIT 6" \
         "SELECT * FROM node WHERE code_status IN ('OUTDATED', 'DIVERGED') ORDER BY id LIMIT 1000" \
         "SELECT COUNT(*) FROM node WHERE code_status IN ('OUTDATED', 'DIVERGED')"; do
    printf '  %-80s %s\n' "$q" "$(psql_bench -d $DB -At -c "EXPLAIN ANALYZE $q" | awk '/Execution Time/{print $3 " ms"}')"
done
mvn -q -o -pl slm-ear dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
java -cp "$(cat "$WORK/cp.txt")" bench/NodesPageBench.java "http://127.0.0.1:$PORT/" admin "$PASSWORD" "$ROUNDS" 2>"$WORK/browser.log" \
    || { grep -v "^WARNING\|CdpVersionFinder\|^[A-Z][a-z][a-z] [0-9]" "$WORK/browser.log" | head -20; grep -A8 "SEVERE\|Exception" "$WORK/server.log" | head -40; exit 1; }
