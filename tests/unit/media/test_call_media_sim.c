// SPDX-License-Identifier: GPL-3.0-or-later
#include "test_call_media_sim.h"

#include "audio/g711.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define TICK_MS 20

int cms_failures;

// check.h keeps its tallies per file, so this file counts its own and the tests check it.
#define SIM_EXPECT(cond)                                                                  \
	do {                                                                              \
		if (!(cond)) {                                                            \
			cms_failures++;                                                   \
			fprintf(stderr, "%s:%d: simulation: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                         \
	} while (0)

// splitmix64, as the ZRTP simulator uses: reproducible, not cryptographic.
static uint64_t next64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void cms_init(struct cms_sim *s, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->prng = seed;
	s->latency_ms = 15;
	s->inflight = calloc(CMS_INFLIGHT, sizeof(*s->inflight));
	SIM_EXPECT(s->inflight != NULL);
}

void cms_free(struct cms_sim *s)
{
	for (int i = 0; i < s->n; i++)
		sc_call_media_free(s->node[i].cm);
	free(s->inflight);
	memset(s, 0, sizeof(*s));
}

struct sc_media cms_policy(const struct sc_zrtp_policy *zrtp)
{
	struct sc_media m;
	memset(&m, 0, sizeof(m));
	// G.711 first: these tests recognise every played frame exactly as G.711 makes it. The
	// Opus tests put Opus first, as the example policy does.
	m.codecs[0] = SC_CODEC_PCMU;
	m.codecs[1] = SC_CODEC_PCMA;
	m.codecs[2] = SC_CODEC_OPUS;
	m.n_codecs = 3;
	m.rtp_port_min = 16384;
	m.rtp_port_max = 16583;
	m.ptime_ms = 20;
	m.zrtp = zrtp ? *zrtp : policy_default();
	return m;
}

int cms_add(struct cms_sim *s, const struct sc_media *policy, enum sc_call_role role,
	    const char *peer_name, uint8_t zid_byte, uint64_t seed, struct mem_cache *cache,
	    int peer)
{
	if (s->n == CMS_MAX_NODES)
		return -1;
	int i = s->n;
	struct cms_node *n = &s->node[i];
	memset(n, 0, sizeof(*n));
	n->peer = peer;
	n->rng.state = seed;
	n->cache = cache ? cache : &n->own_cache;
	n->policy = *policy;
	snprintf(n->name, sizeof(n->name), "node%d", i);
	uint8_t zid[SC_ZRTP_ZID_LEN];
	memset(zid, zid_byte, sizeof(zid));
	char cname[64];
	snprintf(cname, sizeof(cname), "%s@sim", n->name);
	struct sc_call_media_config cfg = {
		.policy = &n->policy,
		.role = role,
		.peer_name = peer_name,
		.cname = cname,
		.zid = zid,
		.cache = s->cache_ops[i] ? *s->cache_ops[i] : mem_cache_ops(n->cache),
		.rng = test_rng_fill,
		.rng_ctx = &n->rng,
	};
	int ret = sc_call_media_new(&cfg, &n->cm);
	SIM_EXPECT(ret == 0);
	if (ret != 0)
		return -1;
	s->n++;
	return i;
}

void cms_exchange_hashes(struct cms_sim *s, int a, int b)
{
	char ha[SC_ZRTP_HELLO_HASH_ATTR_MAX], hb[SC_ZRTP_HELLO_HASH_ATTR_MAX];
	SIM_EXPECT(sc_call_media_zrtp_hash(s->node[a].cm, ha, sizeof(ha)) == 0);
	SIM_EXPECT(sc_call_media_zrtp_hash(s->node[b].cm, hb, sizeof(hb)) == 0);
	SIM_EXPECT(sc_call_media_set_peer_zrtp_hash(s->node[a].cm, hb) == 0);
	SIM_EXPECT(sc_call_media_set_peer_zrtp_hash(s->node[b].cm, ha) == 0);
	cms_drain(s, a);
	cms_drain(s, b);
}

static int percent(struct cms_sim *s)
{
	return (int)(next64(&s->prng) % 100);
}

static void enqueue(struct cms_sim *s, int to, const uint8_t *data, size_t len, uint64_t at)
{
	if (s->n_inflight == CMS_INFLIGHT || len > sizeof(s->inflight[0].data)) {
		s->link_dropped_full++;
		return;
	}
	struct cms_packet *p = &s->inflight[s->n_inflight++];
	p->to = to;
	p->at = at;
	p->len = len;
	memcpy(p->data, data, len);
}

void cms_drain(struct cms_sim *s, int i)
{
	struct cms_node *n = &s->node[i];
	uint8_t buf[SC_CALL_MEDIA_MAX_DATAGRAM];
	size_t len;
	struct sc_call_media_event ev;
	// Events first: a SECURE event marks the node secure before its first SRTP datagram.
	while (sc_call_media_pop_event(n->cm, &ev)) {
		if ((unsigned)ev.type < 8)
			n->event_count[ev.type]++;
		if (ev.type == SC_CALL_MEDIA_EVENT_SECURE && !n->secure) {
			n->secure = true;
			n->secure_at = s->now;
		}
		if (n->n_events < CMS_MAX_EVENTS)
			n->events[n->n_events++] = ev;
	}
	while (sc_call_media_pop_datagram(n->cm, buf, sizeof(buf), &len) == 0) {
		switch (sc_media_demux(buf, len)) {
		case SC_MEDIA_PKT_ZRTP:
			n->sent_zrtp++;
			break;
		case SC_MEDIA_PKT_RTP:
			n->sent_rtp++;
			if (!n->secure)
				n->sent_rtp_before_secure++;
			break;
		case SC_MEDIA_PKT_RTCP:
			n->sent_rtcp++;
			break;
		case SC_MEDIA_PKT_UNKNOWN:
			n->sent_other++;
			break;
		}
		if (s->on_datagram)
			s->on_datagram(s, i, buf, len);
		if (s->filter && s->filter(s, i, buf, len))
			continue;
		if (n->peer < 0 || percent(s) < s->loss_pct)
			continue;
		uint64_t at = s->now + s->latency_ms;
		if (percent(s) < s->reorder_pct)
			at += 1 + next64(&s->prng) % 45;
		enqueue(s, n->peer, buf, len, at);
		if (percent(s) < s->dup_pct)
			enqueue(s, n->peer, buf, len, at + next64(&s->prng) % 30);
	}
}

void cms_start(struct cms_sim *s, int node)
{
	SIM_EXPECT(sc_call_media_start(s->node[node].cm, s->now) == 0);
	cms_drain(s, node);
}

static void audio_tick(struct cms_sim *s)
{
	int16_t pcm[SC_CALL_MEDIA_MAX_FRAME];
	for (int i = 0; i < s->n; i++) {
		struct cms_node *n = &s->node[i];
		size_t samples = sc_call_media_frame_samples(n->cm);
		if (n->capture) {
			if (s->source)
				s->source(s, i, n->next_frame, pcm, samples);
			else
				cms_pattern(i, n->next_frame, pcm, samples);
			n->next_frame++;
			int ret = sc_call_media_capture(n->cm, pcm, samples, s->now);
			if (ret == 0)
				n->capture_sent++;
			else if (ret == -EAGAIN)
				n->capture_no_keys++;
			else if (ret == -EPIPE)
				n->capture_ended++;
			else
				n->capture_other++;
		}
		if (n->playout) {
			int kind = sc_call_media_playout(n->cm, s->now, pcm, samples);
			if (s->sink)
				s->sink(s, i, kind, pcm, samples);
		}
		cms_drain(s, i);
	}
}

static bool all_keyed(const struct cms_sim *s)
{
	for (int i = 0; i < s->n; i++) {
		enum sc_call_media_state st = sc_call_media_state(s->node[i].cm);
		if (st != SC_CALL_MEDIA_SECURE && st != SC_CALL_MEDIA_FAILED)
			return false;
	}
	return true;
}

static void run(struct cms_sim *s, uint64_t duration_ms, bool until_keyed)
{
	uint64_t end = s->now + duration_ms;
	if (s->audio && s->next_tick < s->now)
		s->next_tick = s->now;
	// Bounded twice: simulated time and number of steps.
	for (uint64_t steps = 0; steps < 20000000; steps++) {
		if (until_keyed && all_keyed(s))
			return;
		uint64_t next = UINT64_MAX;
		for (int i = 0; i < s->n_inflight; i++)
			if (s->inflight[i].at < next)
				next = s->inflight[i].at;
		for (int i = 0; i < s->n; i++) {
			int64_t t = sc_call_media_next_timeout(s->node[i].cm);
			if (t >= 0 && (uint64_t)t < next)
				next = (uint64_t)t;
		}
		if (s->audio && s->next_tick < next)
			next = s->next_tick;
		if (next == UINT64_MAX || next > end) {
			s->now = end;
			return;
		}
		if (next > s->now)
			s->now = next;
		for (;;) { // everything due now, earliest first
			int best = -1;
			for (int i = 0; i < s->n_inflight; i++)
				if (s->inflight[i].at <= s->now &&
				    (best < 0 || s->inflight[i].at < s->inflight[best].at))
					best = i;
			if (best < 0)
				break;
			int to = s->inflight[best].to;
			uint8_t data[SC_CALL_MEDIA_MAX_DATAGRAM];
			size_t len = s->inflight[best].len;
			memcpy(data, s->inflight[best].data, len);
			s->inflight[best] = s->inflight[--s->n_inflight];
			sc_call_media_receive(s->node[to].cm, data, len, s->now);
			cms_drain(s, to);
		}
		for (int i = 0; i < s->n; i++) {
			int64_t t = sc_call_media_next_timeout(s->node[i].cm);
			if (t >= 0 && (uint64_t)t <= s->now) {
				sc_call_media_timer(s->node[i].cm, s->now);
				cms_drain(s, i);
			}
		}
		if (s->audio && s->now >= s->next_tick) {
			audio_tick(s);
			s->next_tick += TICK_MS;
		}
	}
	SIM_EXPECT(!"simulation step bound reached");
}

void cms_run(struct cms_sim *s, uint64_t duration_ms)
{
	run(s, duration_ms, false);
}

void cms_run_until_keyed(struct cms_sim *s, uint64_t limit_ms)
{
	run(s, limit_ms, true);
}

const struct sc_call_media_event *cms_event(const struct cms_sim *s, int node,
					     enum sc_call_media_event_type type)
{
	for (int e = 0; e < s->node[node].n_events; e++)
		if (s->node[node].events[e].type == type)
			return &s->node[node].events[e];
	return NULL;
}

void cms_pattern(int node, uint64_t frame, int16_t *pcm, size_t n)
{
	const double two_pi = 6.283185307179586;
	double f1 = node % 2 ? 770.0 : 697.0, f2 = node % 2 ? 1336.0 : 1209.0;
	for (size_t i = 0; i < n; i++) {
		uint64_t t = frame * n + i;
		uint64_t h = t * 0x9e3779b97f4a7c15ull + (uint64_t)node * 0x632be59bd9b4e019ull;
		h ^= h >> 29;
		int noise = (int)(h % 1025) - 512;
		double v = 9000.0 * sin(two_pi * f1 * (double)t / 8000.0) +
			   3000.0 * sin(two_pi * f2 * (double)t / 8000.0) + noise;
		pcm[i] = (int16_t)lrint(v);
	}
}

uint64_t cms_frame_hash(const int16_t *pcm, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		uint16_t v = (uint16_t)pcm[i];
		h = (h ^ (v & 0xff)) * 0x100000001b3ull;
		h = (h ^ (v >> 8)) * 0x100000001b3ull;
	}
	return h;
}

int u64_set_init(struct u64_set *set, size_t cap_pow2)
{
	memset(set, 0, sizeof(*set));
	set->cap = cap_pow2;
	set->keys = calloc(cap_pow2, sizeof(*set->keys));
	set->values = calloc(cap_pow2, sizeof(*set->values));
	return set->keys && set->values ? 0 : -1;
}

void u64_set_free(struct u64_set *set)
{
	free(set->keys);
	free(set->values);
	memset(set, 0, sizeof(*set));
}

// Key 0 marks an empty slot, so it is kept aside.
void u64_set_put(struct u64_set *set, uint64_t key, uint32_t value)
{
	if (key == 0) {
		set->has_zero = true;
		set->zero_value = value;
		return;
	}
	if (set->count * 4 >= set->cap * 3)
		return; // full enough to slow down: the tests size their sets
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull) & (set->cap - 1);
	while (set->keys[i] && set->keys[i] != key)
		i = (i + 1) & (set->cap - 1);
	if (!set->keys[i])
		set->count++;
	set->keys[i] = key;
	set->values[i] = value;
}

bool u64_set_get(const struct u64_set *set, uint64_t key, uint32_t *value)
{
	if (key == 0) {
		if (set->has_zero && value)
			*value = set->zero_value;
		return set->has_zero;
	}
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull) & (set->cap - 1);
	while (set->keys[i]) {
		if (set->keys[i] == key) {
			if (value)
				*value = set->values[i];
			return true;
		}
		i = (i + 1) & (set->cap - 1);
	}
	return false;
}

static void g711_roundtrip(bool pcma, const int16_t *in, int16_t *out, size_t n)
{
	uint8_t codes[SC_CALL_MEDIA_MAX_FRAME];
	if (pcma) {
		sc_g711_alaw_encode_buf(in, n, codes);
		sc_g711_alaw_decode_buf(codes, n, out);
	} else {
		sc_g711_ulaw_encode_buf(in, n, codes);
		sc_g711_ulaw_decode_buf(codes, n, out);
	}
}

static void audio_source(struct cms_sim *s, int node, uint64_t frame, int16_t *pcm, size_t n)
{
	struct cms_audio *a = s->ctx;
	int from = a->relay_of[node];
	if (from >= 0) {
		if (a->have_played[from])
			memcpy(pcm, a->last_played[from], n * sizeof(*pcm));
		else
			memset(pcm, 0, n * sizeof(*pcm));
	} else {
		cms_pattern(node, frame, pcm, n);
	}
	int16_t decoded[SC_CALL_MEDIA_MAX_FRAME];
	g711_roundtrip(a->pcma[node], pcm, decoded, n);
	u64_set_put(&a->expected[node], cms_frame_hash(decoded, n), (uint32_t)frame);
}

// G.711 keeps a sample within a sixteenth of its size (plus the smallest step).
static bool within_g711(const int16_t *want, const int16_t *got, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int d = want[i] - got[i];
		int mag = want[i] < 0 ? -want[i] : want[i];
		if (d < 0)
			d = -d;
		if (d > mag / 16 + 16)
			return false;
	}
	return true;
}

static void audio_sink(struct cms_sim *s, int node, int kind, const int16_t *pcm, size_t n)
{
	struct cms_audio *a = s->ctx;
	memcpy(a->last_played[node], pcm, n * sizeof(*pcm));
	a->have_played[node] = true;
	a->frames[node]++;
	if (kind != SC_CALL_PLAYOUT_SILENCE && !s->node[node].secure)
		a->played_before_secure[node]++;
	if (kind == SC_CALL_PLAYOUT_SILENCE) {
		a->silence[node]++;
		for (size_t i = 0; i < n; i++)
			if (pcm[i]) {
				a->loud_silence[node]++;
				break;
			}
		return;
	}
	if (kind == SC_CALL_PLAYOUT_CONCEALED) {
		a->concealed[node]++;
		return;
	}
	int from = a->hears[node];
	uint32_t index;
	if (from < 0 || !u64_set_get(&a->expected[from], cms_frame_hash(pcm, n), &index)) {
		a->unmatched[node]++; // e.g. cross-faded in after a concealment
		return;
	}
	a->matched[node]++;
	if ((int64_t)index <= a->last_index[node])
		a->out_of_order[node]++;
	a->last_index[node] = index;
	if (index < a->played_index_len)
		a->played_index[node][index] = 1;
	if (a->relay_of[from] < 0) {
		int16_t original[SC_CALL_MEDIA_MAX_FRAME];
		cms_pattern(from, index, original, n);
		if (within_g711(original, pcm, n))
			a->within_tolerance[node]++;
		else
			a->beyond_tolerance[node]++;
	}
}

int cms_audio_init(struct cms_sim *s, struct cms_audio *a, size_t max_frames)
{
	memset(a, 0, sizeof(*a));
	size_t cap = 1024;
	while (cap < max_frames * 2)
		cap <<= 1;
	for (int i = 0; i < CMS_MAX_NODES; i++) {
		a->hears[i] = -1;
		a->relay_of[i] = -1;
		a->last_index[i] = -1;
		if (u64_set_init(&a->expected[i], cap) != 0)
			return -1;
		a->played_index[i] = calloc(max_frames, 1);
		if (!a->played_index[i])
			return -1;
	}
	a->played_index_len = max_frames;
	s->ctx = a;
	s->source = audio_source;
	s->sink = audio_sink;
	return 0;
}

void cms_audio_free(struct cms_audio *a)
{
	for (int i = 0; i < CMS_MAX_NODES; i++) {
		u64_set_free(&a->expected[i]);
		free(a->played_index[i]);
	}
	memset(a, 0, sizeof(*a));
}
