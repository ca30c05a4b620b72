// SPDX-License-Identifier: GPL-3.0-or-later
// DTMF in the call (RFC 4733 telephone events) on the payload type SDP settled on, at the
// codec's clock. Sending rides the capture clock: while an event goes out, each captured
// frame's slot carries an event packet instead of the frame's audio (RFC 4733 §2.5.1.2 lets
// the sender hold back the audio an event stands for, and a receiver that plays both would
// mix speech into the tone), through the same SRTP egress, sequence numbers and SSRC as the
// audio, so nothing leaves before keys or in the clear. Receiving takes only authenticated
// packets of that payload type: each digit is reported once (SC_CALL_MEDIA_EVENT_DTMF) and
// its dual tone replaces the earpiece's audio for the event's duration.
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/secret.h"
#include "media/call_internal.h"

int call_dtmf_setup(struct sc_call_media *cm, uint32_t rate, size_t frame)
{
	struct sc_dtmf_sender tx;
	struct sc_dtmf_receiver rx;
	int ret = sc_dtmf_sender_init(&tx, rate, (uint32_t)frame);
	if (ret == 0)
		ret = sc_dtmf_receiver_init(&rx, rate);
	if (ret < 0)
		return ret;
	cm->dtmf_tx = tx;
	cm->dtmf_rx = rx;
	// events at another clock than the new codec's would be misplaced in time (§2.1)
	if (cm->tevent_rate != rate) {
		cm->tevent_pt = -1;
		cm->tevent_rate = 0;
	}
	return 0;
}

int sc_call_media_set_telephone_event(struct sc_call_media *cm, int payload_type,
				      uint32_t clock_rate)
{
	if (!cm || payload_type > 127 || (payload_type >= 0 && clock_rate != cm->clock_rate))
		return -EINVAL;
	if (cm->started)
		return -EBUSY;
	cm->tevent_pt = payload_type < 0 ? -1 : payload_type;
	cm->tevent_rate = payload_type < 0 ? 0 : clock_rate;
	return 0;
}

int sc_call_media_send_dtmf(struct sc_call_media *cm, const char *digits, char *why, size_t why_len)
{
	if (!cm || !why || why_len == 0)
		return -EINVAL;
	int ret = sc_dtmf_check(digits, why, why_len);
	if (ret < 0)
		return ret;
	if (cm->tevent_pt < 0) {
		snprintf(why, why_len, "the far end did not negotiate telephone-event%s: DTMF cannot be "
			 "sent in this call", cm->codec == SC_CODEC_OPUS ? "/48000 beside Opus" : "/8000");
		return -ENOTSUP;
	}
	if (cm->state == SC_CALL_MEDIA_FAILED || cm->state == SC_CALL_MEDIA_ENDED) {
		snprintf(why, why_len, "the call's media has ended");
		return -EPIPE;
	}
	if (cm->state != SC_CALL_MEDIA_SECURE) {
		// Digits waiting for keys could be dialled into a call that never secures.
		snprintf(why, why_len, "the call is not secured yet (ZRTP has not keyed SRTP): DTMF "
			 "is sent only through SRTP");
		return -EAGAIN;
	}
	return sc_dtmf_sender_queue(&cm->dtmf_tx, digits, why, why_len);
}

int call_dtmf_capture(struct sc_call_media *cm, uint32_t ts)
{
	if (cm->tevent_pt < 0)
		return 0;
	uint8_t payload[SC_TEVENT_PAYLOAD_LEN];
	uint32_t event_ts;
	bool marker;
	if (sc_dtmf_sender_tick(&cm->dtmf_tx, ts, payload, &event_ts, &marker) != 1)
		return 0;
	struct call_dgram *d = call_dgram_reserve(cm);
	if (!d)
		return -ENOBUFS; // counted; the end packets are repeated for such losses
	size_t len = 0;
	int ret = sc_media_send_event(cm->media, (uint8_t)cm->tevent_pt, marker, payload,
				      sizeof(payload), event_ts, d->data, sizeof(d->data), &len);
	if (ret < 0)
		return ret == -EAGAIN ? -EAGAIN : ret == -ENOBUFS ? -ENOBUFS : -EIO;
	call_dgram_commit(cm, len);
	return 1;
}

bool call_dtmf_received(struct sc_call_media *cm, const struct sc_media_rx *rx)
{
	if (cm->tevent_pt < 0 || rx->payload_type != (uint8_t)cm->tevent_pt)
		return false;
	char digit;
	if (sc_dtmf_receiver_put(&cm->dtmf_rx, rx->timestamp, rx->payload, rx->payload_len,
				 &digit) == 1) {
		struct sc_call_media_event *ev =
			call_event_push(cm, SC_CALL_MEDIA_EVENT_DTMF, 0, "DTMF %c", digit);
		if (ev)
			ev->digit = digit;
	}
	return true;
}

void call_dtmf_playout(struct sc_call_media *cm, int16_t *pcm, size_t samples)
{
	sc_dtmf_receiver_play(&cm->dtmf_rx, pcm, samples);
}

void call_dtmf_stats(const struct sc_call_media *cm, struct sc_call_media_stats *out)
{
	out->telephone_event_pt = cm->tevent_pt;
	out->dtmf_pending = sc_dtmf_sender_pending(&cm->dtmf_tx);
	out->counters.dtmf_sent = cm->dtmf_tx.digits_sent;
	out->counters.dtmf_tx_packets = cm->dtmf_tx.packets_sent;
	out->counters.dtmf_received = cm->dtmf_rx.digits;
	out->counters.dtmf_rx_packets = cm->dtmf_rx.packets;
	out->counters.dtmf_rx_malformed = cm->dtmf_rx.malformed;
	memcpy(out->dtmf_heard, cm->dtmf_rx.heard, sizeof(out->dtmf_heard));
}
