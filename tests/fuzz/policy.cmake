# SPDX-License-Identifier: GPL-3.0-or-later
sc_fuzz_target(fuzz_policy ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_policy.c LIBS sc_policy)
