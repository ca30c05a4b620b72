#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# No plaintext SIP transport exists (DESIGN.md invariant 1): a plaintext INVITE over UDP and
# over TCP, to ports 5060 and 5061, on each site's tunnel and underlay address, gets no SIP
# answer at all. The INVITEs are sent from the other site (through the tunnel to the tunnel
# address, across the router to the underlay one); captures in the target's namespace prove
# that each one arrived and that nothing containing "SIP/2.0" ever left the target.
# timeout: 240
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools

netsim_init iplain
sc_two_sites
netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris did not reach ready"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon did not reach ready"
netsim_wait_status paris 'sip: listening' 5 || sc_fail "paris does not listen for SIP"
netsim_wait_status lyon 'sip: listening' 5 || sc_fail "lyon does not listen for SIP"

# Sends one plaintext INVITE per (address, port, transport) and reports, one line each,
# what came back: "silent", "refused" (ICMP or RST), "closed N" (N bytes that are no SIP),
# or "ANSWER ..." when anything SIP came back.
cat >"$NETSIM_DIR/plain.py" <<'PY'
import socket, sys
src, targets = sys.argv[1], sys.argv[2:]
def invite(host, port, proto):
    body = ("v=0\r\no=x 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio 40000 RTP/AVP 0\r\n" % (src, src))
    return ("INVITE sip:%s:%d SIP/2.0\r\n"
            "Via: SIP/2.0/%s %s:5060;branch=z9hG4bKplain%d%s\r\n"
            "Max-Forwards: 70\r\nFrom: <sip:x@%s>;tag=1\r\nTo: <sip:%s>\r\n"
            "Call-ID: plain-%s-%d-%s@%s\r\nCSeq: 1 INVITE\r\nContact: <sip:x@%s:5060>\r\n"
            "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s"
            % (host, port, proto.upper(), src, port, proto, src, host, host, port, proto, src,
               src, len(body), body)).encode()
for t in targets:
    host, port, proto = t.split(":")
    port = int(port)
    msg = invite(host, port, proto)
    got = b""
    try:
        if proto == "udp":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(1.5)
            s.sendto(msg, (host, port))
            got = s.recv(65535)
        else:
            s = socket.create_connection((host, port), timeout=3)
            s.settimeout(1.5)
            s.sendall(msg)
            while len(got) < 65536:
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
        state = "closed %d" % len(got)
    except socket.timeout:
        state = "silent" if not got else "closed %d" % len(got)
    except (ConnectionRefusedError, ConnectionResetError):
        state = "refused" if not got else "closed %d" % len(got)
    except OSError as e:
        state = "error %s" % e
    if b"SIP/2.0 " in got and not got.startswith(b"\x15"):
        state = "ANSWER " + repr(got[:60])
    print("%s %s" % (t, state), flush=True)
PY

check_site() {
	local target=$1 from=$2 tun und pcap_t pcap_u targets=() t line
	tun=$(netsim_tunnel_ip "$target")
	und=$(netsim_underlay_ip "$target")
	pcap_t=$NETSIM_DIR/$target-tunnel.pcap
	pcap_u=$NETSIM_DIR/$target-underlay.pcap
	netsim_capture_start "$(netsim_iface "$target")" "$(netsim_ns "$target")" "$pcap_t" || sc_fail "capture"
	netsim_capture_start "$(netsim_underlay_dev)" "$(netsim_ns "$target")" "$pcap_u" || sc_fail "capture"
	for t in "$tun" "$und"; do
		targets+=("$t:5060:udp" "$t:5061:udp" "$t:5060:tcp" "$t:5061:tcp")
	done
	local out
	out=$(netsim_exec "$from" timeout 60 python3 "$NETSIM_DIR/plain.py" "$(netsim_tunnel_ip "$from")" \
		"${targets[@]}") || sc_fail "the sender failed: $out"
	echo "$out" | sed "s/^/  $from -> $target: /"
	netsim_capture_stop "$pcap_t" "$pcap_u"
	while read -r line; do
		[[ $line == *" ANSWER "* || $line == *" error "* ]] && sc_fail "$target answered: $line"
	done <<<"$out"
	(($(wc -l <<<"$out") == 8)) || sc_fail "not every INVITE was tried: $out"
	# Nothing with a SIP status line left the target on either interface, and every INVITE
	# arrived (over TCP only where a connection was accepted).
	local arrived answered pcap
	for pcap in "$pcap_t" "$pcap_u"; do
		answered=$(tshark -n -r "$pcap" -Y "ip.src == $tun or ip.src == $und" -T fields \
			-e frame.number -e _ws.col.Info 2>/dev/null | grep -c 'SIP/2.0 [0-9]')
		((answered == 0)) || sc_fail "$target sent a SIP response ($pcap)"
		# (ICMP port unreachable quotes the INVITE it answers: that is no answer)
		answered=$(tshark -n -r "$pcap" \
			-Y "(ip.src == $tun or ip.src == $und) and not icmp and frame contains \"SIP/2.0\"" \
			2>/dev/null | wc -l)
		((answered == 0)) || sc_fail "$target sent something with SIP/2.0 in it ($pcap)"
	done
	arrived=$(tshark -n -r "$pcap_t" -Y "ip.dst == $tun and udp and not icmp and frame contains \"INVITE sip:\"" 2>/dev/null | wc -l)
	((arrived == 2)) || sc_fail "$arrived of 2 UDP INVITEs reached $target's tunnel address"
	arrived=$(tshark -n -r "$pcap_u" -Y "ip.dst == $und and udp and not icmp and frame contains \"INVITE sip:\"" 2>/dev/null | wc -l)
	((arrived == 2)) || sc_fail "$arrived of 2 UDP INVITEs reached $target's underlay address"
	# the one TCP port that accepts (the TLS listener on the tunnel address) got the INVITE
	# as the start of a TLS handshake, and closed it
	arrived=$(tshark -n -r "$pcap_t" -Y "ip.dst == $tun and tcp.dstport == 5061 and frame contains \"INVITE sip:\"" 2>/dev/null | wc -l)
	((arrived >= 1)) || sc_fail "the TCP INVITE never reached $target's TLS port"
	sc_pass "$target: 8 plaintext INVITEs (UDP/TCP, 5060/5061, tunnel/underlay) got no SIP answer"
}

check_site paris lyon
check_site lyon paris
grep -q 'sip: TLS from lyon .* failed: TLS handshake failed' "$NETSIM_DIR/paris/sealcalld.log" ||
	sc_fail "paris did not log the plaintext on its TLS port"
netsim_wait_status paris 'call: idle' 2 || sc_fail "paris is not idle"
netsim_wait_status lyon 'call: idle' 2 || sc_fail "lyon is not idle"
netsim_stop_daemon paris || sc_fail "paris did not exit 0"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0"
sc_pass "clean stop"
