# Fuzzing (fuzz/: cargo-fuzz + libFuzzer, nightly toolchain). Not part of `make test`/CI.
#   make fuzz                               every target, FUZZ_SECONDS (60) each
#   make fuzz FUZZ_SECONDS=300
#   make fuzz-one TARGET=snapshot_mutate    one target
#   make fuzz-seeds                         (re)write the seed corpora into fuzz/corpus/
#   make fuzz-decode TARGET=submission INPUT=fuzz/artifacts/submission/crash-…
# More settings (timeout, memory limit, sanitizer, extra libFuzzer flags): fuzz/run.sh.
# Targets: config_json config_yaml snapshot_restore snapshot_mutate submission.

FUZZ_TOOLCHAIN ?= +nightly
FUZZ_SECONDS ?= 60
export FUZZ_SECONDS FUZZ_TOOLCHAIN

.PHONY: fuzz fuzz-one fuzz-seeds fuzz-decode

fuzz:
	fuzz/run.sh

fuzz-one:
	@test -n "$(TARGET)" || { echo "make fuzz-one: name a target, e.g. TARGET=config_json"; exit 2; }
	fuzz/run.sh $(TARGET)

fuzz-seeds:
	$(CARGO) $(FUZZ_TOOLCHAIN) run --quiet --release --manifest-path fuzz/Cargo.toml \
		--example seed_corpora -- . fuzz/corpus

fuzz-decode:
	@test -n "$(TARGET)" -a -n "$(INPUT)" || { echo "make fuzz-decode: TARGET=… INPUT=…"; exit 2; }
	@$(CARGO) $(FUZZ_TOOLCHAIN) run --quiet --release --manifest-path fuzz/Cargo.toml \
		--example decode -- $(TARGET) $(INPUT)
