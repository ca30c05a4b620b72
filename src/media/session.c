// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/session.h"

#include <errno.h>
#include <string.h>

#include "base/strutil.h"

#define SEQ_HALF 32768
#define NS_PER_S 1000000000ull
// Larger transit jumps (a peer's clock reset) would only saturate the estimate; capping keeps
// jitter_q4 from overflowing while still reading as "very bad".
#define MAX_TRANSIT_STEP (1u << 26)

int sc_rtp_session_init(struct sc_rtp_session *s, const struct sc_rtp_session_config *cfg,
			const struct sc_rtp_rng *rng)
{
	if (!s || !cfg || !rng || !rng->fill || !cfg->cname)
		return -EINVAL;
	size_t cname_len = strlen(cfg->cname);
	if (cfg->clock_rate == 0 || cfg->payload_type > 127 || cname_len == 0 ||
	    cname_len > SC_RTP_CNAME_MAX)
		return -EINVAL;

	uint8_t r[10];
	int ret = rng->fill(rng->ctx, r, sizeof(r));
	if (ret < 0)
		return ret;
	memset(s, 0, sizeof(*s));
	s->payload_type = cfg->payload_type;
	s->clock_rate = cfg->clock_rate;
	sc_strcpy(s->cname, sizeof(s->cname), cfg->cname);
	s->ssrc = sc_rd32(r);
	// Below 2^15, the first wrap is at least 32768 packets (11 minutes) away, so a receiver
	// that missed our first packets still guesses rollover counter 0 right (RFC 3711 §3.3.1).
	s->tx_seq = cfg->fixed_first_seq ? cfg->first_seq : sc_rd16(r + 4) & 0x7fff;
	s->ts_base = sc_rd32(r + 6);
	s->tx_marker_pending = true;
	return 0;
}

void sc_rtp_session_next_header(const struct sc_rtp_session *s, uint32_t media_ts,
				struct sc_rtp_header *hdr)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->marker = s->tx_marker_pending;
	hdr->payload_type = s->payload_type;
	hdr->seq = s->tx_seq;
	hdr->timestamp = s->ts_base + media_ts;
	hdr->ssrc = s->ssrc;
}

void sc_rtp_session_sent(struct sc_rtp_session *s, size_t payload_len, bool sent)
{
	if (sent) {
		s->tx_packets++;
		s->tx_octets += payload_len;
		s->tx_marker_pending = false;
	}
	s->tx_seq++;
	if (s->tx_seq == 0)
		s->tx_roc++;
}

int64_t sc_rtp_estimate_index(uint16_t max_seq, uint32_t roc, uint16_t seq)
{
	int64_t v = roc;
	if (max_seq < SEQ_HALF) {
		if ((int32_t)seq - (int32_t)max_seq > SEQ_HALF)
			v = (int64_t)roc - 1;
	} else if ((int32_t)max_seq - SEQ_HALF > (int32_t)seq) {
		v = (int64_t)roc + 1;
	}
	if (v < 0)
		return -1;
	return v * 65536 + seq;
}

static uint64_t ext_max(const struct sc_rtp_source *src)
{
	return (uint64_t)src->roc << 16 | src->max_seq;
}

// The arrival time on the media clock, for the jitter estimate (RFC 3550 A.8).
static uint32_t ntp_to_media_clock(uint64_t ntp, uint32_t rate)
{
	uint64_t secs = ntp >> 32, frac = ntp & 0xffffffffu;
	return (uint32_t)(secs * rate + ((frac * rate) >> 32));
}

static void start_source(struct sc_rtp_session *s, uint32_t ssrc, uint16_t seq)
{
	if (s->rx.active)
		s->ssrc_changes++;
	memset(&s->rx, 0, sizeof(s->rx));
	s->rx.active = true;
	s->rx.ssrc = ssrc;
	s->rx.max_seq = seq;
	s->rx.base_ext = seq;
}

uint64_t sc_rtp_session_received(struct sc_rtp_session *s, const struct sc_rtp_header *hdr,
				 uint64_t now_ntp)
{
	struct sc_rtp_source *src = &s->rx;
	if (!src->active || hdr->ssrc != src->ssrc)
		start_source(s, hdr->ssrc, hdr->seq);

	int64_t ext = sc_rtp_estimate_index(src->max_seq, src->roc, hdr->seq);
	uint64_t index = ext < 0 ? 0 : (uint64_t)ext;
	if (ext >= 0) {
		if (index > ext_max(src)) {
			src->max_seq = hdr->seq;
			src->roc = (uint32_t)(index >> 16);
		}
		if (index < src->base_ext)
			src->base_ext = index;
	}
	src->received++;

	// Only the audio payload type: telephone events repeat one timestamp for a whole
	// event, which would read as jitter.
	if (hdr->payload_type == s->payload_type) {
		uint32_t transit = ntp_to_media_clock(now_ntp, s->clock_rate) - hdr->timestamp;
		if (src->have_transit) {
			int32_t d = (int32_t)(transit - src->last_transit);
			uint32_t step = d < 0 ? (uint32_t)0 - (uint32_t)d : (uint32_t)d;
			if (step > MAX_TRANSIT_STEP)
				step = MAX_TRANSIT_STEP;
			src->jitter_q4 += step - ((src->jitter_q4 + 8) >> 4);
		}
		src->last_transit = transit;
		src->have_transit = true;
	}
	return index;
}

void sc_rtp_session_rtcp_received(struct sc_rtp_session *s, const struct sc_rtcp_info *info,
				  uint64_t now_ntp)
{
	for (unsigned i = 0; i < info->n_reports; i++) {
		const struct sc_rtcp_report *r = &info->reports[i];
		if (r->ssrc == s->ssrc)
			continue; // our own report looped back; SRTCP keys make this unlikely
		if (r->is_sr) {
			s->have_peer_sr = true;
			s->peer_sr_lsr = sc_ntp_mid32(r->sender.ntp);
			s->peer_sr_arrival_ntp = now_ntp;
		}
		for (unsigned b = 0; b < r->n_blocks; b++) {
			const struct sc_rtcp_report_block *blk = &r->blocks[b];
			if (blk->ssrc != s->ssrc)
				continue;
			s->have_peer_block = true;
			s->peer_block = *blk;
			if (blk->lsr == 0)
				continue; // the peer has not seen an SR of ours yet
			// RFC 3550 §6.4.1: A - LSR - DLSR, all in 1/65536 s.
			uint32_t rtt = sc_ntp_mid32(now_ntp) - blk->lsr - blk->dlsr;
			if ((int32_t)rtt >= 0) {
				s->have_rtt = true;
				s->rtt_q16 = rtt;
			}
		}
	}
	if (info->has_bye)
		s->peer_bye = true;
}

// RFC 3550 A.3. The caller commits *EXP and *REC as the new priors once the report is out.
static void make_block(const struct sc_rtp_session *s, uint64_t now_ntp,
		       struct sc_rtcp_report_block *b, uint64_t *exp, uint64_t *rec)
{
	const struct sc_rtp_source *src = &s->rx;
	uint64_t expected = ext_max(src) - src->base_ext + 1;
	int64_t lost = (int64_t)expected - (int64_t)src->received;
	uint64_t expected_interval = expected - src->expected_prior;
	uint64_t received_interval = src->received - src->received_prior;
	int64_t lost_interval = (int64_t)expected_interval - (int64_t)received_interval;

	memset(b, 0, sizeof(*b));
	b->ssrc = src->ssrc;
	if (expected_interval != 0 && lost_interval > 0)
		b->fraction_lost = (uint8_t)(((uint64_t)lost_interval << 8) / expected_interval);
	b->cumulative_lost = lost > 0x7fffff ? 0x7fffff : lost < -0x800000 ? -0x800000 : (int32_t)lost;
	b->ext_highest_seq = (uint32_t)ext_max(src);
	b->jitter = src->jitter_q4 >> 4;
	if (s->have_peer_sr) {
		b->lsr = s->peer_sr_lsr;
		b->dlsr = (uint32_t)((now_ntp - s->peer_sr_arrival_ntp) >> 16);
	}
	*exp = expected;
	*rec = src->received;
}

int sc_rtp_session_build_rtcp(struct sc_rtp_session *s, uint64_t now_ntp, uint32_t media_ts,
			      const char *bye_reason, uint8_t *buf, size_t cap, size_t *len)
{
	if (!s || !buf || !len)
		return -EINVAL;
	struct sc_rtcp_report_block block;
	unsigned n_blocks = 0;
	uint64_t expected = 0, received = 0;
	if (s->rx.active) {
		make_block(s, now_ntp, &block, &expected, &received);
		n_blocks = 1;
	}

	size_t off = 0;
	int ret;
	if (s->tx_packets > 0) {
		// The counts wrap at 2^32 as RFC 3550 §6.4.1 says they do.
		struct sc_rtcp_sender_info si = {
			.ntp = now_ntp,
			.rtp_timestamp = s->ts_base + media_ts,
			.packet_count = (uint32_t)s->tx_packets,
			.octet_count = (uint32_t)s->tx_octets,
		};
		ret = sc_rtcp_write_sr(buf, cap, &off, s->ssrc, &si, &block, n_blocks);
	} else {
		ret = sc_rtcp_write_rr(buf, cap, &off, s->ssrc, &block, n_blocks);
	}
	if (ret < 0)
		return ret;
	ret = sc_rtcp_write_sdes_cname(buf, cap, &off, s->ssrc, s->cname);
	if (ret < 0)
		return ret;
	if (bye_reason) {
		ret = sc_rtcp_write_bye(buf, cap, &off, s->ssrc, bye_reason);
		if (ret < 0)
			return ret;
	}
	if (n_blocks) {
		s->rx.expected_prior = expected;
		s->rx.received_prior = received;
		s->rx.last_fraction = block.fraction_lost;
	}
	*len = off;
	return 0;
}

int sc_rtp_session_rtcp_interval_ms(const struct sc_rtp_rng *rng, bool first, uint32_t *ms)
{
	if (!rng || !rng->fill || !ms)
		return -EINVAL;
	uint8_t r[4];
	int ret = rng->fill(rng->ctx, r, sizeof(r));
	if (ret < 0)
		return ret;
	double t_min = first ? 2500.0 : 5000.0;
	double factor = 0.5 + sc_rd32(r) / 4294967296.0;
	*ms = (uint32_t)(t_min * factor / 1.21828); // e - 3/2: RFC 3550 §6.3.1 compensation
	return 0;
}

void sc_rtp_session_stats(const struct sc_rtp_session *s, struct sc_rtp_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->local_ssrc = s->ssrc;
	out->tx_packets = s->tx_packets;
	out->tx_octets = s->tx_octets;
	out->tx_roc = s->tx_roc;
	out->ssrc_changes = s->ssrc_changes;
	out->rtt_ms = s->have_rtt ? s->rtt_q16 * 1000.0 / 65536.0 : -1.0;
	if (s->rx.active) {
		const struct sc_rtp_source *src = &s->rx;
		out->remote_ssrc = src->ssrc;
		out->rx_roc = src->roc;
		out->rx_received = src->received;
		out->rx_expected = ext_max(src) - src->base_ext + 1;
		out->rx_lost = (int64_t)out->rx_expected - (int64_t)src->received;
		out->rx_fraction_lost = src->last_fraction;
		out->rx_jitter_ms = (src->jitter_q4 / 16.0) * 1000.0 / s->clock_rate;
	}
	if (s->have_peer_block) {
		out->have_peer_report = true;
		out->peer_fraction_lost = s->peer_block.fraction_lost;
		out->peer_cumulative_lost = s->peer_block.cumulative_lost;
		out->peer_jitter_ms = s->peer_block.jitter * 1000.0 / s->clock_rate;
	}
}

uint64_t sc_ntp_from_ns(uint64_t ns)
{
	uint64_t secs = ns / NS_PER_S, rem = ns % NS_PER_S;
	return secs << 32 | ((rem << 32) / NS_PER_S);
}
