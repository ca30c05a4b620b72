#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A bad policy stops sealcalld before any interface, process or socket exists.
# timeout: 60
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools

netsim_init ibad
netsim_site paris 1 || sc_fail "site"
netsim_site lyon 2 || sc_fail "site"
policy=$(netsim_policy paris) || sc_fail "policy"
dir=$(netsim_dir paris)

check_refused() {
	local what=$1 expect=$2
	netsim_start_daemon paris || sc_fail "start"
	local pid=${NETSIM_DAEMON_PID[paris]}
	local deadline=$((SECONDS + 10))
	while kill -0 "$pid" 2>/dev/null && ! netsim_is_zombie "$pid" && ((SECONDS < deadline)); do
		sleep 0.1
	done
	netsim_stop_daemon paris 1
	local rc=$?
	[[ $rc -eq 1 ]] || sc_fail "$what: sealcalld exit code $rc, expected 1"
	grep -q -- "$expect" "$dir/sealcalld.log" || sc_fail "$what: log lacks '$expect': $(cat "$dir/sealcalld.log")"
	netsim_exec paris ip link show "$(netsim_iface paris)" >/dev/null 2>&1 &&
		sc_fail "$what: an interface was created"
	[[ -e $dir/run/control ]] && sc_fail "$what: a control socket was created"
	[[ -e /var/run/wireguard/$(netsim_iface paris).sock ]] && sc_fail "$what: wireguard-go was started"
	[[ -z $(ip netns pids "$(netsim_ns paris)") ]] || sc_fail "$what: a process is left in the namespace"
	sc_pass "$what refused before touching the network"
}

cp "$policy" "$dir/good.yaml"
sed 's/  transport: tls/  transport: udp/' "$dir/good.yaml" >"$policy"
check_refused "SIP over UDP" "refuses unencrypted signaling"

sed 's/^  listen_port: .*/  listen_port: 51820\n  colour: blue/' "$dir/good.yaml" >"$policy"
check_refused "an unknown key" "colour"

cp "$dir/good.yaml" "$policy"
chmod 0644 "$dir/wireguard.key"
check_refused "a world-readable key file" "chmod 600"
chmod 0600 "$dir/wireguard.key"

# --check-config agrees, and touches nothing either.
sed 's/  transport: tls/  transport: tcp/' "$dir/good.yaml" >"$policy"
out=$(netsim_exec paris "$SC_BUILD_DIR/src/core/sealcalld" --check-config "$policy" 2>&1)
rc=$?
[[ $rc -eq 1 ]] || sc_fail "--check-config exit $rc on a bad policy"
[[ $out =~ sealcall\.yaml:[0-9]+:[0-9]+: ]] || sc_fail "--check-config gives no file:line:column: $out"
cp "$dir/good.yaml" "$policy"
netsim_exec paris "$SC_BUILD_DIR/src/core/sealcalld" --check-config "$policy" >/dev/null ||
	sc_fail "--check-config refuses the good policy"
sc_pass "--check-config"
