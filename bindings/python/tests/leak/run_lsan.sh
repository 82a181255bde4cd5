#!/usr/bin/env bash
# LeakSanitizer over the Python binding (pitfalls.md: valgrind is too noisy on CPython).
# Usage: run_lsan.sh [PYTHON]   (the interpreter with payment_simulator installed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${1:-python3}"
lsan="$(gcc -print-file-name=liblsan.so)"
[[ -e "$lsan" ]] || { echo "run_lsan.sh: liblsan.so not found (install gcc's libasan/liblsan)" >&2; exit 1; }
LD_PRELOAD="$lsan" PYTHONMALLOC=malloc RUST_BACKTRACE=0 \
  LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0:exitcode=23" \
  "$python" "$here/lsan_loop.py" "${LSAN_ROUNDS:-200}"
