#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A three-site mesh made by `sealcall provision` alone: paris, lyon and nice run sealcalld
# from their bundles exactly as provisioned (the sites file gives this run's underlay
# endpoints, tunnel addresses, interface names and the virtual headset; no policy is edited
# afterwards). Every ordered pair calls (6 calls): the callee rings and answers, both ends
# report the call secure with the same SAS, and the caller hangs up.
# timeout: 240
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools
[[ -x $SC_BUILD_DIR/src/provision/sealcall-provision ]] || sc_fail "sealcall-provision not built in $SC_BUILD_DIR"
[[ -f $SC_BUILD_DIR/virtual-headset/libasound_module_pcm_schead.so ]] ||
	sc_fail "the virtual headset plugin is not built"

sites=(paris lyon nice)
started=$SECONDS

sas_of() { sc_cli "$1" status | sed -n 's/^sas: \([^ ]*\) .*/\1/p'; }

netsim_init imesh3
for i in "${!sites[@]}"; do
	netsim_site "${sites[i]}" $((i + 1)) || sc_fail "could not make site ${sites[i]}"
done

work=$NETSIM_DIR/provision
mkdir -p "$work"
{
	echo "topology: mesh"
	echo "tunnel_subnet: 10.77.0.0/24"
	echo "domain: sealcall.test"
	echo "zrtp_cache_file: zrtp-cache"
	echo "audio_device: vheadset"
	echo "sites:"
	for site in "${sites[@]}"; do
		echo "  - name: $site"
		echo "    endpoint: $(netsim_underlay_ip "$site"):51820"
		echo "    address: $(netsim_tunnel_ip "$site")"
		echo "    interface: $(netsim_iface "$site")"
	done
} >"$work/sites.yaml"
netsim_provision "$work/sites.yaml" "$work/out" || sc_fail "provisioning failed"
sc_pass "provisioned: $(tail -n 1 "$work/out.log")"

for site in "${sites[@]}"; do
	netsim_bundle "$site" "$work/out/sites/$site" || sc_fail "bundle of $site"
	cmp -s "$work/out/sites/$site/sealcall.yaml" "$NETSIM_DIR/$site/sealcall.yaml" || sc_fail "$site's policy differs"
	netsim_headset "$site" || sc_fail "headset for $site"
	netsim_start_daemon "$site" || sc_fail "start $site"
done
for site in "${sites[@]}"; do
	netsim_wait_status "$site" 'state: ready' 40 || sc_fail "$site did not reach ready"
	netsim_wait_status "$site" 'headset: vheadset' 5 || sc_fail "$site has no headset"
done
sc_pass "three sites from their bundles alone: every peer up, state ready ($((SECONDS - started)) s)"

# CALLER calls CALLEE; the callee answers; both secure with one SAS; the caller hangs up.
secure_call() {
	local caller=$1 callee=$2 out sc sl
	out=$(sc_cli "$caller" call "$callee" 2>&1) || sc_fail "$caller: sealcall call $callee: $out"
	netsim_wait_status "$callee" "call: ringing-in with $caller \\(incoming\\)" 10 ||
		sc_fail "$callee does not ring for $caller"
	out=$(sc_cli "$callee" answer 2>&1) || sc_fail "$callee: sealcall answer: $out"
	netsim_wait_status "$caller" "call: in-call with $callee \\(outgoing\\)" 10 || sc_fail "$caller is not in call"
	netsim_wait_status "$caller" 'sas: [^ ]+ \(B' 15 || sc_fail "$caller → $callee: $caller not secure"
	netsim_wait_status "$callee" 'sas: [^ ]+ \(B' 15 || sc_fail "$caller → $callee: $callee not secure"
	sc=$(sas_of "$caller") sl=$(sas_of "$callee")
	[[ -n $sc && $sc == "$sl" ]] || sc_fail "$caller → $callee: SAS differ: '$sc' and '$sl'"
	sc_cli "$caller" status | grep -q '^media: secure cipher' || sc_fail "$caller: no secure media line"
	sc_cli "$callee" status | grep -q '^media: secure cipher' || sc_fail "$callee: no secure media line"
	out=$(sc_cli "$caller" hangup 2>&1) || sc_fail "$caller: sealcall hangup: $out"
	netsim_wait_status "$callee" "last call: $caller hung up" 10 || sc_fail "$callee did not see the hang-up"
	netsim_wait_status "$caller" 'call: idle' 10 || sc_fail "$caller is not idle"
	netsim_wait_status "$callee" 'call: idle' 10 || sc_fail "$callee is not idle"
	sc_pass "$caller calls $callee: secure, SAS '$sc' at both ends, hung up"
}

calls=0
for caller in "${sites[@]}"; do
	for callee in "${sites[@]}"; do
		[[ $caller == "$callee" ]] && continue
		secure_call "$caller" "$callee"
		calls=$((calls + 1))
	done
done
((calls == 6)) || sc_fail "$calls calls instead of 6"
# The daemons' own account: each site took part in 4 calls and logged each one secured.
for site in "${sites[@]}"; do
	n=$(grep -c 'media: call secured: .* SAS ' "$NETSIM_DIR/$site/sealcalld.log")
	((n == 4)) || sc_fail "$site logged $n secured calls, not 4"
done
for site in "${sites[@]}"; do
	netsim_wait_status "$site" 'state: ready' 5 || sc_fail "$site is no longer ready after the calls"
	netsim_stop_daemon "$site" || sc_fail "$site did not exit 0"
done
sc_pass "6 calls between every ordered pair, all secure; clean stop after $((SECONDS - started)) s"
