// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/sdp.h"

#include "base/strutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum sc_sdp_direction sc_sdp_media_direction(const struct sc_sdp *sdp, const struct sc_sdp_media *m)
{
	if (m->has_direction)
		return m->direction;
	return sdp->has_direction ? sdp->direction : SC_SDP_SENDRECV;
}

const struct sc_sdp_addr *sc_sdp_media_connection(const struct sc_sdp *sdp, const struct sc_sdp_media *m)
{
	if (m->has_connection)
		return &m->connection;
	return sdp->has_connection ? &sdp->connection : NULL;
}

size_t sc_sdp_media_zrtp_hashes(const struct sc_sdp *sdp, const struct sc_sdp_media *m,
				const struct sc_sdp_zrtp_hash **hashes)
{
	if (m->n_zrtp_hash) {
		*hashes = m->zrtp_hash;
		return m->n_zrtp_hash;
	}
	*hashes = sdp->zrtp_hash;
	return sdp->n_zrtp_hash;
}

static bool usable_audio(const struct sc_sdp_media *m)
{
	// RTP/AVP carries ZRTP; RTP/SAVP is SDES, refused later with a stated reason
	return strcmp(m->type, "audio") == 0 &&
	       (strcmp(m->proto, "RTP/AVP") == 0 || strcmp(m->proto, "RTP/SAVP") == 0);
}

int sc_sdp_audio_index(const struct sc_sdp *sdp)
{
	for (size_t i = 0; i < sdp->n_media; i++)
		if (usable_audio(&sdp->media[i]) && sdp->media[i].port)
			return (int)i;
	return -1;
}

enum sc_sdp_codec sc_sdp_format_codec(const struct sc_sdp_format *f)
{
	if (f->has_rtpmap || f->pt >= 96) {
		if (strcasecmp(f->encoding, "PCMU") == 0 && f->clock_rate == 8000 && f->channels == 1)
			return SC_SDP_CODEC_PCMU;
		if (strcasecmp(f->encoding, "PCMA") == 0 && f->clock_rate == 8000 && f->channels == 1)
			return SC_SDP_CODEC_PCMA;
		// RFC 7587: always opus/48000/2, whatever is actually sent
		if (strcasecmp(f->encoding, "opus") == 0 && f->clock_rate == 48000 && f->channels == 2)
			return SC_SDP_CODEC_OPUS;
		// RFC 4733 §2.1: at the clock of the codec beside it; the two we can send beside
		if (strcasecmp(f->encoding, "telephone-event") == 0 &&
		    (f->clock_rate == 8000 || f->clock_rate == 48000))
			return SC_SDP_CODEC_TELEPHONE_EVENT;
		return SC_SDP_CODEC_UNKNOWN;
	}
	if (f->pt == SC_SDP_PT_PCMU)
		return SC_SDP_CODEC_PCMU;
	if (f->pt == SC_SDP_PT_PCMA)
		return SC_SDP_CODEC_PCMA;
	return SC_SDP_CODEC_UNKNOWN;
}

static enum sc_sdp_codec from_policy(enum sc_codec c)
{
	switch (c) {
	case SC_CODEC_PCMU:
		return SC_SDP_CODEC_PCMU;
	case SC_CODEC_PCMA:
		return SC_SDP_CODEC_PCMA;
	case SC_CODEC_OPUS:
		return SC_SDP_CODEC_OPUS;
	}
	return SC_SDP_CODEC_UNKNOWN;
}

static bool local_supports(const struct sc_sdp_local *local, enum sc_sdp_codec c)
{
	if (c == SC_SDP_CODEC_TELEPHONE_EVENT)
		return local->telephone_event;
	for (size_t i = 0; i < local->n_codecs && i < SC_MAX_LIST; i++)
		if (from_policy(local->codecs[i]) == c)
			return true;
	return false;
}

static void set_format(struct sc_sdp_format *f, uint8_t pt, const char *enc, uint32_t clock,
		       uint8_t channels, const char *fmtp)
{
	memset(f, 0, sizeof(*f));
	f->pt = pt;
	f->has_rtpmap = true;
	sc_strcpy(f->encoding, sizeof(f->encoding), enc);
	f->clock_rate = clock;
	f->channels = channels;
	sc_strcpy(f->fmtp, sizeof(f->fmtp), fmtp);
}

static void session_header(const struct sc_sdp_local *local, struct sc_sdp *sdp)
{
	memset(sdp, 0, sizeof(*sdp));
	sc_strcpy(sdp->origin_user, sizeof(sdp->origin_user), "sealcall");
	sdp->session_id = local->session_id;
	sdp->session_version = local->session_version;
	sdp->origin = local->address;
	sc_strcpy(sdp->session_name, sizeof(sdp->session_name), "sealcall");
	sdp->has_connection = true;
	sdp->connection = local->address;
}

static void local_media_attributes(const struct sc_sdp_local *local, struct sc_sdp_media *m)
{
	m->ptime = local->ptime_ms;
	if (local->has_zrtp_hash) {
		m->zrtp_hash[0] = local->zrtp_hash;
		m->n_zrtp_hash = 1;
	}
}

int sc_sdp_make_offer(const struct sc_sdp_local *local, struct sc_sdp *offer)
{
	if (local->n_codecs == 0 || local->n_codecs > SC_MAX_LIST || local->rtp_port == 0)
		return -EINVAL;
	session_header(local, offer);
	struct sc_sdp_media *m = &offer->media[offer->n_media++];
	sc_strcpy(m->type, sizeof(m->type), "audio");
	sc_strcpy(m->proto, sizeof(m->proto), "RTP/AVP");
	m->port = local->rtp_port;
	for (size_t i = 0; i < local->n_codecs; i++) {
		struct sc_sdp_format *f = &m->formats[m->n_formats++];
		switch (local->codecs[i]) {
		case SC_CODEC_PCMU:
			set_format(f, SC_SDP_PT_PCMU, "PCMU", 8000, 1, "");
			break;
		case SC_CODEC_PCMA:
			set_format(f, SC_SDP_PT_PCMA, "PCMA", 8000, 1, "");
			break;
		case SC_CODEC_OPUS:
			set_format(f, SC_SDP_PT_OPUS, "opus", 48000, 2, SC_SDP_OPUS_FMTP);
			break;
		}
	}
	if (local->telephone_event) {
		bool opus = false;
		for (size_t i = 0; i < local->n_codecs; i++)
			opus |= local->codecs[i] == SC_CODEC_OPUS;
		set_format(&m->formats[m->n_formats++], SC_SDP_PT_TELEPHONE_EVENT, "telephone-event",
			   8000, 1, "0-16");
		if (opus)
			set_format(&m->formats[m->n_formats++], SC_SDP_PT_TELEPHONE_EVENT_48K,
				   "telephone-event", 48000, 1, "0-16");
	}
	local_media_attributes(local, m);
	m->rtcp_mux = local->rtcp_mux;
	m->has_direction = true;
	m->direction = local->direction;
	return 0;
}

// Directions as what each side may do: bit 1 = the describing side sends, bit 2 = it receives.
static unsigned dir_bits(enum sc_sdp_direction d)
{
	static const unsigned bits[] = { 3, 1, 2, 0 };
	return bits[d];
}

static enum sc_sdp_direction dir_from_bits(unsigned b)
{
	return b == 3 ? SC_SDP_SENDRECV : b == 1 ? SC_SDP_SENDONLY : b == 2 ? SC_SDP_RECVONLY : SC_SDP_INACTIVE;
}

static unsigned reverse(unsigned b)
{
	return ((b & 1) << 1) | ((b & 2) >> 1);
}

static void reject_media(const struct sc_sdp_media *offered, struct sc_sdp_media *answered)
{
	memset(answered, 0, sizeof(*answered));
	memcpy(answered->type, offered->type, sizeof(answered->type));
	memcpy(answered->proto, offered->proto, sizeof(answered->proto));
	// RFC 3264 §6: a rejected stream still lists at least one of the offered formats
	const char *sp = strchr(offered->fmt_list, ' ');
	size_t n = sp ? (size_t)(sp - offered->fmt_list) : strlen(offered->fmt_list);
	if (n == 0 || n >= sizeof(answered->fmt_list))
		sc_strcpy(answered->fmt_list, sizeof(answered->fmt_list), "0");
	else
		memcpy(answered->fmt_list, offered->fmt_list, n);
}

static void remote_info(const struct sc_sdp *sdp, const struct sc_sdp_media *m, struct sc_sdp_result *r)
{
	const struct sc_sdp_addr *c = sc_sdp_media_connection(sdp, m);
	if (c)
		r->remote_addr = *c;
	r->remote_port = m->port;
	r->remote_ptime = m->ptime;
	const struct sc_sdp_zrtp_hash *h;
	r->n_remote_zrtp_hash = sc_sdp_media_zrtp_hashes(sdp, m, &h);
	memcpy(r->remote_zrtp_hash, h, r->n_remote_zrtp_hash * sizeof(*h));
	r->remote_has_crypto = m->has_crypto || sdp->has_crypto;
	r->remote_rtcp_port = m->rtcp_port ? m->rtcp_port : m->port < 65535 ? (uint16_t)(m->port + 1) : 0;
}

// RFC 5761 §5.1.1: RTCP shares the RTP port only when the offer and the answer both say so.
static void settle_rtcp_mux(struct sc_sdp_result *r, bool offered, bool answered, uint16_t peer_rtp_port)
{
	r->rtcp_mux = offered && answered;
	if (r->rtcp_mux)
		r->remote_rtcp_port = peer_rtp_port;
}

// The first telephone-event of M at CLOCK_RATE, or NULL.
static const struct sc_sdp_format *matching_event(const struct sc_sdp_media *m, uint32_t clock_rate)
{
	for (size_t k = 0; k < m->n_formats; k++)
		if (sc_sdp_format_codec(&m->formats[k]) == SC_SDP_CODEC_TELEPHONE_EVENT &&
		    m->formats[k].clock_rate == clock_rate)
			return &m->formats[k];
	return NULL;
}

int sc_sdp_make_answer(const struct sc_sdp *offer, const struct sc_sdp_local *local,
		       struct sc_sdp *answer, struct sc_sdp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->audio_index = -1;
	r->telephone_event_pt = -1;
	if (local->n_codecs > SC_MAX_LIST)
		return -EINVAL;
	session_header(local, answer);
	answer->n_media = offer->n_media;
	int audio = sc_sdp_audio_index(offer);
	snprintf(r->reason, sizeof(r->reason), "no audio stream over RTP/AVP in the offer");
	for (size_t i = 0; i < offer->n_media; i++) {
		const struct sc_sdp_media *om = &offer->media[i];
		struct sc_sdp_media *am = &answer->media[i];
		reject_media(om, am);
		if ((int)i != audio)
			continue;
		r->audio_index = audio;
		remote_info(offer, om, r);
		am->port = local->rtp_port;
		for (size_t k = 0; k < om->n_formats && am->n_formats < SC_SDP_MAX_FORMATS; k++) {
			const struct sc_sdp_format *f = &om->formats[k];
			enum sc_sdp_codec c = sc_sdp_format_codec(f);
			if (c == SC_SDP_CODEC_UNKNOWN || c == SC_SDP_CODEC_TELEPHONE_EVENT ||
			    !local_supports(local, c))
				continue;
			if (!r->codec.encoding[0])
				r->codec = *f;
			am->formats[am->n_formats] = *f;
			am->formats[am->n_formats].has_rtpmap = true;
			// Opus's parameters say what the describing side wants to receive
			// (RFC 7587 §6.1): echoing the offerer's would speak for it, not us.
			if (c == SC_SDP_CODEC_OPUS)
				sc_strcpy(am->formats[am->n_formats].fmtp,
					  sizeof(am->formats[am->n_formats].fmtp), SC_SDP_OPUS_FMTP);
			am->n_formats++;
		}
		// Events beside the codec chosen, at its clock (RFC 4733 §2.1): one is enough.
		const struct sc_sdp_format *te = NULL;
		if (r->codec.encoding[0] && local->telephone_event)
			te = matching_event(om, r->codec.clock_rate);
		if (te && am->n_formats < SC_SDP_MAX_FORMATS) {
			r->telephone_event_pt = te->pt;
			r->telephone_event_rate = te->clock_rate;
			am->formats[am->n_formats] = *te;
			am->formats[am->n_formats++].has_rtpmap = true;
		}
		if (!r->codec.encoding[0]) {
			snprintf(r->reason, sizeof(r->reason), "no common audio codec");
			r->telephone_event_pt = -1;
			r->telephone_event_rate = 0;
			am->port = 0;
			am->n_formats = 0;
			continue;
		}
		local_media_attributes(local, am);
		am->rtcp_mux = om->rtcp_mux && local->rtcp_mux;
		settle_rtcp_mux(r, om->rtcp_mux, am->rtcp_mux, om->port);
		am->has_direction = true;
		am->direction = dir_from_bits(reverse(dir_bits(sc_sdp_media_direction(offer, om))) &
					      dir_bits(local->direction));
		r->local_direction = am->direction;
		r->accepted = true;
		r->reason[0] = '\0';
	}
	return 0;
}

int sc_sdp_read_answer(const struct sc_sdp *offer, const struct sc_sdp *answer, struct sc_sdp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->audio_index = -1;
	r->telephone_event_pt = -1;
	if (answer->n_media != offer->n_media) {
		snprintf(r->reason, sizeof(r->reason), "answer has %zu m= lines for %zu offered",
			 answer->n_media, offer->n_media);
		return -EPROTO;
	}
	int audio = sc_sdp_audio_index(offer);
	if (audio < 0) {
		snprintf(r->reason, sizeof(r->reason), "no audio stream was offered");
		return -EPROTO;
	}
	const struct sc_sdp_media *om = &offer->media[audio], *am = &answer->media[audio];
	r->audio_index = audio;
	if (strcmp(am->type, om->type) != 0) {
		snprintf(r->reason, sizeof(r->reason), "answer changed the media type of m= line %d", audio + 1);
		return -EPROTO;
	}
	if (am->port == 0) {
		snprintf(r->reason, sizeof(r->reason), "the peer rejected the audio stream");
		return 0;
	}
	if (!sc_sdp_media_connection(answer, am)) {
		snprintf(r->reason, sizeof(r->reason), "answer has no connection address");
		return -EPROTO;
	}
	remote_info(answer, am, r);
	for (size_t k = 0; k < am->n_formats && !r->codec.encoding[0]; k++) {
		const struct sc_sdp_format *f = &am->formats[k];
		enum sc_sdp_codec c = sc_sdp_format_codec(f);
		bool offered = false;
		for (size_t j = 0; j < om->n_formats; j++)
			offered |= sc_sdp_format_codec(&om->formats[j]) == c;
		if (offered && c != SC_SDP_CODEC_UNKNOWN && c != SC_SDP_CODEC_TELEPHONE_EVENT)
			r->codec = *f;
	}
	// The answer's events count at the chosen codec's clock, and only when we offered that
	// rate too (else the peer would send events we cannot place in time).
	const struct sc_sdp_format *te = r->codec.encoding[0] ? matching_event(am, r->codec.clock_rate) : NULL;
	if (te && matching_event(om, te->clock_rate)) {
		r->telephone_event_pt = te->pt;
		r->telephone_event_rate = te->clock_rate;
	}
	if (!r->codec.encoding[0]) {
		snprintf(r->reason, sizeof(r->reason), "answer holds no codec that was offered");
		return -EPROTO;
	}
	r->local_direction = dir_from_bits(reverse(dir_bits(sc_sdp_media_direction(answer, am))) &
					   dir_bits(sc_sdp_media_direction(offer, om)));
	settle_rtcp_mux(r, om->rtcp_mux, am->rtcp_mux, am->port);
	r->accepted = true;
	return 0;
}

static bool same_hashes(const struct sc_sdp_zrtp_hash *a, size_t na, const struct sc_sdp_zrtp_hash *b,
			size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		bool found = false;
		for (size_t j = 0; j < nb && !found; j++)
			found = strcmp(a[i].version, b[j].version) == 0 && strcasecmp(a[i].hash, b[j].hash) == 0;
		if (!found)
			return false;
	}
	return true;
}

// The audio stream of a description, with a port or not (a held stream keeps its keying).
static const struct sc_sdp_media *audio_media(const struct sc_sdp *sdp)
{
	int i = sc_sdp_audio_index(sdp);
	if (i >= 0)
		return &sdp->media[i];
	for (size_t k = 0; k < sdp->n_media; k++)
		if (strcmp(sdp->media[k].type, "audio") == 0)
			return &sdp->media[k];
	return NULL;
}

enum sc_sdp_keying_change sc_sdp_keying_compare(const struct sc_sdp *before, const struct sc_sdp *after)
{
	const struct sc_sdp_media *mb = audio_media(before), *ma = audio_media(after);
	const struct sc_sdp_zrtp_hash *hb = NULL, *ha = NULL;
	size_t nb = mb ? sc_sdp_media_zrtp_hashes(before, mb, &hb) : 0;
	size_t na = ma ? sc_sdp_media_zrtp_hashes(after, ma, &ha) : 0;
	bool crypto_before = before->has_crypto || (mb && mb->has_crypto);
	bool crypto_after = after->has_crypto || (ma && ma->has_crypto);
	if (crypto_after && !crypto_before)
		return SC_SDP_KEYING_SDES_ADDED;
	if (nb && !na)
		return SC_SDP_KEYING_REMOVED;
	if (!nb && na)
		return SC_SDP_KEYING_ADDED;
	return same_hashes(hb, nb, ha, na) ? SC_SDP_KEYING_SAME : SC_SDP_KEYING_CHANGED;
}

const char *sc_sdp_keying_change_name(enum sc_sdp_keying_change c)
{
	switch (c) {
	case SC_SDP_KEYING_SAME:
		return "keying unchanged";
	case SC_SDP_KEYING_REMOVED:
		return "a=zrtp-hash removed";
	case SC_SDP_KEYING_CHANGED:
		return "a=zrtp-hash changed";
	case SC_SDP_KEYING_ADDED:
		return "a=zrtp-hash added";
	case SC_SDP_KEYING_SDES_ADDED:
		return "a=crypto (SDES) added";
	}
	return "unknown keying change";
}
