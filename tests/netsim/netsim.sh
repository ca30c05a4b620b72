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
