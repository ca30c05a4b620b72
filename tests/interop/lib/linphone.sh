# SPDX-License-Identifier: GPL-3.0-or-later
# linphonec (Debian linphone-cli 5.1) as a headless test peer in a netsim site's namespace
# (a site with its own WireGuard tunnel: interop_peer_site + interop_tunnel_up). Source
# netsim.sh and common.sh first.
#
#   interop_linphone_start NAME SITE [KEY=VALUE...]
#       a fresh HOME and rc for this run in $(netsim_dir SITE)/linphone-NAME-RUN/, linphonec
#       started in SITE's namespace reading commands from a FIFO that this shell holds open
#       on a file descriptor (so linphonec never sees EOF), console output in console.log,
#       debug log (-d 6) in linphone.log. Keys:
#         user=NAME password=  account at the registrar (no registrar: no account)
#         registrar=SITE       the hub's netsim site (kamailio.sh); domain SITE.sealcall.test
#         zrtp=default|strong  strong = X255, S384, AES3, HS80, B256 first (see below)
#         auto_answer=0|1      linphonec -a
#         play=WAV record=WAV  file sound card: WAV replaces the microphone (looped), the
#                              far end's audio is recorded (48 kHz mono) into record
#         rtp_port=N           first RTP port (default 16384); tls_port=N (default 5061)
#         expires=N            registration lifetime (default 600)
#         identity=URI         the account's identity (default sips:user@REGISTRAR-DOMAIN); a
#                              softphone provisioned as a sealcall site says
#                              sips:NAME@NAME.DOMAIN, as the sites' directories know it
#         realm=REALM          the digest realm of the password (default REGISTRAR-DOMAIN)
#         rtcp_mux=0|1         [rtp] rtcp_mux: offer and accept a=rtcp-mux (stock: 0, RTCP
#                              on the RTP port + 1)
#   interop_linphone_cmd NAME COMMAND...        one console command
#   interop_linphone_wait NAME REGEX SECS       until the console prints REGEX (grep -E) after
#                                               what the previous wait matched
#   interop_linphone_wait_registered NAME SECS
#   interop_linphone_call NAME URI              `call URI`
#   interop_linphone_answer NAME                `answer` (or start it with auto_answer=1)
#   interop_linphone_terminate NAME             `terminate` (all calls)
#   interop_linphone_wait_encrypted NAME SECS   until "Call N is fully encrypted and auth
#                                               token is SAS." (call it directly, not in $(...):
#                                               waits consume output and record the SAS here)
#   interop_linphone_sas NAME                   the SAS that wait found
#   interop_linphone_zrtp_config NAME           its configured ZRTP suites (from its rc)
#   interop_linphone_zrtp_negotiated NAME       what the last ZRTP exchange agreed on (from
#                                               its log), in bzrtp's words: "cipher=AES-256
#                                               key_agreement=ECDH-255 hash=SHA-384
#                                               auth_tag=HMAC-SHA1-80 sas=PGP-WordList"
#   interop_linphone_zrtp_negotiated_wire NAME  the same as sealcall logs it: "ka=X255
#                                               cipher=AES3 hash=S384 auth=HS80 sas=B256"
#   interop_linphone_zrtp_role NAME             initiator|responder in the last ZRTP exchange
#   interop_linphone_setup_ms NAME [setup|zrtp] the last call's start (or media start) ->
#                                               SRTP keyed, in ms, from its log
#   interop_linphone_stop NAME [SECS]           `quit`, then SIGTERM/SIGKILL by PID
#   interop_linphone_dir NAME, interop_linphone_pid NAME, interop_linphone_site NAME,
#   interop_linphone_uri NAME (its account's URI, or sips:NAME@SITE.sealcall.test without one)
#
# Linphone accepts no incoming TLS connection: it reaches others, and others reach it,
# only through its registrar (see kamailio.sh). Its rc has no UDP or TCP listener at all
# (with them, a plaintext INVITE would ring it), ZRTP is mandatory, and its TLS verifies
# the server's name against the netsim CA (names, not IP addresses: Linphone's TLS
# ignores IP addresses in certificates).

declare -A INTEROP_LINPHONE_PID=() INTEROP_LINPHONE_FD=() INTEROP_LINPHONE_DIR=()
declare -A INTEROP_LINPHONE_SITE=() INTEROP_LINPHONE_URI=() INTEROP_LINPHONE_SEEN=()
declare -A INTEROP_LINPHONE_LAST_MATCH=() INTEROP_LINPHONE_SAS=()
INTEROP_LINPHONE_RUNS=0

# Linphone's own names for the suites, in order of preference. "default" leaves Linphone's
# stock choice (it offers S256; AES1 AES3; HS80 HS32; DH3k; B32 and agrees on DH3k, AES1,
# S256, HS80, B32 with itself); "strong" puts X255, S384, AES3, B256 first. A test may set
# these variables before interop_linphone_start to try other orders.
INTEROP_LINPHONE_ZRTP_STRONG_KEY_AGREEMENTS=MS_ZRTP_KEY_AGREEMENT_X255,MS_ZRTP_KEY_AGREEMENT_DH3K
INTEROP_LINPHONE_ZRTP_STRONG_HASHES=MS_ZRTP_HASH_S384,MS_ZRTP_HASH_S256
INTEROP_LINPHONE_ZRTP_STRONG_CIPHERS=MS_ZRTP_CIPHER_AES3,MS_ZRTP_CIPHER_AES1
INTEROP_LINPHONE_ZRTP_STRONG_AUTH_TAGS=MS_ZRTP_AUTHTAG_HS80,MS_ZRTP_AUTHTAG_HS32
INTEROP_LINPHONE_ZRTP_STRONG_SAS=MS_ZRTP_SAS_B256,MS_ZRTP_SAS_B32

interop_linphone_dir() { echo "${INTEROP_LINPHONE_DIR[$1]:?no linphone $1}"; }
interop_linphone_pid() { echo "${INTEROP_LINPHONE_PID[$1]:?no linphone $1}"; }
interop_linphone_site() { echo "${INTEROP_LINPHONE_SITE[$1]:?no linphone $1}"; }
interop_linphone_uri() { echo "${INTEROP_LINPHONE_URI[$1]:?no linphone $1}"; }

interop_linphone_rc() {
	local name=$1 site=$2 dir=$3
	local -n opt=$4
	local ip domain reg
	ip=$(netsim_tunnel_ip "$site") || return 1
	local sdir
	sdir=$(netsim_dir "$site")
	{
		echo "[sip]"
		echo "sip_port=0"
		echo "sip_tcp_port=0"
		echo "sip_tls_port=${opt[tls_port]}"
		echo "bind_address=$ip"
		echo "guess_hostname=0"
		# The identity of calls made without an account: the directory's form of a site URI.
		echo "contact=\"$name\" <sips:$name@$site.sealcall.test>"
		echo "root_ca=$sdir/ca.crt"
		echo "verify_server_certs=1"
		echo "verify_server_cn=1"
		echo "client_cert_chain=$sdir/site.crt"
		echo "client_cert_key=$sdir/site.key"
		echo "media_encryption=zrtp"
		echo "media_encryption_mandatory=1"
		echo "zrtp_secrets_db_uri=$dir/home/.local/share/linphone/zrtp-secrets.db"
		echo "register_only_when_network_is_up=0"
		echo "ipv6=0"
		echo "inc_timeout=60"
		if [[ ${opt[zrtp]} == strong ]]; then
			echo "zrtp_key_agreements_suites=$INTEROP_LINPHONE_ZRTP_STRONG_KEY_AGREEMENTS"
			echo "zrtp_hash_suites=$INTEROP_LINPHONE_ZRTP_STRONG_HASHES"
			echo "zrtp_cipher_suites=$INTEROP_LINPHONE_ZRTP_STRONG_CIPHERS"
			echo "zrtp_auth_suites=$INTEROP_LINPHONE_ZRTP_STRONG_AUTH_TAGS"
			echo "zrtp_sas_suites=$INTEROP_LINPHONE_ZRTP_STRONG_SAS"
		fi
		[[ -n ${opt[registrar]} ]] && echo "default_proxy=0"
		echo
		echo "[rtp]"
		echo "audio_rtp_port=${opt[rtp_port]}"
		echo "bind_address=$ip"
		echo "audio_jitt_comp=60"
		echo "rtcp_mux=${opt[rtcp_mux]}"
		echo
		echo "[net]"
		# Every name is in /etc/netns/NS/hosts; an SRV query would only wait for a timeout.
		echo "dns_srv_enabled=0"
		echo
		echo "[sound]"
		echo "echocancellation=0"
		echo
		echo "[video]"
		echo "enabled=0"
		echo "capture=0"
		echo "display=0"
		if [[ -n ${opt[registrar]} ]]; then
			reg=${opt[registrar]}
			domain=$reg.sealcall.test
			echo
			echo "[proxy_0]"
			echo "reg_proxy=<sips:$domain:$INTEROP_KAMAILIO_PORT;transport=tls>"
			# Without reg_route Linphone resolves the domain through DNS (SRV) instead.
			echo "reg_route=<sips:$domain:$INTEROP_KAMAILIO_PORT;transport=tls;lr>"
			echo "reg_identity=\"${opt[user]}\" <${opt[identity]:-sips:${opt[user]}@$domain}>"
			echo "reg_expires=${opt[expires]}"
			echo "reg_sendregister=1"
			echo "publish=0"
			echo "dial_escape_plus=0"
			echo
			echo "[auth_info_0]"
			echo "username=${opt[user]}"
			echo "userid=${opt[user]}"
			echo "passwd=${opt[password]}"
			echo "realm=${opt[realm]:-$domain}"
			echo "domain=$domain"
		fi
	} >"$dir/linphonerc"
	chmod 600 "$dir/linphonerc"
}

interop_linphone_start() {
	local name=${1:?usage: interop_linphone_start NAME SITE [KEY=VALUE...]}
	local site=${2:?usage: interop_linphone_start NAME SITE [KEY=VALUE...]}
	shift 2
	local -A o=([user]=$name [password]="" [registrar]="" [zrtp]=default [auto_answer]=0
		[play]="" [record]="" [rtp_port]=16384 [tls_port]=5061 [expires]=600 [identity]=""
		[realm]="" [rtcp_mux]=0)
	local kv dir ns fd pid args=()
	command -v linphonec >/dev/null || { interop_log "linphonec missing: apt-get install linphone-cli"; return 1; }
	[[ -z ${INTEROP_LINPHONE_PID[$name]:-} ]] || { interop_log "linphone $name already runs"; return 1; }
	for kv in "$@"; do
		[[ $kv == *=* && -v o[${kv%%=*}] ]] || { interop_log "interop_linphone_start: unknown $kv"; return 1; }
		o[${kv%%=*}]=${kv#*=}
	done
	[[ ${o[zrtp]} == default || ${o[zrtp]} == strong ]] ||
		{ interop_log "interop_linphone_start: zrtp=default|strong, not ${o[zrtp]}"; return 1; }
	[[ -z ${o[registrar]} || -n ${o[password]} ]] ||
		{ interop_log "interop_linphone_start $name: registrar needs password="; return 1; }
	INTEROP_LINPHONE_RUNS=$((INTEROP_LINPHONE_RUNS + 1))
	# A fresh HOME and rc each run (linphonec rewrites its rc on exit, and keeps its ZRTP
	# cache and call history under HOME); earlier runs' folders stay for the post-mortem.
	dir=$(netsim_dir "$site")/linphone-$name-$INTEROP_LINPHONE_RUNS
	ns=$(netsim_ns "$site")
	rm -rf "$dir"
	# Without this folder Linphone silently opens no listening point at all.
	mkdir -p "$dir/home/.local/share/linphone" || return 1
	interop_linphone_rc "$name" "$site" "$dir" o || return 1
	mkfifo "$dir/fifo" || return 1
	# Opened read-write: the open does not wait for a reader, and linphonec never reads EOF
	# while this shell lives.
	exec {fd}<>"$dir/fifo" || return 1
	# -S prints the state changes (registration, call states) that the waits look for.
	args=(-c "$dir/linphonerc" -S -d 6 -l "$dir/linphone.log")
	[[ ${o[auto_answer]} == 1 ]] && args+=(-a)
	: >"$dir/console.log"
	# stdbuf: the console goes to a file, which stdio would buffer until exit.
	ip netns exec "$ns" env HOME="$dir/home" stdbuf -oL -eL linphonec "${args[@]}" \
		<"$dir/fifo" >"$dir/console.log" 2>&1 &
	pid=$!
	NETSIM_PIDS+=("$pid")
	INTEROP_LINPHONE_PID[$name]=$pid
	INTEROP_LINPHONE_FD[$name]=$fd
	INTEROP_LINPHONE_DIR[$name]=$dir
	INTEROP_LINPHONE_SITE[$name]=$site
	if [[ -n ${o[identity]} ]]; then
		INTEROP_LINPHONE_URI[$name]=${o[identity]}
	elif [[ -n ${o[registrar]} ]]; then
		INTEROP_LINPHONE_URI[$name]="sips:${o[user]}@${o[registrar]}.sealcall.test"
	else
		INTEROP_LINPHONE_URI[$name]="sips:$name@$site.sealcall.test"
	fi
	INTEROP_LINPHONE_SEEN[$name]=0
	netsim_on_cleanup "interop_linphone_close_fd $name"
	interop_log "linphonec $name in $site: PID $pid, $dir"
	# The first prompt says the core is up; commands sent before it are still read, but
	# a linphonec that dies at start (bad rc) is caught here.
	if ! interop_linphone_wait "$name" 'linphonec> ' 15; then
		interop_log "linphonec $name did not start; console:"
		tail -n 20 "$dir/console.log" >&2
		return 1
	fi
	interop_linphone_cmd "$name" "soundcard use files" || return 1
	[[ -n ${o[play]} ]] && { interop_linphone_cmd "$name" "play ${o[play]}" || return 1; }
	[[ -n ${o[record]} ]] && { interop_linphone_cmd "$name" "record ${o[record]}" || return 1; }
	return 0
}

interop_linphone_close_fd() {
	local fd=${INTEROP_LINPHONE_FD[$1]:-}
	[[ -n $fd ]] && exec {fd}>&-
	unset "INTEROP_LINPHONE_FD[$1]"
	return 0
}

interop_linphone_cmd() {
	local name=${1:?usage: interop_linphone_cmd NAME COMMAND...}; shift
	local fd=${INTEROP_LINPHONE_FD[$name]:-}
	[[ -n $fd ]] || { interop_log "no linphone $name"; return 1; }
	netsim_alive "${INTEROP_LINPHONE_PID[$name]}" ||
		{ interop_log "linphonec $name is not running"; return 1; }
	printf '%s\n' "$*" >&"$fd"
}

# Console output is consumed as it is waited for: each wait looks only after the line the
# previous successful wait matched, so an old "Receiving new incoming call" or SAS line
# never answers a new wait.
interop_linphone_wait() {
	local name=${1:?usage: interop_linphone_wait NAME REGEX SECS} regex=$2 secs=${3:-10}
	local console off hit deadline LC_ALL=C
	console=$(interop_linphone_dir "$name")/console.log
	off=${INTEROP_LINPHONE_SEEN[$name]:-0}
	deadline=$((SECONDS + secs))
	while :; do
		hit=$(tail -c +"$((off + 1))" "$console" 2>/dev/null | grep -abE -m 1 -- "$regex")
		if [[ -n $hit ]]; then
			# grep -b gives the byte offset of the matching line; skip past that line.
			local line=${hit#*:}
			INTEROP_LINPHONE_SEEN[$name]=$((off + ${hit%%:*} + ${#line} + 1))
			INTEROP_LINPHONE_LAST_MATCH[$name]=$line
			return 0
		fi
		((SECONDS < deadline)) || return 1
		sleep 0.05
	done
}

# linphonec prints no line when a registration succeeds: ask with `status register`.
interop_linphone_wait_registered() {
	local name=${1:?usage: interop_linphone_wait_registered NAME SECS} secs=${2:-10}
	local console deadline
	console=$(interop_linphone_dir "$name")/console.log
	deadline=$((SECONDS + secs))
	while ((SECONDS < deadline)); do
		interop_linphone_cmd "$name" "status register" || return 1
		interop_linphone_wait "$name" '(^|> )registered, identity=' 1 && return 0
	done
	interop_log "linphone $name did not register within ${secs}s; console:"
	grep -v '^linphonec> *$' "$console" | tail -n 10 >&2
	return 1
}

interop_linphone_call() { interop_linphone_cmd "${1:?usage: interop_linphone_call NAME URI}" "call ${2:?URI}"; }
interop_linphone_answer() { interop_linphone_cmd "${1:?usage: interop_linphone_answer NAME}" answer; }
interop_linphone_terminate() { interop_linphone_cmd "${1:?usage: interop_linphone_terminate NAME}" "terminate all"; }

interop_linphone_sas() {
	local name=${1:?usage: interop_linphone_sas NAME}
	echo "${INTEROP_LINPHONE_SAS[$name]:-}"
}

# Not in $(...): the wait consumes console output and records the SAS in this shell.
interop_linphone_wait_encrypted() {
	local name=${1:?usage: interop_linphone_wait_encrypted NAME SECS} secs=${2:-10}
	INTEROP_LINPHONE_SAS[$name]=
	if ! interop_linphone_wait "$name" 'Call [0-9]+ is fully encrypted and auth token is ' "$secs"; then
		interop_log "linphone $name: no encrypted call within ${secs}s; console:"
		grep -v '^linphonec> *$' "$(interop_linphone_dir "$name")/console.log" | tail -n 10 >&2
		return 1
	fi
	INTEROP_LINPHONE_SAS[$name]=$(sed -nE 's/.*Call [0-9]+ is fully encrypted and auth token is ([^ ]+)\.$/\1/p' \
		<<<"${INTEROP_LINPHONE_LAST_MATCH[$name]}")
	[[ -n ${INTEROP_LINPHONE_SAS[$name]} ]]
}

# The ZRTP lines of its rc, as Linphone was told them ("" = its stock suites).
interop_linphone_zrtp_config() {
	local name=${1:?usage: interop_linphone_zrtp_config NAME}
	grep -E '^zrtp_(key_agreements|hash|cipher|auth|sas)_suites=' \
		"$(interop_linphone_dir "$name")/linphonerc"
}

# "cipher=AES-256 key_agreement=X25519 hash=SHA-384 auth_tag=HMAC-SHA1-80 sas=Base256"
# from the last "ZRTP algo used during negotiation" line of its log.
interop_linphone_zrtp_negotiated() {
	local name=${1:?usage: interop_linphone_zrtp_negotiated NAME} line
	line=$(grep -a 'ZRTP algo used during negotiation:' "$(interop_linphone_dir "$name")/linphone.log" |
		tail -n 1)
	[[ -n $line ]] || { interop_log "linphone $name: no ZRTP negotiation in its log"; return 1; }
	line=${line#*negotiation: }
	sed -E 's/Cipher: ([^ ]+) - KeyAgreement: ([^ ]+) - Hash: ([^ ]+) - AuthTag: ([^ ]+) - Sas Rendering: ([^ ]+).*/cipher=\1 key_agreement=\2 hash=\3 auth_tag=\4 sas=\5/' <<<"$line"
}

# The same in RFC 6189's four-letter names, as sealcall logs them: "ka=X255 cipher=AES3
# hash=S384 auth=HS80 sas=B256". An algorithm without a known name stays in bzrtp's words.
interop_linphone_zrtp_negotiated_wire() {
	local name=${1:?usage: interop_linphone_zrtp_negotiated_wire NAME} neg
	neg=$(interop_linphone_zrtp_negotiated "$name") || return 1
	local -A w=([AES-128]=AES1 [AES-256]=AES3 [DHM-3072]=DH3k [DHM-2048]=DH2k [ECDH-255]=X255
		[ECDH-256]=EC25 [ECDH-384]=EC38 [ECDH-448]=X448 [SHA-256]=S256 [SHA-384]=S384
		[HMAC-SHA1-80]=HS80 [HMAC-SHA1-32]=HS32 [Base32]=B32 [PGP-WordList]=B256)
	local kv k v out=() cipher= ka= hash= auth= sas=
	for kv in $neg; do
		k=${kv%%=*} v=${kv#*=}
		v=${w[$v]:-$v}
		case $k in
		cipher) cipher=$v ;; key_agreement) ka=$v ;; hash) hash=$v ;; auth_tag) auth=$v ;; sas) sas=$v ;;
		esac
	done
	out=("ka=$ka" "cipher=$cipher" "hash=$hash" "auth=$auth" "sas=$sas")
	echo "${out[*]}"
}

# "initiator" or "responder": Linphone's role in the last ZRTP exchange. Both ends send a
# Commit as soon as their Hello is acknowledged, and the higher hvi wins (RFC 6189 §4.2), so
# the role changes from call to call; the initiator is the one that sends DHPart2.
interop_linphone_zrtp_role() {
	local name=${1:?usage: interop_linphone_zrtp_role NAME} last
	last=$(grep -aoE 'ZRTP Send packet type DHPart[12]' "$(interop_linphone_dir "$name")/linphone.log" | tail -n 1)
	case $last in
	*DHPart2) echo initiator ;;
	*DHPart1) echo responder ;;
	*) interop_log "linphone $name: no DHPart sent in its log"; return 1 ;;
	esac
}

# Milliseconds of the last call, from its log's own clock, to "ZRTP secrets on" (SRTP
# keyed): from the call's start (the caller's OutgoingInit, the callee's IncomingReceived;
# includes ringing and answering) with "setup", from StreamsRunning (media started, i.e.
# ZRTP alone) with "zrtp".
interop_linphone_setup_ms() {
	local name=${1:?usage: interop_linphone_setup_ms NAME [setup|zrtp]} what=${2:-setup} from
	case $what in
	setup) from='moving from state LinphoneCallIdle to LinphoneCall(OutgoingInit|IncomingReceived)' ;;
	zrtp) from='moving from state LinphoneCall[A-Za-z]+ to LinphoneCallStreamsRunning' ;;
	*) interop_log "interop_linphone_setup_ms: setup or zrtp, not $what"; return 1 ;;
	esac
	awk -v from="$from" '
		function ms(t,   a) { split(t, a, ":"); return ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 + a[4] }
		$0 ~ from && !open { start = ms($2); open = 1 }
		/ZRTP secrets on: SAS is/ && open { d = ms($2) - start; open = 0 }
		END {
			if (d == "") exit 1
			if (d < 0) d += 86400000
			print d
		}' "$(interop_linphone_dir "$name")/linphone.log"
}

interop_linphone_stop() {
	local name=${1:?usage: interop_linphone_stop NAME [SECS]} secs=${2:-5}
	local pid=${INTEROP_LINPHONE_PID[$name]:-}
	[[ -n $pid ]] || { interop_log "no linphone $name"; return 1; }
	if netsim_alive "$pid"; then
		interop_linphone_cmd "$name" quit 2>/dev/null
		local deadline=$((SECONDS + secs))
		while netsim_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
	fi
	netsim_kill "$pid" TERM 5
	local rc=$?
	interop_linphone_close_fd "$name"
	unset "INTEROP_LINPHONE_PID[$name]"
	return $rc
}
