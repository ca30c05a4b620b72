#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Speech both ways through the whole stack with G.711: two sites with virtual headsets call
# each other through WireGuard, SIP over TLS, ZRTP and SRTP; each microphone says its own
# sentence (espeak-ng, 48 kHz) and each earpiece recording must hold the other sentence
# with a normalised cross-correlation of at least 0.9 (tests/tools/sc-audio-match), where
# the headsets' shared clock says it was spoken. The scores are printed.
# timeout: 200
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
source "$here/../tools/audio_e2e.bash"
ae_require

netsim_init iaspeech
ae_speech_both_ways pcmu PCMU 0.9
rc=$?
((rc == 3)) && sc_fail "the call did not use PCMU (codecs [pcmu]): status says '$AE_CODEC'"
((rc == 0)) || sc_fail "speech did not cross the call intact (scores above)"
sc_pass "G.711 speech both ways, NCC >= 0.9 at both ends"
