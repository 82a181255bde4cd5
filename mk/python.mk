# The Python package (bindings/python): a project-local virtual environment with the wheel
# built by maturin (the library inside), then pytest and LeakSanitizer over it.

VENV ?= .venv
VENV_PY := $(VENV)/bin/python
PY_EXTRAS ?= test,pandas,plots,browser

.PHONY: venv python-scenarios python-install test-python lsan-python bench-python

$(VENV_PY):
	python3 -m venv $(VENV)
	$(VENV_PY) -m pip install -q --upgrade pip

venv: $(VENV_PY)

# The shipped scenarios (GET /scenarios): examples/scenarios is the one copy in git; maturin
# packs only files under python-source, so they are copied there (ignored by git) first.
PY_SCENARIOS := bindings/python/python/payment_simulator/scenarios

python-scenarios:
	rm -rf $(PY_SCENARIOS)
	mkdir -p $(PY_SCENARIOS)
	cp examples/scenarios/*.yaml $(PY_SCENARIOS)/

# A path install always rebuilds the wheel, so the tests see the current library.
python-install: $(VENV_PY) python-scenarios
	$(VENV_PY) -m pip install -q --force-reinstall --no-deps ./bindings/python
	$(VENV_PY) -m pip install -q './bindings/python[$(PY_EXTRAS)]'

# Parity tests drive the CLI too, so the workspace is built first.
test-python: build python-install
	cd bindings/python && CI=$${CI:-} PSIM_REQUIRE_NATIVE=1 PSIM_REQUIRE_BROWSER=$${CI:-} PSIM_CLI=$(CURDIR)/$(TARGET_DIR)/payment-sim \
	  $(CURDIR)/$(VENV_PY) -m pytest -q -p no:cacheprovider tests
	bash bindings/python/tests/leak/run_lsan.sh $(VENV_PY)

bench-python: python-install
	$(VENV_PY) bindings/python/benchmarks/bench_ticks.py

TEST_TARGETS += test-python
