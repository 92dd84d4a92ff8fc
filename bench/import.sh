#!/usr/bin/env bash
# bench/import.sh - "dateline import wordpress" on a generated export.
#
#   bench/import.sh [DATELINE_BIN]       (default build/dateline)
#
# Writes an export of BENCH_IMPORT_POSTS posts (default 100,000) and
# BENCH_IMPORT_COMMENTS comments (default 500,000) with a featured photo
# on every tenth post (bench/gen-wxr.mjs), then on SQLite: a dry run
# (read and convert only) and the import itself, each timed with its
# peak RSS; and the story page's rate with wrk, idle and while a second
# import of the same file runs into the site.  Prints posts/s, peak RSS
# and the served rate against the goals (docs/performance.md); a miss is
# reported, not an error.  Settings: bench/lib.sh.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

[ $# -ge 1 ] && DATELINE_BIN=$1
POSTS=${BENCH_IMPORT_POSTS:-100000}
COMMENTS=${BENCH_IMPORT_COMMENTS:-500000}
GOAL_POSTS_S=3000
GOAL_RSS_MB=150
GOAL_SERVE_RATIO=0.5

bench_need node wrk vips curl
[ -x "$DATELINE_BIN" ] || bench_die "no dateline binary at $DATELINE_BIN (run: make build)"
bench_init import

vips black "$BENCH_TMP/lead.jpg" 640 400 --bands 3 >/dev/null ||
	bench_die "cannot make a JPEG with vips"
bench_log "writing an export of $POSTS posts and $COMMENTS comments"
node bench/gen-wxr.mjs "$BENCH_TMP/site.xml" "$POSTS" "$COMMENTS" \
	"$BENCH_TMP/uploads" "$BENCH_TMP/lead.jpg"
bench_log "$(du -h "$BENCH_TMP/site.xml" | cut -f1) written"

# run_timed LABEL ARGS... - run dateline, print "seconds peak_rss_kb".
run_timed() {
	local label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$BENCH_TMP/$label.time" "$DATELINE_BIN" "$@" \
		>"$BENCH_TMP/$label.out" 2>"$BENCH_TMP/$label.err" ||
		{ cat "$BENCH_TMP/$label.err" >&2; bench_die "$label failed"; }
	cat "$BENCH_TMP/$label.time"
}

bench_dateline_db
read -r dry_s dry_kb < <(run_timed dry import wordpress --dry-run \
	--uploads "$BENCH_TMP/uploads" "$BENCH_TMP/site.xml")
read -r imp_s imp_kb < <(run_timed import import wordpress --db "$DATELINE_DB" \
	--uploads "$BENCH_TMP/uploads" "$BENCH_TMP/site.xml")

bench_dateline_start
story=$(curl -s "$DATELINE_URL/" | grep -o 'href="/[a-z0-9-]*/2020/01/[0-9]*/story-[0-9]*/"' |
	head -n 1 | cut -d'"' -f2)
[ -n "$story" ] || bench_die "no imported story on the front page"
bench_warm "$DATELINE_URL$story"
bench_wrk idle "$DATELINE_URL$story"
idle=$(bench_parse_wrk "$BENCH_TMP/idle.wrk" | awk '{ print $1 }')
"$DATELINE_BIN" import wordpress --db "$DATELINE_DB" --uploads "$BENCH_TMP/uploads" \
	"$BENCH_TMP/site.xml" >"$BENCH_TMP/again.out" 2>&1 &
again=$!
BENCH_PIDS+=("$again")
bench_wrk during "$DATELINE_URL$story"
during=$(bench_parse_wrk "$BENCH_TMP/during.wrk" | awk '{ print $1 }')
kill -0 "$again" 2>/dev/null || bench_log "note: the second import ended before the run did"

awk -v posts="$POSTS" -v dry_s="$dry_s" -v dry_kb="$dry_kb" -v imp_s="$imp_s" \
	-v imp_kb="$imp_kb" -v idle="$idle" -v during="$during" -v gp="$GOAL_POSTS_S" \
	-v gr="$GOAL_RSS_MB" -v gs="$GOAL_SERVE_RATIO" 'BEGIN {
	printf "%-28s %10s %10s %12s\n", "import (SQLite)", "seconds", "posts/s", "peak RSS MB"
	printf "%-28s %10.1f %10.0f %12.1f\n", "dry run", dry_s, posts / dry_s, dry_kb / 1024
	printf "%-28s %10.1f %10.0f %12.1f\n", "import", imp_s, posts / imp_s, imp_kb / 1024
	printf "story page: %.0f req/s idle, %.0f req/s during an import (%.2fx)\n",
		idle, during, during / idle
	printf "%s posts/s >= %d (%.0f)\n", ((posts / imp_s >= gp) ? "PASS" : "MISS"), gp, posts / imp_s
	printf "%s peak RSS <= %d MB (%.1f)\n", ((imp_kb / 1024 <= gr) ? "PASS" : "MISS"), gr, imp_kb / 1024
	printf "%s serving >= %.1fx idle (%.2f)\n", ((during / idle >= gs) ? "PASS" : "MISS"), gs, during / idle
}'
