#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# DTMF across a call between two sites with virtual headsets, once with G.711 and once with
# Opus (telephone-event at 48000 Hz, RFC 4733 §2.1). paris dials `sealcall dtmf '159#*0'`
# into a secured call to lyon; then:
#  - lyon's log says "media: DTMF received from paris: D" once for each digit, in order;
#  - lyon's status (text and JSON) counts 6 and shows "159#*0";
#  - lyon's earpiece recording holds the six keys' dual tones (Goertzel on 20 ms windows: both
#    of each key's ITU-T Q.23 frequencies, about 100 ms each, in the dialled order, and no
#    other key);
#  - on paris's tunnel interface the events are SRTP: 42 packets of the negotiated payload
#    type, 6 with the marker, each 12 + 4 + 10 bytes, and no packet on the tunnel or the
#    underlay holds any event payload in the clear (the same search finds them in plaintext
#    packets built for the control); the underlay carries only WireGuard.
# Refusals: bad characters (named, exit 2), DTMF without a call (exit 1).
# timeout: 420
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools
sc_require_headset_tools

DIGITS='159#*0'

# frames FILE: the samples a WAV recording holds so far.
frames() { python3 -c 'import sys, wave; print(wave.open(sys.argv[1], "rb").getnframes())' "$1"; }

# keys_heard FILE FROM: the DTMF keys in the recording from sample FROM on, one 20 ms window
# at a time (the strongest row and column frequency each holding a quarter of the window's
# energy, and the window not quiet), as "KEY:WINDOWS" runs, e.g. "1:5 5:5".
keys_heard() {
	python3 - "$1" "$2" <<'PY'
import math, struct, sys, wave
path, start = sys.argv[1], int(sys.argv[2])
w = wave.open(path, "rb")
rate = w.getframerate()
w.setpos(start)
data = w.readframes(w.getnframes() - start)
x = struct.unpack("<%dh" % (len(data) // 2), data[: len(data) // 2 * 2])
rows, cols = [697, 770, 852, 941], [1209, 1336, 1477, 1633]
layout = "123A456B789C*0#D"
win = rate // 50
def share(seg, hz, energy):
    c = 2 * math.cos(2 * math.pi * hz / rate)
    s1 = s2 = 0.0
    for v in seg:
        s1, s2 = v + c * s1 - s2, s1
    return (s1 * s1 + s2 * s2 - c * s1 * s2) * 2 / len(seg) / energy
runs = []
for off in range(0, len(x) - win + 1, win):
    seg = x[off:off + win]
    energy = sum(v * v for v in seg)
    key = "-"
    if energy > win * 300.0 ** 2:
        r = max(range(4), key=lambda i: share(seg, rows[i], energy))
        c = max(range(4), key=lambda i: share(seg, cols[i], energy))
        if share(seg, rows[r], energy) > 0.25 and share(seg, cols[c], energy) > 0.25:
            key = layout[r * 4 + c]
    if runs and runs[-1][0] == key:
        runs[-1][1] += 1
    else:
        runs.append([key, 1])
print(" ".join("%s:%d" % (k, n) for k, n in runs if k != "-"))
PY
}

# event_packets PCAP PT: the tunnel's RTP packets of payload type PT as "COUNT MARKERS SIZES".
event_packets() {
	tshark -n -r "$1" -Y udp -T fields -e udp.payload 2>/dev/null | python3 -c '
import collections, sys
pt = int(sys.argv[1])
count = markers = 0
sizes = collections.Counter()
for line in sys.stdin:
    p = bytes.fromhex(line.strip().split(",")[0] or "00")
    if len(p) >= 12 and p[0] >> 6 == 2 and not 192 <= p[1] <= 223 and p[1] & 0x7f == pt:
        count += 1
        markers += p[1] >> 7
        sizes[len(p)] += 1
print(count, markers, ",".join("%d" % s for s in sorted(sizes)))' "$2"
}

# clear_events PCAP... : how many packets in the files hold an RFC 4733 payload of one of the
# dialled digits in the clear (event code, E bit and volume 10, duration a multiple of one
# packet up to 100 ms, at 8000 or 48000 Hz) anywhere in their bytes. "control" instead
# searches plaintext event packets built here, to show the search finds them.
clear_events() {
	python3 - "$DIGITS" "$@" <<'PY'
import subprocess, sys
digits, files = sys.argv[1], sys.argv[2:]
codes = {"0123456789*#ABCD".index(d) for d in digits}
patterns = set()
for step, tone in ((160, 800), (960, 4800)):
    for code in codes:
        for dur in range(step, tone + 1, step):
            for flags in (0x0a, 0x8a):
                patterns.add(bytes([code, flags, dur >> 8, dur & 0xff]))
def hits(packets):
    return sum(1 for p in packets if any(p[i:i + 4] in patterns for i in range(len(p) - 3)))
if files == ["control"]:
    packets = [bytes([0x80, 101, 0, 1, 0, 0, 0, 9, 1, 2, 3, 4]) + pat for pat in sorted(patterns)]
    print(hits(packets), len(packets))
    sys.exit(0)
total = 0
for f in files:
    out = subprocess.run(["tshark", "-n", "-r", f, "-T", "fields", "-e", "udp.payload", "-Y", "udp"],
                         capture_output=True, text=True).stdout
    packets = [bytes.fromhex(h) for line in out.splitlines() for h in line.split(",") if h]
    total += hits(packets)
print(total)
PY
}

silence="$(mktemp -d)/silence.wav"
python3 - "$silence" <<'PY' || sc_fail "could not write silence"
import sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(48000)
w.writeframes(b"\0\0" * 48000 * 120)
PY

netsim_init idtmf
netsim_on_cleanup "rm -rf '$(dirname "$silence")'"
sc_two_sites audio_device=vheadset codecs="pcmu"
netsim_headset_ctl paris "$silence" && netsim_mic paris on || sc_fail "headset for paris"
netsim_headset_ctl lyon "$silence" && netsim_mic lyon on || sc_fail "headset for lyon"

# Refused before anything reaches a daemon: the bad character is named.
out=$(sc_cli paris dtmf '12x4' 2>&1)
rc=$?
[[ $rc == 2 && $out == *"'x' (character 3) is not a DTMF digit"* ]] ||
	sc_fail "sealcall dtmf 12x4: exit $rc, '$out'"
sc_pass "a bad digit is refused and named: $out"

# round CODECS PT RATE NAME: daemons with CODECS, a secured call paris -> lyon, the digits.
round() {
	local codecs=$1 pt=$2 rate=$3 name=$4 out rc from site
	netsim_policy paris audio_device=vheadset codecs="$codecs" >/dev/null || sc_fail "policy paris"
	netsim_policy lyon audio_device=vheadset codecs="$codecs" >/dev/null || sc_fail "policy lyon"
	netsim_start_daemon paris || sc_fail "start paris"
	netsim_start_daemon lyon || sc_fail "start lyon"
	netsim_wait_status paris 'state: ready' 40 || sc_fail "paris did not reach ready"
	netsim_wait_status lyon 'state: ready' 40 || sc_fail "lyon did not reach ready"
	netsim_wait_status lyon 'headset: vheadset' 5 || sc_fail "lyon has no headset"
	netsim_wait_status paris 'headset: vheadset' 5 || sc_fail "paris has no headset"

	out=$(sc_cli paris dtmf 1 2>&1)
	rc=$?
	[[ $rc == 1 && $out == *"no call is in progress"* ]] || sc_fail "$name: dtmf without a call: exit $rc, '$out'"
	sc_pass "$name: DTMF without a call is refused: $out"

	netsim_capture_start "$(netsim_iface paris)" "$(netsim_ns paris)" "$NETSIM_DIR/$name-tunnel.pcap" ||
		sc_fail "tunnel capture"
	netsim_capture_start eth0 "$(netsim_ns paris)" "$NETSIM_DIR/$name-underlay.pcap" ||
		sc_fail "underlay capture"
	out=$(sc_cli paris call lyon 2>&1) || sc_fail "sealcall call lyon failed: $out"
	netsim_wait_status lyon 'call: ringing-in with paris' 15 || sc_fail "lyon does not ring"
	out=$(sc_cli lyon answer 2>&1) || sc_fail "sealcall answer failed: $out"
	netsim_wait_status paris 'sas: [^ ]+ \(B' 20 || sc_fail "$name: paris not secure"
	netsim_wait_status lyon 'sas: [^ ]+ \(B' 20 || sc_fail "$name: lyon not secure"
	grep -q "DTMF as telephone-event/$rate (payload type $pt)" "$NETSIM_DIR/paris/sealcalld.log" ||
		sc_fail "$name: paris's log does not show telephone-event/$rate on $pt: $(grep 'media: codec' "$NETSIM_DIR/paris/sealcalld.log" | tail -1)"
	# past the spoken SAS (about 6 s), so the earpiece holds the tones alone
	sleep 9
	from=$(frames "$NETSIM_DIR/lyon/heard.wav")
	out=$(sc_cli paris dtmf "$DIGITS" 2>&1) || sc_fail "$name: sealcall dtmf failed: $out"
	[[ $out == *"sending 6 DTMF digits to lyon"* ]] || sc_fail "$name: dtmf answered '$out'"
	netsim_wait_status lyon "dtmf: received 6 \\(last 159#\\*0\\)" 15 ||
		sc_fail "$name: lyon's status does not show the six digits"
	netsim_wait_status paris "dtmf: received 0 sent 6" 10 || sc_fail "$name: paris's status does not count 6 sent"
	json=$(netsim_status lyon --json) || sc_fail "status --json at lyon"
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])["call"]["dtmf"]
assert d == {"telephone_event": True, "sent": 0, "received": 6, "last_received": "159#*0"}, d' "$json" ||
		sc_fail "$name: lyon's JSON status: $json"
	sleep 1
	heard=$(grep -o 'media: DTMF received from paris: .' "$NETSIM_DIR/lyon/sealcalld.log" |
		sed 's/.*: //' | tr -d '\n')
	[[ $heard == "$DIGITS" ]] || sc_fail "$name: lyon's log has the digits '$heard', not '$DIGITS'"
	sc_pass "$name: lyon logged $heard once each and in order; status and JSON show them"

	sc_cli paris hangup >/dev/null 2>&1 || sc_fail "hangup failed"
	netsim_wait_status paris 'call: idle' 15 || sc_fail "paris not idle"
	netsim_wait_status lyon 'call: idle' 15 || sc_fail "lyon not idle"
	netsim_capture_stop "$NETSIM_DIR/$name-tunnel.pcap" "$NETSIM_DIR/$name-underlay.pcap"
	netsim_stop_daemon paris || sc_fail "paris did not exit 0"
	netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"

	local runs keys k n
	runs=$(keys_heard "$NETSIM_DIR/lyon/heard.wav" "$from")
	keys=""
	for k in $runs; do
		n=${k#*:}
		((n >= 3 && n <= 7)) || sc_fail "$name: a tone of $((n * 20)) ms in lyon's earpiece: $runs"
		keys+=${k%%:*}
	done
	[[ $keys == "$DIGITS" ]] || sc_fail "$name: lyon's earpiece holds the keys '$keys' ($runs)"
	sc_pass "$name: lyon's earpiece holds the six keys' dual tones in order (key:20-ms windows: $runs)"

	read -r count markers sizes < <(event_packets "$NETSIM_DIR/$name-tunnel.pcap" "$pt")
	[[ $count == 42 && $markers == 6 && $sizes == 26 ]] ||
		sc_fail "$name: tunnel event packets: $count packets, $markers markers, sizes $sizes"
	n=$(clear_events "$NETSIM_DIR/$name-tunnel.pcap" "$NETSIM_DIR/$name-underlay.pcap")
	[[ $n == 0 ]] || sc_fail "$name: $n captured packets hold an event payload in the clear"
	n=$(tshark -n -r "$NETSIM_DIR/$name-underlay.pcap" -Y "ip && !(udp.port == 51820 && wg)" 2>/dev/null | wc -l)
	[[ $n == 0 ]] || sc_fail "$name: $n packets on the underlay are not WireGuard"
	sc_pass "$name: 42 SRTP event packets of 26 bytes on the tunnel, 6 markers; no event payload in the clear on tunnel or underlay, only WireGuard on the underlay"
}

read -r found built < <(clear_events control)
[[ $found == "$built" && $built -gt 0 ]] || sc_fail "control: the search found $found of $built plaintext event packets"
sc_pass "control: the plaintext search finds all $built plaintext event payloads"

round "pcmu" 101 8000 g711
round "opus, pcmu, pcma" 102 48000 opus
