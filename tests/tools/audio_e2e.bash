# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers of the end-to-end audio tests and benchmarks (tests/integration/audio_*.sh,
# bench/mouth_to_ear.sh, bench/call_cpu.sh). Source after tests/integration/lib.sh and
# tests/netsim/netsim.sh. Not a test itself (ctest only runs tests/integration/*.sh).
#
#   ae_require                      skip (77) unless root, the network tools, sox, espeak-ng,
#                                   python3 and this build's sc-audio-match are there
#   ae_speech_wav FILE TEXT         espeak-ng speech as the virtual headset wants it: 48 kHz mono
#   ae_cli SITE ARGS...             sealcall ARGS against SITE's daemon
#   ae_two_headset_sites WAV_A WAV_B [POLICY KEY=VALUE...]
#                                   paris and lyon with netsim_headset_ctl headsets, daemons
#                                   started, both ready
#   ae_secure_call CALLER CALLEE    CALLER calls, CALLEE answers by command, both secure
#   ae_hang_up SITE                 SITE hangs up, both idle
#   ae_match REF REC [OPTIONS]      runs sc-audio-match, prints its line, returns its exit code
#   ae_heard_offset_ms TALKER LISTENER
#                                   where TALKER's last `netsim_mic on` lies in LISTENER's
#                                   heard.wav, in ms, from the two headsets' events (one clock)
#   ae_wav_seconds FILE             length of a WAV

AE_MATCH=${SC_BUILD_DIR:-}/tests/tools/sc-audio-match

ae_require() {
	sc_require_root_and_tools
	local tool
	for tool in sox espeak-ng python3; do
		command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (scripts/install-deps)" >&2; exit 77; }
	done
	[[ -x $AE_MATCH ]] || sc_fail "$AE_MATCH not built (make sc-audio-match)"
	[[ -f $SC_BUILD_DIR/virtual-headset/libasound_module_pcm_schead.so ]] ||
		sc_fail "the virtual headset plugin is not built"
}

ae_speech_wav() {
	local file=${1:?usage: ae_speech_wav FILE TEXT} text=${2:?usage: ae_speech_wav FILE TEXT}
	espeak-ng -v en -s 150 -w "$file.raw.wav" "$text" || return 1
	sox "$file.raw.wav" -r 48000 -c 1 -b 16 "$file" || return 1
	rm -f "$file.raw.wav"
}

ae_wav_seconds() {
	sox --ignore-length "${1:?}" -n stat 2>&1 | awk '/^Length \(seconds\):/ { print $3; f = 1 } END { exit !f }'
}

ae_cli() {
	local site=$1; shift
	netsim_exec "$site" timeout 10 "$SC_BUILD_DIR/src/core/sealcall" \
		--socket "$NETSIM_DIR/$site/run/control" "$@"
}

ae_two_headset_sites() {
	local wav_a=${1:?} wav_b=${2:?}; shift 2
	sc_two_sites audio_device=vheadset "$@"
	netsim_headset_ctl paris "$wav_a" || sc_fail "headset for paris"
	netsim_headset_ctl lyon "$wav_b" || sc_fail "headset for lyon"
	netsim_start_daemon paris || sc_fail "start paris"
	netsim_start_daemon lyon || sc_fail "start lyon"
	netsim_wait_status paris 'state: ready' 40 || sc_fail "paris did not reach ready"
	netsim_wait_status lyon 'state: ready' 40 || sc_fail "lyon did not reach ready"
	netsim_wait_status paris 'headset: vheadset' 5 || sc_fail "paris has no headset"
	netsim_wait_status lyon 'headset: vheadset' 5 || sc_fail "lyon has no headset"
}

ae_secure_call() {
	local caller=${1:?} callee=${2:?} out
	out=$(ae_cli "$caller" call "$callee" 2>&1) || sc_fail "sealcall call $callee failed: $out"
	netsim_wait_status "$callee" "call: ringing-in with $caller" 15 || sc_fail "$callee does not ring"
	out=$(ae_cli "$callee" answer 2>&1) || sc_fail "sealcall answer failed: $out"
	netsim_wait_status "$caller" 'sas: [^ ]+ \(B' 20 || sc_fail "$caller not secure"
	netsim_wait_status "$callee" 'sas: [^ ]+ \(B' 20 || sc_fail "$callee not secure"
}

ae_hang_up() {
	local site=${1:?} s
	ae_cli "$site" hangup >/dev/null 2>&1 || sc_fail "hangup at $site failed"
	for s in paris lyon; do
		netsim_wait_status "$s" 'call: idle' 15 || sc_fail "$s not idle after the hang-up"
	done
}

ae_match() {
	local ref=${1:?} rec=${2:?} out rc
	shift 2
	out=$("$AE_MATCH" "$@" "$ref" "$rec" 2>&1)
	rc=$?
	echo "$out"
	return $rc
}

# The virtual headset's events put the talker's microphone and the listener's earpiece on
# CLOCK_MONOTONIC; the earpiece's file index for a time comes from its last "playback frame
# N at NS" before that time.
ae_heard_offset_ms() {
	local talker=${1:?} listener=${2:?}
	python3 - "$NETSIM_DIR/$talker/headset-events" "$NETSIM_DIR/$listener/headset-events" <<'PY'
import sys
mic = [int(l.split()[-1]) for l in open(sys.argv[1]) if l.startswith("capture start at")]
runs = []
for l in open(sys.argv[2]):
    w = l.split()
    if w[:2] == ["playback", "frame"]:
        runs.append((int(w[4]), int(w[2])))
if not mic or not runs:
    sys.exit("no microphone start or no earpiece run in the headset events")
t = mic[-1]
before = [r for r in runs if r[0] <= t] or runs[:1]
ns, frame = before[-1]
print("%.1f" % (frame * 1000.0 / 48000 + (t - ns) / 1e6))
PY
}

# Speech both ways in one call with the policy's media.codecs CODECS: paris says one
# sentence, lyon another, at the same time, after the SAS prompts; each earpiece recording
# must hold the other's sentence with NCC >= MIN, where the two headsets' clocks say it
# should be (within a second after it was spoken). EXPECT_CODEC is what status must show.
ae_speech_both_ways() {
	local codecs=${1:?} expect_codec=${2:?} min=${3:-0.9}
	local a="$NETSIM_DIR/paris-says.wav" b="$NETSIM_DIR/lyon-says.wav" secs codec
	ae_speech_wav "$a" "The quick brown fox jumps over the lazy dog. Paris calling Lyon, one two three." ||
		sc_fail "espeak-ng could not make paris's sentence"
	ae_speech_wav "$b" "Lyon answers: a secure line needs a good tunnel, seven eight nine." ||
		sc_fail "espeak-ng could not make lyon's sentence"
	ae_two_headset_sites "$a" "$b" codecs="$codecs"
	ae_secure_call paris lyon
	codec=$(ae_cli paris status | sed -n 's/^call: .*codec \([^ ]*\).*/\1/p; s/^codec: \([^ ]*\).*/\1/p' | head -1)
	AE_CODEC=$codec
	[[ $codec == "$expect_codec"* ]] || return 3
	# The SAS prompts ("call secured", four words, "not verified yet") are mixed into the
	# earpiece for about 6 s; the sentences come after them.
	sleep 8
	netsim_mic paris on
	netsim_mic lyon on
	secs=$(ae_wav_seconds "$a")
	sleep "$(awk -v a="$secs" -v b="$(ae_wav_seconds "$b")" 'BEGIN { print (a > b ? a : b) + 2 }')"
	ae_hang_up paris
	netsim_stop_daemon paris || sc_fail "paris did not exit 0"
	netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
	local from to ref rec out rc expect found rc_all=0
	for from in paris lyon; do
		to=$([[ $from == paris ]] && echo lyon || echo paris)
		ref="$NETSIM_DIR/$from-says.wav" rec="$NETSIM_DIR/$to/heard.wav"
		expect=$(ae_heard_offset_ms "$from" "$to") || sc_fail "no clock events from the headsets"
		out=$(ae_match "$ref" "$rec" --min "$min")
		rc=$?
		found=${out##*offset_ms=}
		echo "SCORE $from -> $to ($codec): $out; spoken at ${expect} ms of $to's recording," \
			"heard $(awk -v f="$found" -v e="$expect" 'BEGIN { printf "%.0f", f - e }') ms later"
		((rc == 2)) && sc_fail "sc-audio-match could not compare: $out"
		((rc == 0)) || { echo "FAIL: $from's speech is not in $to's earpiece (need ncc >= $min)"; rc_all=1; }
		awk -v f="$found" -v e="$expect" 'BEGIN { exit !(f - e > 0 && f - e < 1000) }' ||
			{ echo "FAIL: $from's speech found at $found ms, not within a second after it was spoken ($expect ms)"; rc_all=1; }
	done
	return $rc_all
}
