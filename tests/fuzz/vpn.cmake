# SPDX-License-Identifier: GPL-3.0-or-later
sc_fuzz_target(fuzz_wg_dump ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_wg_dump.c LIBS sc_vpn)
