#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Who the SIP/TLS listener of a running sealcalld lets in, over the real tunnel: from lyon's
# namespace (so from lyon's tunnel address) openssl s_client tries paris's SIP port with
# lyon's certificate (accepted), with none, with one from another CA, with nice's
# certificate, and with TLS 1.2 CBC suites; each refusal is in paris's log with the reason
# and the source. The listener is on the tunnel address only: nothing answers on the
# underlay address, and nothing is bound to the wildcard.
# timeout: 180
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
sc_require_root_and_tools

bin=$SC_BUILD_DIR/src/core/sealcalld
if ! grep -q 'listening for TLS' "$bin"; then
	echo "SKIP: this sealcalld does not contain the SIP/TLS transport yet" >&2
	exit 77
fi

netsim_init itls
netsim_site paris 1 || sc_fail "site paris"
netsim_site lyon 2 || sc_fail "site lyon"
netsim_site nice 3 || sc_fail "site nice"
netsim_policy paris peers="lyon nice" >/dev/null || sc_fail "policy for paris"
netsim_policy lyon peers="paris" >/dev/null || sc_fail "policy for lyon"
netsim_cert nice || sc_fail "certificate for nice"
log=$NETSIM_DIR/paris/sealcalld.log

# A CA nobody trusts, and a certificate from it that names lyon.
evil=$NETSIM_DIR/evil
mkdir -p "$evil"
(cd "$evil" && umask 077 &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
		-out ca.crt -days 2 -subj "/CN=evil CA" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null &&
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout lyon.key \
		-out lyon.csr -subj /CN=lyon.sealcall.test 2>/dev/null &&
	printf 'subjectAltName=DNS:lyon.sealcall.test\nextendedKeyUsage=serverAuth,clientAuth\n' >ext &&
	openssl x509 -req -in lyon.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
		-extfile ext -out lyon.crt 2>/dev/null) || sc_fail "evil CA"

netsim_start_daemon paris || sc_fail "start paris"
netsim_start_daemon lyon || sc_fail "start lyon"
netsim_wait_status paris 'peer lyon: up' 30 || sc_fail "paris never saw lyon up"
netsim_wait_for 10 grep -q 'sip: listening for TLS on 10.77.0.1:5061' "$log" ||
	sc_fail "paris does not listen for SIP/TLS on its tunnel address: $(tail -n 5 "$log")"

# The listener: tunnel address and interface only.
listeners=$(netsim_exec paris ss -Hltn 'sport = :5061')
[[ $listeners == *"10.77.0.1%$(netsim_iface paris):5061"* ]] ||
	sc_fail "the SIP listener is not pinned to the tunnel: $listeners"
[[ $listeners == *"0.0.0.0:5061"* || $listeners == *"*:5061"* ]] &&
	sc_fail "something listens on the wildcard address: $listeners"
if netsim_exec lyon timeout 5 bash -c 'exec 3<>/dev/tcp/198.18.1.2/5061' 2>/dev/null; then
	sc_fail "paris answers on its underlay address"
fi
sc_pass "the listener is on 10.77.0.1 and $(netsim_iface paris) only; the underlay gets no answer"

# Runs openssl s_client from lyon's namespace against paris's SIP port; extra options follow.
tls_try() {
	netsim_exec lyon timeout 10 openssl s_client -connect 10.77.0.1:5061 \
		-CAfile "$NETSIM_DIR/ca.crt" "$@" </dev/null 2>&1
}

# Waits for the log to gain a line matching REGEX after LINES lines.
log_after() {
	local lines=$1 regex=$2
	netsim_wait_for 5 bash -c "tail -n +$((lines + 1)) '$log' | grep -E -q -- '$regex'"
}

n=$(wc -l <"$log")
out=$(tls_try -cert "$NETSIM_DIR/lyon/site.crt" -key "$NETSIM_DIR/lyon/site.key" -verify_return_error)
[[ $out == *"Verify return code: 0"* ]] || sc_fail "lyon could not verify paris: $out"
log_after "$n" 'TLS from lyon 10\.77\.0\.2:[0-9]+ established \(lyon\.sealcall\.test, TLSv1\.3' ||
	sc_fail "paris did not accept lyon's certificate: $(tail -n 5 "$log")"
sc_pass "lyon with its own certificate: accepted over TLS 1.3"

n=$(wc -l <"$log")
tls_try >/dev/null
log_after "$n" 'refused TLS from lyon 10\.77\.0\.2:[0-9]+: the client sent no certificate' ||
	sc_fail "no refusal logged for a client without certificate: $(tail -n 5 "$log")"
sc_pass "no client certificate: refused and logged"

n=$(wc -l <"$log")
tls_try -cert "$evil/lyon.crt" -key "$evil/lyon.key" >/dev/null
log_after "$n" 'refused TLS from lyon 10\.77\.0\.2:[0-9]+: the certificate does not chain to the site CA' ||
	sc_fail "no refusal logged for a certificate from another CA: $(tail -n 5 "$log")"
sc_pass "certificate from another CA: refused and logged"

n=$(wc -l <"$log")
tls_try -cert "$NETSIM_DIR/nice/site.crt" -key "$NETSIM_DIR/nice/site.key" >/dev/null
log_after "$n" 'refused TLS from lyon 10\.77\.0\.2:[0-9]+: the certificate names nice\.sealcall\.test, not lyon\.sealcall\.test' ||
	sc_fail "no refusal logged for nice's certificate from lyon's address: $(tail -n 5 "$log")"
sc_pass "nice's certificate from lyon's address: refused and logged"

n=$(wc -l <"$log")
tls_try -tls1_2 -cipher 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA' \
	-cert "$NETSIM_DIR/lyon/site.crt" -key "$NETSIM_DIR/lyon/site.key" >/dev/null
log_after "$n" 'TLS from lyon 10\.77\.0\.2:[0-9]+ failed: no common cipher suite' ||
	sc_fail "no refusal logged for a CBC-only client: $(tail -n 5 "$log")"
sc_pass "TLS 1.2 with CBC suites only: refused and logged"

alive=${NETSIM_DAEMON_PID[paris]}
netsim_alive "$alive" || sc_fail "paris's daemon died"
netsim_stop_daemon lyon || sc_fail "lyon did not stop cleanly"
netsim_stop_daemon paris || sc_fail "paris did not stop cleanly"
sc_pass "daemons stopped"
