# payment-sim — one entry point for building, testing and running.
#   make test     every test suite (what CI runs)
#   make run      run a shipped scenario with the CLI
# Each component adds its own targets and test steps in mk/*.mk.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
# One profile for tests, the library, the CLI and the wheel, so everything is built once.
PROFILE ?= release
CARGO_PROFILE_FLAG := --profile $(PROFILE)
# cargo's output folder: `dev`/`test` build into target/debug, `bench` into target/release.
TARGET_DIR := target/$(patsubst test,debug,$(patsubst dev,debug,$(patsubst bench,release,$(PROFILE))))
export RUST_BACKTRACE ?= 0

TEST_TARGETS := test-rust

.PHONY: all build test test-rust bench fmt fmt-check lint clean help

all: build

-include mk/*.mk

build:
	$(CARGO) build --workspace $(CARGO_PROFILE_FLAG)

test: $(TEST_TARGETS)
	@echo "make test: all suites passed ($(TEST_TARGETS))"

test-rust:
	$(CARGO) test --workspace $(CARGO_PROFILE_FLAG)

bench:
	$(CARGO) bench --workspace

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

clean:
	$(CARGO) clean
	rm -rf .venv build

help:
	@grep -E '^[a-zA-Z0-9_-]+:' $(MAKEFILE_LIST) | sed 's/:.*//' | sort -u
