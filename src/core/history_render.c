// SPDX-License-Identifier: GPL-3.0-or-later
// The call history for people (a table, one call a row) and for scripts (JSON).
#include "core/history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/outbuf.h"

enum column {
	C_START, C_DIR, C_PEER, C_LENGTH, C_SIP, C_ZRTP, C_SECURITY, C_LOSS, C_JITTER, C_RTT, C_JB,
	C_END, C_COUNT,
};

static const char *const headings[C_COUNT] = {
	"START (UTC)", "DIR", "PEER", "LENGTH", "SIP ms", "ZRTP ms", "SECURITY", "LOSS",
	"JITTER ms", "RTT ms", "JB ms", "END",
};

#define CELL_MAX 128
#define END_MAX (SC_HISTORY_REASON_MAX + 64)

struct row {
	char cell[C_END][CELL_MAX];
	char end[END_MAX];
};

const char *sc_history_not_secured_why(const struct sc_history_entry *e)
{
	if (e->secured)
		return "";
	if (e->duration_ms < 0)
		return "not answered";
	if (e->end == SC_HISTORY_END_CACHE_MISMATCH)
		return "ZRTP cache mismatch";
	if (e->end == SC_HISTORY_END_FAILED)
		return "the call failed before keys were agreed";
	return "ended before keys were agreed";
}

// Peer names from a caller's URI and reasons from the file reach a terminal: no control
// characters.
static void safe_copy(char *out, size_t cap, const char *s)
{
	size_t o = 0;
	for (; *s && o + 1 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		out[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	out[o] = '\0';
}

static void length_cell(int64_t ms, char *out, size_t len)
{
	if (ms < 0) {
		snprintf(out, len, "-");
		return;
	}
	int64_t s = ms / 1000;
	if (s >= 3600)
		snprintf(out, len, "%" PRId64 ":%02" PRId64 ":%02" PRId64, s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, len, "%" PRId64 ":%02" PRId64, s / 60, s % 60);
}

static void int_cell(int64_t v, char *out, size_t len)
{
	if (v < 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%" PRId64, v);
}

static void tenths_cell(int64_t v, const char *unit, char *out, size_t len)
{
	if (v < 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%" PRId64 ".%" PRId64 "%s", v / 10, v % 10, unit);
}

static void security_cell(const struct sc_history_entry *e, char *out, size_t len)
{
	if (!e->secured) {
		snprintf(out, len, "not secured (%s)", sc_history_not_secured_why(e));
		return;
	}
	snprintf(out, len, "%s/%s/%s/%s %s %s%s", e->cipher, e->key_agreement, e->hash, e->auth_tag,
		 e->sas_type, e->sas_verified ? "verified" : "not verified",
		 strcmp(e->cache, "mismatch") == 0 ? " cache mismatch" : "");
}

static bool end_has_detail(enum sc_history_end end)
{
	switch (end) {
	case SC_HISTORY_END_LOCAL_HANGUP:
	case SC_HISTORY_END_PEER_HANGUP:
	case SC_HISTORY_END_CANCELLED:
	case SC_HISTORY_END_PEER_CANCELLED:
	case SC_HISTORY_END_DECLINED:
	case SC_HISTORY_END_SHUTDOWN:
		return false;
	default:
		return true;
	}
}

static void end_cell(const struct sc_history_entry *e, char *out, size_t len)
{
	char reason[SC_HISTORY_REASON_MAX], code[16] = "";
	safe_copy(reason, sizeof(reason), e->reason);
	if (e->code)
		snprintf(code, sizeof(code), " %u", e->code);
	bool detail = end_has_detail(e->end) && reason[0];
	snprintf(out, len, "%s%s%s%s", sc_history_end_words(e->end), code, detail ? ": " : "",
		 detail ? reason : "");
}

static void fill_row(const struct sc_history_entry *e, struct row *r)
{
	sc_history_format_time(e->start, r->cell[C_START]);
	snprintf(r->cell[C_DIR], CELL_MAX, "%s", e->outgoing ? "out" : "in");
	safe_copy(r->cell[C_PEER], CELL_MAX, e->peer);
	length_cell(e->duration_ms, r->cell[C_LENGTH], CELL_MAX);
	int_cell(e->sip_ms, r->cell[C_SIP], CELL_MAX);
	int_cell(e->zrtp_ms, r->cell[C_ZRTP], CELL_MAX);
	security_cell(e, r->cell[C_SECURITY], CELL_MAX);
	tenths_cell(e->loss_pct10, "%", r->cell[C_LOSS], CELL_MAX);
	tenths_cell(e->jitter_ms10, "", r->cell[C_JITTER], CELL_MAX);
	tenths_cell(e->rtt_ms10, "", r->cell[C_RTT], CELL_MAX);
	int_cell(e->jb_delay_ms, r->cell[C_JB], CELL_MAX);
	end_cell(e, r->end, sizeof(r->end));
}

int sc_history_render_text(const struct sc_history *h, size_t n, struct sc_outbuf *out)
{
	size_t rows = sc_history_count(h) < n ? sc_history_count(h) : n;
	if (rows == 0) {
		sc_outbuf_puts(out, "no calls yet\n");
		return out->err;
	}
	struct row *r = calloc(rows, sizeof(*r));
	if (!r)
		return -ENOMEM;
	size_t width[C_END];
	for (int c = 0; c < C_END; c++)
		width[c] = strlen(headings[c]);
	for (size_t i = 0; i < rows; i++) {
		fill_row(sc_history_newest(h, i), &r[i]);
		for (int c = 0; c < C_END; c++)
			if (strlen(r[i].cell[c]) > width[c])
				width[c] = strlen(r[i].cell[c]);
	}
	for (int c = 0; c < C_END; c++)
		sc_outbuf_printf(out, "%-*s  ", (int)width[c], headings[c]);
	sc_outbuf_printf(out, "%s\n", headings[C_END]);
	for (size_t i = 0; i < rows; i++) {
		for (int c = 0; c < C_END; c++)
			sc_outbuf_printf(out, "%-*s  ", (int)width[c], r[i].cell[c]);
		sc_outbuf_printf(out, "%s\n", r[i].end);
	}
	free(r);
	return out->err;
}

void sc_history_entry_json(const struct sc_history_entry *e, struct sc_json *j)
{
	char when[21];
	sc_history_format_time(e->start, when);
	sc_json_object_begin(j);
	sc_json_key_string(j, "start", when);
	sc_json_key_string(j, "peer", e->peer);
	sc_json_key_string(j, "direction", e->outgoing ? "out" : "in");
	sc_json_key_int(j, "duration_ms", e->duration_ms);
	sc_json_key_string(j, "codec", e->codec);
	sc_json_key(j, "setup");
	sc_json_object_begin(j);
	sc_json_key_int(j, "sip_ms", e->sip_ms);
	sc_json_key_int(j, "zrtp_ms", e->zrtp_ms);
	sc_json_key_int(j, "total_ms", e->sip_ms >= 0 && e->zrtp_ms >= 0 ? e->sip_ms + e->zrtp_ms : -1);
	sc_json_object_end(j);
	sc_json_key(j, "security");
	sc_json_object_begin(j);
	sc_json_key(j, "secured");
	sc_json_bool(j, e->secured);
	sc_json_key_string(j, "cipher", e->cipher);
	sc_json_key_string(j, "key_agreement", e->key_agreement);
	sc_json_key_string(j, "hash", e->hash);
	sc_json_key_string(j, "auth_tag", e->auth_tag);
	sc_json_key_string(j, "sas_type", e->sas_type);
	sc_json_key(j, "sas_verified");
	sc_json_bool(j, e->sas_verified);
	sc_json_key_string(j, "cache", e->cache);
	sc_json_key_string(j, "not_secured_reason", sc_history_not_secured_why(e));
	sc_json_object_end(j);
	sc_json_key(j, "quality");
	sc_json_object_begin(j);
	sc_json_key_tenths(j, "loss_pct", e->loss_pct10);
	sc_json_key_tenths(j, "jitter_ms", e->jitter_ms10);
	sc_json_key_tenths(j, "rtt_ms", e->rtt_ms10);
	sc_json_key_int(j, "jitter_buffer_ms", e->jb_delay_ms);
	sc_json_key_int(j, "lost", e->lost);
	sc_json_key_int(j, "late", e->late);
	sc_json_object_end(j);
	sc_json_key(j, "end");
	sc_json_object_begin(j);
	sc_json_key_string(j, "kind", sc_history_end_name(e->end));
	sc_json_key_int(j, "code", e->code);
	sc_json_key_string(j, "reason", e->reason);
	sc_json_object_end(j);
	sc_json_object_end(j);
}

int sc_history_render_json(const struct sc_history *h, size_t n, struct sc_outbuf *out)
{
	struct sc_json j;
	sc_json_init(&j, out);
	sc_json_object_begin(&j);
	sc_json_key(&j, "calls");
	sc_json_array_begin(&j);
	for (size_t i = 0; i < n && i < sc_history_count(h); i++)
		sc_history_entry_json(sc_history_newest(h, i), &j);
	sc_json_array_end(&j);
	sc_json_object_end(&j);
	int r = sc_json_finish(&j);
	if (r == 0)
		r = sc_outbuf_append(out, "\n", 1);
	return r;
}

void sc_history_summary(const struct sc_history_entry *e, char *out, size_t len)
{
	struct row r;
	fill_row(e, &r);
	char quality[4 * CELL_MAX + 64] = "no media";
	if (e->loss_pct10 >= 0 || e->jitter_ms10 >= 0 || e->rtt_ms10 >= 0)
		snprintf(quality, sizeof(quality), "loss %s jitter %s ms rtt %s ms jitter-buffer %s ms",
			 r.cell[C_LOSS], r.cell[C_JITTER], r.cell[C_RTT], r.cell[C_JB]);
	snprintf(out, len, "%s %s %s length %s, %s, %s, set-up sip %s ms zrtp %s ms, %s",
		 r.cell[C_START], e->outgoing ? "to" : "from", r.cell[C_PEER], r.cell[C_LENGTH],
		 r.cell[C_SECURITY], quality, r.cell[C_SIP], r.cell[C_ZRTP], r.end);
}
