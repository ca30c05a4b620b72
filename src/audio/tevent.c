// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/tevent.h"

#include <errno.h>
#include <string.h>

static const char digits[] = "0123456789*#ABCD";

int sc_tevent_build(const struct sc_tevent *ev, uint8_t out[SC_TEVENT_PAYLOAD_LEN])
{
	if (ev->volume > SC_TEVENT_MAX_VOLUME)
		return -EINVAL;
	out[0] = ev->event;
	out[1] = (uint8_t)((ev->end ? 0x80 : 0x00) | ev->volume);
	out[2] = (uint8_t)(ev->duration >> 8);
	out[3] = (uint8_t)(ev->duration & 0xFF);
	return SC_TEVENT_PAYLOAD_LEN;
}

int sc_tevent_parse(const uint8_t *payload, size_t len, struct sc_tevent *ev)
{
	if (len != SC_TEVENT_PAYLOAD_LEN)
		return -EINVAL;
	ev->event = payload[0];
	ev->end = (payload[1] & 0x80) != 0;
	ev->volume = payload[1] & 0x3F;
	ev->duration = (uint16_t)((payload[2] << 8) | payload[3]);
	return 0;
}

int sc_tevent_from_digit(char digit)
{
	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	const char *p = digit ? strchr(digits, digit) : NULL;
	return p ? (int)(p - digits) : -EINVAL;
}

char sc_tevent_to_digit(uint8_t event)
{
	return event < 16 ? digits[event] : 0;
}

int sc_tevent_tx_start(struct sc_tevent_tx *tx, uint8_t event, uint8_t volume, uint32_t start_ts,
		       uint32_t duration, uint32_t step)
{
	if (volume > SC_TEVENT_MAX_VOLUME || step == 0 || step > 0xFFFF)
		return -EINVAL;
	memset(tx, 0, sizeof(*tx));
	tx->event = event;
	tx->volume = volume;
	tx->start_ts = start_ts;
	tx->duration = duration > 0xFFFF ? 0xFFFF : duration;
	if (tx->duration < step)
		tx->duration = step;
	tx->step = step;
	return 0;
}

int sc_tevent_tx_next(struct sc_tevent_tx *tx, uint8_t payload[SC_TEVENT_PAYLOAD_LEN],
		      uint32_t *rtp_ts, bool *marker)
{
	if (tx->end_sent >= SC_TEVENT_END_REPEATS)
		return 0;
	*marker = !tx->started;
	tx->started = true;
	if (tx->elapsed < tx->duration) {
		tx->elapsed += tx->step;
		if (tx->elapsed > tx->duration)
			tx->elapsed = tx->duration;
	}
	struct sc_tevent ev = {
		.event = tx->event,
		.volume = tx->volume,
		.duration = (uint16_t)tx->elapsed,
		.end = tx->elapsed >= tx->duration,
	};
	if (ev.end)
		tx->end_sent++;
	*rtp_ts = tx->start_ts;
	return sc_tevent_build(&ev, payload) < 0 ? 0 : 1;
}

void sc_tevent_rx_init(struct sc_tevent_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

int sc_tevent_rx_put(struct sc_tevent_rx *rx, uint32_t rtp_ts, const uint8_t *payload, size_t len,
		     enum sc_tevent_rx_result *result, struct sc_tevent *event)
{
	struct sc_tevent ev;
	int rc = sc_tevent_parse(payload, len, &ev);
	if (rc < 0)
		return rc;
	*result = SC_TEVENT_RX_NONE;
	*event = ev;
	// RTP timestamps compare modulo 2^32: an earlier one belongs to an event already reported
	// or superseded.
	if (rx->have_event && rtp_ts != rx->ts && (int32_t)(rtp_ts - rx->ts) < 0)
		return 0;
	// One event is one start timestamp; a repeat of a finished event changes nothing.
	bool same = rx->have_event && rx->ts == rtp_ts && rx->current.event == ev.event;
	if (same && rx->ended) {
		*event = rx->current;
		return 0;
	}
	if (!same) {
		rx->have_event = true;
		rx->ended = false;
		rx->ts = rtp_ts;
		rx->current = ev;
		*result = SC_TEVENT_RX_BEGIN;
	} else if (ev.duration > rx->current.duration) {
		rx->current = ev;
	}
	if (ev.end) {
		rx->ended = true;
		rx->current = ev;
		*result = same ? SC_TEVENT_RX_END : SC_TEVENT_RX_BEGIN_END;
	}
	*event = rx->current;
	return 0;
}
