#!/usr/bin/env bash
# Push webhooks: from `git push` (to a local bare repository whose post-receive hook posts a GitHub-style signed
# webhook, as a forge would) to the new commit on the Updates page of a headless Chromium, without a reload.
#   bash bench/webhook.sh            (after: mvn -q install -DskipTests; needs chromium, chromium-driver, openssl)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-10}
. bench/lib.sh
export SLM_WEBHOOK_SECRET=bench-webhook-secret-0123456789
git init -q --bare -b main "$WORK/origin.git"
git clone -q "$WORK/origin.git" "$WORK/work" 2>/dev/null
git -C "$WORK/work" -c user.name=b -c user.email=b@b commit -q --allow-empty -m v0
git -C "$WORK/work" push -q origin main
cat > "$WORK/origin.git/hooks/post-receive" <<HOOK
#!/usr/bin/env bash
# what a forge does after a push: one signed delivery per pushed ref
while read -r old new ref; do
    body="{\"ref\":\"\$ref\",\"before\":\"\$old\",\"after\":\"\$new\"}"
    sig=\$(printf '%s' "\$body" | openssl dgst -sha256 -hmac "$SLM_WEBHOOK_SECRET" | sed 's/.* //')
    curl -sf -o /dev/null -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' \
        -H "X-Hub-Signature-256: sha256=\$sig" -d "\$body" "http://127.0.0.1:$PORT/api/hooks/git"
done
HOOK
chmod +x "$WORK/origin.git/hooks/post-receive"
BENCH_GIT_URL="$WORK/origin.git" start_server slm_bench_webhook
machine
mvn -q -o -pl slm-ear dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
java -cp "$(cat "$WORK/cp.txt")" bench/WebhookBench.java "http://127.0.0.1:$PORT/" "$PASSWORD" "$WORK/work" "$ROUNDS" 2>/dev/null
