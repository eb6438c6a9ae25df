#!/usr/bin/env bash
# The whole test suite, as the README's second Quick start command and .ci/run run it (docs/testing.md):
#   1. Release build (build/) and every CTest test;
#   2. ASan + UBSan build (build-asan/, GCC, RelWithDebInfo) and the unit, inputs, hydraulics, pipeline, outputs,
#      e2e and hostile tests under it (not the oracle property test nor the notebook runs, which exercise Python);
#   3. ThreadSanitizer build (build-tsan/, only tests/unit/test_concurrency.cpp) and its test (label tsan);
#   4. libFuzzer build (build-fuzz/, clang, ASan + UBSan) and the fuzz smoke (CTest label fuzz, each target for
#      CASPFLOW_FUZZ_SECONDS, default 60).
# Any sanitizer report aborts the process that made it (halt_on_error=1, -fno-sanitize-recover=all), so it fails
# its test. Stops at the first failing step with a non-zero exit; each ctest prints its closing summary line.
# Environment: JOBS (default 2), CASPFLOW_FUZZ_SECONDS, SKIP_ASAN=1 / SKIP_TSAN=1 / SKIP_FUZZ=1 for a quick local run.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
FUZZ_SECONDS=${CASPFLOW_FUZZ_SECONDS:-60}
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=0}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# The tests under ASan: everything but the oracle property test and the Python-only notebook runs.
ASAN_EXCLUDE='^oracle\.|notebook'

# Each ctest's output is also kept in <dir>/test-all.log; the closing recap repeats the three summary lines, the
# Release suite's last (CI reads that line).
run_ctest() {  # DIR ARGS...
  local dir=$1; shift
  ctest --test-dir "$dir" --output-on-failure -j"$JOBS" "$@" 2>&1 | tee "$dir/test-all.log"
}
summary() { grep -E '^[0-9]+% tests passed' "$1/test-all.log" | tail -1; }
step() { printf '\n=== test-all: %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
t0=$(date +%s)
elapsed() { echo $(( $(date +%s) - t0 ))s; }

step "Release build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$JOBS"
step "Release tests ($(elapsed))"
run_ctest build

if [ "${SKIP_ASAN:-0}" != 1 ]; then
  step "ASan+UBSan build ($(elapsed))"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCASPFLOW_SANITIZE=ON -DCASPFLOW_BUILD_BENCH=OFF
  cmake --build build-asan -j"$JOBS"
  step "ASan+UBSan tests ($(elapsed))"
  run_ctest build-asan -E "$ASAN_EXCLUDE"
fi

if [ "${SKIP_TSAN:-0}" != 1 ]; then
  # ThreadSanitizer: only the re-entrancy test (8 simulations of one scenario at once, label tsan), which is
  # what TSan is for here; building just its target keeps the step to a few minutes.
  step "ThreadSanitizer build ($(elapsed))"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCASPFLOW_TSAN=ON -DCASPFLOW_BUILD_BENCH=OFF
  cmake --build build-tsan -j"$JOBS" --target test_concurrency
  step "ThreadSanitizer test ($(elapsed))"
  run_ctest build-tsan -L tsan
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  step "fuzz build ($(elapsed))"
  cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCASPFLOW_FUZZ=ON -DCASPFLOW_BUILD_TESTS=OFF -DCASPFLOW_BUILD_BENCH=OFF -DCASPFLOW_FUZZ_SECONDS="$FUZZ_SECONDS"
  cmake --build build-fuzz -j"$JOBS" --target caspflow_fuzz_all
  step "fuzz smoke ($(elapsed))"
  run_ctest build-fuzz -L fuzz
fi
step "all passed ($(elapsed))"
[ "${SKIP_ASAN:-0}" != 1 ] && echo "ASan+UBSan: $(summary build-asan)"
[ "${SKIP_TSAN:-0}" != 1 ] && echo "ThreadSanitizer: $(summary build-tsan)"
[ "${SKIP_FUZZ:-0}" != 1 ] && echo "fuzz smoke: $(summary build-fuzz)"
echo "Release (build/, the whole suite):"
summary build
