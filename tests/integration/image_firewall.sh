#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The image's firewall (image/rootfs/usr/lib/sealcall-image/render-firewall): it reads the
# right ports and tunnel interface from real policies (the example, provisioned bundles, and
# policies in other YAML spellings that sealcalld accepts), refuses what it cannot read for
# certain instead of guessing, nft accepts every ruleset it writes, and loaded in a namespace
# the ruleset lets WireGuard, DHCP replies and (when on) SSH in from the physical side, SIP/TLS
# and RTP in from the tunnel, and drops and counts everything else.
# timeout: 180
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${SC_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
lib=$src/image/rootfs/usr/lib/sealcall-image
render=$lib/render-firewall

if [[ $(id -u) -ne 0 ]]; then
	echo "SKIP: needs root for network namespaces and nft" >&2
	exit 77
fi
for tool in nft ip python3 wg openssl timeout; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (apt-get install nftables iproute2 python3 wireguard-tools openssl)" >&2; exit 77; }
done

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
pass() { echo "PASS: $*"; }

work=$(mktemp -d /tmp/sc-image-fw.XXXXXX)
run=$$
ns_fw=scfw-$run-appliance
ns_ul=scfw-$run-underlay
ns_tn=scfw-$run-tunnel
listener=
cleanup() {
	if [[ -n $listener ]]; then
		kill "$listener" 2>/dev/null
		wait "$listener" 2>/dev/null
	fi
	for ns in "$ns_fw" "$ns_ul" "$ns_tn"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT

sealcalld=${SC_BUILD_DIR:+$SC_BUILD_DIR/src/core/sealcalld}
[[ -n $sealcalld && -x $sealcalld ]] || sealcalld=
[[ -n $sealcalld ]] || echo "note: sealcalld not built: the test policies are not cross-checked with --check-config"

# expect_values POLICY "IFACE WG SIP RTPMIN RTPMAX": the values the renderer reads, and the
# ruleset it writes passes nft's check.
expect_values() {
	local policy=$1 want=$2 got out
	got=$(awk -f "$lib/firewall-values.awk" "$policy" | cut -d= -f2 | tr '\n' ' ') ||
		fail "$policy: firewall-values.awk failed"
	[[ ${got% } == "$want" ]] || fail "$policy: read '${got% }', expected '$want'"
	"$render" "$policy" >"$work/check.nft" || fail "$policy: render-firewall failed"
	out=$(nft -c -f "$work/check.nft" 2>&1) || fail "$policy: nft -c refuses the ruleset: $out"
	read -r iface wg sip rmin rmax <<<"$want"
	grep -q "iifname \"$iface\" jump from_tunnel" "$work/check.nft" &&
		grep -q "udp dport $wg accept" "$work/check.nft" &&
		grep -q "tcp dport $sip accept" "$work/check.nft" &&
		grep -q "udp dport $rmin-$rmax accept" "$work/check.nft" ||
		fail "$policy: the ruleset does not carry $want"
}

check_config() {
	[[ -n $sealcalld ]] || return 0
	local out
	out=$("$sealcalld" --check-config "$1" 2>&1) || fail "sealcalld refuses the test policy $1: $out"
}

# --- The example policy and the policy defaults.
expect_values "$src/config/sealcall.yaml" "sc0 51820 5061 16384 16583"
"$render" >"$work/default.nft" && nft -c -f "$work/default.nft" || fail "the default ruleset does not pass nft -c"
grep -q '^[[:space:]]*tcp dport 22 accept' "$work/default.nft" && fail "SSH is open in the default ruleset"
"$render" --ssh "$src/config/sealcall.yaml" >"$work/ssh.nft" && nft -c -f "$work/ssh.nft" ||
	fail "the ruleset with SSH does not pass nft -c"
grep -q '^[[:space:]]*tcp dport 22 accept' "$work/ssh.nft" || fail "--ssh does not open SSH"
pass "config/sealcall.yaml and the defaults: sc0, 51820, 5061, 16384-16583; nft -c accepts them, SSH only with --ssh"

# --- Bundles made by sealcall provision, with a WireGuard port of their own.
provision=
for candidate in "${SC_BUILD_DIR:-/nonexistent}/src/provision/sealcall-provision" "${SC_BUILD_DIR:-/nonexistent}/sealcall-provision"; do
	[[ -x $candidate ]] && provision=$candidate && break
done
if [[ -n $provision ]]; then
	for topology in mesh hub; do
		mkdir -p "$work/$topology"
		{
			echo "topology: $topology"
			echo "tunnel_subnet: 10.77.0.0/24"
			echo "domain: sealcall.test"
			echo "listen_port: 51999"
			if [[ $topology == hub ]]; then
				printf 'hub:\n  name: hub\n  endpoint: 198.18.200.2:51999\n  address: 10.77.0.254\n'
			fi
			printf 'sites:\n  - name: paris\n    endpoint: 198.18.1.2:51999\n    hotline: lyon\n'
			printf '  - name: lyon\n    endpoint: 198.18.2.2:51999\n'
		} >"$work/$topology/sites.yaml"
		"$provision" "$work/$topology/sites.yaml" "$work/$topology/out" >"$work/$topology/log" 2>&1 ||
			fail "sealcall provision ($topology): $(cat "$work/$topology/log")"
		for site in paris lyon; do
			expect_values "$work/$topology/out/sites/$site/sealcall.yaml" "sc0 51999 5061 16384 16583"
		done
	done
	pass "provisioned mesh and hub bundles: the renderer reads listen_port 51999 from each site's policy"
else
	echo "note: sealcall-provision not built: provisioned bundles not tested"
fi

# --- Other spellings of the same YAML, each a policy sealcalld accepts.
pol=$work/variants
mkdir -p "$pol"
(
	umask 077
	wg genkey >"$pol/wireguard.key"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=fw-ca \
		-keyout "$pol/ca.key" -out "$pol/ca.crt" 2>/dev/null
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=paris.sealcall.test \
		-keyout "$pol/site.key" -out "$pol/site.csr" 2>/dev/null
	printf 'subjectAltName=DNS:paris.sealcall.test\nextendedKeyUsage=serverAuth,clientAuth\n' >"$pol/ext"
	openssl x509 -req -in "$pol/site.csr" -CA "$pol/ca.crt" -CAkey "$pol/ca.key" -CAcreateserial -days 30 \
		-extfile "$pol/ext" -out "$pol/site.crt" 2>/dev/null
) || fail "could not make the test keys"
peer_key=$(wg genkey | wg pubkey)
common_sip='  transport: tls
  certificate: site.crt
  private_key: site.key
  ca: ca.crt'
common_directory='directory:
- name: lyon
  uri: sips:lyon@lyon.sealcall.test
  address: 10.77.0.2'
# Quoted keys and values, comments holding other numbers, a list without extra indent, keys
# after nested blocks, and sections in another order.
cat >"$pol/spelled.yaml" <<EOF
# interface: sc0  listen_port: 51820 (a comment, not a value)
site:
  name: "paris"
media:
    rtp_port_min: 20000   # even
    zrtp:
        cache_file: zrtp-cache
        hashes: [s256]
    rtp_port_max: 20099
tunnel:
  "interface": 'wg-site.1'   # '#' inside quotes below
  private_key_file: "wireguard.key"
  address: 10.77.0.1/24
  peers:
  - name: lyon
    public_key: $peer_key
    allowed_ips: [10.77.0.2/32]
    persistent_keepalive: 25
  listen_port: "40000"
sip:
  port: 5443 # "5061"
$common_sip
$common_directory
EOF
check_config "$pol/spelled.yaml"
expect_values "$pol/spelled.yaml" "wg-site.1 40000 5443 20000 20099"
sed 's/$/\r/' "$pol/spelled.yaml" >"$pol/crlf.yaml"
check_config "$pol/crlf.yaml"
expect_values "$pol/crlf.yaml" "wg-site.1 40000 5443 20000 20099"
# Only what the firewall needs left out: the policy's defaults.
cat >"$pol/minimal.yaml" <<EOF
---
site: {name: paris}
tunnel:
  private_key_file: wireguard.key
  address: 10.77.0.1/24
  peers: [{name: lyon, public_key: $peer_key, allowed_ips: [10.77.0.2/32]}]
sip:
$common_sip
$common_directory
...
EOF
check_config "$pol/minimal.yaml"
expect_values "$pol/minimal.yaml" "sc0 51820 5061 16384 16583"
pass "quoted keys and values, comments, compact lists, CRLF, flow style elsewhere, defaults: read right"

# --- What it cannot read for certain is refused, naming the line: never a guessed port.
expect_refused() {
	local policy=$1 pattern=$2 out
	check_config "$policy"
	if out=$("$render" "$policy" 2>&1 >/dev/null); then
		fail "$policy: rendered though it cannot be read for certain"
	fi
	[[ $out =~ $pattern ]] || fail "$policy: the refusal does not name the line and key ('$pattern'): $out"
}
cat >"$pol/flow.yaml" <<EOF
site:
  name: paris
tunnel: {interface: sc9, private_key_file: wireguard.key, address: 10.77.0.1/24, listen_port: 40000,
  peers: [{name: lyon, public_key: $peer_key, allowed_ips: [10.77.0.2/32]}]}
sip:
$common_sip
$common_directory
EOF
expect_refused "$pol/flow.yaml" 'flow.yaml:3: tunnel: the section is written on one line'
cat >"$pol/continued.yaml" <<EOF
site:
  name: paris
tunnel:
  private_key_file: wireguard.key
  address: 10.77.0.1/24
  peers:
    - name: lyon
      public_key: $peer_key
      allowed_ips: [10.77.0.2/32]
sip:
  port:
    5443
$common_sip
$common_directory
EOF
expect_refused "$pol/continued.yaml" 'continued.yaml:11: sip.port: the value is not on the key'
sed "s/'wg-site.1'/'sc\"0'/" "$pol/spelled.yaml" >"$pol/quote.yaml"
if "$render" "$pol/quote.yaml" >/dev/null 2>&1; then
	fail "an interface name with a quote got into the ruleset"
fi
pass "a section in flow style, a value on a continuation line and a quote in a name are refused with the line"

# --- The ruleset at work: loaded in a namespace with a physical link and a tunnel link.
# appliance: eth0 192.0.2.1 (to the underlay namespace), sc0 10.77.0.1 (to the tunnel one).
for ns in "$ns_fw" "$ns_ul" "$ns_tn"; do
	ip netns add "$ns" || fail "could not make namespace $ns"
	# No IPv6: its link chatter (MLD, neighbour discovery) would move the counters.
	ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up
done
ip -n "$ns_fw" link add eth0 type veth peer name eth0 netns "$ns_ul" &&
	ip -n "$ns_fw" link add sc0 type veth peer name sc0 netns "$ns_tn" ||
	fail "could not make the veth links"
ip -n "$ns_fw" addr add 192.0.2.1/24 dev eth0
ip -n "$ns_ul" addr add 192.0.2.2/24 dev eth0
ip -n "$ns_fw" addr add 10.77.0.1/24 dev sc0
ip -n "$ns_tn" addr add 10.77.0.2/24 dev sc0
for pair in "$ns_fw eth0" "$ns_fw sc0" "$ns_ul eth0" "$ns_tn sc0"; do
	read -r ns dev <<<"$pair"
	ip -n "$ns" link set "$dev" up
done

cat >"$work/listen.py" <<'EOF'
# Accepts TCP and receives UDP on the given ports; prints "tcp PORT" / "udp PORT DATA".
import selectors, socket, sys, time
sel = selectors.DefaultSelector()
for spec in sys.argv[2:]:
    proto, port = spec.split("/")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(port)))
    if proto == "tcp":
        s.listen(8)
    sel.register(s, selectors.EVENT_READ, (proto, port))
print("listening", flush=True)
deadline = time.monotonic() + float(sys.argv[1])
while time.monotonic() < deadline:
    for key, _ in sel.select(timeout=0.5):
        proto, port = key.data
        if proto == "tcp":
            conn, _ = key.fileobj.accept()
            conn.close()
            print("tcp", port, flush=True)
        else:
            data, _ = key.fileobj.recvfrom(2048)
            print("udp", port, data.decode(errors="replace"), flush=True)
EOF
cat >"$work/send.py" <<'EOF'
# send.py tcp HOST PORT: exit 0 when connected within 2 s. send.py udp HOST PORT DATA [SPORT].
import socket, sys
proto, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if proto == "tcp":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((host, port))
    except OSError:
        sys.exit(1)
    sys.exit(0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if len(sys.argv) > 5:
    s.bind(("0.0.0.0", int(sys.argv[5])))
s.sendto(sys.argv[4].encode(), (host, port))
EOF

ip netns exec "$ns_fw" python3 "$work/listen.py" 150 tcp/5061 tcp/22 udp/51820 udp/16400 udp/68 \
	udp/40000 tcp/5443 udp/20000 udp/20099 \
	>"$work/listen.log" 2>&1 &
listener=$!
for _ in $(seq 50); do
	grep -q listening "$work/listen.log" && break
	sleep 0.1
done
grep -q listening "$work/listen.log" || fail "the listener did not start: $(cat "$work/listen.log")"

counter() { ip netns exec "$ns_fw" nft list counter inet sealcall "$1" | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }
load() {
	local out
	out=$(ip netns exec "$ns_fw" nft -f "$1" 2>&1) || fail "nft -f $1 in the namespace: $out"
}
# probe NS PROTO HOST PORT pass|drop COUNTER [SPORT]: sends one probe and checks that it reached
# the listener (and no drop counter moved) or that it did not and COUNTER counted it.
marker=0
probe() {
	local ns=$1 proto=$2 host=$3 port=$4 want=$5 name=$6 sport=${7:-}
	local before_phys before_tun after connected=0 seen=0 what="$proto $port from $ns"
	before_phys=$(counter dropped_physical)
	before_tun=$(counter dropped_tunnel)
	marker=$((marker + 1))
	if [[ $proto == tcp ]]; then
		ip netns exec "$ns" python3 "$work/send.py" tcp "$host" "$port" && connected=1
	else
		ip netns exec "$ns" python3 "$work/send.py" udp "$host" "$port" "m$marker" ${sport:+"$sport"}
		for _ in $(seq 10); do
			grep -q "^udp $port m$marker\$" "$work/listen.log" && break
			sleep 0.1
		done
		grep -q "^udp $port m$marker\$" "$work/listen.log" && seen=1
	fi
	after=$(counter "$name")
	if [[ $want == pass ]]; then
		((connected || seen)) || fail "$what did not get through"
		[[ $(counter dropped_physical) == "$before_phys" && $(counter dropped_tunnel) == "$before_tun" ]] ||
			fail "$what got through but a drop counter moved"
	else
		((connected || seen)) && fail "$what got through; it must be dropped"
		local before=$before_phys
		[[ $name == dropped_tunnel ]] && before=$before_tun
		((after > before)) || fail "$what was dropped but $name did not count it ($before -> $after)"
	fi
	if [[ $want == pass ]]; then
		echo "  $what: passes"
	else
		echo "  $what: dropped, counted in $name"
	fi
}

"$render" "$src/config/sealcall.yaml" >"$work/policy.nft" || fail "render-firewall on the example"
load "$work/policy.nft"
echo "ruleset from config/sealcall.yaml, SSH off:"
probe "$ns_ul" udp 192.0.2.1 51820 pass dropped_physical
probe "$ns_ul" udp 192.0.2.1 68 pass dropped_physical 67
probe "$ns_ul" tcp 192.0.2.1 5061 drop dropped_physical
probe "$ns_ul" udp 192.0.2.1 16400 drop dropped_physical
probe "$ns_ul" tcp 192.0.2.1 22 drop dropped_physical
probe "$ns_ul" udp 192.0.2.1 68 drop dropped_physical 5000
probe "$ns_tn" tcp 10.77.0.1 5061 pass dropped_tunnel
probe "$ns_tn" udp 10.77.0.1 16400 pass dropped_tunnel
probe "$ns_tn" tcp 10.77.0.1 22 drop dropped_tunnel
probe "$ns_tn" udp 10.77.0.1 51820 drop dropped_tunnel
listing=$(ip netns exec "$ns_fw" nft list counters table inet sealcall)
for name in dropped_physical dropped_tunnel dropped_invalid dropped_forward; do
	[[ $listing == *"counter $name"* ]] || fail "nft list counters does not show $name: $listing"
done
pass "SIP and RTP on the physical link are dropped and counted, WireGuard and DHCP replies pass; the tunnel takes SIP/TLS and RTP only"

"$render" --ssh "$src/config/sealcall.yaml" >"$work/policy-ssh.nft" || fail "render-firewall --ssh"
load "$work/policy-ssh.nft"
echo "ruleset from config/sealcall.yaml, SSH on:"
probe "$ns_ul" tcp 192.0.2.1 22 pass dropped_physical
probe "$ns_ul" tcp 192.0.2.1 5061 drop dropped_physical
probe "$ns_tn" tcp 10.77.0.1 22 drop dropped_tunnel
pass "with SSH on, SSH passes on the physical link only"

"$render" "$pol/spelled.yaml" >"$work/spelled.nft" || fail "render-firewall on spelled.yaml"
ip -n "$ns_fw" link set sc0 down && ip -n "$ns_fw" link set sc0 name wg-site.1 && ip -n "$ns_fw" link set wg-site.1 up ||
	fail "could not rename the tunnel link"
load "$work/spelled.nft"
echo "ruleset from a policy with tunnel wg-site.1, WireGuard 40000, SIP 5443, RTP 20000-20099:"
probe "$ns_ul" udp 192.0.2.1 40000 pass dropped_physical
probe "$ns_ul" udp 192.0.2.1 51820 drop dropped_physical
probe "$ns_tn" tcp 10.77.0.1 5443 pass dropped_tunnel
probe "$ns_tn" udp 10.77.0.1 20000 pass dropped_tunnel
probe "$ns_tn" udp 10.77.0.1 20099 pass dropped_tunnel
probe "$ns_tn" tcp 10.77.0.1 5061 drop dropped_tunnel
probe "$ns_tn" udp 10.77.0.1 16400 drop dropped_tunnel
pass "the policy's own ports and tunnel name replace the defaults (the default ones are dropped)"
