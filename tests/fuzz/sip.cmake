# SPDX-License-Identifier: GPL-3.0-or-later
# SIP message layer: parser, framer, serializer and transactions; SDP and offer/answer.
sc_fuzz_target(fuzz_sip ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_sip.c LIBS sc_sip)
sc_fuzz_target(fuzz_sdp ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_sdp.c LIBS sc_sip)
sc_fuzz_target(fuzz_sip_identity ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_sip_identity.c LIBS sc_sip_tls)
sc_fuzz_target(fuzz_sip_ua ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_sip_ua.c LIBS sc_sip_ua)
