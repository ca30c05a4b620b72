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

#include "base/log.h"
#include "base/strutil.h"
#include "media/call_media.h"
#include "zrtp/cache.h"

struct sc_call_rtp {
	const struct sc_policy *p;
	char ifname[SC_IFNAME_MAX + 1];
	void *rng;
	struct sc_zrtp_cache *cache;
	char cache_error[SC_PATH_MAX + 256];
	int fd;
	uint16_t port;
	char local[INET6_ADDRSTRLEN];
	struct sc_call_media *media;
};

int sc_call_rtp_new(const struct sc_policy *p, const char *ifname, void *rng_ctx,
		    struct sc_call_rtp **out)
{
	struct sc_call_rtp *r = calloc(1, sizeof(*r));
	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->p = p;
	r->fd = -1;
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

static void release(void *ctx)
{
	struct sc_call_rtp *r = ctx;
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

static int start(void *ctx, const struct sc_sdp_result *res)
{
	struct sc_call_rtp *r = ctx;
	if (!r->media || res->n_remote_zrtp_hash == 0)
		return -EINVAL;
	char attr[96];
	snprintf(attr, sizeof(attr), "%s %s", res->remote_zrtp_hash[0].version,
		 res->remote_zrtp_hash[0].hash);
	int rc = sc_call_media_set_peer_zrtp_hash(r->media, attr);
	enum sc_codec codec;
	if (rc == 0)
		rc = codec_of(res->codec.encoding, &codec);
	if (rc == 0)
		rc = sc_call_media_set_codec(r->media, codec, res->codec.pt);
	if (rc < 0) {
		sc_err("media: the negotiated media cannot be used (%s, peer a=zrtp-hash %s): %s",
		       res->codec.encoding, attr, strerror(-rc));
		return rc;
	}
	// SEAM: the audio wiring starts the runtime here (sc_call_media_start), watches r->fd
	// and sends what it queues to res->remote_addr:res->remote_port. Until then nothing is
	// sent: no media in the clear, and no media at all.
	sc_info("media: %s %s:%u <-> %s:%u negotiated; the media runtime is not wired yet, so "
		"no RTP is sent", res->codec.encoding, r->local, r->port, res->remote_addr.addr,
		res->remote_port);
	return 0;
}

struct sc_sip_ua_media_ops sc_call_rtp_ops(struct sc_call_rtp *r)
{
	return (struct sc_sip_ua_media_ops){ .ctx = r, .prepare = prepare, .start = start,
					     .release = release };
}
