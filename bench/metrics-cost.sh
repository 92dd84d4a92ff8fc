#!/usr/bin/env bash
# bench/metrics-cost.sh - what counting for /metrics costs on the cached
# article page: two binaries side by side on one SQLite database.
#
#   BENCH_BASE_BIN=/path/to/older/dateline bench/metrics-cost.sh [DATELINE_BIN]
#
# BENCH_BASE_BIN is a build without the counters (e.g. the commit before
# them, built from `git archive`); without it the benchmark says so and
# stops (exit 0).  Both serve the same demo article; wrk measures each in
# BENCH_ROUNDS interleaved rounds (BENCH_DURATION s after BENCH_WARMUP s),
# and the table shows medians of req/s and of the server's CPU time per
# request (user + system, from /proc), the figure that counts on a
# machine shared with other work.  Settings: bench/lib.sh.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

[ $# -ge 1 ] && DATELINE_BIN=$1
if [ -z "${BENCH_BASE_BIN:-}" ]; then
	bench_log "set BENCH_BASE_BIN to a build without the counters to compare; skipped"
	exit 0
fi
ARTICLE=${BENCH_ARTICLE:-demo/articles/harbour-cranes-return.md}
bench_need wrk curl awk
bench_init metrics-cost

bench_dateline_db
path=$(bench_dateline_add "$ARTICLE") || exit 1
new_bin=$DATELINE_BIN
bench_dateline_start
new_pid=$DATELINE_PID new_url=$DATELINE_URL
DATELINE_BIN=$BENCH_BASE_BIN
bench_dateline_start
base_pid=$DATELINE_PID base_url=$DATELINE_URL
DATELINE_BIN=$new_bin
curl -sS --fail -o /dev/null "$new_url$path" && curl -sS --fail -o /dev/null "$base_url$path" ||
	bench_die "cannot fetch $path"

for r in $(seq "$BENCH_ROUNDS"); do
	bench_log "round $r of $BENCH_ROUNDS (machine busy $(bench_cpu_busy)% before)"
	bench_cpu_round base "$base_pid" "$base_url$path"
	bench_cpu_round new "$new_pid" "$new_url$path"
done
med() { awk -v c="$2" '{ print $c }' "$BENCH_TMP/$1.rounds" | bench_median; }
b_rps=$(med base 1) n_rps=$(med new 1) b_cpu=$(med base 2) n_cpu=$(med new 2)
printf '%-28s %12s %16s\n' build 'req/s' 'CPU µs/request'
printf '%-28s %12s %16s\n' "without counters" "$b_rps" "$b_cpu"
printf '%-28s %12s %16s\n' "with counters" "$n_rps" "$n_cpu"
awk -v b="$b_cpu" -v n="$n_cpu" -v br="$b_rps" -v nr="$n_rps" 'BEGIN {
	printf "CPU per request %+.1f%%, req/s %+.1f%% (goal: under 2%% more CPU)\n",
		b ? (n - b) / b * 100 : 0, br ? (nr - br) / br * 100 : 0 }'
