# SPDX-License-Identifier: GPL-3.0-or-later
sc_fuzz_target(fuzz_sites ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_sites.c LIBS sc_provision)
sc_fuzz_target(fuzz_authorized_keys ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_authorized_keys.c LIBS sc_provision)
