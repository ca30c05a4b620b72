#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CPU time sealcalld spends per second of call, at each of the two sites, for G.711 and for
# Opus: utime + stime from /proc/PID/stat over SECS seconds of a call in which both
# microphones speak, minus the same over SECS seconds of the same daemons idle (ready, no
# call). The call's window starts after the SAS prompts. Prints numbers, no verdicts.
#   sudo SC_BUILD_DIR=build bench/call_cpu.sh [SECS]      (default 20)
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
export SC_BUILD_DIR=${SC_BUILD_DIR:-$here/build}
[[ $SC_BUILD_DIR == /* ]] || SC_BUILD_DIR=$here/$SC_BUILD_DIR
secs=${1:-20}
source "$here/tests/integration/lib.sh"
source "$here/tests/netsim/netsim.sh"
source "$here/tests/tools/audio_e2e.bash"
ae_require
hz=$(getconf CLK_TCK)

# utime + stime of PID, in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after
# the command name, which may hold spaces)
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$1/stat") || return 1
	stat=${stat##*) }
	awk '{ print $12 + $13 }' <<<"$stat"
}

# CPU of both daemons over SECS seconds: "PARIS_TICKS LYON_TICKS"
measure() {
	local p0 l0 p1 l1
	p0=$(cpu_ticks "${NETSIM_DAEMON_PID[paris]}") l0=$(cpu_ticks "${NETSIM_DAEMON_PID[lyon]}")
	sleep "$secs"
	p1=$(cpu_ticks "${NETSIM_DAEMON_PID[paris]}") l1=$(cpu_ticks "${NETSIM_DAEMON_PID[lyon]}")
	echo "$((p1 - p0)) $((l1 - l0))"
}

ms_per_s() { awk -v t="$1" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.1f", t * 1000 / hz / s }'; }

run() {
	local codecs=$1 want=$2 codec idle call ip il cp cl
	netsim_init bcpu
	# speech long enough for the window, both ways
	ae_speech_wav "$NETSIM_DIR/one.wav" "The quick brown fox jumps over the lazy dog. One, two, three, four, five, six, seven, eight, nine, ten." ||
		exit 1
	sox "$NETSIM_DIR/one.wav" "$NETSIM_DIR/paris-says.wav" repeat "$((secs / 5 + 2))" || exit 1
	cp "$NETSIM_DIR/paris-says.wav" "$NETSIM_DIR/lyon-says.wav"
	ae_two_headset_sites "$NETSIM_DIR/paris-says.wav" "$NETSIM_DIR/lyon-says.wav" codecs="$codecs"
	sleep 2
	idle=$(measure)
	ae_secure_call paris lyon
	codec=$(ae_cli paris status | sed -n 's/^call: .*codec \([^ ]*\).*/\1/p')
	if [[ ${codec,,} != "${want,,}"* ]]; then
		echo "$want: not used in calls by this build (media.codecs [$codecs] negotiated $codec): no number"
		ae_hang_up paris
		return
	fi
	sleep 8 # past the SAS prompts
	netsim_mic paris on
	netsim_mic lyon on
	call=$(measure)
	ae_hang_up paris
	read -r ip il <<<"$idle"
	read -r cp cl <<<"$call"
	echo "$codec: paris $(ms_per_s $((cp - ip))) ms CPU per call second (call $(ms_per_s "$cp"), idle $(ms_per_s "$ip")), lyon $(ms_per_s $((cl - il))) ms (call $(ms_per_s "$cl"), idle $(ms_per_s "$il")); ${secs} s windows, $hz ticks/s, load $(cut -d' ' -f1 /proc/loadavg)"
}

# One codec per process, so that each gets a fresh test network and its own clean-up.
if [[ ${SC_CALL_CPU_CODEC:-} ]]; then
	run "$SC_CALL_CPU_CODEC" "$SC_CALL_CPU_WANT"
	exit 0
fi
SC_CALL_CPU_CODEC=pcmu SC_CALL_CPU_WANT=PCMU bash "$0" "$secs"
SC_CALL_CPU_CODEC="opus, pcmu" SC_CALL_CPU_WANT=OPUS bash "$0" "$secs"
