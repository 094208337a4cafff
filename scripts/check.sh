#!/usr/bin/env bash
# The checks beside the test suite (issue 14). .ci/run runs `check.sh before`, then the README's
# test command; `tidy` and `after` are run by hand (`bash scripts/check.sh` runs all three): on a
# 2-core CI machine clang-tidy takes 6 min of CPU and the sanitizer build about 10, which would
# take build plus tests past the project's 20-minute budget.
#   bash scripts/check.sh before   deps; build/ with -DLLMSWEEP_WERROR=ON (the build the tests then
#                                  use: warnings are errors, in the fuzz sub-build too);
#                                  clang-format-14 --dry-run --Werror on every C++ file of src/,
#                                  tests/ and bench/; flake8
#   bash scripts/check.sh tidy     clang-tidy-14 (.clang-tidy) on src/
#   bash scripts/check.sh after    the sanitizer build (ASan + UBSan, leak checks on, Open MPI's
#                                  own leaks suppressed by scripts/lsan-openmpi.supp) in
#                                  build-asan/, running the unit tests and the CLI's bad-input and
#                                  model-command tests
#   bash scripts/check.sh          both halves
# Each step prints its time. Restricted to fit CI's time on 2 cores (measured on a shared 2-core
# machine: the -Werror build 10.4 min of CPU, clang-tidy on src/ 6 min of CPU, format and flake8
# seconds): clang-tidy runs on src/ only (tests/ and bench/ are formatted and built with -Werror,
# not tidied); the sanitizer build makes only llmsweep, the unit tests and the two CLI test
# programs, and runs those (scripts/sanitize.sh runs every unit, validation, mpi and cli test).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
step() {
  local name="$1" start=$SECONDS
  shift
  echo "llmsweep check: $name" >&2
  "$@"
  echo "llmsweep check: $name: ok ($((SECONDS - start)) s)" >&2
}

cxx_files() { git ls-files -- 'src/*.cpp' 'src/*.hpp' 'src/*.h' 'tests/*.cpp' 'tests/*.hpp' 'tests/*.h' 'bench/*.cpp' 'bench/*.hpp'; }
format_check() { cxx_files | xargs clang-format-14 --dry-run --Werror; }
# run-clang-tidy-14 on every src/ file of the compile database (-j: parallel), failing on any
# warning (.clang-tidy: WarningsAsErrors). The database is GCC's: clang ignores its GCC-only
# warning flags (-Wno-restrict) instead of reporting them.
tidy_check() {
  run-clang-tidy-14 -quiet -j "$jobs" -p build -clang-tidy-binary clang-tidy-14 \
    -extra-arg=-Wno-unknown-warning-option "$PWD/src/" >build/clang-tidy.log 2>&1 ||
    { grep -E "(warning|error):" build/clang-tidy.log | sort -u >&2; echo "clang-tidy: build/clang-tidy.log" >&2; return 1; }
}
werror_build() { bash scripts/build.sh -DLLMSWEEP_WERROR=ON; }
# Without -Werror (the before half checks warnings): under -fsanitize GCC 12 reports false
# -Wmaybe-uninitialized in libstdc++'s <regex> (tests/unit/purity/purity_test.cpp).
sanitizer_build() {
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLLMSWEEP_SANITIZE=ON -DLLMSWEEP_WERROR=OFF \
    -DLLMSWEEP_BUILD_FUZZERS=OFF -DLLMSWEEP_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build-asan -j "$jobs" --target llmsweep llmsweep_unit_tests cli_test hostile_input_test
}
sanitizer_tests() {
  local supp="$PWD/scripts/lsan-openmpi.supp"
  (cd build-asan &&
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LSAN_OPTIONS="suppressions=$supp:print_suppressions=0" \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 &&
    ctest --output-on-failure -j "$jobs" -L unit &&
    ctest --output-on-failure -j "$jobs" -R '^(Cli|Hostile)\.')
}

before() {
  step "dependencies" bash scripts/deps.sh
  step "-Werror build" werror_build
  step "clang-format" format_check
  step "flake8" bash scripts/lint-python.sh
}
tidy() {
  step "clang-tidy (src/)" tidy_check
}
after() {
  step "sanitizer build" sanitizer_build
  step "sanitizer tests (unit, CLI bad input)" sanitizer_tests
}

case "${1:-all}" in
  before) before ;;
  tidy) tidy ;;
  after) after ;;
  all) before && tidy && after ;;
  *) echo "usage: bash scripts/check.sh [before|tidy|after]" >&2; exit 2 ;;
esac
