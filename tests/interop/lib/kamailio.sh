# SPDX-License-Identifier: GPL-3.0-or-later
# Kamailio 5.6 as the TLS registrar and proxy ("the hub") of the interop tests, in a netsim
# site of its own (its namespace hangs off the netsim router and has its WireGuard tunnel,
# so the hub is reached at hub.sealcall.test = its tunnel address, as sites reach the hub
# in the design). Source netsim.sh and common.sh first.
#
#   interop_kamailio_passwords SITE USER PASS [USER PASS...]
#                                   writes $(netsim_dir SITE)/kamailio/passwords (0600),
#                                   "user password" lines: the file the hub's digest auth
#                                   reads (through a db_text table made from it at start)
#   interop_kamailio_config SITE [DEFINE...]   renders the configuration from
#                                   tests/interop/data/kamailio*.cfg and checks it with
#                                   `kamailio -c`; DEFINEs (e.g. WITH_INVITE_AUTH) pass as -A
#   interop_kamailio_start SITE [DEFINE...]    config, then kamailio in SITE's namespace in
#                                   the foreground (-DD -E), waits until it listens;
#                                   INTEROP_KAMAILIO_PID[SITE] is its main PID
#   interop_kamailio_stop SITE [SECS]          SIGTERM to that PID, SIGKILL after SECS
#   interop_kamailio_wait_registered SITE USER SECS
#   interop_kamailio_log SITE       path of its log
#   interop_kamailio_uri SITE       sips:SITE.sealcall.test:PORT (its registrar URI)
#
# Listens on tls:TUNNEL_IP:INTEROP_KAMAILIO_PORT only (no UDP, no TCP); advertises
# SITE.sealcall.test so that Via and Record-Route carry the name in its certificate
# (Linphone's TLS ignores IP addresses in certificates).

INTEROP_KAMAILIO_PORT=${INTEROP_KAMAILIO_PORT:-5061}
INTEROP_KAMAILIO_MODULES=${INTEROP_KAMAILIO_MODULES:-/usr/lib/x86_64-linux-gnu/kamailio/modules}
declare -A INTEROP_KAMAILIO_PID=()

interop_kamailio_dir() { echo "$(netsim_dir "$1")/kamailio"; }
interop_kamailio_log() { echo "$(interop_kamailio_dir "$1")/kamailio.log"; }
interop_kamailio_uri() { echo "sips:$1.sealcall.test:$INTEROP_KAMAILIO_PORT"; }

interop_kamailio_passwords() {
	local site=${1:?usage: interop_kamailio_passwords SITE USER PASS...}; shift
	local dir
	dir=$(interop_kamailio_dir "$site")
	mkdir -p "$dir"
	(($# > 0 && $# % 2 == 0)) || { interop_log "interop_kamailio_passwords: USER PASS pairs"; return 1; }
	(
		umask 077
		: >"$dir/passwords"
		while (($#)); do
			printf '%s %s\n' "$1" "$2" >>"$dir/passwords"
			shift 2
		done
	)
}

# db_text escapes ':' and '\' inside a value with a backslash.
interop_kamailio_dbtext_escape() {
	local v=${1//\\/\\\\}
	printf '%s' "${v//:/\\:}"
}

interop_kamailio_subscribers() {
	local site=$1 dir db user pass id=0
	dir=$(interop_kamailio_dir "$site")
	db=$dir/db
	[[ -f $dir/passwords ]] ||
		{ interop_log "no $dir/passwords: call interop_kamailio_passwords first"; return 1; }
	mkdir -p "$db" && chmod 700 "$db"
	printf 'table_name(str) table_version(int)\nsubscriber:7\n' >"$db/version"
	(
		umask 077
		echo "id(int,auto) username(str) domain(str) password(str) ha1(str,null) ha1b(str,null)" \
			>"$db/subscriber"
		while read -r user pass; do
			[[ -z $user || $user == \#* ]] && continue
			[[ $user =~ ^[A-Za-z0-9._-]+$ && -n $pass ]] ||
				{ interop_log "$dir/passwords: bad line for user '$user'"; exit 1; }
			id=$((id + 1))
			printf '%d:%s:%s:%s::\n' "$id" "$user" "$site.sealcall.test" \
				"$(interop_kamailio_dbtext_escape "$pass")" >>"$db/subscriber"
		done <"$dir/passwords"
		((id > 0)) || { interop_log "$dir/passwords lists no user"; exit 1; }
	)
}

interop_kamailio_config() {
	local site=${1:?usage: interop_kamailio_config SITE [DEFINE...]}; shift
	local dir def args=() out
	command -v kamailio >/dev/null ||
		{ interop_log "kamailio missing: apt-get install kamailio kamailio-tls-modules"; return 1; }
	[[ -f $INTEROP_KAMAILIO_MODULES/tls.so ]] ||
		{ interop_log "tls.so missing: apt-get install kamailio-tls-modules"; return 1; }
	dir=$(interop_kamailio_dir "$site")
	mkdir -p "$dir/run"
	interop_kamailio_subscribers "$site" || return 1
	local sdir
	sdir=$(netsim_dir "$site")
	sed -e "s|@KEY@|$sdir/site.key|; s|@CERT@|$sdir/site.crt|; s|@CA@|$sdir/ca.crt|" \
		"$INTEROP_DATA_DIR/kamailio-tls.cfg" >"$dir/tls.cfg" || return 1
	sed -e "s|@ADDRESS@|$(netsim_tunnel_ip "$site")|g" \
		-e "s|@PORT@|$INTEROP_KAMAILIO_PORT|g" \
		-e "s|@DOMAIN@|$site.sealcall.test|g" \
		-e "s|@MODULES@|$INTEROP_KAMAILIO_MODULES|g" \
		-e "s|@TLS_CONFIG@|$dir/tls.cfg|g" \
		-e "s|@DB_DIR@|$dir/db|g" \
		"$INTEROP_DATA_DIR/kamailio.cfg" >"$dir/kamailio.cfg" || return 1
	for def in "$@"; do args+=(-A "$def"); done
	INTEROP_KAMAILIO_ARGS=("${args[@]}")
	# -c parses the file and loads the modules without opening a socket.
	if ! out=$(netsim_exec "$site" timeout 20 kamailio -c -f "$dir/kamailio.cfg" \
		-Y "$dir/run" "${args[@]}" 2>&1); then
		interop_log "kamailio -c refused $dir/kamailio.cfg:"
		echo "$out" | grep -E 'ERROR|CRITICAL|error' >&2
		return 1
	fi
}

interop_kamailio_start() {
	local site=${1:?usage: interop_kamailio_start SITE [DEFINE...]}; shift
	local dir log pid deadline addr
	interop_kamailio_config "$site" "$@" || return 1
	dir=$(interop_kamailio_dir "$site")
	log=$(interop_kamailio_log "$site")
	# -DD: no daemon, main process in the foreground (its children are its own);
	# -E: log to stderr, into the log file.
	netsim_spawn "$site" "$log" kamailio -DD -E -m 64 -M 8 -f "$dir/kamailio.cfg" \
		-Y "$dir/run" -P "$dir/run/kamailio.pid" "${INTEROP_KAMAILIO_ARGS[@]}" || return 1
	pid=$NETSIM_LAST_PID
	INTEROP_KAMAILIO_PID[$site]=$pid
	addr="$(netsim_tunnel_ip "$site"):$INTEROP_KAMAILIO_PORT"
	deadline=$((SECONDS + 15))
	until netsim_exec "$site" ss -Htln "src $addr" 2>/dev/null | grep -q .; do
		if ((SECONDS >= deadline)) || ! netsim_alive "$pid"; then
			interop_log "kamailio in $site did not listen on $addr; its log:"
			tail -n 30 "$log" >&2
			return 1
		fi
		sleep 0.1
	done
	interop_log "kamailio for $site: PID $pid, tls:$addr, log $log"
}

interop_kamailio_stop() {
	local site=${1:?usage: interop_kamailio_stop SITE [SECS]} secs=${2:-10}
	local pid=${INTEROP_KAMAILIO_PID[$site]:-}
	[[ -n $pid ]] || { interop_log "no kamailio started for $site"; return 1; }
	netsim_kill "$pid" TERM "$secs"
	unset "INTEROP_KAMAILIO_PID[$site]"
}

interop_kamailio_wait_registered() {
	local site=${1:?usage: interop_kamailio_wait_registered SITE USER SECS} user=$2 secs=${3:-10}
	interop_wait_file "$secs" "$(interop_kamailio_log "$site")" "hub: registered $user from "
}
