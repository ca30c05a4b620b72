#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ten sites and a hub, all from `sealcall provision` (topology: hub). The hub namespace runs
# its WireGuard from wg0.conf and the real Kamailio from kamailio.cfg; nothing else listens
# there (ss). Each site has one WireGuard peer, the hub, and registers with Digest over TLS.
# Calls go through the hub in rounds of five at once: a ring (every site calls the next),
# then random pairs. Each is secure with the same SAS at both ends, which a relay holding
# media keys could not achieve; the hub's tunnel interface shows the media going from site to
# site (routed by WireGuard, never to the hub's own address), and Kamailio has no UDP socket
# at all, and the hub sends no ICMP redirects for it. A minute on, past the 55 s in which a
# site must hear from a peer, every site still sees the hub up.
# timeout: 300
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools
command -v kamailio >/dev/null || PATH=$PATH:/usr/sbin
command -v kamailio >/dev/null || { echo "SKIP: kamailio missing" >&2; exit 77; }
modules=$(dirname "$(find /usr/lib -path '*kamailio/modules/tls.so' -print -quit 2>/dev/null)")
[[ -f $modules/tls.so && -f $modules/auth_db.so ]] ||
	{ echo "SKIP: Kamailio's tls or auth_db module missing (kamailio-tls-modules)" >&2; exit 77; }
command -v ss >/dev/null || { echo "SKIP: ss missing (iproute2)" >&2; exit 77; }
[[ -x $SC_BUILD_DIR/src/provision/sealcall-provision ]] || sc_fail "sealcall-provision not built in $SC_BUILD_DIR"
[[ -f $SC_BUILD_DIR/virtual-headset/libasound_module_pcm_schead.so ]] ||
	sc_fail "the virtual headset plugin is not built"

sites=(paris lyon nice brest lille metz nantes rouen tours dijon)
n=${#sites[@]}
hub_index=200
started=$SECONDS

# The daemons' logs say when each step happened; polling `sealcall status` for every step of
# five calls at once costs more than the calls on a 2-core machine (and much more under
# ASan), so the waits read the logs and status is asked once per call at each end.
log_count() { grep -cE -e "$2" "$NETSIM_DIR/$1/sealcalld.log"; }
wait_log() {
	local site=$1 regex=$2 count=$3 secs=$4 deadline=$((SECONDS + $4))
	until (($(log_count "$site" "$regex") >= count)); do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}
last_sas() { grep -E 'media: call secured: ' "$NETSIM_DIR/$1/sealcalld.log" | tail -n 1 | sed -n 's/.* SAS \([^ ]*\) (.*/\1/p'; }

netsim_init ihub10
for i in "${!sites[@]}"; do
	netsim_site "${sites[i]}" $((i + 1)) || sc_fail "could not make site ${sites[i]}"
done
netsim_site hub $hub_index || sc_fail "could not make the hub's namespace"
hub_ip=$(netsim_tunnel_ip hub)

# Half the sites give their endpoint, half do not (behind NAT: the hub learns it from them).
work=$NETSIM_DIR/provision
mkdir -p "$work"
{
	echo "topology: hub"
	echo "tunnel_subnet: 10.77.0.0/24"
	echo "domain: sealcall.test"
	echo "zrtp_cache_file: zrtp-cache"
	echo "audio_device: vheadset"
	echo "hub:"
	echo "  name: hub"
	echo "  endpoint: $(netsim_underlay_ip hub):51820"
	echo "  address: $hub_ip"
	echo "sites:"
	for i in "${!sites[@]}"; do
		site=${sites[i]}
		echo "  - name: $site"
		echo "    address: $(netsim_tunnel_ip "$site")"
		echo "    interface: $(netsim_iface "$site")"
		((i % 2 == 0)) && echo "    endpoint: $(netsim_underlay_ip "$site"):51820"
	done
} >"$work/sites.yaml"
netsim_provision "$work/sites.yaml" "$work/out" || sc_fail "provisioning failed"
sc_pass "provisioned in $((SECONDS - started)) s: $(tail -n 1 "$work/out.log")"

netsim_hub_up hub "$work/out/hub" || sc_fail "the hub did not come up"
kam=$NETSIM_HUB_KAMAILIO_PID
# Nothing listens in the hub's namespace but Kamailio's TLS port on the tunnel address and
# WireGuard's UDP port.
listening=$(netsim_exec hub ss -Hlntup)
while read -r proto state recvq sendq local peer users; do
	[[ -n $proto ]] || continue
	if [[ $proto == tcp && $local == "$hub_ip:5061" && $users == *'"kamailio"'* ]]; then continue; fi
	if [[ $proto == udp && $local =~ :51820$ ]]; then continue; fi
	sc_fail "the hub's namespace listens on more than TLS $hub_ip:5061 and WireGuard: $proto $local $users"
done <<<"$listening"
grep -q "$hub_ip:5061" <<<"$listening" || sc_fail "Kamailio does not listen on $hub_ip:5061: $listening"
kamailio_udp=$(netsim_exec hub ss -Hanup | grep -c '"kamailio"')
((kamailio_udp == 0)) || sc_fail "Kamailio has $kamailio_udp UDP sockets: $(netsim_exec hub ss -Hanup | grep kamailio)"
sc_pass "hub: WireGuard and Kamailio from the hub folder; listening: TLS $hub_ip:5061 (Kamailio) and UDP 51820 (WireGuard) only; Kamailio has no UDP socket ($((SECONDS - started)) s)"

for site in "${sites[@]}"; do
	netsim_bundle "$site" "$work/out/sites/$site" || sc_fail "bundle of $site"
	cmp -s "$work/out/sites/$site/sealcall.yaml" "$NETSIM_DIR/$site/sealcall.yaml" || sc_fail "$site's policy differs"
	netsim_headset "$site" || sc_fail "headset for $site"
	netsim_start_daemon "$site" || sc_fail "start $site"
done
daemons_at=$SECONDS
for site in "${sites[@]}"; do
	wait_log "$site" 'state: tunnel-up -> ready \(all 1 peer up\)' 1 60 || sc_fail "$site did not reach ready"
	wait_log "$site" "sip: registered at sips:hub\\.sealcall\\.test as sips:$site@hub\\.sealcall\\.test" 1 30 ||
		sc_fail "$site did not register: $(tail -n 5 "$NETSIM_DIR/hub/kamailio.log")"
done
for site in "${sites[@]}"; do
	status=$(sc_cli "$site" status) || sc_fail "sealcall status at $site"
	[[ $status =~ state:\ ready ]] || sc_fail "$site: $status"
	[[ $status =~ registration:\ registered\ at\ sips:hub\.sealcall\.test ]] || sc_fail "$site is not registered: $status"
	[[ $(grep -c '^peer ' <<<"$status") == 1 && $status =~ peer\ hub:\ up ]] || sc_fail "$site: the hub is not its one peer: $status"
done
ready_at=$SECONDS
sc_pass "$n sites ready with one peer (the hub), all registered with Digest over TLS ($((SECONDS - daemons_at)) s after the daemons started, $((SECONDS - started)) s in all)"

# One call in the background: CALLER calls CALLEE through the hub, the callee answers, both
# report secure with one SAS, the caller hangs up. Its last line is "ok SAS" or "FAIL why".
call_pair() {
	local caller=$1 callee=$2 out sc sl ring secured_a secured_b ended_a ended_b
	fail() { echo "FAIL $caller -> $callee: $*"; exit 1; }
	ring=$(log_count "$callee" "call: idle -> ringing-in \\(from $caller\\)")
	secured_a=$(log_count "$caller" 'media: call secured: ') secured_b=$(log_count "$callee" 'media: call secured: ')
	ended_a=$(log_count "$caller" "-> idle \\(to $callee\\)") ended_b=$(log_count "$callee" "-> idle \\(from $caller\\)")
	out=$(sc_cli "$caller" call "$callee" 2>&1) || fail "sealcall call: $out"
	wait_log "$callee" "call: idle -> ringing-in \\(from $caller\\)" $((ring + 1)) 20 || fail "$callee does not ring"
	out=$(sc_cli "$callee" answer 2>&1) || fail "sealcall answer: $out"
	wait_log "$caller" 'media: call secured: ' $((secured_a + 1)) 30 || fail "$caller not secure"
	wait_log "$callee" 'media: call secured: ' $((secured_b + 1)) 30 || fail "$callee not secure"
	sc=$(last_sas "$caller") sl=$(last_sas "$callee")
	[[ -n $sc && $sc == "$sl" ]] || fail "SAS differ: '$sc' at $caller, '$sl' at $callee"
	for site in "$caller" "$callee"; do
		out=$(sc_cli "$site" status 2>&1)
		[[ $out == *"sas: $sc (B"* && $out == *"media: secure cipher"* ]] || fail "$site's status: $out"
	done
	sleep 1 # media flows meanwhile, through the hub's WireGuard
	out=$(sc_cli "$caller" hangup 2>&1) || fail "sealcall hangup: $out"
	wait_log "$callee" "call: in-call -> idle \\(from $caller\\) after [0-9]+ s: $caller hung up" $((ended_b + 1)) 20 ||
		fail "$callee did not see the hang-up"
	wait_log "$caller" "-> idle \\(to $callee\\)" $((ended_a + 1)) 20 || fail "$caller not idle"
	echo "ok $sc"
}

calls=0
# A round: the pairs "CALLER CALLEE" given, all at once.
round() {
	local name=$1; shift
	local pids=() logs=() pair caller callee i result t0=$SECONDS
	for pair in "$@"; do
		read -r caller callee <<<"$pair"
		logs+=("$NETSIM_DIR/call-$caller-$callee.log")
		(call_pair "$caller" "$callee") >"${logs[-1]}" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}"
		result=$(tail -n 1 "${logs[i]}")
		[[ $result == ok* ]] || sc_fail "$name: $result; $(head -n 20 "${logs[i]}")"
		echo "  $(sed 's/ / → /' <<<"${*:i+1:1}"): SAS ${result#ok }"
		calls=$((calls + 1))
	done
	sc_pass "$name: $# calls at once through the hub, each secure with one SAS at both ends ($((SECONDS - t0)) s)"
}

pairs_a=() pairs_b=()
for ((i = 0; i < n; i += 2)); do pairs_a+=("${sites[i]} ${sites[(i + 1) % n]}"); done
for ((i = 1; i < n; i += 2)); do pairs_b+=("${sites[i]} ${sites[(i + 1) % n]}"); done

# The media of the first round, seen on the hub's tunnel interface (inner packets).
hub_if=$(netsim_iface hub)
netsim_capture_start "$hub_if" "$(netsim_ns hub)" "$NETSIM_DIR/hub.pcap" || sc_fail "capture on the hub"
round "ring, first half" "${pairs_a[@]}"
netsim_capture_stop "$NETSIM_DIR/hub.pcap"
round "ring, second half" "${pairs_b[@]}"
seed=${SC_HUB10_SEED:-$RANDOM}
RANDOM=$seed
shuffled=("${sites[@]}")
for ((i = n - 1; i > 0; i--)); do
	j=$((RANDOM % (i + 1)))
	tmp=${shuffled[i]} shuffled[i]=${shuffled[j]} shuffled[j]=$tmp
done
pairs_r=()
for ((i = 0; i + 1 < n; i += 2)); do pairs_r+=("${shuffled[i]} ${shuffled[i + 1]}"); done
round "random pairs (seed $seed)" "${pairs_r[@]}"
((calls == n + n / 2)) || sc_fail "$calls calls instead of $((n + n / 2))"

# Media crossed the hub as routed packets between the sites' own addresses: UDP between
# every first-round pair, in both directions, and no UDP to or from the hub's address
# (ICMP quotes a UDP header: not media).
flows=$(tshark -n -r "$NETSIM_DIR/hub.pcap" -Y "udp && !icmp" -T fields -e ip.src -e ip.dst 2>/dev/null | sort | uniq -c)
for pair in "${pairs_a[@]}"; do
	read -r caller callee <<<"$pair"
	a=$(netsim_tunnel_ip "$caller") b=$(netsim_tunnel_ip "$callee")
	for dir in "$a $b" "$b $a"; do
		count=$(awk -v s="${dir% *}" -v d="${dir#* }" '$2 == s && $3 == d { print $1 }' <<<"$flows")
		((${count:-0} >= 50)) || sc_fail "only ${count:-0} UDP packets ${dir% *} → ${dir#* } crossed the hub"
	done
done
to_hub=$(tshark -n -r "$NETSIM_DIR/hub.pcap" -Y "udp && !icmp && ip.addr == $hub_ip" 2>/dev/null | wc -l)
((to_hub == 0)) || sc_fail "$to_hub UDP packets to or from the hub's own address $hub_ip"
# wg0.conf's PostUp turns redirects off: forwarding wg0 to wg0 would send one per stream.
redirects=$(tshark -n -r "$NETSIM_DIR/hub.pcap" -Y "icmp.type == 5" 2>/dev/null | wc -l)
((redirects == 0)) || sc_fail "the hub sent $redirects ICMP redirects for forwarded media"
netsim_alive "$kam" || sc_fail "Kamailio died"
kamailio_udp=$(netsim_exec hub ss -Hanup | grep -c '"kamailio"')
((kamailio_udp == 0)) || sc_fail "Kamailio opened UDP sockets during the calls"
sc_pass "media went site to site through the hub's WireGuard routing, none to the hub itself; Kamailio never had a UDP socket"

# Past the health window (2 x keepalive 25 s + 5 s) the hub is still up at every site.
while ((SECONDS - ready_at < 65)); do sleep 1; done
for site in "${sites[@]}"; do
	sc_cli "$site" status | grep -q '^state: ready' ||
		sc_fail "$site is not ready $((SECONDS - ready_at)) s later: $(sc_cli "$site" status | grep -E '^(state|peer)')"
done
sc_pass "every site still ready $((SECONDS - ready_at)) s after the first, the hub up at each"

for site in "${sites[@]}"; do
	netsim_stop_daemon "$site" || sc_fail "$site did not exit 0"
done
sc_pass "$calls calls through the hub; clean stop after $((SECONDS - started)) s"
