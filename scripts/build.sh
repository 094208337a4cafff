#!/usr/bin/env bash
# Builds llmsweep (Release) in build/, with every core. Configures only when build/ has no
# CMake cache yet or the arguments differ from the last configure's (they are passed to cmake,
# e.g. -DLLMSWEEP_WERROR=ON); otherwise the build alone re-runs CMake if a CMakeLists changed.
set -euo pipefail
cd "$(dirname "$0")/.."
args=(-DCMAKE_BUILD_TYPE=Release "$@")
stamp=build/.configure-args
if [ ! -f build/CMakeCache.txt ] || [ "$(cat "$stamp" 2>/dev/null)" != "${args[*]}" ]; then
  cmake -S . -B build "${args[@]}" >/dev/null
  printf '%s' "${args[*]}" > "$stamp"
fi
cmake --build build -j "$(nproc)"
