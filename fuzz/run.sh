#!/usr/bin/env bash
# Run fuzz targets for a bounded time each (`make fuzz`, `make fuzz-one TARGET=…`).
#
#   fuzz/run.sh [TARGET…]        every target when none is named
#
# Environment (defaults in brackets):
#   FUZZ_SECONDS    fuzzing time per target, libFuzzer's -max_total_time [60]
#   FUZZ_TIMEOUT    one input slower than this (s) is a failure, -timeout [10]
#   FUZZ_RSS_MB     memory limit (MB), -rss_limit_mb [2048]
#   FUZZ_SANITIZER  address|none for every target [address for config_yaml, which reaches the
#                   unsafe YAML reader (unsafe-libyaml-norway); none for the rest: the core is
#                   safe Rust, and without ASan they run ~6x more inputs]
#   FUZZ_TOOLCHAIN  the toolchain cargo-fuzz runs under [+nightly]
#   FUZZ_ARGS       more libFuzzer flags, e.g. "-fork=1 -ignore_crashes=1" to go on after a crash
#
# Prints executions per target and exits 1 when any target found a crash (panic, timeout,
# out-of-memory); the input is saved under fuzz/artifacts/<target>/, the log under
# fuzz/logs/<target>.log. Installs cargo-fuzz when it is missing (and says so); writes the
# seed corpora (fuzz/examples/seed_corpora.rs) when fuzz/corpus/ lacks them.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL_TARGETS=(config_json config_yaml snapshot_restore snapshot_mutate submission)
SECONDS_PER=${FUZZ_SECONDS:-60}
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS_MB=${FUZZ_RSS_MB:-2048}
TOOLCHAIN=${FUZZ_TOOLCHAIN:-+nightly}
EXTRA=${FUZZ_ARGS:-}

if [ $# -eq 0 ]; then targets=("${ALL_TARGETS[@]}"); else targets=("$@"); fi
for t in "${targets[@]}"; do
    if [[ ! " ${ALL_TARGETS[*]} " =~ " $t " ]]; then
        echo "fuzz: unknown target '$t' (targets: ${ALL_TARGETS[*]})" >&2
        exit 2
    fi
done

if ! cargo "$TOOLCHAIN" --version >/dev/null 2>&1; then
    echo "fuzz: cargo-fuzz needs a nightly toolchain and 'cargo $TOOLCHAIN' does not run;" >&2
    echo "      install one with 'rustup toolchain install nightly' (or set FUZZ_TOOLCHAIN)" >&2
    exit 2
fi
if ! cargo "$TOOLCHAIN" fuzz --version >/dev/null 2>&1; then
    echo "fuzz: cargo-fuzz is not installed; installing it: cargo install cargo-fuzz --locked"
    cargo install cargo-fuzz --locked
fi

need_seeds=0
for t in config_json config_yaml snapshot_restore; do
    [ -n "$(ls -A "fuzz/corpus/$t" 2>/dev/null)" ] || need_seeds=1
done
if [ $need_seeds -eq 1 ]; then
    echo "fuzz: writing the seed corpora into fuzz/corpus/"
    cargo "$TOOLCHAIN" run --quiet --release --manifest-path fuzz/Cargo.toml \
        --example seed_corpora -- . fuzz/corpus
fi

sanitizer() {
    if [ -n "${FUZZ_SANITIZER:-}" ]; then echo "$FUZZ_SANITIZER";
    elif [ "$1" = config_yaml ]; then echo address;
    else echo none; fi
}
dictionary() {
    case $1 in
        config_json|config_yaml) echo "-dict=fuzz/dict/config.dict" ;;
        snapshot_restore) echo "-dict=fuzz/dict/snapshot.dict" ;;
    esac
}

mkdir -p fuzz/logs
summary=()
failed=()
for t in "${targets[@]}"; do
    san=$(sanitizer "$t")
    log="fuzz/logs/$t.log"
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    echo "fuzz: $t for ${SECONDS_PER}s (sanitizer: $san; log: $log)"
    # Build first, so the build's output is not mistaken for the run's and its time is not
    # counted against the target.
    cargo "$TOOLCHAIN" fuzz build -s "$san" --target-dir "fuzz/target/$san" "$t"
    started=$SECONDS
    set +e
    # shellcheck disable=SC2046,SC2086
    cargo "$TOOLCHAIN" fuzz run -s "$san" --target-dir "fuzz/target/$san" "$t" -- \
        -max_total_time="$SECONDS_PER" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" \
        -print_final_stats=1 $(dictionary "$t") $EXTRA >"$log" 2>&1
    rc=$?
    secs=$((SECONDS - started))
    # The final statistics, or (after a crash, which prints none) the last status line "#N".
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tr -d '#' | tail -1 || true)
    corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
    set -e
    line=$(printf '%-17s %10s executions in %4ss (incl. loading the corpus), corpus %5s' \
        "$t" "${execs:-?}" "$secs" "$corpus")
    if [ $rc -ne 0 ]; then
        set +e
        artifact=$(ls -t "fuzz/artifacts/$t"/* 2>/dev/null | head -1)
        why=$(grep -m1 -A1 'panicked at' "$log" | tail -1)
        [ -n "$why" ] || why=$(grep -m1 -E 'ERROR: libFuzzer|ERROR: AddressSanitizer' "$log")
        set -e
        line="$line  CRASH: ${why:-exit $rc} (input: ${artifact:-none})"
        failed+=("$t")
    fi
    summary+=("$line")
    echo "  $line"
done

echo
echo "fuzz summary (FUZZ_SECONDS=$SECONDS_PER per target):"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in: ${failed[*]} — reproduce with" \
        "'cargo $TOOLCHAIN fuzz run -s <sanitizer> <target> <input>';" \
        "turn a structured input into replayable JSON with 'make fuzz-decode'" >&2
    exit 1
fi
echo "fuzz: no crash"
