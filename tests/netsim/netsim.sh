# SPDX-License-Identifier: GPL-3.0-or-later
# netsim: a test network of sealcall sites in network namespaces, for integration tests and
# the demo. Source it from bash, then:
#
#   netsim_init NAME                 unique run prefix, temp dir, cleanup on exit
#   netsim_router                    the router namespace every site hangs off
#   netsim_site SITE INDEX           namespace NAME-RUN-SITE, veth to the router, underlay
#                                    198.18.INDEX.2/24 (router 198.18.INDEX.1), default route
#   netsim_keys SITE                 WireGuard key pair (0600) in the site's folder
#   netsim_policy SITE [KEY=VALUE]   writes $(netsim_dir SITE)/sealcall.yaml; see below
#   netsim_start_daemon SITE [ARGS]  sealcalld in the site's namespace, in the background
#   netsim_stop_daemon SITE [SECS]   SIGTERM, wait, SIGKILL; returns the daemon's exit code
#   netsim_wait_status SITE REGEX SECS   polls `sealcall status` until REGEX matches
#   netsim_capture_start IFACE NS FILE   tshark on IFACE in namespace NS, into FILE
#   netsim_capture_stop [FILE]       stops one capture (or all) and flushes the file
#   netsim_spawn SITE LOG CMD...     any command in the site's namespace, in the background,
#                                    its PID recorded for cleanup and left in NETSIM_LAST_PID
#                                    (not printed: it must stay this shell's child, so that
#                                    its exit code can be waited for)
#   netsim_cleanup                   runs by itself on exit
# Helpers: netsim_ns SITE, netsim_dir SITE, netsim_iface SITE, netsim_tunnel_ip SITE,
# netsim_underlay_ip SITE, netsim_underlay_dev, netsim_pubkey SITE, netsim_exec SITE CMD...,
# netsim_status SITE [ARGS] (`sealcall status`), netsim_alive PID (running, not a zombie),
# netsim_wait_for SECS CMD... (retries CMD every 0.2 s), netsim_on_cleanup CMD...
#
# A dead peer is noticed through keepalives: with keepalive=2, within 2*2+5 = 9 s of
# silence. stale_after bounds the handshake's age, and WireGuard renews handshakes only
# every 120 s, so a stale_after under ~135 s makes healthy peers flap: keep it at 180.
#
# Sites: tunnel 10.77.0.0/24 with site INDEX at 10.77.0.INDEX; WireGuard port 51820 on the
# underlay address; DNS names SITE.sealcall.test (in /etc/netns/NS/hosts, pointing at the
# tunnel addresses; certificates carry them too).
#
# netsim_policy overrides (KEY=VALUE): backend=auto|kernel|userspace keepalive=2
# stale_after=180 listen_port=51820 mtu=auto hotline=SITE auto_answer=false
# accept_unknown_callers=false require_verified_sas=false on_cache_mismatch=hangup
# audio_device=auto input_device=auto codecs="opus, pcmu, pcma" allow_sdes=false
# sip_port=5061 peers="lyon nice" (default: every other site).
#
# Only what a run made is touched: its namespaces (and the links in them), its temp dir,
# /etc/netns/<its namespaces>, the WireGuard sockets of its interface names, the PIDs it
# started (and the wireguard-go PIDs recorded in its runtime dirs). Everything is bounded
# in time.

NETSIM_NAME=
NETSIM_RUN=
NETSIM_DIR=
NETSIM_ROUTER=
NETSIM_LAST_PID=
declare -a NETSIM_NAMESPACES=()
declare -a NETSIM_PIDS=()
declare -a NETSIM_CAPTURES=()
declare -a NETSIM_CLEANUPS=()
declare -A NETSIM_SITE_INDEX=()
declare -A NETSIM_DAEMON_PID=()
declare -A NETSIM_CAPTURE_PID=()
NETSIM_SITES=()

netsim_log() { echo "netsim: $*" >&2; }

netsim_init() {
	local name=${1:?usage: netsim_init NAME}
	local try
	NETSIM_NAME=$name
	# Interface names are machine-wide (the WireGuard socket folder is shared by every
	# namespace), so the run id must not collide with a concurrent run.
	for try in 1 2 3 4 5 6 7 8; do
		NETSIM_RUN=$(printf '%04x' $(( (RANDOM ^ $$ ^ try * 7919) & 0xffff )))
		if ! ls /var/run/wireguard/sc"$NETSIM_RUN"* >/dev/null 2>&1 &&
			! ip netns list 2>/dev/null | grep -q -- "-$NETSIM_RUN-"; then
			break
		fi
	done
	NETSIM_DIR=$(mktemp -d "/tmp/netsim-$name-$NETSIM_RUN.XXXXXX") || return 1
	chmod 755 "$NETSIM_DIR"
	trap netsim_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	netsim_log "run $NETSIM_RUN in $NETSIM_DIR"
}

netsim_on_cleanup() { NETSIM_CLEANUPS+=("$*"); }

netsim_ns() { echo "$NETSIM_NAME-$NETSIM_RUN-$1"; }
netsim_dir() { echo "$NETSIM_DIR/$1"; }
netsim_index() {
	local i=${NETSIM_SITE_INDEX[$1]:-}
	[[ -n $i ]] || { netsim_log "unknown site $1"; return 1; }
	echo "$i"
}
netsim_iface() { echo "sc${NETSIM_RUN}s$(netsim_index "$1")"; }
netsim_tunnel_ip() { echo "10.77.0.$(netsim_index "$1")"; }
netsim_underlay_ip() { echo "198.18.$(netsim_index "$1").2"; }
netsim_underlay_dev() { echo "eth0"; }
netsim_pubkey() { cat "$NETSIM_DIR/$1/wireguard.pub"; }
netsim_exec() { local site=$1; shift; ip netns exec "$(netsim_ns "$site")" "$@"; }

# Retries CMD every 0.2 s for at most SECS seconds.
netsim_wait_for() {
	local secs=$1; shift
	local deadline=$((SECONDS + secs))
	while ((SECONDS < deadline)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	"$@" >/dev/null 2>&1
}

netsim_add_ns() {
	local ns=$1
	ip netns add "$ns" || return 1
	NETSIM_NAMESPACES+=("$ns")
	ip -n "$ns" link set lo up
}

netsim_router() {
	NETSIM_ROUTER="$NETSIM_NAME-$NETSIM_RUN-router"
	netsim_add_ns "$NETSIM_ROUTER" || return 1
	ip netns exec "$NETSIM_ROUTER" sysctl -qw net.ipv4.ip_forward=1
}

netsim_site() {
	local site=${1:?usage: netsim_site SITE INDEX} index=${2:?usage: netsim_site SITE INDEX}
	[[ $site =~ ^[a-z][a-z0-9-]{0,31}$ ]] || { netsim_log "bad site name $site"; return 1; }
	((index >= 1 && index <= 250)) || { netsim_log "site index 1..250"; return 1; }
	[[ -n $NETSIM_ROUTER ]] || netsim_router || return 1
	local ns="$NETSIM_NAME-$NETSIM_RUN-$site"
	NETSIM_SITE_INDEX[$site]=$index
	NETSIM_SITES+=("$site")
	netsim_add_ns "$ns" || return 1
	mkdir -p "$NETSIM_DIR/$site/run"
	# Created inside the namespaces directly: no temporary name in the root namespace.
	ip -n "$NETSIM_ROUTER" link add "r$index" type veth peer name eth0 netns "$ns" || return 1
	ip -n "$NETSIM_ROUTER" addr add "198.18.$index.1/24" dev "r$index"
	ip -n "$NETSIM_ROUTER" link set "r$index" up
	ip -n "$ns" addr add "198.18.$index.2/24" dev eth0
	ip -n "$ns" link set eth0 up
	# The default route is what makes a leak possible: the kill switch must stop it.
	ip -n "$ns" route add default via "198.18.$index.1"
	mkdir -p "/etc/netns/$ns"
	netsim_hosts
}

# /etc/netns/NS/hosts of every site maps every SITE.sealcall.test to its tunnel address.
netsim_hosts() {
	local s t
	for s in "${NETSIM_SITES[@]}"; do
		{
			echo "127.0.0.1 localhost"
			for t in "${NETSIM_SITES[@]}"; do
				echo "10.77.0.${NETSIM_SITE_INDEX[$t]} $t.sealcall.test"
			done
		} >"/etc/netns/$(netsim_ns "$s")/hosts"
	done
}

netsim_keys() {
	local site=${1:?usage: netsim_keys SITE} dir="$NETSIM_DIR/$1"
	mkdir -p "$dir"
	(umask 077 && wg genkey >"$dir/wireguard.key") || return 1
	wg pubkey <"$dir/wireguard.key" >"$dir/wireguard.pub"
}

netsim_ca() {
	[[ -f $NETSIM_DIR/ca.crt ]] && return 0
	command -v openssl >/dev/null || { netsim_log "openssl missing: apt-get install openssl"; return 1; }
	(umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$NETSIM_DIR/ca.key" -out "$NETSIM_DIR/ca.crt" -days 30 \
		-subj "/CN=sealcall netsim CA $NETSIM_RUN" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		2>/dev/null) || { netsim_log "openssl could not make the CA"; return 1; }
	chmod 644 "$NETSIM_DIR/ca.crt"
}

netsim_cert() {
	local site=$1 dir="$NETSIM_DIR/$1"
	netsim_ca || return 1
	[[ -f $dir/site.crt ]] && return 0
	(umask 077 && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$dir/site.key" -out "$dir/site.csr" -subj "/CN=$site.sealcall.test" \
		2>/dev/null) || return 1
	printf 'subjectAltName=DNS:%s.sealcall.test\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n' \
		"$site" >"$dir/site.ext"
	openssl x509 -req -in "$dir/site.csr" -CA "$NETSIM_DIR/ca.crt" -CAkey "$NETSIM_DIR/ca.key" \
		-CAcreateserial -days 30 -extfile "$dir/site.ext" -out "$dir/site.crt" 2>/dev/null ||
		return 1
	cp "$NETSIM_DIR/ca.crt" "$dir/ca.crt"
	rm -f "$dir/site.csr" "$dir/site.ext"
}

netsim_policy() {
	local site=${1:?usage: netsim_policy SITE [KEY=VALUE...]}; shift
	local -A o=([backend]=auto [keepalive]=2 [stale_after]=180 [listen_port]=51820 [mtu]=auto
		[hotline]= [auto_answer]=false [accept_unknown_callers]=false
		[require_verified_sas]=false [on_cache_mismatch]=hangup [audio_device]=auto
		[input_device]=auto [codecs]="opus, pcmu, pcma" [allow_sdes]=false [sip_port]=5061
		[peers]=)
	local kv
	for kv in "$@"; do
		[[ $kv == *=* && -v o[${kv%%=*}] ]] || { netsim_log "netsim_policy: unknown $kv"; return 1; }
		o[${kv%%=*}]=${kv#*=}
	done
	local dir="$NETSIM_DIR/$site" index p peers=()
	index=$(netsim_index "$site") || return 1
	[[ -f $dir/wireguard.key ]] || netsim_keys "$site" || return 1
	netsim_cert "$site" || return 1
	if [[ -n ${o[peers]} ]]; then
		read -r -a peers <<<"${o[peers]}"
	else
		for p in "${NETSIM_SITES[@]}"; do [[ $p == "$site" ]] || peers+=("$p"); done
	fi
	((${#peers[@]} > 0)) || { netsim_log "netsim_policy $site: no peer sites"; return 1; }
	[[ -n ${o[hotline]} ]] || o[hotline]=${peers[0]}
	for p in "${peers[@]}"; do
		[[ -f $NETSIM_DIR/$p/wireguard.pub ]] || netsim_keys "$p" || return 1
	done
	{
		echo "# Written by tests/netsim/netsim.sh for run $NETSIM_RUN."
		echo "site:"
		echo "  name: $site"
		echo "tunnel:"
		echo "  interface: $(netsim_iface "$site")"
		echo "  backend: ${o[backend]}"
		echo "  private_key_file: wireguard.key"
		echo "  address: 10.77.0.$index/24"
		echo "  listen_port: ${o[listen_port]}"
		echo "  mtu: ${o[mtu]}"
		echo "  stale_after: ${o[stale_after]}"
		echo "  peers:"
		for p in "${peers[@]}"; do
			echo "    - name: $p"
			echo "      public_key: $(netsim_pubkey "$p")"
			echo "      endpoint: 198.18.${NETSIM_SITE_INDEX[$p]}.2:${o[listen_port]}"
			echo "      allowed_ips: [10.77.0.${NETSIM_SITE_INDEX[$p]}/32]"
			echo "      persistent_keepalive: ${o[keepalive]}"
		done
		echo "sip:"
		echo "  transport: tls"
		echo "  port: ${o[sip_port]}"
		echo "  tls_min_version: \"1.2\""
		echo "  certificate: site.crt"
		echo "  private_key: site.key"
		echo "  ca: ca.crt"
		echo "directory:"
		for p in "${peers[@]}"; do
			echo "  - name: $p"
			echo "    uri: sips:$p@$p.sealcall.test"
			echo "    address: 10.77.0.${NETSIM_SITE_INDEX[$p]}"
			[[ $p == "${o[hotline]}" ]] && echo "    hotline: true"
		done
		echo "media:"
		echo "  codecs: [${o[codecs]}]"
		echo "  rtp_port_min: 16384"
		echo "  rtp_port_max: 16583"
		echo "  ptime: 20"
		echo "  allow_sdes: ${o[allow_sdes]}"
		echo "  zrtp:"
		echo "    key_agreements: [x255, ec25, dh3k]"
		echo "    hashes: [s256, s384]"
		echo "    ciphers: [aes1, aes3]"
		echo "    auth_tags: [hs80, hs32]"
		echo "    sas_types: [b32, b256]"
		echo "    cache_file: zrtp-cache"
		echo "rules:"
		echo "  require_tunnel: true"
		echo "  require_verified_sas: ${o[require_verified_sas]}"
		echo "  on_cache_mismatch: ${o[on_cache_mismatch]}"
		echo "  accept_unknown_callers: ${o[accept_unknown_callers]}"
		echo "  auto_answer: ${o[auto_answer]}"
		echo "audio:"
		echo "  device: ${o[audio_device]}"
		echo "  input_device: ${o[input_device]}"
		echo "  on_unplug: continue"
		echo "  volume: 80"
		echo "  buttons:"
		echo "    call: [KEY_PLAYPAUSE, KEY_PHONE]"
		echo "    mute: [KEY_MICMUTE]"
		echo "    long_press_ms: 1500"
	} >"$dir/sealcall.yaml"
	echo "$dir/sealcall.yaml"
}

# Starts CMD in SITE's namespace with output to LOG; `ip netns exec` replaces itself, so
# NETSIM_LAST_PID is the command's own PID.
netsim_spawn() {
	local site=$1 log=$2 ns; shift 2
	ns=$(netsim_ns "$site")
	ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
	NETSIM_LAST_PID=$!
	NETSIM_PIDS+=("$NETSIM_LAST_PID")
}

# Sends SIG to PID, waits up to SECS for it to end, then SIGKILL. Returns its exit code.
netsim_kill() {
	local pid=$1 sig=${2:-TERM} secs=${3:-10} deadline
	kill -0 "$pid" 2>/dev/null || { { wait "$pid"; } 2>/dev/null; return $?; }
	kill -"$sig" "$pid" 2>/dev/null
	deadline=$((SECONDS + secs))
	while kill -0 "$pid" 2>/dev/null && ! netsim_is_zombie "$pid" && ((SECONDS < deadline)); do
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null && ! netsim_is_zombie "$pid"; then
		netsim_log "PID $pid ignored SIG$sig for ${secs}s: killing it"
		kill -KILL "$pid" 2>/dev/null
	fi
	{ wait "$pid"; } 2>/dev/null
}

# True while PID runs. A zombie is dead: orphans (a crashed daemon's wireguard-go) are
# re-parented to PID 1, which in some containers never reaps them.
netsim_alive() {
	[[ $1 =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null && ! netsim_is_zombie "$1"
}

netsim_is_zombie() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat:0:1} == Z ]]
}

netsim_start_daemon() {
	local site=${1:?usage: netsim_start_daemon SITE}; shift
	local bin=${SC_BUILD_DIR:?SC_BUILD_DIR unset}/src/core/sealcalld dir="$NETSIM_DIR/$site"
	[[ -x $bin ]] || { netsim_log "$bin not built"; return 1; }
	[[ -f $dir/sealcall.yaml ]] || { netsim_log "no policy for $site: call netsim_policy"; return 1; }
	local -a env_cmd=()
	# netsim_headset (or a test) leaves the daemon's environment here, one VAR=VALUE a line
	if [[ -f $dir/daemon.env ]]; then
		mapfile -t env_cmd <"$dir/daemon.env"
		env_cmd=(env "${env_cmd[@]}")
	fi
	netsim_spawn "$site" "$dir/sealcalld.log" "${env_cmd[@]}" "$bin" --config "$dir/sealcall.yaml" \
		--runtime-dir "$dir/run" --log-level debug "$@" || return 1
	NETSIM_DAEMON_PID[$site]=$NETSIM_LAST_PID
	netsim_log "sealcalld for $site: PID $NETSIM_LAST_PID, log $dir/sealcalld.log"
}

# Gives SITE a virtual headset (tests/virtual-headset) named "vheadset": CAPTURE (a 48 kHz
# mono 16-bit WAV; default: silence) plays into its microphone, the earpiece is recorded to
# $NETSIM_DIR/SITE/heard.wav. Call before netsim_start_daemon, with a policy made with
# audio_device=vheadset (netsim_policy SITE audio_device=vheadset).
netsim_headset() {
	local site=${1:?usage: netsim_headset SITE [CAPTURE_WAV]} capture=${2:-}
	local dir="$NETSIM_DIR/$site" lib=${SC_BUILD_DIR:?SC_BUILD_DIR unset}/virtual-headset/libasound_module_pcm_schead.so
	local -a args=(--name vheadset --playback "$dir/heard.wav" --lib "$lib")
	[[ -f $lib ]] || { netsim_log "$lib not built"; return 1; }
	[[ -n $capture ]] && args+=(--capture "$capture")
	"$(dirname "${BASH_SOURCE[0]}")/../virtual-headset/make-asoundrc" "${args[@]}" >"$dir/asoundrc" || return 1
	echo "ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$dir/asoundrc" >"$dir/daemon.env"
	# Under ASan: libnss3 (libsrtp's crypto) keeps 72 bytes from its init to the end of the
	# process; that is NSS's, not ours, and would fail every daemon that keyed a call.
	echo "leak:libnss3.so" >"$dir/lsan.supp"
	echo "LSAN_OPTIONS=suppressions=$dir/lsan.supp" >>"$dir/daemon.env"
}

netsim_stop_daemon() {
	local site=${1:?usage: netsim_stop_daemon SITE} secs=${2:-15}
	local pid=${NETSIM_DAEMON_PID[$site]:-}
	[[ -n $pid ]] || { netsim_log "no daemon started for $site"; return 1; }
	netsim_kill "$pid" TERM "$secs"
	local rc=$?
	unset "NETSIM_DAEMON_PID[$site]"
	return $rc
}

netsim_status() {
	local site=$1; shift
	netsim_exec "$site" timeout 5 "${SC_BUILD_DIR:?}/src/core/sealcall" \
		--socket "$NETSIM_DIR/$site/run/control" status "$@"
}

netsim_wait_status() {
	local site=${1:?usage: netsim_wait_status SITE REGEX SECS} regex=$2 secs=${3:-30}
	local deadline=$((SECONDS + secs)) out=
	while ((SECONDS < deadline)); do
		out=$(netsim_status "$site" 2>&1) && [[ $out =~ $regex ]] && return 0
		sleep 0.5
	done
	out=$(netsim_status "$site" 2>&1)
	[[ $out =~ $regex ]] && return 0
	netsim_log "$site: status did not match /$regex/ within ${secs}s; last status:"
	echo "$out" >&2
	netsim_log "$site: last lines of its log:"
	tail -n 20 "$NETSIM_DIR/$site/sealcalld.log" >&2 2>/dev/null
	return 1
}

netsim_capture_start() {
	local iface=${1:?usage: netsim_capture_start IFACE NS FILE} ns=$2 file=$3
	command -v tshark >/dev/null || { netsim_log "tshark missing: apt-get install tshark"; return 1; }
	: >"$file.log"
	ip netns exec "$ns" tshark -n -i "$iface" -w "$file" >"$file.log" 2>&1 </dev/null &
	local pid=$!
	NETSIM_PIDS+=("$pid")
	NETSIM_CAPTURES+=("$file")
	NETSIM_CAPTURE_PID[$file]=$pid
	# tshark takes seconds to start; packets sent before this line would be missed.
	local deadline=$((SECONDS + 20))
	while ! grep -q -e "Capturing on" -e "Capture started" "$file.log" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
			netsim_log "tshark did not start on $iface in $ns:"
			cat "$file.log" >&2
			return 1
		fi
		sleep 0.1
	done
	# tshark says so a moment before a loaded machine has it reading the device: packets
	# sent at once were missed now and then (seen on a tun interface).
	sleep 1
}

netsim_capture_stop() {
	local files=("$@") f pid
	((${#files[@]})) || files=("${NETSIM_CAPTURES[@]}")
	for f in "${files[@]}"; do
		pid=${NETSIM_CAPTURE_PID[$f]:-}
		[[ -n $pid ]] || continue
		# SIGINT lets tshark flush the file; give the last packets a moment to land first.
		sleep 0.5
		netsim_kill "$pid" INT 10
		unset "NETSIM_CAPTURE_PID[$f]"
	done
}

netsim_cleanup() {
	local rc=$? c pid ns f site sock
	trap - EXIT INT TERM
	for c in "${NETSIM_CLEANUPS[@]}"; do eval "$c" || true; done
	for f in "${!NETSIM_CAPTURE_PID[@]}"; do netsim_capture_stop "$f"; done
	for ((c = ${#NETSIM_PIDS[@]} - 1; c >= 0; c--)); do
		pid=${NETSIM_PIDS[c]}
		kill -0 "$pid" 2>/dev/null && netsim_kill "$pid" TERM 10
	done
	# A daemon killed hard leaves its wireguard-go behind; its PID file is in our folder.
	if [[ -n $NETSIM_DIR && -d $NETSIM_DIR ]]; then
		for f in "$NETSIM_DIR"/*/run/*.wg-go.pid; do
			[[ -f $f ]] || continue
			pid=$(cat "$f" 2>/dev/null)
			if [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == wireguard-go ]]; then
				netsim_log "stopping leftover wireguard-go $pid ($f)"
				kill -TERM "$pid" 2>/dev/null
				netsim_wait_for 5 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null
			fi
		done
	fi
	for ns in "${NETSIM_NAMESPACES[@]}"; do
		# Anything still running inside a namespace this run made was started by it.
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			netsim_log "killing PID $pid still in $ns ($(cat "/proc/$pid/comm" 2>/dev/null))"
			kill -KILL "$pid" 2>/dev/null
		done
	done
	for site in "${NETSIM_SITES[@]}"; do
		sock="/var/run/wireguard/sc${NETSIM_RUN}s${NETSIM_SITE_INDEX[$site]}.sock"
		[[ -S $sock ]] && rm -f "$sock"
	done
	for ((c = ${#NETSIM_NAMESPACES[@]} - 1; c >= 0; c--)); do
		ns=${NETSIM_NAMESPACES[c]}
		ip netns del "$ns" 2>/dev/null
		[[ -d /etc/netns/$ns ]] && rm -rf "/etc/netns/$ns"
	done
	if [[ -n $NETSIM_DIR && -d $NETSIM_DIR ]]; then
		if [[ -n ${NETSIM_KEEP:-} ]]; then
			netsim_log "kept $NETSIM_DIR (NETSIM_KEEP set)"
		else
			rm -rf "$NETSIM_DIR"
		fi
	fi
	NETSIM_NAMESPACES=() NETSIM_PIDS=() NETSIM_SITES=() NETSIM_DIR=
	exit $rc
}

# ---- A headset the test drives: microphone switch, unplugging, buttons, one clock ----
#
#   netsim_headset_ctl SITE WAV     like netsim_headset, but the microphone stays silent until
#                                   `netsim_mic SITE on` (then plays WAV from its start), and
#                                   the virtual headset notes its clock in SITE/headset-events
#   netsim_mic SITE on|off          off also rewinds: the next on plays WAV from its start
#   netsim_unplug SITE / netsim_replug SITE
#                                   pull the headset out (its streams fail with -ENODEV, it
#                                   cannot be opened) and plug it back in, as a USB headset
#   netsim_buttons SITE             makes SITE/buttons, a FIFO of struct input_event records,
#                                   held open by this shell; use with input_device=$(netsim_dir
#                                   SITE)/buttons in netsim_policy
#   netsim_key SITE KEY VALUE       one key event (VALUE 1 press, 0 release, 2 repeat) and its
#                                   SYN_REPORT, stamped with CLOCK_MONOTONIC as the kernel would;
#                                   KEY is a number or KEY_PLAYPAUSE, KEY_PHONE, KEY_MICMUTE
#   netsim_press SITE KEY [HOLD_MS] press, hold (default 100 ms), release
declare -A NETSIM_BUTTON_FD=()

netsim_headset_ctl() {
	local site=${1:?usage: netsim_headset_ctl SITE WAV} capture=${2:?usage: netsim_headset_ctl SITE WAV}
	local dir="$NETSIM_DIR/$site" lib=${SC_BUILD_DIR:?SC_BUILD_DIR unset}/virtual-headset/libasound_module_pcm_schead.so
	[[ -f $lib ]] || { netsim_log "$lib not built"; return 1; }
	rm -f "$dir/mic-on" "$dir/unplugged"
	# The earpiece is recorded from inside the daemon's audio loop, so a write that waits
	# for a busy disk (ext4's journal while other jobs write) would stall the daemon and
	# make the test, not the appliance, drop audio. The recording lives in memory (tmpfs)
	# and is moved into the site's folder at clean-up, for NETSIM_KEEP.
	local mem=/dev/shm/netsim-$NETSIM_NAME-$NETSIM_RUN-$site rec="$dir/heard.wav"
	if [[ -d /dev/shm ]] && mkdir -p "$mem"; then
		rec="$mem/heard.wav"
		ln -sfn "$rec" "$dir/heard.wav"
		netsim_on_cleanup "[[ -f '$rec' ]] && mv -f '$rec' '$dir/heard.wav'; rm -rf '$mem'"
	fi
	"$(dirname "${BASH_SOURCE[0]}")/../virtual-headset/make-asoundrc" --name vheadset \
		--capture "$capture" --capture-start "$dir/mic-on" --unplug-file "$dir/unplugged" \
		--events "$dir/headset-events" --playback "$rec" --lib "$lib" \
		>"$dir/asoundrc" || return 1
	echo "ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$dir/asoundrc" >"$dir/daemon.env"
	# as netsim_headset: libnss3's init-time allocation is NSS's, not ours
	echo "leak:libnss3.so" >"$dir/lsan.supp"
	echo "LSAN_OPTIONS=suppressions=$dir/lsan.supp" >>"$dir/daemon.env"
}

netsim_mic() {
	local site=${1:?usage: netsim_mic SITE on|off} dir="$NETSIM_DIR/$1"
	case ${2:-} in
	on) : >"$dir/mic-on" ;;
	off) rm -f "$dir/mic-on" ;;
	*) netsim_log "usage: netsim_mic SITE on|off"; return 1 ;;
	esac
}

netsim_unplug() { : >"$NETSIM_DIR/${1:?usage: netsim_unplug SITE}/unplugged"; }
netsim_replug() { rm -f "$NETSIM_DIR/${1:?usage: netsim_replug SITE}/unplugged"; }

netsim_buttons() {
	local site=${1:?usage: netsim_buttons SITE} fifo fd
	fifo="$NETSIM_DIR/$site/buttons"
	mkdir -p "$NETSIM_DIR/$site"
	[[ -p $fifo ]] || mkfifo -m 600 "$fifo" || return 1
	# Read-write: opening never blocks, and the daemon never sees the writer go away (which
	# it would take for the node vanishing).
	exec {fd}<>"$fifo" || return 1
	NETSIM_BUTTON_FD[$site]=$fd
	netsim_on_cleanup "exec ${fd}>&-"
}

# Writes key records to SITE's button FIFO from one process: "CODE VALUE SLEEP_MS" triples,
# each record stamped when it is written (so a slow start of python3 on a busy machine
# cannot stretch a short press into a long one). The first record's time (CLOCK_MONOTONIC
# ns) is left in $NETSIM_DIR/SITE/last-key-ns.
netsim_key_script() {
	local site=${1:?} fd=${NETSIM_BUTTON_FD[$1]:-}
	shift
	[[ -n $fd ]] || { netsim_log "netsim_key: call netsim_buttons $site first"; return 1; }
	python3 -c '
import os, struct, sys, time
out = int(sys.argv[1])
args = [int(a) for a in sys.argv[3:]]
for i in range(0, len(args), 3):
    key, value, pause = args[i:i + 3]
    t = time.clock_gettime(time.CLOCK_MONOTONIC)
    sec, usec = int(t), int((t - int(t)) * 1e6)
    # struct input_event on 64-bit Linux: struct timeval (two longs), type, code, value;
    # then the SYN_REPORT that ends the packet
    os.write(out, struct.pack("<qqHHi", sec, usec, 1, key, value) +
             struct.pack("<qqHHi", sec, usec, 0, 0, 0))
    if i == 0:
        open(sys.argv[2], "w").write("%d\n" % (sec * 1000000000 + usec * 1000))
    time.sleep(pause / 1000.0)' "$fd" "$NETSIM_DIR/$site/last-key-ns" "$@"
}

netsim_key_code() {
	case $1 in
	KEY_PLAYPAUSE) echo 164 ;;
	KEY_PHONE) echo 169 ;;
	KEY_MICMUTE) echo 248 ;;
	*[!0-9]* | '') netsim_log "unknown key $1"; return 1 ;;
	*) echo "$1" ;;
	esac
}

netsim_key() {
	local site=${1:?usage: netsim_key SITE KEY VALUE} key value=${3:?usage: netsim_key SITE KEY VALUE}
	key=$(netsim_key_code "${2:?}") || return 1
	netsim_key_script "$site" "$key" "$value" 0
}

netsim_press() {
	local site=${1:?usage: netsim_press SITE KEY [HOLD_MS]} key hold=${3:-100}
	key=$(netsim_key_code "${2:?}") || return 1
	netsim_key_script "$site" "$key" 1 "$hold" "$key" 0 0
}

# ---- An impaired underlay between two sites (there is no netem here) ----
#
#   netsim_impair SITE_A SITE_B [sc-impair options: --loss PCT --jitter MS --delay MS
#                 --seed N --queue N]
#       runs tests/tools/sc-impair in the router namespace and points each site's WireGuard
#       peer endpoint for the other at it (198.18.INDEX.1:51900, the router's side of the
#       site's own link), so everything between the two crosses the relay. Call after
#       netsim_policy for both sites and before their daemons start. The relay's counts
#       are in $NETSIM_DIR/impair.stats (every second) and its log in impair.log.
netsim_impair() {
	local a=${1:?usage: netsim_impair SITE_A SITE_B [OPTIONS]} b=${2:?usage: netsim_impair SITE_A SITE_B [OPTIONS]}
	shift 2
	local bin=${SC_BUILD_DIR:?SC_BUILD_DIR unset}/tests/tools/sc-impair ia ib port
	[[ -x $bin ]] || { netsim_log "$bin not built (make sc-impair)"; return 1; }
	ia=$(netsim_index "$a") && ib=$(netsim_index "$b") || return 1
	port=$(sed -n 's/^  listen_port: //p' "$NETSIM_DIR/$a/sealcall.yaml")
	[[ $port =~ ^[0-9]+$ ]] || { netsim_log "netsim_impair: no listen_port in $a's policy"; return 1; }
	# each site's endpoint for the other becomes its own leg of the relay
	sed -i "s|endpoint: 198\.18\.$ib\.2:\([0-9]*\)|endpoint: 198.18.$ia.1:51900  # sc-impair; $b is 198.18.$ib.2:\1|" \
		"$NETSIM_DIR/$a/sealcall.yaml"
	sed -i "s|endpoint: 198\.18\.$ia\.2:\([0-9]*\)|endpoint: 198.18.$ib.1:51900  # sc-impair; $a is 198.18.$ia.2:\1|" \
		"$NETSIM_DIR/$b/sealcall.yaml"
	# The relay is test equipment: with real-time scheduling (where allowed) a busy machine
	# does not add its own delays to the ones it was asked for.
	local -a rt=()
	chrt -f 10 true 2>/dev/null && rt=(chrt -f 10)
	ip netns exec "$NETSIM_ROUTER" "${rt[@]}" "$bin" --leg "198.18.$ia.1:51900=198.18.$ia.2:$port" \
		--leg "198.18.$ib.1:51900=198.18.$ib.2:$port" --stats "$NETSIM_DIR/impair.stats" "$@" \
		>"$NETSIM_DIR/impair.log" 2>&1 </dev/null &
	NETSIM_PIDS+=("$!")
	NETSIM_IMPAIR_PID=$!
	netsim_wait_for 5 grep -q relaying "$NETSIM_DIR/impair.log" ||
		{ netsim_log "sc-impair did not start:"; cat "$NETSIM_DIR/impair.log" >&2; return 1; }
}

# ---- Deployments made by `sealcall provision` (provision_*.sh, bench/hub_limits.sh) ----
#
#   netsim_provision SITES_YAML OUTDIR  runs sealcall-provision (from SC_BUILD_DIR)
#   netsim_bundle SITE BUNDLE_DIR       puts a provisioned bundle in SITE's folder as it is:
#                                       the policy unchanged (give the sites file this run's
#                                       interface names, addresses and endpoints instead)
#   netsim_hub_up SITE HUB_DIR [KAMAILIO_ARGS...]
#                                       the hub in SITE's namespace from the provisioned hub
#                                       folder: wireguard-go configured from wg0.conf as wg-quick
#                                       would (Address, ListenPort, peers, PostUp), on the
#                                       interface $(netsim_iface SITE); then Kamailio running
#                                       the folder's kamailio.cfg (SEALCALL_DIR pointed at a
#                                       copy in $(netsim_dir SITE)/kamailio), until it listens
#   NETSIM_HUB_KAMAILIO_PID             the Kamailio main process, once netsim_hub_up returned
# The sites file should give the hub `address: 10.77.0.INDEX` (INDEX its netsim index), so
# that hub.DOMAIN in the hosts files is the address Kamailio listens on.
NETSIM_HUB_KAMAILIO_PID=

netsim_provision() {
	local sites=${1:?usage: netsim_provision SITES_YAML OUTDIR} out=${2:?usage: netsim_provision SITES_YAML OUTDIR}
	local bin=${SC_BUILD_DIR:?SC_BUILD_DIR unset}/src/provision/sealcall-provision
	[[ -x $bin ]] || { netsim_log "$bin not built"; return 1; }
	"$bin" "$sites" "$out" >"$out.log" 2>&1 || {
		netsim_log "sealcall-provision $sites $out failed:"
		cat "$out.log" >&2
		return 1
	}
}

netsim_bundle() {
	local site=${1:?usage: netsim_bundle SITE BUNDLE_DIR} bundle=${2:?usage: netsim_bundle SITE BUNDLE_DIR}
	[[ -f $bundle/sealcall.yaml ]] || { netsim_log "$bundle holds no sealcall.yaml"; return 1; }
	mkdir -p "$NETSIM_DIR/$site" && cp -a "$bundle/." "$NETSIM_DIR/$site/"
}

netsim_hub_up() {
	local site=${1:?usage: netsim_hub_up SITE HUB_DIR} hub=${2:?usage: netsim_hub_up SITE HUB_DIR}
	shift 2
	local dir="$NETSIM_DIR/$site" iface key value addresses=() postups=() a cmd
	iface=$(netsim_iface "$site") || return 1
	command -v kamailio >/dev/null || PATH=$PATH:/usr/sbin
	command -v kamailio >/dev/null || { netsim_log "kamailio missing: apt-get install kamailio kamailio-tls-modules"; return 1; }
	[[ -f $hub/wg0.conf && -f $hub/kamailio.cfg ]] || { netsim_log "$hub is not a provisioned hub folder"; return 1; }
	mkdir -p "$dir"
	# wg-quick's own keys go to ip and the shell; the rest is wg's format as it is.
	(umask 077 && : >"$dir/wg.conf")
	while IFS= read -r line; do
		key=${line%%=*} key=${key//[[:space:]]/}
		value=${line#*=} value=${value#"${value%%[![:space:]]*}"}
		case $key in
		Address) IFS=', ' read -r -a a <<<"$value"; addresses+=("${a[@]}") ;;
		PostUp) postups+=("${value//%i/$iface}") ;;
		PreUp | PostDown | PreDown | DNS | MTU | Table | SaveConfig) ;;
		*) printf '%s\n' "$line" >>"$dir/wg.conf" ;;
		esac
	done <"$hub/wg0.conf"
	netsim_spawn "$site" "$dir/wireguard-go.log" env WG_PROCESS_FOREGROUND=1 wireguard-go -f "$iface" || return 1
	netsim_wait_for 10 netsim_exec "$site" ip link show "$iface" ||
		{ netsim_log "the hub's interface $iface did not appear"; return 1; }
	netsim_exec "$site" wg setconf "$iface" "$dir/wg.conf" || { netsim_log "wg setconf refused $hub/wg0.conf"; return 1; }
	for a in "${addresses[@]}"; do
		netsim_exec "$site" ip addr add "$a" dev "$iface" || return 1
	done
	netsim_exec "$site" ip link set "$iface" up || return 1
	for cmd in "${postups[@]}"; do
		netsim_exec "$site" bash -c "$cmd" || { netsim_log "the hub's PostUp failed: $cmd"; return 1; }
	done
	# Installed as docs/provisioning.md says, in a folder of this run: only SEALCALL_DIR changes.
	rm -rf "$dir/kamailio"
	cp -a "$hub" "$dir/kamailio" && mkdir -p "$dir/kamailio/run" || return 1
	sed -i "s|!SEALCALL_DIR!/etc/kamailio/sealcall!g|!SEALCALL_DIR!$dir/kamailio!g|" "$dir/kamailio/kamailio.cfg"
	grep -q "!SEALCALL_DIR!$dir/kamailio!g" "$dir/kamailio/kamailio.cfg" ||
		{ netsim_log "no SEALCALL_DIR line in $hub/kamailio.cfg"; return 1; }
	netsim_exec "$site" timeout 20 kamailio -c -f "$dir/kamailio/kamailio.cfg" >"$dir/kamailio-check.log" 2>&1 ||
		{ netsim_log "kamailio -c refuses the hub's configuration:"; cat "$dir/kamailio-check.log" >&2; return 1; }
	local listen
	listen=$(sed -n 's/^listen=tls:\(.*\)$/\1/p' "$dir/kamailio/kamailio.cfg")
	netsim_spawn "$site" "$dir/kamailio.log" kamailio -DD -E -m 64 -M 8 "$@" -f "$dir/kamailio/kamailio.cfg" \
		-Y "$dir/kamailio/run" -P "$dir/kamailio/run/kamailio.pid" || return 1
	NETSIM_HUB_KAMAILIO_PID=$NETSIM_LAST_PID
	netsim_wait_for 20 bash -c "ip netns exec $(netsim_ns "$site") ss -Htln 'src $listen' | grep -q ." || {
		netsim_log "Kamailio does not listen on $listen:"
		tail -n 20 "$dir/kamailio.log" >&2
		return 1
	}
	netsim_log "hub in $site: $iface ${addresses[*]}, Kamailio PID $NETSIM_HUB_KAMAILIO_PID on tls:$listen"
}
