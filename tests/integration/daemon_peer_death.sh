#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# When one site's WireGuard dies, the other reports it stale within the health window, and
# nothing meant for the tunnel leaves either site in plaintext, although each has a default
# route (the kill switch).
# timeout: 150
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools

netsim_init ideath
# keepalive 2 s: a dead peer must be seen within 2*2+5 = 9 s of silence (received bytes stop
# growing), long before its last handshake is stale_after (180 s) old.
sc_two_sites keepalive=2
netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris not ready"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon not ready"

netsim_capture_start eth0 "$(netsim_ns paris)" "$NETSIM_DIR/paris.pcap" || sc_fail "capture paris"
netsim_capture_start eth0 "$(netsim_ns lyon)" "$NETSIM_DIR/lyon.pcap" || sc_fail "capture lyon"

wgpid=$(sc_wg_go_pid paris)
[[ $wgpid =~ ^[0-9]+$ && $(cat "/proc/$wgpid/comm" 2>/dev/null) == wireguard-go ]] ||
	sc_fail "no wireguard-go PID for paris ($wgpid)"
killed_at=$SECONDS
kill -KILL "$wgpid"

# While paris's tunnel is dead, both sites try to send a marker into the tunnel.
marker="SEALCALL-PLAINTEXT-MARKER-$NETSIM_RUN"
send_marker() {
	local from=$1 to=$2
	netsim_exec "$from" python3 - "$to" "$marker" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(20):
    try:
        s.sendto(sys.argv[2].encode(), (sys.argv[1], 5061))
    except OSError:
        pass
PY
}
deadline=$((SECONDS + 25))
stale_after=
while ((SECONDS < deadline)); do
	send_marker paris "$(netsim_tunnel_ip lyon)"
	send_marker lyon "$(netsim_tunnel_ip paris)"
	if netsim_status lyon 2>/dev/null | grep -q 'peer paris: stale'; then
		stale_after=$((SECONDS - killed_at))
		break
	fi
	sleep 0.5
done
[[ -n $stale_after ]] || sc_fail "lyon did not report paris stale within 25 s"
((stale_after <= 15)) || sc_fail "lyon took ${stale_after}s to see paris stale (window ~9 s)"
netsim_wait_status lyon 'state: degraded' 5 || sc_fail "lyon did not go degraded"
sc_pass "lyon reported paris stale after ${stale_after}s and went degraded"

# On paris the kill switch must refuse the send outright.
err=$(netsim_exec paris python3 - "$(netsim_tunnel_ip lyon)" <<'PY'
import errno, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b"x", (sys.argv[1], 5061))
    print("sent")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
PY
)
[[ $err == EHOSTUNREACH || $err == ENETUNREACH || $err == EACCES ]] ||
	sc_fail "paris could still send to the tunnel address with its tunnel dead: $err"
sc_pass "paris's kill switch refuses tunnel traffic ($err)"

netsim_capture_stop
for f in paris lyon; do
	leaked=$(tshark -n -r "$NETSIM_DIR/$f.pcap" -Y "frame contains \"$marker\"" 2>/dev/null | wc -l)
	((leaked == 0)) || sc_fail "$leaked packets with the plaintext marker left $f"
	plain=$(tshark -n -r "$NETSIM_DIR/$f.pcap" -Y 'not wg and not arp and not icmpv6' 2>/dev/null)
	[[ -z $plain ]] || sc_fail "non-WireGuard traffic left $f: $plain"
done
sc_pass "no plaintext left either site"
