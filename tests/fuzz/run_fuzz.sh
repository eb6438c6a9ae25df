#!/bin/sh
# Runs one libFuzzer target for a fixed time on a seed corpus gathered from the project's own files
# (docs/testing.md §Fuzzing). Used by the CTest tests `fuzz.*` (label fuzz) and for longer runs by hand.
#
#   run_fuzz.sh FUZZER WORKDIR SECONDS SEED...   [-- extra libFuzzer flags]
#
# SEED is a file, a directory (all files below it) or DIR:GLOB (files below DIR whose name matches GLOB).
# The seeds are copied into WORKDIR/seeds (fresh each run); inputs that reach new coverage go to WORKDIR/corpus;
# a crashing, leaking, timing-out or sanitizer-tripping input is written to WORKDIR/artifacts/ and the script
# exits non-zero (copy it to tests/fuzz/crashes/<target>/ as a reproducer). Fixed -seed=1, so a run is
# repeatable up to timing. The closing lines give the number of executions.
set -eu
[ $# -ge 3 ] || { echo "usage: $0 FUZZER WORKDIR SECONDS SEED... [-- FLAGS]" >&2; exit 64; }
fuzzer=$1 work=$2 seconds=$3
shift 3
rm -rf "$work/seeds" "$work/corpus" "$work/artifacts"
mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts"
n=0
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case $1 in
    *:*) dir=${1%%:*} glob=${1#*:} ;;
    *) dir=$1 glob='*' ;;
  esac
  if [ -f "$dir" ]; then
    files=$dir
  elif [ -d "$dir" ]; then
    files=$(find "$dir" -type f -name "$glob" | LC_ALL=C sort)
  else
    echo "run_fuzz: no such seed file or directory: $dir" >&2; exit 64
  fi
  for f in $files; do
    n=$((n + 1))
    cp "$f" "$work/seeds/$(printf '%04d' $n)-$(basename "$f")"
  done
  shift
done
[ $# -gt 0 ] && shift  # the --
echo "run_fuzz: $(basename "$fuzzer"): $n seed files, $seconds s"
: "${ASAN_OPTIONS:=halt_on_error=1:abort_on_error=0:detect_leaks=1:allocator_may_return_null=0}"
: "${UBSAN_OPTIONS:=halt_on_error=1:print_stacktrace=1}"
export ASAN_OPTIONS UBSAN_OPTIONS
rc=0
"$fuzzer" -seed=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$work/seeds" || rc=$?
if [ $rc -ne 0 ]; then
  echo "run_fuzz: FAILED ($(basename "$fuzzer") exit $rc); reproducer(s):" >&2
  ls -l "$work/artifacts" >&2
fi
exit $rc
