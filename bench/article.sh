#!/usr/bin/env bash
# bench/article.sh - the article page against nginx serving the same bytes.
#
#   bench/article.sh [DATELINE_BIN]      (default build/dateline)
#
# Starts dateline on loopback with a fresh SQLite database holding one demo
# article, fetches that article's page once with curl and writes those exact
# bytes into the root of an nginx started with its own temporary config, at
# the same URL path.  Then wrk (keep-alive; BENCH_THREADS threads,
# BENCH_CONNECTIONS connections, BENCH_DURATION seconds a run) measures both
# servers, after a BENCH_WARMUP-second warm-up each, in BENCH_ROUNDS
# interleaved rounds: first plain GETs without Accept-Encoding (both send
# the identity bytes), then with "Accept-Encoding: gzip" (nginx's
# gzip_static sends a .gz holding the very bytes dateline sends).  Prints a
# table of medians (req/s, latency, the server's CPU time per request, RSS),
# the ratio dateline/nginx and PASS/MISS against the goals
# (docs/performance.md).  A miss is reported, not an error: the exit status
# is non-zero only when the benchmark could not run.  Settings: bench/lib.sh.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

[ $# -ge 1 ] && DATELINE_BIN=$1
ARTICLE=${BENCH_ARTICLE:-demo/articles/harbour-cranes-return.md}
GOAL_RATIO=0.75        # dateline req/s >= 0.75 x nginx-static req/s
GOAL_P99_MS=10         # dateline p99 latency < 10 ms
GOAL_RSS_MB=30         # dateline peak RSS (VmHWM) < 30 MiB

bench_need wrk nginx curl gzip cmp awk
[ -x "$DATELINE_BIN" ] || bench_die "no dateline binary at $DATELINE_BIN (run: make build)"
bench_init article
# The source the binary was (presumably) built from, noted before the run.
rev=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
git diff --quiet HEAD -- src templates static sql 2>/dev/null || rev="$rev+uncommitted changes"

# --- dateline with one article ---------------------------------------------
bench_dateline_db
path=$(bench_dateline_add "$ARTICLE") || exit 1
case "$path" in /*) ;; *) bench_die "unexpected URL path from 'article add': $path" ;; esac
# shellcheck disable=SC2119  # no extra serve options
bench_dateline_start
bench_log "dateline pid $DATELINE_PID at $DATELINE_URL, article $path"

# The page as dateline sends it: identity (curl sends no Accept-Encoding)...
d=$BENCH_TMP/dateline
curl -sS --fail -D "$d.hdr" -o "$d.html" "$DATELINE_URL$path" ||
	bench_die "cannot fetch $DATELINE_URL$path"
if grep -qi '^content-encoding:' "$d.hdr"; then
	bench_die "dateline sent a Content-Encoding to a request without Accept-Encoding"
fi
size=$(wc -c <"$d.html")
# ... and gzip, when dateline compresses it.
gzip_ok=0
if curl -sS --fail -H 'Accept-Encoding: gzip' -D "$d.gz.hdr" -o "$d.html.gz" "$DATELINE_URL$path" &&
	grep -qi '^content-encoding: *gzip' "$d.gz.hdr" &&
	gzip -dc "$d.html.gz" 2>/dev/null | cmp -s - "$d.html"; then
	gzip_ok=1
	gzsize=$(wc -c <"$d.html.gz")
else
	bench_log "dateline does not send this page gzip-compressed: skipping the gzip pair"
fi

# --- nginx serving the same bytes as static files -------------------------
mkdir -p "$BENCH_TMP/www"
case "$path" in
*/) file=$BENCH_TMP/www${path}index.html ;;
*) file=$BENCH_TMP/www$path ;;
esac
mkdir -p "$(dirname "$file")"
cp "$d.html" "$file"
[ "$gzip_ok" = 1 ] && cp "$d.html.gz" "$file.gz"
# The same extra headers as dateline's (security headers, Cache-Control),
# so that both responses are about the same size on the wire.
extra="        default_type text/html;
$(bench_nginx_headers "$d.hdr")"
bench_nginx_start "$extra"
bench_log "nginx pid $NGINX_PID at $NGINX_URL, serving $file"

n=$BENCH_TMP/nginx-page
curl -sS --fail -D "$n.hdr" -o "$n.html" "$NGINX_URL$path" ||
	bench_die "nginx does not serve $NGINX_URL$path (see $BENCH_TMP/nginx/error.log)"
cmp -s "$n.html" "$d.html" || bench_die "nginx's body differs from dateline's"
if [ "$gzip_ok" = 1 ]; then
	curl -sS --fail -H 'Accept-Encoding: gzip' -D "$n.gz.hdr" -o "$n.html.gz" "$NGINX_URL$path"
	if ! grep -qi '^content-encoding: *gzip' "$n.gz.hdr" || ! cmp -s "$n.html.gz" "$d.html.gz"; then
		bench_log "nginx's gzip_static does not send dateline's .gz bytes: skipping the gzip pair"
		gzip_ok=0
	fi
fi
dh=$(tr -d '\r' <"$d.hdr" | wc -c)
nh=$(tr -d '\r' <"$n.hdr" | wc -c)

# --- measure -------------------------------------------------------------
# Each server gets a warm-up, then BENCH_ROUNDS measured runs, the two
# servers taking turns (and swapping who goes first each round) so that a
# drift in the machine's speed hits both alike.
# rows: encoding server round req/s p50 p75 p90 p99 requests errors non2xx rss_kb hwm_kb cpu_us_per_req
rows=$BENCH_TMP/rows
: >"$rows"
busy_max=$(bench_cpu_busy 1)
[ "$busy_max" -gt 10 ] &&
	bench_log "warning: the machine is ${busy_max}% busy before the run: the figures will be low and noisy"
measure() { # encoding server round url pid [wrk options]
	local enc=$1 srv=$2 round=$3 url=$4 pid=$5 fields rss hwm t0 t1 cpu busy
	shift 5
	busy=$(bench_cpu_busy 0.5)	# load from others, just before the run
	[ "$busy" -gt "$busy_max" ] && busy_max=$busy
	t0=$(bench_tree_cpu_ticks "$pid")
	bench_wrk "$enc-$srv-$round" "$url" "$@"
	fields=$(bench_parse_wrk "$BENCH_TMP/$enc-$srv-$round.wrk")
	t1=$(bench_tree_cpu_ticks "$pid")
	if [ "$srv" = dateline ]; then
		rss=$(bench_mem_kb "$pid" VmRSS)
		hwm=$(bench_mem_kb "$pid" VmHWM)
	else
		rss=$(bench_tree_mem_kb "$pid" VmRSS)
		hwm=$(bench_tree_mem_kb "$pid" VmHWM)
	fi
	# the server's CPU time (user + system, all threads or workers) per request
	cpu=$(echo "$fields" | awk -v t=$((t1 - t0)) -v hz="$clk_tck" \
		'{ printf "%.1f", ($6 > 0 ? t * 1e6 / hz / $6 : 0) }')
	echo "$enc $srv $round $fields $rss $hwm $cpu" >>"$rows"
	bench_log "$enc: $srv: round $round: $(echo "$fields" | awk '{ printf "%.0f req/s, p99 %.2f ms", $1, $5 }'), $cpu us CPU/request (machine ${busy}% busy before)"
}
clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)
encodings=identity
[ "$gzip_ok" = 1 ] && encodings="identity gzip"
for enc in $encodings; do
	set --
	[ "$enc" = gzip ] && set -- -H 'Accept-Encoding: gzip'
	bench_log "$enc: warm-up ${BENCH_WARMUP}s each, then $BENCH_ROUNDS x ${BENCH_DURATION}s each"
	bench_warm "$DATELINE_URL$path" "$@"
	bench_warm "$NGINX_URL$path" "$@"
	for round in $(seq "$BENCH_ROUNDS"); do
		if [ $((round % 2)) = 1 ]; then order="dateline nginx"; else order="nginx dateline"; fi
		for srv in $order; do
			if [ "$srv" = dateline ]; then
				measure "$enc" dateline "$round" "$DATELINE_URL$path" "$DATELINE_PID" "$@"
			else
				measure "$enc" nginx "$round" "$NGINX_URL$path" "$NGINX_PID" "$@"
			fi
		done
	done
done

# The page must not have changed under load (no per-request content).
curl -sS --fail -o "$d.after.html" "$DATELINE_URL$path" || bench_die "dateline stopped answering"
cmp -s "$d.after.html" "$d.html" || bench_log "warning: dateline's page changed during the run"
kill -0 "$DATELINE_PID" 2>/dev/null || bench_die "dateline exited during the run"

# --- report --------------------------------------------------------------
col() { # encoding server column -> that column over the rounds, one a line
	awk -v e="$1" -v s="$2" -v c="$3" '$1 == e && $2 == s { print $c }' "$rows"
}
med() { col "$@" | bench_median; }
sum() { col "$@" | awk '{ t += $1 } END { print t + 0 }'; }
max() { col "$@" | sort -g | tail -n 1; }

model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
echo
echo "== article page: dateline vs nginx serving the same bytes as a static file"
echo "   $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(nproc) cores (${model:-unknown CPU}), Linux $(uname -r)"
echo "   $(wrk --version 2>&1 | head -1 | awk '{ print $1, $2 }'), $(nginx -v 2>&1 | sed 's/.*: //') (worker_processes 2), dateline $rev"
echo "   GET $path: $size bytes identity$( [ "$gzip_ok" = 1 ] && echo ", $gzsize bytes gzip"); headers $dh bytes (dateline), $nh (nginx)"
echo "   wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d${BENCH_DURATION}s --latency, keep-alive, loopback; wrk shares the cores"
echo "   medians of $BENCH_ROUNDS interleaved rounds after a ${BENCH_WARMUP}s warm-up; cpu_us = server CPU (user+sys) per request;"
echo "   RSS after the last round, peak = VmHWM (nginx: master + workers summed)"
echo "   other load on the machine just before a run: at most ${busy_max}% of all cores"
if [ "$busy_max" -gt 10 ]; then
	echo "   WARNING: the machine was not idle; these figures are low and noisy, run again on an idle machine"
fi
echo
printf '%-9s %-13s %9s %7s %7s %7s %7s %8s %8s %6s  %s\n' \
	encoding server req/s p50_ms p90_ms p99_ms cpu_us RSS_MiB peak_MiB errors "req/s by round"
for enc in $encodings; do
	for srv in dateline nginx; do
		label=$srv
		[ "$srv" = nginx ] && label=nginx-static
		rss=$(col "$enc" "$srv" 12 | tail -n 1)
		printf '%-9s %-13s %9.0f %7.2f %7.2f %7.2f %7.1f %8s %8s %6d  %s\n' \
			"$enc" "$label" "$(med "$enc" "$srv" 4)" "$(med "$enc" "$srv" 5)" \
			"$(med "$enc" "$srv" 7)" "$(med "$enc" "$srv" 8)" "$(med "$enc" "$srv" 14)" \
			"$(bench_mb "$rss")" "$(bench_mb "$(max "$enc" "$srv" 13)")" \
			$(($(sum "$enc" "$srv" 10) + $(sum "$enc" "$srv" 11))) \
			"$(col "$enc" "$srv" 4 | awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }')"
	done
done
echo
ratios() { # encoding -> the per-round ratios dateline/nginx, one a line
	join <(awk -v e="$1" '$1 == e && $2 == "dateline" { print $3, $4 }' "$rows" | sort) \
		<(awk -v e="$1" '$1 == e && $2 == "nginx" { print $3, $4 }' "$rows" | sort) |
		sort -n | awk '{ printf "%.2f\n", $3 ? $2 / $3 : 0 }'
}
for enc in $encodings; do
	echo "ratio dateline/nginx-static ($enc): $(printf '%.2f' "$(ratios "$enc" | bench_median)")x" \
		"(median of rounds: $(ratios "$enc" | tr '\n' ' ' | sed 's/ $//'));" \
		"CPU per request nginx/dateline: $(bench_div "$(med "$enc" nginx 14)" "$(med "$enc" dateline 14)")x"
done

# Goals, on the identity pair (the goal's definition); RSS is dateline's
# peak over the whole run.
ratio=$(printf '%.2f' "$(ratios identity | bench_median)")
dp99=$(med identity dateline 8)
dhwm=$(col identity dateline 13; col gzip dateline 13)
dhwm=$(echo "$dhwm" | sort -g | tail -n 1)
derrs=0
for enc in $encodings; do
	derrs=$((derrs + $(sum "$enc" dateline 10) + $(sum "$enc" dateline 11)))
done
verdict() { if "$@"; then echo PASS; else echo MISS; fi; }
echo
echo "goals (identity, dateline):"
printf '  %-34s %-12s %s\n' "req/s >= ${GOAL_RATIO}x nginx-static" "${ratio}x" \
	"$(verdict bench_ge "$ratio" "$GOAL_RATIO")"
printf '  %-34s %-12s %s\n' "p99 latency < ${GOAL_P99_MS} ms" "$(printf '%.2f' "$dp99") ms" \
	"$(verdict bench_lt "$dp99" "$GOAL_P99_MS")"
printf '  %-34s %-12s %s\n' "server RSS < ${GOAL_RSS_MB} MiB (peak)" "$(bench_mb "$dhwm") MiB" \
	"$(verdict bench_lt "$(bench_mb "$dhwm")" "$GOAL_RSS_MB")"
if [ "$derrs" -ne 0 ]; then
	echo "  warning: dateline had $derrs socket errors or non-2xx/3xx responses"
fi
exit 0
