# SPDX-License-Identifier: GPL-3.0-or-later
# Test helpers: every test is a ctest with one of the labels unit, integration, interop, fuzz.

# sc_unit_test(NAME SOURCES... LIBS lib...)
function(sc_unit_test name)
  cmake_parse_arguments(T "" "" "LIBS" ${ARGN})
  add_executable(${name} ${T_UNPARSED_ARGUMENTS})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests/unit)
  target_link_libraries(${name} PRIVATE ${T_LIBS})
  add_test(NAME ${name} COMMAND ${name} WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 120
    ENVIRONMENT "SC_TEST_DATA=${CMAKE_SOURCE_DIR}/tests/data;SC_BUILD_DIR=${CMAKE_BINARY_DIR}")
endfunction()

# sc_fuzz_target(NAME SOURCE LIBS lib...)
# With SEALCALL_FUZZ it is a libFuzzer binary that ctest runs for SC_FUZZ_SECONDS on its
# seed corpus; otherwise the same entry point is linked to a driver that replays the corpus,
# so every build checks that the seeds still pass.
set(SC_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz target runs under ctest")
function(sc_fuzz_target name source)
  cmake_parse_arguments(T "" "" "LIBS" ${ARGN})
  set(corpus ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name})
  if(SEALCALL_FUZZ)
    add_executable(${name} ${source})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    # libFuzzer adds what it finds to its first corpus folder: a scratch one in the build
    # tree, so the seeds in the source tree change only when someone commits new ones.
    set(scratch ${CMAKE_BINARY_DIR}/fuzz-corpus/${name})
    set(cmd ${name} -max_total_time=${SC_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048
        -artifact_prefix=${CMAKE_BINARY_DIR}/fuzz-artifacts/${name}- ${scratch} ${corpus})
    file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz-artifacts ${scratch})
  else()
    add_executable(${name} ${source} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c)
    set(cmd ${name} ${corpus})
  endif()
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE ${T_LIBS})
  add_test(NAME ${name} COMMAND ${cmd})
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 600)
  # CI's libFuzzer build makes only these (scripts/test), not the daemon and its prompts.
  if(NOT TARGET sc_fuzz_all)
    add_custom_target(sc_fuzz_all)
  endif()
  add_dependencies(sc_fuzz_all ${name})
endfunction()

# sc_script_test(NAME SCRIPT LABEL label [TIMEOUT s])
# Shell tests need root and namespaces; they exit 77 to be counted as skipped where they
# cannot run, never as passed.
function(sc_script_test name script)
  cmake_parse_arguments(T "" "LABEL;TIMEOUT" "" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND bash ${script})
  set_tests_properties(${name} PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT}
    SKIP_RETURN_CODE 77 RUN_SERIAL TRUE
    ENVIRONMENT "SC_BUILD_DIR=${CMAKE_BINARY_DIR};SC_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endfunction()
