#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A sealcall appliance and Linphone through the hub, as a deployment has them: `sealcall
# provision` (topology hub) makes the bundles of paris, of alice (a laptop with WireGuard and
# Linphone, provisioned like any site) and of the hub, whose WireGuard and Kamailio run as
# provisioned. paris registers at the hub with Digest over TLS; Linphone registers there over
# TLS with alice's certificate and password, under the identity the sites' directories know
# (sips:alice@alice.sealcall.test). Every packet between them crosses the hub inside the
# tunnel, and the hub relays the signaling only.
#
# paris calls alice (Linphone answers), then alice calls paris (paris answers): each time both
# ends are secure with the same SAS, which proves ZRTP ran end to end (a hub holding media
# keys would show two different SAS values), speech crosses both ways (correlated), and the
# hang-up reaches the other end through the hub's recorded route.
# timeout: 480
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../netsim/netsim.sh"
source "$here/lib/common.sh"
source "$here/lib/audio.sh"
source "$here/lib/kamailio.sh"
source "$here/lib/linphone.sh"
source "$here/lib/sealcall.sh"
interop_require kamailio linphonec sox espeak-ng stdbuf ss
[[ -f $INTEROP_KAMAILIO_MODULES/tls.so && -f $INTEROP_KAMAILIO_MODULES/auth_db.so ]] ||
	{ echo "SKIP: Kamailio's tls or auth_db module missing (apt-get install kamailio-tls-modules)" >&2; exit 77; }
[[ -x ${SC_BUILD_DIR:?SC_BUILD_DIR unset: run through ctest}/src/core/sealcalld ]] ||
	interop_fail "sealcalld not built in $SC_BUILD_DIR"
provision=$SC_BUILD_DIR/src/provision/sealcall-provision
[[ -x $provision ]] || interop_fail "sealcall-provision not built in $SC_BUILD_DIR"
[[ -f $SC_BUILD_DIR/virtual-headset/libasound_module_pcm_schead.so ]] ||
	interop_fail "the virtual headset plugin is not built in $SC_BUILD_DIR"
started=$SECONDS

netsim_init ilphub
# Underlay only: the tunnel addresses are the provisioned ones (paris .1, alice .2, hub .254).
netsim_site paris 1 || interop_fail "site paris"
netsim_site alice 2 || interop_fail "site alice"
netsim_site hub 3 || interop_fail "site hub"
work=$NETSIM_DIR/provision
mkdir -p "$work"
cat >"$work/sites.yaml" <<EOF
topology: hub
tunnel_subnet: 10.77.0.0/24
domain: sealcall.test
hub:
  name: hub
  endpoint: $(netsim_underlay_ip hub):51820
sites:
  - name: paris
    endpoint: $(netsim_underlay_ip paris):51820
  - name: alice
    endpoint: $(netsim_underlay_ip alice):51820
EOF
"$provision" "$work/sites.yaml" "$work/out" >"$work/provision.log" 2>&1 ||
	interop_fail "provisioning failed: $(cat "$work/provision.log")"
out=$work/out
grep -q '^  address: 10.77.0.1/24$' "$out/sites/paris/sealcall.yaml" &&
	grep -q '^  address: 10.77.0.2/24$' "$out/sites/alice/sealcall.yaml" ||
	interop_fail "the provisioned addresses are not paris .1, alice .2"
# Name resolution as a deployment has it: the laptop knows the hub's name (Linphone checks
# names, not addresses); the hub and the appliance resolve no site name at all (they work
# from addresses and connections), so a request the hub could only route by a site's name
# fails here as it would there. (netsim maps every site name everywhere: not for this test.)
for s in paris alice hub; do
	echo "127.0.0.1 localhost" >"/etc/netns/$(netsim_ns "$s")/hosts"
	echo "nameserver 127.0.0.1" >"/etc/netns/$(netsim_ns "$s")/resolv.conf"
done
echo "10.77.0.254 hub.sealcall.test" >>"/etc/netns/$(netsim_ns alice)/hosts"

# --- the hub: its WireGuard and its Kamailio, as provisioned -------------------------------
hubdir=$(netsim_dir hub)
mkdir -p "$hubdir"
# wg-quick's own lines (Address, PostUp) are done here by hand.
# The sites here keep alive every 2 s instead of 25 (quick handshakes), and a site counts a
# peer stale after 2*2+5 s without a packet from it: the hub keeps alive as often.
grep -vE '^(Address|PostUp|PostDown) *=' "$out/hub/wg0.conf" |
	sed 's/^PersistentKeepalive = 25$/PersistentKeepalive = 2/' >"$hubdir/wg.conf"
grep -q '^PersistentKeepalive = 2$' "$hubdir/wg.conf" || interop_fail "the hub's keepalive edit"
chmod 600 "$hubdir/wg.conf"
interop_tunnel_up_conf hub "$hubdir/wg.conf" 10.77.0.254/24 || interop_fail "the hub's tunnel"
netsim_exec hub sysctl -qw net.ipv4.ip_forward=1
cp -a "$out/hub" "$hubdir/kamailio"
mkdir -p "$hubdir/kamailio/run"
sed -i "s|!SEALCALL_DIR!/etc/kamailio/sealcall!g|!SEALCALL_DIR!$hubdir/kamailio!g|" "$hubdir/kamailio/kamailio.cfg"
grep -q "!SEALCALL_DIR!$hubdir/kamailio!g" "$hubdir/kamailio/kamailio.cfg" || interop_fail "SEALCALL_DIR edit"
# The provisioned hub logs to syslog; here its log goes to a file.
sed -i 's/^log_stderror=no$/log_stderror=yes/' "$hubdir/kamailio/kamailio.cfg"
netsim_exec hub kamailio -c -f "$hubdir/kamailio/kamailio.cfg" >"$hubdir/kamailio-check.log" 2>&1 ||
	interop_fail "kamailio -c refuses the provisioned configuration: $(tail -n 20 "$hubdir/kamailio-check.log")"
netsim_spawn hub "$hubdir/kamailio.log" kamailio -DD -E -m 64 -M 8 -f "$hubdir/kamailio/kamailio.cfg" \
	-Y "$hubdir/kamailio/run" -P "$hubdir/kamailio/run/kamailio.pid" || interop_fail "kamailio"
kamailio_pid=$NETSIM_LAST_PID
netsim_wait_for 15 bash -c "ip netns exec $(netsim_ns hub) ss -Hltn src 10.77.0.254:5061 | grep -q ." ||
	interop_fail "Kamailio does not listen on 10.77.0.254:5061: $(tail -n 20 "$hubdir/kamailio.log")"
interop_pass "the hub runs its provisioned WireGuard and Kamailio (TLS 10.77.0.254:5061)"

# --- paris: sealcalld with its bundle ------------------------------------------------------
pdir=$(netsim_dir paris)
cp -a "$out/sites/paris/." "$pdir/"
# This run's interface name and folders, the virtual headset and a quick keepalive; the
# codecs stay as provisioned (Opus first: the calls here are Opus, linphone_direct's G.711).
sed -i -e "s|^  interface: sc0$|  interface: $(netsim_iface paris)|" \
	-e 's|^    cache_file: .*|    cache_file: zrtp-cache|' \
	-e 's|^  device: auto$|  device: vheadset|' \
	-e 's|persistent_keepalive: 25|persistent_keepalive: 2|' "$pdir/sealcall.yaml"
grep -q "interface: $(netsim_iface paris)" "$pdir/sealcall.yaml" && grep -q 'codecs: \[opus, ' "$pdir/sealcall.yaml" ||
	interop_fail "policy edit for paris (or the provisioned codecs changed)"
interop_speech_wav "$NETSIM_DIR/paris.wav" \
	"Paris speaking into the headset. Eight, nine, ten." 48000 ||
	interop_fail "speech WAV"
interop_speech_wav "$NETSIM_DIR/alice.wav" \
	"Alice speaking from the laptop. One, two, three, four." ||
	interop_fail "speech WAV"
interop_sc_headset paris "$NETSIM_DIR/paris.wav" || interop_fail "headset for paris"
interop_sc_start paris || interop_fail "start paris"

# --- alice: the laptop's WireGuard from her bundle, and Linphone --------------------------
adir=$(netsim_dir alice)
cp -a "$out/sites/alice/." "$adir/"
{
	echo "[Interface]"
	echo "PrivateKey = $(cat "$adir/wireguard.key")"
	echo "ListenPort = 51820"
	echo "[Peer]"
	echo "PublicKey = $(sed -nE 's/^      public_key: (.*)/\1/p' "$adir/sealcall.yaml")"
	echo "Endpoint = $(netsim_underlay_ip hub):51820"
	echo "AllowedIPs = 10.77.0.0/24"
	echo "PersistentKeepalive = 2"
} >"$adir/wg.conf"
chmod 600 "$adir/wg.conf"
interop_tunnel_up_conf alice "$adir/wg.conf" 10.77.0.2/24 || interop_fail "alice's tunnel"

netsim_wait_status paris 'state: ready' 30 || interop_fail "paris did not reach ready"
netsim_wait_status paris 'registration: registered at sips:hub\.sealcall\.test for [0-9]+ s' 20 ||
	interop_fail "paris did not register: $(tail -n 10 "$hubdir/kamailio.log")"
interop_pass "paris is ready and registered at the hub (Digest over TLS, in the tunnel)"

# Linphone as alice: her certificate and key, the deployment CA, her hub password, and the
# directory's name for her. The hub's digest realm is the deployment's domain.
linphone_alice() {
	interop_linphone_start alice alice registrar=hub password="$(cat "$adir/registrar.password")" \
		identity=sips:alice@alice.sealcall.test realm=sealcall.test "$@"
}

# --- call 1: paris calls alice through the hub --------------------------------------------
linphone_alice play="$NETSIM_DIR/alice.wav" record="$NETSIM_DIR/alice-heard-1.wav" ||
	interop_fail "linphone alice"
interop_prioritise
interop_linphone_wait_registered alice 15 || interop_fail "Linphone did not register at the hub"
interop_pass "Linphone registered at the hub over TLS as alice"

# linphone_heard LABEL RECORDING: paris's microphone is in Linphone's recording of the call.
linphone_heard() {
	local label=$1 rec=$2 rms match
	rms=$(interop_wav_rms "$rec") || interop_fail "$label: Linphone recorded nothing"
	match=$(interop_audio_match "$NETSIM_DIR/paris.wav" "$rec") ||
		interop_fail "$label: Linphone did not record paris's speech ($match, RMS $rms)"
	interop_pass "$label: paris's microphone reached Linphone's recording (RMS $rms, $match)"
}

# paris_hears LABEL: after the SAS prompt (about 7 s over the call's audio), alice's speech.
paris_hears() {
	local label=$1 heard
	sleep 8
	heard=$(interop_sc_hears paris "$NETSIM_DIR/alice.wav" "$label") ||
		interop_fail "$label: paris's headset did not hear alice's speech ($heard)"
	interop_pass "$label: alice's speech reached paris's headset ($heard)"
}

# secure_both LABEL T0: both ends secure, same SAS and suites; prints the timing from T0.
secure_both() {
	local label=$1 t0=$2 t1 sas_sc sas_lp suites_sc suites_lp
	interop_sc_wait_log paris 'media: call secured: ' 20 ||
		interop_fail "$label: paris not secure: $(interop_sc_cli paris status)"
	interop_linphone_wait_encrypted alice 20 || interop_fail "$label: Linphone not encrypted"
	t1=$(interop_ms)
	sas_sc=$(interop_sc_sas paris) sas_lp=$(interop_linphone_sas alice)
	[[ -n $sas_sc && ${sas_sc,,} == "${sas_lp,,}" ]] ||
		interop_fail "$label: SAS differ: paris '$sas_sc', Linphone '$sas_lp' (a hub in the media path would do that)"
	suites_sc=$(interop_sc_suites paris) suites_lp=$(interop_linphone_zrtp_negotiated_wire alice)
	[[ $suites_sc == "$suites_lp" ]] ||
		interop_fail "$label: the ends disagree on suites: paris '$suites_sc', Linphone '$suites_lp'"
	[[ $suites_sc == "ka=DH3k cipher=AES1 hash=S256 auth=HS80 sas=B32" ]] ||
		interop_fail "$label: unexpected suites with Linphone's stock ones: $suites_sc"
	echo "MEASURE: $label: answer -> both secure $((t1 - t0)) ms; Linphone's log: media start ->" \
		"SRTP keyed $(interop_linphone_setup_ms alice zrtp) ms; Linphone was ZRTP $(interop_linphone_zrtp_role alice)"
	interop_pass "$label: secure at both ends, SAS '$sas_sc' on both (end to end through the hub); $suites_sc"
}

t0=$(interop_ms)
cli=$(interop_sc_cli paris call alice 2>&1) || interop_fail "sealcall call alice: $cli"
interop_linphone_wait alice 'Receiving new incoming call from .*sips:paris@paris\.sealcall\.test' 15 ||
	interop_fail "Linphone was not rung by paris: $(grep -a 'hub\|INVITE' "$hubdir/kamailio.log" | tail -n 5)"
t_ring=$(interop_ms)
netsim_wait_status paris 'call: ringing-out with alice' 10 || interop_fail "paris does not hear alice ring"
t_ans=$(interop_ms)
interop_linphone_answer alice || interop_fail "answer"
secure_both "paris -> alice" "$t_ans"
echo "MEASURE: paris -> alice: call -> Linphone rings $((t_ring - t0)) ms"
paris_hears "paris -> alice"
interop_sc_cli paris hangup >/dev/null || interop_fail "sealcall hangup"
interop_linphone_wait alice 'Call [0-9]+ with .* ended' 10 ||
	interop_fail "Linphone did not see paris's BYE (through the hub's recorded route)"
netsim_wait_status paris 'call: idle' 10 || interop_fail "paris is not idle after its hang-up"
media=$(interop_sc_media_end paris 1 5) || interop_fail "no media summary in paris's log"
[[ ${media,,} == 'call ended, opus:'* ]] || interop_fail "the call was not Opus: $media"
[[ $media == *' srtp auth failures 0 '* && $media =~ \ rx\ [1-9][0-9]*\ rtp ]] || interop_fail "paris's media: $media"
interop_pass "paris hung up; the BYE reached Linphone through the hub; paris: $media"
interop_rtcp_check alice
interop_linphone_stop alice || interop_fail "Linphone did not stop"
linphone_heard "paris -> alice" "$NETSIM_DIR/alice-heard-1.wav"

# --- call 2: alice calls paris through the hub --------------------------------------------
linphone_alice play="$NETSIM_DIR/alice.wav" record="$NETSIM_DIR/alice-heard-2.wav" ||
	interop_fail "linphone alice (second)"
interop_prioritise
interop_linphone_wait_registered alice 15 || interop_fail "Linphone did not register again"
t0=$(interop_ms)
interop_linphone_call alice sips:paris@paris.sealcall.test || interop_fail "Linphone's call"
interop_sc_wait_log paris 'call: idle -> ringing-in \(from alice\)' 15 ||
	interop_fail "paris does not ring (from alice): $(tail -n 5 "$pdir/sealcalld.log")"
t_ring=$(interop_ms)
interop_sc_cli paris answer >/dev/null || interop_fail "sealcall answer"
t_ans=$(interop_ms)
secure_both "alice -> paris" "$t_ans"
echo "MEASURE: alice -> paris: call -> paris rings $((t_ring - t0)) ms; call -> both secure $(($(interop_ms) - t0)) ms (upper bound)"
netsim_status paris | grep -q 'call: in-call with alice (incoming)' || interop_fail "paris's status: $(netsim_status paris)"
paris_hears "alice -> paris"
interop_linphone_terminate alice || interop_fail "terminate"
interop_sc_wait_log paris 'call: in-call -> idle \(from alice\).*: alice hung up' 10 ||
	interop_fail "paris did not see Linphone's BYE: $(tail -n 5 "$pdir/sealcalld.log")"
interop_linphone_wait alice 'Call [0-9]+ with .* ended' 10 || interop_fail "Linphone's call did not end"
media=$(interop_sc_media_end paris 2 5) || interop_fail "no media summary in paris's log"
[[ ${media,,} == 'call ended, opus:'* ]] || interop_fail "the call was not Opus: $media"
[[ $media == *' srtp auth failures 0 '* && $media =~ \ rx\ [1-9][0-9]*\ rtp ]] || interop_fail "paris's media: $media"
interop_pass "Linphone hung up; the BYE reached paris through the hub; paris: $media"
interop_rtcp_check alice
interop_linphone_stop alice || interop_fail "Linphone did not stop (second)"
linphone_heard "alice -> paris" "$NETSIM_DIR/alice-heard-2.wav"

grep -qE 'INVITE' "$hubdir/kamailio.log" || true
netsim_stop_daemon paris || interop_fail "paris did not exit 0"
netsim_kill "$kamailio_pid" TERM 10
interop_pass "sealcall <-> Kamailio <-> Linphone, both directions, same SAS end to end; took $((SECONDS - started)) s"
