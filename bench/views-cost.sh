#!/usr/bin/env bash
# bench/views-cost.sh - what counting page views costs the cached story
# page: one binary twice, side by side on one SQLite database, with
# --no-page-views and with counting (flushed every 5 s, the default).
#
#   bench/views-cost.sh [DATELINE_BIN]
#
# wrk sends a browser's User-Agent, so that every request of the counting
# server is a view (the robot check runs and the count is taken).  Both
# serve the same demo story; wrk measures each in BENCH_ROUNDS
# interleaved rounds (BENCH_DURATION s after BENCH_WARMUP s), and the
# table shows medians of req/s and of the server's CPU time per request
# (user + system, from /proc), the figure that counts on a machine shared
# with other work.  Goal: under 3% more CPU per request.  Settings:
# bench/lib.sh.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

[ $# -ge 1 ] && DATELINE_BIN=$1
ARTICLE=${BENCH_ARTICLE:-demo/articles/harbour-cranes-return.md}
UA='User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
bench_need wrk curl awk
bench_init views-cost

bench_dateline_db
path=$(bench_dateline_add "$ARTICLE") || exit 1
bench_dateline_start --no-page-views
off_pid=$DATELINE_PID off_url=$DATELINE_URL
bench_dateline_start
on_pid=$DATELINE_PID on_url=$DATELINE_URL
curl -sS --fail -o /dev/null "$on_url$path" && curl -sS --fail -o /dev/null "$off_url$path" ||
	bench_die "cannot fetch $path"

for r in $(seq "$BENCH_ROUNDS"); do
	bench_log "round $r of $BENCH_ROUNDS (machine busy $(bench_cpu_busy)% before)"
	# Each goes first in every other round: no order in the medians.
	if [ $((r % 2)) -eq 1 ]; then
		bench_cpu_round off "$off_pid" "$off_url$path" -H "$UA"
		bench_cpu_round on "$on_pid" "$on_url$path" -H "$UA"
	else
		bench_cpu_round on "$on_pid" "$on_url$path" -H "$UA"
		bench_cpu_round off "$off_pid" "$off_url$path" -H "$UA"
	fi
done
# The counting server's views reached the database (a flush every 5 s).
sleep 6
counted=$(sqlite3 "$DATELINE_DB" 'SELECT coalesce(sum(views), 0) FROM page_views')
med() { awk -v c="$2" '{ print $c }' "$BENCH_TMP/$1.rounds" | bench_median; }
f_rps=$(med off 1) o_rps=$(med on 1) f_cpu=$(med off 2) o_cpu=$(med on 2)
printf '%-28s %12s %16s\n' server 'req/s' 'CPU µs/request'
printf '%-28s %12s %16s\n' "--no-page-views" "$f_rps" "$f_cpu"
printf '%-28s %12s %16s\n' "counting views" "$o_rps" "$o_cpu"
printf 'views saved by the counting server: %s\n' "$counted"
awk -v b="$f_cpu" -v n="$o_cpu" -v br="$f_rps" -v nr="$o_rps" 'BEGIN {
	d = b ? (n - b) / b * 100 : 0
	printf "CPU per request %+.1f%%, req/s %+.1f%% (goal: under 3%% more CPU): %s\n",
		d, br ? (nr - br) / br * 100 : 0, d < 3 ? "PASS" : "MISS" }'
