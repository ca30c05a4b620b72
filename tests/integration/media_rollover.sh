#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A long call crosses the RTP sequence-number wrap over the tunnel without losing audio. A
# real call reaches it after 11 to 22 minutes (the first sequence number is random below
# 2^15); the test build's hook (SEALCALL_TEST_HOOKS, docs/testing.md) starts both sites' RTP
# at 65335, so the wrap comes 201 packets (4 s) after the keys. On the tunnel the sequence
# numbers of both directions go 65535 -> 0 and on; in both daemons' logs the rollover
# counters become 1 on send and receive, the received counts keep growing past the wrap, and
# SRTP never fails authentication or drops a packet as replayed or too old (a wrong ROC
# would make every packet after the wrap fail); both earpieces hear the far tone until the
# hang-up, long after the wrap.
# timeout: 240
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools
sc_require_headset_tools
grep -q '^SEALCALL_TEST_HOOKS:BOOL=ON' "$SC_BUILD_DIR/CMakeCache.txt" 2>/dev/null ||
	{ echo "SKIP: this build has no test hooks (cmake -DSEALCALL_TEST_HOOKS=ON)"; exit 77; }

FIRST_SEQ=65335

tone() {
	python3 - "$1" "$2" <<'PY'
import math, struct, sys, wave
path, hz = sys.argv[1], float(sys.argv[2])
w = wave.open(path, "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(48000)
w.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * hz * i / 48000)))
                       for i in range(48000 * 90)))
PY
}

frames() { python3 -c 'import sys, wave; print(wave.open(sys.argv[1], "rb").getnframes())' "$1"; }

# heard HZ FILE FROM TO: half-second windows between samples FROM and TO with more than 30 %
# of their energy at HZ, and the number of windows.
heard() {
	python3 - "$@" <<'PY'
import math, struct, sys, wave
hz, path, start, end = float(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
w = wave.open(path, "rb")
rate = w.getframerate()
w.setpos(start)
data = w.readframes(end - start)
x = struct.unpack("<%dh" % (len(data) // 2), data[: len(data) // 2 * 2])
win = rate // 2
c = 2 * math.cos(2 * math.pi * hz / rate)
hits = windows = 0
for s in range(0, len(x) - win + 1, win):
    seg = x[s:s + win]
    windows += 1
    energy = sum(v * v for v in seg)
    s1 = s2 = 0.0
    for v in seg:
        s1, s2 = v + c * s1 - s2, s1
    if energy and (s1 * s1 + s2 * s2 - c * s1 * s2) * 2 / win > 0.3 * energy:
        hits += 1
print(hits, windows)
PY
}

netsim_init iroll
sc_two_sites audio_device=vheadset
tone "$NETSIM_DIR/paris.wav" 700
tone "$NETSIM_DIR/lyon.wav" 1200
netsim_headset_ctl paris "$NETSIM_DIR/paris.wav" && netsim_mic paris on || sc_fail "headset for paris"
netsim_headset_ctl lyon "$NETSIM_DIR/lyon.wav" && netsim_mic lyon on || sc_fail "headset for lyon"
for site in paris lyon; do
	echo "SEALCALL_TEST_RTP_FIRST_SEQ=$FIRST_SEQ" >>"$NETSIM_DIR/$site/daemon.env"
done
netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris did not reach ready"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon did not reach ready"
netsim_wait_status lyon 'headset: vheadset' 5 || sc_fail "lyon has no headset"

tun_paris=$(netsim_iface paris)
netsim_capture_start "$tun_paris" "$(netsim_ns paris)" "$NETSIM_DIR/roll.pcap" || sc_fail "capture"

out=$(sc_cli paris call lyon 2>&1) || sc_fail "sealcall call lyon failed: $out"
netsim_wait_status lyon 'call: ringing-in with paris' 10 || sc_fail "lyon does not ring"
out=$(sc_cli lyon answer 2>&1) || sc_fail "sealcall answer failed: $out"
netsim_wait_status paris 'sas: [^ ]+ \(B' 15 || sc_fail "paris not secure: $(sc_cli paris status)"
netsim_wait_status lyon 'sas: [^ ]+ \(B' 15 || sc_fail "lyon not secure: $(sc_cli lyon status)"
for site in paris lyon; do
	grep -q "media: test hook: the call's first RTP sequence number is $FIRST_SEQ" \
		"$NETSIM_DIR/$site/sealcalld.log" || sc_fail "$site did not take the test's first sequence number"
done
sc_pass "call secure; both sites start their RTP at sequence $FIRST_SEQ"

# 4 s to the wrap, then 16 s past it.
sleep 20
end_paris=$(frames "$NETSIM_DIR/paris/heard.wav")
end_lyon=$(frames "$NETSIM_DIR/lyon/heard.wav")
sc_cli paris hangup >/dev/null 2>&1 || sc_fail "hangup failed"
netsim_wait_status paris 'call: idle' 10 || sc_fail "paris not idle"
netsim_wait_status lyon 'call: idle' 10 || sc_fail "lyon not idle"
netsim_capture_stop "$NETSIM_DIR/roll.pcap"

# The wire: each direction's sequence numbers, in capture order, cross 65535 -> 0.
port=$(grep -o 'RTP port [0-9.]*:[0-9]*' "$NETSIM_DIR/paris/sealcalld.log" | head -1 | sed 's/.*://')
[[ -n $port ]] || sc_fail "no RTP port in paris's log"
tshark -n -r "$NETSIM_DIR/roll.pcap" -Y "udp.port == $port && !icmp" -T fields -e ip.src -e udp.payload \
	2>/dev/null >"$NETSIM_DIR/roll.txt"
python3 - "$NETSIM_DIR/roll.txt" "$FIRST_SEQ" <<'PY' || sc_fail "the sequence numbers on the tunnel do not show the wrap"
import sys
first = int(sys.argv[2])
seqs = {}
for line in open(sys.argv[1]):
    src, _, hexp = line.strip().partition("\t")
    p = bytes.fromhex(hexp)
    # SRTP (RTP version 2, not RTCP's 200-204 and not ZRTP's 0x10 first octet)
    if len(p) >= 12 and p[0] >> 6 == 2 and not 192 <= p[1] <= 223:
        seqs.setdefault(src, []).append(p[2] << 8 | p[3])
assert len(seqs) == 2, "expected two directions, got %s" % list(seqs)
for src, s in seqs.items():
    assert s[0] == first, "%s started at %d" % (src, s[0])
    wrap = next(i for i in range(1, len(s)) if s[i] < s[i - 1])
    assert s[wrap - 1] == 65535 and s[wrap] == 0, "%s: %d -> %d" % (src, s[wrap - 1], s[wrap])
    after = s[wrap:]
    assert all(b == a + 1 for a, b in zip(after, after[1:])), "%s: a gap after the wrap" % src
    assert len(after) >= 500, "%s: only %d packets after the wrap" % (src, len(after))
    print("%s: %d -> ... 65535 -> 0 -> ... %d (%d packets after the wrap)" % (src, s[0], s[-1], len(after)))
PY
sc_pass "on the tunnel both directions go 65535 -> 0 and keep counting"

# The daemons: rollover counters 1, received counts growing past the wrap, no SRTP drop.
for site in paris lyon; do
	log="$NETSIM_DIR/$site/sealcalld.log"
	python3 - "$log" <<'PY' || sc_fail "$site: the media counters do not show a clean wrap"
import re, sys
pat = re.compile(r"media: (call ended, )?(\w+): tx (\d+) rtp \(roc (\d+)\) rx (\d+) rtp \(roc (\d+)\) "
                 r"lost (-?\d+); srtp auth failures (\d+) replayed (\d+) too old (\d+)")
lines = [m.groups() for m in map(pat.search, open(sys.argv[1])) if m]
assert lines and lines[-1][0], "no end-of-call line"
for final, codec, tx, txroc, rx, rxroc, lost, auth, rep, old in lines:
    assert (auth, rep, old) == ("0", "0", "0"), "SRTP drops: auth %s replayed %s too old %s" % (auth, rep, old)
after = [l for l in lines if l[3] == "1" and l[5] == "1"]
assert len(after) >= 3, "fewer than 3 reports after the wrap: %s" % lines
rx = [int(l[4]) for l in after]
assert all(b > a + 100 for a, b in zip(rx, rx[1:-1])), "received counts stall after the wrap: %s" % rx
final = lines[-1]
assert int(final[2]) > 900 and int(final[4]) > 900, final
assert int(final[6]) <= 5, "lost %s" % final[6]
print("%s: tx %s rx %s, roc %s/%s, lost %s, no SRTP drop; rx after the wrap %s" %
      (sys.argv[1].split("/")[-2], final[2], final[4], final[3], final[5], final[6], rx))
PY
done
sc_pass "rollover counters 1 at both ends, receive counts growing past the wrap, no SRTP drop"

# The last 8 s before the hang-up (all after the wrap): the far tone, at both ends. A wrong
# rollover counter would leave nothing at all after the wrap; the bound leaves room for what
# a loaded 2-core machine costs (16 of 16 windows in 4 runs at loads of 5 to 15 with the
# recordings in tmpfs, as netsim_headset_ctl keeps them; 4 of 16 once when the recording
# sat on ext4 and its journal stalled the daemon).
read -r hits windows < <(heard 700 "$NETSIM_DIR/lyon/heard.wav" $((end_lyon - 8 * 48000)) "$end_lyon")
((hits * 2 >= windows)) || sc_fail "lyon heard paris's tone in $hits of the last $windows half-seconds"
echo "lyon: paris's tone in $hits of the last $windows half-seconds"
read -r hits windows < <(heard 1200 "$NETSIM_DIR/paris/heard.wav" $((end_paris - 8 * 48000)) "$end_paris")
((hits * 2 >= windows)) || sc_fail "paris heard lyon's tone in $hits of the last $windows half-seconds"
echo "paris: lyon's tone in $hits of the last $windows half-seconds"
sc_pass "both earpieces hear the far tone through the last 8 s, well past the wrap"

netsim_stop_daemon paris || sc_fail "paris did not exit 0"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
sc_pass "clean stop"
