#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# paris calls lyon over SIP/TLS inside the tunnel: lyon rings, `sealcall answer` at lyon, both
# in call with TLS 1.3 in their status, paris hangs up, both idle. Only TLS crosses the
# tunnel on the SIP port. lyon calls back and stops in the call: its BYE arrives. Then a
# call to lyon, now stale, is refused locally without a packet.
# timeout: 240
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools

netsim_init isip
# an appliance without a headset refuses incoming calls (480): each site gets a virtual one
sc_two_sites audio_device=vheadset codecs="pcmu, pcma"
netsim_headset paris || sc_fail "headset for paris"
netsim_headset lyon || sc_fail "headset for lyon"
netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris did not reach ready"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon did not reach ready"
netsim_wait_status paris 'sip: listening on 10\.77\.0\.1:5061' 5 || sc_fail "paris does not listen for SIP"
netsim_wait_status lyon 'call: idle' 5 || sc_fail "lyon shows no call state"

tun_paris=$(netsim_iface paris)
netsim_capture_start "$tun_paris" "$(netsim_ns paris)" "$NETSIM_DIR/tunnel.pcap" || sc_fail "capture"

out=$(sc_cli paris call lyon 2>&1) || sc_fail "sealcall call lyon failed: $out"
[[ $out == *"calling lyon"* ]] || sc_fail "sealcall call lyon said: $out"
netsim_wait_status lyon 'call: ringing-in with paris \(incoming\)' 10 || sc_fail "lyon does not ring"
netsim_wait_status paris 'call: ringing-out with lyon \(outgoing\)' 10 || sc_fail "paris does not hear lyon ring"
sc_pass "paris calls lyon: lyon rings"

# a second call while one is set up is refused, and says why
out=$(sc_cli paris call lyon 2>&1) && sc_fail "a second call was accepted: $out"
[[ $out == *"already in a call with lyon"* ]] || sc_fail "second call refused without the reason: $out"

out=$(sc_cli lyon answer 2>&1) || sc_fail "sealcall answer failed: $out"
netsim_wait_status paris 'call: in-call with lyon \(outgoing\) for [0-9]+s tls TLSv1\.3 ' 10 ||
	sc_fail "paris is not in call over TLS 1.3"
netsim_wait_status lyon 'call: in-call with paris \(incoming\) for [0-9]+s tls TLSv1\.3 ' 10 ||
	sc_fail "lyon is not in call over TLS 1.3"
json=$(netsim_status lyon --json) || sc_fail "status --json"
python3 - "$json" <<'PY' || sc_fail "status --json does not show the call: $json"
import json, sys
s = json.loads(sys.argv[1])
c = s["call"]
assert c["state"] == "in-call" and c["peer"] == "paris" and c["direction"] == "incoming", c
assert c["tls_version"] == "TLSv1.3" and c["tls_cipher"], c
assert c["codec"] in ("PCMU", "PCMA") and c["duration_s"] >= 0, c
assert s["sip"]["status"].startswith("listening on 10.77.0.2:5061"), s["sip"]
PY
sc_pass "both in call; status shows TLS 1.3 and the cipher suite"

out=$(sc_cli paris hangup 2>&1) || sc_fail "sealcall hangup failed: $out"
netsim_wait_status paris 'call: idle' 10 || sc_fail "paris did not return to idle"
netsim_wait_status lyon 'call: idle' 10 || sc_fail "lyon did not return to idle"
netsim_wait_status lyon 'last call: paris hung up' 5 || sc_fail "lyon does not say why the call ended"
grep -q 'call: in-call -> ending (to lyon)' "$NETSIM_DIR/paris/sealcalld.log" ||
	sc_fail "paris did not log its transitions"
out=$(sc_cli paris hangup 2>&1) && sc_fail "hangup with no call succeeded"
[[ $out == *"no call to hang up"* ]] || sc_fail "hangup with no call: $out"
sc_pass "paris hangs up: both idle"

# The tunnel carried the signaling as TLS only: no SIP in clear on any port.
netsim_capture_stop "$NETSIM_DIR/tunnel.pcap"
tls=$(tshark -n -r "$NETSIM_DIR/tunnel.pcap" -Y 'tcp.port == 5061 and tls' 2>/dev/null | wc -l)
sip=$(tshark -n -r "$NETSIM_DIR/tunnel.pcap" -Y 'sip' 2>/dev/null | wc -l)
clear=$(tshark -n -r "$NETSIM_DIR/tunnel.pcap" -Y 'frame contains "SIP/2.0"' 2>/dev/null | wc -l)
((tls > 0)) || sc_fail "no TLS on port 5061 in the tunnel"
((sip == 0 && clear == 0)) || sc_fail "SIP in clear inside the tunnel ($sip decoded, $clear with SIP/2.0)"
sc_pass "tunnel: $tls TLS packets on 5061, no SIP in clear"

# lyon stops in the middle of a call: its BYE still reaches paris before the tunnel goes.
out=$(sc_cli lyon call paris 2>&1) || sc_fail "sealcall call paris failed: $out"
netsim_wait_status paris 'call: ringing-in with lyon' 10 || sc_fail "paris does not ring"
sc_cli paris answer >/dev/null 2>&1 || sc_fail "sealcall answer at paris failed"
netsim_wait_status lyon 'call: in-call with paris \(outgoing\)' 10 || sc_fail "lyon is not in call"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0 on SIGTERM"
netsim_wait_status paris 'last call: lyon hung up' 5 || sc_fail "lyon's shutdown did not end the call"
sc_pass "a daemon stopping in a call hangs up first"

# lyon is gone; once paris sees it stale, a call is refused before any packet is sent.
netsim_wait_status paris 'peer lyon: stale' 30 || sc_fail "paris does not see lyon stale"
netsim_capture_start "$tun_paris" "$(netsim_ns paris)" "$NETSIM_DIR/stale.pcap" || sc_fail "capture"
out=$(sc_cli paris call lyon 2>&1)
rc=$?
((rc == 1)) || sc_fail "call to a stale peer: exit $rc ($out)"
[[ $out == *"the tunnel to lyon is not up"*"the call was not placed"* ]] ||
	sc_fail "call to a stale peer refused without the reason: $out"
sleep 1
netsim_capture_stop "$NETSIM_DIR/stale.pcap"
# What a placed call would send: a new TLS connection (SYN) or media (UDP). The earlier
# call's connection may still retransmit its close to the dead peer meanwhile; that is not
# this call.
sent=$(tshark -n -r "$NETSIM_DIR/stale.pcap" -Y 'ip.dst == 10.77.0.2 && (tcp.flags.syn == 1 || udp)' 2>/dev/null | wc -l)
((sent == 0)) || sc_fail "$sent packets to lyon after the refused call"
grep -q "call: refused to call 'lyon': the tunnel to lyon is not up" "$NETSIM_DIR/paris/sealcalld.log" ||
	sc_fail "paris did not log the refusal"
netsim_wait_status paris 'call: idle' 2 || sc_fail "paris is not idle after the refusal"
sc_pass "call to a stale peer refused locally with its reason, no packet sent"

netsim_stop_daemon paris || sc_fail "paris did not exit 0 on SIGTERM"
sc_pass "clean stop"
