#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Two sites reach ready and see each other up; the underlay carries nothing but WireGuard.
# timeout: 120
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools

netsim_init itwo
sc_two_sites
netsim_capture_start r1 "$NETSIM_ROUTER" "$NETSIM_DIR/underlay.pcap" || sc_fail "capture"

netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'state: ready' 30 || sc_fail "paris did not reach ready"
netsim_wait_status lyon 'state: ready' 30 || sc_fail "lyon did not reach ready"
netsim_wait_status paris 'peer lyon: up' 5 || sc_fail "paris does not see lyon up"
netsim_wait_status lyon 'peer paris: up' 5 || sc_fail "lyon does not see paris up"
sc_pass "both sites ready, each sees the other up"

json=$(netsim_status paris --json) || sc_fail "status --json"
python3 - "$json" <<'PY' || sc_fail "status --json is not what the contract says: $json"
import json, sys
s = json.loads(sys.argv[1])
assert s["site"] == "paris", s
assert s["state"] == "ready", s
assert s["tunnel"]["backend"] in ("kernel", "userspace"), s
assert s["tunnel"]["address"].startswith("10.77.0.1"), s
(peer,) = s["peers"]
assert peer["name"] == "lyon" and peer["status"] == "up", peer
assert peer["last_handshake_age_s"] >= 0 and peer["rx_bytes"] > 0 and peer["tx_bytes"] > 0, peer
assert peer["endpoint"].startswith("198.18.2.2:"), peer
PY
sc_pass "status --json"

# Traffic inside the tunnel, then the capture: only WireGuard may cross the underlay.
netsim_exec paris ping -c 3 -i 0.2 -W 2 "$(netsim_tunnel_ip lyon)" >/dev/null ||
	sc_fail "no ping across the tunnel"
netsim_capture_stop "$NETSIM_DIR/underlay.pcap"
total=$(tshark -n -r "$NETSIM_DIR/underlay.pcap" 2>/dev/null | wc -l)
wg=$(tshark -n -r "$NETSIM_DIR/underlay.pcap" -Y wg 2>/dev/null | wc -l)
other=$(tshark -n -r "$NETSIM_DIR/underlay.pcap" -Y 'not wg and not arp and not icmpv6' 2>/dev/null)
((total > 0 && wg > 0)) || sc_fail "capture saw no WireGuard ($total packets)"
[[ -z $other ]] || sc_fail "non-WireGuard traffic on the underlay: $other"
sc_pass "underlay: $wg WireGuard packets of $total, nothing else but ARP"

netsim_stop_daemon paris || sc_fail "paris did not exit 0 on SIGTERM"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0 on SIGTERM"
netsim_exec paris ip link show "$(netsim_iface paris)" >/dev/null 2>&1 &&
	sc_fail "paris left its interface behind"
[[ -e $(netsim_dir paris)/run/control ]] && sc_fail "paris left its control socket behind"
sc_pass "clean stop"
