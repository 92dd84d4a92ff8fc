#!/usr/bin/env bash
# bench/run.sh - run every benchmark, one after the other.  Used by `make bench`.
#
#   bench/run.sh [DATELINE_BIN]          (default build/dateline)
#   bench/run.sh DATELINE_BIN NAME...    only bench/NAME.sh (e.g. article)
#
# A benchmark is any bench/*.sh other than lib.sh and run.sh; each is run
# with the dateline binary as its argument and stopped after
# BENCH_TIMEOUT seconds (default 300) so that the whole run stays bounded.
# Each prints its own table and PASS/MISS lines; a goal missed is not a
# failure.  Exits non-zero when a benchmark could not run.  Settings:
# see bench/lib.sh (BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, ...).
set -u
cd "$(dirname "$0")/.." || exit 1

bin=${1:-build/dateline}
[ $# -gt 0 ] && shift
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
[ -x "$bin" ] || { echo "bench: no dateline binary at $bin (run: make build)" >&2; exit 1; }

if [ $# -gt 0 ]; then
	scripts=()
	for name in "$@"; do scripts+=("bench/${name%.sh}.sh"); done
else
	scripts=()
	for f in bench/*.sh; do
		case "$(basename "$f")" in lib.sh | run.sh) continue ;; esac
		scripts+=("$f")
	done
fi

timeout=${BENCH_TIMEOUT:-300}
failed=()
start=$(date +%s)
child=
# On an interrupt, stop the running benchmark (its trap stops its servers
# and wrk) and wait for it, then stop.
stop() {
	trap '' INT TERM HUP
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	echo "bench: interrupted" >&2
	exit 130
}
trap stop INT TERM HUP
for f in "${scripts[@]}"; do
	[ -f "$f" ] || { echo "bench: no such benchmark: $f" >&2; failed+=("$f"); continue; }
	echo "=== $f"
	# timeout passes SIGTERM on to the script, whose trap stops its
	# servers; -k: SIGKILL if that takes more than 20 s.  Run in the
	# background and waited for, so that an interrupt is handled at once.
	timeout --foreground -k 20 "$timeout" bash "$f" "$bin" &
	child=$!
	wait "$child"
	rc=$?
	child=
	if [ "$rc" -ne 0 ]; then
		[ "$rc" -eq 124 ] && echo "bench: $f took longer than ${timeout}s, stopped" >&2
		failed+=("$f")
	fi
	echo
done
echo "bench: ${#scripts[@]} benchmark(s) in $(( $(date +%s) - start ))s${failed:+, could not run: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
