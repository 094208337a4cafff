# The libFuzzer targets of tests/fuzz need clang (libFuzzer is clang's): where clang++-14 and
# its fuzzer runtime (Debian's clang-14 and libclang-rt-14-dev) are present, this configures the
# same source tree again with clang++-14 and -DLLMSWEEP_FUZZ=ON in build/fuzz, as an external
# project built with the rest, and tests/fuzz/CMakeLists.txt registers one CTest test per target
# (label `fuzz`) that runs it for LLMSWEEP_FUZZ_SECONDS. Elsewhere it says so and does nothing.
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
  message(STATUS "llmsweep: clang++-14 with libFuzzer not found: the fuzz targets and their tests are left out "
                 "(bash scripts/deps.sh installs clang-14 and libclang-rt-14-dev)")
  return()
endif()

set(LLMSWEEP_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz target runs in its CTest test")
set(LLMSWEEP_FUZZ_BINARY_DIR ${PROJECT_BINARY_DIR}/fuzz)
include(ExternalProject)
ExternalProject_Add(llmsweep_fuzzers
  SOURCE_DIR ${PROJECT_SOURCE_DIR}
  BINARY_DIR ${LLMSWEEP_FUZZ_BINARY_DIR}
  CMAKE_ARGS -DCMAKE_CXX_COMPILER=${LLMSWEEP_FUZZ_CXX} -DCMAKE_C_COMPILER=${LLMSWEEP_FUZZ_CC}
             -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLLMSWEEP_FUZZ=ON -DLLMSWEEP_WERROR=${LLMSWEEP_WERROR}
             -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}
             -DCMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER}
  BUILD_ALWAYS ON  # its own build decides what is out of date
  INSTALL_COMMAND "")
set(LLMSWEEP_FUZZ_COMMANDS ${PROJECT_BINARY_DIR}/fuzz-commands.txt)  # read by scripts/fuzz.sh
file(WRITE ${LLMSWEEP_FUZZ_COMMANDS} "")
add_subdirectory(tests/fuzz)
