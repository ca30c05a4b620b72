#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Speech both ways with G.711 over an underlay that loses 5 % of the packets and delays
# each by a uniform 0..30 ms (so some overtake others): tests/tools/sc-impair in the router
# namespace relays the two sites' WireGuard packets (fixed seed). Each earpiece recording
# must still hold the other sentence with NCC >= FLOOR; the scores, what the relay did and
# the jitter buffer's delay from sealcall status are printed.
#
# The floor, 0.7: a lost 20 ms frame is replaced by a fading repeat of the last one
# (audio/plc.h), which correlates little with the speech it stands for, so 5 % loss alone
# takes about 5 % of the matched energy and adds some of its own (NCC near 0.93 expected);
# the jitter buffer also moves its delay by whole frames while it adapts, and every move
# shifts what follows by 20 ms (sc-audio-match --slip-ms follows those). Measured here: 0.95
# and 0.96 at a load of 5 (jitter buffer 35-44 ms, RFC 3550 jitter 9-11 ms, nothing late);
# 0.75-0.95 at loads of 10-17, where stalled processes also make packets late. 0.7 leaves
# room for that and is far above anything unrelated (noise 0.02, other speech 0.12:
# unit_tools_audio_match).
# timeout: 240
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
source "$here/../tools/audio_e2e.bash"
ae_require
[[ -x $SC_BUILD_DIR/tests/tools/sc-impair ]] || sc_fail "sc-impair not built (make sc-impair)"
floor=0.7

netsim_init iaimpair
AE_BEFORE_START="netsim_impair paris lyon --loss 5 --jitter 30 --seed 20240601"
# Longer passages than audio_speech's: which frames a 5 % loss hits decides much of the
# score (a lost frame in a loud vowel costs more than one in a pause), and about 12 s of
# speech each way averages that over some 600 frames.
AE_TEXT_PARIS="The quick brown fox jumps over the lazy dog. Paris calling Lyon on the secure line. \
We read the numbers one, two, three, four, five, six, seven, eight, nine and ten. \
The weather in Paris is grey and mild, with a little rain in the evening."
AE_TEXT_LYON="Lyon answers Paris. A secure line needs a good tunnel and a verified S A S. \
Here are the letters alpha, bravo, charlie, delta, echo and foxtrot. \
In Lyon the sun is out, and the river runs high after the storm."
ae_speech_both_ways pcmu PCMU "$floor"
rc=$?
((rc == 3)) && sc_fail "the call did not use PCMU: status says '$AE_CODEC'"
echo "relay (sc-impair --loss 5 --jitter 30):"
sed 's/^/  /' "$NETSIM_DIR/impair.stats"
for site in paris lyon; do
	q=$(grep '^quality:' "$NETSIM_DIR/$site/status-during.txt")
	if [[ -n $q ]]; then
		echo "$site during the speech: $q"
	else
		echo "$site during the speech: sealcall status has no quality line in this build" \
			"(the jitter buffer's delay is not shown yet)"
	fi
done
((rc == 0)) || sc_fail "speech did not cross the impaired call well enough (scores above, floor $floor)"
lost=$(awk '$4 == "lost" { s += $5 } END { print s + 0 }' "$NETSIM_DIR/impair.stats")
((lost > 0)) || sc_fail "the relay lost nothing: the impairment was not in the path"
sc_pass "G.711 speech both ways under 5 % loss and 30 ms jitter, NCC >= $floor"
