#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Bundles made by `sealcall-provision` are what an appliance needs: tools nobody here wrote
# agree with them (openssl on the certificates and pins, wg on the keys, ssh-keygen on the
# administrators' SSH keys), `sealcalld --check-config` accepts each policy, authorized_keys
# is in exactly the bundles the sites file gives it to (and leaves them when it no longer
# does), and two sites started from their bundles alone bring the tunnel up, see each other
# up and carry traffic.
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
# The administrators' public keys (made with ssh-keygen for this test), as a Windows PC
# might have saved them (CR LF).
printf '%s\r\n' '# operations team' \
	'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAPXFxvsBLr4QV0uyIUUjf5isZzeScuJcCmC5/xS549F ops@example' \
	'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLymp2dGCNDMIEYQ9+zPI8Yi5QBxpIM6iceNxySwklGMyQqQ3IMfnk4URn4N8g+f9feF71K4KstHY8TVgNxubVY= oncall@example' \
	>"$work/admins.pub"
echo 'ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBNXzb47YkrpiN9Hs9IKgUu21UEoCo11WTsp3bIGDimwkDH0MPElbe0OtK3L7WBxLNIRq7IfHkN4zQs5VWKxgepYsNINVMRhtDG8z5U/IbvTgAJPe/Vg8upmuCYRVN1AFfg== lyon-it@example' \
	>"$work/lyon.pub"
# Endpoints and addresses as netsim lays them out: site N at 198.18.N.2, tunnel 10.77.0.N.
cat >"$work/sites.yaml" <<'EOF'
topology: mesh
tunnel_subnet: 10.77.0.0/24
domain: sealcall.test
zrtp_cache_file: zrtp-cache
ssh_authorized_keys: admins.pub
sites:
  - name: paris
    endpoint: 198.18.1.2:51820
    hotline: lyon
  - name: lyon
    endpoint: 198.18.2.2:51820
    ssh_authorized_keys: lyon.pub
  - name: nice
    endpoint: 198.18.3.2:51820
    ssh_authorized_keys: none
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

# SSH: each bundle carries the keys the sites file gives its site, and nice none at all.
cmp -s "$out/sites/paris/authorized_keys" "$work/admins.pub" || sc_fail "paris's authorized_keys is not admins.pub"
cmp -s "$out/sites/lyon/authorized_keys" "$work/lyon.pub" || sc_fail "lyon's authorized_keys is not lyon.pub"
[[ ! -e $out/sites/nice/authorized_keys ]] || sc_fail "nice (ssh_authorized_keys: none) has an authorized_keys"
[[ $(stat -c %a "$out/sites/paris/authorized_keys") == 644 ]] || sc_fail "authorized_keys is not 0644"
# The appliance's import (image/rootfs/usr/lib/sealcall-image/ssh-access) turns SSH on only
# when ssh-keygen -l reads a key on every line that is not blank or a comment: the same rule.
if command -v ssh-keygen >/dev/null; then
	for site in paris lyon; do
		tr -d '\r' <"$out/sites/$site/authorized_keys" >"$work/keys.lf"
		lines=$(grep -c -v -E '^[[:space:]]*(#|$)' "$work/keys.lf")
		read_keys=$(ssh-keygen -l -f "$work/keys.lf" 2>/dev/null | grep -c .)
		[[ $lines -gt 0 && $read_keys -eq $lines ]] ||
			sc_fail "$site: ssh-keygen -l reads $read_keys keys of $lines lines in its authorized_keys"
	done
	sc_pass "authorized_keys in paris (admins.pub) and lyon (its own), not in nice; ssh-keygen reads every key"
else
	sc_pass "authorized_keys in paris (admins.pub) and lyon (its own), not in nice (ssh-keygen missing: not cross-checked)"
fi
# A private key given by mistake: refused with its file and line, and nothing written.
sed 's/^ssh_authorized_keys: admins.pub$/ssh_authorized_keys: id_ed25519/' "$work/sites.yaml" >"$work/sites-bad.yaml"
printf '%s\n' '-----BEGIN OPENSSH PRIVATE KEY-----' 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==' \
	'-----END OPENSSH PRIVATE KEY-----' >"$work/id_ed25519"
"$provision" "$work/sites-bad.yaml" "$work/out-bad" >"$work/bad.log" 2>&1 && sc_fail "a private key as ssh_authorized_keys was accepted"
grep -qF "$work/id_ed25519:1:1: ssh_authorized_keys: this is a private key: give the .pub file" "$work/bad.log" ||
	sc_fail "the refusal does not name the file and line: $(cat "$work/bad.log")"
[[ ! -e $work/out-bad ]] || sc_fail "a refused run wrote $work/out-bad"
sc_pass "a private key in place of the public keys is refused before anything is written"
# Without ssh_authorized_keys, a run takes authorized_keys out of the bundles again.
grep -v 'ssh_authorized_keys' "$work/sites.yaml" >"$work/sites-nossh.yaml"
"$provision" "$work/sites-nossh.yaml" "$out" >"$work/nossh.log" 2>&1 || sc_fail "rerun without SSH keys failed: $(cat "$work/nossh.log")"
for site in paris lyon; do
	[[ ! -e $out/sites/$site/authorized_keys ]] || sc_fail "$site kept authorized_keys after it left the sites file"
	grep -q "^site $site: updated (1 file)" "$work/nossh.log" || sc_fail "$site not reported updated: $(cat "$work/nossh.log")"
done
grep -q '^site nice: updated' "$work/nossh.log" && sc_fail "nice, unchanged, was reported updated"
sc_pass "a run without ssh_authorized_keys removes authorized_keys from paris and lyon"

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
