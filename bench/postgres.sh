#!/usr/bin/env bash
# bench/postgres.sh - SQLite and PostgreSQL side by side, in the same run:
# the article page and durable reaction changes per second on
#   1. SQLite, one node;
#   2. PostgreSQL, one node;
#   3. PostgreSQL, two nodes on the same machine (two `dateline serve` on
#      different ports on one database; the load is split across both, the
#      figures are summed).
#
#   bench/postgres.sh [DATELINE_BIN]     (default build/dateline)
#
# PostgreSQL is a throwaway cluster (scripts/pg-cluster) with its durable
# defaults: fsync and synchronous_commit on, so an answered change is on
# disk.  Each set-up gets its own database with one demo article; rate
# limits are off; everything listens on 127.0.0.1.  The runs are
# interleaved (page: SQLite, PG, PG x2; then changes: the same), in
# BENCH_PG_ROUNDS rounds (default 2); medians are printed.  A change is a
# PUT of a new reader's first reaction (bench/put.lua), answered after its
# commit.  Also counted: the CPU time of the dateline processes per page
# request (steadier than req/s on a machine shared with other work), and
# the database transactions PostgreSQL saw during the one-node page runs,
# per request (the page is served from the cache: about 0, plus the
# content-version poll, 10 a second).
# Prints PASS/MISS for the goals of issue #7: >= 10,000 durable changes/s
# on PostgreSQL from one node; the PostgreSQL article page within 20% of
# SQLite's.  A miss is reported, not an error.  Settings: bench/lib.sh.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

[ $# -ge 1 ] && DATELINE_BIN=$1
ARTICLE=${BENCH_ARTICLE:-demo/articles/harbour-cranes-return.md}
ROUNDS=${BENCH_PG_ROUNDS:-2}
GOAL_PG_WRITES=10000	# durable changes/s, PostgreSQL, one node
GOAL_PG_PAGE=0.80	# PostgreSQL article page req/s / SQLite's

bench_need wrk curl psql awk
[ -x "$DATELINE_BIN" ] || bench_die "no dateline binary at $DATELINE_BIN (run: make build)"
bench_init postgres
bench_pg_cluster
pg=$BENCH_PG_URL
bench_log "PostgreSQL (durable settings) at $pg; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# new_db NAME: a database with the article; sets DB and SLUGPATH.
new_db() {
	if [ "$1" = sqlite ]; then
		DB=$BENCH_TMP/site.db
	else
		psql -X -q "$pg" -c "CREATE DATABASE $1" >/dev/null ||
			bench_die "cannot create database $1"
		DB="${pg%/*}/$1"
	fi
	"$DATELINE_BIN" init --db "$DB" >>"$BENCH_TMP/init.log" 2>&1 ||
		{ cat "$BENCH_TMP/init.log" >&2; bench_die "dateline init failed on $DB"; }
	SLUGPATH=$("$DATELINE_BIN" article add --db "$DB" "$ARTICLE" 2>>"$BENCH_TMP/add.log" | tail -n 1) ||
		{ cat "$BENCH_TMP/add.log" >&2; bench_die "dateline article add failed on $DB"; }
}

# serve NAME: a node on $DB; sets URL.
serve() {
	local port pid
	port=$(bench_free_port)
	"$DATELINE_BIN" serve --db "$DB" --listen "127.0.0.1:$port" --quiet \
		--reaction-rate-limit 0 >"$BENCH_TMP/$1.log" 2>&1 &
	pid=$!
	BENCH_PIDS+=("$pid")
	bench_wait_http "$pid" "http://127.0.0.1:$port/" "$1"
	URL="http://127.0.0.1:$port"
	PID=$pid
}

new_db sqlite
serve sqlite
lite=$URL
lite_pid=$PID
lite_path=$SLUGPATH
new_db bench_one
serve pg-one
one=$URL
one_pid=$PID
one_db=$DB
one_path=$SLUGPATH
new_db bench_two
serve pg-two-a
two_a=$URL
two_pids=$PID
serve pg-two-b
two_b=$URL
two_pids="$two_pids $PID"
two_path=$SLUGPATH
api() { echo "/api/v1/articles/$(basename "$1")/reactions"; }

# measure LABEL URL... [-- wrk options]: one wrk per URL at once, the
# connections split between them; prints "req/s p99_ms errors" (req/s and
# errors summed, the worst p99; errors are socket errors, time-outs
# included, and answers other than 2xx/3xx).
measure() {
	local label=$1 n=0 i pids=() u urls=() conns threads line
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do urls+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	n=${#urls[@]}
	conns=$((BENCH_CONNECTIONS / n))
	threads=$((BENCH_THREADS / n)); [ "$threads" -ge 1 ] || threads=1
	for i in "${!urls[@]}"; do
		u=${urls[$i]}
		wrk -t"$threads" -c"$conns" -d"${BENCH_DURATION}s" --latency "$@" "$u" \
			>"$BENCH_TMP/wrk-$label.$i" 2>&1 &
		pids+=("$!")
		BENCH_PIDS+=("$!")
	done
	for i in "${pids[@]}"; do
		wait "$i" || { cat "$BENCH_TMP/wrk-$label".* >&2; bench_die "wrk failed ($label)"; }
	done
	for i in "${!urls[@]}"; do
		bench_parse_wrk "$BENCH_TMP/wrk-$label.$i"
	done | awk '{ r += $1; if ($5 > p) p = $5; e += $7 + $8 }
		END { printf "%.0f %.2f %d\n", r, p, e }'
}

# The number of transactions committed in database @1 so far (PostgreSQL
# publishes them within a second of being idle: wait for that first).
xacts() {
	sleep 1.5
	psql -X -A -t "$pg" -c "SELECT xact_commit FROM pg_stat_database WHERE datname = '$1'"
}

for u in "$lite$lite_path" "$one$one_path" "$two_a$two_path" "$two_b$two_path"; do
	bench_warm "$u"
done
# cpu PID...: the CPU time of these dateline processes so far, in ticks.
cpu() {
	local t=0 pid
	for pid in "$@"; do
		t=$((t + $(bench_cpu_ticks "$pid")))
	done
	echo "$t"
}

# page NAME PIDS URL...: one article page run; its figures, then the
# dateline CPU time per request (microseconds) as a fourth field.
page() {
	local name=$1 pids=$2 c0 c1 line
	shift 2
	# shellcheck disable=SC2086  # PIDS is a list
	c0=$(cpu $pids)
	line=$(measure "$name" "$@")
	# shellcheck disable=SC2086
	c1=$(cpu $pids)
	echo "$line" | awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v d="$BENCH_DURATION" \
		'{ printf "%s %.1f\n", $0, $1 ? t * 1e6 / hz / ($1 * d) : 0 }'
}

for r in $(seq "$ROUNDS"); do
	bench_log "round $r of $ROUNDS: article page"
	# Odd rounds start with SQLite, even ones with PostgreSQL.
	[ $((r % 2)) = 1 ] && page "page-lite-$r" "$lite_pid" "$lite$lite_path" >"$BENCH_TMP/page-lite-$r"
	x0=$(xacts bench_one)
	page "page-one-$r" "$one_pid" "$one$one_path" >"$BENCH_TMP/page-one-$r"
	x1=$(xacts bench_one)
	echo "$((x1 - x0))" >"$BENCH_TMP/xacts-$r"
	page "page-two-$r" "$two_pids" "$two_a$two_path" "$two_b$two_path" >"$BENCH_TMP/page-two-$r"
	[ $((r % 2)) = 0 ] && page "page-lite-$r" "$lite_pid" "$lite$lite_path" >"$BENCH_TMP/page-lite-$r"
	bench_log "round $r of $ROUNDS: durable reaction changes"
	measure "put-lite-$r" "$lite$(api "$lite_path")" -- -s bench/put.lua >"$BENCH_TMP/put-lite-$r"
	measure "put-one-$r" "$one$(api "$one_path")" -- -s bench/put.lua >"$BENCH_TMP/put-one-$r"
	measure "put-two-$r" "$two_a$(api "$two_path")" "$two_b$(api "$two_path")" -- \
		-s bench/put.lua >"$BENCH_TMP/put-two-$r"
done

# med KIND FIELD: the median over the rounds of field FIELD of KIND.
med() {
	local r
	for r in $(seq "$ROUNDS"); do
		awk -v f="$2" '{ print $f }' "$BENCH_TMP/$1-$r"
	done | bench_median
}

reqs=0
for r in $(seq "$ROUNDS"); do
	reqs=$((reqs + $(awk '{ printf "%d", $1 * '"$BENCH_DURATION"' }' "$BENCH_TMP/page-one-$r")))
done
xsum=$(cat "$BENCH_TMP"/xacts-* | awk '{ s += $1 } END { print s + 0 }')
per_req=$(awk -v x="$xsum" -v n="$reqs" 'BEGIN { printf "%.4f", n ? x / n : 0 }')
rows=$(psql -X -A -t "$one_db" -c "SELECT (SELECT count(*) FROM reactions) || ' rows, counts ' || (SELECT coalesce(sum(count), 0) FROM reaction_counts)")

echo
printf '%-32s %14s %14s %16s\n' "" "SQLite 1 node" "PG 1 node" "PG 2 nodes (sum)"
printf '%-32s %14s %14s %16s\n' "article GET req/s" \
	"$(med page-lite 1)" "$(med page-one 1)" "$(med page-two 1)"
printf '%-32s %14s %14s %16s\n' "article GET p99 ms" \
	"$(med page-lite 2)" "$(med page-one 2)" "$(med page-two 2)"
printf '%-32s %14s %14s %16s\n' "article GET CPU us/request" \
	"$(med page-lite 4)" "$(med page-one 4)" "$(med page-two 4)"
printf '%-32s %14s %14s %16s\n' "reaction PUT (durable) req/s" \
	"$(med put-lite 1)" "$(med put-one 1)" "$(med put-two 1)"
printf '%-32s %14s %14s %16s\n' "reaction PUT p99 ms" \
	"$(med put-lite 2)" "$(med put-one 2)" "$(med put-two 2)"
errs() { cat "$BENCH_TMP/$1"-[0-9]* | awk '{ s += $3 } END { print s + 0 }'; }
printf '%-32s %14s %14s %16s\n' "article GET errors (all runs)" \
	"$(errs page-lite)" "$(errs page-one)" "$(errs page-two)"
printf '%-32s %14s %14s %16s\n' "reaction PUT errors (all runs)" \
	"$(errs put-lite)" "$(errs put-one)" "$(errs put-two)"
echo
echo "rounds: $ROUNDS x ${BENCH_DURATION}s per run, $BENCH_CONNECTIONS connections (split between two nodes)"
echo "PostgreSQL transactions during the one-node page runs: $xsum for $reqs requests ($per_req per request)"
echo "PostgreSQL one node after the runs: $rows"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

ratio=$(bench_div "$(med page-one 1)" "$(med page-lite 1)")
verdict() { if "$@"; then echo PASS; else echo MISS; fi; }
echo
echo "$(verdict bench_ge "$(med put-one 1)" $GOAL_PG_WRITES) PostgreSQL one node: $(med put-one 1) durable changes/s (goal >= $GOAL_PG_WRITES)"
echo "$(verdict bench_ge "$ratio" $GOAL_PG_PAGE) PostgreSQL article page: ${ratio}x SQLite's (goal >= $GOAL_PG_PAGE)"
