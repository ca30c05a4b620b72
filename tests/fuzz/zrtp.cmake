# SPDX-License-Identifier: GPL-3.0-or-later
sc_fuzz_target(fuzz_zrtp ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_zrtp.c LIBS sc_zrtp)
sc_fuzz_target(fuzz_zrtp_engine ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_zrtp_engine.c LIBS sc_zrtp)
