#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The tunnel layer alone, between two sites in namespaces (tests/netsim), driven by
# vpn_driver: the tunnel comes up and carries traffic, the underlay sees only WireGuard, a
# dead wireguard-go is noticed by the peer within the window, the kill switch stops
# plaintext although a default route exists (and a control run without it shows the leak
# would be seen), teardown leaves nothing, and a crashed run is recovered.
# timeout: 240
set -u
here=$(cd "$(dirname "$0")" && pwd)

if [[ $(id -u) -ne 0 ]]; then
	echo "SKIP: needs root for network namespaces" >&2
	exit 77
fi
for tool in ip wg wireguard-go tshark socat; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool missing" >&2; exit 77; }
done
[[ -c /dev/net/tun ]] || { echo "SKIP: no /dev/net/tun" >&2; exit 77; }
driver=${SC_BUILD_DIR:?SC_BUILD_DIR unset: run through ctest}/tests/unit/vpn/vpn_driver
[[ -x $driver ]] || { echo "FAIL: $driver not built" >&2; exit 1; }

source "$here/../netsim/netsim.sh"

fail() {
	echo "FAIL: $*" >&2
	for s in paris lyon; do
		[[ -f $NETSIM_DIR/$s/driver.log ]] || continue
		echo "--- $s driver log (last 25 lines)" >&2
		tail -n 25 "$NETSIM_DIR/$s/driver.log" >&2
	done
	exit 1
}
pass() { echo "PASS: $*"; }

netsim_init vpn
netsim_site paris 1 || fail "site paris"
netsim_site lyon 2 || fail "site lyon"
netsim_keys paris && netsim_keys lyon || fail "keys"

declare -A driver_pid=()
other() { [[ $1 == paris ]] && echo lyon || echo paris; }
start_driver() {
	local site=$1 peer; shift
	peer=$(other "$site")
	netsim_spawn "$site" "$NETSIM_DIR/$site/driver.log" "$driver" \
		--runtime-dir "$NETSIM_DIR/$site/run" --interface "$(netsim_iface "$site")" \
		--private-key "$NETSIM_DIR/$site/wireguard.key" --address "$(netsim_tunnel_ip "$site")/24" \
		--stale-after 180 \
		--peer "$peer,$(netsim_pubkey "$peer"),$(netsim_underlay_ip "$peer"):51820,$(netsim_tunnel_ip "$peer")/32,2" \
		"$@"
	driver_pid[$site]=$NETSIM_LAST_PID
}
log_has() { grep -q -- "$2" "$NETSIM_DIR/$1/driver.log" 2>/dev/null; }
log_lines() { wc -l <"$NETSIM_DIR/$1/driver.log"; }
# Like log_has, for the lines after the first SKIP lines only.
log_has_after() { tail -n +"$(($2 + 1))" "$NETSIM_DIR/$1/driver.log" | grep -q -- "$3"; }
wg_go_pid() { cat "$NETSIM_DIR/$1/run/$(netsim_iface "$1").wg-go.pid" 2>/dev/null; }
alive() { netsim_alive "$1"; }
# Sends one UDP datagram from SITE; prints bash's error (empty when it left).
send_udp() {
	local site=$1 addr=$2 text=$3
	netsim_exec "$site" bash -c 'printf %s "$3" 2>&1 >"/dev/udp/$1/$2"' _ "$addr" 9999 "$text" 2>&1
}

# Nothing of a site's tunnel is left: interface, routes, processes, socket, PID file.
check_clean() {
	local site=$1 ifc
	ifc=$(netsim_iface "$site")
	netsim_exec "$site" ip link show "$ifc" >/dev/null 2>&1 && fail "$site: $ifc still exists"
	local routes
	routes=$(netsim_exec "$site" ip route show | grep -e 10.77. -e "proto 77")
	[[ -z $routes ]] || fail "$site: routes left: $routes"
	[[ ! -e /var/run/wireguard/$ifc.sock ]] || fail "$site: socket $ifc.sock left"
	[[ ! -e $NETSIM_DIR/$site/run/$ifc.wg-go.pid ]] || fail "$site: PID file left"
	local pids
	pids=$(ip netns pids "$(netsim_ns "$site")")
	[[ -z $pids ]] || fail "$site: processes left in the namespace: $pids"
}

# 1. Bring both up, the underlay capture running from before the first handshake.
netsim_capture_start eth0 "$(netsim_ns paris)" "$NETSIM_DIR/up.pcap" || fail "capture"
start_driver paris
start_driver lyon
netsim_wait_for 20 log_has paris "peer lyon: up" || fail "paris never saw lyon up"
netsim_wait_for 20 log_has lyon "peer paris: up" || fail "lyon never saw paris up"
log_has paris "kernel WireGuard unavailable" || log_has paris "(kernel) up" ||
	fail "backend auto chose nothing visible"
pass "both tunnels up, each peer reports the other up"

routes=$(netsim_exec paris ip route show)
ifc=$(netsim_iface paris)
grep -q "^unreachable 10.77.0.0/24 proto 77 metric 4242" <<<"$routes" || fail "no kill switch for the subnet: $routes"
grep -q "^unreachable 10.77.0.2 proto 77 metric 4242" <<<"$routes" || fail "no kill switch for lyon: $routes"
grep -q "^10.77.0.2 dev $ifc proto 77" <<<"$routes" || fail "no route to lyon via $ifc: $routes"
grep -q "^default via 198.18.1.1" <<<"$routes" || fail "the test needs a default route at paris"
mtu=$(netsim_exec paris cat "/sys/class/net/$ifc/mtu" 2>/dev/null || netsim_exec paris ip -o link show "$ifc" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
[[ $mtu == 1420 ]] || fail "tunnel MTU $mtu, expected 1500 - 80"
pass "routes, kill switch and MTU $mtu in place"

# 2. Traffic through the tunnel, both ways (TCP needs the answers to come back).
netsim_spawn lyon "$NETSIM_DIR/lyon/socat.log" socat -u \
	"TCP-LISTEN:7777,bind=$(netsim_tunnel_ip lyon),reuseaddr" "OPEN:$NETSIM_DIR/lyon/received,creat,trunc"
listener=$NETSIM_LAST_PID
netsim_wait_for 5 netsim_exec lyon bash -c "ss -ltn | grep -q 10.77.0.2:7777" || fail "listener"
payload="through-the-tunnel-$NETSIM_RUN"
echo "$payload" | netsim_exec paris timeout 10 socat -u - "TCP:$(netsim_tunnel_ip lyon):7777,connect-timeout=5" ||
	fail "TCP across the tunnel failed"
netsim_wait_for 5 grep -q "$payload" "$NETSIM_DIR/lyon/received" || fail "lyon did not receive the payload"
netsim_kill "$listener" TERM 5
if command -v ping >/dev/null; then
	netsim_exec paris ping -c 3 -i 0.2 -W 2 "$(netsim_tunnel_ip lyon)" >/dev/null || fail "ping across the tunnel"
fi
pass "traffic crosses the tunnel"

netsim_capture_stop "$NETSIM_DIR/up.pcap"
wg_packets=$(tshark -n -r "$NETSIM_DIR/up.pcap" -Y wg 2>/dev/null | wc -l)
plain=$(tshark -n -r "$NETSIM_DIR/up.pcap" -Y 'not wg and not arp and not icmpv6' 2>/dev/null)
((wg_packets > 0)) || fail "the capture saw no WireGuard at all"
[[ -z $plain ]] || fail "non-WireGuard packets on the underlay: $plain"
grep -q "$payload" <(tshark -n -r "$NETSIM_DIR/up.pcap" -x 2>/dev/null | tr -d ' ') &&
	fail "the payload is readable on the underlay"
pass "underlay carried only WireGuard ($wg_packets packets)"

# 3. wireguard-go dies at lyon: paris must see lyon stale within 2*2+5 s of silence.
lyon_wg=$(wg_go_pid lyon)
alive "$lyon_wg" || fail "no wireguard-go PID for lyon"
log_has paris "peer lyon: up" || fail "lyon not up before the kill"
skip=$(log_lines paris)
killed_at=$SECONDS
kill -KILL "$lyon_wg"
netsim_wait_for 20 log_has_after paris "$skip" "peer lyon: stale" || fail "paris never saw lyon stale"
took=$((SECONDS - killed_at))
((took <= 15)) || fail "paris took ${took}s to see lyon stale"
log_has_after paris "$skip" "peer lyon: stale.*nothing received" || fail "stale without the keepalive reason"
netsim_wait_for 5 log_has lyon "peer paris: stale .*(wireguard-go exited)" || fail "lyon did not notice its wireguard-go died"
pass "paris reported lyon stale after ${took}s; lyon knows its wireguard-go exited"

# 4. Kill switch: with lyon's tunnel dead and a default route there, a send to the tunnel
# fails and nothing reaches the wire.
netsim_exec lyon ip route show default | grep -q via || fail "lyon lost its default route"
netsim_wait_for 5 bash -c "! ip -n $(netsim_ns lyon) link show $(netsim_iface lyon)" || fail "lyon's interface outlived wireguard-go"
marker="SEALCALL-MARKER-$NETSIM_RUN"
netsim_capture_start eth0 "$(netsim_ns lyon)" "$NETSIM_DIR/killswitch.pcap" || fail "capture"
for i in 1 2 3 4 5; do
	err=$(send_udp lyon "$(netsim_tunnel_ip paris)" "$marker")
	[[ $err == *"No route to host"* || $err == *"Network is unreachable"* ]] ||
		fail "send into the dead tunnel did not fail as unreachable: '${err:-sent}'"
done
netsim_capture_stop "$NETSIM_DIR/killswitch.pcap"
leaked=$(tshark -n -r "$NETSIM_DIR/killswitch.pcap" -Y "frame contains \"$marker\"" 2>/dev/null | wc -l)
((leaked == 0)) || fail "$leaked marker packets left lyon in plaintext"
pass "kill switch: the send failed (${err##*: }) and no marker reached the underlay"

# Control: without the kill switch the same send leaks, and this capture would see it.
netsim_exec lyon ip route del unreachable 10.77.0.0/24 metric 4242 || fail "control: remove kill switch"
netsim_exec lyon ip route del unreachable 10.77.0.1/32 metric 4242 || fail "control: remove kill switch"
netsim_capture_start eth0 "$(netsim_ns lyon)" "$NETSIM_DIR/control.pcap" || fail "capture"
# Several sends over a second: the first may wait on ARP for the gateway on a loaded machine.
for i in 1 2 3 4 5; do
	err=$(send_udp lyon "$(netsim_tunnel_ip paris)" "$marker")
	[[ -z $err ]] || break
	sleep 0.2
done
netsim_capture_stop "$NETSIM_DIR/control.pcap"
leaked=$(tshark -n -r "$NETSIM_DIR/control.pcap" -Y "frame contains \"$marker\"" 2>/dev/null | wc -l)
[[ -z $err ]] && ((leaked > 0)) || fail "control run: without the kill switch the marker should leak (err '$err', seen $leaked)"
pass "control: without the kill switch the marker leaks in plaintext ($leaked packet), as expected"

# 5. Clean stop (SIGTERM): exit 0 and nothing left, the dead side included.
paris_wg=$(wg_go_pid paris)
netsim_kill "${driver_pid[paris]}" TERM 15 || fail "paris driver exited $?"
netsim_kill "${driver_pid[lyon]}" TERM 15 || fail "lyon driver exited $?"
alive "$paris_wg" && fail "paris's wireguard-go $paris_wg survived the stop"
check_clean paris
check_clean lyon
pass "SIGTERM tore everything down"

# 6. A crash (SIGKILL) leaves wireguard-go and the kill switch; the next start recovers.
start_driver paris
netsim_wait_for 15 log_has paris "tunnel .* up" || fail "paris did not come up again"
old_wg=$(wg_go_pid paris)
alive "$old_wg" || fail "no wireguard-go after restart"
netsim_kill "${driver_pid[paris]}" KILL 5
alive "$old_wg" || fail "wireguard-go died with its parent: nothing to recover"
netsim_exec paris ip route show | grep -q "^unreachable 10.77.0.0/24 proto 77" ||
	fail "the kill switch did not survive the crash"
mv "$NETSIM_DIR/paris/driver.log" "$NETSIM_DIR/paris/driver-crashed.log"
start_driver paris
netsim_wait_for 15 log_has paris "tunnel .* up" || fail "paris did not come up after the crash"
log_has paris "stopping wireguard-go (PID $old_wg) left for" || fail "recovery did not stop the old wireguard-go"
netsim_wait_for 5 bash -c "! kill -0 $old_wg 2>/dev/null || grep -q '^State:.*Z' /proc/$old_wg/status" ||
	fail "old wireguard-go $old_wg still running"
alive "$old_wg" && fail "old wireguard-go $old_wg still running"
[[ $(wg_go_pid paris) != "$old_wg" ]] || fail "PID file still names the old wireguard-go"
n=$(netsim_exec paris ip route show | grep -c "^unreachable 10.77.0.0/24")
((n == 1)) || fail "$n kill-switch routes for the subnet after recovery"
netsim_kill "${driver_pid[paris]}" TERM 15 || fail "paris driver exited $?"
check_clean paris
pass "crash recovery: the old wireguard-go was stopped, the tunnel rebuilt, then torn down"

# 7. A backend that cannot work here fails with the fix in the message and leaves nothing.
if ! log_has paris "(kernel) up"; then
	start_driver paris --backend kernel
	pid=${driver_pid[paris]}
	netsim_wait_for 10 bash -c "! kill -0 $pid 2>/dev/null || grep -q '^State:.*Z' /proc/$pid/status"
	netsim_kill "$pid" TERM 5
	rc=$?
	((rc == 1)) || fail "backend kernel without the module: exit $rc, expected 1"
	log_has paris "modprobe wireguard" || fail "no fix named for the missing module"
	check_clean paris
	pass "backend kernel without the module: refused with the fix, nothing left"
fi
echo "PASS: vpn_tunnel"
