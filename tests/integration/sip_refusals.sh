#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What a running sealcalld refuses, seen from outside over the real tunnel: from lyon's
# namespace, sipp (behind socat's TLS with lyon's certificate) and raw requests send paris
# an INVITE without a=zrtp-hash (488), one keyed by SDES (488), a sip: Request-URI (416),
# a From naming another site (403); without a client certificate, or with one from another
# CA, TLS itself fails and no SIP answer comes. Each refusal is in paris's log with its
# reason, and paris never rings.
# timeout: 240
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
source "$here/../interop/lib/common.sh"
source "$here/../interop/lib/sipp.sh"
sc_require_root_and_tools
for tool in sipp socat; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (apt-get install sip-tester socat)" >&2; exit 77; }
done

netsim_init irefuse
# An appliance without a headset answers every INVITE 480: give both sites one, so that each
# refusal below is the keying or identity check it tests.
sc_two_sites audio_device=vheadset codecs="pcmu, pcma"
netsim_headset paris || sc_fail "headset for paris"
netsim_headset lyon || sc_fail "headset for lyon"
log=$NETSIM_DIR/paris/sealcalld.log
netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris did not reach ready"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon did not reach ready"
netsim_wait_status paris 'sip: listening' 5 || sc_fail "paris does not listen for SIP"
host=paris.sealcall.test

# The path works: OPTIONS from lyon, with lyon's certificate, gets 200.
resp=$(interop_tls_request lyon "$host" 5061 options) || sc_fail "OPTIONS got no answer: $resp"
[[ $(interop_sip_final_status <<<"$resp") == 200 ]] || sc_fail "OPTIONS: $resp"
[[ $resp == *"Allow: INVITE, ACK, BYE, CANCEL, OPTIONS"* ]] || sc_fail "OPTIONS without Allow: $resp"
sc_pass "OPTIONS over TLS from lyon: 200 with Allow"

interop_sipp_run lyon "$host" 5061 invite-no-zrtp-hash expect=488 ||
	sc_fail "sipp: INVITE without a=zrtp-hash did not get 488"
grep -q 'INVITE from lyon refused with 488 Not Acceptable Here: the offer has no a=zrtp-hash' "$log" ||
	sc_fail "paris did not log the 488 for the missing a=zrtp-hash"
sc_pass "sipp: INVITE without a=zrtp-hash -> 488"

interop_sipp_run lyon "$host" 5061 invite-sdes-crypto expect=488 ||
	sc_fail "sipp: INVITE with a=crypto did not get 488"
grep -q 'refused with 488 Not Acceptable Here: the offer carries SDES keys (a=crypto)' "$log" ||
	sc_fail "paris did not log the 488 for SDES"
sc_pass "sipp: INVITE with a=crypto (SDES) -> 488"

resp=$(interop_tls_request lyon "$host" 5061 invite-no-zrtp-hash target_uri=sip:paris@$host)
[[ $(interop_sip_final_status <<<"$resp") == 416 ]] || sc_fail "sip: Request-URI: $resp"
[[ $resp == *"sealcall demands sips:"* ]] || sc_fail "416 without the reason: $resp"
sc_pass "sip: Request-URI -> 416"

resp=$(interop_tls_request lyon "$host" 5061 invite-no-zrtp-hash my_user=nice my_domain=nice.sealcall.test)
[[ $(interop_sip_final_status <<<"$resp") == 403 ]] || sc_fail "From of another site: $resp"
grep -q 'does not match its certificate: From sips:nice@nice.sealcall.test is not sips:lyon@lyon.sealcall.test' "$log" ||
	sc_fail "paris did not log the From mismatch"
sc_pass "From of another site on lyon's connection -> 403"

# TLS refusals: no client certificate, and a certificate for lyon's name from another CA.
out=$(netsim_exec lyon timeout 10 socat -T 5 - \
	"OPENSSL:$host:5061,cafile=$NETSIM_DIR/lyon/ca.crt,verify=1,commonname=$host" \
	<<<$'OPTIONS sips:paris.sealcall.test SIP/2.0\r\n\r\n' 2>&1)
[[ $out != *"SIP/2.0 "[0-9]* ]] || sc_fail "an answer without a client certificate: $out"
evil=$NETSIM_DIR/evil
mkdir -p "$evil"
(cd "$evil" && umask 077 &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
		-days 2 -subj "/CN=other CA" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null &&
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout site.key \
		-out site.csr -subj /CN=lyon.sealcall.test 2>/dev/null &&
	printf 'subjectAltName=DNS:lyon.sealcall.test\nextendedKeyUsage=serverAuth,clientAuth\n' >ext &&
	openssl x509 -req -in site.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext \
		-out site.crt 2>/dev/null) || sc_fail "other CA"
out=$(netsim_exec lyon timeout 10 socat -T 5 - \
	"OPENSSL:$host:5061,cert=$evil/site.crt,key=$evil/site.key,cafile=$NETSIM_DIR/ca.crt,verify=1,commonname=$host" \
	<<<$'OPTIONS sips:paris.sealcall.test SIP/2.0\r\n\r\n' 2>&1)
[[ $out != *"SIP/2.0 "[0-9]* ]] || sc_fail "an answer to a certificate from another CA: $out"
refused=$(grep -c 'sip: refused TLS from .*10\.77\.0\.2' "$log")
((refused >= 2)) || sc_fail "paris did not log both refused handshakes: $(grep -i tls "$log" | tail -n 5)"
sc_pass "no client certificate / another CA: TLS fails, no SIP answer"

netsim_wait_status paris 'call: idle' 2 || sc_fail "paris is not idle"
grep -q 'call: idle -> ringing-in' "$log" && sc_fail "paris rang for a refused call"
netsim_stop_daemon paris || sc_fail "paris did not exit 0"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
sc_pass "paris never rang; clean stop"
