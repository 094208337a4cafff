# The libFuzzer targets of tests/fuzz need clang (libFuzzer is clang's): where clang++-14 and
# its fuzzer runtime (Debian's clang-14 and libclang-rt-14-dev) are present, this configures the
# same source tree again with clang++-14 and -DLLMSWEEP_FUZZ=ON in build/fuzz, as an external
# project built with the rest. Everything there is built with AddressSanitizer and
# UndefinedBehaviorSanitizer: the fuzz targets, and the binary with the unit and CLI test
# programs. The main build's CTest runs them: tests/fuzz/CMakeLists.txt one test per fuzz target
# (label `fuzz`, LLMSWEEP_FUZZ_SECONDS each), tests/CMakeLists.txt one test per sanitized
# program (label `sanitize`, leak checks on, scripts/lsan-openmpi.supp for Open MPI's own).
# Elsewhere it says so and sets LLMSWEEP_SANITIZED_DIR to nothing.
set(LLMSWEEP_SANITIZED_DIR "")
if(NOT LLMSWEEP_BUILD_FUZZERS OR NOT LLMSWEEP_BUILD_TESTS)
  return()
endif()
find_program(LLMSWEEP_FUZZ_CXX NAMES clang++-14)
find_program(LLMSWEEP_FUZZ_CC NAMES clang-14)
set(fuzz_runtime "")
if(LLMSWEEP_FUZZ_CXX)
  execute_process(COMMAND ${LLMSWEEP_FUZZ_CXX} -print-file-name=libclang_rt.fuzzer-x86_64.a
                  OUTPUT_VARIABLE fuzz_runtime OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(NOT LLMSWEEP_FUZZ_CXX OR NOT LLMSWEEP_FUZZ_CC OR NOT IS_ABSOLUTE "${fuzz_runtime}" OR NOT EXISTS "${fuzz_runtime}")
  message(STATUS "llmsweep: clang++-14 with libFuzzer not found: the fuzz targets and the sanitized tests are "
                 "left out (bash scripts/deps.sh installs clang-14 and libclang-rt-14-dev)")
  return()
endif()

set(LLMSWEEP_FUZZ_SECONDS 10 CACHE STRING "Seconds each fuzz target runs in its CTest test")
set(LLMSWEEP_FUZZ_BINARY_DIR ${PROJECT_BINARY_DIR}/fuzz)
include(ExternalProject)
ExternalProject_Add(llmsweep_fuzzers
  SOURCE_DIR ${PROJECT_SOURCE_DIR}
  BINARY_DIR ${LLMSWEEP_FUZZ_BINARY_DIR}
  CMAKE_ARGS -DCMAKE_CXX_COMPILER=${LLMSWEEP_FUZZ_CXX} -DCMAKE_C_COMPILER=${LLMSWEEP_FUZZ_CC}
             -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLLMSWEEP_FUZZ=ON -DLLMSWEEP_WERROR=${LLMSWEEP_WERROR}
             # OSS-Fuzz's flags: line tables are all a sanitizer report needs; 12 % less compile time
             "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG"
             "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG"
             -DLLMSWEEP_BUILD_PYTHON=OFF -DLLMSWEEP_BUILD_BENCHMARKS=OFF
             -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}
             -DCMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER}
  BUILD_ALWAYS ON  # its own build decides what is out of date
  INSTALL_COMMAND "")
set(LLMSWEEP_FUZZ_COMMANDS ${PROJECT_BINARY_DIR}/fuzz-commands.txt)  # read by scripts/fuzz.sh
file(WRITE ${LLMSWEEP_FUZZ_COMMANDS} "")
set(LLMSWEEP_SANITIZED_DIR ${LLMSWEEP_FUZZ_BINARY_DIR})
