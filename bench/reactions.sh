#!/usr/bin/env bash
# bench/reactions.sh - durable reaction changes, and the article page while
# reactions are written or while thousands of live streams are open.
#
#   bench/reactions.sh [DATELINE_BIN]     (default build/dateline)
#
# One dateline on loopback, SQLite default, rate limit off, one article:
#  1. article GETs (wrk): the no-load figure of this run;
#  2. durable reaction changes (wrk + bench/put.lua): every PUT is a new
#     reader's first reaction, answered only after its commit;
#  3. article GETs while bench/load.mjs writes 1,000 changes a second;
#  4. article GETs while bench/load.mjs holds 5,000 idle event streams,
#     and the server's RSS with them open.
# Prints a table and PASS/MISS against the goals in docs/performance.md.
# A miss is reported, not an error.  Settings: bench/lib.sh.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

[ $# -ge 1 ] && DATELINE_BIN=$1
ARTICLE=${BENCH_ARTICLE:-demo/articles/harbour-cranes-return.md}
STREAMS=${BENCH_STREAMS:-5000}
WRITE_RATE=${BENCH_WRITE_RATE:-1000}
GOAL_WRITES=20000      # durable changes/s
GOAL_WRITE_P99_MS=20
GOAL_UNDER_WRITES=0.80 # article GETs while writing / without
GOAL_UNDER_STREAMS=0.50
GOAL_STREAM_RSS_MB=100

bench_need wrk curl node awk
[ -x "$DATELINE_BIN" ] || bench_die "no dateline binary at $DATELINE_BIN (run: make build)"
bench_init reactions
# 5,000 streams need file descriptors on both sides.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

bench_dateline_db
path=$(bench_dateline_add "$ARTICLE") || exit 1
slug=$(basename "$path")
port=$(bench_free_port)
"$DATELINE_BIN" serve --db "$DATELINE_DB" --listen "127.0.0.1:$port" --quiet \
	--reaction-rate-limit 0 >"$BENCH_TMP/dateline.log" 2>&1 &
DATELINE_PID=$!
BENCH_PIDS+=("$DATELINE_PID")
DATELINE_URL="http://127.0.0.1:$port"
bench_wait_http "$DATELINE_PID" "$DATELINE_URL/" dateline
page=$DATELINE_URL$path
api=$DATELINE_URL/api/v1/articles/$slug/reactions
events=$DATELINE_URL/api/v1/articles/$slug/events
bench_log "dateline pid $DATELINE_PID, article $path"

field() { echo "$1" | awk -v i="$2" '{ print $i }'; }

# 1. the article page, no other load
bench_warm "$page"
bench_wrk get "$page"
get=$(bench_parse_wrk "$BENCH_TMP/get.wrk")

# 2. durable reaction changes from 64 connections, each request a new reader
bench_wrk put "$api" -s bench/put.lua
put=$(bench_parse_wrk "$BENCH_TMP/put.wrk")
rows=$(curl -s "$api" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')

# 3. the article page while 1,000 changes a second are written
node bench/load.mjs writes "$WRITE_RATE" "$((BENCH_DURATION + 2))" "$api" \
	>"$BENCH_TMP/writes.log" 2>&1 &
writer=$!
BENCH_PIDS+=("$writer")
sleep 1
bench_wrk get-writes "$page"
wait "$writer" || true
getw=$(bench_parse_wrk "$BENCH_TMP/get-writes.wrk")
wlog=$(cat "$BENCH_TMP/writes.log")

# 4. the article page with 5,000 idle event streams open
node bench/load.mjs streams "$STREAMS" "$events" >"$BENCH_TMP/streams.log" 2>&1 &
holder=$!
BENCH_PIDS+=("$holder")
for i in $(seq 300); do
	grep -q '^streams:' "$BENCH_TMP/streams.log" && break
	sleep 0.1
done
slog=$(cat "$BENCH_TMP/streams.log")
rss_streams=$(bench_mem_kb "$DATELINE_PID" VmRSS)
bench_wrk get-streams "$page"
gets=$(bench_parse_wrk "$BENCH_TMP/get-streams.wrk")
bench_stop "$holder"
hwm=$(bench_mem_kb "$DATELINE_PID" VmHWM)

printf '\n%-34s %10s %9s %9s %8s\n' "run" "req/s" "p50 ms" "p99 ms" "errors"
row() {
	printf '%-34s %10s %9s %9s %8s\n' "$1" "$(field "$2" 1)" "$(field "$2" 2)" \
		"$(field "$2" 5)" "$(( $(field "$2" 7) + $(field "$2" 8) ))"
}
row "article GET" "$get"
row "reaction PUT (durable, new reader)" "$put"
row "article GET + ${WRITE_RATE} writes/s" "$getw"
row "article GET + $STREAMS SSE streams" "$gets"
echo
echo "$wlog"
echo "$slog"
echo "reactions stored after the PUT run: $rows"
printf 'RSS with streams open: %s MiB; peak RSS: %s MiB\n' \
	"$(bench_mb "$rss_streams")" "$(bench_mb "$hwm")"

ratio_w=$(bench_div "$(field "$getw" 1)" "$(field "$get" 1)")
ratio_s=$(bench_div "$(field "$gets" 1)" "$(field "$get" 1)")
verdict() { if "$@"; then echo PASS; else echo MISS; fi; }
echo
echo "$(verdict bench_ge "$(field "$put" 1)" $GOAL_WRITES) durable changes/s $(field "$put" 1) (goal >= $GOAL_WRITES)"
echo "$(verdict bench_lt "$(field "$put" 5)" $GOAL_WRITE_P99_MS) change p99 $(field "$put" 5) ms (goal < $GOAL_WRITE_P99_MS)"
echo "$(verdict bench_ge "$ratio_w" $GOAL_UNDER_WRITES) article GETs under writes: ${ratio_w}x (goal >= $GOAL_UNDER_WRITES)"
echo "$(verdict bench_ge "$ratio_s" $GOAL_UNDER_STREAMS) article GETs with $STREAMS streams: ${ratio_s}x (goal >= $GOAL_UNDER_STREAMS)"
echo "$(verdict bench_lt "$(bench_mb "$rss_streams")" $GOAL_STREAM_RSS_MB) RSS with streams $(bench_mb "$rss_streams") MiB (goal < $GOAL_STREAM_RSS_MB)"
