// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/call_rtp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audio/resample.h"
#include "audio/sample_fifo.h"
#include "base/log.h"
#include "base/strutil.h"
#include "core/headset.h"
#include "media/call_media.h"
#include "sip/sdp.h"
#include "zrtp/cache.h"

// The headset's frames and the call's differ in rate when a G.711 call runs on a headset
// kept at 48 kHz for Opus: each direction goes through a resampler and a queue that hands
// out whole frames of the other rate.
struct rate_bridge {
	bool active;
	struct sc_resampler *down, *up; // headset -> call, call -> headset
	struct sc_sample_fifo to_call, to_headset;
	size_t call_frame, headset_frame;
};

struct sc_call_rtp {
	const struct sc_policy *p;
	char ifname[SC_IFNAME_MAX + 1];
	void *rng;
	struct sc_zrtp_cache *cache;
	char cache_error[SC_PATH_MAX + 256];
	int fd;
	int rtcp_fd;    // RTP port + 1, only when the peer did not agree a=rtcp-mux; else -1
	uint16_t port;
	char local[INET6_ADDRSTRLEN];
	struct sc_call_media *media;
	struct sc_loop *loop;
	struct sc_call_rtp_events events;
	struct sc_loop_watch *watch, *rtcp_watch;
	struct sc_loop_timer *timer;
	bool started;
	uint64_t send_errors;
	uint32_t headset_rate;
	struct rate_bridge bridge;
	uint64_t next_stats_ms;
	uint64_t gaps_logged;
};

// How often a call's media counters are logged (debug), and once more at its end (info).
#define STATS_LOG_MS 5000

#define RECV_BATCH 64
#define POP_BATCH 256

static void on_timer(struct sc_loop *loop, struct sc_loop_timer *t, void *arg);

int sc_call_rtp_new(const struct sc_policy *p, const char *ifname, void *rng_ctx,
		    struct sc_loop *loop, const struct sc_call_rtp_events *events,
		    struct sc_call_rtp **out)
{
	struct sc_call_rtp *r = calloc(1, sizeof(*r));
	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->loop = loop;
	r->events = *events;
	int trc = sc_loop_timer_new(loop, on_timer, r, &r->timer);
	if (trc < 0) {
		free(r);
		return trc;
	}
	r->p = p;
	r->fd = -1;
	r->rtcp_fd = -1;
	r->headset_rate = sc_headset_rate_for(p);
	r->rng = rng_ctx;
	sc_strcpy(r->ifname, sizeof(r->ifname), ifname);
	char why[200] = "";
	int rc = sc_zrtp_cache_open(p->media.zrtp.cache_file, sc_zrtp_system_rng, rng_ctx, &r->cache,
				    why, sizeof(why));
	if (rc < 0) {
		snprintf(r->cache_error, sizeof(r->cache_error), "the ZRTP cache %s is unusable: %s",
			 p->media.zrtp.cache_file, why[0] ? why : strerror(-rc));
		sc_err("%s; calls are refused until it is fixed and sealcalld restarted",
		       r->cache_error);
	}
	*out = r;
	return 0;
}

static void log_media(struct sc_call_rtp *r, bool final)
{
	struct sc_call_media_stats st;
	sc_call_media_get_stats(r->media, &st);
	const struct sc_media_counters *m = &st.media.counters;
	const struct sc_call_media_counters *c = &st.counters;
	// The SRTP side (ROC, authentication, replay) says whether a long call crossed the RTP
	// sequence wrap cleanly; the playout side what the listener heard.
	const struct sc_jb_stats *j = &st.jitter;
	// A listener who heard a hole wants to know whether the network made it: say so once
	// per gap, in the user's log level, not only among the debug counters.
	if (j->gaps > r->gaps_logged) {
		sc_info("media: nothing arrived from the far end for longer than the jitter buffer "
			"can hide (%llu time(s) so far, the longest gap %u ms): the network or the "
			"far end stopped for a while and that audio was lost",
			(unsigned long long)j->gaps, j->longest_gap_ms);
		r->gaps_logged = j->gaps;
	}
	sc_log(final ? SC_LOG_INFO : SC_LOG_DEBUG,
	       "media: %s%s: tx %llu rtp (roc %u) rx %llu rtp (roc %u) lost %lld; srtp auth failures "
	       "%llu replayed %llu too old %llu; played %llu rebuilt %llu concealed %llu silence %llu; "
	       "jitter buffer %u ms (target %u) late %llu inserted %llu dropped %llu gaps %llu",
	       final ? "call ended, " : "", st.codec, (unsigned long long)m->tx_rtp, st.media.rtp.tx_roc,
	       (unsigned long long)m->rx_rtp, st.media.rtp.rx_roc, (long long)st.rx_lost,
	       (unsigned long long)m->rx_auth_failed, (unsigned long long)m->rx_replayed,
	       (unsigned long long)m->rx_too_old, (unsigned long long)c->played_frames,
	       (unsigned long long)c->fec_frames, (unsigned long long)c->concealed_frames,
	       (unsigned long long)c->silence_frames, j->delay_ms, j->target_ms,
	       (unsigned long long)j->late, (unsigned long long)j->inserted,
	       (unsigned long long)j->dropped, (unsigned long long)j->gaps);
}

// Sends everything the runtime queued on the connected socket, then hands its events on.
static void flush(struct sc_call_rtp *r)
{
	uint8_t buf[SC_CALL_MEDIA_MAX_DATAGRAM];
	size_t len;
	for (int i = 0; r->media && i < POP_BATCH &&
			sc_call_media_pop_datagram(r->media, buf, sizeof(buf), &len) == 0; i++) {
		// RFC 5761 §4: RTCP packet types 192..223 sit where RTP's marker and payload type do
		bool rtcp = len >= 2 && buf[1] >= 192 && buf[1] <= 223 && (buf[0] & 0xc0) == 0x80;
		int fd = rtcp && r->rtcp_fd >= 0 ? r->rtcp_fd : r->fd;
		if (send(fd, buf, len, MSG_NOSIGNAL) < 0 && r->send_errors++ == 0)
			sc_warn("media: cannot send to the peer's RTP port: %s (counted; logged once "
				"a call)", strerror(errno));
	}
	struct sc_call_media_event ev;
	for (int i = 0; r->media && i < POP_BATCH && sc_call_media_pop_event(r->media, &ev); i++)
		if (r->events.event)
			r->events.event(r->events.ctx, &ev);
	memset(buf, 0, sizeof(buf));
	if (!r->media || !r->started)
		return;
	int64_t next = sc_call_media_next_timeout(r->media);
	uint64_t now = sc_loop_now_ms();
	if (now >= r->next_stats_ms) {
		if (r->next_stats_ms)
			log_media(r, false);
		r->next_stats_ms = now + STATS_LOG_MS;
	}
	if (next < 0)
		sc_loop_timer_stop(r->timer);
	else
		sc_loop_timer_arm(r->timer, (uint64_t)next > now ? (uint64_t)next - now : 0, 0);
}

static void on_timer(struct sc_loop *loop, struct sc_loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct sc_call_rtp *r = arg;
	if (!r->media)
		return;
	sc_call_media_timer(r->media, sc_loop_now_ms());
	flush(r);
}

static void on_readable(struct sc_loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)events;
	struct sc_call_rtp *r = arg;
	uint8_t buf[SC_CALL_MEDIA_MAX_DATAGRAM + 1];
	for (int i = 0; r->media && i < RECV_BATCH; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_TRUNC);
		if (n < 0)
			break; // EAGAIN; ECONNREFUSED (the peer's port not open yet) is not fatal
		sc_call_media_receive(r->media, buf, (size_t)n > sizeof(buf) ? sizeof(buf) : (size_t)n,
				      sc_loop_now_ms());
	}
	flush(r);
}

static void bridge_free(struct rate_bridge *b)
{
	sc_resampler_free(b->down);
	sc_resampler_free(b->up);
	sc_sample_fifo_free(&b->to_call);
	sc_sample_fifo_free(&b->to_headset);
	memset(b, 0, sizeof(*b));
}

// Queues start with an eighth of a frame of silence: the resampler's output per frame
// varies by a sample, and the margin keeps every tick at exactly one frame each way.
static int bridge_new(struct rate_bridge *b, uint32_t headset_rate, uint32_t call_rate,
		      uint32_t ptime_ms)
{
	memset(b, 0, sizeof(*b));
	b->call_frame = (size_t)call_rate / 1000 * ptime_ms;
	b->headset_frame = (size_t)headset_rate / 1000 * ptime_ms;
	int16_t zeros[SC_CALL_MEDIA_MAX_FRAME / 8] = { 0 };
	int rc = sc_resampler_new(headset_rate, call_rate, SC_RESAMPLE_QUALITY, &b->down);
	if (rc == 0)
		rc = sc_resampler_new(call_rate, headset_rate, SC_RESAMPLE_QUALITY, &b->up);
	if (rc == 0)
		rc = sc_sample_fifo_init(&b->to_call, 4 * b->call_frame);
	if (rc == 0)
		rc = sc_sample_fifo_init(&b->to_headset, 4 * b->headset_frame);
	if (rc < 0) {
		bridge_free(b);
		return rc;
	}
	sc_sample_fifo_push(&b->to_call, zeros, b->call_frame / 8);
	sc_sample_fifo_push(&b->to_headset, zeros, b->headset_frame / 8);
	b->active = true;
	return 0;
}

static void release(void *ctx)
{
	struct sc_call_rtp *r = ctx;
	if (r->media && r->started)
		log_media(r, true);
	bridge_free(&r->bridge);
	r->next_stats_ms = 0;
	if (r->media && r->started && sc_call_media_hangup(r->media, sc_loop_now_ms()) == 0) {
		// the SRTCP BYE leaves before the socket closes; events are no longer wanted
		struct sc_call_rtp_events keep = r->events;
		r->events.event = NULL;
		flush(r);
		r->events = keep;
	}
	sc_loop_watch_free(r->watch);
	r->watch = NULL;
	sc_loop_watch_free(r->rtcp_watch);
	r->rtcp_watch = NULL;
	if (r->rtcp_fd >= 0)
		close(r->rtcp_fd);
	r->rtcp_fd = -1;
	if (r->timer)
		sc_loop_timer_stop(r->timer);
	r->started = false;
	sc_call_media_free(r->media);
	r->media = NULL;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->port = 0;
}

void sc_call_rtp_free(struct sc_call_rtp *r)
{
	if (!r)
		return;
	release(r);
	sc_loop_timer_free(r->timer);
	sc_zrtp_cache_free(r->cache);
	free(r);
}

uint16_t sc_call_rtp_port(const struct sc_call_rtp *r)
{
	return r->port;
}

// The first free even port of the range on the tunnel address; bound to the tunnel
// interface so that nothing of the call can leave by another one (DESIGN.md invariant 3).
static int bind_rtp(struct sc_call_rtp *r, int family, const uint8_t *addr)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, r->ifname, (socklen_t)strlen(r->ifname)) < 0) {
		int e = -errno;
		sc_err("media: cannot bind the RTP socket to %s: %s", r->ifname, strerror(errno));
		close(fd);
		return e;
	}
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, addr, 16);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, addr, 4);
		len = sizeof(*s4);
	}
	const struct sc_media *m = &r->p->media;
	int last = -EADDRINUSE;
	for (uint32_t port = m->rtp_port_min; port <= m->rtp_port_max; port += 2) {
		if (family == AF_INET6)
			((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		else
			((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		if (bind(fd, (struct sockaddr *)&ss, len) == 0) {
			r->fd = fd;
			r->port = (uint16_t)port;
			return 0;
		}
		last = -errno;
		if (errno != EADDRINUSE)
			break;
	}
	close(fd);
	sc_err("media: no RTP port free on %s in %u..%u: %s; widen media.rtp_port_min/max or stop "
	       "what holds them", r->local, m->rtp_port_min, m->rtp_port_max, strerror(-last));
	return last;
}

#ifdef SEALCALL_TEST_HOOKS
// Tests only (cmake -DSEALCALL_TEST_HOOKS=ON, never in the package): the first RTP sequence
// number from the environment, so that a call reaches the 16-bit wrap in seconds.
static void test_first_seq(struct sc_call_media_config *cfg)
{
	const char *v = getenv("SEALCALL_TEST_RTP_FIRST_SEQ");
	uint32_t seq;
	if (!v)
		return;
	if (sc_parse_u32(v, 0, 65535, &seq) < 0) {
		sc_warn("media: SEALCALL_TEST_RTP_FIRST_SEQ='%s' is not a number 0..65535: ignored", v);
		return;
	}
	cfg->fixed_first_seq = true;
	cfg->first_seq = (uint16_t)seq;
	sc_warn("media: test hook: the call's first RTP sequence number is %u "
		"(SEALCALL_TEST_RTP_FIRST_SEQ; a test build, not for production)", seq);
}
#else
static void test_first_seq(struct sc_call_media_config *cfg)
{
	(void)cfg;
}
#endif

static int prepare(void *ctx, const struct sc_sip_ua_media_call *call, uint16_t *port,
		   char *zrtp_hash, size_t hash_len)
{
	struct sc_call_rtp *r = ctx;
	if (!r->cache) {
		sc_err("media: %s", r->cache_error);
		return -EIO;
	}
	release(r);
	inet_ntop(call->family, call->local_addr, r->local, sizeof(r->local));
	int rc = bind_rtp(r, call->family, call->local_addr);
	if (rc < 0)
		return rc;
	char cname[SC_NAME_MAX + INET6_ADDRSTRLEN + 2];
	snprintf(cname, sizeof(cname), "%s@%s", r->p->site_name, r->local);
	struct sc_call_media_config cfg = {
		.policy = &r->p->media,
		.role = call->outgoing ? SC_CALL_CALLER : SC_CALL_CALLEE,
		.peer_name = call->peer,
		.cname = cname,
		.zid = sc_zrtp_cache_zid(r->cache),
		.cache = sc_zrtp_cache_ops(r->cache),
		.rng = sc_zrtp_system_rng,
		.rng_ctx = r->rng,
	};
	test_first_seq(&cfg);
	rc = sc_call_media_new(&cfg, &r->media);
	if (rc == 0)
		rc = sc_call_media_zrtp_hash(r->media, zrtp_hash, hash_len);
	if (rc < 0) {
		sc_err("media: cannot create the call's media runtime: %s", strerror(-rc));
		release(r);
		return rc;
	}
	*port = r->port;
	sc_debug("media: RTP port %s:%u bound for the call with %s", r->local, r->port,
		 call->peer[0] ? call->peer : "an unknown caller");
	return 0;
}

static int codec_of(const char *encoding, enum sc_codec *out)
{
	if (strcasecmp(encoding, "PCMU") == 0)
		*out = SC_CODEC_PCMU;
	else if (strcasecmp(encoding, "PCMA") == 0)
		*out = SC_CODEC_PCMA;
	else if (strcasecmp(encoding, "opus") == 0)
		*out = SC_CODEC_OPUS;
	else
		return -ENOTSUP;
	return 0;
}

// The peer's RTP address from the SDP must be inside the tunnel: a peer's allowed IPs
// (DESIGN.md invariant 3). Connecting also drops datagrams from anywhere else.
static int connect_peer(struct sc_call_rtp *r, const struct sc_sdp_result *res)
{
	struct sockaddr_storage ss;
	socklen_t len;
	uint8_t addr[16];
	int family = res->remote_addr.family;
	memset(&ss, 0, sizeof(ss));
	if ((family != AF_INET && family != AF_INET6) ||
	    inet_pton(family, res->remote_addr.addr, addr) != 1 || res->remote_port == 0) {
		sc_warn("media: the peer's RTP address '%s' port %u is not an IP address and port: "
			"call refused", res->remote_addr.addr, res->remote_port);
		return -EINVAL;
	}
	const struct sc_peer *peer = sc_policy_peer_for_address(r->p, family, addr);
	if (!peer) {
		sc_warn("media: the peer's RTP address %s is outside every peer's allowed IPs: call "
			"refused, so no media can leave the tunnel", res->remote_addr.addr);
		return -EPERM;
	}
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, addr, 16);
		s6->sin6_port = htons(res->remote_port);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, addr, 4);
		s4->sin_port = htons(res->remote_port);
		len = sizeof(*s4);
	}
	if (connect(r->fd, (struct sockaddr *)&ss, len) < 0) {
		int e = -errno;
		sc_err("media: cannot connect the RTP socket to %s:%u: %s", res->remote_addr.addr,
		       res->remote_port, strerror(errno));
		return e;
	}
	return 0;
}

// A peer that did not agree a=rtcp-mux sends its RTCP to our RTP port + 1 and takes ours on
// its RTCP port (RFC 3550 §11, RFC 3605): a second socket, bound and connected like the RTP
// one (same tunnel address and interface). Without it RTCP is lost both ways, audio is not;
// so a failure here is logged and the call goes on.
static void open_rtcp(struct sc_call_rtp *r, const struct sc_sdp_result *res)
{
	struct sockaddr_storage local, peer;
	socklen_t llen = sizeof(local), plen = sizeof(peer);
	const char *what = "read the RTP socket's addresses";
	int fd = -1;
	if (getsockname(r->fd, (struct sockaddr *)&local, &llen) < 0 ||
	    getpeername(r->fd, (struct sockaddr *)&peer, &plen) < 0)
		goto fail;
	uint16_t rtcp_port = (uint16_t)(r->port + 1);
	if (local.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&local)->sin6_port = htons(rtcp_port);
		((struct sockaddr_in6 *)&peer)->sin6_port = htons(res->remote_rtcp_port);
	} else {
		((struct sockaddr_in *)&local)->sin_port = htons(rtcp_port);
		((struct sockaddr_in *)&peer)->sin_port = htons(res->remote_rtcp_port);
	}
	what = "open the RTCP socket";
	fd = socket(local.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	what = "bind the RTCP socket to the tunnel interface";
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, r->ifname, (socklen_t)strlen(r->ifname)) < 0)
		goto fail;
	what = "bind the RTCP port";
	if (bind(fd, (struct sockaddr *)&local, llen) < 0)
		goto fail;
	what = "connect the RTCP socket";
	if (connect(fd, (struct sockaddr *)&peer, plen) < 0)
		goto fail;
	what = "watch the RTCP socket";
	int w = sc_loop_watch_new(r->loop, fd, EPOLLIN, on_readable, r, &r->rtcp_watch);
	if (w < 0) {
		errno = -w;
		goto fail;
	}
	r->rtcp_fd = fd;
	sc_info("media: the peer did not agree a=rtcp-mux: RTCP on %s:%u <-> %s:%u", r->local,
		rtcp_port, res->remote_addr.addr, res->remote_rtcp_port);
	return;
fail:
	sc_warn("media: cannot %s (port %u): %s; this call has no RTCP reports (audio is not "
		"affected)", what, (unsigned)(r->port + 1), strerror(errno));
	if (fd >= 0)
		close(fd);
}

static int start(void *ctx, const struct sc_sdp_result *res)
{
	struct sc_call_rtp *r = ctx;
	if (!r->media || res->n_remote_zrtp_hash == 0)
		return -EINVAL;
	char attr[96];
	snprintf(attr, sizeof(attr), "%s %s", res->remote_zrtp_hash[0].version,
		 res->remote_zrtp_hash[0].hash);
	int rc = sc_call_media_set_peer_zrtp_hash(r->media, attr);
	enum sc_codec codec = SC_CODEC_PCMU;
	if (rc == 0)
		rc = codec_of(res->codec.encoding, &codec);
	if (rc == 0)
		rc = sc_call_media_set_codec(r->media, codec, res->codec.pt);
	uint32_t max_bitrate;
	if (rc == 0 && !r->started && codec == SC_CODEC_OPUS &&
	    sc_sdp_fmtp_u32(res->codec.fmtp, "maxaveragebitrate", &max_bitrate) == 0)
		rc = sc_call_media_set_peer_max_bitrate(r->media, max_bitrate);
	if (rc < 0) {
		sc_err("media: the negotiated media cannot be used (%s, peer a=zrtp-hash %s): %s",
		       res->codec.encoding, attr, strerror(-rc));
		return rc;
	}
	if (r->started)
		return 0; // a re-INVITE that kept the keying: the media runs on
	uint32_t call_rate = sc_call_media_clock_rate(r->media);
	// SDP keeps only telephone-event at the codec's clock (RFC 4733 §2.1)
	int te = res->telephone_event_pt >= 0 && res->telephone_event_rate == call_rate
			 ? res->telephone_event_pt : -1;
	rc = sc_call_media_set_telephone_event(r->media, te, call_rate);
	if (rc < 0) {
		sc_err("media: telephone-event %d/%u cannot be used: %s", res->telephone_event_pt,
		       res->telephone_event_rate, strerror(-rc));
		return rc;
	}
	if (call_rate != r->headset_rate) {
		rc = bridge_new(&r->bridge, r->headset_rate, call_rate, r->p->media.ptime_ms);
		if (rc < 0) {
			sc_err("media: cannot convert between the headset's %u Hz and the codec's %u Hz: %s",
			       r->headset_rate, call_rate, strerror(-rc));
			return rc;
		}
	}
	rc = connect_peer(r, res);
	if (rc < 0)
		return rc;
	rc = sc_loop_watch_new(r->loop, r->fd, EPOLLIN, on_readable, r, &r->watch);
	if (rc == 0 && !res->rtcp_mux && res->remote_rtcp_port)
		open_rtcp(r, res);
	if (rc == 0)
		rc = sc_call_media_start(r->media, sc_loop_now_ms());
	if (rc < 0) {
		sc_err("media: cannot start the call's media: %s", strerror(-rc));
		return rc;
	}
	r->started = true;
	r->send_errors = 0;
	struct sc_call_media_stats st;
	sc_call_media_get_stats(r->media, &st);
	char detail[64] = "", events[64];
	if (codec == SC_CODEC_OPUS)
		snprintf(detail, sizeof(detail), ", %u bit/s, in-band FEC when the peer reports loss",
			 st.opus_bitrate);
	if (te >= 0)
		snprintf(events, sizeof(events), "DTMF as telephone-event/%u (payload type %d)",
			 call_rate, te);
	else
		snprintf(events, sizeof(events), "no telephone-event/%u from the peer (no DTMF)",
			 call_rate);
	sc_info("media: codec %s/%u (payload type %u, %u ms%s), headset at %u Hz, %s; %s:%u <-> "
		"%s:%u started; ZRTP keys the call, nothing is sent in the clear", st.codec,
		st.clock_rate, st.payload_type, st.ptime_ms, detail, r->headset_rate, events, r->local,
		r->port, res->remote_addr.addr, res->remote_port);
	flush(r);
	return 0;
}

struct sc_sip_ua_media_ops sc_call_rtp_ops(struct sc_call_rtp *r)
{
	return (struct sc_sip_ua_media_ops){ .ctx = r, .prepare = prepare, .start = start,
					     .release = release };
}

void sc_call_rtp_capture(struct sc_call_rtp *r, const int16_t *pcm, size_t samples,
			 uint64_t now_ms)
{
	if (!r->media || !r->started)
		return;
	struct rate_bridge *b = &r->bridge;
	// dropped before keys and after the end: counted by the runtime
	if (!b->active) {
		(void)sc_call_media_capture(r->media, pcm, samples, now_ms);
		flush(r);
		return;
	}
	int16_t conv[2 * SC_CALL_MEDIA_MAX_FRAME], frame[SC_CALL_MEDIA_MAX_FRAME];
	if (samples != b->headset_frame)
		return;
	int k = sc_resampler_process(b->down, pcm, samples, conv, sizeof(conv) / sizeof(conv[0]));
	if (k > 0)
		sc_sample_fifo_push(&b->to_call, conv, (size_t)k);
	for (int i = 0; i < 2 && sc_sample_fifo_len(&b->to_call) >= b->call_frame; i++) {
		sc_sample_fifo_pop(&b->to_call, frame, b->call_frame);
		(void)sc_call_media_capture(r->media, frame, b->call_frame, now_ms);
	}
	memset(conv, 0, sizeof(conv));
	memset(frame, 0, sizeof(frame));
	flush(r);
}

bool sc_call_rtp_playout(struct sc_call_rtp *r, int16_t *pcm, size_t samples, uint64_t now_ms)
{
	if (!r->media || !r->started)
		return false;
	struct rate_bridge *b = &r->bridge;
	if (!b->active)
		return sc_call_media_playout(r->media, now_ms, pcm, samples) >= 0;
	int16_t conv[2 * SC_CALL_MEDIA_MAX_FRAME], frame[SC_CALL_MEDIA_MAX_FRAME];
	if (samples != b->headset_frame)
		return false;
	for (int i = 0; i < 2 && sc_sample_fifo_len(&b->to_headset) < samples; i++) {
		if (sc_call_media_playout(r->media, now_ms, frame, b->call_frame) < 0)
			return false;
		int k = sc_resampler_process(b->up, frame, b->call_frame, conv,
					     sizeof(conv) / sizeof(conv[0]));
		if (k > 0)
			sc_sample_fifo_push(&b->to_headset, conv, (size_t)k);
	}
	size_t got = sc_sample_fifo_pop(&b->to_headset, pcm, samples);
	memset(pcm + got, 0, (samples - got) * sizeof(*pcm));
	memset(conv, 0, sizeof(conv));
	memset(frame, 0, sizeof(frame));
	return true;
}

bool sc_call_rtp_stats(const struct sc_call_rtp *r, struct sc_call_media_stats *out)
{
	if (!r->media)
		return false;
	sc_call_media_get_stats(r->media, out);
	return true;
}

int sc_call_rtp_set_verified(struct sc_call_rtp *r, bool verified)
{
	if (!r->media || !r->started)
		return -ENOENT;
	return sc_call_media_set_sas_verified(r->media, verified);
}

int sc_call_rtp_send_dtmf(struct sc_call_rtp *r, const char *digits, char *why, size_t why_len)
{
	if (!r->media || !r->started) {
		snprintf(why, why_len, "no call is in progress: DTMF goes into an answered call");
		return -ENOENT;
	}
	return sc_call_media_send_dtmf(r->media, digits, why, why_len);
}

struct sc_zrtp_cache *sc_call_rtp_cache(struct sc_call_rtp *r)
{
	return r->cache;
}
