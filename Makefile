# dateline - a thin wrapper over Meson/Ninja.  See README.md and docs/HACKING.md.
#
#   make          build build/dateline
#   make run      install what is missing, build, serve the demo site on :8080
#   make test     install what is missing, build, run every test suite
#                 (also under AddressSanitizer + UBSan, and each libFuzzer
#                 target briefly); ends "N passed, N failed, N skipped"
#   make asan     the whole suite under AddressSanitizer + UBSan only
#   make test-pg  the unit tests and the end-to-end suite on a throwaway
#                 PostgreSQL only (also part of `make test`)
#   make bench    benchmarks side by side with nginx (docs/performance.md)
#   make fuzz     build the libFuzzer targets and run each briefly

BUILD   ?= build
ASAN    ?= build-asan
FUZZ    ?= build-fuzz
DB      ?= data/dateline.db
LISTEN  ?= 127.0.0.1:8080

.PHONY: all deps build run test test-pg asan bench fuzz clean node_modules

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(ASAN)/build.ninja:
	meson setup $(ASAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

node_modules: package-lock.json
	@[ -d node_modules/playwright-core ] && [ node_modules -nt package-lock.json ] || npm ci --no-audit --no-fund --ignore-scripts

run: deps
	$(MAKE) build
	DB=$(DB) LISTEN=$(LISTEN) BIN=$(BUILD)/dateline scripts/run-demo

$(FUZZ)/build.ninja:
	CC=clang meson setup $(FUZZ) --buildtype=debug -Dfuzz=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false

test: deps
	$(MAKE) build $(ASAN)/build.ninja $(FUZZ)/build.ninja node_modules
	ninja -C $(ASAN)
	ninja -C $(FUZZ)
	FUZZ_BUILD=$(FUZZ) scripts/test $(BUILD) $(ASAN)

test-pg: deps
	$(MAKE) build node_modules
	DATELINE_PG_ONLY=1 scripts/test $(BUILD)

asan: deps
	$(MAKE) $(ASAN)/build.ninja node_modules
	ninja -C $(ASAN)
	scripts/test $(ASAN)

bench: deps
	@scripts/install-deps --bench
	$(MAKE) build
	bench/run.sh $(BUILD)/dateline

fuzz: deps
	$(MAKE) $(FUZZ)/build.ninja
	ninja -C $(FUZZ)
	tests/fuzz/run.sh $(FUZZ)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
