#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Linphone (its own SIP stack and bzrtp) dials a sealcall appliance directly over TLS, as a
# laptop with WireGuard and Linphone would: alice is a peer site with its own wireguard-go
# tunnel to paris, her certificate says alice.sealcall.test, her tunnel address and her From
# URI are paris's directory entry for alice, and she calls sips:paris@paris.sealcall.test
# (names, not addresses: Linphone's TLS ignores IP addresses in certificates).
#
# Three times, each with a fresh Linphone: its stock ZRTP suites (DH3k, AES1, S256, HS80, B32),
# then set to X255, S384, AES3, B256 first, then DH3k, AES3, S256, HS32 (paris prefers the
# same in each run, so the result does not depend on which end wins the Commit race). Every call:
# paris rings and answers (by itself, rules.auto_answer, in the first run, which is timed;
# with `sealcall answer` in the others), both ends report "secure" with the same
# SAS and the same suites. The first call of each run carries speech both ways (Linphone
# plays a WAV into the call that paris's virtual headset must hear, paris's microphone plays
# another that Linphone must record), matched by correlation, not only by loudness. Hang-ups
# alternate sides, and each side must see the other's. Later calls find the ZRTP cache. In
# the first call, DTMF goes both ways (sealcall dtmf to linphonec's "Receiving tone", digits
# typed on linphonec to paris's log).
# Prints MEASURE lines: call -> ringing, answer -> both secure, call -> both secure (wall
# clock, including linphonec reading its command and this script's polling), and call start
# -> SRTP keyed by Linphone's own log clock.
# timeout: 600
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../netsim/netsim.sh"
source "$here/lib/common.sh"
source "$here/lib/audio.sh"
source "$here/lib/linphone.sh"
source "$here/lib/sealcall.sh"
interop_require linphonec sox espeak-ng stdbuf
[[ -x ${SC_BUILD_DIR:?SC_BUILD_DIR unset: run through ctest}/src/core/sealcalld ]] ||
	interop_fail "sealcalld not built in $SC_BUILD_DIR"
[[ -f $SC_BUILD_DIR/virtual-headset/libasound_module_pcm_schead.so ]] ||
	interop_fail "the virtual headset plugin is not built in $SC_BUILD_DIR"
started=$SECONDS
CALLS_DEFAULT=${LINPHONE_DIRECT_CALLS:-5}
CALLS_STRONG=2

netsim_init ilpdirect
netsim_site paris 1 || interop_fail "site paris"
interop_peer_site alice 11 || interop_fail "site alice"
# G.711 here (linphone_hub has the Opus calls); Linphone offers Opus first and takes the answer.
netsim_policy paris audio_device=vheadset codecs="pcmu, pcma" >/dev/null || interop_fail "policy"
policy=$(netsim_dir paris)/sealcall.yaml
# For the strong run paris prefers what Linphone was told to prefer, so that the suites do
# not depend on which end wins the Commit race.
sed -e 's/^    hashes: .*/    hashes: [s384, s256]/' -e 's/^    ciphers: .*/    ciphers: [aes3, aes1]/' \
	-e 's/^    sas_types: .*/    sas_types: [b256, b32]/' "$policy" >"$NETSIM_DIR/policy-strong.yaml"
grep -q 'hashes: \[s384, s256\]' "$NETSIM_DIR/policy-strong.yaml" || interop_fail "strong policy edit"
sed -e 's/^    ciphers: .*/    ciphers: [aes3, aes1]/' -e 's/^    auth_tags: .*/    auth_tags: [hs32, hs80]/' \
	"$policy" >"$NETSIM_DIR/policy-mixed.yaml"
grep -q 'auth_tags: \[hs32, hs80\]' "$NETSIM_DIR/policy-mixed.yaml" || interop_fail "mixed policy edit"
# The first run answers by itself, so that "call -> both secure" holds no test latency; the
# others are answered with `sealcall answer`.
sed -i 's/^  auto_answer: false$/  auto_answer: true/' "$policy"
grep -q '^  auto_answer: true$' "$policy" || interop_fail "auto_answer edit"
ANSWER=auto
RTCP_MUX=0

interop_speech_wav "$NETSIM_DIR/alice.wav" \
	"Alice speaking from the laptop. One, two, three, four." ||
	interop_fail "speech WAV"
interop_speech_wav "$NETSIM_DIR/paris.wav" \
	"Paris speaking into the headset. Eight, nine, ten." 48000 ||
	interop_fail "speech WAV"
interop_sc_headset paris "$NETSIM_DIR/paris.wav" || interop_fail "headset for paris"

interop_tunnel_up alice || interop_fail "alice's tunnel"
interop_sc_start paris || interop_fail "start paris"
netsim_wait_status paris 'state: ready' 30 || interop_fail "paris did not reach ready"
interop_wait_handshake alice paris 10 || interop_fail "no handshake alice-paris"
interop_pass "paris (sealcalld) ready; alice (wireguard-go) has a handshake with it"

target=sips:paris@paris.sealcall.test
declare -a SETUP_MS=() ANSWER_MS=() RING_MS=() LP_SETUP_MS=()
CALLS_SO_FAR=0

# linphone_heard LABEL RECORDING: paris's microphone is in Linphone's recording of the call.
linphone_heard() {
	local label=$1 rec=$2 rms match
	rms=$(interop_wav_rms "$rec") || interop_fail "$label: Linphone recorded nothing"
	match=$(interop_audio_match "$NETSIM_DIR/paris.wav" "$rec") ||
		interop_fail "$label: Linphone did not record paris's speech ($match, RMS $rms)"
	interop_pass "$label: paris's microphone reached Linphone's recording (RMS $rms, $match)"
}

# one_call LABEL N HANGUP_BY EXPECT_SUITES: alice calls paris, paris answers, both secure
# with the same SAS and EXPECT_SUITES; N=1 also waits for speech; then HANGUP_BY (alice or
# paris) hangs up and the other end must see it.
one_call() {
	local label=$1 n=$2 hangup_by=$3 expect=$4
	local t0 t_ring t_ans t_both sas_sc sas_lp suites_sc suites_lp heard status media bad
	t0=$(interop_ms)
	interop_linphone_call alice "$target" || interop_fail "$label #$n: call command"
	interop_sc_wait_log paris 'call: idle -> ringing-in ' 15 ||
		interop_fail "$label #$n: paris does not ring: $(tail -n 5 "$(netsim_dir paris)/sealcalld.log")"
	t_ring=$(interop_ms)
	[[ $INTEROP_SC_LAST_LINE == *'from alice'* ]] ||
		interop_fail "$label #$n: paris did not know the caller as alice: $INTEROP_SC_LAST_LINE"
	if [[ $ANSWER == auto ]]; then
		interop_sc_wait_log paris 'call: ringing-in -> in-call ' 10 ||
			interop_fail "$label #$n: paris did not answer by itself (rules.auto_answer)"
	else
		interop_sc_cli paris answer >/dev/null || interop_fail "$label #$n: sealcall answer"
	fi
	t_ans=$(interop_ms)
	interop_sc_wait_log paris 'media: call secured: ' 20 ||
		interop_fail "$label #$n: paris not secure: $(interop_sc_cli paris status)"
	interop_linphone_wait_encrypted alice 20 || interop_fail "$label #$n: Linphone not encrypted"
	t_both=$(interop_ms)
	sas_sc=$(interop_sc_sas paris) sas_lp=$(interop_linphone_sas alice)
	[[ -n $sas_sc && ${sas_sc,,} == "${sas_lp,,}" ]] ||
		interop_fail "$label #$n: SAS differ: paris '$sas_sc', Linphone '$sas_lp'"
	suites_sc=$(interop_sc_suites paris) suites_lp=$(interop_linphone_zrtp_negotiated_wire alice)
	[[ $suites_sc == "$suites_lp" ]] ||
		interop_fail "$label #$n: the ends disagree on suites: paris '$suites_sc', Linphone '$suites_lp'"
	[[ $suites_sc == "$expect" ]] || interop_fail "$label #$n: negotiated '$suites_sc', expected '$expect'"
	status=$(interop_sc_cli paris status)
	[[ $status == *'call: in-call with alice (incoming)'* ]] || interop_fail "$label #$n: status: $status"
	if ((n > 1)); then
		[[ $INTEROP_SC_LAST_LINE == *'cache match'* ]] ||
			interop_fail "$label #$n: paris did not find the retained secret of call 1: $INTEROP_SC_LAST_LINE"
	else
		[[ $INTEROP_SC_LAST_LINE == *'cache new'* ]] ||
			interop_fail "$label #$n: first call with a new Linphone is not 'cache new': $INTEROP_SC_LAST_LINE"
	fi
	SETUP_MS+=($((t_both - t0))) ANSWER_MS+=($((t_both - t_ans))) RING_MS+=($((t_ring - t0)))
	LP_SETUP_MS+=("$(interop_linphone_setup_ms alice)")
	echo "MEASURE: $label #$n: call -> paris rings $((t_ring - t0)) ms; answer -> both secure" \
		"$((t_both - t_ans)) ms; call -> both secure $((t_both - t0)) ms; Linphone's log: call" \
		"start -> SRTP keyed $(interop_linphone_setup_ms alice) ms, media start -> keyed" \
		"$(interop_linphone_setup_ms alice zrtp) ms; $suites_sc; Linphone was ZRTP $(interop_linphone_zrtp_role alice)"
	interop_pass "$label #$n: secure at both ends, SAS '$sas_sc' on both; $suites_sc"
	if ((n == 1)); then
		# paris's headset first says "call secured", the SAS and whether it is verified
		# (about 7 s, over the call's audio); what it hears after that is alice alone.
		sleep 8
		heard=$(interop_sc_hears paris "$NETSIM_DIR/alice.wav" "$label") ||
			interop_fail "$label #$n: paris's headset did not hear alice's speech ($heard)"
		interop_pass "$label #$n: alice's speech reached paris's headset ($heard)"
		if [[ $label == default ]]; then
			linphone_dtmf "$label #$n"
		fi
		if ((RTCP_MUX)); then
			# Both said a=rtcp-mux: RTCP shares the RTP port both ways, so each side
			# authenticates the other's SRTCP (paris's round trip comes from Linphone's
			# reports; Linphone rejects nothing from paris).
			status=$(interop_sc_cli paris status)
			[[ $status =~ quality:\ loss\ [0-9.]+%\ jitter\ [0-9.]+\ ms\ rtt\ [0-9]+\.[0-9]\ ms ]] ||
				interop_fail "$label #$n: no round trip from Linphone's RTCP at paris: $(grep '^quality' <<<"$status")"
			bad=$(grep -a -c 'srtp_unprotect() failed\|srtcp_unprotect() failed' "$(interop_linphone_dir alice)/linphone.log")
			((bad == 0)) || interop_fail "$label #$n: Linphone rejected $bad of paris's packets"
			interop_pass "$label #$n: rtcp-mux agreed; RTCP authenticated both ways ($(grep -o 'rtt [0-9.]* ms' <<<"$status"))"
		fi
	fi
	if [[ $hangup_by == alice ]]; then
		interop_linphone_terminate alice || interop_fail "$label #$n: terminate"
		interop_sc_wait_log paris 'call: in-call -> idle \(from alice\).*: alice hung up' 10 ||
			interop_fail "$label #$n: paris did not see alice's BYE: $(tail -n 5 "$(netsim_dir paris)/sealcalld.log")"
		interop_linphone_wait alice 'Call [0-9]+ with .* ended' 10 || interop_fail "$label #$n: Linphone's call did not end"
	else
		interop_sc_cli paris hangup >/dev/null || interop_fail "$label #$n: sealcall hangup"
		interop_linphone_wait alice 'Call [0-9]+ with .* ended' 10 ||
			interop_fail "$label #$n: Linphone did not see paris's BYE"
		interop_sc_wait_log paris 'call: (in-call|ending) -> idle' 10 || interop_fail "$label #$n: paris not idle"
	fi
	netsim_wait_status paris 'call: idle' 10 || interop_fail "$label #$n: paris is not idle"
	CALLS_SO_FAR=$((CALLS_SO_FAR + 1))
	media=$(interop_sc_media_end paris "$CALLS_SO_FAR" 5) || interop_fail "$label #$n: no media summary in paris's log"
	# Every packet Linphone sent was SRTP that paris could authenticate.
	[[ $media == *' srtp auth failures 0 '* && $media =~ \ rx\ [1-9][0-9]*\ rtp ]] ||
		interop_fail "$label #$n: paris's media: $media"
	interop_pass "$label #$n: $hangup_by hung up, the other end saw it; paris: $media"
}

# DTMF both ways through SRTP (RFC 4733 on the telephone-event/8000 Linphone offered beside
# PCMU): paris's `sealcall dtmf` digits are printed by linphonec ("Receiving tone D from ...")
# once each and in order; digits typed on linphonec's console are logged by paris.
linphone_dtmf() {
	local what=$1 d count heard
	interop_sc_cli paris dtmf '159#' >/dev/null || interop_fail "$what: sealcall dtmf"
	for d in 1 5 9 '#'; do
		interop_linphone_wait alice "Receiving tone [$d] from" 10 ||
			interop_fail "$what: Linphone did not report tone $d: $(grep -a 'Receiving tone' "$(interop_linphone_dir alice)/console.log" | tr '\n' ' ')"
	done
	sleep 1
	count=$(grep -ac 'Receiving tone' "$(interop_linphone_dir alice)/console.log")
	((count == 4)) || interop_fail "$what: Linphone reported $count tones for 4 digits"
	interop_pass "$what: Linphone received paris's DTMF 159# once each, in order"
	for d in 7 '*' 3; do
		interop_linphone_cmd alice "$d" || interop_fail "$what: typing $d on linphonec"
		interop_sc_wait_log paris "media: DTMF received from alice: [$d]" 10 ||
			interop_fail "$what: paris did not log Linphone's $d: $(grep -a 'DTMF' "$(netsim_dir paris)/sealcalld.log" | tail -n 5)"
		sleep 0.3
	done
	heard=$(grep -ao 'media: DTMF received from alice: .' "$(netsim_dir paris)/sealcalld.log" | sed 's/.*: //' | tr -d '\n')
	[[ $heard == '7*3' ]] || interop_fail "$what: paris logged '$heard' for Linphone's 7*3"
	interop_pass "$what: paris received Linphone's DTMF 7*3 once each, in order"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# --- run 1: Linphone's stock suites --------------------------------------------------------
interop_linphone_start alice alice play="$NETSIM_DIR/alice.wav" record="$NETSIM_DIR/alice-heard-default.wav" ||
	interop_fail "linphone alice"
interop_prioritise
[[ -z $(interop_linphone_zrtp_config alice) ]] || interop_fail "default run: the rc sets ZRTP suites"
for ((i = 1; i <= CALLS_DEFAULT; i++)); do
	who=alice
	((i % 2 == 0)) && who=paris
	one_call default "$i" "$who" "ka=DH3k cipher=AES1 hash=S256 auth=HS80 sas=B32"
done
interop_rtcp_check alice
interop_linphone_stop alice || interop_fail "Linphone did not stop"
linphone_heard default "$NETSIM_DIR/alice-heard-default.wav"
echo "MEASURE: default suites, auto-answer, $CALLS_DEFAULT calls: call -> both secure median $(median "${SETUP_MS[@]}") ms" \
	"(${SETUP_MS[*]}); answered -> both secure median $(median "${ANSWER_MS[@]}") ms (${ANSWER_MS[*]});" \
	"call -> ringing median $(median "${RING_MS[@]}") ms; by Linphone's own clock, call start ->" \
	"SRTP keyed (ZRTP ends at both within a round trip) median $(median "${LP_SETUP_MS[@]}") ms (${LP_SETUP_MS[*]})"
SETUP_MS=() ANSWER_MS=() RING_MS=() LP_SETUP_MS=()

# --- run 2: X255, S384, AES3, B256 --------------------------------------------------------
netsim_stop_daemon paris || interop_fail "paris did not stop cleanly"
cp "$NETSIM_DIR/policy-strong.yaml" "$policy"
ANSWER=cli
INTEROP_SC_SEEN[paris]=0
CALLS_SO_FAR=0
mv "$(netsim_dir paris)/sealcalld.log" "$NETSIM_DIR/sealcalld-default.log"
interop_sc_start paris || interop_fail "restart paris"
netsim_wait_status paris 'state: ready' 30 || interop_fail "paris did not reach ready again"
interop_linphone_start alice alice zrtp=strong play="$NETSIM_DIR/alice.wav" \
	record="$NETSIM_DIR/alice-heard-strong.wav" || interop_fail "linphone alice (strong)"
interop_prioritise
interop_linphone_zrtp_config alice | grep -q '^zrtp_key_agreements_suites=MS_ZRTP_KEY_AGREEMENT_X255' ||
	interop_fail "strong suites missing from Linphone's rc"
for ((i = 1; i <= CALLS_STRONG; i++)); do
	who=paris
	((i % 2 == 0)) && who=alice
	one_call strong "$i" "$who" "ka=X255 cipher=AES3 hash=S384 auth=HS80 sas=B256"
done
[[ $(interop_sc_sas paris) == "" ]] || interop_fail "a SAS is still shown after the call"
interop_rtcp_check alice
interop_linphone_stop alice || interop_fail "Linphone did not stop (strong)"
linphone_heard strong "$NETSIM_DIR/alice-heard-strong.wav"
echo "MEASURE: strong suites, $CALLS_STRONG calls: call -> both secure $(printf '%s ms ' "${SETUP_MS[@]}")"
SETUP_MS=() ANSWER_MS=() RING_MS=()

# --- run 3: AES3 with S256, the 32-bit SRTP tag -------------------------------------------
# What neither run above reaches: AES-256 keys from a SHA-256 KDF, and SRTP packets with
# 32-bit tags. (Not EC25: Debian's bzrtp leaves it out of its Hello even when linphonerc
# asks for it, and DH3k is agreed instead; measured.)
netsim_stop_daemon paris || interop_fail "paris did not stop cleanly (strong)"
cp "$NETSIM_DIR/policy-mixed.yaml" "$policy"
INTEROP_SC_SEEN[paris]=0
CALLS_SO_FAR=0
mv "$(netsim_dir paris)/sealcalld.log" "$NETSIM_DIR/sealcalld-strong.log"
interop_sc_start paris || interop_fail "restart paris (mixed)"
netsim_wait_status paris 'state: ready' 30 || interop_fail "paris did not reach ready (mixed)"
INTEROP_LINPHONE_ZRTP_STRONG_KEY_AGREEMENTS=MS_ZRTP_KEY_AGREEMENT_DH3K
INTEROP_LINPHONE_ZRTP_STRONG_HASHES=MS_ZRTP_HASH_S256
INTEROP_LINPHONE_ZRTP_STRONG_CIPHERS=MS_ZRTP_CIPHER_AES3,MS_ZRTP_CIPHER_AES1
INTEROP_LINPHONE_ZRTP_STRONG_AUTH_TAGS=MS_ZRTP_AUTHTAG_HS32,MS_ZRTP_AUTHTAG_HS80
INTEROP_LINPHONE_ZRTP_STRONG_SAS=MS_ZRTP_SAS_B32
# This Linphone also offers a=rtcp-mux, which sealcall accepts: its RTCP is right both ways.
interop_linphone_start alice alice zrtp=strong rtcp_mux=1 play="$NETSIM_DIR/alice.wav" \
	record="$NETSIM_DIR/alice-heard-mixed.wav" || interop_fail "linphone alice (mixed)"
RTCP_MUX=1
interop_prioritise
one_call mixed 1 alice "ka=DH3k cipher=AES3 hash=S256 auth=HS32 sas=B32"
interop_rtcp_check alice
interop_linphone_stop alice || interop_fail "Linphone did not stop (mixed)"
linphone_heard mixed "$NETSIM_DIR/alice-heard-mixed.wav"

grep -E 'sealcall (err|warn)' "$(netsim_dir paris)/sealcalld.log" "$NETSIM_DIR/sealcalld-default.log" "$NETSIM_DIR/sealcalld-strong.log" |
	grep -vE 'state: |degraded' >&2 && echo "(warnings above are for the record)" >&2
netsim_stop_daemon paris || interop_fail "paris did not exit 0"
interop_pass "Linphone <-> sealcall direct over TLS: every call secure with matching SAS; took $((SECONDS - started)) s"
