#!/usr/bin/env bash
# S3 delivery of one big video, memory flat: the fake gateway (bench/run.sh's) serves one video of
# S3_SIZE bytes (default 1GB), the app at -Xmx64m downloads it and uploads it to S3Proxy on loopback
# (objects as files in a temporary folder: src/test/java/.../support/BenchS3.java), and a table says
# the upload's seconds and MB/s and the app's peak RSS, beside `aws s3 cp` of the same file to the same
# server (the AWS CLI, when installed) as the yardstick.
#
#   mvn -B -DskipTests package && bench/s3.sh
#   S3_SIZE=256MB bench/s3.sh       KEEP=1 keeps the folder (logs, outputs, objects)
#
# Needs JDK 17, Maven (for the test classpath, offline once built), curl, python3 and about 3 x S3_SIZE of disk.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
JAR="$ROOT/target/jimeng-fetcher.jar"
KEY="bench-key-$$"
S3_ACCESS="bench-access"; S3_SECRET="bench-secret-$$"; BUCKET="bench-videos"
SIZE=${S3_SIZE:-1GB}
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/jimeng-s3-bench.XXXXXX")
PIDS=()

log() { echo "[s3-bench $(date -u +%H:%M:%S)] $*" >&2; }
now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
to_bytes() {
    case "$1" in
        *GB) echo $(( ${1%GB} * 1073741824 ));; *MB) echo $(( ${1%MB} * 1048576 ));; *) echo "$1";;
    esac
}
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    [ "${KEEP:-0}" = 1 ] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

[ -f "$JAR" ] || { log "no $JAR: run mvn -B -DskipTests package first"; exit 2; }
size_b=$(to_bytes "$SIZE")

# -- the S3 server: the test classpath's S3Proxy, with a filesystem blob store
log "compiling the test classes and reading the test classpath"
(cd "$ROOT" && mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt") || exit 2
java -Xmx512m -cp "$ROOT/target/test-classes:$(cat "$WORK/cp.txt")" io.github.jimengfetcher.support.BenchS3 \
    "$WORK/objects" "$BUCKET" "$S3_ACCESS" "$S3_SECRET" "$WORK/s3.port" > "$WORK/s3.log" 2>&1 &
PIDS+=($!)

# -- the fake API and storage host (bench/run.sh's), one task ready at once
mkdir -p "$WORK/classes"
javac -d "$WORK/classes" "$ROOT"/src/test/java/io/github/jimengfetcher/support/fake/*.java || exit 2
java -Xmx1g -cp "$WORK/classes" io.github.jimengfetcher.support.fake.BenchMain --port-file "$WORK/gw.port" --key "$KEY" \
    --ready-after 0s --video-size "$size_b" --fetch-delay 0 --rate 0 --interval 1000 --admit-rate 0 \
    --results "$WORK/app/data/output/results" --max-life 30m > "$WORK/gateway.log" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 600; i++)); do [ -s "$WORK/s3.port" ] && [ -s "$WORK/gw.port" ] && break; sleep 0.1; done
[ -s "$WORK/s3.port" ] || { log "S3Proxy did not start"; cat "$WORK/s3.log" >&2; exit 1; }
[ -s "$WORK/gw.port" ] || { log "the fake gateway did not start"; cat "$WORK/gateway.log" >&2; exit 1; }

# -- the app: the real jar, routes and settings, S3 on
mkdir -p "$WORK/app/stage"
cp -r "$ROOT/routes" "$ROOT/application.properties" "$WORK/app/"
http_port=$(free_port)
(
    cd "$WORK/app" || exit 1
    export JIMENG_API_BASE_URL="http://127.0.0.1:$(cat "$WORK/gw.port")" JIMENG_API_KEY="$KEY" JIMENG_FETCH_INTERVAL=1s
    export JIMENG_FETCH_ADAPTIVE=false JIMENG_FETCH_TASK_TIMEOUT=2h JIMENG_HTTP_PORT="$http_port"
    export JIMENG_S3_ENABLED=true JIMENG_S3_BUCKET="$BUCKET" JIMENG_S3_ENDPOINT="http://127.0.0.1:$(cat "$WORK/s3.port")"
    export JIMENG_S3_PATH_STYLE=true JIMENG_S3_ACCESS_KEY="$S3_ACCESS" JIMENG_S3_SECRET_KEY="$S3_SECRET"
    exec java -Xmx64m ${BENCH_JAVA_OPTS:-} -jar "$JAR"
) > "$WORK/app.log" 2>&1 &
APP_PID=$!
PIDS+=($APP_PID)
for ((i = 0; i < 600; i++)); do grep -q ' started in ' "$WORK/app.log" 2>/dev/null && break; sleep 0.1; done
grep -q ' started in ' "$WORK/app.log" || { log "the app did not start"; tail -20 "$WORK/app.log" >&2; exit 1; }
sleep 3

# -- one task; the upload timed from the first /tasks answer saying uploading to the result on disk
id=bench-s3-0
echo "$id" > "$WORK/app/stage/ids.txt"
mkdir -p "$WORK/app/data/inbox"
t0=$(now_ms)
mv "$WORK/app/stage/ids.txt" "$WORK/app/data/inbox/"
log "one video of $SIZE dropped"
up_start=""; result="$WORK/app/data/output/results/$id.json"
for ((i = 0; i < 20 * 60 * 10; i++)); do
    kill -0 "$APP_PID" 2>/dev/null || { log "the app stopped"; tail -20 "$WORK/app.log" >&2; exit 1; }
    [ -f "$result" ] && break
    if [ -z "$up_start" ] && curl -s "http://127.0.0.1:$http_port/tasks" | grep -q '"state":"uploading"'; then
        up_start=$(now_ms); log "uploading after $(( (up_start - t0) / 1000 )) s"
    fi
    sleep 0.1
done
up_end=$(now_ms)
[ -f "$result" ] || { log "no result after 20 minutes"; exit 1; }
rss=$(awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$APP_PID/status")
s3_uri=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("s3_uri", ""))' "$result")
object=$(find "$WORK/objects/$BUCKET" -type f -name "$id.mp4" | head -1)
object_b=$(stat -c %s "$object" 2>/dev/null || echo 0)
[ -n "$up_start" ] || { log "the uploading state was not seen"; up_start=$t0; }
up_s=$(awk -v a="$up_start" -v b="$up_end" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
mbs=$(awk -v s="$size_b" -v a="$up_start" -v b="$up_end" 'BEGIN { printf "%.0f", s / 1048576 / ((b - a) / 1000) }')
total_s=$(awk -v a="$t0" -v b="$up_end" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
[ "$object_b" = "$size_b" ] || { log "the object has $object_b bytes, not $size_b"; exit 1; }

# -- the yardstick: the AWS CLI's `aws s3 cp` of the app's local copy to the same server (when installed)
aws_s="-"; aws_mbs="-"
video=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("video_file", ""))' "$result")
# Checksums only when required: S3Proxy refuses the CRC headers newer CLIs send by default.
if command -v aws > /dev/null && [ -f "$WORK/app/data/output/$video" ]; then
    a0=$(now_ms)
    AWS_ACCESS_KEY_ID="$S3_ACCESS" AWS_SECRET_ACCESS_KEY="$S3_SECRET" AWS_DEFAULT_REGION=us-east-1 \
        AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required \
        aws --endpoint-url "http://127.0.0.1:$(cat "$WORK/s3.port")" s3 cp --only-show-errors \
        "$WORK/app/data/output/$video" "s3://$BUCKET/aws-cp/$id.mp4" || { log "aws s3 cp failed"; exit 1; }
    a1=$(now_ms)
    aws_s=$(awk -v a="$a0" -v b="$a1" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
    aws_mbs=$(awk -v s="$size_b" -v a="$a0" -v b="$a1" 'BEGIN { printf "%.0f", s / 1048576 / ((b - a) / 1000) }')
else
    log "no aws command (or no local copy): the aws s3 cp columns stay empty"
fi

printf '%-8s %8s %9s %7s %10s %7s %9s %8s %s\n' size xmx upload_s MB/s drop_to_s rss_MB aws_cp_s aws_MB/s object
printf '%-8s %8s %9s %7s %10s %7s %9s %8s %s\n' "$SIZE" 64m "$up_s" "$mbs" "$total_s" "$rss" "$aws_s" "$aws_mbs" "$s3_uri ($object_b bytes)"
