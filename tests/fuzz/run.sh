#!/bin/sh
# Run every libFuzzer target of BUILD_DIR for a bounded time over its seed
# corpus; fail on the first crash, leak, timeout or missing target.
#
#   tests/fuzz/run.sh BUILD_DIR            (FUZZ_SECONDS=20 per target)
#   FUZZ_SECONDS=300 tests/fuzz/run.sh build-fuzz json
#
# New inputs found go to a scratch directory, never into the repository's
# corpus; crash reproducers are kept in BUILD_DIR/fuzz-artifacts/.
set -eu

build=${1:?usage: tests/fuzz/run.sh BUILD_DIR [TARGET...]}
shift
seconds=${FUZZ_SECONDS:-20}
here=$(cd "$(dirname "$0")" && pwd)
artifacts="$build/fuzz-artifacts"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/dateline-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$artifacts"

if [ $# -eq 0 ]; then
	for src in "$here"/fuzz_*.c; do
		name=${src##*/fuzz_}
		set -- "$@" "${name%.c}"
	done
fi

failed=0
for name in "$@"; do
	bin="$build/tests/fuzz/fuzz_$name"
	corpus="$here/corpus/$name"
	if [ ! -x "$bin" ]; then
		echo "fuzz: '$bin' was not built (is '$name' in tests/fuzz/meson.build?)" >&2
		failed=1
		continue
	fi
	if [ ! -d "$corpus" ]; then
		echo "fuzz: no seed corpus '$corpus'" >&2
		failed=1
		continue
	fi
	mkdir -p "$scratch/$name"
	echo "fuzz: $name for ${seconds}s"
	if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
		"$scratch/$name" "$corpus" >"$scratch/$name.log" 2>&1; then
		tail -n 60 "$scratch/$name.log" >&2
		echo "fuzz: $name FAILED (reproducers in $artifacts/)" >&2
		failed=1
		continue
	fi
	grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' \
		"$scratch/$name.log" | tail -n 2 | sed "s/^/  /"
done
if [ "$failed" -ne 0 ]; then
	echo "fuzz: some targets failed" >&2
	exit 1
fi
echo "fuzz: all targets passed"
