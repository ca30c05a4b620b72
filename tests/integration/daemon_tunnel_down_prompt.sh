#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The headset says "tunnel down" once when a tunnel goes away. Three sites; paris has a
# virtual headset whose earpiece is recorded (heard.wav), and after each kill of a peer's
# wireguard-go that recording holds exactly one spoken burst, starting when paris noticed,
# and nothing more while nothing changes:
#   1. idle: nice dies, paris goes from ready to degraded;
#   2. in a call with lyon while paris is already degraded: lyon dies, the call's own peer
#      goes stale (no state change of the appliance);
#   3. in a call with lyon from ready: lyon dies, the call's peer and the appliance's state
#      change together: still said once.
# timeout: 300
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools
sc_require_headset_tools

heard=
# Frames recorded so far in paris's earpiece (48 kHz mono 16-bit after a 44-byte header; the
# virtual headset writes in real time).
frames_now() { echo $((($(stat -c %s "$heard") - 44) / 2)); }

# Spoken bursts in heard.wav from frame FROM on, as "START_FRAME LENGTH_MS" lines: 10 ms
# windows louder than the threshold, joined across pauses shorter than 400 ms.
bursts_from() {
	python3 - "$heard" "$1" <<'PY'
import array, math, sys
path, start = sys.argv[1], int(sys.argv[2])
raw = open(path, "rb").read()[44:]
pcm = array.array("h")
pcm.frombytes(raw[: len(raw) // 2 * 2])
win, thresh, gap = 480, 300.0, 40
active = []
for w in range(start // win, len(pcm) // win):
    seg = pcm[w * win:(w + 1) * win]
    rms = math.sqrt(sum(x * x for x in seg) / win)
    active.append((w * win, rms > thresh))
bursts, cur, quiet = [], None, 0
for frame, loud in active:
    if loud:
        if cur is None:
            cur = [frame, frame]
        cur[1] = frame + win
        quiet = 0
    elif cur is not None:
        quiet += 1
        if quiet > gap:
            bursts.append(cur)
            cur = None
if cur is not None:
    bursts.append(cur)
for b in bursts:
    if b[1] - b[0] >= 4800: # 100 ms
        print(b[0], (b[1] - b[0]) * 1000 // 48000)
PY
}

# Kills SITE's wireguard-go, waits until paris's status matches REGEX, and checks that
# exactly one burst is heard from the kill on, beginning by the time paris's status showed
# it (plus slack for a loaded machine) and lasting like the one short prompt. LABEL names the
# case.
expect_one_prompt() {
	local label=$1 site=$2 regex=$3 wgpid f_kill f_degraded bursts n start len
	wgpid=$(sc_wg_go_pid "$site")
	[[ $wgpid =~ ^[0-9]+$ && $(cat "/proc/$wgpid/comm" 2>/dev/null) == wireguard-go ]] ||
		sc_fail "$label: no wireguard-go PID for $site ($wgpid)"
	f_kill=$(frames_now)
	kill -KILL "$wgpid"
	netsim_wait_status paris "$regex" 25 || sc_fail "$label: paris's status never matched /$regex/"
	f_degraded=$(frames_now)
	# Long enough for several more health polls (every second) and past the 5 s quiet time.
	sleep 12
	bursts=$(bursts_from "$f_kill")
	n=$(grep -c . <<<"$bursts")
	((n == 1)) || sc_fail "$label: $n spoken bursts after the kill, want 1: [$bursts]"
	read -r start len <<<"$bursts"
	((start >= f_kill && start <= f_degraded + 3 * 48000)) ||
		sc_fail "$label: the prompt began at frame $start; kill at $f_kill, seen at $f_degraded"
	((len >= 300 && len <= 1500)) || sc_fail "$label: a $len ms burst is not the one short prompt"
	sc_pass "$label: one 'tunnel down' ($len ms) $(((start - f_kill) * 1000 / 48000)) ms after the kill (status showed it after $(((f_degraded - f_kill) * 1000 / 48000)) ms)"
}

netsim_init itunneldown
netsim_site paris 1 || sc_fail "site paris"
netsim_site lyon 2 || sc_fail "site lyon"
netsim_site nice 3 || sc_fail "site nice"
# keepalive 2 s: a peer's death is seen within about 9 s
for site in paris lyon nice; do
	netsim_policy "$site" audio_device=vheadset codecs="pcmu, pcma" keepalive=2 >/dev/null ||
		sc_fail "policy for $site"
done
netsim_headset paris || sc_fail "headset for paris"
netsim_headset lyon || sc_fail "headset for lyon"
heard=$NETSIM_DIR/paris/heard.wav
for site in paris lyon nice; do
	netsim_start_daemon "$site" || sc_fail "start $site"
done
for site in paris lyon nice; do
	netsim_wait_status "$site" 'state: ready' 30 || sc_fail "$site did not reach ready"
done
netsim_wait_status paris 'headset: vheadset' 5 || sc_fail "paris has no headset"
sleep 2
[[ -s $heard ]] || sc_fail "paris's earpiece records nothing"
# The detector hears nothing in an idle earpiece: the silence before the kill.
quiet=$(bursts_from $(($(frames_now) - 2 * 48000)))
[[ -z $quiet ]] || sc_fail "bursts in the idle earpiece before anything happened: $quiet"

# Paris calls lyon; once the SAS has been read out the call is quiet (silent microphones).
quiet_call_with_lyon() {
	local out deadline=$((SECONDS + 30))
	out=$(sc_cli paris call lyon 2>&1) || sc_fail "sealcall call lyon: $out"
	netsim_wait_status lyon 'call: ringing-in with paris' 10 || sc_fail "lyon does not ring"
	out=$(sc_cli lyon answer 2>&1) || sc_fail "sealcall answer: $out"
	netsim_wait_status paris 'sas: [^ ]+ \(B' 15 || sc_fail "paris not secure"
	until [[ -z $(bursts_from $(($(frames_now) - 2 * 48000))) ]]; do
		((SECONDS < deadline)) || sc_fail "the earpiece did not go quiet in the call"
		sleep 1
	done
}

said() { grep -c 'saying "tunnel down"' "$NETSIM_DIR/paris/sealcalld.log"; }

expect_one_prompt "idle, ready to degraded" nice 'state: degraded'
(($(said) == 1)) || sc_fail "paris logged the prompt $(said) times"

quiet_call_with_lyon
expect_one_prompt "in a call, already degraded, the call's peer goes stale" lyon 'peer lyon: stale'
(($(said) == 2)) || sc_fail "paris logged the prompt $(said) times in all, want 2"
grep 'saying "tunnel down"' "$NETSIM_DIR/paris/sealcalld.log" | tail -1 |
	grep -q 'the tunnel to lyon went down during the call' || sc_fail "the second prompt had another reason"
# The call may be over already: the TLS keepalive gives up on lyon about 25 s after its death.
sc_cli paris hangup >/dev/null 2>&1 || true
netsim_wait_status paris 'call: idle' 40 || sc_fail "paris did not end the call"

# Back to ready: lyon and nice restart with fresh tunnels.
for site in lyon nice; do
	netsim_stop_daemon "$site" || sc_fail "$site did not stop"
	netsim_start_daemon "$site" || sc_fail "restart $site"
done
netsim_wait_status paris 'state: ready' 40 || sc_fail "paris not ready again"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon not ready after its restart"
quiet_call_with_lyon
expect_one_prompt "in a call, ready to degraded as the call's peer goes stale" lyon 'state: degraded'
(($(said) == 3)) || sc_fail "paris logged the prompt $(said) times in all, want 3"

for site in paris lyon nice; do
	netsim_stop_daemon "$site" || sc_fail "$site did not exit 0"
done
sc_pass "clean stop"
