# SPDX-License-Identifier: GPL-3.0-or-later
# The media layer's parsers and its SRTP receive path, fed straight from the network.
sc_fuzz_target(fuzz_rtp ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_rtp.c LIBS sc_media)
# One call's media runtime (ZRTP keying SRTP, audio) fed datagrams and API calls mid-handshake
# and after keys.
sc_fuzz_target(fuzz_call_media ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_call_media.c LIBS sc_media)
