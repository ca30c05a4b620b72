// SPDX-License-Identifier: GPL-3.0-or-later
// One history record as one line of text, and back. The line is "v1" and then every field as
// key=value, always all of them and always in the same order, separated by single spaces;
// strings are percent-encoded so that a line never holds a space, a control character or a
// byte above 0x7e. The parser accepts exactly what the writer produces and nothing else, so
// a damaged or hand-edited line is noticed rather than half-read.
#include "core/history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DAY_MS 86400000LL
#define TENTHS_MAX 6000000 // 600000.0 ms: ten minutes of jitter or round trip is nonsense
#define COUNT_MAX (1LL << 40)
#define DURATION_MAX (1LL << 40) // ms: about 35 years

static const char *const end_names[SC_HISTORY_END_COUNT] = {
	[SC_HISTORY_END_LOCAL_HANGUP] = "local-hangup",
	[SC_HISTORY_END_PEER_HANGUP] = "peer-hangup",
	[SC_HISTORY_END_CANCELLED] = "cancelled",
	[SC_HISTORY_END_PEER_CANCELLED] = "peer-cancelled",
	[SC_HISTORY_END_DECLINED] = "declined",
	[SC_HISTORY_END_UNANSWERED] = "unanswered",
	[SC_HISTORY_END_REFUSED] = "refused",
	[SC_HISTORY_END_FAILED] = "failed",
	[SC_HISTORY_END_CACHE_MISMATCH] = "cache-mismatch",
	[SC_HISTORY_END_SAS_NOT_VERIFIED] = "sas-not-verified",
	[SC_HISTORY_END_UNPLUGGED] = "headset-unplugged",
	[SC_HISTORY_END_SHUTDOWN] = "shutdown",
};

static const char *const end_words[SC_HISTORY_END_COUNT] = {
	[SC_HISTORY_END_LOCAL_HANGUP] = "local hang-up",
	[SC_HISTORY_END_PEER_HANGUP] = "peer hang-up",
	[SC_HISTORY_END_CANCELLED] = "cancelled",
	[SC_HISTORY_END_PEER_CANCELLED] = "cancelled by the caller",
	[SC_HISTORY_END_DECLINED] = "declined",
	[SC_HISTORY_END_UNANSWERED] = "not answered",
	[SC_HISTORY_END_REFUSED] = "refused",
	[SC_HISTORY_END_FAILED] = "failed",
	[SC_HISTORY_END_CACHE_MISMATCH] = "ZRTP cache mismatch",
	[SC_HISTORY_END_SAS_NOT_VERIFIED] = "SAS not verified in time",
	[SC_HISTORY_END_UNPLUGGED] = "headset unplugged",
	[SC_HISTORY_END_SHUTDOWN] = "sealcalld stopped",
};

const char *sc_history_end_name(enum sc_history_end end)
{
	return (unsigned)end < SC_HISTORY_END_COUNT ? end_names[end] : "unknown";
}

const char *sc_history_end_words(enum sc_history_end end)
{
	return (unsigned)end < SC_HISTORY_END_COUNT ? end_words[end] : "unknown";
}

void sc_history_entry_init(struct sc_history_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->duration_ms = e->sip_ms = e->zrtp_ms = -1;
	e->loss_pct10 = e->jitter_ms10 = e->rtt_ms10 = e->jb_delay_ms = -1;
	e->lost = e->late = -1;
	e->end = SC_HISTORY_END_FAILED;
}

void sc_history_format_time(int64_t t, char out[21])
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t < 0 || !gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999 ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		snprintf(out, 21, "1970-01-01T00:00:00Z");
}

// ---- what a valid entry is (the writer and the parser share it) ----

static bool token_ok(const char *s)
{
	size_t n = strlen(s);
	if (n >= SC_HISTORY_TOKEN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return false;
	}
	return true;
}

static bool in_range(int64_t v, int64_t max)
{
	return v == -1 || (v >= 0 && v <= max);
}

static int invalid(char *why, size_t len, const char *what)
{
	if (why && len)
		snprintf(why, len, "%s", what);
	return -EINVAL;
}

static int entry_check(const struct sc_history_entry *e, char *why, size_t len)
{
	if (e->start < 0 || e->start > 253402300799LL) // 9999-12-31T23:59:59Z
		return invalid(why, len, "start outside 1970..9999");
	if (!e->peer[0] || strnlen(e->peer, sizeof(e->peer)) >= sizeof(e->peer))
		return invalid(why, len, "peer empty or too long");
	if (!in_range(e->duration_ms, DURATION_MAX))
		return invalid(why, len, "duration_ms out of range");
	if (!in_range(e->sip_ms, DAY_MS) || !in_range(e->zrtp_ms, DAY_MS))
		return invalid(why, len, "set-up time out of range");
	if ((unsigned)e->end >= SC_HISTORY_END_COUNT)
		return invalid(why, len, "unknown end");
	if (e->code != 0 && (e->code < 100 || e->code > 699))
		return invalid(why, len, "code is not a SIP status");
	if (strnlen(e->reason, sizeof(e->reason)) >= sizeof(e->reason))
		return invalid(why, len, "reason too long");
	if (!token_ok(e->codec) || !token_ok(e->cipher) || !token_ok(e->key_agreement) ||
	    !token_ok(e->hash) || !token_ok(e->auth_tag) || !token_ok(e->sas_type) || !token_ok(e->cache))
		return invalid(why, len, "a name holds characters other than letters, digits and '-'");
	if (e->secured) {
		if (!e->cipher[0] || !e->key_agreement[0] || !e->hash[0] || !e->auth_tag[0] ||
		    !e->sas_type[0])
			return invalid(why, len, "a secured call without its algorithms");
		if (strcmp(e->cache, "new") != 0 && strcmp(e->cache, "match") != 0 &&
		    strcmp(e->cache, "mismatch") != 0)
			return invalid(why, len, "cache is not new, match or mismatch");
	} else if (e->cipher[0] || e->key_agreement[0] || e->hash[0] || e->auth_tag[0] ||
		   e->sas_type[0] || e->cache[0] || e->sas_verified || e->zrtp_ms != -1) {
		return invalid(why, len, "a call that was not secured with security details");
	}
	if (!in_range(e->loss_pct10, 1000))
		return invalid(why, len, "loss_pct outside 0..100");
	if (!in_range(e->jitter_ms10, TENTHS_MAX) || !in_range(e->rtt_ms10, TENTHS_MAX))
		return invalid(why, len, "jitter or round trip out of range");
	if (!in_range(e->jb_delay_ms, 60000))
		return invalid(why, len, "jb_ms out of range");
	if (!in_range(e->lost, COUNT_MAX) || !in_range(e->late, COUNT_MAX))
		return invalid(why, len, "lost or late out of range");
	return 0;
}

// ---- writing ----

struct writer {
	char *out;
	size_t len, used;
	bool full;
};

static void put(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct writer *w, const char *fmt, ...)
{
	if (w->full)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(w->out + w->used, w->len - w->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->len - w->used)
		w->full = true;
	else
		w->used += (size_t)n;
}

static void put_encoded(struct writer *w, const char *key, const char *s)
{
	put(w, " %s=", key);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x21 || c > 0x7e || c == '%')
			put(w, "%%%02X", c);
		else
			put(w, "%c", c);
	}
}

static void put_tenths(struct writer *w, const char *key, int64_t v)
{
	if (v < 0)
		put(w, " %s=-1", key);
	else
		put(w, " %s=%" PRId64 ".%" PRId64, key, v / 10, v % 10);
}

int sc_history_format_line(const struct sc_history_entry *e, char *out, size_t len)
{
	char when[21];
	if (entry_check(e, NULL, 0) < 0)
		return -EINVAL;
	struct writer w = { .out = out, .len = len };
	if (!len)
		return -ENOBUFS;
	sc_history_format_time(e->start, when);
	put(&w, "v1 start=%s dir=%s", when, e->outgoing ? "out" : "in");
	put_encoded(&w, "peer", e->peer);
	put(&w, " duration_ms=%" PRId64 " sip_ms=%" PRId64 " zrtp_ms=%" PRId64, e->duration_ms,
	    e->sip_ms, e->zrtp_ms);
	put(&w, " codec=%s end=%s code=%u secured=%s", e->codec, sc_history_end_name(e->end), e->code,
	    e->secured ? "yes" : "no");
	put(&w, " cipher=%s ka=%s hash=%s auth=%s sas_type=%s sas_verified=%s cache=%s", e->cipher,
	    e->key_agreement, e->hash, e->auth_tag, e->sas_type, e->sas_verified ? "yes" : "no",
	    e->cache);
	put_tenths(&w, "loss_pct", e->loss_pct10);
	put_tenths(&w, "jitter_ms", e->jitter_ms10);
	put_tenths(&w, "rtt_ms", e->rtt_ms10);
	put(&w, " jb_ms=%" PRId32 " lost=%" PRId64 " late=%" PRId64, e->jb_delay_ms, e->lost, e->late);
	put_encoded(&w, "reason", e->reason);
	put(&w, "\n");
	if (w.full || w.used >= SC_HISTORY_LINE_MAX) {
		out[0] = '\0';
		return -ENOBUFS;
	}
	return 0;
}

// ---- parsing ----

enum field {
	F_START, F_DIR, F_PEER, F_DURATION, F_SIP, F_ZRTP, F_CODEC, F_END, F_CODE, F_SECURED,
	F_CIPHER, F_KA, F_HASH, F_AUTH, F_SAS_TYPE, F_VERIFIED, F_CACHE, F_LOSS, F_JITTER, F_RTT,
	F_JB, F_LOST, F_LATE, F_REASON, F_COUNT,
};

static const char *const keys[F_COUNT] = {
	"start", "dir", "peer", "duration_ms", "sip_ms", "zrtp_ms", "codec", "end", "code",
	"secured", "cipher", "ka", "hash", "auth", "sas_type", "sas_verified", "cache",
	"loss_pct", "jitter_ms", "rtt_ms", "jb_ms", "lost", "late", "reason",
};

struct span {
	const char *p;
	size_t n;
};

static bool span_is(struct span s, const char *word)
{
	return s.n == strlen(word) && memcmp(s.p, word, s.n) == 0;
}

static bool digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return n > 0;
}

// "-1", "0" or a number without a leading zero, at most 18 digits.
static bool parse_int(struct span s, int64_t *out)
{
	if (span_is(s, "-1")) {
		*out = -1;
		return true;
	}
	if (!digits(s.p, s.n) || s.n > 18 || (s.n > 1 && s.p[0] == '0'))
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < s.n; i++)
		v = v * 10 + (s.p[i] - '0');
	*out = v;
	return true;
}

// "-1", or an integer part as above, a point and exactly one decimal: in tenths.
static bool parse_tenths(struct span s, int64_t *out)
{
	if (span_is(s, "-1")) {
		*out = -1;
		return true;
	}
	if (s.n < 3 || s.p[s.n - 2] != '.' || !digits(s.p + s.n - 1, 1))
		return false;
	int64_t whole;
	struct span w = { s.p, s.n - 2 };
	if (!parse_int(w, &whole) || whole < 0 || s.n > 12)
		return false;
	*out = whole * 10 + (s.p[s.n - 1] - '0');
	return true;
}

static bool parse_bool(struct span s, bool *out)
{
	if (span_is(s, "yes"))
		*out = true;
	else if (span_is(s, "no"))
		*out = false;
	else
		return false;
	return true;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; // lower case is not what the writer makes
}

// Percent-decoding into OUT (CAP bytes with the NUL); only what put_encoded writes.
static bool parse_encoded(struct span s, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c == '%') {
			if (i + 2 >= s.n)
				return false;
			int hi = hex_value(s.p[i + 1]), lo = hex_value(s.p[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			c = (unsigned char)(hi * 16 + lo);
			// what the writer would have left as it was, or a NUL, is not its output
			if (c == 0 || (c >= 0x21 && c <= 0x7e && c != '%'))
				return false;
			i += 2;
		}
		if (o + 1 >= cap)
			return false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return true;
}

static bool parse_token(struct span s, char *out)
{
	if (s.n >= SC_HISTORY_TOKEN_MAX)
		return false;
	memcpy(out, s.p, s.n);
	out[s.n] = '\0';
	return token_ok(out);
}

static bool parse_time(struct span s, int64_t *out)
{
	// YYYY-MM-DDTHH:MM:SSZ
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	if (s.n != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		if (shape[i] == 'd' ? (s.p[i] < '0' || s.p[i] > '9') : s.p[i] != shape[i])
			return false;
	}
	struct tm tm = { 0 };
	tm.tm_year = (s.p[0] - '0') * 1000 + (s.p[1] - '0') * 100 + (s.p[2] - '0') * 10 + (s.p[3] - '0') - 1900;
	tm.tm_mon = (s.p[5] - '0') * 10 + (s.p[6] - '0') - 1;
	tm.tm_mday = (s.p[8] - '0') * 10 + (s.p[9] - '0');
	tm.tm_hour = (s.p[11] - '0') * 10 + (s.p[12] - '0');
	tm.tm_min = (s.p[14] - '0') * 10 + (s.p[15] - '0');
	tm.tm_sec = (s.p[17] - '0') * 10 + (s.p[18] - '0');
	if (tm.tm_year < 70 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 59)
		return false;
	time_t t = timegm(&tm);
	if (t < 0)
		return false;
	// 31 February and the like normalise to another day: not what the writer makes
	char back[21];
	sc_history_format_time((int64_t)t, back);
	if (memcmp(back, s.p, 20) != 0)
		return false;
	*out = (int64_t)t;
	return true;
}

static bool parse_end(struct span s, enum sc_history_end *out)
{
	for (unsigned i = 0; i < SC_HISTORY_END_COUNT; i++) {
		if (span_is(s, end_names[i])) {
			*out = (enum sc_history_end)i;
			return true;
		}
	}
	return false;
}

// Splits LINE into "v1" and the F_COUNT values, checking every key.
static int split(const char *line, size_t len, struct span v[F_COUNT], char *why, size_t wl)
{
	if (len < 3 || memcmp(line, "v1 ", 3) != 0)
		return invalid(why, wl, len >= 1 && line[0] == 'v' ? "written by another version of sealcall"
							   : "not a history line");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x20 || c > 0x7e)
			return invalid(why, wl, "a control character or a byte above 0x7e");
	}
	size_t pos = 3;
	for (int f = 0; f < F_COUNT; f++) {
		size_t end = pos;
		while (end < len && line[end] != ' ')
			end++;
		size_t klen = strlen(keys[f]);
		if (end - pos < klen + 1 || memcmp(line + pos, keys[f], klen) != 0 ||
		    line[pos + klen] != '=') {
			snprintf(why, wl, "field %d is not %s=", f + 1, keys[f]);
			return -EINVAL;
		}
		v[f].p = line + pos + klen + 1;
		v[f].n = end - pos - klen - 1;
		if (f + 1 < F_COUNT) {
			if (end >= len) {
				snprintf(why, wl, "the line ends before %s=", keys[f + 1]);
				return -EINVAL;
			}
			pos = end + 1;
		} else if (end != len) {
			return invalid(why, wl, "more fields than this version writes");
		}
	}
	return 0;
}

int sc_history_parse_line(const char *line, size_t len, struct sc_history_entry *e, char *why,
			  size_t why_len)
{
	struct span v[F_COUNT];
	int64_t n[F_COUNT] = { 0 };
	const char *bad = NULL;
	sc_history_entry_init(e);
	if (len >= SC_HISTORY_LINE_MAX)
		return invalid(why, why_len, "longer than any line sealcall writes");
	int r = split(line, len, v, why, why_len);
	if (r < 0)
		return r;
	if (!parse_time(v[F_START], &e->start))
		bad = "start";
	else if (!span_is(v[F_DIR], "in") && !span_is(v[F_DIR], "out"))
		bad = "dir";
	else if (!parse_encoded(v[F_PEER], e->peer, sizeof(e->peer)))
		bad = "peer";
	else if (!parse_int(v[F_DURATION], &e->duration_ms))
		bad = "duration_ms";
	else if (!parse_int(v[F_SIP], &e->sip_ms))
		bad = "sip_ms";
	else if (!parse_int(v[F_ZRTP], &e->zrtp_ms))
		bad = "zrtp_ms";
	else if (!parse_token(v[F_CODEC], e->codec))
		bad = "codec";
	else if (!parse_end(v[F_END], &e->end))
		bad = "end";
	else if (!parse_int(v[F_CODE], &n[F_CODE]) || n[F_CODE] < 0 || n[F_CODE] > 699)
		bad = "code";
	else if (!parse_bool(v[F_SECURED], &e->secured))
		bad = "secured";
	else if (!parse_token(v[F_CIPHER], e->cipher))
		bad = "cipher";
	else if (!parse_token(v[F_KA], e->key_agreement))
		bad = "ka";
	else if (!parse_token(v[F_HASH], e->hash))
		bad = "hash";
	else if (!parse_token(v[F_AUTH], e->auth_tag))
		bad = "auth";
	else if (!parse_token(v[F_SAS_TYPE], e->sas_type))
		bad = "sas_type";
	else if (!parse_bool(v[F_VERIFIED], &e->sas_verified))
		bad = "sas_verified";
	else if (!parse_token(v[F_CACHE], e->cache))
		bad = "cache";
	else if (!parse_tenths(v[F_LOSS], &n[F_LOSS]) || n[F_LOSS] > INT32_MAX)
		bad = "loss_pct";
	else if (!parse_tenths(v[F_JITTER], &n[F_JITTER]) || n[F_JITTER] > INT32_MAX)
		bad = "jitter_ms";
	else if (!parse_tenths(v[F_RTT], &n[F_RTT]) || n[F_RTT] > INT32_MAX)
		bad = "rtt_ms";
	else if (!parse_int(v[F_JB], &n[F_JB]) || n[F_JB] > INT32_MAX)
		bad = "jb_ms";
	else if (!parse_int(v[F_LOST], &e->lost))
		bad = "lost";
	else if (!parse_int(v[F_LATE], &e->late))
		bad = "late";
	else if (!parse_encoded(v[F_REASON], e->reason, sizeof(e->reason)))
		bad = "reason";
	if (bad) {
		snprintf(why, why_len, "%s: not a value sealcall writes", bad);
		return -EINVAL;
	}
	e->outgoing = span_is(v[F_DIR], "out");
	e->code = (unsigned)n[F_CODE];
	e->loss_pct10 = (int32_t)n[F_LOSS];
	e->jitter_ms10 = (int32_t)n[F_JITTER];
	e->rtt_ms10 = (int32_t)n[F_RTT];
	e->jb_delay_ms = (int32_t)n[F_JB];
	return entry_check(e, why, why_len);
}
