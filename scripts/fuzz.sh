#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz for longer than their CTest tests (label fuzz) do:
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 600 s each, every target)
# Builds first (build/, whose clang++-14 sub-build in build/fuzz holds the targets) and runs each
# with the command its CTest test uses (build/fuzz-commands.txt, written by tests/fuzz/
# CMakeLists.txt): from its seeds in the repository and from what earlier runs found in
# build/fuzz-corpus/<target>/, which it extends. A crash, a sanitizer report, an input slower
# than 10 s or one past 2 GiB stops it, the input saved in build/fuzz-artifacts/.
# More libFuzzer flags in FUZZ_FLAGS, e.g. FUZZ_FLAGS="-jobs=2 -workers=2".
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
bash scripts/build.sh
if [ ! -s build/fuzz-commands.txt ]; then
  echo "llmsweep: no fuzz targets: they need clang++-14 and libclang-rt-14-dev (bash scripts/deps.sh)" >&2
  exit 1
fi
status=0
while read -r binary args; do
  name="$(basename "$binary")"
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  echo "llmsweep: fuzzing $name for $seconds s" >&2
  # shellcheck disable=SC2086
  "$binary" $args ${FUZZ_FLAGS:-} -max_total_time="$seconds" </dev/null || status=1
done < build/fuzz-commands.txt
exit $status
