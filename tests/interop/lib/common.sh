# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the interop peers (linphone.sh, kamailio.sh, sipp.sh): the skip rules, a site
# that is a test peer rather than a sealcall appliance (a netsim site whose WireGuard
# tunnel is wireguard-go configured by `wg setconf`, no sealcalld), and bounded waits.
# Source tests/netsim/netsim.sh first, then this file, then the peers you need.
#
#   interop_require TOOL...          exit 77 (skip) unless root, /dev/net/tun and every TOOL
#   interop_fail MSG / interop_pass MSG
#   interop_peer_site SITE INDEX     netsim_site + WireGuard keys + netsim test certificate
#   interop_tunnel_up SITE [PEER...] wireguard-go in SITE's namespace, `wg setconf` with every
#                                    PEER (default: every other netsim site), address
#                                    10.77.0.INDEX/24, link up; PID recorded for cleanup
#   interop_tunnel_up_conf SITE CONF ADDRESS/PREFIX   the same with a wg setconf file made
#                                    elsewhere (a provisioned bundle's) and that address
#   interop_wait_handshake SITE PEER SECS   until SITE's tunnel has a handshake with PEER
#   interop_wait_file SECS FILE REGEX       until FILE has a line matching REGEX (grep -E)
#   interop_ms                       milliseconds since the epoch (for measurements)
#
# Why test peers get a tunnel of their own: sealcall only speaks SIP to tunnel addresses,
# and a Linphone "on the tunnel side" is what a laptop with WireGuard and Linphone is in
# the design. wireguard-go + wg setconf is the same tooling sealcalld drives, without
# sealcalld. Every site peers with every other one (full mesh), so RTP flows site to site
# while SIP goes through the hub.

# kamailio and ip live in /usr/sbin, which a non-login root environment may lack.
[[ :$PATH: == *:/usr/sbin:* ]] || PATH=$PATH:/usr/sbin:/sbin

INTEROP_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INTEROP_DATA_DIR=$(cd "$INTEROP_LIB_DIR/../data" && pwd)
INTEROP_WG_PORT=51820
INTEROP_KEEPALIVE=2

interop_log() { echo "interop: $*" >&2; }
interop_fail() { echo "FAIL: $*" >&2; exit 1; }
interop_pass() { echo "PASS: $*"; }

interop_require() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "SKIP: needs root for network namespaces" >&2
		exit 77
	fi
	[[ -c /dev/net/tun ]] || { echo "SKIP: no /dev/net/tun" >&2; exit 77; }
	local tool
	for tool in ip wg wireguard-go openssl "$@"; do
		command -v "$tool" >/dev/null ||
			{ echo "SKIP: $tool missing (scripts/install-deps installs it)" >&2; exit 77; }
	done
}

interop_ms() { date +%s%3N; }

interop_peer_site() {
	local site=${1:?usage: interop_peer_site SITE INDEX} index=${2:?usage: interop_peer_site SITE INDEX}
	netsim_site "$site" "$index" || return 1
	[[ -f $(netsim_dir "$site")/wireguard.key ]] || netsim_keys "$site" || return 1
	# Names resolve through /etc/netns/NS/hosts only: a resolver query fails at once here
	# instead of waiting for the machine's DNS server, which the namespace cannot reach.
	echo "nameserver 127.0.0.1" >"/etc/netns/$(netsim_ns "$site")/resolv.conf"
	netsim_cert "$site"
}

interop_tunnel_up() {
	local site=${1:?usage: interop_tunnel_up SITE [PEER...]}; shift
	local peers=("$@") p dir conf
	if ((${#peers[@]} == 0)); then
		for p in "${NETSIM_SITES[@]}"; do [[ $p == "$site" ]] || peers+=("$p"); done
	fi
	iface=$(netsim_iface "$site") || return 1
	dir=$(netsim_dir "$site")
	conf=$dir/wg.conf
	{
		echo "[Interface]"
		echo "PrivateKey = $(cat "$dir/wireguard.key")"
		echo "ListenPort = $INTEROP_WG_PORT"
		for p in "${peers[@]}"; do
			[[ -f $(netsim_dir "$p")/wireguard.pub ]] || netsim_keys "$p" || return 1
			echo "[Peer]"
			echo "PublicKey = $(netsim_pubkey "$p")"
			echo "Endpoint = $(netsim_underlay_ip "$p"):$INTEROP_WG_PORT"
			echo "AllowedIPs = $(netsim_tunnel_ip "$p")/32"
			echo "PersistentKeepalive = $INTEROP_KEEPALIVE"
		done
	} >"$conf"
	chmod 600 "$conf"
	interop_tunnel_up_conf "$site" "$conf" "$(netsim_tunnel_ip "$site")/24"
}

interop_tunnel_up_conf() {
	local site=${1:?usage: interop_tunnel_up_conf SITE CONF ADDRESS/PREFIX} conf=${2:?} addr=${3:?}
	local iface dir sock deadline
	iface=$(netsim_iface "$site") || return 1
	dir=$(netsim_dir "$site")
	netsim_spawn "$site" "$dir/wireguard-go.log" env WG_PROCESS_FOREGROUND=1 wireguard-go -f "$iface" ||
		return 1
	sock=/var/run/wireguard/$iface.sock
	deadline=$((SECONDS + 10))
	until [[ -S $sock ]]; do
		if ((SECONDS >= deadline)) || ! netsim_alive "$NETSIM_LAST_PID"; then
			interop_log "wireguard-go did not create $sock for $site:"
			cat "$dir/wireguard-go.log" >&2
			return 1
		fi
		sleep 0.1
	done
	netsim_exec "$site" wg setconf "$iface" "$conf" || return 1
	netsim_exec "$site" ip addr add "$addr" dev "$iface" || return 1
	netsim_exec "$site" ip link set "$iface" mtu 1420 up
}

interop_wait_handshake() {
	local site=${1:?usage: interop_wait_handshake SITE PEER SECS} peer=$2 secs=${3:-10}
	local iface key deadline t
	iface=$(netsim_iface "$site") || return 1
	key=$(netsim_pubkey "$peer") || return 1
	deadline=$((SECONDS + secs))
	while :; do
		t=$(netsim_exec "$site" wg show "$iface" latest-handshakes 2>/dev/null |
			awk -v k="$key" '$1 == k { print $2 }')
		[[ -n $t && $t != 0 ]] && return 0
		((SECONDS < deadline)) || break
		sleep 0.1
	done
	interop_log "$site: no WireGuard handshake with $peer within ${secs}s"
	return 1
}

interop_wait_file() {
	local secs=${1:?usage: interop_wait_file SECS FILE REGEX} file=$2 regex=$3
	local deadline=$((SECONDS + secs))
	until grep -qE -- "$regex" "$file" 2>/dev/null; do
		((SECONDS < deadline)) || return 1
		sleep 0.05
	done
}
