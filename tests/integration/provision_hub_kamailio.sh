#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The hub configuration `sealcall-provision` writes, run by Kamailio itself in a namespace:
# it listens on TLS only, refuses connections without a certificate of the CA, lets a site
# register its own name with its generated password (and nothing else), and relays a call to
# a registered site over that site's own connection. The SIP client is a small Python
# script with the sites' generated certificates: Kamailio is the thing under test.
# timeout: 120
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../netsim/netsim.sh"
if [[ $(id -u) -ne 0 ]]; then
	echo "SKIP: needs root for a network namespace" >&2
	exit 77
fi
for tool in ip kamailio python3 ss; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool missing" >&2; exit 77; }
done
kamailio_modules=$(dirname "$(find /usr/lib -path '*kamailio/modules/tls.so' -print -quit 2>/dev/null)")
[[ -f $kamailio_modules/tls.so && -f $kamailio_modules/auth_db.so ]] ||
	{ echo "SKIP: Kamailio's tls or auth_db module missing (kamailio-tls-modules)" >&2; exit 77; }
provision=
for candidate in "${SC_BUILD_DIR:?SC_BUILD_DIR unset: run through ctest}/src/provision/sealcall-provision" \
	"$SC_BUILD_DIR/sealcall-provision"; do
	[[ -x $candidate ]] && provision=$candidate && break
done
[[ -n $provision ]] || sc_fail "sealcall-provision not built in $SC_BUILD_DIR"

netsim_init ikam
work=$NETSIM_DIR/provision
mkdir -p "$work"
cat >"$work/sites.yaml" <<'EOF'
topology: hub
tunnel_subnet: 10.77.0.0/24
domain: sealcall.test
hub:
  name: hub
  endpoint: 203.0.113.10:51820
sites:
  - name: paris
    hotline: lyon
  - name: lyon
  - name: nice
EOF
"$provision" "$work/sites.yaml" "$work/out" >"$work/provision.log" 2>&1 ||
	sc_fail "provisioning failed: $(cat "$work/provision.log")"
hub=$work/out/hub

kamailio -c -f "$hub/kamailio.cfg" >"$work/check.log" 2>&1 || sc_fail "kamailio -c refuses kamailio.cfg: $(cat "$work/check.log")"
grep -q 'tls: 10.77.0.254 \[10.77.0.254\]:5061' "$work/check.log" || sc_fail "kamailio -c lists no TLS listener on the hub address"
grep -qE '^ +(udp|tcp|sctp):' "$work/check.log" && sc_fail "kamailio -c lists a plaintext listener: $(cat "$work/check.log")"
sc_pass "kamailio -c accepts the configuration: one TLS listener, nothing else"

# Installed as the operator would, in a folder of our own: the one path to change is
# SEALCALL_DIR (see the configuration's header).
install=$NETSIM_DIR/kamailio
cp -a "$hub" "$install"
mkdir -p "$install/run"
sed -i "s|!SEALCALL_DIR!/etc/kamailio/sealcall!g|!SEALCALL_DIR!$install!g|" "$install/kamailio.cfg"
ns=$(netsim_ns hub)
netsim_add_ns "$ns" || sc_fail "namespace"
ip -n "$ns" addr add 10.77.0.254/32 dev lo
netsim_spawn hub "$NETSIM_DIR/kamailio.log" kamailio -DD -E -m 64 -M 8 -f "$install/kamailio.cfg" \
	-Y "$install/run" -P "$install/run/kamailio.pid"
netsim_wait_for 15 bash -c "ip netns exec $ns ss -ltn | grep -q '10.77.0.254:5061'" ||
	sc_fail "Kamailio does not listen on 10.77.0.254:5061: $(tail -n 20 "$NETSIM_DIR/kamailio.log")"
listeners=$(ip netns exec "$ns" ss -lntup | grep kamailio)
[[ $(wc -l <<<"$listeners") -eq 1 ]] || sc_fail "Kamailio listens on more than its TLS port: $listeners"
sc_pass "Kamailio runs the hub configuration, listening on TLS 10.77.0.254:5061 only"

cat >"$work/client.py" <<'PY'
import hashlib, os, re, socket, ssl, sys, time, uuid

bundle, hub_addr, hub_name, domain = sys.argv[1:5]
failures = 0

def check(what, ok, detail):
    global failures
    print(("ok   " if ok else "FAIL ") + what + ": " + detail)
    failures += 0 if ok else 1

def md5(s):
    return hashlib.md5(s.encode()).hexdigest()

def tls(cert_site=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(os.path.join(bundle, "paris", "ca.crt"))
    if cert_site:
        d = os.path.join(bundle, cert_site)
        ctx.load_cert_chain(os.path.join(d, "site.crt"), os.path.join(d, "site.key"))
    raw = socket.create_connection((hub_addr, 5061), timeout=5)
    return ctx.wrap_socket(raw, server_hostname=hub_name)

class Site:
    def __init__(self, name, cert_site=None):
        self.name = name
        self.sock = tls(cert_site or name)
        self.buf = b""
        self.password = open(os.path.join(bundle, name, "registrar.password")).read().strip()

    def send(self, text):
        self.sock.sendall(text.encode())

    def recv(self, timeout=5):
        end = time.time() + timeout
        while time.time() < end:
            if b"\r\n\r\n" in self.buf:
                head, rest = self.buf.split(b"\r\n\r\n", 1)
                m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                n = int(m.group(1)) if m else 0
                if len(rest) >= n:
                    self.buf = rest[n:]
                    return (head + b"\r\n\r\n" + rest[:n]).decode()
            self.sock.settimeout(max(0.1, end - time.time()))
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("closed")
            self.buf += data
        raise TimeoutError("nothing received")

    def request(self, method, ruri, to, cseq, callid, extra="", body=""):
        ip, port = self.sock.getsockname()[:2]
        return (f"{method} {ruri} SIP/2.0\r\n"
                f"Via: SIP/2.0/TLS {ip}:{port};branch=z9hG4bK{uuid.uuid4().hex}\r\n"
                f"Max-Forwards: 70\r\n"
                f"From: <sips:{self.name}@{self.name}.{domain}>;tag={uuid.uuid4().hex[:8]}\r\n"
                f"To: <{to}>\r\nCall-ID: {callid}\r\nCSeq: {cseq} {method}\r\n"
                f"Contact: <sips:{self.name}@{ip}:{port};transport=tls>\r\n{extra}"
                f"Content-Length: {len(body)}\r\n\r\n{body}")

    def register(self, password=None):
        uri, to, callid = f"sips:{hub_name}", f"sips:{self.name}@{domain}", uuid.uuid4().hex
        self.send(self.request("REGISTER", uri, to, 1, callid, "Expires: 600\r\n"))
        reply = self.recv()
        if not reply.startswith("SIP/2.0 401"):
            return reply.split("\r\n")[0]
        challenge = re.search(r"(?im)^WWW-Authenticate:\s*Digest (.*)$", reply).group(1)
        realm = re.search(r'realm="([^"]*)"', challenge).group(1)
        nonce = re.search(r'nonce="([^"]*)"', challenge).group(1)
        cnonce, nc = uuid.uuid4().hex[:16], "00000001"
        ha1 = md5(f"{self.name}:{realm}:{password or self.password}")
        response = md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{md5('REGISTER:' + uri)}")
        auth = (f'Authorization: Digest username="{self.name}", realm="{realm}", nonce="{nonce}", '
                f'uri="{uri}", response="{response}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"\r\n')
        self.send(self.request("REGISTER", uri, to, 2, callid, "Expires: 600\r\n" + auth))
        return self.recv().split("\r\n")[0]

# Plaintext SIP on the TLS port gets no SIP answer.
try:
    raw = socket.create_connection((hub_addr, 5061), timeout=3)
    raw.sendall(b"OPTIONS sips:hub SIP/2.0\r\nContent-Length: 0\r\n\r\n")
    data = raw.recv(4096)
    check("plaintext SIP on the TLS port", b"SIP/2.0" not in data, f"{len(data)} bytes back, none SIP")
except (socket.timeout, ConnectionError) as e:
    check("plaintext SIP on the TLS port", True, f"no answer ({type(e).__name__})")

# No client certificate: no SIP either.
try:
    s = tls(None)
    s.sendall(b"OPTIONS sips:hub SIP/2.0\r\nContent-Length: 0\r\n\r\n")
    s.settimeout(3)
    data = s.recv(4096)
    check("TLS without a client certificate", b"SIP/2.0" not in data, "connection closed without SIP")
except (ssl.SSLError, socket.timeout, ConnectionError, OSError) as e:
    check("TLS without a client certificate", True, f"refused ({type(e).__name__}: {e})")

lyon = Site("lyon")
status = lyon.register()
check("lyon registers with its generated password", status.startswith("SIP/2.0 200"), status)
paris = Site("paris")
status = paris.register(password="x" * 32)
check("paris with a wrong password", status.startswith("SIP/2.0 401"), status)
paris = Site("paris")
status = paris.register()
check("paris registers", status.startswith("SIP/2.0 200"), status)
impostor = Site("paris", cert_site="nice")
status = impostor.register()
check("paris's name and password over nice's certificate", status.startswith("SIP/2.0 403"), status)

sdp = "v=0\r\no=- 1 1 IN IP4 10.77.0.1\r\ns=-\r\nc=IN IP4 10.77.0.1\r\nt=0 0\r\nm=audio 16384 RTP/AVP 0\r\n"
callid = uuid.uuid4().hex
paris.send(paris.request("INVITE", f"sips:lyon@lyon.{domain}", f"sips:lyon@lyon.{domain}", 1, callid,
                         "Content-Type: application/sdp\r\n", sdp))
try:
    got = lyon.recv()
    first = got.split("\r\n")[0]
    check("paris's INVITE reaches lyon over lyon's own connection",
          first.startswith("INVITE ") and callid in got, first)
except Exception as e:
    check("paris's INVITE reaches lyon over lyon's own connection", False, str(e))

nice = Site("nice")
forged = nice.request("INVITE", f"sips:lyon@lyon.{domain}", f"sips:lyon@lyon.{domain}", 1, uuid.uuid4().hex)
nice.send(forged.replace(f"sips:nice@nice.{domain}", f"sips:paris@paris.{domain}", 1))
status = nice.recv().split("\r\n")[0]
check("nice's INVITE claiming to be paris", status.startswith("SIP/2.0 403"), status)
nice.send(nice.request("INVITE", f"sips:brest@brest.{domain}", f"sips:brest@brest.{domain}", 2, uuid.uuid4().hex))
status = nice.recv().split("\r\n")[0]
check("an INVITE to a site that never registered", status.startswith("SIP/2.0 404"), status)
sys.exit(1 if failures else 0)
PY
ip netns exec "$ns" timeout 60 python3 "$work/client.py" "$work/out/sites" 10.77.0.254 hub.sealcall.test sealcall.test ||
	sc_fail "the hub does not behave; Kamailio's log: $(grep -iE 'error|warn' "$NETSIM_DIR/kamailio.log" | tail -n 20)"
sc_pass "registration with digest and certificate identity, relay to a registered site, refusals"
