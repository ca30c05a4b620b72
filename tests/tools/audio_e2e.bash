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
#                                   started, both ready; AE_BEFORE_START, if set, is run
#                                   (eval) just before the daemons start
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
	# a test's last word on the sites before the daemons start (netsim_impair, buttons)
	if [[ -n ${AE_BEFORE_START:-} ]]; then
		eval "$AE_BEFORE_START" || sc_fail "$AE_BEFORE_START failed"
	fi
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
# sentence, lyon another (AE_TEXT_PARIS, AE_TEXT_LYON override them), at the same time,
# after the SAS prompts; each earpiece recording must hold the other's sentence with NCC >=
# MIN (sc-audio-match --slip-ms SLIP_MS, default 60: the jitter buffer may move its delay by
# whole frames while the sentence plays), where the two headsets' clocks say it should be
# (within a second after it was spoken). EXPECT_CODEC is what status must show; returns 3
# when it shows another.
#
# A round that fails while a daemon's headset over- or underran, or a jitter buffer threw
# away packets that came after their time or saw nothing arrive for longer than it can hide
# (a daemon or a tunnel's wireguard-go was held off the CPU longer than the buffer: the
# machine stalled, as a loaded test machine does), is said so and spoken again in the same
# call, up to three rounds; a failure without such a sign counts at once.
ae_speech_both_ways() {
	local codecs=${1:?} expect_codec=${2:?} min=${3:-0.9} slip=${4:-60}
	local a="$NETSIM_DIR/paris-says.wav" b="$NETSIM_DIR/lyon-says.wav" codec round rc=1
	ae_speech_wav "$a" "${AE_TEXT_PARIS:-The quick brown fox jumps over the lazy dog. Paris calling Lyon, one two three.}" ||
		sc_fail "espeak-ng could not make paris's sentence"
	ae_speech_wav "$b" "${AE_TEXT_LYON:-Lyon answers: a secure line needs a good tunnel, seven eight nine.}" ||
		sc_fail "espeak-ng could not make lyon's sentence"
	ae_two_headset_sites "$a" "$b" codecs="$codecs"
	ae_secure_call paris lyon
	codec=$(ae_cli paris status | sed -n 's/^call: .*codec \([^ ]*\).*/\1/p; s/^codec: \([^ ]*\).*/\1/p' | head -1)
	AE_CODEC=$codec
	[[ ${codec,,} == "${expect_codec,,}"* ]] || return 3
	# The SAS prompts ("call secured", four words, "not verified yet") are mixed into the
	# earpiece for about 6 s; the sentences come after them.
	sleep 8
	for round in 1 2 3; do
		ae_speech_round "$round" "$min" "$slip" && { rc=0; break; }
		((AE_ROUND_XRUNS + AE_ROUND_HELD > 0 && round < 3)) || break
		echo "NOTE: round $round failed while the headsets over- or underran $AE_ROUND_XRUNS" \
			"times and the jitter buffers saw $AE_ROUND_HELD late packets or gaps in arrivals" \
			"(a daemon or the tunnel was held off longer than its buffer): one more round"
	done
	ae_hang_up paris
	netsim_stop_daemon paris || sc_fail "paris did not exit 0"
	netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
	return $rc
}

# Lines of SITE's daemon log that say its headset ran over or dry, from line FROM on.
ae_xruns_since() {
	tail -n +"$(($2 + 1))" "$NETSIM_DIR/$1/sealcalld.log" | grep -c -E 'audio: .* (over|under)run'
}

# Signs that SITE's far end reached it late, from status' quality line (0 outside a call):
# packets its jitter buffer threw away because they came after their time, plus gaps, the
# times nothing arrived for longer than the buffer hides (the packets of a gap longer than
# 400 ms restart playback and are dropped, not counted late).
ae_held() {
	ae_cli "$1" status 2>/dev/null |
		sed -n 's/^quality: .* late \([0-9]*\) .* gaps \([0-9]*\).*/\1 \2/p' |
		awk '{ n = $1 + $2 } END { print n + 0 }'
}

# One round: both microphones say their sentence; each earpiece's recording of it is cut
# out and matched (ae_score). Sets AE_ROUND_XRUNS and AE_ROUND_HELD.
ae_speech_round() {
	local round=$1 min=$2 slip=$3 secs from to rc_all=0 lp ll held0
	lp=$(wc -l <"$NETSIM_DIR/paris/sealcalld.log") ll=$(wc -l <"$NETSIM_DIR/lyon/sealcalld.log")
	held0=$(($(ae_held paris) + $(ae_held lyon)))
	secs=$(awk -v a="$(ae_wav_seconds "$NETSIM_DIR/paris-says.wav")" \
		-v b="$(ae_wav_seconds "$NETSIM_DIR/lyon-says.wav")" 'BEGIN { print (a > b ? a : b) }')
	netsim_mic paris on
	netsim_mic lyon on
	# status in the middle of the speech: the call's quality as it is carried
	sleep "$(awk -v s="$secs" 'BEGIN { print s / 2 }')"
	ae_cli paris status >"$NETSIM_DIR/paris/status-during.txt" 2>&1
	ae_cli lyon status >"$NETSIM_DIR/lyon/status-during.txt" 2>&1
	sleep "$(awk -v s="$secs" 'BEGIN { print s / 2 + 2 }')"
	netsim_mic paris off
	netsim_mic lyon off
	AE_ROUND_XRUNS=$(($(ae_xruns_since paris "$lp") + $(ae_xruns_since lyon "$ll")))
	AE_ROUND_HELD=$(($(ae_held paris) + $(ae_held lyon) - held0))
	for from in paris lyon; do
		to=$([[ $from == paris ]] && echo lyon || echo paris)
		ae_score "$from" "$to" "$min" "$slip" "$AE_CODEC, round $round" || rc_all=1
	done
	return $rc_all
}

# FROM's sentence ($NETSIM_DIR/FROM-says.wav), spoken at FROM's last `netsim_mic on`, must be
# in TO's earpiece recording with NCC >= MIN (--slip-ms SLIP), heard within a second after
# it was spoken. Only the recording from a second before that moment is searched. Prints a
# SCORE line labelled LABEL; returns 0 or 1.
ae_score() {
	local from=$1 to=$2 min=$3 slip=$4 label=$5 ref rec cut out rc expect found start secs rc_all=0
	ref="$NETSIM_DIR/$from-says.wav" rec="$NETSIM_DIR/$to/heard.wav"
	cut="$NETSIM_DIR/$to/heard-cut-$from-$RANDOM.wav"
	secs=$(ae_wav_seconds "$ref")
	expect=$(ae_heard_offset_ms "$from" "$to") || sc_fail "no clock events from the headsets"
	start=$(awk -v e="$expect" 'BEGIN { s = e / 1000 - 1; printf "%.3f", s < 0 ? 0 : s }')
	sox --ignore-length "$rec" "$cut" trim "$start" "$(awk -v s="$secs" 'BEGIN { print s + 3 }')" ||
		sc_fail "sox could not cut $rec"
	out=$(ae_match "$ref" "$cut" --min "$min" --slip-ms "$slip")
	rc=$?
	((rc == 2)) && sc_fail "sc-audio-match could not compare: $out"
	found=${out##*offset_ms=}
	found=$(awk -v f="${found%% *}" -v s="$start" 'BEGIN { printf "%.0f", f + s * 1000 }')
	echo "SCORE $from -> $to ($label): $out; spoken at ${expect} ms of $to's recording," \
		"heard $(awk -v f="$found" -v e="$expect" 'BEGIN { printf "%.0f", f - e }') ms later"
	if ((rc != 0)); then
		echo "MISS: $from's speech is not in $to's earpiece (need ncc >= $min); its pieces:"
		"$AE_MATCH" -v --slip-ms "$slip" "$ref" "$cut" 2>&1 | grep '^piece' | sed 's/^/  /'
		rc_all=1
	fi
	awk -v f="$found" -v e="$expect" 'BEGIN { exit !(f - e > 0 && f - e < 1000) }' ||
		{ echo "MISS: $from's speech found at $found ms, not within a second after it was spoken ($expect ms)"; rc_all=1; }
	return $rc_all
}

# ---- The prompts the daemon speaks, found in a recording ----

# CLOCK_MONOTONIC now, in ns: the clock of the virtual headset's events.
ae_mono_ns() { python3 -c 'import time; print(time.clock_gettime_ns(time.CLOCK_MONOTONIC))'; }

# Where the monotonic time NS lies in SITE's heard.wav, in ms.
ae_heard_ms_at() {
	python3 - "$NETSIM_DIR/${1:?}/headset-events" "${2:?}" <<'PY'
import sys
runs = []
for l in open(sys.argv[1]):
    w = l.split()
    if w[:2] == ["playback", "frame"]:
        runs.append((int(w[4]), int(w[2])))
if not runs:
    sys.exit("no earpiece run in the headset events")
t = int(sys.argv[2])
ns, frame = ([r for r in runs if r[0] <= t] or runs[:1])[-1]
print("%.1f" % (frame * 1000.0 / 48000 + (t - ns) / 1e6))
PY
}

# The build's own rendering of prompt clip ID (espeak-ng, before it was packed into the
# daemon): src/audio/prompts/manifest.tsv lists the ids.
ae_prompt_wav() {
	local f="$SC_BUILD_DIR/src/audio/prompts/wav/$1.wav"
	[[ -f $f ]] || sc_fail "$f missing: the build renders the prompts (make sc_audio_prompts)"
	echo "$f"
}

# The clip ids that read out a B32 SAS (z-base-32 alphabet order, after the five phrases,
# as src/audio/prompts/manifest.c lists them).
ae_sas_clip_ids() {
	local sas=${1,,} alphabet=ybndrfg8ejkmcpqxot1uwisza345h769 i c rest
	for ((i = 0; i < ${#sas}; i++)); do
		c=${sas:i:1}
		rest=${alphabet%%"$c"*}
		[[ $rest != "$alphabet" ]] || sc_fail "'$c' of SAS $1 is not a B32 character"
		echo $((5 + ${#rest}))
	done
}

# Looks for prompt clip ID in SITE's recording between FROM_MS and TO_MS. Prints
# "NCC OFFSET_MS" (offset in the whole recording).
ae_find_clip() {
	ae_find_clip_wav "$1" "$(ae_prompt_wav "$2")" "$3" "$4"
}

# The same for any WAV.
ae_find_clip_wav() {
	local site=$1 wav=$2 from=$3 to=$4 cut out
	cut="$NETSIM_DIR/$site/clip-window-$RANDOM.wav"
	sox --ignore-length "$NETSIM_DIR/$site/heard.wav" "$cut" trim "$(awk -v f="$from" 'BEGIN { printf "%.3f", (f < 0 ? 0 : f) / 1000 }')" \
		"$(awk -v f="$from" -v t="$to" 'BEGIN { printf "%.3f", (t - (f < 0 ? 0 : f)) / 1000 }')" ||
		sc_fail "sox could not cut $site's recording"
	# --slip-ms: the headset's drift corrector may drop or add a frame inside a phrase
	out=$("$AE_MATCH" --min -1 --slip-ms 60 "$wav" "$cut")
	rm -f "$cut"
	awk -v o="$out" -v f="$from" 'BEGIN { split(o, a, /[= ]/); printf "%s %.0f\n", a[2], a[4] + (f < 0 ? 0 : f) }'
}

# FROM says its sentence once (netsim_mic on, its length and 2 s, off) and TO's earpiece
# must have it (ae_score, NCC >= MIN with --slip-ms 60). Spoken again, up to three times,
# when it failed while either headset over- or underran or TO's jitter buffer threw away
# late packets or saw a gap in arrivals (the machine held a daemon or the tunnel off), and
# said so.
ae_say_and_score() {
	local from=$1 to=$2 min=$3 label=$4 try lf lt xr held0 held
	for try in 1 2 3; do
		lf=$(wc -l <"$NETSIM_DIR/$from/sealcalld.log") lt=$(wc -l <"$NETSIM_DIR/$to/sealcalld.log")
		held0=$(ae_held "$to")
		netsim_mic "$from" on
		sleep "$(awk -v s="$(ae_wav_seconds "$NETSIM_DIR/$from-says.wav")" 'BEGIN { print s + 2 }')"
		netsim_mic "$from" off
		xr=$(($(ae_xruns_since "$from" "$lf") + $(ae_xruns_since "$to" "$lt")))
		held=$(($(ae_held "$to") - held0))
		ae_score "$from" "$to" "$min" 60 "$label" && return 0
		((xr + held > 0 && try < 3)) || return 1
		echo "NOTE: the headsets over- or underran $xr times and $to's jitter buffer saw $held" \
			"late packets or gaps in arrivals meanwhile (a daemon or the tunnel was held off):" \
			"saying it again"
	done
	return 1
}
