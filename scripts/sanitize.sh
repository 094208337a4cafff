#!/usr/bin/env bash
# The real tests (unit, validation, mpi, cli) on a build with AddressSanitizer and
# UndefinedBehaviorSanitizer, in build-asan/. Not part of scripts/test.sh: it doubles the build
# time. Leak checking is on; scripts/lsan-openmpi.supp suppresses what Open MPI and the libraries
# it loads keep until exit by design. The suite (label sanitize) runs the unit and CLI part on
# the clang sub-build in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
# The fuzz targets carry their own sanitizers (build/fuzz): not built again here.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLLMSWEEP_SANITIZE=ON -DLLMSWEEP_BUILD_FUZZERS=OFF >/dev/null
cmake --build build-asan -j "$(nproc)"
cd build-asan
ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/../scripts/lsan-openmpi.supp:print_suppressions=0" UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j "$(nproc)" -L "unit|validation|mpi|cli" "$@"
