# SPDX-License-Identifier: GPL-3.0-or-later
# The audio layer's parsers and the jitter buffer, which is fed straight from the network.
sc_fuzz_target(fuzz_audio_tevent ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_audio_tevent.c LIBS sc_audio)
sc_fuzz_target(fuzz_audio_jitter ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_audio_jitter.c LIBS sc_audio)
