#!/usr/bin/env bash
# Package build time against `git archive --format=tar.gz` of the same subdirectory, for a tree of about
# 5,000 files / 50 MB (made here: mixed text and random data). Target: at most 1.5x git archive.
#   bash bench/package-build.sh        (after: mvn -q install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
WORK=$(mktemp -d -p "${TMPDIR:-/tmp}" slm-pkgbench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
git init -q -b main "$WORK/repo"
python3 - "$WORK/repo/app" <<'PY'
import os, random, sys
random.seed(7)
root = sys.argv[1]
for i in range(5000):
    d = os.path.join(root, "d%02d" % (i % 50), "s%02d" % (i % 7))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%04d.%s" % (i, "txt" if i % 2 else "bin")), "wb") as f:
        if i % 2:
            f.write((("line %d of a text file with some words in it\n" % i) * random.randint(50, 300)).encode())
        else:
            f.write(os.urandom(random.randint(5_000, 15_000)))
PY
git -C "$WORK/repo" add -A
git -C "$WORK/repo" -c user.name=b -c user.email=b@b commit -qm tree
COMMIT=$(git -C "$WORK/repo" rev-parse HEAD)
echo "tree: $(find "$WORK/repo/app" -type f | wc -l) files, $(du -sm "$WORK/repo/app" | cut -f1) MB"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1), $(git --version)"
best=999999; times=()
for _ in $(seq 1 "$RUNS"); do
    t0=$(date +%s%N)
    git -C "$WORK/repo" archive --format=tar.gz "$COMMIT:app" > "$WORK/ga.tar.gz"
    t=$(( ($(date +%s%N) - t0) / 1000000 )); times+=("$t"); (( t < best )) && best=$t
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
echo "git archive --format=tar.gz: best $best ms, median $median ms ($RUNS runs, $(( $(stat -c %s "$WORK/ga.tar.gz") / 1000000 )) MB)"
mvn -q -o -pl slm-ejb dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP=$(ls slm-ejb/target/slm-ejb-*.jar | head -1):$(cat "$WORK/cp.txt")
java -cp "$CP" bench/PackageBench.java "$WORK/repo/.git" "$COMMIT" app "$RUNS"
