// SPDX-License-Identifier: GPL-3.0-or-later
// Engine API: creation, the output queues, retransmission timers and replay filtering.
// The protocol itself is in handshake.c and keys.c.
#include "zrtp/engine_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"
#include "base/strutil.h"
#include "zrtp/negotiate.h"

int zrtp_random(struct sc_zrtp *z, void *buf, size_t len)
{
	return z->rng(z->rng_ctx, buf, len) == 0 ? 0 : -EIO;
}

static int build_hello(struct sc_zrtp *z)
{
	struct sc_zrtp_hello h;
	memset(&h, 0, sizeof(h));
	memcpy(h.version, SC_ZRTP_VERSION, 4);
	// 16 characters identifying the implementation, space padded (§5.2).
	memcpy(h.client_id, "sealcall        ", 16);
	memcpy(h.h3, z->h3, 32);
	memcpy(h.zid, z->cfg.zid, SC_ZRTP_ZID_LEN);
	h.passive = z->cfg.passive;
	zrtp_hello_lists(&z->cfg.algorithms, &h);
	z->hello.len = sc_zrtp_build_hello(z->hello.data, &h);
	// Keyed with H2, revealed in our Commit or (as H1) in our DHPart1 (§9).
	return sc_zrtp_msg_fill_mac(z->hello.data, z->hello.len, z->h2) == 0 ? 0 : -EIO;
}

int sc_zrtp_new(const struct sc_zrtp_config *config, sc_zrtp_rng_fn rng, void *rng_ctx,
		const struct sc_zrtp_cache_ops *cache, struct sc_zrtp **out)
{
	int rc;
	if (!config || !rng || !cache || !cache->lookup || !cache->store || !out)
		return -EINVAL;
	struct sc_zrtp *z = calloc(1, sizeof(*z));
	if (!z)
		return -ENOMEM;
	z->cfg = *config;
	if (z->cfg.cache_ttl_s == 0)
		z->cfg.cache_ttl_s = SC_ZRTP_TTL_FOREVER;
	z->rng = rng;
	z->rng_ctx = rng_ctx;
	z->cache = *cache;
	z->state = SC_ZRTP_IDLE;
	z->sas_decision = -1;
	// The hash chain H0..H3 (§9): each message reveals the preimage of the one before,
	// which authenticates it once the next arrives.
	rc = zrtp_random(z, z->h0, sizeof(z->h0));
	if (rc != 0)
		goto out;
	if (sc_zrtp_sha256(z->h0, 32, z->h1) != 0 || sc_zrtp_sha256(z->h1, 32, z->h2) != 0 ||
	    sc_zrtp_sha256(z->h2, 32, z->h3) != 0) {
		rc = -EIO;
		goto out;
	}
	// The first sequence number is random, as for RTP (§5).
	rc = zrtp_random(z, &z->tx_seq, sizeof(z->tx_seq));
	if (rc != 0)
		goto out;
	z->tx_seq &= 0x7fff; // keeps a whole session clear of the 16-bit wrap
	rc = build_hello(z);
	if (rc != 0)
		goto out;
	*out = z;
	z = NULL;
out:
	sc_zrtp_free(z);
	return rc;
}

void sc_zrtp_free(struct sc_zrtp *z)
{
	if (!z)
		return;
	for (unsigned i = 0; i < EVENT_QUEUE_LEN; i++)
		sc_zrtp_event_wipe(&z->events[i]);
	sc_secret_free(z, sizeof(*z));
}

void zrtp_send(struct sc_zrtp *z, const uint8_t *msg, size_t len)
{
	if (z->tx_count == TX_QUEUE_LEN) {
		// The caller stopped draining; the oldest packet is the least useful one.
		z->tx_head = (z->tx_head + 1) % TX_QUEUE_LEN;
		z->tx_count--;
		z->counters.queue_overflows++;
	}
	struct stored_msg *slot = &z->tx_queue[(z->tx_head + z->tx_count) % TX_QUEUE_LEN];
	int n = sc_zrtp_frame(slot->data, sizeof(slot->data), z->tx_seq++, z->cfg.ssrc, msg, len);
	if (n < 0)
		return;
	slot->len = (size_t)n;
	z->tx_count++;
	z->counters.tx_packets++;
}

void zrtp_send_retransmitted(struct sc_zrtp *z, enum sc_zrtp_msg_type type, const uint8_t *msg,
			     size_t len, bool t1)
{
	struct retransmit *rt = &z->rt;
	rt->active = true;
	rt->type = type;
	memcpy(rt->msg.data, msg, len);
	rt->msg.len = len;
	rt->interval_ms = t1 ? T1_INITIAL_MS : T2_INITIAL_MS;
	rt->cap_ms = t1 ? T1_CAP_MS : T2_CAP_MS;
	rt->retries_left = t1 ? T1_RETRIES : T2_RETRIES;
	rt->due_ms = z->now_ms + rt->interval_ms;
	zrtp_send(z, msg, len);
}

void zrtp_stop_retransmit(struct sc_zrtp *z)
{
	z->rt.active = false;
}

static struct sc_zrtp_event *vevent(struct sc_zrtp *z, enum sc_zrtp_event_type type, uint32_t code,
				    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
static struct sc_zrtp_event *vevent(struct sc_zrtp *z, enum sc_zrtp_event_type type, uint32_t code,
				    const char *fmt, va_list ap)
{
	if (z->ev_count == EVENT_QUEUE_LEN) {
		z->counters.queue_overflows++;
		return NULL;
	}
	struct sc_zrtp_event *ev = &z->events[(z->ev_head + z->ev_count) % EVENT_QUEUE_LEN];
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->error_code = code;
	vsnprintf(ev->reason, sizeof(ev->reason), fmt, ap);
	z->ev_count++;
	return ev;
}

struct sc_zrtp_event *zrtp_event(struct sc_zrtp *z, enum sc_zrtp_event_type type, uint32_t code,
				 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct sc_zrtp_event *ev = vevent(z, type, code, fmt, ap);
	va_end(ap);
	return ev;
}

void zrtp_fail(struct sc_zrtp *z, uint32_t code_to_send, const char *fmt, ...)
{
	va_list ap;
	if (code_to_send) {
		uint8_t msg[16];
		size_t len = sc_zrtp_build_error(msg, code_to_send);
		// Error is retransmitted with T2 until the peer's ErrorACK (§6).
		zrtp_send_retransmitted(z, SC_ZRTP_MSG_ERROR, msg, len, false);
	} else {
		zrtp_stop_retransmit(z);
	}
	z->state = SC_ZRTP_FAILED;
	sc_zrtp_ka_wipe(&z->ka);
	va_start(ap, fmt);
	vevent(z, SC_ZRTP_EVENT_FAILED, code_to_send, fmt, ap);
	va_end(ap);
}

int sc_zrtp_start(struct sc_zrtp *z, uint64_t now_ms)
{
	if (z->state != SC_ZRTP_IDLE)
		return -EALREADY;
	z->now_ms = now_ms;
	z->state = SC_ZRTP_DISCOVERY;
	zrtp_send_retransmitted(z, SC_ZRTP_MSG_HELLO, z->hello.data, z->hello.len, true);
	return 0;
}

// A 64-packet sliding window over the peer's sequence numbers: exact duplicates and very
// old packets are replays; reordering within the window is accepted (§5 only asks that
// the number increase, but loss and reordering happen on real paths).
static bool replay_check_and_mark(struct sc_zrtp *z, uint16_t seq)
{
	if (!z->rx_seen_any) {
		z->rx_seen_any = true;
		z->rx_highest = seq;
		z->rx_window = 1;
		return true;
	}
	int16_t diff = (int16_t)(uint16_t)(seq - z->rx_highest);
	if (diff > 0) {
		z->rx_window = diff >= REPLAY_WINDOW ? 0 : z->rx_window << diff;
		z->rx_window |= 1;
		z->rx_highest = seq;
		return true;
	}
	unsigned back = (unsigned)(-diff);
	if (back >= REPLAY_WINDOW || (z->rx_window & (1ull << back)))
		return false;
	z->rx_window |= 1ull << back;
	return true;
}

int sc_zrtp_receive(struct sc_zrtp *z, const uint8_t *packet, size_t len, uint64_t now_ms)
{
	struct sc_zrtp_packet pkt;
	z->now_ms = now_ms;
	z->counters.rx_packets++;
	if (sc_zrtp_packet_parse(packet, len, &pkt) != 0) {
		z->counters.rx_malformed++;
		return -EBADMSG;
	}
	if (!pkt.crc_ok) {
		z->counters.rx_bad_crc++;
		return -EBADMSG;
	}
	if (z->state == SC_ZRTP_IDLE) {
		z->counters.rx_unexpected++;
		return -EPROTO;
	}
	// The window is marked only for packets that passed the CRC, so line noise cannot
	// shadow a good packet.
	if (!replay_check_and_mark(z, pkt.seq)) {
		z->counters.rx_replayed++;
		return -EALREADY;
	}
	int rc = zrtp_on_packet(z, &pkt);
	if (rc == -EBADMSG)
		z->counters.rx_malformed++;
	else if (rc == -EPROTO)
		z->counters.rx_unexpected++;
	else if (rc == -EPERM)
		z->counters.rx_auth_failed++;
	return rc;
}

static const char *waiting_for(enum sc_zrtp_msg_type sent)
{
	switch (sent) {
	case SC_ZRTP_MSG_HELLO:
		return "HelloACK (the peer may not speak ZRTP, or ZRTP packets are blocked)";
	case SC_ZRTP_MSG_COMMIT:
		return "DHPart1";
	case SC_ZRTP_MSG_DHPART2:
		return "Confirm1";
	case SC_ZRTP_MSG_CONFIRM2:
		return "Conf2ACK";
	default:
		return "ErrorACK";
	}
}

int sc_zrtp_timer(struct sc_zrtp *z, uint64_t now_ms)
{
	struct retransmit *rt = &z->rt;
	z->now_ms = now_ms;
	if (!rt->active || now_ms < rt->due_ms)
		return 0;
	if (rt->retries_left == 0) {
		rt->active = false;
		if (rt->type == SC_ZRTP_MSG_ERROR) {
			return 0; // the failure was already reported
		}
		if (rt->type == SC_ZRTP_MSG_CONFIRM2) {
			// Keys are in use already; the responder may simply have lost our
			// Conf2ACK-bearing path. Report it, keep the session.
			z->state = SC_ZRTP_SECURE;
			zrtp_event(z, SC_ZRTP_EVENT_ALARM, 0,
				   "ZRTP Confirm2 sent %d times without Conf2ACK", T2_RETRIES + 1);
			return 0;
		}
		unsigned tries = (rt->type == SC_ZRTP_MSG_HELLO ? T1_RETRIES : T2_RETRIES) + 1;
		enum sc_zrtp_msg_type type = rt->type;
		zrtp_fail(z, type == SC_ZRTP_MSG_HELLO ? 0 : 0xB0,
			  "ZRTP timed out: %s sent %u times without %s", sc_zrtp_msg_name(type), tries,
			  waiting_for(type));
		return 0;
	}
	rt->retries_left--;
	rt->interval_ms = rt->interval_ms * 2 > rt->cap_ms ? rt->cap_ms : rt->interval_ms * 2;
	rt->due_ms = now_ms + rt->interval_ms;
	z->counters.tx_retransmits++;
	zrtp_send(z, rt->msg.data, rt->msg.len);
	return 0;
}

int64_t sc_zrtp_next_timeout(const struct sc_zrtp *z)
{
	return z->rt.active ? (int64_t)z->rt.due_ms : -1;
}

int sc_zrtp_pop_packet(struct sc_zrtp *z, uint8_t *buf, size_t cap, size_t *len)
{
	if (z->tx_count == 0)
		return -EAGAIN;
	struct stored_msg *slot = &z->tx_queue[z->tx_head];
	if (slot->len > cap)
		return -ENOBUFS;
	memcpy(buf, slot->data, slot->len);
	*len = slot->len;
	z->tx_head = (z->tx_head + 1) % TX_QUEUE_LEN;
	z->tx_count--;
	return 0;
}

bool sc_zrtp_pop_event(struct sc_zrtp *z, struct sc_zrtp_event *event)
{
	if (z->ev_count == 0)
		return false;
	struct sc_zrtp_event *ev = &z->events[z->ev_head];
	*event = *ev;
	sc_zrtp_event_wipe(ev);
	z->ev_head = (z->ev_head + 1) % EVENT_QUEUE_LEN;
	z->ev_count--;
	return true;
}

void sc_zrtp_event_wipe(struct sc_zrtp_event *event)
{
	sc_wipe(event, sizeof(*event));
}

int sc_zrtp_hello_hash(const struct sc_zrtp *z, char *out, size_t len)
{
	uint8_t digest[32];
	char hex[65];
	if (sc_zrtp_sha256(z->hello.data, z->hello.len, digest) != 0)
		return -EIO;
	sc_hex_encode(digest, 32, hex);
	int n = snprintf(out, len, "%s %s", SC_ZRTP_VERSION, hex);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sc_zrtp_set_peer_hello_hash(struct sc_zrtp *z, const char *attr)
{
	// "1.10 <64 hex digits>": the version must be one we speak (1.1x), per §8.1.
	if (!attr || strncmp(attr, "1.1", 3) != 0 || attr[3] < '0' || attr[3] > '9' || attr[4] != ' ')
		return -EINVAL;
	const char *hex = attr + 5;
	if (strlen(hex) != 64)
		return -EINVAL;
	for (int i = 0; i < 32; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		z->signaled_hash[i] = (uint8_t)(hi << 4 | lo);
	}
	z->have_signaled_hash = true;
	// The Hello may have come first: check it now.
	if (z->have_peer_hello)
		zrtp_hello_check_signaled(z);
	return 0;
}

int sc_zrtp_set_sas_verified(struct sc_zrtp *z, bool verified)
{
	if (!z->finished)
		return -EAGAIN;
	z->sas_decision = verified;
	return zrtp_store_cache(z);
}

enum sc_zrtp_state sc_zrtp_state(const struct sc_zrtp *z)
{
	return z->state;
}

const char *sc_zrtp_state_name(enum sc_zrtp_state state)
{
	static const char *const names[] = {
		"idle", "discovery", "wait-dhpart1", "wait-dhpart2", "wait-confirm1",
		"wait-confirm2", "wait-conf2ack", "secure", "failed",
	};
	return (unsigned)state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

const struct sc_zrtp_counters *sc_zrtp_counters(const struct sc_zrtp *z)
{
	return &z->counters;
}

const char *sc_zrtp_hash_name(enum sc_zrtp_hash v) { return zrtp_wire_hash(v); }
const char *sc_zrtp_cipher_name(enum sc_zrtp_cipher v) { return zrtp_wire_cipher(v); }
const char *sc_zrtp_auth_name(enum sc_zrtp_auth v) { return zrtp_wire_auth(v); }
const char *sc_zrtp_ka_name(enum sc_zrtp_key_agreement v) { return zrtp_wire_ka(v); }
const char *sc_zrtp_sas_name(enum sc_zrtp_sas v) { return v == SC_ZRTP_B256 ? "B256" : "B32"; }
