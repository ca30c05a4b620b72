#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A call between two sites with virtual headsets, keyed end to end by ZRTP: paris plays a
# 1 kHz marker tone into its microphone and calls lyon; lyon answers; both report the call
# secure with the same SAS. A capture on paris's tunnel interface holds ZRTP and then only
# SRTP/SRTCP: the G.711 bytes of the marker appear in no packet. The second call finds the
# ZRTP cache (cache match); after `sealcall verify` the third call is announced verified.
# timeout: 150
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools
sc_require_headset_tools

# The value of one "sas:" field from a site's status.
sas_of() { sc_cli "$1" status | sed -n 's/^sas: \([^ ]*\) .*/\1/p'; }

netsim_init imedia
sc_two_sites audio_device=vheadset codecs="pcmu, pcma"
python3 - "$NETSIM_DIR/marker.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(48000)
w.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * 1000 * i / 48000)))
                       for i in range(48000 * 60)))
PY
netsim_headset paris "$NETSIM_DIR/marker.wav" || sc_fail "headset for paris"
netsim_headset lyon || sc_fail "headset for lyon"
netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris did not reach ready"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon did not reach ready"
netsim_wait_status lyon 'headset: vheadset' 5 || sc_fail "lyon has no headset"

tun_paris=$(netsim_iface paris)
netsim_capture_start "$tun_paris" "$(netsim_ns paris)" "$NETSIM_DIR/media.pcap" || sc_fail "capture"

# One call: paris calls, lyon answers, both secure. Prints the SAS.
secure_call() {
	local out
	out=$(sc_cli paris call lyon 2>&1) || sc_fail "sealcall call lyon failed: $out"
	netsim_wait_status lyon 'call: ringing-in with paris' 10 || sc_fail "lyon does not ring"
	out=$(sc_cli lyon answer 2>&1) || sc_fail "sealcall answer failed: $out"
	netsim_wait_status paris 'sas: [^ ]+ \(B' 15 || sc_fail "paris not secure: $(sc_cli paris status)"
	netsim_wait_status lyon 'sas: [^ ]+ \(B' 15 || sc_fail "lyon not secure: $(sc_cli lyon status)"
}

hang_up() {
	sc_cli paris hangup >/dev/null 2>&1 || sc_fail "hangup failed"
	netsim_wait_status paris 'call: idle' 10 || sc_fail "paris not idle"
	netsim_wait_status lyon 'call: idle' 10 || sc_fail "lyon not idle"
}

secure_call
sp=$(sas_of paris) sl=$(sas_of lyon)
[[ -n $sp && $sp == "$sl" ]] || sc_fail "SAS differ: paris '$sp' lyon '$sl'"
sc_cli paris status | grep -q '^media: secure cipher' || sc_fail "paris status has no cipher"
sc_cli paris status --json | grep -q "\"sas\":\"$sp\"" || sc_fail "JSON status lacks the SAS"
sc_cli lyon status | grep -q 'cache new' || sc_fail "first call is not a new cache entry: $(sc_cli lyon status)"
sc_pass "first call secure, same SAS '$sp' at both sites, cache new"
sleep 3 # audio flows
hang_up
netsim_capture_stop "$NETSIM_DIR/media.pcap"

port=$(grep -o 'RTP port [0-9.]*:[0-9]*' "$NETSIM_DIR/paris/sealcalld.log" | head -1 | sed 's/.*://')
[[ -n $port ]] || sc_fail "no RTP port in paris's log"
fields=$(tshark -n -r "$NETSIM_DIR/media.pcap" -d "udp.port==$port,rtp" -Y "udp.port == $port" \
	-T fields -e frame.number -e zrtp -e udp.payload 2>/dev/null)
zrtp=$(tshark -n -r "$NETSIM_DIR/media.pcap" -d "udp.port==$port,rtp" -Y zrtp 2>/dev/null | wc -l)
udp=$(tshark -n -r "$NETSIM_DIR/media.pcap" -Y "udp.port == $port" 2>/dev/null | wc -l)
((zrtp >= 6)) || sc_fail "only $zrtp ZRTP packets on port $port"
((udp > zrtp + 50)) || sc_fail "only $udp UDP packets on port $port ($zrtp ZRTP): no media flowed"
leak=$(tshark -n -r "$NETSIM_DIR/media.pcap" -Y "udp.port == $port" -T fields -e udp.payload 2>/dev/null |
	python3 -c '
import audioop, math, struct, sys
pcm = b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * 1000 * i / 8000))) for i in range(64))
mu = audioop.lin2ulaw(pcm, 2)
pats = {mu[k:k + 16] for k in range(8)}
n = 0
for line in sys.stdin:
    p = bytes.fromhex(line.strip())
    if any(x in p for x in pats):
        n += 1
print(n)')
[[ $leak == 0 ]] || sc_fail "$leak packets carry the marker tone in plaintext G.711"
sc_pass "tunnel capture: $zrtp ZRTP and $((udp - zrtp)) other packets on $port, no plaintext marker"

secure_call
sc_cli lyon status | grep -q 'not verified cache match' || sc_fail "second call: $(sc_cli lyon status | grep sas:)"
sc_cli paris status | grep -q 'not verified cache match' || sc_fail "second call: $(sc_cli paris status | grep sas:)"
out=$(sc_cli paris verify 2>&1) || sc_fail "sealcall verify: $out"
out=$(sc_cli lyon verify 2>&1) || sc_fail "sealcall verify: $out"
sc_cli paris status | grep -q '^sas: .* verified cache match' || sc_fail "verify not shown"
sc_pass "second call finds the cache (match); sealcall verify marks it"
hang_up

secure_call
sc_cli lyon status | grep -q ') verified cache match' || sc_fail "third call not verified: $(sc_cli lyon status | grep sas:)"
sc_cli paris status | grep -q ') verified cache match' || sc_fail "third call not verified: $(sc_cli paris status | grep sas:)"
sc_pass "third call announced verified at both sites"

# The tunnel stops for 0.7 s (lyon's wireguard-go held off the CPU, as a loaded machine or
# a link down and back does): a hole no jitter buffer hides. Both ends count the gap, say
# so in their log, and the call goes on.
sleep 1
netsim_wait_status paris 'quality: .* gaps 0 ' 5 || sc_fail "paris counts gaps before any: $(sc_cli paris status | grep quality:)"
wg_lyon=$(sc_wg_go_pid lyon)
[[ -n $wg_lyon ]] || sc_fail "no wireguard-go PID for lyon"
kill -STOP "$wg_lyon"
sleep 0.7
kill -CONT "$wg_lyon"
for s in paris lyon; do
	netsim_wait_status "$s" 'quality: .* gaps 1 \(longest [67][0-9][0-9] ms\)' 10 ||
		sc_fail "$s does not count the 0.7 s gap: $(sc_cli "$s" status | grep quality:)"
	netsim_wait_for 10 grep -q -E 'media: nothing arrived from the far end for longer than the jitter buffer can hide \(1 time\(s\) so far, the longest gap [67][0-9]{2} ms\)' \
		"$NETSIM_DIR/$s/sealcalld.log" ||
		sc_fail "$s does not log the gap"
done
sc_cli paris status | grep -q '^call: in-call with lyon' || sc_fail "the call did not survive the gap"
sc_pass "a 0.7 s stop of the tunnel is counted as a gap at both ends and logged; the call goes on"
hang_up
grep -q 'zrtp' "$NETSIM_DIR/paris/sealcalld.log" || true
[[ -s $NETSIM_DIR/lyon/heard.wav ]] || sc_fail "lyon's earpiece recorded nothing"
netsim_stop_daemon paris || sc_fail "paris did not exit 0"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
sc_pass "clean stop"
