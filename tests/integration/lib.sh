# SPDX-License-Identifier: GPL-3.0-or-later
# Common start of the daemon integration tests: skip where they cannot run, then netsim.
# Not a test itself (the runner registers *.sh in this folder except lib.sh).

sc_require_root_and_tools() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "SKIP: needs root for network namespaces" >&2
		exit 77
	fi
	local tool
	for tool in ip wg wireguard-go tshark openssl; do
		command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (scripts/install-deps)" >&2; exit 77; }
	done
	[[ -c /dev/net/tun ]] || { echo "SKIP: no /dev/net/tun" >&2; exit 77; }
	[[ -x ${SC_BUILD_DIR:?SC_BUILD_DIR unset: run through ctest}/src/core/sealcalld ]] ||
		{ echo "FAIL: sealcalld not built in $SC_BUILD_DIR" >&2; exit 1; }
}

# The tests that put a virtual headset at a site also analyse its recordings with python3.
sc_require_headset_tools() {
	command -v python3 >/dev/null || { echo "SKIP: python3 missing" >&2; exit 77; }
	[[ -f $SC_BUILD_DIR/virtual-headset/libasound_module_pcm_schead.so ]] ||
		sc_fail "the virtual headset plugin is not built in $SC_BUILD_DIR"
}

sc_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

sc_pass() {
	echo "PASS: $*"
}

# Two sites, paris (1) and lyon (2), each with a policy; daemons not started yet.
sc_two_sites() {
	netsim_site paris 1 || sc_fail "could not make site paris"
	netsim_site lyon 2 || sc_fail "could not make site lyon"
	netsim_policy paris "$@" >/dev/null || sc_fail "policy for paris"
	netsim_policy lyon "$@" >/dev/null || sc_fail "policy for lyon"
}

# `sealcall ARGS...` against SITE's daemon, inside SITE's namespace (netsim_status is the
# same for `status` alone).
sc_cli() {
	local site=$1; shift
	netsim_exec "$site" timeout 10 "$SC_BUILD_DIR/src/core/sealcall" \
		--socket "$NETSIM_DIR/$site/run/control" "$@"
}

# The PID of the wireguard-go that SITE's daemon started.
sc_wg_go_pid() {
	local site=$1
	cat "$(netsim_dir "$site")/run/$(netsim_iface "$site").wg-go.pid" 2>/dev/null
}
