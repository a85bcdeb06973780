# erphub: one entry point for building, testing, benchmarking and the demo.
# Every target installs what it needs (scripts/install-deps.sh) on a fresh Debian 12 machine.

SHELL := /bin/bash
JOBS ?= $(shell nproc)
# ccache keys on paths relative to the checkout, so another clone of the repo (a CI run) reuses
# what this one compiled.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1
FUZZ_SECONDS ?= 120

.PHONY: all deps build debug asan test test-release test-asan bench fuzz demo format clean

all: build

deps:
	@scripts/install-deps.sh

build/%/build.ninja: | deps
	cmake --preset $* >/dev/null

build: deps build/release/build.ninja
	cmake --build --preset release -j $(JOBS)
	@ln -sf release/erphub build/erphub

debug: deps build/debug/build.ninja
	cmake --build --preset debug -j $(JOBS)

asan: deps build/asan/build.ninja
	cmake --build --preset asan -j $(JOBS)

test-release: build
	ctest --preset release -j $(JOBS)

test-asan: asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan -j $(JOBS)

# The whole suite, in a release build and under AddressSanitizer + UBSan.
test: test-release test-asan

bench: build
	bench/run-all.sh

fuzz: deps build/fuzz/build.ninja
	cmake --build --preset fuzz -j $(JOBS)
	scripts/run-fuzzers.sh build/fuzz $(FUZZ_SECONDS)

demo: build
	scripts/demo.sh

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
