# SPDX-License-Identifier: GPL-3.0-or-later
# SIP over TLS from a netsim site's namespace, for scenario and refusal tests: sipp (Debian's
# sipp 3.6 has no TLS) in TCP mode behind socat, whose OPENSSL address presents the site's
# netsim certificate and verifies the server's against the netsim CA and its name; and a raw
# helper that sends one message and prints what comes back. Source netsim.sh and common.sh
# first.
#
#   interop_sipp_run SITE HOST PORT SCENARIO [KEY=VALUE...]
#       SCENARIO: a file, or a name under tests/interop/data/sipp/ (options,
#       invite-no-zrtp-hash, invite-sdes-crypto). Keys (each also a sipp [keyword]):
#         expect=200            the final status that passes (@EXPECT@ in the template)
#         target_uri=sips:HOST  the Request-URI and To; target_host=HOST
#         my_host=TUNNEL_IP my_port=5061 my_user=SITE my_domain=SITE.sealcall.test
#         media_port=16384      the SDP port offered
#         calls=1 secs=20       sipp -m, and the bound on the whole run
#         cert_dir=DIR          site.crt, site.key and ca.crt to use (default: SITE's)
#       Returns sipp's exit code (0: every call passed); its files are in
#       $INTEROP_SIPP_LAST_DIR (messages.log, errors.log, sipp.out, socat.log).
#   interop_tls_request SITE HOST PORT TEMPLATE [KEY=VALUE...]
#       TEMPLATE: a file, or a name under tests/interop/data/raw/ (options, register,
#       register-digest, invite-no-zrtp-hash). '#' lines are dropped; [keys] are filled from
#       the keys above, the template's own keys (given as KEY=VALUE), [call_id] [branch]
#       [tag] (fresh per request) and [len] (computed); line ends are made CRLF. secs=5 and
#       cert_dir as above. Prints every response received until the first final one.
#       Returns 0 when a final response came, 1 when none did within secs, 2 when TLS or
#       the connection failed (socat's error on stderr: a refused client certificate).
#   interop_sip_final_status      reads responses on stdin, prints the first final code
#   interop_sip_digest USER REALM PASSWORD METHOD URI NONCE CNONCE
#                                 the RFC 2617 response (qop=auth, nc=00000001), for
#                                 register-digest

INTEROP_SIPP_LOCAL_PORT=15060
INTEROP_SIPP_RUNS=0
INTEROP_SIPP_LAST_DIR=

# socat's OPENSSL address with the certificate, key and CA in DIR (a netsim site's folder)
# towards HOST:PORT. The name checked is HOST (commonname): use DNS names, as the sites'
# certificates carry no IP addresses.
interop_tls_address() {
	local dir=$1 host=$2 port=$3
	echo "OPENSSL:$host:$port,cert=$dir/site.crt,key=$dir/site.key,cafile=$dir/ca.crt,verify=1,commonname=$host,snihost=$host,min-version=TLS1.2"
}

# Fills KEY=VALUE defaults for SITE into the associative array named by $2.
interop_sip_defaults() {
	local site=$1 host=$3
	local -n keys=$2
	keys=([expect]=200 [target_uri]="sips:$host" [target_host]="$host" [my_host]="$(netsim_tunnel_ip "$site")"
		[my_port]=5061 [my_user]="$site" [my_domain]="$site.sealcall.test" [media_port]=16384
		[calls]=1 [secs]=20 [cert_dir]="$(netsim_dir "$site")")
}

interop_sip_set_keys() {
	local -n keys=$1; shift
	local kv
	for kv in "$@"; do
		[[ $kv == *=* && -v keys[${kv%%=*}] ]] || { interop_log "unknown key $kv"; return 1; }
		keys[${kv%%=*}]=${kv#*=}
	done
}

interop_sipp_run() {
	local site=${1:?usage: interop_sipp_run SITE HOST PORT SCENARIO [KEY=VALUE...]}
	local host=${2:?HOST} port=${3:?PORT} scenario=${4:?SCENARIO}
	shift 4
	local -A k=()
	local dir ns socat_pid rc key args=() lport
	command -v sipp >/dev/null || { interop_log "sipp missing: apt-get install sip-tester"; return 1; }
	command -v socat >/dev/null || { interop_log "socat missing: apt-get install socat"; return 1; }
	interop_sip_defaults "$site" k "$host"
	k[secs]=20
	interop_sip_set_keys k "$@" || return 1
	[[ -f $scenario ]] || scenario=$INTEROP_DATA_DIR/sipp/$scenario.xml
	[[ -f $scenario ]] || { interop_log "no sipp scenario $scenario"; return 1; }
	INTEROP_SIPP_RUNS=$((INTEROP_SIPP_RUNS + 1))
	dir=$(netsim_dir "$site")/sipp-$INTEROP_SIPP_RUNS
	INTEROP_SIPP_LAST_DIR=$dir
	mkdir -p "$dir"
	ns=$(netsim_ns "$site")
	sed "s/@EXPECT@/${k[expect]}/g" "$scenario" >"$dir/scenario.xml"
	lport=$((INTEROP_SIPP_LOCAL_PORT + INTEROP_SIPP_RUNS % 100))
	# One TCP connection from sipp becomes one TLS connection; socat ends with it.
	netsim_spawn "$site" "$dir/socat.log" socat -d -T "${k[secs]}" \
		"TCP-LISTEN:$lport,bind=127.0.0.1,reuseaddr" "$(interop_tls_address "${k[cert_dir]}" "$host" "$port")" ||
		return 1
	socat_pid=$NETSIM_LAST_PID
	if ! interop_wait_listen "$site" "127.0.0.1:$lport" 5; then
		interop_log "socat did not listen on 127.0.0.1:$lport in $site:"
		cat "$dir/socat.log" >&2
		netsim_kill "$socat_pid" TERM 2
		return 1
	fi
	for key in target_uri target_host my_host my_port my_user my_domain media_port; do
		args+=(-key "$key" "${k[$key]}")
	done
	ip netns exec "$ns" timeout "$((k[secs] + 5))" sipp "127.0.0.1:$lport" -t t1 -nostdin \
		-sf "$dir/scenario.xml" -m "${k[calls]}" -l 1 -timeout "${k[secs]}s" -timeout_error \
		-trace_msg -message_file "$dir/messages.log" -trace_err -error_file "$dir/errors.log" \
		"${args[@]}" >"$dir/sipp.out" 2>&1 </dev/null
	rc=$?
	netsim_kill "$socat_pid" TERM 2
	if ((rc != 0)); then
		interop_log "sipp $(basename "$scenario") to $host:$port from $site: exit $rc (files in $dir)"
		tail -n 5 "$dir/errors.log" >&2 2>/dev/null
		grep -E 'E [0-9]|error|refused|certificate' "$dir/socat.log" >&2 2>/dev/null
	fi
	return $rc
}

interop_wait_listen() {
	local site=$1 addr=$2 secs=${3:-5}
	local deadline=$((SECONDS + secs))
	until netsim_exec "$site" ss -Htln "src $addr" 2>/dev/null | grep -q .; do
		((SECONDS < deadline)) || return 1
		sleep 0.05
	done
}

# TEMPLATE with '#' lines dropped, [keys] filled from KEY=VALUE arguments, CRLF line ends
# and [len] = the body's length in bytes. (awk, not python: a loaded 2-core machine takes
# seconds to start python.)
interop_sip_render() {
	local template=$1; shift
	printf '%s\n' "$@" | LC_ALL=C awk '
		function fill(s,   out, key) {
			out = ""
			while (match(s, /\[[a-z_]+\]/)) {
				key = substr(s, RSTART + 1, RLENGTH - 2)
				if (!(key in K)) { printf "unknown key [%s] in %s\n", key, FILENAME > "/dev/stderr"; bad = 1 }
				out = out substr(s, 1, RSTART - 1) K[key]
				s = substr(s, RSTART + RLENGTH)
			}
			return out s
		}
		FNR == NR { p = index($0, "="); K[substr($0, 1, p - 1)] = substr($0, p + 1); next }
		/^#/ { next }
		{ sub(/\r$/, ""); line[++n] = $0 }
		END {
			sep = n + 1
			for (i = 1; i <= n; i++) if (line[i] == "") { sep = i; break }
			last = n
			while (last > sep && line[last] == "") last--
			body = ""
			for (i = sep + 1; i <= last; i++) body = body fill(line[i]) "\r\n"
			K["len"] = length(body)
			for (i = 1; i < sep; i++) printf "%s\r\n", fill(line[i])
			printf "\r\n%s", body
			exit bad
		}' - "$template"
}

interop_tls_request() {
	local site=${1:?usage: interop_tls_request SITE HOST PORT TEMPLATE [KEY=VALUE...]}
	local host=${2:?HOST} port=${3:?PORT} template=${4:?TEMPLATE}
	shift 4
	local -A k=()
	local dir ns pid key vals=() deadline rc=1 id
	interop_sip_defaults "$site" k "$host"
	k[secs]=5
	[[ -f $template ]] || template=$INTEROP_DATA_DIR/raw/$template.sip
	[[ -f $template ]] || { interop_log "no SIP template $template"; return 1; }
	# A template may have keys of its own (register-digest: [realm] [nonce] ...): they are
	# accepted as KEY=VALUE too, so a misspelt key is still refused.
	for key in $(grep -v '^#' "$template" | grep -oE '\[[a-z_]+\]' | tr -d '[]' | sort -u); do
		[[ -v k[$key] ]] || k[$key]=
	done
	interop_sip_set_keys k "$@" || return 1
	INTEROP_SIPP_RUNS=$((INTEROP_SIPP_RUNS + 1))
	dir=$(netsim_dir "$site")/raw-$INTEROP_SIPP_RUNS
	mkdir -p "$dir"
	ns=$(netsim_ns "$site")
	id=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
	for key in "${!k[@]}"; do
		[[ $key =~ ^(expect|calls|secs|cert_dir)$ ]] || vals+=("$key=${k[$key]}")
	done
	vals+=("call_id=$id@${k[my_host]}" "branch=z9hG4bK-$id" "tag=${id:0:8}")
	interop_sip_render "$template" "${vals[@]}" >"$dir/request" || return 1
	: >"$dir/response"
	# ignoreeof: the request file never reaches EOF for socat, so the TLS connection stays
	# open (no close_notify) until a final response is in; then socat is stopped by PID.
	ip netns exec "$ns" socat -T "${k[secs]}" \
		"OPEN:$dir/request,rdonly,ignoreeof!!OPEN:$dir/response,wronly,append" \
		"$(interop_tls_address "${k[cert_dir]}" "$host" "$port")" 2>"$dir/socat.log" </dev/null &
	pid=$!
	NETSIM_PIDS+=("$pid")
	deadline=$((SECONDS + k[secs]))
	while ((SECONDS < deadline)); do
		if [[ -n $(interop_sip_final_status <"$dir/response") ]]; then
			# The rest of the final response's headers follow within the same record.
			sleep 0.1
			rc=0
			break
		fi
		if ! netsim_alive "$pid"; then
			[[ -n $(interop_sip_final_status <"$dir/response") ]] && { rc=0; break; }
			rc=2
			break
		fi
		sleep 0.05
	done
	netsim_kill "$pid" TERM 2
	tr -d '\r' <"$dir/response"
	if ((rc == 2)); then
		interop_log "TLS to $host:$port from $site failed:"
		cat "$dir/socat.log" >&2
	fi
	return $rc
}

interop_sip_final_status() {
	tr -d '\r' | sed -nE 's/^SIP\/2\.0 ([2-6][0-9][0-9]) .*/\1/p' | head -n 1
}

interop_sip_digest() {
	local user=$1 realm=$2 pass=$3 method=$4 uri=$5 nonce=$6 cnonce=$7 ha1 ha2
	ha1=$(printf '%s' "$user:$realm:$pass" | md5sum | cut -d' ' -f1)
	ha2=$(printf '%s' "$method:$uri" | md5sum | cut -d' ' -f1)
	printf '%s' "$ha1:$nonce:00000001:$cnonce:auth:$ha2" | md5sum | cut -d' ' -f1
}
