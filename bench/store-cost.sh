#!/usr/bin/env bash
# bench/store-cost.sh - the store redesign (src/store/db.h, from commit
# e84e9dd) against the build before it, two binaries in the same run.
#
#   BENCH_BASE_BIN=/path/to/old/dateline bench/store-cost.sh [DATELINE_BIN]
#
# Three workloads, each on its own fresh SQLite database made (and
# migrated) by the binary that serves it, rate limits off, 127.0.0.1 only:
#   page      the cached story page (the demo article): req/s and the
#             server's CPU time per request (user + system, /proc/PID/stat);
#   reaction  durable reaction changes, the write (PUT) of bench/reactions.sh
#             (bench/put.lua: each request a new reader's first reaction,
#             answered after its commit);
#   comment   durable comment posts from 1,000 logged-in readers, as in
#             bench/comments.sh (bench/comments.lua).
# wrk measures each workload in BENCH_ROUNDS interleaved rounds (base then
# new, then new then base, ...; BENCH_DURATION s after BENCH_WARMUP s;
# defaults here 3 rounds of 5 s after 2 s; wrk's timeout 10 s).  The table
# gives the median of the rounds for each binary and their change, the
# range of the changes of single rounds (new against the base measured
# beside it in the same round), and a judgement: "within noise" when the
# rounds disagree on the sign of the change, otherwise "better" or "worse"
# (a sign test: with 5 rounds that all agree, p = 1/16 for two binaries
# that cost the same; with 3 it is a weak test, 1/4).
#
# BENCH_STORE_PG=1 also runs the three workloads on PostgreSQL (a throwaway
# durable cluster from scripts/pg-cluster, one database per binary and
# workload).
#
# Without BENCH_BASE_BIN the base is built: `git archive` of
# BENCH_BASE_REV (default e84e9dd~1) unpacked under build/, `meson setup
# --buildtype=debugoptimized -Dtests=false`, ninja; the binary is kept in
# build/bench-base-REV/ and reused next time.  When that is not possible
# (no git checkout, the build fails) the benchmark says so and stops
# (exit 0).  Settings: bench/lib.sh.
set -eu
cd "$(dirname "$0")/.."
BENCH_DURATION=${BENCH_DURATION:-5}
BENCH_WARMUP=${BENCH_WARMUP:-2}
. bench/lib.sh
BENCH_NAME=store-cost

[ $# -ge 1 ] && DATELINE_BIN=$1
ARTICLE=${BENCH_ARTICLE:-demo/articles/harbour-cranes-return.md}
ACCOUNTS=${BENCH_ACCOUNTS:-1000}
BASE_REV=${BENCH_BASE_REV:-e84e9dd~1}
bench_need wrk curl awk node sqlite3
[ -x "$DATELINE_BIN" ] || bench_die "no dateline binary at $DATELINE_BIN (run: make build)"

# build_base - print the path of a build of $BASE_REV, building it once.
# Each step is skipped when done, so a build cut short (bench/run.sh's
# timeout) goes on where it stopped the next time.
build_base() {
	local rev dir
	rev=$(git rev-parse --short "$BASE_REV^{commit}" 2>/dev/null) || return 1
	dir=$PWD/build/bench-base-$rev
	mkdir -p build || return 1
	[ -x "$dir/build/dateline" ] && [ -f "$dir/.built" ] && { echo "$dir/build/dateline"; return 0; }
	bench_log "building $BASE_REV ($rev) in $dir (once; log: $dir.log)"
	{
		if [ ! -f "$dir/.unpacked" ]; then
			rm -rf "$dir" && mkdir -p "$dir" &&
				git archive "$rev" | tar -x -C "$dir" && touch "$dir/.unpacked"
		fi &&
		{ [ -f "$dir/build/build.ninja" ] ||
			meson setup "$dir/build" "$dir" --buildtype=debugoptimized -Dtests=false; } &&
		ninja -C "$dir/build" dateline && touch "$dir/.built"
	} >>"$dir.log" 2>&1 || return 1
	echo "$dir/build/dateline"
}
if [ -z "${BENCH_BASE_BIN:-}" ]; then
	BENCH_BASE_BIN=$(build_base) || {
		bench_log "cannot build $BASE_REV (see build/bench-base-*.log); set BENCH_BASE_BIN to a build before the store redesign to compare; skipped"
		exit 0
	}
fi
[ -x "$BENCH_BASE_BIN" ] || bench_die "no base binary at $BENCH_BASE_BIN"

bench_init store-cost
BACKENDS=sqlite
if [ "${BENCH_STORE_PG:-0}" = 1 ]; then
	bench_need psql
	bench_pg_cluster
	pg=$BENCH_PG_URL
	BACKENDS="sqlite pg"
fi
export BENCH_TOKENS=$BENCH_TMP/tokens
node bench/comments-seed.mjs accounts "$ACCOUNTS" "$BENCH_TMP/accounts.sql" "$BENCH_TOKENS"
tck=$(getconf CLK_TCK)

# setup WHO BIN BACKEND WORKLOAD - a fresh database made by BIN with what
# WORKLOAD needs, and BIN serving it.  Sets URL_<key> and PID_<key>, key
# WHO_BACKEND_WORKLOAD; the target URL of the workload is kept in TARGET_<key>.
setup() {
	local who=$1 bin=$2 be=$3 wl=$4 key=${1}_${3}_${4} db port path pid name
	if [ "$be" = pg ]; then
		name=bench_${key}_$$
		psql -X -q "$pg" -c "CREATE DATABASE $name" >/dev/null ||
			bench_die "cannot create a database on $pg"
		db=${pg%/*}/$name
	else
		db=$BENCH_TMP/$key.db
	fi
	"$bin" init --db "$db" >"$BENCH_TMP/$key.init.log" 2>&1 ||
		{ cat "$BENCH_TMP/$key.init.log" >&2; bench_die "$who: dateline init failed"; }
	if [ "$wl" = comment ]; then
		printf -- '---\nheadline: Busy thread\nslug: busy-thread\nsection: World\npublished: 2024-01-02T03:04:05Z\n---\nA story many readers comment on.\n' >"$BENCH_TMP/busy.md"
		"$bin" article add --db "$db" "$BENCH_TMP/busy.md" >>"$BENCH_TMP/$key.init.log" 2>&1 ||
			bench_die "$who: article add failed"
		if [ "$be" = pg ]; then
			psql -X -q -v ON_ERROR_STOP=1 "$db" <"$BENCH_TMP/accounts.sql" >/dev/null
		else
			sqlite3 "$db" <"$BENCH_TMP/accounts.sql"
		fi
	else
		path=$("$bin" article add --db "$db" "$ARTICLE" 2>>"$BENCH_TMP/$key.init.log" | tail -n 1) ||
			bench_die "$who: article add failed"
	fi
	port=$(bench_free_port) || exit 1
	"$bin" serve --db "$db" --listen "127.0.0.1:$port" --quiet --reaction-rate-limit 0 \
		--comment-rate-limit 0 >"$BENCH_TMP/$key.log" 2>&1 &
	pid=$!
	BENCH_PIDS+=("$pid")
	bench_wait_http "$pid" "http://127.0.0.1:$port/" "$key"
	case $wl in
	page) printf -v "TARGET_$key" '%s' "http://127.0.0.1:$port$path" ;;
	reaction) printf -v "TARGET_$key" '%s' \
		"http://127.0.0.1:$port/api/v1/articles/$(basename "$path")/reactions" ;;
	comment) printf -v "TARGET_$key" '%s' "http://127.0.0.1:$port/api/v1/articles/busy-thread/comments" ;;
	esac
	printf -v "PID_$key" '%s' "$pid"
}

# measure KEY WORKLOAD - one round; appends "req/s p99_ms cpu_us_per_request
# socket_errors" to $BENCH_TMP/KEY.rounds.  Fails on an answer not 2xx/3xx
# (a set-up that does not work: nothing worth measuring).
measure() {
	local key=$1 wl=$2 url pid t0 t1 f opts=()
	url=TARGET_$key pid=PID_$key
	url=${!url} pid=${!pid}
	# A write can wait seconds for its commit on a busy machine: a 10 s
	# timeout, not wrk's 2 s, so that slow answers count as slow.
	opts=(--timeout 10s)
	case $wl in
	reaction) opts+=(-s bench/put.lua) ;;
	comment) opts+=(-s bench/comments.lua) ;;
	esac
	# A tag of its own for every wrk run: comment bodies never repeat.
	BENCH_RUNS=$((BENCH_RUNS + 1))
	BENCH_RUN=" (run $BENCH_RUNS)" bench_warm "$url" "${opts[@]}"
	t0=$(bench_cpu_ticks "$pid")
	BENCH_RUNS=$((BENCH_RUNS + 1))
	BENCH_RUN=" (run $BENCH_RUNS)" bench_wrk "$key" "$url" "${opts[@]}"
	t1=$(bench_cpu_ticks "$pid")
	f=$(bench_parse_wrk "$BENCH_TMP/$key.wrk")
	set -- $f
	if [ "$8" -ne 0 ]; then
		cat "$BENCH_TMP/$key.wrk" >&2
		bench_die "$key: $8 answers not 2xx/3xx (see $BENCH_TMP/$key.log)"
	fi
	awk -v rps="$1" -v p99="$5" -v n="$6" -v d=$((t1 - t0)) -v tck="$tck" -v e="$7" \
		'BEGIN { printf "%s %s %.2f %d\n", rps, p99, n ? d / tck * 1e6 / n : 0, e }' \
		>>"$BENCH_TMP/$key.rounds"
}

WORKLOADS="page reaction comment"
BENCH_RUNS=0
for be in $BACKENDS; do
	for wl in $WORKLOADS; do
		setup base "$BENCH_BASE_BIN" "$be" "$wl"
		setup new "$DATELINE_BIN" "$be" "$wl"
	done
done
bench_log "base $BENCH_BASE_BIN, new $DATELINE_BIN; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$BENCH_ROUNDS"); do
	bench_log "round $r of $BENCH_ROUNDS (machine busy $(bench_cpu_busy)% before)"
	# base first in odd rounds, new first in even ones: a drift of the
	# machine's load over a round favours neither.
	order="base new"
	[ $((r % 2)) -eq 0 ] && order="new base"
	for be in $BACKENDS; do
		for wl in $WORKLOADS; do
			for who in $order; do
				measure "${who}_${be}_$wl" "$wl"
			done
		done
	done
done

# row LABEL BACKEND WORKLOAD COLUMN HIGHER_IS_BETTER - one line of the
# table: the medians, their change, the range of the per-round changes
# (new against base of the same round) and the judgement.
row() {
	local b=$BENCH_TMP/base_${2}_$3.rounds n=$BENCH_TMP/new_${2}_$3.rounds
	awk -v label="$1" -v c="$4" -v up="$5" '
		function med(a, k,   i, j, t) {
			for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
				if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		}
		FNR == 1 { f++ }
		f == 1 { b[++k] = $c } f == 2 { n[++m] = $c }
		END {
			lo = 1e18; hi = -1e18
			for (i = 1; i <= k && i <= m; i++) {
				d = b[i] ? (n[i] - b[i]) / b[i] * 100 : 0
				if (d < lo) lo = d
				if (d > hi) hi = d
			}
			mb = med(b, k); mn = med(n, m)
			ch = mb ? (mn - mb) / mb * 100 : 0
			if (k < 2) v = "(one round: no spread)"
			else if (lo <= 0 && hi >= 0) v = "within noise"
			else v = ((ch > 0) == (up == 1)) ? "better" : "worse"
			printf "%-40s %9.2f %9.2f %+7.1f%%  %-19s %s\n", label, mb, mn, ch,
				sprintf("%+.1f%%..%+.1f%%", lo, hi), v
		}' "$b" "$n"
}
echo
printf '%-40s %9s %9s %8s  %-19s %s\n' metric before after change 'rounds: change' judgement
for be in $BACKENDS; do
	name=SQLite
	[ "$be" = pg ] && name=PostgreSQL
	row "$name story page, CPU µs/request" "$be" page 3 0
	row "$name story page, req/s" "$be" page 1 1
	row "$name reaction PUT, req/s" "$be" reaction 1 1
	row "$name reaction PUT, p99 ms" "$be" reaction 2 0
	row "$name reaction PUT, CPU µs/request" "$be" reaction 3 0
	row "$name comment POST, req/s" "$be" comment 1 1
	row "$name comment POST, p99 ms" "$be" comment 2 0
	row "$name comment POST, CPU µs/request" "$be" comment 3 0
done
echo
echo "before: $BENCH_BASE_BIN; after: $DATELINE_BIN; medians of $BENCH_ROUNDS rounds of ${BENCH_DURATION}s;"
echo "rounds: the lowest and highest change of one round against the same round's base;"
echo "within noise: the rounds disagree on the sign of the change"
errors=$(cat "$BENCH_TMP"/*.rounds | awk '{ e += $4 } END { print e + 0 }')
echo "socket errors (timeouts over 10 s included), all runs: $errors"
