#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The interop peers work on their own in the namespace test network, before sealcall is
# put between them: Kamailio as a TLS-only hub with digest auth, two Linphones calling each
# other through it with ZRTP (matching SAS, default and strong suites, both directions, a
# call without an account), sipp and a raw TLS client through socat.
# timeout: 150
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../netsim/netsim.sh"
source "$here/lib/common.sh"
source "$here/lib/audio.sh"
source "$here/lib/kamailio.sh"
source "$here/lib/linphone.sh"
source "$here/lib/sipp.sh"
interop_require kamailio linphonec sipp socat sox espeak-ng stdbuf ss
[[ -f $INTEROP_KAMAILIO_MODULES/tls.so ]] ||
	{ echo "SKIP: Kamailio's tls.so missing (apt-get install kamailio-tls-modules)" >&2; exit 77; }
started=$SECONDS

netsim_init ipeers
interop_peer_site hub 200 || interop_fail "site hub"
interop_peer_site alice 11 || interop_fail "site alice"
interop_peer_site bob 12 || interop_fail "site bob"
for s in hub alice bob; do interop_tunnel_up "$s" || interop_fail "tunnel of $s"; done
interop_wait_handshake alice hub 10 || interop_fail "alice-hub handshake"
interop_wait_handshake bob hub 10 || interop_fail "bob-hub handshake"
interop_wait_handshake alice bob 10 || interop_fail "alice-bob handshake"
interop_pass "three sites, full WireGuard mesh (wireguard-go + wg setconf)"

# --- Kamailio: the hub -------------------------------------------------------------------
alice_pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
bob_pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
probe_pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
interop_kamailio_passwords hub alice "$alice_pw" bob "$bob_pw" probe "$probe_pw" ||
	interop_fail "password file"
# Callers authenticate their INVITEs too, until the hub is restarted for the last part.
interop_kamailio_start hub WITH_INVITE_AUTH || interop_fail "kamailio did not start"
hub=hub.sealcall.test
udp=$(netsim_exec hub ss -Hlnu | grep -v ':51820 ')
tcp=$(netsim_exec hub ss -Hltn)
[[ -z $udp ]] || interop_fail "the hub listens on UDP: $udp"
[[ $(wc -l <<<"$tcp") == 1 && $tcp == *" 10.77.0.200:5061 "* ]] ||
	interop_fail "the hub must listen on tls 10.77.0.200:5061 only, has: $tcp"
interop_pass "kamailio -c accepted the config; listening on TLS 10.77.0.200:5061 only"

# --- sipp and the raw client through socat ------------------------------------------------
interop_sipp_run alice "$hub" 5061 options expect=200 ||
	interop_fail "sipp OPTIONS through socat was not answered 200"
grep -q 'SIP/2.0 200' "$INTEROP_SIPP_LAST_DIR/messages.log" || interop_fail "sipp saw no 200"
interop_pass "sipp OPTIONS over TLS (socat, client certificate) answered 200"
interop_sipp_run alice "$hub" 5061 invite-no-zrtp-hash expect=407 target_uri="sips:bob@$hub" ||
	interop_fail "sipp INVITE (no zrtp-hash) without credentials did not get 407"
interop_sipp_run alice "$hub" 5061 invite-sdes-crypto expect=407 target_uri="sips:bob@$hub" ||
	interop_fail "sipp INVITE (a=crypto) without credentials did not get 407"
interop_pass "sipp INVITE scenarios (no zrtp-hash, a=crypto) sent, challenged 407 and ACKed"
# A scenario must fail when the answer differs, or the refusal tests built on it prove nothing.
interop_sipp_run alice "$hub" 5061 options expect=488 secs=8 2>/dev/null &&
	interop_fail "sipp passed a scenario that expected 488 but got 200"
interop_pass "sipp fails a scenario whose expected status does not come"

out=$(interop_tls_request alice "$hub" 5061 options) || interop_fail "raw OPTIONS: no answer"
[[ $(interop_sip_final_status <<<"$out") == 200 ]] || interop_fail "raw OPTIONS: $out"
out=$(interop_tls_request alice "$hub" 5061 register) || interop_fail "raw REGISTER: no answer"
[[ $(interop_sip_final_status <<<"$out") == 401 && $out == *'WWW-Authenticate: Digest'* ]] ||
	interop_fail "a REGISTER without credentials was not challenged: $out"
interop_pass "raw TLS client: OPTIONS 200, REGISTER without credentials 401 Digest"
# Digest answers computed here: the hub must check them against the password file.
register_with() {
	local pass=$1 out realm nonce cnonce=c0ffee42
	out=$(interop_tls_request alice "$hub" 5061 register my_user=probe) || return 1
	realm=$(sed -nE 's/^WWW-Authenticate: Digest .*realm="([^"]+)".*/\1/p' <<<"$out")
	nonce=$(sed -nE 's/^WWW-Authenticate: Digest .*nonce="([^"]+)".*/\1/p' <<<"$out")
	[[ -n $realm && -n $nonce ]] || { echo "no challenge: $out" >&2; return 1; }
	interop_tls_request alice "$hub" 5061 register-digest my_user=probe realm="$realm" \
		nonce="$nonce" cnonce="$cnonce" \
		response="$(interop_sip_digest probe "$realm" "$pass" REGISTER "sips:$hub" "$nonce" "$cnonce")" |
		interop_sip_final_status
}
wrong=$(register_with "wrong-$probe_pw")
[[ $wrong == 401 || $wrong == 403 ]] || interop_fail "a wrong password got '$wrong', not 401/403"
right=$(register_with "$probe_pw")
[[ $right == 200 ]] || interop_fail "the right password got '$right', not 200"
interop_pass "digest auth checks the password file: wrong password $wrong, right password $right"
# A client certificate from another CA: the hub refuses the TLS handshake itself.
foreign=$NETSIM_DIR/foreign
mkdir -p "$foreign" && cp "$(netsim_dir alice)/ca.crt" "$foreign/ca.crt"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-keyout "$foreign/site.key" -out "$foreign/site.crt" -subj "/CN=alice.sealcall.test" 2>/dev/null ||
	interop_fail "openssl: foreign certificate"
interop_tls_request alice "$hub" 5061 options cert_dir="$foreign" >/dev/null 2>"$NETSIM_DIR/foreign.err"
rc=$?
((rc == 2)) || interop_fail "a client certificate of another CA got through (rc $rc): $(cat "$NETSIM_DIR/foreign.err")"
interop_pass "a client certificate from another CA is refused at the TLS handshake"

# --- Linphone <-> Kamailio <-> Linphone, default ZRTP suites -------------------------------
interop_speech_wav "$NETSIM_DIR/alice.wav" "Alice speaking. One, two, three, four, five, six, seven." ||
	interop_fail "speech WAV"
interop_speech_wav "$NETSIM_DIR/bob.wav" "Bob speaking. Eight, nine, ten, eleven, twelve." ||
	interop_fail "speech WAV"

# call CALLER CALLEE URI LABEL: the caller calls, the callee answers; both must end up fully
# encrypted with the same SAS. Sets SAS and prints the measured numbers.
call_and_compare() {
	local caller=$1 callee=$2 uri=$3 label=$4 t0 t1 sas_caller sas_callee
	t0=$(interop_ms)
	interop_linphone_call "$caller" "$uri" || interop_fail "$label: call command"
	interop_linphone_wait_encrypted "$caller" 20 || interop_fail "$label: $caller not encrypted"
	interop_linphone_wait_encrypted "$callee" 5 || interop_fail "$label: $callee not encrypted"
	sas_caller=$(interop_linphone_sas "$caller") sas_callee=$(interop_linphone_sas "$callee")
	t1=$(interop_ms)
	[[ -n $sas_caller && $sas_caller == "$sas_callee" ]] ||
		interop_fail "$label: SAS differ: $caller '$sas_caller', $callee '$sas_callee'"
	SAS=$sas_caller
	echo "MEASURE: $label: call command -> both consoles encrypted $((t1 - t0)) ms;" \
		"per Linphone's log, call start -> SRTP keyed: $caller $(interop_linphone_setup_ms "$caller") ms," \
		"$callee $(interop_linphone_setup_ms "$callee") ms; media start -> SRTP keyed (ZRTP):" \
		"$caller $(interop_linphone_setup_ms "$caller" zrtp) ms, $callee $(interop_linphone_setup_ms "$callee" zrtp) ms"
}

hang_up() {
	local who=$1 other=$2 label=$3
	interop_linphone_terminate "$who" || interop_fail "$label: terminate"
	interop_linphone_wait "$other" 'Call [0-9]+ with .* ended' 10 ||
		interop_fail "$label: $other never saw the call end (BYE not routed back over its connection)"
}

interop_linphone_start alice alice registrar=hub password="$alice_pw" \
	play="$NETSIM_DIR/alice.wav" record="$NETSIM_DIR/alice-heard-1.wav" || interop_fail "linphone alice"
interop_linphone_start bob bob registrar=hub password="$bob_pw" auto_answer=1 \
	play="$NETSIM_DIR/bob.wav" record="$NETSIM_DIR/bob-heard-1.wav" || interop_fail "linphone bob"
[[ -z $(interop_linphone_zrtp_config alice) ]] || interop_fail "default suites: rc sets ZRTP suites"
interop_linphone_wait_registered alice 10 || interop_fail "alice did not register"
interop_linphone_wait_registered bob 10 || interop_fail "bob did not register"
interop_kamailio_wait_registered hub alice 2 && interop_kamailio_wait_registered hub bob 2 ||
	interop_fail "the hub logged no registration"
interop_pass "both Linphones registered over TLS with digest auth (INVITEs authenticated too)"

call_and_compare alice bob "$(interop_linphone_uri bob)" "default suites, alice -> bob"
neg=$(interop_linphone_zrtp_negotiated alice) || interop_fail "no ZRTP negotiation in alice's log"
[[ $neg == "$(interop_linphone_zrtp_negotiated bob)" ]] || interop_fail "the two ends disagree on suites"
[[ $neg == "cipher=AES-128 key_agreement=DHM-3072 hash=SHA-256 auth_tag=HMAC-SHA1-80 sas=Base32" ]] ||
	interop_fail "default suites negotiated: $neg"
[[ $SAS =~ ^[a-z0-9]{4}$ ]] || interop_fail "a Base32 SAS is 4 characters, got '$SAS'"
interop_pass "default suites: fully encrypted both ends, SAS $SAS on both; $neg"
sleep 3    # speech both ways
hang_up alice bob "default suites"
interop_linphone_stop alice || interop_fail "alice did not stop"
interop_linphone_stop bob || interop_fail "bob did not stop"
rms=$(interop_wav_rms "$NETSIM_DIR/bob-heard-1.wav") || interop_fail "bob recorded nothing"
awk -v r="$rms" 'BEGIN { exit !(r > 0.01) }' || interop_fail "bob heard silence (RMS $rms)"
rms2=$(interop_wav_rms "$NETSIM_DIR/alice-heard-1.wav") || interop_fail "alice recorded nothing"
awk -v r="$rms2" 'BEGIN { exit !(r > 0.01) }' || interop_fail "alice heard silence (RMS $rms2)"
interop_pass "speech crossed SRTP both ways (RMS heard: bob $rms, alice $rms2)"

# --- strong suites, bob calls alice, alice answers by command ------------------------------
interop_linphone_start alice alice registrar=hub password="$alice_pw" zrtp=strong \
	play="$NETSIM_DIR/alice.wav" || interop_fail "linphone alice (strong)"
interop_linphone_start bob bob registrar=hub password="$bob_pw" zrtp=strong \
	play="$NETSIM_DIR/bob.wav" || interop_fail "linphone bob (strong)"
interop_linphone_zrtp_config alice | grep -q '^zrtp_key_agreements_suites=MS_ZRTP_KEY_AGREEMENT_X255' ||
	interop_fail "strong suites missing from alice's rc"
interop_linphone_wait_registered alice 10 || interop_fail "alice did not register (strong)"
interop_linphone_wait_registered bob 10 || interop_fail "bob did not register (strong)"
interop_linphone_call bob "$(interop_linphone_uri alice)" || interop_fail "bob's call"
interop_linphone_wait alice 'Receiving new incoming call' 10 || interop_fail "alice was not rung"
interop_linphone_answer alice || interop_fail "answer"
interop_linphone_wait_encrypted alice 20 || interop_fail "strong: alice not encrypted"
interop_linphone_wait_encrypted bob 5 || interop_fail "strong: bob not encrypted"
sas_a=$(interop_linphone_sas alice) sas_b=$(interop_linphone_sas bob)
[[ -n $sas_a && $sas_a == "$sas_b" ]] || interop_fail "strong suites: SAS differ: '$sas_a' '$sas_b'"
[[ $sas_a =~ ^[A-Za-z-]+:[A-Za-z-]+$ ]] || interop_fail "a Base256 SAS is two words, got '$sas_a'"
neg=$(interop_linphone_zrtp_negotiated bob) || interop_fail "no ZRTP negotiation in bob's log"
[[ $neg == "$(interop_linphone_zrtp_negotiated alice)" ]] || interop_fail "strong: the ends disagree"
[[ $neg == "cipher=AES-256 key_agreement=ECDH-255 hash=SHA-384 auth_tag=HMAC-SHA1-80 sas=PGP-WordList" ]] ||
	interop_fail "strong suites negotiated: $neg"
echo "MEASURE: strong suites, bob -> alice (answered by command): per Linphone's log, call start" \
	"-> SRTP keyed: bob $(interop_linphone_setup_ms bob) ms (with the answering); media start ->" \
	"SRTP keyed (ZRTP): bob $(interop_linphone_setup_ms bob zrtp) ms, alice $(interop_linphone_setup_ms alice zrtp) ms"
interop_pass "strong suites (X255, S384, AES3, B256): SAS $sas_a on both; $neg"
hang_up bob alice "strong suites"
interop_linphone_stop bob || interop_fail "bob did not stop (strong)"
interop_linphone_stop alice || interop_fail "alice did not stop (strong)"
grep -q 'hub: INVITE from bob to alice routed' "$(interop_kamailio_log hub)" ||
	interop_fail "the hub did not log bob's authenticated INVITE"

# The hub again, without INVITE authentication: a caller without an account has no
# credentials to give (as a sealcall appliance would call a Linphone laptop directly).
interop_kamailio_stop hub || interop_fail "kamailio did not stop on SIGTERM"
interop_kamailio_start hub || interop_fail "kamailio did not restart"
interop_linphone_start alice alice registrar=hub password="$alice_pw" zrtp=strong \
	play="$NETSIM_DIR/alice.wav" || interop_fail "linphone alice (third)"
interop_linphone_wait_registered alice 10 || interop_fail "alice did not register (third)"

# --- a call without an account, straight to a TLS server (as Linphone calls an appliance) --
interop_linphone_start bob bob zrtp=strong play="$NETSIM_DIR/bob.wav" ||
	interop_fail "linphone bob (no account)"
interop_linphone_call bob "$(interop_linphone_uri alice)" || interop_fail "bob's direct call"
interop_linphone_wait alice 'Receiving new incoming call from .*sips:bob@bob\.sealcall\.test' 10 ||
	interop_fail "alice was not rung by bob's direct call"
interop_linphone_answer alice || interop_fail "answer bob's direct call"
interop_linphone_wait_encrypted bob 20 || interop_fail "direct call: bob not encrypted"
interop_linphone_wait_encrypted alice 5 || interop_fail "direct call: alice not encrypted"
sas_a=$(interop_linphone_sas alice) sas_b=$(interop_linphone_sas bob)
[[ -n $sas_b && $sas_b == "$sas_a" ]] || interop_fail "direct call: SAS differ: '$sas_b' '$sas_a'"
hang_up bob alice "no account"
interop_pass "Linphone without an account calls over its own TLS connection: SAS $sas_b on both"
interop_linphone_stop bob || interop_fail "bob did not stop (no account)"
interop_linphone_stop alice || interop_fail "alice did not stop (third)"

interop_kamailio_stop hub || interop_fail "kamailio did not stop on SIGTERM"
[[ -z $(ip netns pids "$(netsim_ns hub)" | while read -r p; do
	[[ $(cat "/proc/$p/comm" 2>/dev/null) == kamailio ]] && echo "$p"; done) ]] ||
	interop_fail "kamailio children left behind"
interop_pass "every peer stopped by its PID; took $((SECONDS - started)) s"
