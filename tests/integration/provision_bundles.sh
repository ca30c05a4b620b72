#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Bundles made by `sealcall-provision` are what an appliance needs: tools nobody here wrote
# agree with them (openssl on the certificates and pins, wg on the keys), `sealcalld
# --check-config` accepts each policy, and two sites started from their bundles alone bring
# the tunnel up, see each other up and carry traffic.
# timeout: 150
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools
provision=
for candidate in "${SC_BUILD_DIR:?SC_BUILD_DIR unset: run through ctest}/src/provision/sealcall-provision" \
	"$SC_BUILD_DIR/sealcall-provision"; do
	[[ -x $candidate ]] && provision=$candidate && break
done
[[ -n $provision ]] || sc_fail "sealcall-provision not built in $SC_BUILD_DIR"

netsim_init iprov
work=$NETSIM_DIR/provision
mkdir -p "$work"
# Endpoints and addresses as netsim lays them out: site N at 198.18.N.2, tunnel 10.77.0.N.
cat >"$work/sites.yaml" <<'EOF'
topology: mesh
tunnel_subnet: 10.77.0.0/24
domain: sealcall.test
zrtp_cache_file: zrtp-cache
sites:
  - name: paris
    endpoint: 198.18.1.2:51820
    hotline: lyon
  - name: lyon
    endpoint: 198.18.2.2:51820
  - name: nice
    endpoint: 198.18.3.2:51820
EOF
"$provision" "$work/sites.yaml" "$work/out" >"$work/provision.log" 2>&1 ||
	sc_fail "provisioning failed: $(cat "$work/provision.log")"
out=$work/out
sc_pass "provisioned: $(tail -n 1 "$work/provision.log")"

# openssl: the CA is a CA (critical), each site certificate chains to it for both TLS roles,
# names the site, and the pins in the other bundles are those openssl computes.
openssl x509 -in "$out/ca/ca.crt" -noout -text | grep -A1 'Basic Constraints: critical' | grep -q 'CA:TRUE' ||
	sc_fail "the CA certificate lacks a critical CA:TRUE"
for site in paris lyon nice; do
	crt=$out/sites/$site/site.crt
	for purpose in sslserver sslclient; do
		openssl verify -x509_strict -purpose "$purpose" -CAfile "$out/ca/ca.crt" "$crt" >/dev/null 2>&1 ||
			sc_fail "$site: openssl verify -purpose $purpose fails"
	done
	text=$(openssl x509 -in "$crt" -noout -text)
	[[ $text == *"DNS:$site.sealcall.test"* ]] || sc_fail "$site: no DNS:$site.sealcall.test in its certificate"
	[[ $text == *"TLS Web Server Authentication, TLS Web Client Authentication"* ]] || sc_fail "$site: EKU"
	openssl pkey -in "$out/sites/$site/site.key" -pubout 2>/dev/null | cmp -s - <(openssl x509 -in "$crt" -pubkey -noout) ||
		sc_fail "$site: site.key is not the key of site.crt"
	pin="sha256//$(openssl x509 -in "$crt" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)"
	for other in paris lyon nice; do
		[[ $other == "$site" ]] && continue
		grep -qF "tls_pin: $pin" "$out/sites/$other/sealcall.yaml" || sc_fail "$other does not pin $site's key as openssl computes it"
	done
	[[ $(wg pubkey <"$out/sites/$site/wireguard.key") == "$(cat "$out/sites/$site/wireguard.pub")" ]] ||
		sc_fail "$site: wg pubkey disagrees with wireguard.pub"
	for other in paris lyon nice; do
		[[ $other == "$site" ]] && continue
		grep -qF "public_key: $(cat "$out/sites/$site/wireguard.pub")" "$out/sites/$other/sealcall.yaml" ||
			sc_fail "$other does not carry $site's public key"
	done
	[[ $(stat -c %a "$out/sites/$site/wireguard.key") == 600 && $(stat -c %a "$out/sites/$site/site.key") == 600 ]] ||
		sc_fail "$site: a key file is not 0600"
	"$SC_BUILD_DIR/src/core/sealcalld" --check-config "$out/sites/$site/sealcall.yaml" >"$work/check.log" 2>&1 ||
		sc_fail "sealcalld --check-config refuses $site's bundle: $(cat "$work/check.log")"
done
sc_pass "openssl, wg and sealcalld --check-config agree with every bundle"

# Two appliances from their bundles alone: only the interface name changes, since netsim's
# must be unique on this machine.
netsim_site paris 1 || sc_fail "could not make site paris"
netsim_site lyon 2 || sc_fail "could not make site lyon"
for site in paris lyon; do
	cp -a "$out/sites/$site/." "$NETSIM_DIR/$site/" || sc_fail "copy $site's bundle"
	sed -i "s/^  interface: sc0$/  interface: $(netsim_iface "$site")/" "$NETSIM_DIR/$site/sealcall.yaml"
	grep -q "interface: $(netsim_iface "$site")" "$NETSIM_DIR/$site/sealcall.yaml" || sc_fail "interface rename"
	netsim_start_daemon "$site" || sc_fail "start $site"
done
netsim_wait_status paris 'peer lyon: up' 40 || sc_fail "paris does not see lyon up"
netsim_wait_status lyon 'peer paris: up' 20 || sc_fail "lyon does not see paris up"
# nice is in both bundles but never started: the sites are not ready, and say why.
netsim_wait_status paris 'peer nice: stale' 5 || sc_fail "paris does not report nice stale"
sc_pass "paris and lyon, started from their bundles, see each other up (nice, not started, stale)"
netsim_exec paris ping -c 3 -i 0.2 -W 2 "$(netsim_tunnel_ip lyon)" >/dev/null ||
	sc_fail "no ping from paris to lyon through the tunnel"
sc_pass "traffic crosses the tunnel between the provisioned sites"
netsim_stop_daemon paris || sc_fail "paris did not exit 0 on SIGTERM"
netsim_stop_daemon lyon || sc_fail "lyon did not exit 0 on SIGTERM"
sc_pass "clean stop"
