// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/dtmf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int sc_dtmf_check(const char *digits, char *why, size_t why_len)
{
	size_t n = digits ? strlen(digits) : 0;
	if (n == 0) {
		snprintf(why, why_len, "no digits given (DTMF digits are 0-9 * # A-D)");
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)digits[i];
		if (sc_tevent_from_digit((char)c) >= 0)
			continue;
		if (c >= 0x21 && c <= 0x7e)
			snprintf(why, why_len, "'%c' (character %zu) is not a DTMF digit: use 0-9 * # A-D",
				 c, i + 1);
		else
			snprintf(why, why_len, "byte 0x%02x (character %zu) is not a DTMF digit: use 0-9 * # "
				 "A-D", c, i + 1);
		return -EINVAL;
	}
	if (n > SC_DTMF_MAX_DIGITS) {
		snprintf(why, why_len, "%zu digits: at most %d a request", n, SC_DTMF_MAX_DIGITS);
		return -EINVAL;
	}
	return 0;
}

int sc_dtmf_sender_init(struct sc_dtmf_sender *s, uint32_t clock_rate, uint32_t step)
{
	if ((clock_rate != 8000 && clock_rate != 48000) || step == 0 || step > clock_rate / 10)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->clock_rate = clock_rate;
	s->step = step;
	return 0;
}

int sc_dtmf_sender_queue(struct sc_dtmf_sender *s, const char *digits, char *why, size_t why_len)
{
	int rc = sc_dtmf_check(digits, why, why_len);
	if (rc < 0)
		return rc;
	size_t n = strlen(digits);
	if (n > SC_DTMF_QUEUE - s->count) {
		snprintf(why, why_len, "%u digits are still waiting to be sent: try again in %u s",
			 s->count, (s->count * (SC_DTMF_TONE_MS + SC_DTMF_GAP_MS + 40) + 999) / 1000);
		return -ENOBUFS;
	}
	for (size_t i = 0; i < n; i++)
		s->queue[(s->head + s->count++) % SC_DTMF_QUEUE] =
			sc_tevent_to_digit((uint8_t)sc_tevent_from_digit(digits[i]));
	return 0;
}

unsigned sc_dtmf_sender_pending(const struct sc_dtmf_sender *s)
{
	return s->count + (s->sending ? 1u : 0u);
}

int sc_dtmf_sender_tick(struct sc_dtmf_sender *s, uint32_t ts, uint8_t payload[SC_TEVENT_PAYLOAD_LEN],
			uint32_t *event_ts, bool *marker)
{
	if (!s->sending) {
		// modulo 2^32, as RTP timestamps are
		if (s->count == 0 || (s->have_next && (int32_t)(ts - s->next_start) < 0))
			return 0;
		char d = s->queue[s->head];
		s->head = (s->head + 1) % SC_DTMF_QUEUE;
		s->count--;
		if (sc_tevent_tx_start(&s->tx, (uint8_t)sc_tevent_from_digit(d), SC_DTMF_VOLUME, ts,
				       s->clock_rate / 1000 * SC_DTMF_TONE_MS, s->step) < 0)
			return 0; // not reached: init bounds the step, the queue holds only digits
		s->current = d;
		s->sending = true;
	}
	if (sc_tevent_tx_next(&s->tx, payload, event_ts, marker) != 1) {
		s->sending = false;
		return 0;
	}
	s->packets_sent++;
	if (s->tx.end_sent >= SC_TEVENT_END_REPEATS) {
		s->sending = false;
		s->digits_sent++;
		s->have_next = true;
		s->next_start = s->tx.start_ts + s->tx.duration + s->clock_rate / 1000 * SC_DTMF_GAP_MS;
	}
	return 1;
}

int sc_dtmf_receiver_init(struct sc_dtmf_receiver *r, uint32_t clock_rate)
{
	if (clock_rate != 8000 && clock_rate != 48000)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	sc_tevent_rx_init(&r->rx);
	r->clock_rate = clock_rate;
	return 0;
}

static void remember(struct sc_dtmf_receiver *r, char digit)
{
	size_t n = strlen(r->heard);
	if (n == SC_DTMF_HEARD) {
		memmove(r->heard, r->heard + 1, n - 1);
		n--;
	}
	r->heard[n] = digit;
	r->heard[n + 1] = '\0';
}

int sc_dtmf_receiver_put(struct sc_dtmf_receiver *r, uint32_t ts, const uint8_t *payload,
			 size_t len, char *digit)
{
	enum sc_tevent_rx_result res;
	struct sc_tevent ev;
	*digit = 0;
	if (sc_tevent_rx_put(&r->rx, ts, payload, len, &res, &ev) < 0) {
		r->malformed++;
		return -EINVAL;
	}
	r->packets++;
	bool is_new = res == SC_TEVENT_RX_BEGIN || res == SC_TEVENT_RX_BEGIN_END;
	bool current = r->rx.have_event && r->rx.ts == ts;
	uint32_t hold = r->clock_rate / 1000 * SC_DTMF_HOLD_MS;
	uint32_t length = r->rx.ended ? r->rx.current.duration : r->rx.current.duration + hold;
	char d = sc_tevent_to_digit(ev.event);
	if (is_new) {
		// A new timestamp ends the tone of the event before (RFC 4733 §2.5.2).
		r->tone_on = false;
		if (!d) {
			r->other_events++; // flash, modem and line tones: not keys
			return 0;
		}
		r->digits++;
		remember(r, d);
		r->tone_on = sc_dtmf_gen_init(&r->tone, d, r->clock_rate, SC_TONE_DEFAULT_PEAK, length) == 0;
		*digit = d;
		return 1;
	}
	if (current && r->tone_on)
		sc_dtmf_gen_set_length(&r->tone, length);
	return 0;
}

size_t sc_dtmf_receiver_play(struct sc_dtmf_receiver *r, int16_t *pcm, size_t n)
{
	if (!r->tone_on)
		return 0;
	int16_t tone[960];
	size_t done = 0;
	while (done < n && r->tone_on) {
		size_t chunk = n - done < 960 ? n - done : 960;
		size_t k = sc_dtmf_gen_fill(&r->tone, tone, chunk);
		memcpy(pcm + done, tone, k * sizeof(*pcm));
		done += k;
		if (r->tone.done)
			r->tone_on = false;
		if (k < chunk)
			break;
	}
	return done;
}
