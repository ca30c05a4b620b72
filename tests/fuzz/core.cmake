# SPDX-License-Identifier: GPL-3.0-or-later
sc_fuzz_target(fuzz_control ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_control.c LIBS sc_core)
sc_fuzz_target(fuzz_history ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_history.c LIBS sc_core)
