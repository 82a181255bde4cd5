# Payment files (core/src/import/): reading, feeding and per-payment results at scale.
#   make bench-import                 a 400,000-payment day end to end; a 10-day file streamed
#   make bench-import IMPORT_DAYS=25  a longer streamed file (memory must not follow it)
#   make bench-import IMPORT_ARGS=long  the streamed file alone (its own peak RSS)

IMPORT_DAYS ?= 10
IMPORT_ARGS ?=

.PHONY: bench-import

bench-import:
	$(CARGO) bench -p payment-sim-core --bench import -- $(IMPORT_DAYS) $(IMPORT_ARGS)
