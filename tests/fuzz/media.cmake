# SPDX-License-Identifier: GPL-3.0-or-later
# The media layer's parsers and its SRTP receive path, fed straight from the network.
sc_fuzz_target(fuzz_rtp ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_rtp.c LIBS sc_media)
