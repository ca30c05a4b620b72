// SPDX-License-Identifier: GPL-3.0-or-later
// DTMF as RFC 4733 events, without a call: the sender's packets frame by frame (count,
// marker, timestamps, durations, the three end packets, the gap, the order of queued digits,
// at 8000 and 48000 Hz and at 10 and 20 ms), and the receiver fed those packets duplicated,
// reordered and with pieces lost, reporting each digit once and playing its tone.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "goertzel.h"
#include "media/dtmf.h"

struct pkt {
	bool event;       // else the frame's audio went
	uint32_t frame_ts; // the frame's media time
	uint32_t ts;
	bool marker;
	struct sc_tevent ev;
	uint8_t raw[SC_TEVENT_PAYLOAD_LEN];
};

// Ticks the sender N frames from FIRST_TS on.
static size_t run_sender(struct sc_dtmf_sender *s, uint32_t first_ts, size_t n, struct pkt *out)
{
	for (size_t i = 0; i < n; i++) {
		struct pkt *p = &out[i];
		memset(p, 0, sizeof(*p));
		p->frame_ts = first_ts + (uint32_t)i * s->step;
		p->event = sc_dtmf_sender_tick(s, p->frame_ts, p->raw, &p->ts, &p->marker) == 1;
		if (p->event)
			CHECK_EQ_INT(sc_tevent_parse(p->raw, 4, &p->ev), 0);
	}
	return n;
}

// Checks one run: DIGITS sent in order, each as its run of packets; returns the number of
// event packets.
static void check_sequence(const struct pkt *p, size_t n, const char *digits, uint32_t rate,
			   uint32_t step)
{
	uint32_t tone = rate / 1000 * SC_DTMF_TONE_MS, gap = rate / 1000 * SC_DTMF_GAP_MS;
	size_t want_packets = tone / step + SC_TEVENT_END_REPEATS - 1;
	size_t i = 0, d = 0;
	uint32_t prev_end = 0;
	bool have_prev = false;
	while (i < n && digits[d]) {
		if (!p[i].event) {
			i++;
			continue;
		}
		// one event: consecutive frames, no audio among them
		size_t first = i;
		CHECK(p[i].marker);
		CHECK_EQ_INT(p[i].ts, p[i].frame_ts); // starts at the frame it replaces
		if (have_prev)
			CHECK((int32_t)(p[i].ts - prev_end) >= (int32_t)gap);
		uint32_t last_dur = 0;
		unsigned ends = 0;
		for (; i < n && p[i].event && p[i].ts == p[first].ts; i++) {
			CHECK_EQ_INT(sc_tevent_to_digit(p[i].ev.event), digits[d]);
			CHECK_EQ_INT(p[i].ev.volume, SC_DTMF_VOLUME);
			if (i > first)
				CHECK(!p[i].marker);
			CHECK(p[i].ev.duration >= last_dur);
			if (!p[i].ev.end) {
				CHECK_EQ_INT(p[i].ev.duration, (uint32_t)(i - first + 1) * step);
				CHECK(p[i].ev.duration > last_dur);
				CHECK_EQ_INT(ends, 0);
			} else {
				ends++;
				CHECK_EQ_INT(p[i].ev.duration, tone);
			}
			last_dur = p[i].ev.duration;
		}
		CHECK_EQ_INT(i - first, want_packets);
		CHECK_EQ_INT(ends, SC_TEVENT_END_REPEATS);
		prev_end = p[first].ts + tone;
		have_prev = true;
		d++;
	}
	CHECK_EQ_INT(d, strlen(digits));
	for (; i < n; i++)
		CHECK(!p[i].event);
}

static struct pkt run[2000];

static void test_sender_8k(void)
{
	struct sc_dtmf_sender s;
	char why[200];
	CHECK_EQ_INT(sc_dtmf_sender_init(&s, 8000, 160), 0);
	// nothing queued: audio every frame
	run_sender(&s, 5000, 10, run);
	for (int i = 0; i < 10; i++)
		CHECK(!run[i].event);
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "15", why, sizeof(why)), 0);
	CHECK_EQ_INT(sc_dtmf_sender_pending(&s), 2);
	size_t n = run_sender(&s, 7000, 8, run);
	// a second request while the first is being sent goes after it
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "9#*0", why, sizeof(why)), 0);
	n += run_sender(&s, 7000 + 8 * 160, 100, run + n);
	check_sequence(run, n, "159#*0", 8000, 160);
	CHECK_EQ_INT(s.digits_sent, 6);
	CHECK_EQ_INT(s.packets_sent, 6 * 7);
	CHECK_EQ_INT(sc_dtmf_sender_pending(&s), 0);
	// exact layout of the first digit: 7 packets, then one frame of audio, then the next
	// digit 60 ms after the tone ended (the first frame at least 50 ms after it)
	CHECK(run[0].event && run[6].event && !run[7].event && run[8].event);
	CHECK_EQ_INT(run[8].ts - (run[0].ts + 800), 480);
}

static void test_sender_48k_and_10ms(void)
{
	struct sc_dtmf_sender s;
	char why[200];
	CHECK_EQ_INT(sc_dtmf_sender_init(&s, 48000, 960), 0);
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "159#*0", why, sizeof(why)), 0);
	size_t n = run_sender(&s, 123456, 100, run);
	check_sequence(run, n, "159#*0", 48000, 960);
	CHECK_EQ_INT(run[4].ev.duration, 4800); // 100 ms at Opus's clock
	CHECK(run[4].ev.end);

	CHECK_EQ_INT(sc_dtmf_sender_init(&s, 8000, 80), 0);
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "7D", why, sizeof(why)), 0);
	n = run_sender(&s, 0, 100, run);
	check_sequence(run, n, "7D", 8000, 80);
	CHECK_EQ_INT(run[0].ev.duration, 80);
	CHECK(!run[12].event && !run[14].event && run[15].event); // 1200 = 800 + 400
	// across the 32-bit wrap of the media clock
	CHECK_EQ_INT(sc_dtmf_sender_init(&s, 8000, 160), 0);
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "12", why, sizeof(why)), 0);
	n = run_sender(&s, 0xFFFFFF00u, 30, run);
	check_sequence(run, n, "12", 8000, 160);
}

static void test_sender_refusals(void)
{
	struct sc_dtmf_sender s;
	char why[200] = "";
	CHECK_EQ_INT(sc_dtmf_sender_init(&s, 8000, 160), 0);
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "12x4", why, sizeof(why)), -EINVAL);
	CHECK_STR_CONTAINS(why, "'x' (character 3) is not a DTMF digit");
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "1 2", why, sizeof(why)), -EINVAL);
	CHECK_STR_CONTAINS(why, "byte 0x20 (character 2)");
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "1\t", why, sizeof(why)), -EINVAL);
	CHECK_STR_CONTAINS(why, "byte 0x09");
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "", why, sizeof(why)), -EINVAL);
	CHECK_STR_CONTAINS(why, "no digits");
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "E", why, sizeof(why)), -EINVAL);
	char many[40];
	memset(many, '1', 33);
	many[33] = '\0';
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, many, why, sizeof(why)), -EINVAL);
	CHECK_STR_CONTAINS(why, "33 digits: at most 32");
	CHECK_EQ_INT(sc_dtmf_sender_pending(&s), 0); // nothing of a refused request queued
	many[32] = '\0';
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, many, why, sizeof(why)), 0);
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, many, why, sizeof(why)), 0);
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "1", why, sizeof(why)), -ENOBUFS);
	CHECK_STR_CONTAINS(why, "64 digits are still waiting");
	CHECK_EQ_INT(sc_dtmf_sender_pending(&s), 64);
	// lower case a-d are the same keys
	CHECK_EQ_INT(sc_dtmf_sender_init(&s, 8000, 160), 0);
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "abcd", why, sizeof(why)), 0);
	size_t n = run_sender(&s, 0, 60, run);
	check_sequence(run, n, "ABCD", 8000, 160);
	CHECK_EQ_INT(sc_dtmf_sender_init(&s, 16000, 320), -EINVAL);
	CHECK_EQ_INT(sc_dtmf_sender_init(&s, 8000, 0), -EINVAL);
	CHECK_EQ_INT(sc_dtmf_check("0123456789*#ABCDabcd", why, sizeof(why)), 0);
}

// Feeds the receiver packets P[0..N) in the order ORDER (indexes; -1 ends), playing one
// frame after each; returns the digits reported and the tone samples played.
static size_t feed(struct sc_dtmf_receiver *r, const struct pkt *p, const int *order, char *heard,
		   size_t heard_cap, int16_t *played, size_t step)
{
	size_t nh = 0, tone = 0;
	for (size_t k = 0; order[k] >= 0; k++) {
		const struct pkt *q = &p[order[k]];
		char d = 0;
		if (q->event && sc_dtmf_receiver_put(r, q->ts, q->raw, 4, &d) == 1 && nh + 1 < heard_cap)
			heard[nh++] = d;
		int16_t frame[960] = { 0 };
		size_t got = sc_dtmf_receiver_play(r, frame, step);
		if (played)
			memcpy(played + tone, frame, got * sizeof(*frame));
		tone += got;
	}
	heard[nh] = '\0';
	return tone;
}

static void test_receiver(void)
{
	struct sc_dtmf_sender s;
	struct sc_dtmf_receiver r;
	char why[200], heard[64];
	static int16_t played[48000];
	int order[4000];
	CHECK_EQ_INT(sc_dtmf_sender_init(&s, 8000, 160), 0);
	CHECK_EQ_INT(sc_dtmf_sender_queue(&s, "159#*0", why, sizeof(why)), 0);
	size_t n = run_sender(&s, 1000, 60, run);

	// in order: each digit once, each tone exactly its 100 ms
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		order[k++] = (int)i;
	order[k] = -1;
	CHECK_EQ_INT(sc_dtmf_receiver_init(&r, 8000), 0);
	size_t tone = feed(&r, run, order, heard, sizeof(heard), played, 160);
	CHECK(strcmp(heard, "159#*0") == 0);
	CHECK(strcmp(r.heard, "159#*0") == 0);
	CHECK_EQ_INT(r.digits, 6);
	CHECK_EQ_INT(tone, 6 * 800);
	// the second tone is the 5: 770 and 1336 Hz, not the 1's 697 and 1209
	CHECK(goertzel(played + 800, 800, 770, 8000) > 1e6 && goertzel(played + 800, 800, 1336, 8000) > 1e6);
	CHECK(goertzel(played + 800, 800, 697, 8000) < 1e4 && goertzel(played + 800, 800, 1209, 8000) < 1e4);

	// every packet twice, and each pair of neighbours swapped: still once each, in order
	k = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		order[k++] = (int)i + 1;
		order[k++] = (int)i + 1;
		order[k++] = (int)i;
		order[k++] = (int)i;
	}
	order[k] = -1;
	CHECK_EQ_INT(sc_dtmf_receiver_init(&r, 8000), 0);
	feed(&r, run, order, heard, sizeof(heard), NULL, 160);
	CHECK(strcmp(heard, "159#*0") == 0);
	CHECK_EQ_INT(r.digits, 6);

	// the 5's first four packets lost (begin and updates), the 9 seen only in its end
	// packets: each still reported once, when its first packet arrives
	k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i >= 8 && i < 12) // the 5 starts at packet 8
			continue;
		if (run[i].event && sc_tevent_to_digit(run[i].ev.event) == '9' && !run[i].ev.end)
			continue;
		order[k++] = (int)i;
	}
	order[k] = -1;
	CHECK_EQ_INT(sc_dtmf_receiver_init(&r, 8000), 0);
	feed(&r, run, order, heard, sizeof(heard), NULL, 160);
	CHECK(strcmp(heard, "159#*0") == 0);

	// the 1's end packets all lost, then the 5 begins: a new timestamp ends the 1 (RFC 4733
	// §2.5.2); the 1's tone stops, held at most SC_DTMF_HOLD_MS past its last update; a late
	// update of the 1 after the 5 began brings nothing back
	k = 0;
	for (size_t i = 0; i < 4; i++)
		order[k++] = (int)i;
	order[k++] = 7; // audio frames between
	order[k++] = 7;
	order[k++] = 8; // the 5 begins
	order[k++] = 2; // late: the 1's third update
	for (size_t i = 9; i < 15; i++)
		order[k++] = (int)i;
	order[k] = -1;
	CHECK_EQ_INT(sc_dtmf_receiver_init(&r, 8000), 0);
	tone = feed(&r, run, order, heard, sizeof(heard), NULL, 160);
	CHECK(strcmp(heard, "15") == 0);
	CHECK(strcmp(r.heard, "15") == 0);
	// the 1: 640 + 480 hold at most, cut at the 5 (6 frames after its start); the 5: 800
	CHECK(tone >= 800 + 6 * 160 && tone <= 800 + 640 + 480);

	// all of an event's end packets lost and nothing after: the tone stops by itself
	order[0] = 0;
	order[1] = 1;
	order[2] = 2;
	for (k = 3; k < 20; k++)
		order[k] = 7;
	order[k] = -1;
	CHECK_EQ_INT(sc_dtmf_receiver_init(&r, 8000), 0);
	tone = feed(&r, run, order, heard, sizeof(heard), NULL, 160);
	CHECK(strcmp(heard, "1") == 0);
	CHECK_EQ_INT(tone, 480 + 480); // last update said 480, then the 60 ms hold
	CHECK(!r.tone_on);

	// malformed payloads and events that are not keys
	char d = 'x';
	uint8_t five[5] = { 1, 0x0a, 0, 160, 0 };
	CHECK_EQ_INT(sc_dtmf_receiver_put(&r, 99999, five, 5, &d), -EINVAL);
	CHECK_EQ_INT(d, 0);
	CHECK_EQ_INT(r.malformed, 1);
	struct sc_tevent flash = { .event = 16, .volume = 10, .duration = 160 };
	uint8_t raw[4];
	sc_tevent_build(&flash, raw);
	CHECK_EQ_INT(sc_dtmf_receiver_put(&r, 99999, raw, 4, &d), 0);
	CHECK_EQ_INT(r.other_events, 1);
	CHECK(strcmp(r.heard, "1") == 0);
	CHECK_EQ_INT(sc_dtmf_receiver_init(&r, 44100), -EINVAL);

	// the last 32 digits are kept, oldest first
	CHECK_EQ_INT(sc_dtmf_receiver_init(&r, 48000), 0);
	for (uint32_t i = 0; i < 40; i++) {
		struct sc_tevent e = { .event = (uint8_t)(i % 10), .end = true, .volume = 10, .duration = 4800 };
		sc_tevent_build(&e, raw);
		CHECK_EQ_INT(sc_dtmf_receiver_put(&r, i * 10000, raw, 4, &d), 1);
	}
	CHECK(strcmp(r.heard, "89012345678901234567890123456789") == 0);
	CHECK_EQ_INT(r.digits, 40);
}

int main(void)
{
	test_sender_8k();
	test_sender_48k_and_10ms();
	test_sender_refusals();
	test_receiver();
	return check_done();
}
