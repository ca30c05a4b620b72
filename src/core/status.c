// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/status.h"

#include <inttypes.h>

#include "core/history.h"
#include "core/json.h"

// Peer names, endpoints and reasons come from the policy and from WireGuard, not from the
// client; still, a control character in them must not reach the operator's terminal.
static void put_safe(struct sc_outbuf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			sc_outbuf_append(out, "?", 1);
		else
			sc_outbuf_append(out, s, 1);
	}
}

static void put_tenths(struct sc_outbuf *out, int64_t v)
{
	if (v < 0)
		sc_outbuf_puts(out, "-");
	else
		sc_outbuf_printf(out, "%" PRId64 ".%" PRId64, v / 10, v % 10);
}

// quality: loss 0.0% jitter 1.2 ms rtt 2.3 ms jitter-buffer 40 ms (target 40 ms) late 0 lost 0
// concealed 0 gaps 1 (longest 620 ms) codec OPUS
static void render_quality_text(const struct sc_call_status *c, struct sc_outbuf *out)
{
	sc_outbuf_puts(out, "quality: loss ");
	put_tenths(out, c->loss_pct10);
	sc_outbuf_puts(out, "% jitter ");
	put_tenths(out, c->jitter_ms10);
	sc_outbuf_puts(out, " ms rtt ");
	put_tenths(out, c->rtt_ms10);
	sc_outbuf_printf(out, " ms jitter-buffer %" PRId64 " ms (target %" PRId64 " ms) late %" PRIu64
			 " lost %" PRIu64 " concealed %" PRIu64, c->jb_delay_ms, c->jb_target_ms,
			 c->late, c->lost, c->concealed);
	sc_outbuf_printf(out, " gaps %" PRIu64, c->gaps);
	if (c->gaps)
		sc_outbuf_printf(out, " (longest %" PRIu32 " ms)", c->longest_gap_ms);
	if (*c->codec) {
		sc_outbuf_puts(out, " codec ");
		put_safe(out, c->codec);
	}
	sc_outbuf_puts(out, "\n");
}

// dtmf: received 6 (last 159#*0) sent 2
static void render_dtmf_text(const struct sc_call_status *c, struct sc_outbuf *out)
{
	sc_outbuf_printf(out, "dtmf: received %" PRIu64, c->dtmf_received);
	if (c->dtmf_heard && *c->dtmf_heard) {
		sc_outbuf_puts(out, " (last ");
		put_safe(out, c->dtmf_heard);
		sc_outbuf_puts(out, ")");
	}
	sc_outbuf_printf(out, " sent %" PRIu64, c->dtmf_sent);
	if (!c->dtmf_negotiated)
		sc_outbuf_puts(out, " (the far end did not negotiate telephone-event: cannot send)");
	sc_outbuf_puts(out, "\n");
}

// sip: / registration: / call: / last call: lines, each only when it has something to say.
static void render_call_text(const struct sc_call_status *c, struct sc_outbuf *out)
{
	sc_outbuf_puts(out, "sip: ");
	put_safe(out, c->sip);
	sc_outbuf_puts(out, "\n");
	if (*c->registration) {
		sc_outbuf_puts(out, "registration: ");
		put_safe(out, c->registration);
		sc_outbuf_puts(out, "\n");
	}
	sc_outbuf_puts(out, "call: ");
	put_safe(out, c->state);
	if (*c->peer) {
		sc_outbuf_puts(out, " with ");
		put_safe(out, c->peer);
		sc_outbuf_puts(out, " (");
		put_safe(out, c->direction);
		sc_outbuf_puts(out, ")");
	}
	if (c->duration_s >= 0)
		sc_outbuf_printf(out, " for %" PRId64 "s", c->duration_s);
	if (*c->tls_version) {
		sc_outbuf_puts(out, " tls ");
		put_safe(out, c->tls_version);
		sc_outbuf_puts(out, " ");
		put_safe(out, c->tls_cipher);
	}
	if (*c->codec) {
		sc_outbuf_puts(out, " codec ");
		put_safe(out, c->codec);
	}
	sc_outbuf_puts(out, "\n");
	if (c->media && *c->media) {
		sc_outbuf_puts(out, "media: ");
		put_safe(out, c->media);
		if (c->secure) {
			sc_outbuf_puts(out, " cipher ");
			put_safe(out, c->cipher);
			sc_outbuf_puts(out, " key-agreement ");
			put_safe(out, c->key_agreement);
			sc_outbuf_puts(out, " hash ");
			put_safe(out, c->hash);
			sc_outbuf_puts(out, " auth ");
			put_safe(out, c->auth_tag);
		}
		sc_outbuf_puts(out, "\n");
	}
	if (c->secure) {
		sc_outbuf_puts(out, "sas: ");
		put_safe(out, c->sas);
		sc_outbuf_puts(out, " (");
		put_safe(out, c->sas_type);
		sc_outbuf_printf(out, ") %s cache ", c->verified ? "verified" : "not verified");
		put_safe(out, c->cache);
		sc_outbuf_puts(out, "\n");
	}
	if (c->headset && *c->headset) {
		sc_outbuf_puts(out, "headset: ");
		put_safe(out, c->headset);
		if (c->volume >= 0)
			sc_outbuf_printf(out, " volume %d", c->volume);
		if (c->muted)
			sc_outbuf_puts(out, " muted");
		sc_outbuf_puts(out, "\n");
	}
	if (c->have_quality)
		render_quality_text(c, out);
	if (c->have_dtmf)
		render_dtmf_text(c, out);
	if (*c->last_end) {
		sc_outbuf_puts(out, "last call: ");
		put_safe(out, c->last_end);
		sc_outbuf_puts(out, "\n");
	}
	if (c->last_call) {
		char summary[SC_HISTORY_REASON_MAX + 512];
		sc_history_summary(c->last_call, summary, sizeof(summary));
		sc_outbuf_puts(out, "last call summary: ");
		put_safe(out, summary);
		sc_outbuf_puts(out, "\n");
	}
}

int sc_status_render_text(const struct sc_status *st, struct sc_outbuf *out)
{
	sc_outbuf_puts(out, "site: ");
	put_safe(out, st->site);
	sc_outbuf_puts(out, "\nstate: ");
	put_safe(out, st->state);
	if (st->state_reason && *st->state_reason) {
		sc_outbuf_puts(out, "\nreason: ");
		put_safe(out, st->state_reason);
	}
	sc_outbuf_puts(out, "\ntunnel: ");
	put_safe(out, st->interface);
	sc_outbuf_puts(out, " (");
	put_safe(out, st->backend);
	sc_outbuf_puts(out, ") ");
	put_safe(out, st->address);
	sc_outbuf_puts(out, "\n");
	for (size_t i = 0; i < st->n_peers; i++) {
		const struct sc_vpn_peer_status *p = &st->peers[i];
		sc_outbuf_puts(out, "peer ");
		put_safe(out, p->name);
		sc_outbuf_puts(out, p->up ? ": up endpoint " : ": stale endpoint ");
		put_safe(out, p->endpoint[0] ? p->endpoint : "none");
		if (p->last_handshake_age_s >= 0)
			sc_outbuf_printf(out, " handshake %" PRId64 "s ago", p->last_handshake_age_s);
		else
			sc_outbuf_puts(out, " handshake never");
		sc_outbuf_printf(out, " rx %" PRIu64 " tx %" PRIu64, p->rx_bytes, p->tx_bytes);
		if (!p->up && p->reason[0]) {
			sc_outbuf_puts(out, " (");
			put_safe(out, p->reason);
			sc_outbuf_puts(out, ")");
		}
		sc_outbuf_puts(out, "\n");
	}
	if (st->call)
		render_call_text(st->call, out);
	return out->err;
}

static void render_quality_json(const struct sc_call_status *c, struct sc_json *j)
{
	sc_json_object_begin(j);
	sc_json_key_string(j, "codec", c->codec);
	sc_json_key_tenths(j, "loss_pct", c->loss_pct10);
	sc_json_key_tenths(j, "jitter_ms", c->jitter_ms10);
	sc_json_key_tenths(j, "rtt_ms", c->rtt_ms10);
	sc_json_key(j, "jitter_buffer_ms");
	sc_json_int(j, c->jb_delay_ms);
	sc_json_key(j, "jitter_buffer_target_ms");
	sc_json_int(j, c->jb_target_ms);
	sc_json_key(j, "late");
	sc_json_uint(j, c->late);
	sc_json_key(j, "lost");
	sc_json_uint(j, c->lost);
	sc_json_key(j, "concealed");
	sc_json_uint(j, c->concealed);
	sc_json_key(j, "gaps");
	sc_json_uint(j, c->gaps);
	sc_json_key(j, "longest_gap_ms");
	sc_json_uint(j, c->longest_gap_ms);
	sc_json_object_end(j);
}

static void render_call_json(const struct sc_call_status *c, struct sc_json *j)
{
	sc_json_key(j, "sip");
	sc_json_object_begin(j);
	sc_json_key_string(j, "status", c->sip);
	sc_json_key_string(j, "registration", c->registration);
	sc_json_object_end(j);
	sc_json_key(j, "call");
	sc_json_object_begin(j);
	sc_json_key_string(j, "state", c->state);
	sc_json_key_string(j, "peer", c->peer);
	sc_json_key_string(j, "direction", c->direction);
	sc_json_key(j, "duration_s");
	sc_json_int(j, c->duration_s);
	sc_json_key_string(j, "tls_version", c->tls_version);
	sc_json_key_string(j, "tls_cipher", c->tls_cipher);
	sc_json_key_string(j, "codec", c->codec);
	sc_json_key_string(j, "last_end", c->last_end);
	sc_json_key(j, "quality");
	if (c->have_quality)
		render_quality_json(c, j);
	else
		sc_json_null(j);
	sc_json_key(j, "last_call");
	if (c->last_call)
		sc_history_entry_json(c->last_call, j);
	else
		sc_json_null(j);
	sc_json_key(j, "security");
	if (!c->media || !*c->media) {
		sc_json_null(j);
	} else {
		sc_json_object_begin(j);
		sc_json_key_string(j, "media", c->media);
		sc_json_key(j, "secure");
		sc_json_bool(j, c->secure);
		sc_json_key_string(j, "cipher", c->cipher);
		sc_json_key_string(j, "key_agreement", c->key_agreement);
		sc_json_key_string(j, "hash", c->hash);
		sc_json_key_string(j, "auth_tag", c->auth_tag);
		sc_json_key_string(j, "sas_type", c->sas_type);
		sc_json_key_string(j, "sas", c->sas);
		sc_json_key(j, "verified");
		sc_json_bool(j, c->verified);
		sc_json_key_string(j, "cache", c->cache);
		sc_json_object_end(j);
	}
	// only while the call's media runs, like the headset below
	if (c->have_dtmf) {
		sc_json_key(j, "dtmf");
		sc_json_object_begin(j);
		sc_json_key(j, "telephone_event");
		sc_json_bool(j, c->dtmf_negotiated);
		sc_json_key(j, "sent");
		sc_json_uint(j, c->dtmf_sent);
		sc_json_key(j, "received");
		sc_json_uint(j, c->dtmf_received);
		sc_json_key_string(j, "last_received", c->dtmf_heard ? c->dtmf_heard : "");
		sc_json_object_end(j);
	}
	sc_json_object_end(j);
	if (c->headset && *c->headset) {
		sc_json_key(j, "headset");
		sc_json_object_begin(j);
		sc_json_key_string(j, "device", c->headset);
		sc_json_key(j, "volume");
		sc_json_int(j, c->volume);
		sc_json_key(j, "muted");
		sc_json_bool(j, c->muted);
		sc_json_object_end(j);
	}
}

int sc_status_render_json(const struct sc_status *st, struct sc_outbuf *out)
{
	struct sc_json j;
	sc_json_init(&j, out);
	sc_json_object_begin(&j);
	sc_json_key(&j, "site");
	sc_json_string(&j, st->site);
	sc_json_key(&j, "state");
	sc_json_string(&j, st->state);
	sc_json_key(&j, "tunnel");
	sc_json_object_begin(&j);
	sc_json_key(&j, "interface");
	sc_json_string(&j, st->interface);
	sc_json_key(&j, "backend");
	sc_json_string(&j, st->backend);
	sc_json_key(&j, "address");
	sc_json_string(&j, st->address);
	sc_json_object_end(&j);
	sc_json_key(&j, "peers");
	sc_json_array_begin(&j);
	for (size_t i = 0; i < st->n_peers; i++) {
		const struct sc_vpn_peer_status *p = &st->peers[i];
		sc_json_object_begin(&j);
		sc_json_key(&j, "name");
		sc_json_string(&j, p->name);
		sc_json_key(&j, "endpoint");
		sc_json_string(&j, p->endpoint);
		sc_json_key(&j, "last_handshake_age_s");
		sc_json_int(&j, p->last_handshake_age_s >= 0 ? p->last_handshake_age_s : -1);
		sc_json_key(&j, "rx_bytes");
		sc_json_uint(&j, p->rx_bytes);
		sc_json_key(&j, "tx_bytes");
		sc_json_uint(&j, p->tx_bytes);
		sc_json_key(&j, "status");
		sc_json_string(&j, p->up ? "up" : "stale");
		sc_json_key(&j, "reason");
		sc_json_string(&j, p->up ? "" : p->reason);
		sc_json_object_end(&j);
	}
	sc_json_array_end(&j);
	if (st->call)
		render_call_json(st->call, &j);
	sc_json_object_end(&j);
	int r = sc_json_finish(&j);
	if (r == 0)
		r = sc_outbuf_append(out, "\n", 1);
	return r;
}
