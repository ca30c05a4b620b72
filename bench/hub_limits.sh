#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# How many registrations and calls per second the provisioned hub takes before requests
# fail. The hub is set up as provision_hub10.sh sets it up: `sealcall provision` with
# topology hub, the hub's WireGuard (wireguard-go) from wg0.conf and Kamailio from
# kamailio.cfg, in a namespace. The load comes from one more provisioned site ("load", a
# sealcalld with its bundle, for its tunnel) where a generator (Python asyncio, written
# below) holds one TLS connection per identity with that identity's provisioned certificate,
# as a site does. Identities are provisioned sites that run no daemon; Kamailio checks their
# certificates and digest passwords as for any site.
#
#   registrations: REGISTER, 401 challenge, REGISTER with Digest, 200 (what a site does at
#     start and every expires/2), one at a time per identity, over established connections.
#   calls: INVITE through the hub to a registered identity that answers 200 at once, ACK,
#     the call held HOLD seconds, BYE, 200; signaling only (media never touches Kamailio).
#
# Each step sends at a target rate for STEP seconds, waits for every exchange to finish,
# and prints what came back; the rate doubles until a step has failures (a final response
# other than 200, a closed connection, or none within 5 s) or the generator cannot send at
# the rate asked. CPU shares per step say who was busy. Prints numbers, no verdicts.
#
#   sudo SC_BUILD_DIR=build bench/hub_limits.sh [IDENTITIES]
#   env: SC_BENCH_STEP=5 (s per step)  SC_BENCH_HOLD=1 (s a call lasts)
#        SC_BENCH_START=10 (first rate)  SC_BENCH_MAX=5120 (last rate tried)
#        SC_BENCH_MODES="registrations calls"
#        SC_BENCH_KAMAILIO="-N 1" (more kamailio options, e.g. 1 TCP worker, -m 256 memory)
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
export SC_BUILD_DIR=${SC_BUILD_DIR:-$here/build}
[[ $SC_BUILD_DIR == /* ]] || SC_BUILD_DIR=$here/$SC_BUILD_DIR
identities=${1:-200}
step=${SC_BENCH_STEP:-5}
hold=${SC_BENCH_HOLD:-1}
first=${SC_BENCH_START:-10}
max=${SC_BENCH_MAX:-5120}
((identities >= 4 && identities <= 400)) || { echo "IDENTITIES: 4 to 400" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "needs root (network namespaces)" >&2; exit 1; }
for tool in python3 kamailio wireguard-go wg ss; do
	command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null || { echo "$tool missing (scripts/install-deps)" >&2; exit 1; }
done
source "$here/tests/netsim/netsim.sh"
t_start=$SECONDS

netsim_init bhub
netsim_site load 1 || exit 1
netsim_site hub 200 || exit 1
hub_ip=$(netsim_tunnel_ip hub)
work=$NETSIM_DIR/provision
mkdir -p "$work"
{
	echo "topology: hub"
	# a /22: every identity is a site with an address of its own, though it uses none
	echo "tunnel_subnet: 10.77.0.0/22"
	echo "domain: sealcall.test"
	echo "zrtp_cache_file: zrtp-cache"
	echo "hub: {name: hub, endpoint: $(netsim_underlay_ip hub):51820, address: $hub_ip}"
	echo "sites:"
	echo "  - {name: load, address: $(netsim_tunnel_ip load), interface: $(netsim_iface load)}"
	for ((i = 1; i <= identities; i++)); do printf '  - {name: id%03d}\n' "$i"; done
} >"$work/sites.yaml"
netsim_provision "$work/sites.yaml" "$work/out" || exit 1
# The identities have no tunnel of their own: as WireGuard peers of the hub they would only
# have wireguard-go retry handshakes to nowhere (every 5 s for 90 s) during the measurement.
awk 'BEGIN { RS = ""; ORS = "\n\n" } !/^\[Peer\]/ || /^\[Peer\]\n# load\n/' "$work/out/hub/wg0.conf" >"$work/wg0-load.conf"
mkdir -p "$work/hub" && cp -a "$work/out/hub/." "$work/hub/" && cp "$work/wg0-load.conf" "$work/hub/wg0.conf"
[[ $(grep -c '^\[Peer\]' "$work/hub/wg0.conf") == 1 ]] || { echo "could not keep the load site's peer alone in wg0.conf" >&2; exit 1; }
read -r -a kamailio_args <<<"${SC_BENCH_KAMAILIO:-}"
netsim_hub_up hub "$work/hub" "${kamailio_args[@]}" >/dev/null || exit 1
netsim_bundle load "$work/out/sites/load" && netsim_start_daemon load --log-level info 2>/dev/null || exit 1
netsim_wait_for 60 grep -q 'sip: registered at' "$NETSIM_DIR/load/sealcalld.log" ||
	{ echo "the load site did not register: $(tail -n 5 "$NETSIM_DIR/load/sealcalld.log")" >&2; exit 1; }
setup_s=$((SECONDS - t_start))

cat >"$NETSIM_DIR/hubload.py" <<'PY'
# SPDX-License-Identifier: GPL-3.0-or-later
# The load generator of bench/hub_limits.sh: SIP over TLS with provisioned identities.
import asyncio, hashlib, os, re, ssl, sys, time, uuid

bundles, hub_addr, hub_name, domain, mode = sys.argv[1:6]
n_ids, step_s, hold_s, first, last = int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9]), int(sys.argv[10])
# "label:pid,pid;label:pid": the CPU of each group of processes, per step.
groups = [(g.split(":")[0], [int(p) for p in g.split(":")[1].split(",") if p]) for g in sys.argv[11].split(";")]
groups.append(("generator", [os.getpid()]))
kamailio_log = sys.argv[12]
# Kamailio's own account: TLS errors it closed a connection for, and its memory allocator
# catching double frees (Kamailio 5.6 with OpenSSL 3: see docs/provisioning.md), and TLS
# operations it refused for want of shared memory (its -m).
LOG_PATTERNS = (("tls-err", "protocol level error"), ("low-mem", "not enough memory for safe operation"),
                ("crit", "CRITICAL:"))

def log_counts():
    try:
        text = open(kamailio_log, errors="replace").read()
    except OSError:
        return [0] * len(LOG_PATTERNS)
    return [text.count(p) for _, p in LOG_PATTERNS]
TIMEOUT = 5.0
BUSY = "generator: every identity had a registration under way"
COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length"}

def md5(s):
    return hashlib.md5(s.encode()).hexdigest()

def parse(head):
    lines = head.split("\r\n")
    hdrs = []
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            k = k.strip().lower()
            hdrs.append((COMPACT.get(k, k), v.strip()))
    return lines[0], hdrs

def hget(hdrs, name):
    return [v for k, v in hdrs if k == name]

class Conn:
    def __init__(self, name):
        self.name = name
        d = os.path.join(bundles, name)
        self.password = open(os.path.join(d, "registrar.password")).read().strip()
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.ctx.load_verify_locations(os.path.join(d, "ca.crt"))
        self.ctx.load_cert_chain(os.path.join(d, "site.crt"), os.path.join(d, "site.key"))
        self.waiting = {}   # branch -> queue of responses
        self.cseq = 0
        self.reg_callid = uuid.uuid4().hex
        self.busy = False
        self.closed = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(hub_addr, 5061, ssl=self.ctx, server_hostname=hub_name)
        self.local = self.writer.get_extra_info("sockname")[:2]
        self.task = asyncio.ensure_future(self.read_loop())

    def send(self, text):
        self.writer.write(text.encode())

    async def read_loop(self):
        buf = b""
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    break
                buf += data
                while True:
                    buf = buf.lstrip(b"\r\n")
                    i = buf.find(b"\r\n\r\n")
                    if i < 0:
                        break
                    head = buf[:i].decode(errors="replace")
                    m = re.search(r"(?im)^(?:content-length|l)\s*:\s*(\d+)", head)
                    n = int(m.group(1)) if m else 0
                    if len(buf) < i + 4 + n:
                        break
                    body = buf[i + 4:i + 4 + n].decode(errors="replace")
                    buf = buf[i + 4 + n:]
                    self.dispatch(head, body)
        except (ConnectionError, ssl.SSLError, OSError) as e:
            self.closed = type(e).__name__
        self.closed = self.closed or "closed by the hub"
        for q in self.waiting.values():
            q.put_nowait(None)

    def dispatch(self, head, body):
        first_line, hdrs = parse(head)
        if first_line.startswith("SIP/2.0 "):
            via = hget(hdrs, "via")
            m = re.search(r"branch=([^;,\s]+)", via[0]) if via else None
            q = self.waiting.get(m.group(1)) if m else None
            if q:
                q.put_nowait((int(first_line.split()[1]), hdrs, body))
            return
        method = first_line.split()[0]
        if method == "INVITE":
            self.reply(hdrs, "200 OK", to_tag=uuid.uuid4().hex[:8], sdp=True)
        elif method in ("BYE", "OPTIONS"):
            self.reply(hdrs, "200 OK")

    def reply(self, hdrs, status, to_tag=None, sdp=False):
        out = [f"SIP/2.0 {status}"]
        for k, v in hdrs:
            if k == "via":
                out.append(f"Via: {v}")
        for k, v in hdrs:
            if k == "record-route":
                out.append(f"Record-Route: {v}")
        to = hget(hdrs, "to")[0]
        if to_tag and ";tag=" not in to:
            to += f";tag={to_tag}"
        out += [f"From: {hget(hdrs, 'from')[0]}", f"To: {to}", f"Call-ID: {hget(hdrs, 'call-id')[0]}",
                f"CSeq: {hget(hdrs, 'cseq')[0]}"]
        body = ""
        if sdp:
            out.append(f"Contact: <sips:{self.name}@{self.local[0]}:{self.local[1]};transport=tls>")
            body = self.sdp()
            out.append("Content-Type: application/sdp")
        out.append(f"Content-Length: {len(body)}")
        self.send("\r\n".join(out) + "\r\n\r\n" + body)

    def sdp(self):
        ip = self.local[0]
        return (f"v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n"
                f"m=audio 16384 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")

    def request(self, method, ruri, to, callid, cseq, from_tag, extra="", body=""):
        branch = "z9hG4bK" + uuid.uuid4().hex
        ip, port = self.local
        text = (f"{method} {ruri} SIP/2.0\r\nVia: SIP/2.0/TLS {ip}:{port};branch={branch};rport\r\n"
                f"Max-Forwards: 70\r\nFrom: <sips:{self.name}@{self.name}.{domain}>;tag={from_tag}\r\n"
                f"To: {to}\r\nCall-ID: {callid}\r\nCSeq: {cseq} {method}\r\n"
                f"Contact: <sips:{self.name}@{ip}:{port};transport=tls>\r\n{extra}"
                f"Content-Length: {len(body)}\r\n\r\n{body}")
        return branch, text

    async def transaction(self, branch, text, deadline):
        # The final response, or an exception saying why there is none by DEADLINE.
        q = asyncio.Queue()
        self.waiting[branch] = q
        method = text.split(" ", 1)[0]
        try:
            if self.closed:
                raise ConnectionError(self.closed)
            self.send(text)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{method}: no final response within {TIMEOUT:.0f} s")
                try:
                    r = await asyncio.wait_for(q.get(), left)
                except asyncio.TimeoutError:
                    raise TimeoutError(f"{method}: no final response within {TIMEOUT:.0f} s")
                if r is None:
                    raise ConnectionError(self.closed)
                if r[0] >= 200:
                    return r
        finally:
            del self.waiting[branch]

    async def register(self, deadline):
        uri, to = f"sips:{hub_name}", f"<sips:{self.name}@{domain}>"
        tag = uuid.uuid4().hex[:8]
        self.cseq += 1
        branch, text = self.request("REGISTER", uri, to, self.reg_callid, self.cseq, tag, "Expires: 600\r\n")
        status, hdrs, _ = await self.transaction(branch, text, deadline)
        if status != 401:
            return status
        ch = hget(hdrs, "www-authenticate")[0]
        realm = re.search(r'realm="([^"]*)"', ch).group(1)
        nonce = re.search(r'nonce="([^"]*)"', ch).group(1)
        cnonce, nc = uuid.uuid4().hex[:16], "00000001"
        resp = md5(f"{md5(f'{self.name}:{realm}:{self.password}')}:{nonce}:{nc}:{cnonce}:auth:{md5('REGISTER:' + uri)}")
        auth = (f'Authorization: Digest username="{self.name}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
                f'response="{resp}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"\r\n')
        self.cseq += 1
        branch, text = self.request("REGISTER", uri, to, self.reg_callid, self.cseq, tag, "Expires: 600\r\n" + auth)
        status, _, _ = await self.transaction(branch, text, deadline)
        return status

    async def call(self, callee, deadline):
        ruri = f"sips:{callee}@{callee}.{domain}"
        callid, tag = uuid.uuid4().hex, uuid.uuid4().hex[:8]
        branch, text = self.request("INVITE", ruri, f"<{ruri}>", callid, 1, tag,
                                    "Content-Type: application/sdp\r\n", self.sdp())
        t0 = time.monotonic()
        status, hdrs, _ = await self.transaction(branch, text, deadline)
        setup = time.monotonic() - t0
        if status != 200:
            return f"INVITE {status}", setup
        routes = []
        for v in hget(hdrs, "record-route"):
            routes += [r.strip() for r in v.split(",")]
        routes.reverse()
        target = re.search(r"<([^>]+)>", hget(hdrs, "contact")[0]).group(1)
        to = hget(hdrs, "to")[0]
        route = "".join(f"Route: {r}\r\n" for r in routes)
        _, ack = self.request("ACK", target, to, callid, 1, tag, route)
        self.send(ack)
        await asyncio.sleep(hold_s)
        branch, bye = self.request("BYE", target, to, callid, 2, tag, route)
        status, _, _ = await self.transaction(branch, bye, time.monotonic() + TIMEOUT)
        return (None if status == 200 else f"BYE {status}"), setup

def cpu_ticks():
    total = []
    for _, pids in groups:
        ticks = 0
        for pid in pids:
            try:
                f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                ticks += int(f[11]) + int(f[12])
            except (OSError, IndexError):
                pass
        total.append(ticks)
    return total

async def run_step(rate, conns, op):
    # Sends RATE exchanges per second for step_s seconds; returns (sent, ok, failures, latencies).
    n = int(rate * step_s)
    t0 = time.monotonic()
    tasks, lag = [], 0.0
    async def one(i):
        # (None or what failed, the latency: the whole registration, or a call's INVITE to 200)
        start = time.monotonic()
        try:
            return await op(i, start + TIMEOUT)
        except (TimeoutError, ConnectionError, OSError) as e:
            return f"{type(e).__name__}: {e}", time.monotonic() - start
    for i in range(n):
        due = t0 + i / rate
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        else:
            lag = max(lag, -wait)
        tasks.append(asyncio.ensure_future(one(i)))
    send_s = time.monotonic() - t0
    results = await asyncio.gather(*tasks)
    return n, send_s, lag, results

def pct(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000

def summary(fails):
    kinds = {}
    for w in fails:
        kinds[w] = kinds.get(w, 0) + 1
    return "; ".join(f"{k} x{v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))

async def burst(conns):
    # Every identity connects (TLS with its certificate) and registers at once, as every
    # site does when the hub comes back. Returns the identities that made it.
    async def one(c):
        try:
            try:
                await asyncio.wait_for(c.open(), TIMEOUT)
            except asyncio.TimeoutError:
                raise TimeoutError(f"TLS connection not up within {TIMEOUT:.0f} s")
            st = await c.register(time.monotonic() + TIMEOUT)
            return None if st == 200 else f"REGISTER {st}"
        except (TimeoutError, asyncio.TimeoutError, ConnectionError, OSError) as e:
            return f"{type(e).__name__}: {e}"
    logs_before, t0 = log_counts(), time.monotonic()
    results = await asyncio.gather(*(one(c) for c in conns))
    took = time.monotonic() - t0
    fails = [r for r in results if r]
    logs = [a - b for a, b in zip(log_counts(), logs_before)]
    print(f"  burst: {len(conns)} identities connect and register at once: {len(conns) - len(fails)} in {took:.1f} s, "
          f"{len(fails)} failed{': ' + summary(fails) if fails else ''}; hub log: " +
          ", ".join(f"{v} {label}" for (label, _), v in zip(LOG_PATTERNS, logs)), flush=True)
    return [c for c, r in zip(conns, results) if r is None]

async def main():
    names = [f"id{i:03d}" for i in range(1, n_ids + 1)]
    conns = await burst([Conn(n) for n in names])
    if len(conns) < 4:
        print("  too few identities left to go on", flush=True)
        return 0
    hz = os.sysconf("SC_CLK_TCK")
    if mode == "calls":
        callees, callers = conns[: len(conns) // 2], conns[len(conns) // 2:]
        async def op(i, deadline):
            caller = callers[i % len(callers)]
            callee = callees[(i * 7 + i // len(callers)) % len(callees)]
            return await caller.call(callee.name, deadline)
        what = "calls"
    else:
        free = asyncio.Queue()
        for c in conns:
            free.put_nowait(c)
        async def op(i, deadline):
            if free.empty():
                return BUSY, 0.0
            c = free.get_nowait()
            try:
                start = time.monotonic()
                st = await c.register(deadline)
                return (None if st == 200 else f"REGISTER {st}"), time.monotonic() - start
            finally:
                free.put_nowait(c)
        what = "registrations"
    print(f"  {'target/s':>8} {'sent/s':>7} {'done':>6} {'failed':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
          f"   hub log: " + " ".join(f"{label:>7}" for label, _ in LOG_PATTERNS) +
          f"   cpu %: " + " ".join(f"{label:>9}" for label, _ in groups), flush=True)
    rate = first
    while rate <= last:
        before, logs_before, t0 = cpu_ticks(), log_counts(), time.monotonic()
        n, send_s, lag, results = await run_step(rate, conns, op)
        wall = time.monotonic() - t0
        after, logs_after = cpu_ticks(), log_counts()
        cpu = [100.0 * (a - b) / hz / wall for a, b in zip(after, before)]
        busy = sum(1 for w, _ in results if w == BUSY)
        fails = [w for w, _ in results if w and w != BUSY]
        lat = [t for w, t in results if not w]
        sent_rate = n / send_s if send_s > 0 else 0
        print(f"  {rate:>8} {sent_rate:>7.0f} {len(lat):>6} {len(fails):>6} {pct(lat, 50):>7.1f} "
              f"{pct(lat, 95):>7.1f} {pct(lat, 100):>7.1f}   hub log: " +
              " ".join(f"{a - b:>7}" for a, b in zip(logs_after, logs_before)) +
              "   cpu %: " + " ".join(f"{c:>9.0f}" for c in cpu), flush=True)
        if fails:
            print(f"first failures at {rate} {what}/s: {len(fails)} of {n}: {summary(fails)}", flush=True)
            return 0
        if busy:
            print(f"generator limit at {rate} {what}/s: {busy} of {n} not sent, every identity was busy "
                  f"(give more identities); no failures up to here", flush=True)
            return 0
        if sent_rate < 0.9 * rate or lag > 1.0:
            print(f"generator limit at {rate} {what}/s: it sent {sent_rate:.0f}/s (fell {lag:.1f} s behind); "
                  f"no failures up to here", flush=True)
            return 0
        rate *= 2
    print(f"no failures up to {last} {what}/s (SC_BENCH_MAX)", flush=True)
    return 0

sys.exit(asyncio.run(main()))
PY

# The processes whose CPU each step reports: Kamailio (all of its processes, summed by the
# generator per PID), the hub's and the load site's wireguard-go, the load site's sealcalld.
kam_pids=$(pgrep -d, -P "$NETSIM_HUB_KAMAILIO_PID" kamailio)
hub_wg=$(pgrep -f "wireguard-go -f $(netsim_iface hub)$" | head -n 1)
load_wg=$(cat "$NETSIM_DIR/load/run/$(netsim_iface load).wg-go.pid")

echo "hub_limits: hub = Kamailio $(kamailio -v 2>/dev/null | head -n 1 | awk '{print $3}') (kamailio -m 64 -M 8 ${SC_BENCH_KAMAILIO:-}: the last of each option counts; $(($(pgrep -c -P "$NETSIM_HUB_KAMAILIO_PID") + 1)) processes) and wireguard-go, from 'sealcall provision'"
echo "  load: $identities provisioned identities, one TLS connection each, from the load site through its tunnel"
echo "  steps of $step s, doubling from $first/s; failure = not 200, connection lost, or nothing within 5 s"
echo "  machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run; set-up took $setup_s s"
for mode in ${SC_BENCH_MODES:-registrations calls}; do
	t0=$SECONDS
	if [[ $mode == calls ]]; then
		echo "calls (INVITE-200-ACK, held $hold s, BYE-200; $((identities / 2)) callers to $((identities / 2)) registered callees; latency: INVITE to 200):"
	else
		echo "registrations (REGISTER-401-REGISTER with Digest-200, one at a time per identity; latency: all four messages):"
	fi
	netsim_exec load python3 "$NETSIM_DIR/hubload.py" "$work/out/sites" "$hub_ip" hub.sealcall.test sealcall.test \
		"$mode" "$identities" "$step" "$hold" "$first" "$max" \
		"kamailio:$NETSIM_HUB_KAMAILIO_PID,$kam_pids;wg-hub:$hub_wg;wg-load:$load_wg" "$NETSIM_DIR/hub/kamailio.log" ||
		echo "  the generator failed (exit $?)"
	sleep 2 # the generator's connections are closing
	echo "  ($((SECONDS - t0)) s; Kamailio's log holds $(grep -c 'CRITICAL:' "$NETSIM_DIR/hub/kamailio.log") CRITICAL lines so far, the generator's connections closed)"
done
netsim_alive "$NETSIM_HUB_KAMAILIO_PID" || echo "Kamailio is no longer running"
echo "hub_limits: $((SECONDS - t_start)) s in all; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
