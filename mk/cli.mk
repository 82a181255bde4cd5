# payment-sim CLI (cli/): `make run` runs a shipped scenario; `make scale` is the scale runner.
#   make run SCENARIO=examples/scenarios/scarce_liquidity.yaml
#   make scale PROFILE=dist         # fat LTO (binary in target/dist), as the figures are meant
# The CLI's cargo tests run in `test-rust` with the rest of the workspace.

CLI_BIN := $(TARGET_DIR)/payment-sim
SCENARIO ?= examples/scenarios/scarce_liquidity.yaml
SCALE_DIR := $(TARGET_DIR)/scale

.PHONY: cli-build run scale validate-scenarios recordings

cli-build:
	$(CARGO) build -p payment-sim-cli $(CARGO_PROFILE_FLAG)

run: cli-build
	$(CLI_BIN) run $(SCENARIO)

validate-scenarios: cli-build
	$(CLI_BIN) validate examples/scenarios/*.yaml

# 100,000 ticks of the seed's 10-agent workload (flat: last 10% vs first 10%), 10,000 ticks of
# its 100-agent workload, then a T2-scale and a Fedwire-scale day (generated: too big to ship).
scale: cli-build
	@mkdir -p $(SCALE_DIR)
	python3 cli/scripts/make_scale_scenario.py $(SCALE_DIR)/t2_day.yaml --agents 1000 --payments-per-day 400000
	python3 cli/scripts/make_scale_scenario.py $(SCALE_DIR)/fedwire_day.yaml --agents 6000 --payments-per-day 850000
	$(CLI_BIN) run --quiet --days 1000 --event-recording off examples/scenarios/seed_benchmark.yaml
	$(CLI_BIN) run --quiet --days 1000 examples/scenarios/seed_benchmark.yaml
	$(CLI_BIN) run --quiet --days 100 --event-recording off examples/scenarios/seed_benchmark_100.yaml
	$(CLI_BIN) run --quiet $(SCALE_DIR)/t2_day.yaml
	$(CLI_BIN) run --quiet $(SCALE_DIR)/fedwire_day.yaml

# Regenerate the shipped recordings after an intended change of the event stream (the tests
# replay them): the seed's gridlock ring, submitted by hand and exported.
recordings: cli-build
	@tmp=$$(mktemp -d) && bin=$$(pwd)/$(CLI_BIN) && out=$$(pwd)/examples/recordings && \
	cp examples/scenarios/four_bank_ring_manual.yaml $$tmp/ && cd $$tmp && \
	$$bin create --config four_bank_ring_manual.yaml >/dev/null && \
	$$bin submit --sender BANK_A --receiver BANK_B --amount 50000 >/dev/null && \
	$$bin submit --sender BANK_B --receiver BANK_C --amount 50000 >/dev/null && \
	$$bin submit --sender BANK_C --receiver BANK_D --amount 50000 >/dev/null && \
	$$bin submit --sender BANK_D --receiver BANK_A --amount 50000 >/dev/null && \
	$$bin tick 10 >/dev/null && \
	$$bin export --output $$out/four_bank_ring.json && \
	rm -rf $$tmp
