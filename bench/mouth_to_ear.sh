#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Mouth-to-ear delay of a call between two sites on this machine: paris's microphone plays
# ten clicks a second apart, each is found in lyon's earpiece recording, and the virtual
# headsets' shared clock (CLOCK_MONOTONIC, tests/virtual-headset events) gives the time from
# the click entering paris's microphone to it leaving lyon's earpiece. That covers capture,
# resampling, packetisation, SRTP, WireGuard both ways (userspace), lyon's jitter buffer,
# decoding and the earpiece's buffer. Prints each click and the median, no verdicts.
#   sudo SC_BUILD_DIR=build bench/mouth_to_ear.sh [CODECS]      (default "pcmu")
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
export SC_BUILD_DIR=${SC_BUILD_DIR:-$here/build}
[[ $SC_BUILD_DIR == /* ]] || SC_BUILD_DIR=$here/$SC_BUILD_DIR
codecs=${1:-pcmu}
source "$here/tests/integration/lib.sh"
source "$here/tests/netsim/netsim.sh"
source "$here/tests/tools/audio_e2e.bash"
ae_require

netsim_init bm2e
# A click: 20 ms rising chirp (500 Hz to 3 kHz) under a Hann window, sharp in time and
# inside every codec's band; ten of them, one a second.
python3 - "$NETSIM_DIR/click.wav" "$NETSIM_DIR/paris-says.wav" <<'PY'
import math, struct, sys, wave
rate, n = 48000, 960
click = []
for i in range(n):
    t = i / rate
    phase = 2 * math.pi * (500 * t + (3000 - 500) / (2 * 0.02) * t * t)
    click.append(int(20000 * math.sin(phase) * 0.5 * (1 - math.cos(2 * math.pi * i / (n - 1)))))
def write(path, samples):
    w = wave.open(path, "wb")
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes(struct.pack("<%dh" % len(samples), *samples))
write(sys.argv[1], click)
train = []
for k in range(10):
    train += click + [0] * (rate - n)
write(sys.argv[2], train)
PY
ae_two_headset_sites "$NETSIM_DIR/paris-says.wav" "$NETSIM_DIR/paris-says.wav" codecs="$codecs"
ae_secure_call paris lyon
codec=$(ae_cli paris status | sed -n 's/^call: .*codec \([^ ]*\).*/\1/p')
sleep 8 # past the SAS prompts
netsim_mic paris on
sleep 12
netsim_mic paris off
spoken=$(ae_heard_offset_ms paris lyon) || { echo "no clock events from the headsets" >&2; exit 1; }
delays=()
for k in 0 1 2 3 4 5 6 7 8 9; do
	expect=$(awk -v s="$spoken" -v k="$k" 'BEGIN { print s + k * 1000 }')
	read -r ncc at < <(ae_find_clip_wav lyon "$NETSIM_DIR/click.wav" "$expect" "$(awk -v e="$expect" 'BEGIN { print e + 900 }')")
	d=$(awk -v a="$at" -v e="$expect" 'BEGIN { printf "%.0f", a - e }')
	echo "click $((k + 1)): ncc=$ncc, heard $d ms after it entered the microphone"
	# Opus at 24 kbit/s smears a 20 ms chirp (0.5-0.9 against the original), yet its
	# place stays clear: within the 900 ms searched there is nothing else to find
	awk -v n="$ncc" 'BEGIN { exit !(n >= 0.4) }' && delays+=("$d")
done
ae_hang_up paris
((${#delays[@]})) || { echo "no click was found in lyon's earpiece" >&2; exit 1; }
median=$(printf '%s\n' "${delays[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo "mouth to ear ($codec, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)): median $median ms over ${#delays[@]} clicks (min $(printf '%s\n' "${delays[@]}" | sort -n | head -1), max $(printf '%s\n' "${delays[@]}" | sort -n | tail -1))"
