// SPDX-License-Identifier: GPL-3.0-or-later
// Everything the network controls in the media layer: the RTP and RTCP parsers, the demux,
// and the receive path of a keyed session. Random bytes rarely pass SRTP authentication, so
// the input is also read as a sequence of plaintext packets (each a 16-bit big-endian length
// and that many bytes) which a peer holding the session's keys protects before delivering:
// fuzzed headers, reports, SDES and BYE contents then reach the parsers and statistics that
// run only after authentication, in order, with the clock advancing.
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/media.h"
#include "media/rtcp.h"
#include "media/rtp.h"
#include "media/srtp_glue.h"

#define MAX_INPUT 8192
#define MAX_PACKETS 64

static int fixed_rng(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x5a, len);
	return 0;
}

static void keys_for(struct sc_srtp_keys *k, bool peer)
{
	memset(k, 0, sizeof(*k));
	k->cipher = SC_SRTP_AES_CM_128;
	k->auth = SC_SRTP_HMAC_SHA1_80;
	struct sc_srtp_master a, b;
	memset(a.key, 0x11, sizeof(a.key));
	memset(a.salt, 0x22, sizeof(a.salt));
	memset(b.key, 0x33, sizeof(b.key));
	memset(b.salt, 0x44, sizeof(b.salt));
	k->tx = peer ? b : a;
	k->rx = peer ? a : b;
}

// A violated invariant is a bug even when no sanitizer notices it.
static void require(bool ok)
{
	if (!ok)
		abort();
}

static void check_rx(const struct sc_media_rx *rx, const uint8_t *buf, size_t len)
{
	if (rx->kind == SC_MEDIA_RX_DROPPED) {
		require(rx->drop != SC_MEDIA_DROP_NONE && rx->payload == NULL);
		return;
	}
	require(rx->payload >= buf && rx->payload_len <= len &&
		(size_t)(rx->payload - buf) <= len - rx->payload_len);
}

static void receive_copy(struct sc_media_session *s, const uint8_t *pkt, size_t len,
			 uint64_t now)
{
	uint8_t buf[MAX_INPUT + SC_SRTP_MAX_OVERHEAD];
	memcpy(buf, pkt, len);
	struct sc_media_rx rx;
	require(sc_media_receive(s, buf, len, now, &rx) == 0);
	check_rx(&rx, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		if (sc_srtp_global_init() != 0)
			abort();
		ready = true;
	}
	if (size > MAX_INPUT)
		return 0;

	struct sc_rtp_packet pkt;
	if (sc_rtp_parse(data, size, &pkt) == 0)
		require(pkt.header_len + pkt.payload_len + pkt.padding_len == size);
	struct sc_rtcp_info info;
	sc_rtcp_parse(data, size, &info);
	sc_media_demux(data, size);

	struct sc_media_config cfg = {.payload_type = 0, .clock_rate = 8000, .cname = "fuzz@x",
				      .rng = {.fill = fixed_rng}};
	struct sc_media_session *unkeyed = NULL, *s = NULL;
	struct sc_srtp *peer = NULL;
	struct sc_srtp_keys keys, peer_keys;
	keys_for(&keys, false);
	keys_for(&peer_keys, true);
	if (sc_media_session_new(&cfg, &unkeyed) != 0 || sc_media_session_new(&cfg, &s) != 0 ||
	    sc_media_set_keys(s, &keys) != 0 || sc_srtp_create(&peer_keys, &peer) != 0)
		abort();

	// The raw input, as an attacker on the path would send it.
	receive_copy(unkeyed, data, size, 0);
	receive_copy(s, data, size, 0);

	// The input as plaintext packets that the keyed peer protects.
	size_t off = 0;
	uint64_t now = sc_ntp_from_ns(1000000000ull);
	for (unsigned i = 0; i < MAX_PACKETS && size - off >= 2; i++) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		uint8_t buf[MAX_INPUT + SC_SRTP_MAX_OVERHEAD];
		memcpy(buf, data + off, len);
		off += len;
		size_t n = len;
		int ret = sc_media_demux(buf, len) == SC_MEDIA_PKT_RTCP
				  ? sc_srtp_protect_rtcp(peer, buf, &n, sizeof(buf))
				  : sc_srtp_protect_rtp(peer, buf, &n, sizeof(buf));
		now += sc_ntp_from_ns(20000000ull + (uint64_t)(len % 7) * 1000000ull);
		if (ret != 0) {
			require(n == len);
			continue;
		}
		struct sc_media_rx rx;
		require(sc_media_receive(s, buf, n, now, &rx) == 0);
		check_rx(&rx, buf, n);
	}

	// Whatever arrived, our own reports and audio still come out, and only as SRTP.
	uint8_t out[SC_MEDIA_MAX_PACKET];
	size_t out_len = 0;
	uint8_t frame[160] = {0};
	require(sc_media_send_audio(s, frame, sizeof(frame), 160, out, sizeof(out), &out_len) == 0);
	require(sc_media_send_rtcp(s, now, 320, "bye", out, sizeof(out), &out_len) == 0);
	require(out_len > 8 + SC_SRTP_MAX_OVERHEAD);
	require(sc_media_send_audio(unkeyed, frame, sizeof(frame), 0, out, sizeof(out), &out_len) ==
		-EAGAIN);
	struct sc_media_stats st;
	sc_media_get_stats(s, &st);

	sc_srtp_free(peer);
	sc_media_session_free(s);
	sc_media_session_free(unkeyed);
	return 0;
}
