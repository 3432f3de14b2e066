#!/usr/bin/env bash
# Builds of jimeng-fetcher against each other, in alternating rounds on the same machine:
#
#   bench/compare.sh OTHER_CHECKOUT[,OTHER_CHECKOUT...] [ROUNDS] [SCENARIOS...]
#
# OTHER_CHECKOUT is another working copy of this project (e.g. `git worktree add /tmp/base <commit>`),
# built like this one (mvn -B -DskipTests package in each); several, separated by commas, are each
# compared with this one. Each round runs every scenario with each other checkout's bench/run.sh and
# jar, then with this one's (the order reverses between rounds, so a machine warming up or slowing
# down favours none), and times each jar's start: from `java -jar` to GET /observe/health answering
# UP, on the demo simulator, with the peak resident memory then.
# ROUNDS: 5 by default. SCENARIOS: smoke scale gateway ideal big ingest pace by default.
# Prints, per scenario and other checkout, the medians and ranges of wall seconds and peak RSS of
# both, and the change. Nothing else should run on the machine meanwhile.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
THIS=$(dirname "$HERE")
OTHER_LIST=${1:?"usage: bench/compare.sh OTHER_CHECKOUT[,OTHER_CHECKOUT...] [ROUNDS] [SCENARIOS...]"}
OTHERS=()
IFS=, read -r -a given <<< "$OTHER_LIST"
for o in "${given[@]}"; do OTHERS+=("$(cd "$o" && pwd)"); done
ROUNDS=${2:-5}
shift $(( $# >= 2 ? 2 : 1 ))
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -eq 0 ] && SCENARIOS=(smoke scale gateway ideal big ingest pace)
for side in "${OTHERS[@]}" "$THIS"; do
    [ -f "$side/target/jimeng-fetcher.jar" ] || { echo "no $side/target/jimeng-fetcher.jar: build it first" >&2; exit 2; }
done
OUT=$(mktemp -d "${BENCH_TMP:-/tmp}/jimeng-compare.XXXXXX")
RESULTS="$OUT/results.txt" # side scenario round wall_s rss_MB
: > "$RESULTS"
echo "results in $OUT"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# One start of a checkout's jar on the demo simulator, with its own routes and settings and empty
# folders: milliseconds to health UP, and peak RSS (MB) then. The settings go by their first names,
# which every build since understands.
start_time() {
    local checkout=$1 dir port pid t0 ms=-1 rss=-1 i
    dir=$(mktemp -d "$OUT/start.XXXXXX")
    port=$(free_port)
    t0=$(date +%s%N)
    (cd "$checkout" && exec env JIMENG_HTTP_PORT="$port" JIMENG_INBOX="$dir/inbox" JIMENG_OUTPUT="$dir/output" \
        JIMENG_WORK="$dir/work" java -Xmx256m -jar target/jimeng-fetcher.jar > "$dir/app.log" 2>&1) &
    pid=$!
    for ((i = 0; i < 1200; i++)); do
        if curl -fs "http://127.0.0.1:$port/observe/health" 2>/dev/null | grep -q '"UP"'; then
            ms=$(( ($(date +%s%N) - t0) / 1000000 ))
            rss=$(awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || echo -1)
            break
        fi
        sleep 0.05
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -rf "$dir"
    echo "$ms $rss"
}

side_name() { # other, other2, other3, ...
    (( $1 == 0 )) && echo other || echo "other$(( $1 + 1 ))"
}

run_side() { # side-name checkout round
    local name=$1 dir=$2 round=$3 s log line
    for s in "${SCENARIOS[@]}"; do
        log="$OUT/$name-$s-$round.log"
        (cd "$dir" && bash bench/run.sh "$s") > "$log" 2>&1
        # the scenario's row of the table: name, tasks, size, wall_s, ..., rss_MB (10th column)
        line=$(awk -v s="$s" '$1 == s && $4 ~ /^[0-9.]+$/ {print $4, $10; exit}' "$log")
        echo "$name $s $round ${line:-NA NA}" >> "$RESULTS"
        echo "round $round $name $s: ${line:-failed, see $log}"
    done
    read -r ms rss < <(start_time "$dir")
    echo "$name start $round $(awk -v m="$ms" 'BEGIN {printf "%.2f", m / 1000}') $rss" >> "$RESULTS"
    echo "round $round $name start: $ms ms to health UP, $rss MB"
}

# the sides of a round: other, other2, ..., this; every second round the other way round
SIDES=()
for ((i = 0; i < ${#OTHERS[@]}; i++)); do SIDES+=("$(side_name "$i") ${OTHERS[$i]}"); done
SIDES+=("this $THIS")
for ((r = 1; r <= ROUNDS; r++)); do
    for ((i = 0; i < ${#SIDES[@]}; i++)); do
        (( r % 2 )) && k=$i || k=$(( ${#SIDES[@]} - 1 - i ))
        run_side ${SIDES[$k]} "$r"
    done
done

echo
for ((i = 0; i < ${#OTHERS[@]}; i++)); do
    name=$(side_name "$i")
    echo "$name: ${OTHERS[$i]} ($(git -C "${OTHERS[$i]}" rev-parse --short HEAD 2>/dev/null))"
done
echo "this: $THIS ($(git -C "$THIS" rev-parse --short HEAD 2>/dev/null))"
for ((i = 0; i < ${#OTHERS[@]}; i++)); do
    name=$(side_name "$i")
    echo
    printf '%-8s %22s %22s %8s %10s %10s %s\n' scenario "$name wall_s med (range)" "this wall_s med (range)" change "rss_$name" rss_this verdict
    for s in "${SCENARIOS[@]}" start; do
        awk -v s="$s" -v other="$name" '
        function median(a, n,   i, j, t) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        $2 == s && $4 != "NA" {
            if ($1 == other) { o[++no] = $4; orss[no] = $5 } else if ($1 == "this") { t[++nt] = $4; trss[nt] = $5 }
        }
        END {
            if (no == 0 || nt == 0) { printf "%-8s no results\n", s; exit }
            mo = median(o, no); mt = median(t, nt); ro = median(orss, no); rt = median(trss, nt)
            lo = o[1]; hi = o[no]; tl = t[1]; th = t[nt]
            change = (mt - mo) * 100 / mo
            verdict = (change <= 5 || mt <= hi) ? "ok (within 5 % or inside the range)" : "SLOWER"
            printf "%-8s %8.1f (%5.1f-%5.1f) %8.1f (%5.1f-%5.1f) %+7.1f%% %10s %10s %s\n", s, mo, lo, hi, mt, tl, th, change, ro, rt, verdict
        }' "$RESULTS"
    done
done
