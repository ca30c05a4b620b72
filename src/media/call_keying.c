// SPDX-License-Identifier: GPL-3.0-or-later
// From ZRTP to SRTP: the engine's packets go to the datagram queue, its events become the
// call's, and its keys enter the SRTP session only once the peer's a=zrtp-hash is known and
// matched, so that no audio ever reaches a relay the signaling did not name.
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/secret.h"
#include "media/call_internal.h"

// The engine's wording for a Hello that contradicts the signaled hash (docs/zrtp.md); the
// relay test in test_call_media.c fails if it ever changes.
#define MITM_ALARM_PREFIX "possible man in the middle"

uint64_t call_ntp(uint64_t now_ms)
{
	return sc_ntp_from_ns(now_ms * 1000000u);
}

void call_fail(struct sc_call_media *cm, uint32_t zrtp_error, const char *reason)
{
	if (cm->state == SC_CALL_MEDIA_FAILED || cm->state == SC_CALL_MEDIA_ENDED)
		return;
	cm->state = SC_CALL_MEDIA_FAILED;
	if (cm->have_pending_keys) {
		sc_zrtp_event_wipe(&cm->pending);
		cm->have_pending_keys = false;
	}
	call_event_push(cm, SC_CALL_MEDIA_EVENT_FAILED, zrtp_error, "%s", reason);
}

void call_send_rtcp(struct sc_call_media *cm, uint64_t now_ms, const char *bye_reason)
{
	struct call_dgram *d = call_dgram_reserve(cm);
	if (!d)
		return;
	uint32_t media_ts = cm->media_ts;
	if (cm->have_capture && now_ms > cm->last_capture_ms)
		media_ts = cm->media_ts +
			   (uint32_t)((now_ms - cm->last_capture_ms) * (cm->clock_rate / 1000u));
	size_t len;
	if (sc_media_send_rtcp(cm->media, call_ntp(now_ms), media_ts, bye_reason, d->data,
			       sizeof(d->data), &len) == 0)
		call_dgram_commit(cm, len);
}

static void schedule_rtcp(struct sc_call_media *cm, uint64_t now_ms)
{
	uint32_t ms = 5000;
	// An RNG failure only costs the randomisation; RFC 3550's 5 s minimum still holds.
	sc_media_rtcp_interval_ms(cm->media, !cm->sent_first_rtcp, &ms);
	cm->next_rtcp_ms = now_ms + ms;
}

void call_try_key(struct sc_call_media *cm, uint64_t now_ms)
{
	if (!cm->have_pending_keys || !cm->peer_hash_set || cm->mitm ||
	    cm->state != SC_CALL_MEDIA_KEYING)
		return;
	const struct sc_zrtp_secure_info *info = &cm->pending.secure;
	struct sc_media_zrtp_key tx = { info->tx.key, info->tx.key_len, info->tx.salt,
					info->tx.salt_len };
	struct sc_media_zrtp_key rx = { info->rx.key, info->rx.key_len, info->rx.salt,
					info->rx.salt_len };
	struct sc_srtp_keys keys;
	int ret = sc_media_keys_from_zrtp(info->cipher, info->auth_tag, &tx, &rx, &keys);
	if (ret == 0)
		ret = sc_media_set_keys(cm->media, &keys);
	sc_wipe(&keys, sizeof(keys));

	struct sc_call_media_security *sec = &cm->security;
	memset(sec, 0, sizeof(*sec));
	sec->initiator = info->initiator;
	sec->key_agreement = info->key_agreement;
	sec->hash = info->hash;
	sec->cipher = info->cipher;
	sec->auth_tag = info->auth_tag;
	sec->sas_type = info->sas_type;
	memcpy(sec->sas, info->sas, sizeof(sec->sas));
	sec->verified = info->verified;
	sec->cache = info->cache;
	memcpy(sec->peer_zid, info->peer_zid, sizeof(sec->peer_zid));
	char zrtp_reason[sizeof(cm->pending.reason)];
	memcpy(zrtp_reason, cm->pending.reason, sizeof(zrtp_reason));
	sc_zrtp_event_wipe(&cm->pending);
	cm->have_pending_keys = false;

	if (ret < 0) {
		call_fail(cm, 0, "ZRTP agreed keys that SRTP could not take (libsrtp refused the "
			  "suite or is not initialised: the daemon must call sc_srtp_global_init at "
			  "start); the call stays unencrypted, so no audio is sent");
		return;
	}
	struct sc_media_stats ms;
	sc_media_get_stats(cm->media, &ms);
	sec->srtp_suite = ms.suite;
	cm->secure = true;
	cm->state = SC_CALL_MEDIA_SECURE;
	struct sc_call_media_event *ev =
		call_event_push(cm, SC_CALL_MEDIA_EVENT_SECURE, 0, "%s; SRTP %s", zrtp_reason,
				sec->srtp_suite);
	if (ev)
		ev->security = *sec;
	schedule_rtcp(cm, now_ms);
	call_audio_keyed(cm, now_ms);
}

static void on_zrtp_event(struct sc_call_media *cm, struct sc_zrtp_event *ev)
{
	switch (ev->type) {
	case SC_ZRTP_EVENT_SECURE:
		if (cm->state != SC_CALL_MEDIA_KEYING || cm->have_pending_keys)
			break; // the engine reports secure once; anything else is not ours to key
		cm->pending = *ev;
		cm->have_pending_keys = true;
		break;
	case SC_ZRTP_EVENT_CACHE_MISMATCH:
		call_event_push(cm, SC_CALL_MEDIA_EVENT_CACHE_MISMATCH, ev->error_code, "%s",
				ev->reason);
		break;
	case SC_ZRTP_EVENT_ALARM: {
		bool mitm = strncmp(ev->reason, MITM_ALARM_PREFIX, strlen(MITM_ALARM_PREFIX)) == 0;
		struct sc_call_media_event *out =
			call_event_push(cm, SC_CALL_MEDIA_EVENT_ALARM, ev->error_code, "%s", ev->reason);
		if (out)
			out->mitm = mitm;
		if (mitm && !cm->mitm) {
			cm->mitm = true;
			// Keys shared with a relay protect nothing: never use them, and stop
			// now rather than after Hello's retries run out.
			char reason[300];
			snprintf(reason, sizeof(reason),
				 "possible man in the middle: the ZRTP Hello on the media path is not "
				 "the one %s signaled in its a=zrtp-hash, so something between the "
				 "sites relays the media; no audio was sent. Check the media route to "
				 "%s before calling again",
				 cm->peer_name, cm->peer_name);
			call_fail(cm, 0, reason);
		}
		break;
	}
	case SC_ZRTP_EVENT_FAILED:
		call_fail(cm, ev->error_code, ev->reason);
		break;
	}
	sc_zrtp_event_wipe(ev);
}

void call_zrtp_pump(struct sc_call_media *cm, uint64_t now_ms)
{
	// When our queue is full the engine keeps the rest in its own (and counts what it loses).
	while (cm->dg_count < CALL_DGRAM_QUEUE) {
		struct call_dgram *d = call_dgram_reserve(cm);
		size_t len;
		if (sc_zrtp_pop_packet(cm->zrtp, d->data, sizeof(d->data), &len) != 0)
			break;
		call_dgram_commit(cm, len);
	}
	struct sc_zrtp_event ev;
	while (sc_zrtp_pop_event(cm->zrtp, &ev))
		on_zrtp_event(cm, &ev);
	call_try_key(cm, now_ms);
}
