# Offsetting algorithms (core/src/settlement/lsm/): their quality and cost.
#   make bench-lsm                         small gridlocks against a brute force, large queues
#   make bench-lsm LSM_BENCH_INSTANCES=2000  fewer small gridlocks (default 15,000)
#   make bench-lsm-day                     the T2-scale day (`make scale`) under each algorithm

LSM_DAY_DIR := $(TARGET_DIR)/scale
LSM_ALGORITHMS := greedy_removal prefix_optimum deficit_heuristic exact greedy_exact

.PHONY: bench-lsm bench-lsm-day

bench-lsm:
	$(CARGO) bench -p payment-sim-core --bench lsm

bench-lsm-day: cli-build
	@mkdir -p $(LSM_DAY_DIR)
	python3 cli/scripts/make_scale_scenario.py $(LSM_DAY_DIR)/t2_day.yaml --agents 1000 --payments-per-day 400000
	@for a in $(LSM_ALGORITHMS); do \
	  { cat $(LSM_DAY_DIR)/t2_day.yaml; echo "lsm: {algorithm: $$a}"; } > $(LSM_DAY_DIR)/t2_day_$$a.yaml; \
	  echo "== $$a"; $(CLI_BIN) run --quiet $(LSM_DAY_DIR)/t2_day_$$a.yaml; \
	done
