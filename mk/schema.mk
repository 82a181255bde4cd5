# The JSON Schema of configuration documents, generated from the core's types by schemars.
#   make schema         regenerate docs/config.schema.json
#   make schema-check   fail if docs/config.schema.json is stale (`test-rust` runs the same test)
# psim_config_schema() returns the same text.

.PHONY: schema schema-check

schema:
	PSIM_BLESS_SCHEMA=1 $(CARGO) test -p payment-sim-core $(CARGO_PROFILE_FLAG) --test config_schema -- --nocapture

schema-check:
	$(CARGO) test -p payment-sim-core $(CARGO_PROFILE_FLAG) --test config_schema
