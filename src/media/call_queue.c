// SPDX-License-Identifier: GPL-3.0-or-later
// The call's two outputs: datagrams to send and events for the core, both fixed rings so
// that a call never allocates after it is created.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/secret.h"
#include "media/call_internal.h"

// A slot to build the next datagram in, or NULL when the queue is full. Nothing is queued
// until call_dgram_commit, so a failed build leaves no datagram behind.
struct call_dgram *call_dgram_reserve(struct sc_call_media *cm)
{
	if (cm->dg_count == CALL_DGRAM_QUEUE) {
		cm->c.tx_queue_full++;
		return NULL;
	}
	return &cm->dgrams[(cm->dg_head + cm->dg_count) % CALL_DGRAM_QUEUE];
}

void call_dgram_commit(struct sc_call_media *cm, size_t len)
{
	struct call_dgram *d = &cm->dgrams[(cm->dg_head + cm->dg_count) % CALL_DGRAM_QUEUE];
	d->len = len;
	cm->dg_count++;
	cm->c.tx_datagrams++;
	cm->c.tx_bytes += len;
}

int sc_call_media_pop_datagram(struct sc_call_media *cm, uint8_t *buf, size_t cap, size_t *len)
{
	if (len)
		*len = 0;
	if (!cm || !buf || !len)
		return -EINVAL;
	if (cm->dg_count == 0)
		return -EAGAIN;
	struct call_dgram *d = &cm->dgrams[cm->dg_head];
	if (d->len > cap)
		return -ENOBUFS;
	memcpy(buf, d->data, d->len);
	*len = d->len;
	cm->dg_head = (cm->dg_head + 1) % CALL_DGRAM_QUEUE;
	cm->dg_count--;
	return 0;
}

struct sc_call_media_event *call_event_push(struct sc_call_media *cm,
					    enum sc_call_media_event_type type, uint32_t zrtp_error,
					    const char *fmt, ...)
{
	if (cm->ev_count == CALL_EVENT_QUEUE) {
		cm->c.events_lost++;
		return NULL;
	}
	struct sc_call_media_event *ev = &cm->events[(cm->ev_head + cm->ev_count) % CALL_EVENT_QUEUE];
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->zrtp_error = zrtp_error;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev->reason, sizeof(ev->reason), fmt, ap);
	va_end(ap);
	cm->ev_count++;
	return ev;
}

bool sc_call_media_pop_event(struct sc_call_media *cm, struct sc_call_media_event *event)
{
	if (!cm || !event || cm->ev_count == 0)
		return false;
	*event = cm->events[cm->ev_head];
	cm->ev_head = (cm->ev_head + 1) % CALL_EVENT_QUEUE;
	cm->ev_count--;
	return true;
}

void call_queues_wipe(struct sc_call_media *cm)
{
	sc_wipe(cm->dgrams, sizeof(cm->dgrams));
	sc_wipe(cm->events, sizeof(cm->events));
	cm->dg_head = cm->dg_count = 0;
	cm->ev_head = cm->ev_count = 0;
}
