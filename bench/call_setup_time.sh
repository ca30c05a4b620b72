#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# How long a call takes to set up between two sites, split in two: SIP (the caller's INVITE
# leaves -> its 200 OK arrives) and ZRTP (200 OK -> SRTP keyed), as the caller's call
# history records them. N calls are placed with `sealcall call lyon` on the two-site netsim
# network, lyon answers by itself (rules.auto_answer), paris hangs up once the call is
# secure; then `sealcall history --json -n N` at both sites gives the times. Prints median
# and p90 of SIP, ZRTP and their sum; numbers, not verdicts. The TLS connection is opened
# before the first INVITE leaves, so its handshake is in no figure here.
#   sudo SC_BUILD_DIR=build bench/call_setup_time.sh [N=20]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
export SC_BUILD_DIR=${SC_BUILD_DIR:-$here/build}
[[ $SC_BUILD_DIR == /* ]] || SC_BUILD_DIR=$here/$SC_BUILD_DIR
n=${1:-20}
[[ $n =~ ^[1-9][0-9]*$ ]] && ((n <= 200)) || { echo "usage: $0 [N from 1 to 200]" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "needs root (network namespaces)" >&2; exit 1; }
source "$here/tests/netsim/netsim.sh"

cli() {
	local site=$1; shift
	netsim_exec "$site" timeout 10 "$SC_BUILD_DIR/src/core/sealcall" \
		--socket "$NETSIM_DIR/$site/run/control" "$@"
}

# Polls SITE's status every 50 ms until it matches REGEX, for at most SECS.
wait_for_status() {
	local site=$1 regex=$2 secs=$3 deadline=$((SECONDS + $3))
	while ((SECONDS < deadline)); do
		[[ $(cli "$site" status 2>/dev/null) =~ $regex ]] && return 0
		sleep 0.05
	done
	echo "$site: status did not match /$regex/ within ${secs}s" >&2
	return 1
}

netsim_init bsetup
netsim_site paris 1 && netsim_site lyon 2 || exit 1
netsim_policy paris audio_device=vheadset codecs="pcmu, pcma" >/dev/null || exit 1
netsim_policy lyon audio_device=vheadset codecs="pcmu, pcma" auto_answer=true >/dev/null || exit 1
netsim_headset paris && netsim_headset lyon || exit 1
netsim_start_daemon paris --log-level info 2>/dev/null && netsim_start_daemon lyon --log-level info 2>/dev/null || exit 1
netsim_wait_status paris 'state: ready' 30 && netsim_wait_status lyon 'state: ready' 30 || exit 1
netsim_wait_status lyon 'headset: vheadset' 10 || exit 1

for ((i = 1; i <= n; i++)); do
	cli paris call lyon >/dev/null || { echo "call $i: sealcall call lyon failed" >&2; exit 1; }
	wait_for_status paris 'sas: [^ ]+ \(B' 20 || exit 1
	cli paris hangup >/dev/null || { echo "call $i: hangup failed" >&2; exit 1; }
	wait_for_status paris 'call: idle' 15 && wait_for_status lyon 'call: idle' 15 || exit 1
done

caller=$(cli paris history --json -n "$n") || exit 1
callee=$(cli lyon history --json -n "$n") || exit 1
CALLER=$caller CALLEE=$callee python3 - "$n" <<'PY'
import json, os, sys

def pct(values, p):
    # nearest rank: the smallest value with at least p % of the values at or below it
    v = sorted(values)
    return v[max(0, -(-p * len(v) // 100) - 1)]

def show(label, calls, sip_words):
    done = [c for c in calls if c["security"]["secured"] and c["setup"]["sip_ms"] >= 0]
    print("%s: %d of %d calls secured" % (label, len(done), len(calls)))
    if not done:
        return
    rows = (("SIP  (%s)" % sip_words, [c["setup"]["sip_ms"] for c in done]),
            ("ZRTP (200 OK -> SRTP keyed)", [c["setup"]["zrtp_ms"] for c in done]),
            ("total (SIP + ZRTP)", [c["setup"]["total_ms"] for c in done]))
    for name, v in rows:
        print("  %-40s median %5d ms  p90 %5d ms  min %5d  max %5d" %
              (name, pct(v, 50), pct(v, 90), min(v), max(v)))

n = int(sys.argv[1])
show("paris, the caller", json.loads(os.environ["CALLER"])["calls"][:n], "INVITE sent -> 200 OK")
show("lyon, the callee (answers by itself)", json.loads(os.environ["CALLEE"])["calls"][:n],
     "INVITE received -> ACK")
PY
netsim_stop_daemon paris && netsim_stop_daemon lyon
