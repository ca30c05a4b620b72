#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# An Opus call between two sites with virtual headsets: both policies list opus first, so the
# offer/answer settles on opus/48000/2 at both ends (status and log say so), ZRTP secures it
# with the same SAS, and audio flows both ways at 48 kHz: paris plays 700 Hz and 5 kHz
# together, and lyon's earpiece hears both (G.711's 8 kHz sampling could not carry 5 kHz at
# all); lyon plays 1.2 kHz and paris hears that. On the tunnel every SRTP packet of the call
# has the same size (Opus packets are padded to one size: sizes say nothing about speech).
# At hang-up both logs count the packets sent and received, with no SRTP authentication
# failure.
#
# Then lyon comes back with a policy of PCMU only: the next call is PCMU, which paris's
# headset (kept at 48 kHz because its policy lists Opus) reaches through a rate conversion;
# lyon hears the 700 Hz and no 5 kHz at all, which shows the wideband check above can fail.
# timeout: 300
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools
sc_require_headset_tools

sas_of() { sc_cli "$1" status | sed -n 's/^sas: \([^ ]*\) .*/\1/p'; }

# tones FILE HZ...: 90 s of sines of equal amplitude at 48 kHz, mono, 16 bit, about -8 dBFS.
tones() {
	python3 - "$@" <<'PY'
import math, struct, sys, wave
path, hzs = sys.argv[1], [float(h) for h in sys.argv[2:]]
w = wave.open(path, "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(48000)
a = 12000 / len(hzs)
w.writeframes(b"".join(struct.pack("<h", int(sum(a * math.sin(2 * math.pi * hz * i / 48000)
                                                 for hz in hzs)))
                       for i in range(48000 * 90)))
PY
}

# frames FILE: the samples a WAV recording holds so far.
frames() { python3 -c 'import sys, wave; print(wave.open(sys.argv[1], "rb").getnframes())' "$1"; }

# heard HZ FILE [FROM]: how many half-second windows of the recording (from sample FROM on)
# have more than 30 % of their energy at HZ (Goertzel), the loudest window's RMS, the rate.
heard() {
	python3 - "$1" "$2" "${3:-0}" <<'PY'
import math, struct, sys, wave
hz, path, start = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
w = wave.open(path, "rb")
rate = w.getframerate()
w.setpos(start)
data = w.readframes(w.getnframes() - start)
x = struct.unpack("<%dh" % (len(data) // 2), data[: len(data) // 2 * 2])
win = rate // 2
c = 2 * math.cos(2 * math.pi * hz / rate)
hits, loudest = 0, 0.0
for start in range(0, len(x) - win, win):
    seg = x[start:start + win]
    energy = sum(v * v for v in seg)
    if energy == 0:
        continue
    s1 = s2 = 0.0
    for v in seg:
        s1, s2 = v + c * s1 - s2, s1
    power = (s1 * s1 + s2 * s2 - c * s1 * s2) * 2 / win  # the tone's share of the energy
    loudest = max(loudest, math.sqrt(energy / win))
    if power > 0.3 * energy:
        hits += 1
print(hits, int(loudest), rate)
PY
}

netsim_init iopus
sc_two_sites audio_device=vheadset codecs="opus, pcmu, pcma"
tones "$NETSIM_DIR/paris.wav" 700 5000
tones "$NETSIM_DIR/lyon.wav" 1200
netsim_headset_ctl paris "$NETSIM_DIR/paris.wav" && netsim_mic paris on || sc_fail "headset for paris"
netsim_headset_ctl lyon "$NETSIM_DIR/lyon.wav" && netsim_mic lyon on || sc_fail "headset for lyon"
netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris did not reach ready"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon did not reach ready"
netsim_wait_status lyon 'headset: vheadset' 5 || sc_fail "lyon has no headset"

tun_paris=$(netsim_iface paris)
netsim_capture_start "$tun_paris" "$(netsim_ns paris)" "$NETSIM_DIR/opus.pcap" || sc_fail "capture"

out=$(sc_cli paris call lyon 2>&1) || sc_fail "sealcall call lyon failed: $out"
netsim_wait_status lyon 'call: ringing-in with paris' 10 || sc_fail "lyon does not ring"
out=$(sc_cli lyon answer 2>&1) || sc_fail "sealcall answer failed: $out"
netsim_wait_status paris 'call: in-call with lyon .* codec opus' 10 || sc_fail "paris: no Opus call"
netsim_wait_status lyon 'call: in-call with paris .* codec opus' 10 || sc_fail "lyon: no Opus call"
for site in paris lyon; do
	json=$(netsim_status "$site" --json) || sc_fail "status --json at $site"
	python3 -c 'import json, sys; assert json.loads(sys.argv[1])["call"]["codec"] == "opus"' "$json" ||
		sc_fail "$site: JSON status does not say opus: $json"
	grep -q 'media: codec opus/48000 (payload type 96, 20 ms, 48000 bit/s' "$NETSIM_DIR/$site/sealcalld.log" ||
		sc_fail "$site: the log does not show Opus at 48 kHz: $(grep 'media: codec' "$NETSIM_DIR/$site/sealcalld.log")"
done
sc_pass "opus/48000/2 negotiated at both ends (status, JSON and log)"

netsim_wait_status paris 'sas: [^ ]+ \(B' 15 || sc_fail "paris not secure: $(sc_cli paris status)"
netsim_wait_status lyon 'sas: [^ ]+ \(B' 15 || sc_fail "lyon not secure: $(sc_cli lyon status)"
sp=$(sas_of paris) sl=$(sas_of lyon)
[[ -n $sp && $sp == "$sl" ]] || sc_fail "SAS differ: paris '$sp' lyon '$sl'"
sc_pass "the Opus call is secure at both ends with the same SAS '$sp'"

# Past the spoken SAS (about 6 s), long enough for several seconds of tone alone.
sleep 12
sc_cli paris hangup >/dev/null 2>&1 || sc_fail "hangup failed"
netsim_wait_status paris 'call: idle' 10 || sc_fail "paris not idle"
netsim_wait_status lyon 'call: idle' 10 || sc_fail "lyon not idle"
netsim_capture_stop "$NETSIM_DIR/opus.pcap"

for site in paris lyon; do
	line=$(grep -o 'media: call ended, opus: .*' "$NETSIM_DIR/$site/sealcalld.log" | tail -1)
	[[ -n $line ]] || sc_fail "$site: no end-of-call media line in the log"
	tx=$(sed -n 's/.* tx \([0-9]*\) rtp.*/\1/p' <<<"$line")
	rx=$(sed -n 's/.* rx \([0-9]*\) rtp.*/\1/p' <<<"$line")
	auth=$(sed -n 's/.*auth failures \([0-9]*\).*/\1/p' <<<"$line")
	((tx > 400 && rx > 400)) || sc_fail "$site: too few packets: $line"
	[[ $auth == 0 ]] || sc_fail "$site: SRTP authentication failures: $line"
	echo "$site: $line"
done
sc_pass "audio packets both ways, no SRTP authentication failure"

read -r hits loud rate < <(heard 5000 "$NETSIM_DIR/lyon/heard.wav")
[[ $rate == 48000 ]] || sc_fail "lyon's earpiece recording is at $rate Hz"
((hits >= 8)) || sc_fail "lyon heard paris's 5 kHz tone in only $hits half-seconds (loudest RMS $loud)"
sc_pass "lyon's earpiece: paris's 5 kHz tone for $hits half-seconds (wideband: G.711 stops at 4 kHz)"
read -r hits loud rate < <(heard 700 "$NETSIM_DIR/lyon/heard.wav")
((hits >= 8)) || sc_fail "lyon heard paris's 700 Hz tone in only $hits half-seconds (loudest RMS $loud)"
read -r hits loud rate < <(heard 1200 "$NETSIM_DIR/paris/heard.wav")
((hits >= 8)) || sc_fail "paris heard lyon's 1.2 kHz tone in only $hits half-seconds (loudest RMS $loud)"
sc_pass "paris's earpiece: lyon's 1.2 kHz tone for $hits half-seconds"

port=$(grep -o 'RTP port [0-9.]*:[0-9]*' "$NETSIM_DIR/paris/sealcalld.log" | head -1 | sed 's/.*://')
[[ -n $port ]] || sc_fail "no RTP port in paris's log"
# SRTP packets of the call (RTP version 2, payload type 96, either direction): one size.
sizes=$(tshark -n -r "$NETSIM_DIR/opus.pcap" -Y "udp.port == $port && !icmp" -T fields -e udp.payload 2>/dev/null |
	python3 -c '
import sys, collections
sizes = collections.Counter()
for line in sys.stdin:
    p = bytes.fromhex(line.strip())
    if len(p) >= 12 and p[0] >> 6 == 2 and p[1] & 0x7f == 96:
        sizes[len(p)] += 1
print(" ".join("%d:%d" % kv for kv in sorted(sizes.items())))')
[[ $sizes =~ ^142:[0-9]+$ ]] || sc_fail "Opus SRTP packets of several sizes (size:count): '$sizes'"
((${sizes#142:} > 800)) || sc_fail "too few Opus SRTP packets on the tunnel: $sizes"
sc_pass "every Opus SRTP packet on the tunnel is 142 bytes (12 header + 120 Opus, padded + 10 tag): $sizes"

# Lyon with G.711 only: the call falls back to PCMU, and paris's 48 kHz headset reaches the
# 8 kHz codec through call_rtp.c's conversion.
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
from_lyon=$(frames "$NETSIM_DIR/lyon/heard.wav") # the restarted daemon appends to it
netsim_policy lyon audio_device=vheadset codecs="pcmu" >/dev/null || sc_fail "PCMU policy for lyon"
netsim_start_daemon lyon || sc_fail "restart lyon"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon did not reach ready again"
netsim_wait_status paris 'peer lyon: up' 30 || sc_fail "paris does not see lyon up again"
from=$(frames "$NETSIM_DIR/paris/heard.wav")
out=$(sc_cli paris call lyon 2>&1) || sc_fail "second call: $out"
netsim_wait_status lyon 'call: ringing-in with paris' 10 || sc_fail "lyon does not ring (PCMU)"
out=$(sc_cli lyon answer 2>&1) || sc_fail "sealcall answer failed: $out"
netsim_wait_status paris 'call: in-call with lyon .* codec PCMU' 10 || sc_fail "paris: no PCMU call"
netsim_wait_status lyon 'call: in-call with paris .* codec PCMU' 10 || sc_fail "lyon: no PCMU call"
grep -q 'media: codec PCMU/8000 (payload type 0, 20 ms), headset at 48000 Hz' \
	"$NETSIM_DIR/paris/sealcalld.log" || sc_fail "paris's log does not show PCMU on its 48 kHz headset"
netsim_wait_status paris 'sas: [^ ]+ \(B' 15 || sc_fail "paris not secure (PCMU)"
netsim_wait_status lyon 'sas: [^ ]+ \(B' 15 || sc_fail "lyon not secure (PCMU)"
sp=$(sas_of paris) sl=$(sas_of lyon)
[[ -n $sp && $sp == "$sl" ]] || sc_fail "SAS differ (PCMU): paris '$sp' lyon '$sl'"
sleep 12
sc_cli paris hangup >/dev/null 2>&1 || sc_fail "hangup failed"
netsim_wait_status paris 'call: idle' 10 || sc_fail "paris not idle"
netsim_wait_status lyon 'call: idle' 10 || sc_fail "lyon not idle"
read -r hits loud rate < <(heard 1200 "$NETSIM_DIR/paris/heard.wav" "$from")
((hits >= 8)) || sc_fail "PCMU: paris heard lyon's 1.2 kHz in only $hits half-seconds (loudest RMS $loud)"
read -r hits loud rate < <(heard 700 "$NETSIM_DIR/lyon/heard.wav" "$from_lyon")
((hits >= 8)) || sc_fail "PCMU: lyon heard paris's 700 Hz in only $hits half-seconds (loudest RMS $loud)"
read -r hits loud rate < <(heard 5000 "$NETSIM_DIR/lyon/heard.wav" "$from_lyon")
((hits == 0)) || sc_fail "PCMU: lyon heard 5 kHz in $hits half-seconds, which G.711 cannot carry"
sc_pass "PCMU fallback through paris's 48 kHz headset: same SAS, 1.2 kHz and 700 Hz heard, no 5 kHz"

netsim_stop_daemon paris || sc_fail "paris did not exit 0"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
sc_pass "clean stop"
