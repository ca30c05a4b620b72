// SPDX-License-Identifier: GPL-3.0-or-later
// DTMF through two call runtimes keyed by ZRTP on the simulated link, G.711 at 8000 Hz and
// Opus at 48000 Hz. A dials "15" and then "9#*0" while it talks; what A puts on the wire is
// read back from the clear RTP headers (payload type, marker, sequence, timestamp, SSRC)
// and the encrypted payloads are shown not to be the events' plaintext; B must report the
// six digits once each and in order, show them in its statistics, and play each key's two
// frequencies in the earpiece. Then the same over a link that loses, duplicates and
// reorders (SRTP drops the duplicates; test_dtmf.c feeds them to the receiver), with every
// event's first packet dropped, and the refusals: no telephone-event
// negotiated, not keyed yet, hung up, events on a payload type B did not agree.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "goertzel.h"
#include "media/call_media.h"
#include "media/rtp.h"
#include "test_call_media_sim.h"

#define A 0
#define B 1
#define MAX_SENT 4000
#define MAX_PLAYED (48000 * 4)

struct sent_rtp {
	uint64_t at;
	struct sc_rtp_header hdr;
	uint8_t payload[4];
	size_t payload_len;
};

struct dtmf_run {
	int te_pt;
	bool drop_event_begins;
	struct sent_rtp sent[MAX_SENT];
	size_t n_sent;
	int16_t played[MAX_PLAYED];
	size_t n_played;
	uint64_t dropped_begins;
};

static struct dtmf_run run;

static void on_datagram(struct cms_sim *s, int from, const uint8_t *data, size_t len)
{
	struct dtmf_run *r = s->ctx;
	struct sc_rtp_packet pkt;
	if (from != A || sc_media_demux(data, len) != SC_MEDIA_PKT_RTP || r->n_sent == MAX_SENT ||
	    sc_rtp_parse(data, len, &pkt) < 0)
		return;
	struct sent_rtp *o = &r->sent[r->n_sent++];
	o->at = s->now;
	o->hdr = pkt.hdr;
	o->payload_len = pkt.payload_len;
	memcpy(o->payload, pkt.payload, pkt.payload_len < 4 ? pkt.payload_len : 4);
}

static bool filter(struct cms_sim *s, int from, const uint8_t *data, size_t len)
{
	struct dtmf_run *r = s->ctx;
	struct sc_rtp_packet pkt;
	if (!r->drop_event_begins || from != A || sc_media_demux(data, len) != SC_MEDIA_PKT_RTP ||
	    sc_rtp_parse(data, len, &pkt) < 0)
		return false;
	if (pkt.hdr.payload_type == r->te_pt && pkt.hdr.marker) {
		r->dropped_begins++;
		return true;
	}
	return false;
}

// Quiet speech stand-in: low noise, so the earpiece's tones stand out.
static void source(struct cms_sim *s, int node, uint64_t frame, int16_t *pcm, size_t n)
{
	(void)s;
	for (size_t i = 0; i < n; i++)
		pcm[i] = (int16_t)((int)((frame * 7919u + i * 104729u + (unsigned)node * 31u) % 201u) - 100);
}

static void sink(struct cms_sim *s, int node, int kind, const int16_t *pcm, size_t n)
{
	struct dtmf_run *r = s->ctx;
	(void)kind;
	if (node != B || r->n_played + n > MAX_PLAYED)
		return;
	memcpy(r->played + r->n_played, pcm, n * sizeof(*pcm));
	r->n_played += n;
}

// Frames of B's earpiece in which KEY's two frequencies are both strong.
static unsigned tone_frames(const struct dtmf_run *r, char key, uint32_t rate)
{
	static const char layout[] = "123A456B789C*0#D";
	static const double rows[] = { 697, 770, 852, 941 }, cols[] = { 1209, 1336, 1477, 1633 };
	size_t pos = (size_t)(strchr(layout, key) - layout);
	size_t frame = rate / 50;
	unsigned n = 0;
	for (size_t off = 0; off + frame <= r->n_played; off += frame)
		if (goertzel(r->played + off, frame, rows[pos / 4], rate) > 5e5 &&
		    goertzel(r->played + off, frame, cols[pos % 4], rate) > 5e5)
			n++;
	return n;
}

struct setup {
	enum sc_codec codec;
	uint8_t codec_pt;
	int te_pt_a, te_pt_b; // -1: not negotiated at that end
	uint32_t rate;
	int loss, dup, reorder;
	bool drop_event_begins;
};

static void start_call(struct cms_sim *s, const struct setup *c, uint64_t seed)
{
	memset(&run, 0, sizeof(run));
	run.te_pt = c->te_pt_a;
	run.drop_event_begins = c->drop_event_begins;
	cms_init(s, seed);
	s->audio = true;
	s->ctx = &run;
	s->on_datagram = on_datagram;
	s->filter = filter;
	s->source = source;
	s->sink = sink;
	struct sc_media p = cms_policy(NULL);
	if (c->codec == SC_CODEC_OPUS) {
		p.codecs[0] = SC_CODEC_OPUS;
		p.codecs[2] = SC_CODEC_PCMU;
	}
	CHECK_EQ_INT(cms_add(s, &p, SC_CALL_CALLER, "bravo", 0xa1, seed, NULL, B), A);
	CHECK_EQ_INT(cms_add(s, &p, SC_CALL_CALLEE, "alpha", 0xb2, seed + 1, NULL, A), B);
	if (s->n != 2)
		return;
	for (int i = 0; i < 2; i++) {
		CHECK_EQ_INT(sc_call_media_set_codec(s->node[i].cm, c->codec, c->codec_pt), 0);
		int pt = i == A ? c->te_pt_a : c->te_pt_b;
		CHECK_EQ_INT(sc_call_media_set_telephone_event(s->node[i].cm, pt, c->rate), 0);
		s->node[i].capture = s->node[i].playout = true;
	}
	char why[200] = "";
	if (c->te_pt_a >= 0) {
		// not keyed yet: refused, nothing waits for keys
		CHECK_EQ_INT(sc_call_media_send_dtmf(s->node[A].cm, "1", why, sizeof(why)), -EAGAIN);
		CHECK_STR_CONTAINS(why, "not secured yet");
	}
	cms_exchange_hashes(s, A, B);
	cms_start(s, B);
	cms_start(s, A);
	cms_run_until_keyed(s, 10000);
	CHECK(s->node[A].secure && s->node[B].secure);
	s->loss_pct = c->loss;
	s->dup_pct = c->dup;
	s->reorder_pct = c->reorder;
	cms_run(s, 1000); // a second of speech first
}

static void dial(struct cms_sim *s)
{
	char why[200] = "";
	CHECK_EQ_INT(sc_call_media_send_dtmf(s->node[A].cm, "15", why, sizeof(why)), 0);
	cms_run(s, 100);
	// a second request while the first is going out: queued behind it
	CHECK_EQ_INT(sc_call_media_send_dtmf(s->node[A].cm, "9#*0", why, sizeof(why)), 0);
	cms_run(s, 2000);
}

static void heard_events(const struct cms_sim *s, char *out, size_t cap)
{
	size_t n = 0;
	const struct cms_node *b = &s->node[B];
	for (int e = 0; e < b->n_events && n + 1 < cap; e++)
		if (b->events[e].type == SC_CALL_MEDIA_EVENT_DTMF)
			out[n++] = b->events[e].digit;
	out[n] = '\0';
}

// A's RTP as sent: one packet a frame, one sequence and SSRC for audio and events; each
// event 7 packets at one timestamp, marker on the first, no audio among them, its payload
// never the event's plaintext.
static void check_wire(const struct setup *c, const char *digits)
{
	uint32_t step = c->rate / 50, tone = c->rate / 10;
	size_t events = 0, markers = 0, i = 0, d = 0;
	uint32_t ssrc = run.sent[0].hdr.ssrc;
	for (size_t k = 1; k < run.n_sent; k++) {
		CHECK_EQ_INT((uint16_t)(run.sent[k].hdr.seq - run.sent[k - 1].hdr.seq), 1);
		CHECK_EQ_INT(run.sent[k].hdr.ssrc, ssrc);
		CHECK_EQ_INT(run.sent[k].at - run.sent[k - 1].at, 20);
	}
	while (i < run.n_sent) {
		const struct sent_rtp *p = &run.sent[i];
		if (p->hdr.payload_type != c->te_pt_a) {
			CHECK_EQ_INT(p->hdr.payload_type, c->codec_pt);
			i++;
			continue;
		}
		size_t first = i;
		CHECK(p->hdr.marker);
		for (; i < run.n_sent && run.sent[i].hdr.payload_type == c->te_pt_a &&
		       run.sent[i].hdr.timestamp == p->hdr.timestamp; i++) {
			const struct sent_rtp *q = &run.sent[i];
			size_t j = i - first;
			events++;
			markers += q->hdr.marker;
			CHECK(j == 0 || !q->hdr.marker);
			// the plaintext this packet carries, which must not show
			struct sc_tevent ev = { .event = (uint8_t)sc_tevent_from_digit(digits[d]),
						.volume = SC_DTMF_VOLUME,
						.end = j >= 4,
						.duration = (uint16_t)((j + 1) * step < tone ? (j + 1) * step : tone) };
			uint8_t plain[4];
			sc_tevent_build(&ev, plain);
			CHECK(q->payload_len > 4); // 4 bytes and the SRTP tag
			CHECK(memcmp(q->payload, plain, 4) != 0);
		}
		CHECK_EQ_INT(i - first, 7);
		// the audio frame before and after carry timestamps around the event's
		if (first > 0)
			CHECK_EQ_INT(p->hdr.timestamp - run.sent[first - 1].hdr.timestamp, step);
		d++;
	}
	CHECK_EQ_INT(d, strlen(digits));
	CHECK_EQ_INT(events, 7 * strlen(digits));
	CHECK_EQ_INT(markers, strlen(digits));
}

static void test_call(const struct setup *c, const char *name)
{
	struct cms_sim s;
	start_call(&s, c, 0xd7f0 + c->codec_pt);
	if (s.n != 2) {
		cms_free(&s);
		return;
	}
	size_t silent_before = run.n_played;
	dial(&s);
	char heard[64];
	heard_events(&s, heard, sizeof(heard));
	CHECK(strcmp(heard, "159#*0") == 0);
	struct sc_call_media_stats sa, sb;
	sc_call_media_get_stats(s.node[A].cm, &sa);
	sc_call_media_get_stats(s.node[B].cm, &sb);
	CHECK(strcmp(sb.dtmf_heard, "159#*0") == 0);
	CHECK_EQ_INT(sb.counters.dtmf_received, 6);
	CHECK_EQ_INT(sb.telephone_event_pt, c->te_pt_b);
	CHECK_EQ_INT(sa.counters.dtmf_sent, 6);
	CHECK_EQ_INT(sa.dtmf_pending, 0);
	CHECK_EQ_INT(sb.counters.rx_other_payload, 0);
	if (c->loss == 0 && !c->drop_event_begins) {
		CHECK_EQ_INT(sa.counters.dtmf_tx_packets, 42);
		CHECK_EQ_INT(sb.counters.dtmf_rx_packets, 42);
		check_wire(c, "159#*0");
		// every key heard in B's earpiece for about its 100 ms, and no other key
		static const char keys[] = "0123456789*#ABCD";
		for (const char *k = keys; *k; k++) {
			unsigned f = tone_frames(&run, *k, c->rate);
			if (strchr("159#*0", *k))
				CHECK(f >= 4 && f <= 6);
			else
				CHECK_EQ_INT(f, 0);
		}
		CHECK(silent_before > 0);
	}
	fprintf(stderr, "%s: B heard \"%s\", %llu event packets received, %llu sent; %llu first "
		"packets dropped on the link\n", name, heard,
		(unsigned long long)sb.counters.dtmf_rx_packets,
		(unsigned long long)sa.counters.dtmf_tx_packets, (unsigned long long)run.dropped_begins);
	// hung up: refused
	char why[200] = "";
	CHECK_EQ_INT(sc_call_media_hangup(s.node[A].cm, s.now), 0);
	CHECK_EQ_INT(sc_call_media_send_dtmf(s.node[A].cm, "1", why, sizeof(why)), -EPIPE);
	cms_free(&s);
}

static void test_refusals(void)
{
	struct cms_sim s;
	// A has no telephone-event agreed; B agreed one but A cannot send
	struct setup c = { SC_CODEC_PCMU, 0, -1, 101, 8000, 0, 0, 0, false };
	start_call(&s, &c, 77);
	if (s.n != 2) {
		cms_free(&s);
		return;
	}
	char why[200] = "";
	CHECK_EQ_INT(sc_call_media_send_dtmf(s.node[A].cm, "1", why, sizeof(why)), -ENOTSUP);
	CHECK_STR_CONTAINS(why, "the far end did not negotiate telephone-event");
	// bad digits are named before anything else
	CHECK_EQ_INT(sc_call_media_send_dtmf(s.node[B].cm, "12z", why, sizeof(why)), -EINVAL);
	CHECK_STR_CONTAINS(why, "'z'");
	// another clock than the codec's, and after start
	CHECK_EQ_INT(sc_call_media_set_telephone_event(s.node[A].cm, 101, 48000), -EINVAL);
	CHECK_EQ_INT(sc_call_media_set_telephone_event(s.node[A].cm, 101, 8000), -EBUSY);
	cms_free(&s);

	// A sends on 101 but B agreed none: counted as another payload type, no digit, no tone
	struct setup d = { SC_CODEC_PCMU, 0, 101, -1, 8000, 0, 0, 0, false };
	start_call(&s, &d, 78);
	if (s.n != 2) {
		cms_free(&s);
		return;
	}
	dial(&s);
	char heard[64];
	heard_events(&s, heard, sizeof(heard));
	CHECK_EQ_INT(strlen(heard), 0);
	struct sc_call_media_stats sb;
	sc_call_media_get_stats(s.node[B].cm, &sb);
	CHECK_EQ_INT(sb.counters.rx_other_payload, 42);
	CHECK_EQ_INT(sb.counters.dtmf_rx_packets, 0);
	CHECK_EQ_INT(tone_frames(&run, '5', 8000), 0);
	cms_free(&s);
}

int main(void)
{
	if (sc_srtp_global_init() != 0) {
		fprintf(stderr, "cannot initialise libsrtp\n");
		return 1;
	}
	struct setup g711 = { SC_CODEC_PCMU, 0, 101, 101, 8000, 0, 0, 0, false };
	test_call(&g711, "PCMU, clean link");
	struct setup opus = { SC_CODEC_OPUS, 111, 102, 102, 48000, 0, 0, 0, false };
	test_call(&opus, "Opus, clean link");
	struct setup rough = { SC_CODEC_PCMU, 0, 101, 101, 8000, 5, 10, 10, false };
	test_call(&rough, "PCMU, 5% loss, 10% duplicated, 10% reordered");
	struct setup rough_opus = { SC_CODEC_OPUS, 111, 102, 102, 48000, 5, 10, 10, false };
	test_call(&rough_opus, "Opus, 5% loss, 10% duplicated, 10% reordered");
	struct setup no_begins = { SC_CODEC_PCMU, 0, 101, 101, 8000, 0, 0, 0, true };
	test_call(&no_begins, "PCMU, every event's first packet lost");
	test_refusals();
	CHECK_EQ_INT(cms_failures, 0);
	sc_srtp_global_shutdown();
	return check_done();
}
