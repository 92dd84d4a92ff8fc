#!/usr/bin/env bash
# bench/reach.sh - search and feeds on a site of 100,000 generated stories.
#
#   bench/reach.sh [DATELINE_BIN]     (default build/dateline)
#
# Generates the site (bench/gen-site.mjs: 100,000 stories of skewed
# vocabulary, tags, authors; one SQLite transaction, about a minute here),
# then measures with wrk:
#  1. /search?q= (the HTML page) over 200 queries in turn: single
#     mid-frequency words, pairs, prefixes and phrases, from
#     BENCH_SEARCH_CONNECTIONS connections (default 2, one per core: that
#     keeps both cores busy, the most queries/s, without queries queueing
#     behind each other; 4 gives no more queries/s and twice the p99);
#  2. the same through GET /api/v1/search;
#  3. feeds (RSS, Atom and JSON Feed of the site, sections, tags and
#     authors) with gzip, from BENCH_CONNECTIONS connections.
# Prints a table and PASS/MISS against the goals in docs/performance.md.
# Settings: bench/lib.sh; BENCH_STORIES (default 100000); BENCH_REACH_DB:
# a site generated before (the dateline.db of a BENCH_KEEP=1 run) to use
# in place instead of generating one; it is only read.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

[ $# -ge 1 ] && DATELINE_BIN=$1
STORIES=${BENCH_STORIES:-100000}
SEARCH_CONNECTIONS=${BENCH_SEARCH_CONNECTIONS:-2}
GOAL_SEARCH_P99_MS=20

bench_need wrk curl node sqlite3 awk
[ -x "$DATELINE_BIN" ] || bench_die "no dateline binary at $DATELINE_BIN (run: make build)"
bench_init reach

t0=$(date +%s)
if [ -n "${BENCH_REACH_DB:-}" ]; then
	[ -f "$BENCH_REACH_DB" ] || bench_die "no database at $BENCH_REACH_DB"
	DATELINE_DB=$BENCH_REACH_DB
	STORIES=$(sqlite3 "$DATELINE_DB" "SELECT count(*) FROM articles")
else
	bench_dateline_db
	bench_log "generating $STORIES stories"
	node bench/gen-site.mjs "$STORIES" |
		sqlite3 -bail -cmd ".load build/dateline-fts" "$DATELINE_DB" >/dev/null ||
		bench_die "generating the site failed"
fi
gen_s=$(( $(date +%s) - t0 ))
db_mb=$(bench_mb "$(( $(stat -c %s "$DATELINE_DB") / 1024 ))")
bench_dateline_start
bench_log "dateline pid $DATELINE_PID, $STORIES stories in ${gen_s}s, ${db_mb} MiB"

# Query lists: the page and the API, every query URL-encoded.
node bench/gen-site.mjs --queries 200 >"$BENCH_TMP/queries.txt"
node -e '
	const fs = require("fs");
	const qs = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
	fs.writeFileSync(process.argv[2], qs.map((q) => "/search?q=" + encodeURIComponent(q)).join("\n") + "\n");
	fs.writeFileSync(process.argv[3], qs.map((q) => "/api/v1/search?q=" + encodeURIComponent(q)).join("\n") + "\n");
' "$BENCH_TMP/queries.txt" "$BENCH_TMP/search.paths" "$BENCH_TMP/api.paths"
author=$(sqlite3 "$DATELINE_DB" "SELECT author FROM articles LIMIT 1" |
	node -e 'process.stdin.on("data", (d) => process.stdout.write(encodeURIComponent(String(d).trim())))')
printf '%s\n' /feed.xml /atom.xml /feed.json /section/world/feed.xml \
	/section/sport/atom.xml /tag/tag-5/feed.xml /tag/tag-17/feed.json \
	"/author/$author/feed.xml" >"$BENCH_TMP/feed.paths"
matches=$(node -e '
	const fs = require("fs");
	const paths = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
	(async () => {
		let n = 0;
		for (const p of paths)
			n += (await (await fetch(process.argv[2] + p)).json()).results.length > 0;
		console.log(n);
	})();
' "$BENCH_TMP/api.paths" "$DATELINE_URL")
first=$(curl -s -o /dev/null -w '%{time_total}' "$DATELINE_URL/feed.xml?cold")

field() { echo "$1" | awk -v i="$2" '{ print $i }'; }
busy=$(bench_cpu_busy 1)

export BENCH_PATHS
BENCH_PATHS=$BENCH_TMP/search.paths
bench_warm "$DATELINE_URL/" -s bench/paths.lua -c"$SEARCH_CONNECTIONS"
bench_wrk search "$DATELINE_URL/" -s bench/paths.lua -c"$SEARCH_CONNECTIONS"
search=$(bench_parse_wrk "$BENCH_TMP/search.wrk")
BENCH_PATHS=$BENCH_TMP/api.paths
bench_wrk api "$DATELINE_URL/" -s bench/paths.lua -c"$SEARCH_CONNECTIONS"
api=$(bench_parse_wrk "$BENCH_TMP/api.wrk")
BENCH_PATHS=$BENCH_TMP/feed.paths
bench_warm "$DATELINE_URL/" -s bench/paths.lua -H 'Accept-Encoding: gzip'
bench_wrk feeds "$DATELINE_URL/" -s bench/paths.lua -H 'Accept-Encoding: gzip'
feeds=$(bench_parse_wrk "$BENCH_TMP/feeds.wrk")
rss=$(bench_mem_kb "$DATELINE_PID" VmHWM)

printf '\n%-40s %10s %9s %9s %8s\n' "run" "req/s" "p50 ms" "p99 ms" "errors"
row() {
	printf '%-40s %10s %9s %9s %8s\n' "$1" "$(field "$2" 1)" "$(field "$2" 2)" \
		"$(field "$2" 5)" "$(( $(field "$2" 7) + $(field "$2" 8) ))"
}
row "search page, ${SEARCH_CONNECTIONS} connections" "$search"
row "search API, ${SEARCH_CONNECTIONS} connections" "$api"
row "feeds (gzip), ${BENCH_CONNECTIONS} connections" "$feeds"
echo
echo "site: $STORIES stories, ${db_mb} MiB database, generated in ${gen_s}s"
echo "queries with results: $matches of 200; first build of /feed.xml: ${first}s"
echo "peak RSS: $(bench_mb "$rss") MiB; machine busy before the runs: ${busy}%"
verdict() { if "$@"; then echo PASS; else echo MISS; fi; }
echo
echo "$(verdict bench_lt "$(field "$search" 5)" $GOAL_SEARCH_P99_MS) search p99 $(field "$search" 5) ms (goal < $GOAL_SEARCH_P99_MS)"
