# SPDX-License-Identifier: GPL-3.0-or-later
# A sealcall appliance as the far end of an interop test: its headset, its control socket,
# its log, and what its status says about the call. Source netsim.sh and common.sh first.
#
#   interop_sc_headset SITE CAPTURE_WAV   a virtual headset "vheadset" (netsim_headset) whose
#                                   microphone plays CAPTURE_WAV (48 kHz mono 16-bit) in a
#                                   loop, so that every call hears it; the earpiece is
#                                   recorded to $(netsim_dir SITE)/heard.wav
#   interop_sc_start SITE           netsim_start_daemon, then interop_prioritise
#   interop_prioritise              every process in the run's namespaces at nice -10 (below)
#   interop_sc_cli SITE ARGS...     `sealcall ARGS` on SITE's control socket
#   interop_sc_wait_log SITE REGEX SECS   until a line of SITE's sealcalld.log after the one
#                                   the previous wait matched matches REGEX (grep -E); the line
#                                   is in INTEROP_SC_LAST_LINE. Polls every 20 ms: the tests
#                                   time calls with it. Not in $(...) (it consumes lines).
#   interop_sc_media_end SITE N SECS    the media summary of SITE's Nth call ("media: call
#                                   ended, PCMU: tx … srtp auth failures 0 …"), once logged
#   interop_rtcp_check LINPHONE     fails when Linphone rejected any SRTP/SRTCP of
#                                   sealcall's (RTCP on the wrong port)
#   interop_sc_sas SITE             the SAS that `sealcall status` shows ("" when not secure)
#   interop_sc_suites SITE          the negotiated suites from the log's last "call secured"
#                                   line, in the same words for every test:
#                                   "ka=DH3k cipher=AES1 hash=S256 auth=HS80 sas=B32"
#   interop_sc_heard_s SITE         seconds recorded so far in heard.wav (to cut one call out)
#   interop_audio_match REF REC     does REC hold REF's speech? REF is cut into 0.75 s pieces,
#                                   each looked for in REC with tests/tools' sc-audio-match
#                                   (waveform NCC; --slip-ms 60 where the tool has it); at
#                                   least 2/3 of the pieces must reach 0.9. Why pieces: under
#                                   load the far end's jitter buffer moves the timeline by
#                                   20-210 ms a few times a call (measured: at load 14.7, 13
#                                   frames inserted and 10 dropped in 26 s), which breaks one
#                                   alignment for a whole sentence, not a word's. Measured per
#                                   piece: the same speech through a call 0.999 (0.64-0.9 where
#                                   a move fell inside), unrelated espeak-ng speech 0.05-0.48,
#                                   the SAS prompts 0.04-0.27. Prints "pieces found 6/6 (ncc
#                                   0.999,…)". REC should hold REF twice.
#   interop_sc_hears SITE REF LABEL  during a call, after the SAS prompt: does SITE's earpiece
#                                   hear REF's speech (looped by the far end)? Listens 14 s
#                                   and matches (interop_audio_match); on a miss listens again,
#                                   3 times at most: a window can fall on a burst of load.
#                                   Prints what was found; the windows stay in $NETSIM_DIR.
#   interop_wav_cut IN OUT FROM TO  seconds FROM..TO of a recording still being written

declare -A INTEROP_SC_SEEN=()
INTEROP_SC_LAST_LINE=

interop_sc_headset() {
	local site=${1:?usage: interop_sc_headset SITE CAPTURE_WAV} capture=${2:?usage: interop_sc_headset SITE CAPTURE_WAV}
	local dir lib
	dir=$(netsim_dir "$site")
	lib=${SC_BUILD_DIR:?SC_BUILD_DIR unset}/virtual-headset/libasound_module_pcm_schead.so
	netsim_headset "$site" "$capture" || return 1
	# netsim_headset plays the file once, from when the daemon opens the headset: by the
	# time a call starts, the speech would be over. Looped, every call carries it.
	"$INTEROP_LIB_DIR/../../virtual-headset/make-asoundrc" --name vheadset --capture "$capture" \
		--loop --playback "$dir/heard.wav" --lib "$lib" >"$dir/asoundrc"
}

# The virtual headset is paced in real time, like a USB card: whenever the daemon is not
# scheduled in time (this machine runs other builds on 2 cores, load 8-15 measured), the
# earpiece has a gap and the speech heard is cut up (10-21 underruns in a run of two calls at
# load 10-13). Late packets do the same through the jitter buffer (at load 14.7 a 26 s call
# had 13 frames inserted and 10 dropped). An appliance and a laptop have their CPU to
# themselves; here every process of the run (daemon, Linphone, wireguard-go, Kamailio) gets
# priority over the builds instead: interop_sc_start for the daemon, interop_prioritise for
# everything running in the run's namespaces at that moment.
interop_sc_start() {
	local site=${1:?usage: interop_sc_start SITE}
	netsim_start_daemon "$site" || return 1
	interop_prioritise
}

interop_prioritise() {
	local ns pid
	for ns in "${NETSIM_NAMESPACES[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			renice -n -10 -p "$pid" >/dev/null 2>&1
		done
	done
	return 0
}

interop_sc_cli() {
	local site=${1:?usage: interop_sc_cli SITE ARGS...}; shift
	netsim_exec "$site" timeout 10 "${SC_BUILD_DIR:?}/src/core/sealcall" \
		--socket "$(netsim_dir "$site")/run/control" "$@"
}

interop_sc_wait_log() {
	local site=${1:?usage: interop_sc_wait_log SITE REGEX SECS} regex=$2 secs=${3:-10}
	local log seen n hit deadline LC_ALL=C
	log=$(netsim_dir "$site")/sealcalld.log
	seen=${INTEROP_SC_SEEN[$site]:-0}
	deadline=$((SECONDS + secs))
	while :; do
		hit=$(tail -n +"$((seen + 1))" "$log" 2>/dev/null | grep -anE -m 1 -- "$regex")
		if [[ -n $hit ]]; then
			n=${hit%%:*}
			INTEROP_SC_SEEN[$site]=$((seen + n))
			INTEROP_SC_LAST_LINE=${hit#*:}
			return 0
		fi
		((SECONDS < deadline)) || return 1
		sleep 0.02
	done
}

interop_sc_media_end() {
	local site=${1:?usage: interop_sc_media_end SITE N SECS} n=${2:?} secs=${3:-10} log deadline line
	log=$(netsim_dir "$site")/sealcalld.log
	deadline=$((SECONDS + secs))
	while :; do
		line=$(grep -a 'media: call ended, ' "$log" | sed -n "${n}p")
		[[ -n $line ]] && { echo "${line#*media: }"; return 0; }
		((SECONDS < deadline)) || return 1
		sleep 0.1
	done
}

interop_sc_sas() {
	interop_sc_cli "${1:?usage: interop_sc_sas SITE}" status | sed -n 's/^sas: \([^ ]*\) .*/\1/p'
}

interop_sc_suites() {
	local site=${1:?usage: interop_sc_suites SITE} line
	line=$(grep -a 'media: call secured: ' "$(netsim_dir "$site")/sealcalld.log" | tail -n 1)
	[[ -n $line ]] || { interop_log "$site: no secured call in its log"; return 1; }
	# "media: call secured: X255 AES3 S384 HS80, SAS word:word (B256), not verified, cache new"
	sed -nE 's/.*media: call secured: ([^ ]+) ([^ ]+) ([^ ]+) ([^ ,]+), SAS .* \(([^)]+)\),.*/ka=\1 cipher=\2 hash=\3 auth=\4 sas=\5/p' <<<"$line"
}

interop_sc_heard_s() {
	local f
	f=$(netsim_dir "${1:?usage: interop_sc_heard_s SITE}")/heard.wav
	# 48 kHz mono 16-bit after a 44-byte header (tests/virtual-headset/wav.c).
	awk -v b="$(stat -c %s "$f" 2>/dev/null || echo 44)" 'BEGIN { printf "%.2f\n", (b - 44) / 96000 }'
}

interop_audio_match() {
	local ref=${1:?usage: interop_audio_match REF REC} rec=${2:?usage: interop_audio_match REF REC}
	local tool=${SC_BUILD_DIR:?}/tests/tools/sc-audio-match pieces i piece out ncc found=0 n=0
	local -a nccs=() slip=()
	[[ -x $tool ]] || { echo "sc-audio-match not built in $SC_BUILD_DIR (make sc-audio-match)"; return 2; }
	# A build that can follow the jitter buffer's whole-frame moves does so inside a piece.
	"$tool" 2>&1 | grep -q -- --slip-ms && slip=(--slip-ms 60)
	pieces=$(interop_wav_seconds "$ref" | awk '{ n = int($1 / 0.75); print (n > 16 ? 16 : n) }')
	[[ $pieces =~ ^[0-9]+$ ]] || { echo "cannot read $ref"; return 2; }
	piece=$(mktemp --suffix=.wav) || return 2
	for ((i = 0; i < pieces; i++)); do
		sox "$ref" "$piece" trim "$(awk -v i="$i" 'BEGIN { print i * 0.75 }')" 0.75 2>/dev/null || break
		out=$("$tool" --min 0.9 "${slip[@]}" "$piece" "$rec")
		(($? == 2)) && { echo "sc-audio-match: $out"; rm -f "$piece"; return 2; }
		ncc=$(sed -nE 's/^ncc=([0-9.]+) .*/\1/p' <<<"$out")
		nccs+=("${ncc:-0}")
		n=$((n + 1))
		awk -v v="${ncc:-0}" 'BEGIN { exit !(v >= 0.9) }' && found=$((found + 1))
	done
	rm -f "$piece"
	local IFS=,
	echo "pieces found $found/$n (ncc ${nccs[*]})"
	((n >= 2 && found * 3 >= n * 2))
}

# Seconds FROM..TO of IN (a recording still being written: its header is not final) as a
# WAV of its own.
interop_wav_cut() {
	local in=${1:?usage: interop_wav_cut IN OUT FROM TO} out=${2:?} from=${3:?} to=${4:?}
	sox --ignore-length "$in" "$out" trim "$from" "=$to" 2>/dev/null
}

# RTCP must authenticate at Linphone whether or not a=rtcp-mux was agreed: without it
# (a stock Linphone) sealcall sends its SRTCP from and to the RTP ports + 1; a packet that
# reached Linphone's RTP port would be taken for SRTP and fail ("srtp_unprotect() failed").
interop_rtcp_check() {
	local name=${1:?usage: interop_rtcp_check LINPHONE} bad
	bad=$(grep -a -c 'srtp_unprotect() failed' "$(interop_linphone_dir "$name")/linphone.log")
	((bad == 0)) || interop_fail "Linphone $name rejected $bad packets from sealcall as bad SRTP" \
		"(RTCP on the wrong port?)"
	interop_pass "Linphone $name rejected no packet of sealcall's"
}

interop_sc_hears() {
	local site=${1:?usage: interop_sc_hears SITE REF LABEL} ref=${2:?} label=${3:?}
	local try from to win rms match=
	for try in 1 2 3; do
		from=$(interop_sc_heard_s "$site")
		sleep 14 # each sentence (about 5 s with the player's pause) twice or more
		to=$(interop_sc_heard_s "$site")
		win=$NETSIM_DIR/heard-${label// /_}-$try.wav
		interop_wav_cut "$(netsim_dir "$site")/heard.wav" "$win" "$from" "$to" ||
			{ echo "cannot cut $site's recording ($from..$to s)"; return 1; }
		rms=$(interop_wav_rms "$win") || { echo "$site recorded nothing"; return 1; }
		if match=$(interop_audio_match "$ref" "$win"); then
			echo "RMS $rms, $match, window $try"
			return 0
		fi
		interop_log "$label: window $try of $site's earpiece: RMS $rms, $match"
	done
	echo "RMS $rms, $match, 3 windows"
	return 1
}
