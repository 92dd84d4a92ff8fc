#!/usr/bin/env bash
# bench/postgres.sh - the reaction benchmark (bench/reactions.sh) again
# with the site on PostgreSQL: a throwaway cluster with PostgreSQL's
# durable defaults (fsync and synchronous_commit on), one dateline node.
# Its table is printed next to the SQLite run of bench/reactions.sh.
#
#   bench/postgres.sh [DATELINE_BIN]     (default build/dateline)
set -eu
cd "$(dirname "$0")/.."

bin=${1:-build/dateline}
[ -x /usr/lib/postgresql/15/bin/initdb ] ||
	{ echo "bench/postgres.sh: PostgreSQL 15 is not installed (scripts/install-deps)" >&2; exit 1; }
dir=$(mktemp -d -u "${TMPDIR:-/tmp}/dateline-bench-pg.XXXXXX")
trap 'scripts/pg-cluster stop "$dir"' EXIT
url=$(PG_DURABLE=1 scripts/pg-cluster start "$dir")
echo "PostgreSQL (durable settings) at $url"
BENCH_PG=$url bash bench/reactions.sh "$bin"
