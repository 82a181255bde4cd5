# payment-sim CLI (cli/): `make run` runs a shipped scenario; `make scale` is the scale runner.
#   make run SCENARIO=examples/scenarios/scarce_liquidity.yaml
#   make scale PROFILE=dist         # fat LTO (binary in target/dist), as the figures are meant
# The CLI's cargo tests run in `test-rust` with the rest of the workspace.

CLI_BIN := $(TARGET_DIR)/payment-sim
SCENARIO ?= examples/scenarios/scarce_liquidity.yaml
SCALE_DIR := $(TARGET_DIR)/scale

.PHONY: cli-build run scale scale-events validate-scenarios recordings

cli-build:
	$(CARGO) build -p payment-sim-cli $(CARGO_PROFILE_FLAG)

run: cli-build
	$(CLI_BIN) run $(SCENARIO)

validate-scenarios: cli-build
	$(CLI_BIN) validate examples/scenarios/*.yaml

# Every shipped scale scenario (docs/performance.md), each in its own process (so peak RSS is
# its own), as one table against the targets (cli/scripts/scale_table.py; SCALE_REPEAT runs of
# each, the median shown); then the seed workloads and the generated day `lsm2` compares
# against. The machine's load comes first: figures on a loaded machine are slower than the machine.
SCALE_SCENARIOS := chaps_day t2_day fedwire_day t2_year
SCALE_REPEAT ?= 1

scale: cli-build
	@mkdir -p $(SCALE_DIR)
	python3 cli/scripts/scale_table.py --bin $(CLI_BIN) --repeat $(SCALE_REPEAT) $(SCALE_SCENARIOS)
	python3 cli/scripts/make_scale_scenario.py $(SCALE_DIR)/t2_day.yaml --agents 1000 --payments-per-day 400000
	$(CLI_BIN) run --quiet --days 1000 --event-recording off examples/scenarios/seed_benchmark.yaml
	$(CLI_BIN) run --quiet --days 1000 examples/scenarios/seed_benchmark.yaml
	$(CLI_BIN) run --quiet --days 100 --event-recording off examples/scenarios/seed_benchmark_100.yaml
	$(CLI_BIN) run --quiet $(SCALE_DIR)/t2_day.yaml
	@echo "== $$(uptime)"

# The T2-like year with its full event stream (≈ 331 million events), streamed to /dev/null
# through a link named .jsonl (the file itself would be ≈ 38 GB): the time and peak memory of
# writing events at year scale (docs/performance.md, "Events at scale").
scale-events: cli-build
	@mkdir -p $(SCALE_DIR)
	@ln -sf /dev/null $(SCALE_DIR)/year-events.jsonl
	@echo "== $$(uptime)"
	/usr/bin/env time -f "   wall %e s · user %U s · max RSS %M KiB" \
		$(CLI_BIN) run --quiet --event-recording full --events $(SCALE_DIR)/year-events.jsonl \
		examples/scenarios/t2_year.yaml
	@echo "== $$(uptime)"

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
