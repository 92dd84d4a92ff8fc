#!/usr/bin/env bash
# bench/comments.sh - comment posts per second, and the story page with
# 500 comments.
#
#   bench/comments.sh [DATELINE_BIN]     (default build/dateline)
#
# One dateline on loopback, SQLite default, open moderation, comment rate
# limits off, 1,000 verified accounts with sessions (written straight into
# the database: making them through the log in would measure argon2id):
#  1. durable comment posts (wrk + bench/comments.lua) from distinct
#     accounts through the JSON API, each answered after its commit;
#  2. a second story gets 500 comments (50 threads of 10) through the API;
#     its page is fetched with wrk as a visitor (the cached page with its
#     kept comment block) and as a logged-in reader (the comment block
#     rendered for every request: 20 threads, 200 comments).
# Prints a table and PASS/MISS against the goals in docs/performance.md.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

[ $# -ge 1 ] && DATELINE_BIN=$1
ACCOUNTS=${BENCH_ACCOUNTS:-1000}
GOAL_POSTS=500          # durable comment posts/s
GOAL_PAGE_P99_MS=20     # the page with 500 comments

bench_need wrk curl node awk sqlite3
[ -x "$DATELINE_BIN" ] || bench_die "no dateline binary at $DATELINE_BIN (run: make build)"
bench_init comments

bench_dateline_db
printf -- '---\nheadline: Busy thread\nslug: busy-thread\nsection: World\npublished: 2024-01-02T03:04:05Z\n---\nA story many readers comment on.\n' >"$BENCH_TMP/a.md"
printf -- '---\nheadline: Long discussion\nslug: long-discussion\nsection: World\npublished: 2024-01-02T03:04:05Z\n---\nA story with 500 comments.\n' >"$BENCH_TMP/b.md"
bench_dateline_add "$BENCH_TMP/a.md" >/dev/null || exit 1
path=$(bench_dateline_add "$BENCH_TMP/b.md") || exit 1
node bench/comments-seed.mjs accounts "$ACCOUNTS" "$BENCH_TMP/accounts.sql" "$BENCH_TMP/tokens"
sqlite3 "$DATELINE_DB" <"$BENCH_TMP/accounts.sql"
export BENCH_TOKENS=$BENCH_TMP/tokens

port=$(bench_free_port)
"$DATELINE_BIN" serve --db "$DATELINE_DB" --listen "127.0.0.1:$port" --quiet \
	--comment-rate-limit 0 --comment-links 100 >"$BENCH_TMP/dateline.log" 2>&1 &
DATELINE_PID=$!
BENCH_PIDS+=("$DATELINE_PID")
DATELINE_URL="http://127.0.0.1:$port"
bench_wait_http "$DATELINE_PID" "$DATELINE_URL/" dateline
bench_log "dateline pid $DATELINE_PID, $ACCOUNTS accounts"

field() { echo "$1" | awk -v i="$2" '{ print $i }'; }

# 1. durable comment posts
api=$DATELINE_URL/api/v1/articles/busy-thread/comments
bench_wrk post "$api" -s bench/comments.lua
post=$(bench_parse_wrk "$BENCH_TMP/post.wrk")
stored=$(curl -s "$api?limit=1" | sed -n 's/^{"count":\([0-9]*\).*/\1/p')

# 2. the page with 500 comments
node bench/comments-seed.mjs thread "$DATELINE_URL" long-discussion "$BENCH_TOKENS" 50 9 \
	>"$BENCH_TMP/seed.log"
page=$DATELINE_URL$path
bench_warm "$page"
bench_wrk page-visitor "$page"
visitor=$(bench_parse_wrk "$BENCH_TMP/page-visitor.wrk")
cookie="Cookie: dl_session=$(head -1 "$BENCH_TOKENS")"
bench_warm "$page" -H "$cookie"
bench_wrk page-reader "$page" -H "$cookie"
reader=$(bench_parse_wrk "$BENCH_TMP/page-reader.wrk")
bytes=$(curl -s -H "$cookie" "$page" | wc -c)
hwm=$(bench_mem_kb "$DATELINE_PID" VmHWM)

printf '\n%-40s %10s %9s %9s %8s\n' "run" "req/s" "p50 ms" "p99 ms" "errors"
row() {
	printf '%-40s %10s %9s %9s %8s\n' "$1" "$(field "$2" 1)" "$(field "$2" 2)" \
		"$(field "$2" 5)" "$(( $(field "$2" 7) + $(field "$2" 8) ))"
}
row "comment POST (durable, $ACCOUNTS accounts)" "$post"
row "page with 500 comments, visitor" "$visitor"
row "page with 500 comments, logged in" "$reader"
echo
cat "$BENCH_TMP/seed.log"
echo "comments stored by the POST run: $stored"
echo "logged-in page: $bytes bytes; peak RSS: $(bench_mb "$hwm") MiB"

verdict() { if "$@"; then echo PASS; else echo MISS; fi; }
echo
echo "$(verdict bench_ge "$(field "$post" 1)" $GOAL_POSTS) comment posts/s $(field "$post" 1) (goal >= $GOAL_POSTS)"
echo "$(verdict bench_lt "$(field "$visitor" 5)" $GOAL_PAGE_P99_MS) 500-comment page p99, visitor $(field "$visitor" 5) ms (goal < $GOAL_PAGE_P99_MS)"
echo "$(verdict bench_lt "$(field "$reader" 5)" $GOAL_PAGE_P99_MS) 500-comment page p99, logged in $(field "$reader" 5) ms (goal < $GOAL_PAGE_P99_MS)"
