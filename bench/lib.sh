# shellcheck shell=bash
# bench/lib.sh - helpers shared by the benchmark scripts (bench/*.sh).
#
# Source it from bash:   . "$(dirname "$0")/lib.sh"
#
# It gives each script a private temporary folder ($BENCH_TMP), starts
# dateline and nginx on free loopback ports, runs wrk and reads its report,
# reads a server's memory and CPU time from /proc, and stops everything it
# started when the script exits, fails or is interrupted.  Nothing here needs root and
# nothing is written outside $BENCH_TMP.
#
# Settings (environment):
#   DATELINE_BIN        the dateline binary (default build/dateline)
#   BENCH_THREADS       wrk threads                 (default 2)
#   BENCH_CONNECTIONS   wrk connections, keep-alive (default 64)
#   BENCH_DURATION      seconds per measured run    (default 10)
#   BENCH_WARMUP        seconds of warm-up per server before measuring (default 3)
#   BENCH_ROUNDS        measured runs per server, interleaved; medians are
#                       reported (default 3)
#   BENCH_KEEP=1        keep $BENCH_TMP (logs, wrk reports, configs) afterwards

BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_DURATION=${BENCH_DURATION:-10}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_ROUNDS=${BENCH_ROUNDS:-3}
DATELINE_BIN=${DATELINE_BIN:-build/dateline}

BENCH_PIDS=()
BENCH_TMP=
BENCH_WRK_PID=

bench_log() { printf '%s\n' "${BENCH_NAME:-bench}: $*" >&2; }
bench_die() { bench_log "error: $*"; exit 1; }

# bench_need CMD... - fail early, with a hint, when a tool is missing.
bench_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			bench_die "'$c' not found (run: scripts/install-deps --bench)"
	done
}

# bench_init NAME - temp folder and the exit/interrupt trap.
bench_init() {
	BENCH_NAME=$1
	BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dateline-bench-$1.XXXXXX") ||
		bench_die "cannot create a temporary folder"
	# nginx's workers may run as another user (nobody when started as
	# root): let them read the files served from here.
	chmod 755 "$BENCH_TMP"
	trap bench_cleanup EXIT
	trap 'bench_log "interrupted"; exit 130' INT
	trap 'bench_log "terminated"; exit 143' TERM
	trap 'exit 129' HUP
}

# bench_stop PID - SIGTERM, wait up to 5 s, then SIGKILL.  Only this PID.
bench_stop() {
	local pid=$1 _
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		bench_log "pid $pid did not stop on SIGTERM, killing it"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null || true
}

# bench_cleanup [RC] - the exit trap: stop what was started, remove
# $BENCH_TMP, exit with RC (default: the status the script exited with).
bench_cleanup() {
	local rc=${1:-$?} pid
	# No second interrupt may cut the cleanup short.
	trap '' INT TERM HUP
	trap - EXIT
	[ -n "${BENCH_WRK_PID:-}" ] && bench_stop "$BENCH_WRK_PID"
	for pid in "${BENCH_PIDS[@]}"; do
		bench_stop "$pid"
	done
	BENCH_PIDS=()
	if [ -n "$BENCH_TMP" ] && [ -d "$BENCH_TMP" ]; then
		if [ "${BENCH_KEEP:-0}" = 1 ]; then
			bench_log "kept $BENCH_TMP"
		else
			rm -rf "$BENCH_TMP"
		fi
	fi
	exit "$rc"
}

# bench_pg_cluster - after bench_init: a throwaway PostgreSQL 15 cluster
# (scripts/pg-cluster) with its durable settings (fsync and
# synchronous_commit on); sets BENCH_PG_URL (postgres://...).  At exit
# the servers and wrk are stopped first, then the cluster, then the rest.
bench_pg_cluster() {
	[ -x /usr/lib/postgresql/15/bin/initdb ] ||
		bench_die "PostgreSQL 15 is not installed (scripts/install-deps)"
	BENCH_PG_DIR=$(mktemp -d -u "${TMPDIR:-/tmp}/dateline-bench-pg.XXXXXX")
	trap bench_pg_exit EXIT
	BENCH_PG_URL=$(PG_DURABLE=1 scripts/pg-cluster start "$BENCH_PG_DIR") ||
		bench_die "cannot start a PostgreSQL cluster"
}

bench_pg_exit() {
	local rc=$? pid
	trap '' INT TERM HUP
	for pid in "${BENCH_PIDS[@]}"; do
		bench_stop "$pid"
	done
	BENCH_PIDS=()
	# Under set -e a failing command here would end the trap early.
	scripts/pg-cluster stop "$BENCH_PG_DIR" || true
	bench_cleanup "$rc"
}

# bench_free_port - print a TCP port nothing listens on at 127.0.0.1.
# (Another process could take it before we bind; the start functions
# notice a server that exits at once and say so.)
bench_free_port() {
	local p _
	for _ in $(seq 100); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if command -v ss >/dev/null 2>&1; then
			[ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ] || continue
		fi
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	bench_die "no free port found"
}

# bench_wait_http PID URL NAME - wait (up to 10 s) until URL answers (any status).
bench_wait_http() {
	local pid=$1 url=$2 name=$3 _
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || bench_die "$name exited at start (see $BENCH_TMP/$name.log)"
		curl -sS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
		sleep 0.1
	done
	bench_die "$name did not answer $url within 10 s"
}

# bench_dateline_db - create $BENCH_TMP/dateline.db (DATELINE_DB is set),
# or with BENCH_PG (a postgres:// URL of a server, see bench/postgres.sh) a
# new database there.
bench_dateline_db() {
	DATELINE_DB="$BENCH_TMP/dateline.db"
	if [ -n "${BENCH_PG:-}" ]; then
		local name="bench_$$_$RANDOM"
		psql -X -q "$BENCH_PG" -c "CREATE DATABASE $name" >/dev/null ||
			bench_die "cannot create a database on $BENCH_PG"
		DATELINE_DB="${BENCH_PG%/*}/$name"
	fi
	"$DATELINE_BIN" init --db "$DATELINE_DB" >"$BENCH_TMP/init.log" 2>&1 ||
		{ cat "$BENCH_TMP/init.log" >&2; bench_die "dateline init failed"; }
}

# bench_dateline_add FILE - add an article, print its URL path.
bench_dateline_add() {
	local path
	path=$("$DATELINE_BIN" article add --db "$DATELINE_DB" "$1" 2>>"$BENCH_TMP/add.log") ||
		{ cat "$BENCH_TMP/add.log" >&2; bench_die "dateline article add $1 failed"; }
	printf '%s\n' "$path" | tail -n 1
}

# bench_dateline_start [SERVE OPTIONS...] - serve $DATELINE_DB (access log
# off, plus any options given); sets DATELINE_PID, DATELINE_URL
# (http://127.0.0.1:PORT, no trailing slash).
bench_dateline_start() {
	local port
	port=$(bench_free_port) || exit 1
	"$DATELINE_BIN" serve --db "$DATELINE_DB" --listen "127.0.0.1:$port" --quiet "$@" \
		>"$BENCH_TMP/dateline.log" 2>&1 &
	DATELINE_PID=$!
	BENCH_PIDS+=("$DATELINE_PID")
	DATELINE_URL="http://127.0.0.1:$port"
	bench_wait_http "$DATELINE_PID" "$DATELINE_URL/" dateline
}

# bench_nginx_start [EXTRA_SERVER_DIRECTIVES] - nginx in the foreground
# (daemon off, master + worker_processes 2) with its own config, serving
# $BENCH_TMP/www; every path it writes is under $BENCH_TMP/nginx.  Sets
# NGINX_PID (the master), NGINX_URL, NGINX_ROOT.
bench_nginx_start() {
	local port dir=$BENCH_TMP/nginx extra=${1:-}
	NGINX_ROOT=$BENCH_TMP/www
	mkdir -p "$dir" "$NGINX_ROOT"
	chmod -R a+rX "$NGINX_ROOT"
	port=$(bench_free_port) || exit 1
	cat >"$dir/nginx.conf" <<-EOF
	# generated by bench/lib.sh for one benchmark run
	worker_processes 2;
	pid $dir/nginx.pid;
	error_log $dir/error.log warn;
	events {
	    worker_connections 1024;
	}
	http {
	    access_log off;
	    client_body_temp_path $dir/client_body;
	    proxy_temp_path $dir/proxy;
	    fastcgi_temp_path $dir/fastcgi;
	    uwsgi_temp_path $dir/uwsgi;
	    scgi_temp_path $dir/scgi;
	    types {
	        text/html html;
	    }
	    default_type application/octet-stream;
	    charset utf-8;
	    sendfile on;
	    tcp_nopush on;
	    tcp_nodelay on;
	    keepalive_timeout 65;
	    keepalive_requests 100000;
	    open_file_cache max=100 inactive=60s;
	    server_tokens off;
	    gzip off;
	    gzip_static on;
	    gzip_vary on;
	    server {
	        listen 127.0.0.1:$port;
	        root $NGINX_ROOT;
	        index index.html;
	$extra
	    }
	}
	EOF
	nginx -t -q -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" 2>"$BENCH_TMP/nginx.log" ||
		{ cat "$BENCH_TMP/nginx.log" >&2; bench_die "nginx rejected its config ($dir/nginx.conf)"; }
	nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' \
		>>"$BENCH_TMP/nginx.log" 2>&1 &
	NGINX_PID=$!
	BENCH_PIDS+=("$NGINX_PID")
	NGINX_URL="http://127.0.0.1:$port"
	bench_wait_http "$NGINX_PID" "$NGINX_URL/" nginx
}

# bench_nginx_headers HEADER_FILE - print nginx add_header lines that repeat
# the extra response headers in HEADER_FILE (curl -D output), so that both
# servers send comparable responses.  Leaves out the headers nginx makes
# itself (Date, Content-*, ETag, Last-Modified, Vary, ...).
bench_nginx_headers() {
	tr -d '\r' <"$1" | awk -F': ' '
		NR == 1 || NF < 2 { next }
		tolower($1) ~ /^(date|server|content-type|content-length|content-encoding|transfer-encoding|connection|keep-alive|etag|last-modified|vary|accept-ranges)$/ { next }
		{
			v = substr($0, length($1) + 3)
			if (v ~ /[$"\\]/) next
			printf "        add_header %s \"%s\" always;\n", $1, v
		}'
}

# bench_children PID - print the PIDs of PID's children.
bench_children() {
	if command -v pgrep >/dev/null 2>&1; then
		pgrep -P "$1" || true
	else
		tr ' ' '\n' <"/proc/$1/task/$1/children" 2>/dev/null | grep . || true
	fi
}

# bench_mem_kb PID FIELD - VmRSS or VmHWM of one process, in KiB.
bench_mem_kb() {
	awk -v f="$2:" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' \
		"/proc/$1/status" 2>/dev/null || echo 0
}

# bench_tree_mem_kb PID FIELD - the same summed over PID and its children
# (nginx: master + workers; shared pages are counted once per process).
bench_tree_mem_kb() {
	local total pid
	total=$(bench_mem_kb "$1" "$2")
	for pid in $(bench_children "$1"); do
		total=$((total + $(bench_mem_kb "$pid" "$2")))
	done
	echo "$total"
}

# bench_run_wrk SECONDS OUT URL [wrk options...] - run wrk in the background
# and wait for it, so that an interrupt is handled at once (a trap runs
# only after a foreground command ends); the cleanup stops it.
bench_run_wrk() {
	local secs=$1 out=$2 url=$3 rc=0
	shift 3
	wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${secs}s" --latency \
		"$@" "$url" >"$out" 2>&1 &
	BENCH_WRK_PID=$!
	wait "$BENCH_WRK_PID" || rc=$?
	BENCH_WRK_PID=
	return "$rc"
}

# bench_wrk LABEL URL [wrk options...] - a measured run ($BENCH_DURATION s);
# the report is kept in $BENCH_TMP/LABEL.wrk (read it with bench_parse_wrk).
bench_wrk() {
	local label=$1 url=$2
	shift 2
	bench_run_wrk "$BENCH_DURATION" "$BENCH_TMP/$label.wrk" "$url" "$@" ||
		{ cat "$BENCH_TMP/$label.wrk" >&2; bench_die "wrk failed against $url"; }
}

# bench_warm URL [wrk options...] - a short unmeasured run ($BENCH_WARMUP s).
bench_warm() {
	local url=$1
	shift
	[ "$BENCH_WARMUP" -gt 0 ] 2>/dev/null || return 0
	bench_run_wrk "$BENCH_WARMUP" "$BENCH_TMP/warm-up.wrk" "$url" "$@" ||
		{ cat "$BENCH_TMP/warm-up.wrk" >&2; bench_die "wrk warm-up failed against $url"; }
}

# bench_parse_wrk FILE - one line of fields from a wrk --latency report:
#   req/s  p50_ms  p75_ms  p90_ms  p99_ms  requests  socket_errors  non_2xx_3xx
bench_parse_wrk() {
	awk '
		function ms(s,   n, u) {
			n = s + 0
			u = s; sub(/^[0-9.]+/, "", u)
			if (u == "us") return n / 1000
			if (u == "ms") return n
			if (u == "s")  return n * 1000
			if (u == "m")  return n * 60000
			if (u == "h")  return n * 3600000
			return n
		}
		/^ +50% / { p50 = ms($2) }
		/^ +75% / { p75 = ms($2) }
		/^ +90% / { p90 = ms($2) }
		/^ +99% / { p99 = ms($2) }
		/ requests in / { reqs = $1 }
		/^ *Socket errors:/ {
			for (i = 3; i <= NF; i += 2) { v = $(i + 1); sub(/,/, "", v); errs += v }
		}
		/^ *Non-2xx or 3xx responses:/ { non2xx = $NF }
		/^Requests\/sec:/ { rps = $2 }
		END {
			printf "%.2f %.3f %.3f %.3f %.3f %d %d %d\n",
				rps, p50, p75, p90, p99, reqs, errs, non2xx
		}' "$1"
}

# bench_ge A B - true when the number A >= B.
bench_ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
bench_lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
bench_div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "0.00"; else printf "%.2f\n", a / b }'; }
bench_mb() { awk -v k="$1" 'BEGIN { printf "%.1f\n", k / 1024 }'; }

# bench_median - the median of the numbers on standard input, one a line.
bench_median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) print 0
		else if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_cpu_busy [SECONDS] - percentage of the machine's CPU time (all
# cores) that was busy over SECONDS (default 1): load from other processes
# when nothing of ours is running.  Benchmarks on a busy machine mislead.
bench_cpu_busy() {
	local a b
	a=$(head -1 /proc/stat)
	sleep "${1:-1}"
	b=$(head -1 /proc/stat)
	printf '%s\n%s\n' "$a" "$b" | awk '{
		t = 0; for (i = 2; i <= 9; i++) t += $i	# user .. steal (guest is in user)
		idle = $5 + $6
		if (NR == 1) { t0 = t; i0 = idle } else { t1 = t; i1 = idle } }
		END { if (t1 > t0) printf "%.0f\n", 100 * (1 - (i1 - i0) / (t1 - t0)); else print 0 }'
}

# bench_cpu_ticks PID - user + system CPU time of one process (all its
# threads), in clock ticks (getconf CLK_TCK a second).
bench_cpu_ticks() {
	sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ t = $12 + $13 } END { print t + 0 }'
}

# bench_cpu_round LABEL PID URL [wrk options...] - one measured round of a
# server: a warm-up, then wrk, with the server's CPU time read before and
# after; appends "req/s cpu_us_per_request" to $BENCH_TMP/LABEL.rounds.
bench_cpu_round() {
	local label=$1 pid=$2 url=$3 t0 t1 f
	shift 3
	bench_warm "$url" "$@"
	t0=$(bench_cpu_ticks "$pid")
	bench_wrk "$label" "$url" "$@"
	t1=$(bench_cpu_ticks "$pid")
	f=$(bench_parse_wrk "$BENCH_TMP/$label.wrk")
	set -- $f
	awk -v rps="$1" -v n="$6" -v d=$((t1 - t0)) -v tck="$(getconf CLK_TCK)" \
		'BEGIN { printf "%s %.2f\n", rps, n ? d / tck * 1e6 / n : 0 }' >>"$BENCH_TMP/$label.rounds"
}

# bench_tree_cpu_ticks PID - the same summed over PID and its children.
bench_tree_cpu_ticks() {
	local total pid
	total=$(bench_cpu_ticks "$1")
	for pid in $(bench_children "$1"); do
		total=$((total + $(bench_cpu_ticks "$pid")))
	done
	echo "$total"
}
