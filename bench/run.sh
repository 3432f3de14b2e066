#!/usr/bin/env bash
# The jimeng-fetcher benchmark: the real jar and the real routes against a fake API and
# storage host on 127.0.0.1. Build first (mvn -B -DskipTests package), then:
#
#   bench/run.sh                 all scenarios (about 6 minutes, needs ~3 GB of free disk for a moment)
#   bench/run.sh smoke           one or more of: smoke scale gateway ideal big ingest pace cluster
#   bench/run.sh adaptive        the learned schedule against the plain interval (also adaptive-notail,
#                                adaptive-uniform); TIME_SCALE=4 runs them four times faster, ADAPTIVE_TASKS=2000
#   bench/run.sh ark             Ark's provider with and without its list query (ARK_TASKS=2000; TIME_SCALE as for adaptive)
#   bench/run.sh notify          notifications against the learned schedule (NOTIFY_TASKS=1000 over NOTIFY_SPREAD=300s;
#                                NOTIFY_TIME_SCALE=4 runs it four times faster)
#   bench/run.sh custom          one scenario from the variables below
#
# Variables (for "custom", or to change a preset: SCALE_TASKS=20000 bench/run.sh scale):
#   TASKS, SIZE (64KB, 2MB, 1GB), READY (30s: ready this long after the task's first fetch),
#   INTERVAL (poll interval), DELAY (per fetch, e.g. 80ms), RATE (per download connection, e.g. 10MB),
#   XMX (heap of the app), FILES (inbox files the ids are spread over),
#   PACE_SECONDS (how long "pace" fetches, 60), PACE_ADMIT (what its gateway admits a second, 50), PACE_TASKS (2000)
#   BIG_SIZE (1GB), BIG_RUNS (5: "big" downloads that many times and is judged on the medians),
#   BIG_SETTLE (3: seconds between the app's start and the drop in "big")
#   INSTANCES (more than 1: that many apps share one throw-away PostgreSQL, see "cluster")
#   BENCH_JAVA_OPTS   extra JVM options for the app (e.g. a flight recording)
#   BENCH_TMP         where the temporary working folders go (default /tmp)
#   KEEP=1            keep the working folders (logs, outputs) instead of removing them
#
# Everything runs on loopback; every wait is bounded; the script stops what it started on exit.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
JAR="$ROOT/target/jimeng-fetcher.jar"
KEY="bench-key-$$"
[ -f "$JAR" ] || { echo "no $JAR: build first with mvn -B -DskipTests package" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }

WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/jimeng-bench.XXXXXX")
APP_PIDS=()
GW_PID=""
SAMPLER_PID=""
PG_DIR=""
PG_BIN=""

stop_pid() { # pid, grace seconds
    local pid=$1 grace=${2:-10} i
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for ((i = 0; i < grace * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

stop_apps() {
    local pid
    for pid in "${APP_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${APP_PIDS[@]}"; do stop_pid "$pid" 15; done
    APP_PIDS=()
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A throw-away PostgreSQL (Debian's server, run as user postgres) for the shared store: fsync off
# (PG_DURABLE=1: fsync and synchronous_commit on, as a real server), pg_stat_statements loaded when
# the server has it. Sets PG_PORT.
start_postgres() {
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -x "$PG_BIN/pg_ctl" ] || { log "no PostgreSQL server (apt-get install postgresql)"; return 1; }
    # Its own folder: the server's user cannot enter $WORK.
    PG_DIR=$(mktemp -d "${BENCH_TMP:-/tmp}/jimeng-bench-pg.XXXXXX")
    chown postgres:postgres "$PG_DIR"
    PG_PORT=$(free_port)
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-locale --no-sync > "$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    local preload="" durability="-c fsync=off -c synchronous_commit=off"
    [ "${PG_DURABLE:-0}" = 1 ] && durability="-c fsync=on -c synchronous_commit=on"
    ls "$(dirname "$PG_BIN")"/lib/pg_stat_statements.so >/dev/null 2>&1 && preload="-c shared_preload_libraries=pg_stat_statements"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR $durability -c max_connections=200 $preload" start \
        > /dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
    [ -n "$preload" ] && sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" > /dev/null
    return 0
}

stop_postgres() {
    [ -n "$PG_DIR" ] || return 0
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop > /dev/null 2>&1
    rm -rf "$PG_DIR"
    PG_DIR=""
}

sql() {
    "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -X -q -tA -c "$1"
}

# Transactions the database committed or rolled back so far (every statement of the app is one).
db_transactions() {
    sql "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'postgres'"
}

# What the database did so far, one line: statements (pg_stat_statements calls, 0 without it), row
# writes (inserts + updates + deletes in every table), updates, HOT updates, WAL bytes (pg_stat_wal, 14+).
db_counters() {
    local statements=0
    [ -n "$(sql "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")" ] \
        && statements=$(sql "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'postgres')")
    echo "$statements $(sql "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) || ' ' || coalesce(sum(n_tup_upd), 0) || ' '
        || coalesce(sum(n_tup_hot_upd), 0) FROM pg_stat_user_tables") $(sql "SELECT wal_bytes FROM pg_stat_wal" 2>/dev/null || echo 0)"
}

CLEANED=0
cleanup() {
    [ "$CLEANED" = 1 ] && return
    CLEANED=1
    stop_pid "$SAMPLER_PID" 1
    stop_apps
    stop_pid "$GW_PID" 5
    GW_PID="" SAMPLER_PID=""
    stop_postgres
    if [ "${KEEP:-0}" = 1 ]; then
        echo "working folders kept in $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
log() { echo "[$(date +%T)] $*" >&2; }

# Sizes as bytes: 64KB, 2MB, 1GB, 512 (bytes).
to_bytes() {
    local v=${1^^}
    case "$v" in
        *GB) echo $(( ${v%GB} * 1073741824 ));;
        *MB) echo $(( ${v%MB} * 1048576 ));;
        *KB) echo $(( ${v%KB} * 1024 ));;
        *) echo "${v%B}";;
    esac
}
# Durations as ms: 80ms, 5s, 2m.
to_ms() {
    case "$1" in
        *ms) echo "${1%ms}";;
        *s) echo $(( ${1%s} * 1000 ));;
        *m) echo $(( ${1%m} * 60000 ));;
        *h) echo $(( ${1%h} * 3600000 ));;
        *) echo "$1";;
    esac
}

# The fake API and storage host: the tests' own (src/test/java/.../support/fake), JDK only.
FAKE_GATEWAY=io.github.jimengfetcher.support.fake.BenchMain
javac -d "$WORK/classes" "$ROOT"/src/test/java/io/github/jimengfetcher/support/fake/*.java || exit 2

TABLE="$WORK/table.txt"
CHECKS="$WORK/checks.txt"
printf '%-8s %6s %6s %8s %7s %6s %12s %7s %8s %7s %5s %8s %8s %6s %8s %8s\n' \
    scenario tasks size wall_s ideal_s ratio fetch_max/avg on_time lat_max rss_MB thr dl_MB/s curl_MB/s dl/crl db_tx/s tx/fetch > "$TABLE"
: > "$CHECKS"
ADAPTIVE_TABLE="$WORK/adaptive-table.txt"
printf '%-15s %6s %5s %9s %9s %6s %9s %9s %6s %9s %9s\n' scenario tasks scale fetch_fix fetch_ada ratio lat_fix_ms lat_ada_ms ratio p95_fix p95_ada > "$ADAPTIVE_TABLE"
NOTIFY_TABLE="$WORK/notify-table.txt"
printf '%-8s %6s %5s %11s %9s %9s %9s %12s %9s %9s\n' scenario tasks scale fallback_ms fetch_on fetch_off p50_on_ms p50_off_ms lost_on_ms lost_off_ms > "$NOTIFY_TABLE"
ARK_TABLE="$WORK/ark-table.txt"
printf '%-8s %6s %5s %9s %9s %9s %9s %9s %9s %9s %9s\n' scenario tasks scale req_off req_on fetch_off fetch_on gap_off_ms gap_on_ms wall_off_s wall_on_s > "$ARK_TABLE"

check() { # scenario, description, awk condition, measured text
    local verdict=FAIL
    if awk "BEGIN { exit !($3) }"; then verdict=PASS; fi
    printf '%-4s %-8s %s: %s\n' "$verdict" "$1" "$2" "$4" >> "$CHECKS"
}

# One scenario. Arguments: name tasks size ready interval delay rate xmx files [instances]
run_scenario() {
    local name=$1 tasks=$2 size=$3 ready=$4 interval=$5 delay=$6 rate=$7 xmx=$8 files=$9 instances=${10:-1}
    local dir="$WORK/$name${BIG_RUN:+-$BIG_RUN}"
    local size_b rate_b ready_ms interval_ms
    size_b=$(to_bytes "$size"); rate_b=$(to_bytes "$rate"); ready_ms=$(to_ms "$ready"); interval_ms=$(to_ms "$interval")
    mkdir -p "$dir/stage"
    cp -r "$ROOT/routes" "$ROOT/application.properties" "$dir/"
    log "$name: $tasks tasks in $files file(s), video $size, ready after $ready, poll every $interval, fetch delay $delay, rate ${rate}/s per connection, -Xmx$xmx"

    # -- the fake API and storage host
    java -Xms1g -Xmx2g -cp "$WORK/classes" "$FAKE_GATEWAY" --port-file "$dir/port" --key "$KEY" \
        --ready-after "$ready" --video-size "$size_b" --fetch-delay "$delay" --rate "$rate_b" \
        --interval "$interval_ms" --admit-rate "${ADMIT_RATE:-0}" --results "$dir/data/output/results" --max-life 30m \
        > "$dir/gateway.log" 2>&1 &
    GW_PID=$!
    local i
    for ((i = 0; i < 300; i++)); do [ -s "$dir/port" ] && break; sleep 0.1; done
    [ -s "$dir/port" ] || { log "$name: the fake gateway did not start"; cat "$dir/gateway.log" >&2; return 1; }
    local port base
    port=$(cat "$dir/port"); base="http://127.0.0.1:$port"

    # -- loopback bandwidth: curl -o from the same server, 3 times, the median counts.
    # Big enough to measure bandwidth rather than request overhead, unless the host is rate limited.
    local probe=$size_b
    if [ "$rate_b" = 0 ] && [ "$probe" -lt $((256 * 1048576)) ]; then probe=$((256 * 1048576)); fi
    local speeds=()
    for i in 1 2 3; do
        speeds+=("$(curl -s -o "$dir/curl-probe.mp4" -w '%{speed_download}' "$base/videos/probe.mp4?probe=1&size=$probe")")
        rm -f "$dir/curl-probe.mp4"
    done
    local curl_bps
    curl_bps=$(printf '%s\n' "${speeds[@]}" | sort -n | sed -n 2p)
    log "$name: curl -o of $((probe >> 20)) MB: $(printf '%s ' "${speeds[@]}" | awk '{for(i=1;i<=NF;i++) printf "%.0f ", $i/1048576}')MB/s"

    # -- several instances share one PostgreSQL store (and the inbox and output folders)
    local store_url=""
    if [ "$instances" -gt 1 ]; then
        start_postgres || { log "$name: PostgreSQL did not start"; return 1; }
        store_url="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres"
        log "$name: $instances instances on PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at 127.0.0.1:$PG_PORT (fsync off)"
    fi

    # -- the app: the real jar, routes and settings; only what the scenario needs is overridden.
    local n app_log
    for ((n = 1; n <= instances; n++)); do
        app_log="$dir/app.log"; [ "$instances" -gt 1 ] && app_log="$dir/app-$n.log"
        (
            cd "$dir" || exit 1
            export JIMENG_API_BASE_URL="$base" JIMENG_API_KEY="$KEY" JIMENG_FETCH_INTERVAL="$interval"
            # A free port for the status page: a jimeng-fetcher already running here keeps 8080.
            export JIMENG_HTTP_PORT="$(free_port)"
            # These scenarios check the plain interval (fetches per task, gaps within 1.5 x interval):
            # the learned schedule is off unless asked for; the adaptive scenarios compare the two.
            export JIMENG_FETCH_ADAPTIVE="${JIMENG_FETCH_ADAPTIVE:-false}"
            # A scenario's tasks must not time out while it runs.
            export JIMENG_FETCH_TASK_TIMEOUT=2h
            if [ -n "$store_url" ]; then
                export JIMENG_STORE_URL="$store_url" JIMENG_STORE_USER=postgres JIMENG_STORE_INSTANCE_ID="bench-$n"
                # One work folder each; inbox and output are shared.
                export JIMENG_WORK_FOLDER="data/work-$n"
            fi
            # shellcheck disable=SC2086
            exec java "-Xmx$xmx" ${BENCH_JAVA_OPTS:-} -jar "$JAR"
        ) > "$app_log" 2>&1 &
        APP_PIDS+=($!)
    done
    for ((n = 1; n <= instances; n++)); do
        app_log="$dir/app.log"; [ "$instances" -gt 1 ] && app_log="$dir/app-$n.log"
        for ((i = 0; i < 600; i++)); do
            grep -q ' started in ' "$app_log" 2>/dev/null && break
            kill -0 "${APP_PIDS[$((n - 1))]}" 2>/dev/null || break
            sleep 0.1
        done
        grep -q ' started in ' "$app_log" || { log "$name: the app did not start"; tail -20 "$app_log" >&2; return 1; }
    done
    local APP_PID=${APP_PIDS[0]}

    # -- sample the apps' live threads five times a second while they run (the most of any one)
    (
        max=0
        for ((k = 0; k < 20 * 60 * 5; k++)); do
            alive=0
            for pid in "${APP_PIDS[@]}"; do
                t=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || continue
                [ -n "$t" ] || continue
                alive=1
                [ "$t" -gt "$max" ] && { max=$t; echo "$max" > "$dir/threads.max"; }
            done
            [ "$alive" = 1 ] || break
            sleep 0.2
        done
    ) &
    SAMPLER_PID=$!

    # -- "big" times one transfer in a running service: its drop waits until the app's start-up work
    # (the JIT compiling the hot paths, the checksum warm-up) is over, which would share the CPU with it.
    [ "$name" = big ] && sleep "${BIG_SETTLE:-3}"

    # -- the task-id files: written aside, then moved into the inbox at once
    awk -v n="$tasks" -v f="$files" -v d="$dir/stage" -v p="bench-$name-" \
        'BEGIN { for (i = 0; i < n; i++) print p i > (d "/ids-" sprintf("%03d", int(i * f / n)) ".txt") }'
    mkdir -p "$dir/data/inbox"
    local t0 tx0=""
    local db0=""
    [ -n "$store_url" ] && { tx0=$(db_transactions); db0=$(db_counters); }
    t0=$(now_ms)
    mv "$dir/stage/"* "$dir/data/inbox/"

    # -- wait until done (bounded)
    local limit_s=$(( (ready_ms + 2 * interval_ms) / 1000 * 4 + 180 ))
    [ "$limit_s" -gt 900 ] && limit_s=900
    local done_count=0 last_log=0
    for ((i = 0; i < limit_s * 4; i++)); do
        kill -0 "$APP_PID" 2>/dev/null || { log "$name: the app stopped"; break; }
        if [ "$name" = ingest ]; then
            done_count=$(ls -U "$dir/data/inbox/.done" 2>/dev/null | wc -l)
            [ "$done_count" -ge "$files" ] && break
        elif [ "$name" = pace ]; then
            # No task finishes: the app fetches for a fixed time.
            [ $(( $(now_ms) - t0 )) -ge $(( ${PACE_SECONDS:-60} * 1000 )) ] && break
        else
            done_count=$(( $(ls -U "$dir/data/output/results" 2>/dev/null | grep -c '\.json$') + $(ls -U "$dir/data/output/failed" 2>/dev/null | grep -c '\.json$') ))
            [ "$done_count" -ge "$tasks" ] && break
        fi
        if (( i - last_log >= 40 )); then
            last_log=$i
            log "$name: $done_count done after $(( ($(now_ms) - t0) / 1000 )) s, threads $(awk '/^Threads:/ {print $2}' /proc/$APP_PID/status 2>/dev/null)"
        fi
        sleep 0.25
    done

    # -- measure, then stop
    sleep 0.3
    local stats rss threads pid tx_s=- tx_fetch=-
    stats=$(curl -s "$base/stats")
    echo "$stats" > "$dir/stats.txt"
    get() { echo "$stats" | awk -v k="$1" '$1 == k {print $2}'; }
    if [ -n "$store_url" ]; then
        local tx1 busy_ms
        tx1=$(db_transactions)
        busy_ms=$(( $(now_ms) - t0 ))
        tx_s=$(awk -v a="$tx0" -v b="$tx1" -v t="$busy_ms" 'BEGIN { printf "%.0f", (b - a) * 1000 / t }')
        tx_fetch=$(awk -v a="$tx0" -v b="$tx1" -v f="$(get fetches_total)" 'BEGIN { printf "%.2f", (f > 0 ? (b - a) / f : 0) }')
        log "$name: $((tx1 - tx0)) database transactions in $((busy_ms / 1000)) s for $(get fetches_total) fetches"
        # The servers' table statistics reach the shared counters within a second of a backend going idle.
        sleep 1.5
        local db1
        db1=$(db_counters)
        log "$name: per fetch: $(awk -v a="$db0" -v b="$db1" -v f="$(get fetches_total)" -v t="$((tx1 - tx0))" 'BEGIN {
            split(a, x, " "); split(b, y, " "); if (f == 0) f = 1
            upd = y[3] - x[3]; hot = y[4] - x[4]
            printf "%.2f statements, %.2f transactions, %.2f row writes, HOT %.0f%% of %d updates, %.0f WAL bytes",
                (y[1] - x[1]) / f, t / f, (y[2] - x[2]) / f, (upd > 0 ? 100 * hot / upd : 0), upd, (y[5] - x[5]) / f }');"\
" durable: fsync=$(sql 'SHOW fsync'), synchronous_commit=$(sql 'SHOW synchronous_commit')"
        sql "SELECT calls, rows, round(total_exec_time) AS ms, left(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'postgres') ORDER BY calls DESC LIMIT 12" \
            > "$dir/statements.txt" 2>/dev/null && { log "$name: statements by calls (calls|rows|ms|query):"; cat "$dir/statements.txt" >&2; }
        # A fetch of a task in progress costs its share of the releases and the fetch claims (alone or
        # carrying releases; download claims carrying releases left out); every task's last fetch found it done.
        local fetch_statements
        fetch_statements=$(sql "SELECT sum(calls) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'postgres')
             AND (query LIKE '%ORDER BY next_at LIMIT%' OR query LIKE '%SET phase = w.phase%' AND query NOT LIKE '%videoUrlExpiresAt%')" 2>/dev/null)
        [ -n "$fetch_statements" ] && log "$name: fetch statements (releases, fetch claims): $fetch_statements for $(( $(get fetches_total) - tasks )) fetches of tasks in progress: $(awk -v s="$fetch_statements" -v f="$(( $(get fetches_total) - tasks ))" 'BEGIN { printf "%.2f", (f > 0 ? s / f : 0) }') each"
    fi
    rss=0
    for pid in "${APP_PIDS[@]}"; do
        rss=$(awk -v r="$rss" '/^VmHWM:/ {v = $2 / 1024; printf "%.0f", (v > r ? v : r)}' "/proc/$pid/status" 2>/dev/null || echo "$rss")
    done
    stop_pid "$SAMPLER_PID" 1; SAMPLER_PID=""
    threads=$(cat "$dir/threads.max" 2>/dev/null || echo 0)
    stop_apps
    stop_pid "$GW_PID" 5; GW_PID=""
    stop_postgres

    local results failed
    results=$(ls -U "$dir/data/output/results" 2>/dev/null | grep -c '\.json$')
    failed=$(ls -U "$dir/data/output/failed" 2>/dev/null | grep -c '\.json$')
    local wall_ms ideal_ms bound_ms dl_mbs curl_mbs ratio_dl
    curl_mbs=$(awk -v b="$curl_bps" 'BEGIN { printf "%.0f", b / 1048576 }')
    local transfer_ms
    if [ "$rate_b" != 0 ]; then
        transfer_ms=$(awk -v s="$size_b" -v r="$rate_b" 'BEGIN { printf "%.0f", s * 1000 / r }')
    else
        transfer_ms=$(awk -v s="$size_b" -v b="$curl_bps" 'BEGIN { printf "%.0f", s * 1000 / b }')
    fi

    if [ "$name" = pace ]; then
        local pace_rate pace_pct gap_mean gap_max
        pace_rate=$(get pace_admitted_per_s); pace_pct=$(get pace_limited_pct)
        gap_mean=$(get pace_gap_mean_ms); gap_max=$(get pace_gap_max_ms)
        log "$name: admitted/429 fetches each second: $(get pace_seconds)"
        check "$name" "sustains >= 45 fetches/s (a gateway admitting ${ADMIT_RATE:-0}/s)" "$pace_rate >= 45" \
            "$pace_rate admitted fetches/s over $(get pace_window_s) s after a 10 s warm-up"
        check "$name" "< 2% of fetches answered 429" "$pace_pct < 2" "$pace_pct% ($(get pace_limited) 429s in the window, $(get fetches_limited) in all)"
        check "$name" "every task keeps being fetched: no gap above 2 x the mean gap" "$gap_max <= 2 * $gap_mean" \
            "gap mean $gap_mean ms, max $gap_max ms"
        check "$name" "every task fetched (answered, not 429) at least once" "$(get tasks) == $tasks" "$(get tasks) of $tasks tasks"
        wall_ms=$(( $(now_ms) - t0 )); ideal_ms=0; dl_mbs=-; ratio_dl=-
    elif [ "$name" = ingest ]; then
        local last_move registered
        last_move=$(date -r "$dir/data/inbox/.done" +%s%3N)
        wall_ms=$((last_move - t0))
        registered=$(grep -o 'inbox [^ ]*: [0-9]* new tasks' "$dir/app.log" | awk '{s += $3} END {print s + 0}')
        ideal_ms=$((tasks * 1000 / 2000))
        local ids_per_s
        ids_per_s=$(awk -v n="$registered" -v w="$wall_ms" 'BEGIN { printf "%.0f", n * 1000 / w }')
        check "$name" "registered ids/s >= 2000 ($files files)" "$ids_per_s >= 2000 && $registered == $tasks" \
            "$registered ids registered in $(awk -v w="$wall_ms" 'BEGIN {printf "%.1f", w/1000}') s from the drop to the last file moved to .done = $ids_per_s ids/s"
        dl_mbs=-; ratio_dl=-
    else
        wall_ms=$(( $(get last_result) - t0 ))
        [ "$results" -ge "$tasks" ] || wall_ms=$(( $(now_ms) - t0 ))
        if [ "$rate_b" != 0 ]; then
            ideal_ms=$((ready_ms + transfer_ms))
        else
            ideal_ms=$(awk -v r="$ready_ms" -v n="$tasks" -v s="$size_b" -v b="$curl_bps" 'BEGIN { printf "%.0f", r + n * s * 1000 / b }')
        fi
        if [ "$tasks" = 1 ]; then
            # One video: the app's transfer as the server timed it, against curl's, timed the same way.
            local probe_ms
            probe_ms=$(echo "$stats" | awk '$1 ~ /^probe_[0-9]+_ms$/ {print $2}' | sort -n | sed -n 2p)
            dl_mbs=$(awk -v s="$size_b" -v t="$(get single_download_ms)" 'BEGIN { printf "%.0f", s / 1048576 / (t / 1000) }')
            curl_mbs=$(awk -v s="$probe" -v t="$probe_ms" 'BEGIN { printf "%.0f", s / 1048576 / (t / 1000) }')
        else
            dl_mbs=$(awk -v s="$(get bytes_sent)" -v p="$((3 * probe))" -v a="$(get download_first_start)" -v e="$(get download_last_end)" \
                'BEGIN { if (e > a) printf "%.0f", (s - p) / 1048576 / ((e - a) / 1000); else print 0 }')
        fi
        ratio_dl=$(awk -v a="$dl_mbs" -v b="$curl_mbs" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        check "$name" "all tasks done" "$results == $tasks" "$results results, $failed failed of $tasks"
        check "$name" "fetches per task <= ceil(T/interval)+1 = $(get fetches_bound)" "$(get fetches_over_bound) == 0" \
            "max $(get fetches_max), mean $(get fetches_mean), $(get fetches_over_bound) tasks over"
        check "$name" "one download per task" "$(get downloads_max_per_task) <= 1" "max $(get downloads_max_per_task)"
        [ "$(get gaps)" = 0 ] || check "$name" ">= 95% of due fetches within 1.5 x interval" "$(get gaps_on_time_pct) >= 95" \
            "$(get gaps_on_time_pct)% of $(get gaps) (gap p50 $(get gap_p50_ms) ms, p95 $(get gap_p95_ms) ms, max $(get gap_max_ms) ms; $(get gaps_early) earlier than 0.95 x interval)"
        check "$name" "latency ready->result <= interval + transfer + 1 s = $((interval_ms + transfer_ms + 1000)) ms" \
            "$(get latency_max_ms) <= $((interval_ms + transfer_ms + 1000))" "max $(get latency_max_ms) ms, p95 $(get latency_p95_ms) ms"
        case "$name" in
            gateway)
                bound_ms=$((ideal_ms * 3 / 2))
                check "$name" "wall <= 1.5 x ideal = $bound_ms ms" "$wall_ms <= $bound_ms" "$wall_ms ms";;
            big)
                # Judged on the medians of all runs (run_big); each run is logged.
                echo "$dl_mbs $curl_mbs $(get latency_max_ms) $wall_ms $probe_ms" >> "$WORK/big-runs.txt"
                log "$name: run ${BIG_RUN:-1}: download $dl_mbs MB/s vs curl $curl_mbs MB/s ($ratio_dl; both timed by the server, request to last byte sent); result on disk (hash, checks, fsync, rename, JSON) $(get latency_max_ms) ms after the task turned ready, $wall_ms ms after the drop"
                check "$name" "peak RSS with -Xmx$xmx" "1" "$rss MB";;
            *)
                bound_ms=$(awk -v i="$ideal_ms" -v v="$interval_ms" 'BEGIN { printf "%.0f", 1.2 * i + v }')
                check "$name" "wall <= 1.2 x ideal + interval = $bound_ms ms" "$wall_ms <= $bound_ms" "$wall_ms ms";;
        esac
        [ "$name" = scale ] && check "$name" "threads <= 64" "$threads <= 64" "max $threads live threads (sampled every 0.2 s)"
        check "$name" "concurrent fetches / downloads at the server" "1" \
            "max $(get max_concurrent_fetches) fetches, $(get max_concurrent_downloads) downloads at once"
    fi

    local col_fetch="$(get fetches_max)/$(get fetches_mean)" col_on="$(get gaps_on_time_pct)%" col_lat="$(get latency_max_ms)ms"
    [ "$(get gaps)" = 0 ] && col_on=-
    if [ "$name" = ingest ] || [ "$name" = pace ]; then col_fetch=-; col_on=-; col_lat=-; fi
    printf '%-8s %6s %6s %8.1f %7.1f %6.2f %12s %7s %8s %7s %5s %8s %8s %6s %8s %8s\n' \
        "$name" "$tasks" "$size" "$(awk -v w="$wall_ms" 'BEGIN{print w/1000}')" "$(awk -v w="$ideal_ms" 'BEGIN{print w/1000}')" \
        "$(awk -v w="$wall_ms" -v i="$ideal_ms" 'BEGIN{print (i > 0 ? w/i : 0)}')" \
        "$col_fetch" "$col_on" "$col_lat" "$rss" "$threads" \
        "$dl_mbs" "$curl_mbs" "$ratio_dl" "$tx_s" "$tx_fetch" >> "$TABLE"
    log "$name: $(cat "$dir"/app*.log | grep -cE ' (ERROR|WARN) ') warnings/errors in the app log(s)"
    [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"
    log "$name: done in $(awk -v w="$wall_ms" 'BEGIN{print w/1000}') s"
}

# Both fetch policies side by side on one fake gateway: two apps, each its own task ids, work and output,
# one on the plain interval (JIMENG_FETCH_ADAPTIVE=false), one on the learned schedule. Each task's
# duration is drawn by its number, so task N takes as long for both. Arguments: name load max_fetch_ratio
# max_latency_ratio, where load is lognormal-tail, lognormal or uniform (see BenchTasks#durationOf in support/fake).
# ADAPTIVE_TASKS (2000, arriving as a stream over ADAPTIVE_SPREAD, 600s), ADAPTIVE_TEACH (300: the first tasks to
# become ready teach and are left out),
# TIME_SCALE (1: the issue's figures; 4 divides every duration and the interval by 4, so a run takes a quarter).
run_adaptive() {
    local name=$1 load=$2 max_fetch=$3 max_latency=$4
    local tasks=${ADAPTIVE_TASKS:-2000} teach=${ADAPTIVE_TEACH:-300} scale=${TIME_SCALE:-1}
    local dir="$WORK/$name" interval_ms
    interval_ms=$(awk -v s="$scale" 'BEGIN { printf "%.0f", 10000 / s }')
    local longest_s
    longest_s=$(awk -v s="$scale" -v l="$load" 'BEGIN { m = (l == "uniform" ? 300 : (l == "lognormal" ? 200 : 600)); printf "%.0f", m / s }')
    mkdir -p "$dir"
    log "$name: $tasks tasks x 2 policies, durations $load (time scale $scale), plain interval ${interval_ms} ms against the learned schedule; the first $teach to be ready teach"

    java -Xms256m -Xmx1g -cp "$WORK/classes" "$FAKE_GATEWAY" --port-file "$dir/port" --key "$KEY" \
        --durations "$load" --time-scale "$scale" --teach "$teach" --video-size 65536 --interval "$interval_ms" \
        --results "$dir/fixed/data/output/results:$dir/adaptive/data/output/results" --plans "$dir/adaptive/app.log" --max-life 2h \
        > "$dir/gateway.log" 2>&1 &
    GW_PID=$!
    local i
    for ((i = 0; i < 300; i++)); do [ -s "$dir/port" ] && break; sleep 0.1; done
    [ -s "$dir/port" ] || { log "$name: the fake gateway did not start"; cat "$dir/gateway.log" >&2; return 1; }
    local base policy
    base="http://127.0.0.1:$(cat "$dir/port")"

    for policy in fixed adaptive; do
        mkdir -p "$dir/$policy/stage" "$dir/$policy/data/inbox"
        cp -r "$ROOT/routes" "$ROOT/application.properties" "$dir/$policy/"
        (
            cd "$dir/$policy" || exit 1
            export JIMENG_API_BASE_URL="$base" JIMENG_API_KEY="$KEY" JIMENG_FETCH_INTERVAL="${interval_ms}ms" JIMENG_FETCH_TASK_TIMEOUT=2h
            export JIMENG_HTTP_PORT="$(free_port)"
            if [ "$policy" = adaptive ]; then
                export JIMENG_FETCH_ADAPTIVE=true
                plans="-Djimengfetcher.log.plans=DEBUG"
            else
                export JIMENG_FETCH_ADAPTIVE=false
                plans=""
            fi
            # shellcheck disable=SC2086
            exec java -Xmx256m $plans ${BENCH_JAVA_OPTS:-} -jar "$JAR"
        ) > "$dir/$policy/app.log" 2>&1 &
        APP_PIDS+=($!)
        # batches of 20 ids, dropped one after the other (below)
        awk -v n="$tasks" -v d="$dir/$policy/stage" -v p="bench-$policy-" \
            'BEGIN { for (i = 0; i < n; i++) print p i > (d "/ids-" sprintf("%05d", int(i / 20)) ".txt") }'
    done
    for policy in fixed adaptive; do
        for ((i = 0; i < 600; i++)); do
            grep -q ' started in ' "$dir/$policy/app.log" 2>/dev/null && break
            sleep 0.1
        done
        grep -q ' started in ' "$dir/$policy/app.log" || { log "$name: the $policy app did not start"; tail -20 "$dir/$policy/app.log" >&2; return 1; }
    done
    # The tasks come as a steady stream, as they would from users: a batch of 20 to both apps at once,
    # spread over ADAPTIVE_SPREAD (600 s, divided by the time scale). Tasks submitted before anything was
    # learned are fetched at the plain interval; they are mostly the first to finish, which teach.
    local batches spread_ms step_ms
    batches=$(ls "$dir/fixed/stage" | wc -l)
    spread_ms=$(awk -v s="$scale" -v t="$(to_ms "${ADAPTIVE_SPREAD:-600s}")" 'BEGIN { printf "%.0f", t / s }')
    step_ms=$(( spread_ms / batches ))
    local t0 limit_s done_count=0 last_log=0 batch k=0
    t0=$(now_ms)
    (
        for batch in $(ls "$dir/fixed/stage"); do
            while [ "$(now_ms)" -lt $(( t0 + k * step_ms )) ]; do sleep 0.05; done
            mv "$dir/fixed/stage/$batch" "$dir/fixed/data/inbox/" && mv "$dir/adaptive/stage/$batch" "$dir/adaptive/data/inbox/"
            k=$((k + 1))
        done
    ) &
    local feeder=$!
    limit_s=$(( spread_ms / 1000 + longest_s * 2 + 180 ))
    for ((i = 0; i < limit_s * 4; i++)); do
        done_count=$(( $(ls -U "$dir/fixed/data/output/results" 2>/dev/null | grep -c '\.json$') + $(ls -U "$dir/adaptive/data/output/results" 2>/dev/null | grep -c '\.json$') ))
        [ "$done_count" -ge $((2 * tasks)) ] && break
        if (( i - last_log >= 120 )); then
            last_log=$i
            log "$name: $done_count of $((2 * tasks)) done after $(( ($(now_ms) - t0) / 1000 )) s"
        fi
        sleep 0.25
    done
    sleep 0.5
    stop_pid "$feeder" 1
    local stats
    stats=$(curl -s "$base/stats")
    echo "$stats" > "$dir/stats.txt"
    stop_apps
    stop_pid "$GW_PID" 5; GW_PID=""
    get() { echo "$stats" | awk -v k="$1" '$1 == k {print $2}'; }
    local f="group.bench-fixed." a="group.bench-adaptive."
    local fetch_ratio latency_ratio
    fetch_ratio=$(awk -v a="$(get ${a}fetches_mean)" -v f="$(get ${f}fetches_mean)" 'BEGIN { printf "%.3f", (f > 0 ? a / f : 99) }')
    latency_ratio=$(awk -v a="$(get ${a}latency_mean_ms)" -v f="$(get ${f}latency_mean_ms)" 'BEGIN { printf "%.3f", (f > 0 ? a / f : 99) }')
    check "$name" "all tasks done, both policies" "$(get ${f}results) == $tasks && $(get ${a}results) == $tasks" \
        "fixed $(get ${f}results), adaptive $(get ${a}results) of $tasks"
    check "$name" "fixed: fetches per task <= ceil(T/interval)+1" "$(get ${f}fetches_over_bound) == 0" "$(get ${f}fetches_over_bound) tasks over"
    check "$name" "fixed: >= 95% of due fetches within 1.5 x interval" "$(get ${f}gaps_on_time_pct) >= 95" \
        "$(get ${f}gaps_on_time_pct)% ($(get ${f}gaps_early) earlier than 0.95 x interval)"
    check "$name" "adaptive: no fetch before its planned time, >= 95% within 1.5 x the planned gap" \
        "$(get ${a}plan_early) == 0 && $(get ${a}plan_on_time_pct) >= 95 && $(get ${a}plan_unmatched_tasks) == 0" \
        "$(get ${a}plan_on_time_pct)% of $(get ${a}plan_gaps) planned gaps, $(get ${a}plan_early) early, $(get ${a}plan_unmatched_tasks) tasks whose fetches and plans do not pair"
    check "$name" "adaptive fetches per task <= $max_fetch x fixed" "$fetch_ratio <= $max_fetch" \
        "$(get ${a}fetches_mean) vs $(get ${f}fetches_mean) = $fetch_ratio"
    check "$name" "adaptive mean latency <= $max_latency x fixed" "$latency_ratio <= $max_latency" \
        "$(get ${a}latency_mean_ms) ms vs $(get ${f}latency_mean_ms) ms = $latency_ratio"
    printf '%-15s %6s %5s %9s %9s %6s %9s %9s %6s %9s %9s\n' "$name" "$tasks" "$scale" \
        "$(get ${f}fetches_mean)" "$(get ${a}fetches_mean)" "$fetch_ratio" \
        "$(get ${f}latency_mean_ms)" "$(get ${a}latency_mean_ms)" "$latency_ratio" \
        "$(get ${f}latency_p95_ms)" "$(get ${a}latency_p95_ms)" >> "$ADAPTIVE_TABLE"
    log "$name: $(cat "$dir"/*/app.log | grep -cE ' (ERROR|WARN) ') warnings/errors in the app logs"
    [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"
    log "$name: done in $(( ($(now_ms) - t0) / 1000 )) s"
}

# Notifications against the learned schedule, side by side on the same load: two apps, one told by
# the fake gateway when a task turns ready (for 9 tasks in 10; the 10th's notification is lost), the
# other on the learned schedule without notifications.
run_notify() {
    local name=notify tasks=${NOTIFY_TASKS:-1000} scale=${NOTIFY_TIME_SCALE:-1}
    local dir="$WORK/notify" interval_ms fallback_ms spread_ms
    interval_ms=$(awk -v s="$scale" 'BEGIN { printf "%.0f", 10000 / s }')
    fallback_ms=$(awk -v s="$scale" 'BEGIN { printf "%.0f", 120000 / s }')
    spread_ms=$(awk -v s="$scale" -v t="$(to_ms "${NOTIFY_SPREAD:-300s}")" 'BEGIN { printf "%.0f", t / s }')
    local secret="bench-notify-secret-$$" notify_port
    notify_port=$(free_port)
    mkdir -p "$dir"
    log "$name: $tasks tasks x 2 apps arriving over $((spread_ms / 1000)) s, durations log-normal (median 60 s), time scale $scale; notifications (fallback ${fallback_ms} ms, 90 % notified) against the learned schedule (interval ${interval_ms} ms)"

    java -Xms256m -Xmx1g -cp "$WORK/classes" "$FAKE_GATEWAY" --port-file "$dir/port" --key "$KEY" \
        --durations lognormal --time-scale "$scale" --video-size 65536 --interval "$interval_ms" \
        --results "$dir/notified/data/output/results:$dir/learned/data/output/results" --max-life 2h \
        --notify "bench-notified=http://127.0.0.1:$notify_port/notify/$secret" > "$dir/gateway.log" 2>&1 &
    GW_PID=$!
    local i
    for ((i = 0; i < 300; i++)); do [ -s "$dir/port" ] && break; sleep 0.1; done
    [ -s "$dir/port" ] || { log "$name: the fake gateway did not start"; cat "$dir/gateway.log" >&2; return 1; }
    local base app
    base="http://127.0.0.1:$(cat "$dir/port")"

    for app in notified learned; do
        mkdir -p "$dir/$app/stage" "$dir/$app/data/inbox"
        cp -r "$ROOT/routes" "$ROOT/application.properties" "$dir/$app/"
        (
            cd "$dir/$app" || exit 1
            export JIMENG_API_BASE_URL="$base" JIMENG_API_KEY="$KEY" JIMENG_FETCH_INTERVAL="${interval_ms}ms" JIMENG_FETCH_TASK_TIMEOUT=2h
            export JIMENG_HTTP_PORT="$(free_port)" JIMENG_FETCH_ADAPTIVE=true
            if [ "$app" = notified ]; then
                export JIMENG_NOTIFY_ENABLED=true JIMENG_NOTIFY_PORT="$notify_port" JIMENG_NOTIFY_SECRET="$secret"
                export JIMENG_NOTIFY_FALLBACK_INTERVAL="${fallback_ms}ms"
            fi
            # shellcheck disable=SC2086
            exec java -Xmx256m ${BENCH_JAVA_OPTS:-} -jar "$JAR"
        ) > "$dir/$app/app.log" 2>&1 &
        APP_PIDS+=($!)
        awk -v n="$tasks" -v d="$dir/$app/stage" -v p="bench-$app-" \
            'BEGIN { for (i = 0; i < n; i++) print p i > (d "/ids-" sprintf("%05d", int(i / 20)) ".txt") }'
    done
    for app in notified learned; do
        for ((i = 0; i < 600; i++)); do
            grep -q ' started in ' "$dir/$app/app.log" 2>/dev/null && break
            sleep 0.1
        done
        grep -q ' started in ' "$dir/$app/app.log" || { log "$name: the $app app did not start"; tail -20 "$dir/$app/app.log" >&2; return 1; }
    done
    # A batch of 20 to both apps at once, spread over NOTIFY_SPREAD (300 s, divided by the time scale).
    local batches step_ms t0 limit_s done_count=0 last_log=0 batch k=0
    batches=$(ls "$dir/notified/stage" | wc -l)
    step_ms=$(( spread_ms / batches ))
    t0=$(now_ms)
    (
        for batch in $(ls "$dir/notified/stage"); do
            while [ "$(now_ms)" -lt $(( t0 + k * step_ms )) ]; do sleep 0.05; done
            mv "$dir/notified/stage/$batch" "$dir/notified/data/inbox/" && mv "$dir/learned/stage/$batch" "$dir/learned/data/inbox/"
            k=$((k + 1))
        done
    ) &
    local feeder=$!
    limit_s=$(awk -v s="$scale" -v sp="$spread_ms" -v f="$fallback_ms" 'BEGIN { printf "%.0f", sp / 1000 + 400 / s + f / 1000 + 120 }')
    for ((i = 0; i < limit_s * 4; i++)); do
        done_count=$(( $(ls -U "$dir/notified/data/output/results" 2>/dev/null | grep -c '\.json$') + $(ls -U "$dir/learned/data/output/results" 2>/dev/null | grep -c '\.json$') ))
        [ "$done_count" -ge $((2 * tasks)) ] && break
        if (( i - last_log >= 120 )); then
            last_log=$i
            log "$name: $done_count of $((2 * tasks)) done after $(( ($(now_ms) - t0) / 1000 )) s"
        fi
        sleep 0.25
    done
    sleep 0.5
    stop_pid "$feeder" 1
    local stats
    stats=$(curl -s "$base/stats")
    echo "$stats" > "$dir/stats.txt"
    stop_apps
    stop_pid "$GW_PID" 5; GW_PID=""
    get() { echo "$stats" | awk -v k="$1" '$1 == k {print $2}'; }
    local on="group.bench-notified." off="group.bench-learned."
    # one 64 KB transfer at the loopback speed curl measures elsewhere (about 1 GB/s): well under a millisecond
    local transfer_ms=1
    check "$name" "all tasks done, both apps" "$(get ${on}results) == $tasks && $(get ${off}results) == $tasks" \
        "with notifications $(get ${on}results), without $(get ${off}results) of $tasks"
    check "$name" "notifications: fetches per task <= 2.5 (mean)" "$(get ${on}fetches_mean) <= 2.5" \
        "$(get ${on}fetches_mean) (without: $(get ${off}fetches_mean))"
    check "$name" "notified tasks: ready -> result median <= one transfer + 0.5 s" \
        "$(get ${on}latency_notified_p50_ms) <= $transfer_ms + 500" "$(get ${on}latency_notified_p50_ms) ms (without: $(get ${off}latency_notified_p50_ms) ms)"
    check "$name" "lost notifications: ready -> result max <= fallback interval + one transfer" \
        "$(get ${on}latency_lost_max_ms) <= $fallback_ms + $transfer_ms" \
        "$(get ${on}latency_lost_max_ms) ms vs $fallback_ms ms (without: $(get ${off}latency_lost_max_ms) ms)"
    check "$name" "every notification answered 200" "$(get notices_failed) == 0" \
        "$(get notices_answered_200) answered 200, $(get notices_failed) not"
    printf '%-8s %6s %5s %11s %9s %9s %9s %12s %9s %9s\n' "$name" "$tasks" "$scale" "$fallback_ms" \
        "$(get ${on}fetches_mean)" "$(get ${off}fetches_mean)" \
        "$(get ${on}latency_notified_p50_ms)" "$(get ${off}latency_notified_p50_ms)" \
        "$(get ${on}latency_lost_max_ms)" "$(get ${off}latency_lost_max_ms)" >> "$NOTIFY_TABLE"
    log "$name: $(cat "$dir"/*/app.log | grep -cE ' (ERROR|WARN) ') warnings/errors in the app logs"
    [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"
    log "$name: done in $(( ($(now_ms) - t0) / 1000 )) s"
}

# Ark's provider fetching one task a request ("off") against its list query, many tasks a request ("on"):
# ARK_TASKS (2000) Ark-shaped tasks (ArkShape in support/fake), durations drawn log-normal (median 60 s)
# by each task's number, so task N takes as long in both runs; polled every 10 s on the plain interval;
# TIME_SCALE divides both. Each run has its own app and fake gateway; the app reads providers/ark.yaml
# from its working folder: the shipped file without its list: section, then with it (the format's own
# list: section added when the shipped file has none). An app that does not use the list query (no
# list request reached the fake) gets a dash for "on".
run_ark() {
    local tasks=${ARK_TASKS:-2000} scale=${TIME_SCALE:-1}
    local shipped="$ROOT/src/main/resources/providers/ark.yaml" interval_ms mode
    interval_ms=$(awk -v s="$scale" 'BEGIN { printf "%.0f", 10000 / s }')
    if [ ! -f "$shipped" ]; then
        log "ark: no $shipped: this app has no provider files"
        check ark "the app has Ark's provider file" "0" "no src/main/resources/providers/ark.yaml"
        return 1
    fi
    log "ark: $tasks tasks, durations lognormal (time scale $scale), plain interval ${interval_ms} ms, without then with the list query"
    for mode in off on; do
        run_ark_once "$mode" "$tasks" "$scale" "$interval_ms" "$shipped"
    done
    local off on
    off=$(cat "$WORK/ark-off.txt"); on=$(cat "$WORK/ark-on.txt")
    # shellcheck disable=SC2086
    set -- $off $on
    # each: requests fetches gap_mean_ms wall_ms results list_requests
    local on_req=$7 on_fetch=$8 on_gap=$9 on_wall=${10}
    if [ "${12}" = 0 ] || [ "${12}" = - ]; then
        on_req=-; on_fetch=-; on_gap=-; on_wall=-
        log "ark: the app asked no list query with the list: section: 'on' is a dash"
    else
        on_wall=$(awk -v w="$on_wall" 'BEGIN { printf "%.1f", w / 1000 }')
    fi
    check ark "all tasks done without the list query" "$5 == $tasks" "$5 of $tasks"
    [ "$on_req" = - ] || check ark "all tasks done with the list query" "${11} == $tasks" "${11} of $tasks"
    printf '%-8s %6s %5s %9s %9s %9s %9s %9s %9s %9s %9s\n' ark "$tasks" "$scale" "$1" "$on_req" "$2" "$on_fetch" "$3" "$on_gap" \
        "$(awk -v w="$4" 'BEGIN { printf "%.1f", w / 1000 }')" "$on_wall" >> "$ARK_TABLE"
}

# One run of "ark". Writes "$WORK/ark-MODE.txt": API requests, task fetches (a task named in a list
# query counts as fetched), mean gap between two fetches of a task (ms), wall ms, results, list requests.
run_ark_once() {
    local mode=$1 tasks=$2 scale=$3 interval_ms=$4 shipped=$5
    local dir="$WORK/ark-$mode" i
    echo "- - - - - -" > "$WORK/ark-$mode.txt"
    mkdir -p "$dir/stage" "$dir/providers" "$dir/data/inbox"
    cp -r "$ROOT/routes" "$ROOT/application.properties" "$dir/"
    # The shipped file without its list: section (up to the next top-level key)
    awk '/^list:/ { skip = 1; next } skip && /^[^ #]/ { skip = 0 } !skip' "$shipped" > "$dir/providers/ark.yaml"
    if [ "$mode" = on ]; then
        cat >> "$dir/providers/ark.yaml" <<'YAML'
list:
  path: /api/v3/contents/generations/tasks
  id-parameter: filter.task_ids
  query: {page_size: "{count}"}
  limit: 500
  items: /items
YAML
        grep -q '^list:' "$shipped" && cp "$shipped" "$dir/providers/ark.yaml"
    fi
    java -Xms256m -Xmx1g -cp "$WORK/classes" "$FAKE_GATEWAY" --port-file "$dir/port" --key "$KEY" \
        --durations lognormal --time-scale "$scale" --video-size 65536 --interval "$interval_ms" \
        --results "$dir/data/output/results" --max-life 1h > "$dir/gateway.log" 2>&1 &
    GW_PID=$!
    for ((i = 0; i < 300; i++)); do [ -s "$dir/port" ] && break; sleep 0.1; done
    [ -s "$dir/port" ] || { log "ark $mode: the fake gateway did not start"; cat "$dir/gateway.log" >&2; return 1; }
    local base
    base="http://127.0.0.1:$(cat "$dir/port")"
    (
        cd "$dir" || exit 1
        export JIMENG_PROVIDER=ark JIMENG_PROVIDER_FILES=providers JIMENG_PROVIDERS_ARK_BASE_URL="$base" JIMENG_PROVIDERS_ARK_API_KEY="$KEY"
        export JIMENG_FETCH_INTERVAL="${interval_ms}ms" JIMENG_FETCH_ADAPTIVE=false JIMENG_FETCH_TASK_TIMEOUT=2h
        export JIMENG_HTTP_PORT="$(free_port)"
        # shellcheck disable=SC2086
        exec java -Xmx256m ${BENCH_JAVA_OPTS:-} -jar "$JAR"
    ) > "$dir/app.log" 2>&1 &
    APP_PIDS+=($!)
    for ((i = 0; i < 600; i++)); do
        grep -q ' started in ' "$dir/app.log" 2>/dev/null && break
        kill -0 "${APP_PIDS[0]}" 2>/dev/null || break
        sleep 0.1
    done
    if ! grep -q ' started in ' "$dir/app.log"; then
        log "ark $mode: the app did not start"; tail -5 "$dir/app.log" >&2
        stop_apps; stop_pid "$GW_PID" 5; GW_PID=""
        return 1
    fi
    awk -v n="$tasks" -v d="$dir/stage" -v p="bench-ark-$mode-" \
        'BEGIN { for (i = 0; i < n; i++) print p i > (d "/ids-" sprintf("%03d", int(i * 2 / n)) ".txt") }'
    local t0 limit_s done_count=0 last_log=0
    limit_s=$(awk -v s="$scale" 'BEGIN { printf "%.0f", 400 / s + 120 }')
    t0=$(now_ms)
    mv "$dir/stage/"* "$dir/data/inbox/"
    for ((i = 0; i < limit_s * 4; i++)); do
        kill -0 "${APP_PIDS[0]}" 2>/dev/null || { log "ark $mode: the app stopped"; break; }
        done_count=$(( $(ls -U "$dir/data/output/results" 2>/dev/null | grep -c '\.json$') + $(ls -U "$dir/data/output/failed" 2>/dev/null | grep -c '\.json$') ))
        [ "$done_count" -ge "$tasks" ] && break
        if (( i - last_log >= 80 )); then
            last_log=$i
            log "ark $mode: $done_count done after $(( ($(now_ms) - t0) / 1000 )) s"
        fi
        sleep 0.25
    done
    sleep 0.3
    local stats results wall_ms last
    stats=$(curl -s "$base/stats")
    echo "$stats" > "$dir/stats.txt"
    get() { echo "$stats" | awk -v k="$1" '$1 == k {print $2}'; }
    stop_apps
    stop_pid "$GW_PID" 5; GW_PID=""
    results=$(ls -U "$dir/data/output/results" 2>/dev/null | grep -c '\.json$')
    last=$(get last_result)
    wall_ms=$(( ${last:-0} - t0 ))
    [ "$results" -ge "$tasks" ] || wall_ms=$(( $(now_ms) - t0 ))
    local task_req list_req
    task_req=$(get ark_task_requests); list_req=$(get ark_list_requests)
    echo "$(( ${task_req:-0} + ${list_req:-0} )) $(get fetches_total) $(get gap_mean_ms) $wall_ms $results ${list_req:-0}" > "$WORK/ark-$mode.txt"
    log "ark $mode: $(get ark_task_requests) task requests, $(get ark_list_requests) list requests, $(get fetches_total) task fetches, gap mean $(get gap_mean_ms) ms (p50 $(get gap_p50_ms)), $results results in $((wall_ms / 1000)) s; $(grep -cE ' (ERROR|WARN) ' "$dir/app.log") warnings/errors in the app log"
    [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"
}

median() { # of the numbers on stdin, one a line
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The single big download, BIG_RUNS times (5): judged on the medians, so that one lucky (or unlucky)
# run cannot stand for the result. curl's three probes are timed anew for each run.
run_big() {
    local runs=${BIG_RUNS:-5} i
    : > "$WORK/big-runs.txt"
    for ((i = 1; i <= runs; i++)); do
        BIG_RUN=$i run_scenario big 1 "${BIG_SIZE:-1GB}" 0s 5s 0 0 64m 1
    done
    local ratios ratio dl curl ready drop curl_ms
    ratios=$(awk '$2 > 0 { printf "%.2f ", $1 / $2 }' "$WORK/big-runs.txt")
    ratio=$(awk '$2 > 0 { printf "%.3f\n", $1 / $2 }' "$WORK/big-runs.txt" | median)
    dl=$(awk '{ print $1 }' "$WORK/big-runs.txt" | median); curl=$(awk '{ print $2 }' "$WORK/big-runs.txt" | median)
    ready=$(awk '{ print $3 }' "$WORK/big-runs.txt" | median); drop=$(awk '{ print $4 }' "$WORK/big-runs.txt" | median)
    curl_ms=$(awk '{ print $5 }' "$WORK/big-runs.txt" | median)
    check big "download >= 90% of curl -o, median of $runs runs" "$ratio >= 0.9 && $(wc -l < "$WORK/big-runs.txt") == $runs" \
        "median $ratio (runs: $ratios); $dl MB/s vs curl $curl MB/s, medians"
    check big "ready -> result on disk (hash, checks, fsync, rename, JSON) <= 1.5 x curl's transfer time, median" \
        "$ready <= 1.5 * $curl_ms" "$ready ms vs curl's $curl_ms ms"
    check big "drop into the inbox -> result on disk <= 1.5 x curl's transfer time, median" \
        "$drop <= 1.5 * $curl_ms" "$drop ms vs curl's $curl_ms ms"
}

preset() {
    case "$1" in
        # the learned schedule against the plain interval, on the issue's three loads
        adaptive)         run_adaptive adaptive         lognormal-tail 0.75 1.10;;
        adaptive-notail)  run_adaptive adaptive-notail  lognormal      0.70 1.05;;
        adaptive-uniform) run_adaptive adaptive-uniform uniform        1.00 1.00;;
        # Ark's provider without and with its list query, side by side
        ark)              run_ark;;
        # notifications (90 % of tasks notified when ready) against the learned schedule, side by side
        notify)           run_notify;;
        #                         tasks                 size              ready            interval          delay          rate          xmx              files
        smoke)   run_scenario smoke   "${SMOKE_TASKS:-200}"    "${SMOKE_SIZE:-256KB}"  "${SMOKE_READY:-4s}"   "${SMOKE_INTERVAL:-2s}"  0     0      "${SMOKE_XMX:-256m}" 2;;
        scale)   run_scenario scale   "${SCALE_TASKS:-10000}"  "${SCALE_SIZE:-64KB}"   "${SCALE_READY:-30s}"  "${SCALE_INTERVAL:-10s}" 0     0      256m                 10;;
        gateway) run_scenario gateway 1000                     2MB                     20s                    5s                       80ms  10MB   256m                 1;;
        ideal)   run_scenario ideal   "${IDEAL_TASKS:-100}"    "${IDEAL_SIZE:-16MB}"   "${IDEAL_READY:-10s}"  "${IDEAL_INTERVAL:-5s}"  0     0      256m                 1;;
        big)     run_big;;   # 1 video of BIG_SIZE (1GB), ready at once, 5 s interval, -Xmx64m, BIG_RUNS (5) times
        ingest)  run_scenario ingest  100000                   1KB                     1h                     10s                      0     0      256m                 100;;
        # scale's 10,000 tasks with gateway's remote-like API and storage, on 3 instances and one PostgreSQL
        # A gateway that admits 50 fetches/s per key (429 beyond, no Retry-After); 2,000 tasks on 5 s want 400/s.
        pace)    ADMIT_RATE="${PACE_ADMIT:-50}" run_scenario pace "${PACE_TASKS:-2000}" 64KB 2h 5s 80ms 0 256m 1;;
        cluster) run_scenario cluster "${CLUSTER_TASKS:-10000}" 64KB                   30s                    10s                      80ms  10MB   256m                 10 "${CLUSTER_INSTANCES:-3}";;
        custom)  run_scenario custom  "${TASKS:-200}" "${SIZE:-256KB}" "${READY:-5s}" "${INTERVAL:-2s}" "${DELAY:-0}" "${RATE:-0}" "${XMX:-256m}" "${FILES:-1}" "${INSTANCES:-1}";;
        *) echo "unknown scenario $1 (smoke scale gateway ideal big ingest pace cluster custom adaptive adaptive-notail adaptive-uniform ark notify)" >&2; return 2;;
    esac
}

scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(smoke scale gateway ideal big ingest pace)
log "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
for s in "${scenarios[@]}"; do
    preset "$s"
done

echo
cat "$TABLE"
[ "$(wc -l < "$ADAPTIVE_TABLE")" -gt 1 ] && { echo; cat "$ADAPTIVE_TABLE"; }
[ "$(wc -l < "$ARK_TABLE")" -gt 1 ] && { echo; cat "$ARK_TABLE"; }
[ "$(wc -l < "$NOTIFY_TABLE")" -gt 1 ] && { echo; cat "$NOTIFY_TABLE"; }
echo
cat "$CHECKS"
! grep -q '^FAIL' "$CHECKS"
