#!/usr/bin/env bash
# What one PostgreSQL on this machine can take of the shared store's work, measured with pgbench on a
# durable server (fsync=on, synchronous_commit=on): the yardstick (pgbench's own TPC-B-like run), then
# the shared store's own statements on a table of PENDING pending tasks made by the project's migrations:
#
#   claim     claim up to CLAIM_ROWS due fetches (FOR UPDATE SKIP LOCKED, the lease and its epoch), as an instance does
#   write     one batched write of BATCH_ROWS fetch outcomes (answer, next due time, lease given back), fenced per row
#   mix       both at the share a fetch needs them (one claim of CLAIM_ROWS per CLAIM_ROWS fetches)
#   kept      batched writes of KEPT_ROWS outcomes alone: a kept lease is served with no statement
#
# and from those, how many pending tasks at a 10 s interval the server holds. Needs a PostgreSQL server
# (apt-get install postgresql); runs as root (the server runs as user postgres).
#
#   bench/pg-capacity.sh                       PENDING=1000000 CLIENTS=4 SECONDS_EACH=30
#
# Variables: PENDING (rows), CLIENTS (pgbench connections), SECONDS_EACH (per run), CLAIM_ROWS (24),
# BATCH_ROWS (200), KEPT_ROWS (20), INTERVAL_S (10), BENCH_TMP (where the server's folder goes, /tmp).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PENDING=${PENDING:-1000000}
CLIENTS=${CLIENTS:-4}
SECONDS_EACH=${SECONDS_EACH:-30}
CLAIM_ROWS=${CLAIM_ROWS:-24}
KEPT_ROWS=${KEPT_ROWS:-20}
BATCH_ROWS=${BATCH_ROWS:-200}
INTERVAL_S=${INTERVAL_S:-10}

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/pgbench" ] || { echo "no PostgreSQL server or pgbench (apt-get install postgresql)" >&2; exit 2; }
PG_DIR=$(mktemp -d "${BENCH_TMP:-/tmp}/jimeng-pgcap.XXXXXX")
chown postgres:postgres "$PG_DIR"
PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop > /dev/null 2>&1
    rm -rf "$PG_DIR"
}
trap cleanup EXIT

runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-locale > "$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=on -c synchronous_commit=on -c shared_buffers=512MB -c max_connections=50" \
    start > /dev/null || { cat "$PG_DIR/server.log" >&2; exit 1; }

sql() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "${2:-postgres}" -X -q -tA -v ON_ERROR_STOP=1 -c "$1"; }
bench() { # script file, db -> "tps"
    "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" "$@" 2>&1 \
        | awk '/^tps = / {print $3}'
}
wal_bytes() { sql "SELECT wal_bytes FROM pg_stat_wal"; }
row_writes() { sql "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'jimeng_tasks'" | tr '|' ' '; }

echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), fsync=$(sql 'SHOW fsync'), synchronous_commit=$(sql 'SHOW synchronous_commit'), $(nproc) cores, $CLIENTS clients, ${SECONDS_EACH}s a run" >&2

# The yardstick: pgbench's own run, scale 10, in a database of its own.
sql "CREATE DATABASE yardstick"
"$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -i -q -s 10 yardstick > /dev/null 2>&1
YARDSTICK=$(bench yardstick)

# The shared store's schema, by its own migrations, and PENDING pending tasks due over one interval.
for migration in $(ls "$ROOT"/src/main/resources/db/migration/V*__*.sql | sort -V); do
    "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 -f "$migration" > /dev/null || exit 1
done
NOW="(extract(epoch FROM clock_timestamp()) * 1000)::bigint"
DOC='{"id":"cgt-20250829165122-000000","provider":"jimeng-gateway","phase":"FETCH","registeredAt":1756457482000,"activeAt":1756457482000,"fetches":7,"status":"IN_PROGRESS","progress":"40%","lastFetchAt":1756457552000,"answer":"{\"code\":\"success\",\"message\":\"\",\"data\":{\"task_id\":\"cgt-20250829165122-000000\",\"action\":\"generate\",\"status\":\"IN_PROGRESS\",\"fail_reason\":\"\",\"submit_time\":1756457482,\"start_time\":1756457490,\"finish_time\":0,\"progress\":\"40%\",\"data\":{\"content\":{},\"model\":\"doubao-seedance-1-0-pro-250528\"}}}","kind":"generate/doubao-seedance-1-0-pro-250528","submittedAt":1756457482000,"plannedGap":10000}'
sql "INSERT INTO jimeng_tasks (id, next_at, task) SELECT 'cgt-bench-' || n, $NOW + (n % ($INTERVAL_S * 1000)), '$DOC'::jsonb
     FROM generate_series(1, $PENDING) n" > /dev/null
sql "VACUUM ANALYZE jimeng_tasks" > /dev/null
DOC_BYTES=$(sql "SELECT avg(pg_column_size(task))::int FROM jimeng_tasks TABLESAMPLE SYSTEM (1)")

cat > "$PG_DIR/claim.sql" <<EOF
WITH due AS (SELECT id FROM jimeng_tasks WHERE NOT finished AND phase = 'FETCH' AND next_at <= $NOW + ${INTERVAL_S}000
  AND (lease_until IS NULL OR lease_until <= $NOW) ORDER BY next_at LIMIT $CLAIM_ROWS FOR UPDATE SKIP LOCKED)
UPDATE jimeng_tasks t SET lease_owner = 'bench-:client_id', lease_until = $NOW + 30000, lease_epoch = t.lease_epoch + 1,
  next_at = $NOW + ${INTERVAL_S}000, task = t.task - 'notifiedMidFetch' FROM due WHERE t.id = due.id RETURNING t.id, t.task;
EOF
# A batch of outcomes for BATCH_ROWS random tasks: the next due time one interval on, the answer's
# document, the lease given back; each row fenced by its owner and epoch as the store writes it.
cat > "$PG_DIR/write.sql" <<EOF
\set first random(1, $PENDING - $BATCH_ROWS)
UPDATE jimeng_tasks t SET next_at = $NOW + ${INTERVAL_S}000, task = w.doc, lease_owner = NULL, lease_until = NULL
  FROM (SELECT 'cgt-bench-' || n AS id, '$DOC'::jsonb || jsonb_build_object('fetches', n) AS doc
        FROM generate_series(:first, :first + $BATCH_ROWS - 1) n) w
  WHERE t.id = w.id AND NOT t.finished;
EOF

# Kept leases (a fetch's task still in progress keeps its lease for the next fetch): the next fetch is
# served from the instance's plan with no statement, so a fetch is one row in a batched write; the batch
# as an instance fills it at 1,000 fetches/s in the 20 ms batch time (KEPT_ROWS, 20).
cat > "$PG_DIR/kept.sql" <<EOF
\set first random(1, $PENDING - $KEPT_ROWS)
UPDATE jimeng_tasks t SET next_at = $NOW + ${INTERVAL_S}000, task = w.doc, kept = true, lease_until = $NOW + 40000
  FROM (SELECT 'cgt-bench-' || n AS id, '$DOC'::jsonb || jsonb_build_object('fetches', n) AS doc
        FROM generate_series(:first, :first + $KEPT_ROWS - 1) n) w
  WHERE t.id = w.id AND NOT t.finished;
EOF

measure() { # name, pgbench script options -> "name tps rows/s wal_bytes/row hot%"
    local name=$1 rows_per_tx=$2; shift 2
    local wal0 upd0 hot0 wal1 upd1 hot1 tps
    wal0=$(wal_bytes); read -r upd0 hot0 <<< "$(row_writes)"
    tps=$(bench "$@" postgres)
    wal1=$(wal_bytes); read -r upd1 hot1 <<< "$(row_writes)"
    local rows=$((upd1 - upd0))
    awk -v n="$name" -v t="$tps" -v r="$rows" -v s="$SECONDS_EACH" -v w="$((wal1 - wal0))" -v h="$((hot1 - hot0))" \
        'BEGIN { printf "%-10s %10.0f %12.0f %14.0f %6.1f%%\n", n, t, r / s, (r ? w / r : 0), (r ? 100 * h / r : 0) }'
}

echo
echo "pending tasks: $PENDING, task document: $DOC_BYTES bytes, claim: up to $CLAIM_ROWS rows, write batch: $BATCH_ROWS rows"
printf "%-10s %10s %12s %14s %7s\n" run tx/s rows/s WAL_B/row HOT
printf "%-10s %10.0f %12s %14s %7s\n" yardstick "$YARDSTICK" - - -
CLAIM=$(measure claim "$CLAIM_ROWS" -f "$PG_DIR/claim.sql")
echo "$CLAIM"
WRITE=$(measure write "$BATCH_ROWS" -f "$PG_DIR/write.sql")
echo "$WRITE"
# One claim statement per CLAIM_ROWS fetches, one write statement per BATCH_ROWS fetches.
MIX=$(measure mix 0 -f "$PG_DIR/claim.sql@$BATCH_ROWS" -f "$PG_DIR/write.sql@$CLAIM_ROWS")
echo "$MIX"

# Kept leases: a fetch is one written row, in a batch of KEPT_ROWS.
KEPT=$(measure kept "$KEPT_ROWS" -f "$PG_DIR/kept.sql")
echo "$KEPT"

# Claimed: each fetch is one claimed row and one written row, the mix's rows/s over two. Kept: each
# fetch is one written row, the kept run's rows/s.
echo "$MIX" | awk -v i="$INTERVAL_S" '{ f = $3 / 2; printf "\nclaimed each time: %.0f fetches/s, %.0f pending tasks at a %d s interval\n", f, f * i, i }'
echo "$KEPT" | awk -v i="$INTERVAL_S" '{ f = $3; printf "kept leases:       %.0f fetches/s, %.0f pending tasks at a %d s interval\n", f, f * i, i }'
