#!/usr/bin/env bash
# The checks beside the functional tests (issue 14). .ci/run runs `check.sh before`, then the
# README's test command, whose CTest suite holds the other two kinds (labels `tidy` and
# `sanitize`, spread over the cores with the rest):
#   bash scripts/check.sh before   deps; build/ with -DLLMSWEEP_WERROR=ON (the build the tests then
#                                  use: warnings are errors, in the clang sub-build too);
#                                  clang-format-14 --dry-run --Werror on every C++ file of src/,
#                                  tests/ and bench/; flake8
#   bash scripts/check.sh tidy     clang-tidy-14 (.clang-tidy) on every file of src/: ctest -L tidy
#   bash scripts/check.sh after    the sanitized programs of the clang sub-build (build/fuzz: ASan +
#                                  UBSan, leak checks on, Open MPI's own leaks suppressed by
#                                  scripts/lsan-openmpi.supp): every unit-test program and the
#                                  CLI's gtest programs on the sanitized binary: ctest -L sanitize
#   bash scripts/check.sh          all three
# Each step prints its time. scripts/sanitize.sh runs more under GCC's sanitizers (validation,
# mpi), by hand.
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

cxx_files() { git ls-files -- 'src/*.cpp' 'src/*.hpp' 'src/*.h' 'tests/*.cpp' 'tests/*.hpp' 'tests/*.h' 'tests/*.c' 'bench/*.cpp' 'bench/*.hpp'; }
format_check() { cxx_files | xargs clang-format-14 --dry-run --Werror; }
labelled_tests() { (cd build && ctest --output-on-failure -j "$jobs" -L "$1"); }
werror_build() { bash scripts/build.sh -DLLMSWEEP_WERROR=ON; }
before() {
  step "dependencies" bash scripts/deps.sh
  step "-Werror build" werror_build
  step "clang-format" format_check
  step "flake8" bash scripts/lint-python.sh
}
tidy() {
  step "clang-tidy (src/)" labelled_tests tidy
}
after() {
  step "sanitized tests (unit, CLI)" labelled_tests sanitize
}

case "${1:-all}" in
  before) before ;;
  tidy) tidy ;;
  after) after ;;
  all) before && tidy && after ;;  # tidy and after use the build `before` makes
  *) echo "usage: bash scripts/check.sh [before|tidy|after]" >&2; exit 2 ;;
esac
