#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# No plaintext audio on any wire. paris's microphone plays a staircase of eight levels, each
# held 10 ms, whose G.711 u-law encoding is runs of eight distinct codes (a held level is
# one code repeated; silence codes excluded). While paris calls lyon (G.711), captures run on
# paris's tunnel interface and on its underlay. Then:
#  - lyon's earpiece holds the staircase (NCC >= 0.9): the pattern really crossed the call,
#    so its absence on the wires means something;
#  - control: the same search finds every run in a capture file of plaintext RTP packets
#    carrying sox's own u-law encoding of the pattern;
#  - neither capture file contains any 8-byte run of a held code, nor any 8-byte window of
#    sox's encoding of the whole pattern;
#  - every UDP packet in the tunnel is ZRTP, SRTP (RTP header, 160 encrypted bytes and the
#    tag ZRTP agreed, never the 172 bytes of plaintext PCMU) or SRTCP (E flag set, index,
#    tag);
#  - every IPv4 packet on the underlay is WireGuard between the two sites' endpoints.
# timeout: 200
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
source "$here/../tools/audio_e2e.bash"
ae_require

netsim_init inoplain
pattern="$NETSIM_DIR/paris-says.wav"
# Levels in the middle of the widest u-law intervals (3 % from either edge), so the small
# gain errors of a resampler cannot move them to a neighbouring code (checked below against
# sox's encoder).
python3 - "$pattern" <<'PY' || sc_fail "could not write the pattern"
import struct, sys, wave
levels = [16763, -16763, 8315, -8315, 4091, -4091, 17787, -17787]
hold = 480  # 10 ms at 48 kHz
out = []
for cycle in range(50):  # 4 s
    for v in levels:
        out += [v] * hold
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(48000)
w.writeframes(struct.pack("<%dh" % len(out), *out))
PY

# The pattern as a G.711 encoder other than ours writes it, and the runs to look for.
sox "$pattern" -r 8000 -e u-law -t raw "$NETSIM_DIR/pattern.ul" || sc_fail "sox could not encode the pattern"
python3 - "$NETSIM_DIR/pattern.ul" "$NETSIM_DIR/needles" <<'PY' || sc_fail "no distinctive runs in the encoded pattern"
import sys
data = open(sys.argv[1], "rb").read()
silence = {0xFF, 0x7F}
held = sorted({data[i] for i in range(len(data) - 8)
               if data[i] not in silence and data[i:i + 8] == bytes([data[i]]) * 8})
windows = {data[i:i + 8] for i in range(len(data) - 8) if not set(data[i:i + 8]) <= silence}
if len(held) != 8:
    sys.exit("expected 8 held codes, sox's encoding has %d: %s" % (len(held), held))
with open(sys.argv[2], "w") as f:
    for c in held:
        f.write("held %s\n" % (bytes([c]) * 8).hex())
    for w in sorted(windows):
        f.write("window %s\n" % w.hex())
print("held codes: " + " ".join("%02x" % c for c in held) + "; %d distinct 8-byte windows" % len(windows))
PY

# search FILE...: prints "FILE held=N windows=M" for each file, counting needles found in
# the file's raw bytes (a capture file holds every packet's bytes as they were on the wire)
search() {
	python3 - "$NETSIM_DIR/needles" "$@" <<'PY'
import sys
needles = [l.split() for l in open(sys.argv[1])]
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    held = sum(1 for kind, hexs in needles if kind == "held" and bytes.fromhex(hexs) in data)
    windows = sum(1 for kind, hexs in needles if kind == "window" and bytes.fromhex(hexs) in data)
    print("%s held=%d windows=%d" % (path, held, windows))
PY
}

# Control: plaintext RTP (PCMU, 160-byte frames) carrying sox's encoding, in a pcap file.
python3 - "$NETSIM_DIR/pattern.ul" "$NETSIM_DIR/plaintext-control.pcap" <<'PY' || sc_fail "could not write the control capture"
import struct, sys
data = open(sys.argv[1], "rb").read()
out = open(sys.argv[2], "wb")
out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
for n in range(len(data) // 160):
    rtp = struct.pack("!BBHII", 0x80, 0, n, n * 160, 0x12345678) + data[n * 160:(n + 1) * 160]
    udp = struct.pack("!HHHH", 16384, 16384, 8 + len(rtp), 0) + rtp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n, 0, 64, 17, 0,
                     bytes([10, 77, 0, 1]), bytes([10, 77, 0, 2])) + udp
    eth = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip
    out.write(struct.pack("<IIII", n // 50, (n % 50) * 20000, len(eth), len(eth)) + eth)
PY
control=$(search "$NETSIM_DIR/plaintext-control.pcap")
read -r _ held windows <<<"$control"
[[ $held == held=8 ]] || sc_fail "the search does not find the held codes in plaintext: $control"
[[ ${windows#windows=} -gt 100 ]] || sc_fail "the search does not find the pattern's windows in plaintext: $control"
sc_pass "control: the search finds the pattern in plaintext RTP ($held, $windows)"

sc_two_sites audio_device=vheadset codecs=pcmu
netsim_headset_ctl paris "$pattern" || sc_fail "headset for paris"
netsim_headset_ctl lyon "$pattern" || sc_fail "headset for lyon" # its microphone stays off
netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
for site in paris lyon; do
	netsim_wait_status "$site" 'state: ready' 40 || sc_fail "$site did not reach ready"
	netsim_wait_status "$site" 'headset: vheadset' 5 || sc_fail "$site has no headset"
done
ns=$(netsim_ns paris)
netsim_capture_start "$(netsim_iface paris)" "$ns" "$NETSIM_DIR/tunnel.pcap" || sc_fail "tunnel capture"
netsim_capture_start eth0 "$ns" "$NETSIM_DIR/underlay.pcap" || sc_fail "underlay capture"
ae_secure_call paris lyon
tag=$(ae_cli paris status | sed -n 's/^media: .* auth \(HS[0-9]*\).*/\1/p')
sleep 8 # past the SAS prompts, so the earpiece holds only the pattern when it plays
ae_say_and_score paris lyon 0.9 "the G.711 pattern" || sc_fail "the pattern did not reach lyon's earpiece"
ae_hang_up paris
netsim_capture_stop "$NETSIM_DIR/tunnel.pcap" "$NETSIM_DIR/underlay.pcap"
sc_pass "the pattern crossed the call into lyon's earpiece"

for f in tunnel underlay; do
	out=$(search "$NETSIM_DIR/$f.pcap")
	read -r _ held windows <<<"$out"
	[[ $held == held=0 && $windows == windows=0 ]] ||
		sc_fail "the $f capture holds plaintext of the pattern: $held runs of a held code, $windows 8-byte windows"
	echo "$f capture: $(stat -c %s "$NETSIM_DIR/$f.pcap") bytes, 0 of 8 held-code runs, 0 of the pattern's 8-byte windows"
done
sc_pass "no 8-byte run of the pattern's G.711 encoding on the tunnel or the underlay"

# Every UDP datagram in the tunnel, classified by its bytes.
tshark -n -r "$NETSIM_DIR/tunnel.pcap" -Y udp -T fields -e udp.srcport -e udp.dstport -e udp.payload \
	2>/dev/null >"$NETSIM_DIR/tunnel-udp.txt"
classes=$(python3 - "$NETSIM_DIR/tunnel-udp.txt" "${tag:-HS80}" <<'PY'
import sys
tag = 10 if sys.argv[2] == "HS80" else 4
counts = {"zrtp": 0, "srtp": 0, "srtcp": 0}
bad = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) < 3:
        bad.append("empty datagram %s" % line.strip()); continue
    p = bytes.fromhex(f[2])
    if len(p) >= 12 and p[0] == 0x10 and p[4:8] == b"ZRTP":
        counts["zrtp"] += 1
    elif len(p) >= 8 + 4 + tag and p[0] >> 6 == 2 and 192 <= p[1] <= 223:
        # SRTCP: the E flag (encrypted) on the index before the tag (the one ZRTP agreed)
        if p[-(4 + tag)] & 0x80:
            counts["srtcp"] += 1
        else:
            bad.append("RTCP without the E flag, %d bytes" % len(p))
    elif len(p) >= 12 and p[0] >> 6 == 2:
        cc, ext = p[0] & 0x0F, p[0] & 0x10
        if (p[1] & 0x7F) == 0 and not ext and len(p) == 12 + 4 * cc + 160 + tag:
            counts["srtp"] += 1
        else:
            bad.append("RTP of %d bytes, payload type %d (SRTP PCMU is %d)" % (len(p), p[1] & 0x7F, 12 + 160 + tag))
    else:
        bad.append("unknown datagram %s:%s, %d bytes" % (f[0], f[1], len(p)))
print("zrtp=%(zrtp)d srtp=%(srtp)d srtcp=%(srtcp)d" % counts)
for b in bad[:5]:
    print("BAD " + b)
sys.exit(1 if bad else 0)
PY
) || sc_fail "the tunnel carries something other than ZRTP, SRTP and SRTCP: $classes"
read -r zrtp srtp srtcp <<<"$classes"
((${zrtp#zrtp=} >= 6 && ${srtp#srtp=} >= 200 && ${srtcp#srtcp=} >= 1)) ||
	sc_fail "too little of each kind in the tunnel: $classes"
sc_pass "the tunnel's datagrams are only ZRTP, SRTP and SRTCP ($classes, SRTP tag ${tag:-HS80})"

others=$(tshark -n -r "$NETSIM_DIR/underlay.pcap" -Y "ip && !(udp.port == 51820 && wg && ip.addr == 198.18.1.2 && ip.addr == 198.18.2.2)" \
	2>/dev/null | wc -l)
wg=$(tshark -n -r "$NETSIM_DIR/underlay.pcap" -Y wg 2>/dev/null | wc -l)
((others == 0)) || sc_fail "$others IPv4 packets on the underlay are not WireGuard between the sites"
((wg > 200)) || sc_fail "only $wg WireGuard packets on the underlay"
sc_pass "the underlay carried only WireGuard ($wg packets)"
netsim_stop_daemon paris || sc_fail "paris did not exit 0"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
