// SPDX-License-Identifier: GPL-3.0-or-later
// The call history: one record per call (who, when, how long, how it was secured, how it
// sounded, how long it took to set up, how it ended), kept across restarts in a small file
// beside the ZRTP cache (docs/cli.md, "history").
//
// The file is one line per call, oldest first, and never holds more than
// SC_HISTORY_MAX_ENTRIES lines of at most SC_HISTORY_LINE_MAX bytes, so it never grows past
// SC_HISTORY_FILE_MAX bytes. It is rewritten whole on every change (a temporary file, fsync,
// rename), mode 0600. The daemon reads it back at start and parses it strictly: a line that
// is not exactly what this version writes is skipped with a warning, never trusted.
//
// The SAS is never stored: it proves who is on the line at the moment of the call and means
// nothing afterwards; the record says only whether it was verified.
#ifndef SC_CORE_HISTORY_H
#define SC_CORE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_HISTORY_MAX_ENTRIES 200
#define SC_HISTORY_LINE_MAX 1280 // bytes with the newline; a longer line is corrupt
#define SC_HISTORY_HEADER "# sealcall call history: one call a line, oldest first; no SAS is kept (docs/cli.md)\n"
#define SC_HISTORY_FILE_MAX (sizeof(SC_HISTORY_HEADER) + SC_HISTORY_MAX_ENTRIES * SC_HISTORY_LINE_MAX)
#define SC_HISTORY_PEER_MAX 97    // bytes with the NUL: a directory name, or a caller's URI (cut)
#define SC_HISTORY_REASON_MAX 161 // bytes with the NUL
#define SC_HISTORY_TOKEN_MAX 9    // "AES1", "PCMU": short names, with the NUL

enum sc_history_end {
	SC_HISTORY_END_LOCAL_HANGUP,   // this site hung up an answered call
	SC_HISTORY_END_PEER_HANGUP,    // the far site hung up an answered call
	SC_HISTORY_END_CANCELLED,      // this site gave up before the far site answered
	SC_HISTORY_END_PEER_CANCELLED, // the caller gave up while this site rang
	SC_HISTORY_END_DECLINED,       // this site declined the ringing call (603)
	SC_HISTORY_END_UNANSWERED,     // nobody answered in time
	SC_HISTORY_END_REFUSED,        // refused with a SIP status (code): by the far site, or by
				       // this one for an incoming call (busy, unknown caller...)
	SC_HISTORY_END_FAILED,         // could not be set up or secured, or the connection broke
	SC_HISTORY_END_CACHE_MISMATCH, // ZRTP key continuity broken (rules.on_cache_mismatch: hangup)
	SC_HISTORY_END_SAS_NOT_VERIFIED, // rules.require_verified_sas ended it
	SC_HISTORY_END_UNPLUGGED,      // the headset was unplugged (audio.on_unplug: hangup)
	SC_HISTORY_END_SHUTDOWN,       // sealcalld stopped during the call
	SC_HISTORY_END_COUNT,
};

// Quality figures are kept in tenths (one decimal), -1 when never measured.
struct sc_history_entry {
	int64_t start;                       // UTC seconds since 1970 when the call began
	bool outgoing;
	char peer[SC_HISTORY_PEER_MAX];      // directory name, else the caller's URI
	int64_t duration_ms;                 // answered until the end; -1 when never answered
	int64_t sip_ms;   // INVITE sent -> 200 OK received (out); INVITE received -> ACK (in); -1
	int64_t zrtp_ms;  // 200 OK -> SRTP keyed; -1 when never secured
	char codec[SC_HISTORY_TOKEN_MAX];    // "PCMU"; "" when the offer/answer never settled
	enum sc_history_end end;
	unsigned code;                       // the SIP status behind the end, 0 when none
	char reason[SC_HISTORY_REASON_MAX];  // the end in words, as the log said it
	bool secured;                        // ZRTP keyed SRTP; the names below are "" when not
	char cipher[SC_HISTORY_TOKEN_MAX];   // "AES1"
	char key_agreement[SC_HISTORY_TOKEN_MAX]; // "X255"
	char hash[SC_HISTORY_TOKEN_MAX];     // "S256"
	char auth_tag[SC_HISTORY_TOKEN_MAX]; // "HS80"
	char sas_type[SC_HISTORY_TOKEN_MAX]; // "B32"
	bool sas_verified;
	char cache[SC_HISTORY_TOKEN_MAX];    // "new", "match", "mismatch"
	int32_t loss_pct10;   // received packets lost, tenths of a percent (RTCP), -1
	int32_t jitter_ms10;  // interarrival jitter, tenths of a ms, -1
	int32_t rtt_ms10;     // round trip from RTCP, tenths of a ms, -1
	int32_t jb_delay_ms;  // the jitter buffer's delay at the end, -1
	int64_t lost;         // packets lost (RFC 3550 cumulative), -1
	int64_t late;         // packets that came after their playout time, -1
};

// "local-hangup", "peer-hangup", ...: the words of the file and of `history --json`.
const char *sc_history_end_name(enum sc_history_end end);
// "local hang-up", "refused", ...: for people.
const char *sc_history_end_words(enum sc_history_end end);

// An entry with every number unknown (-1) and every string empty.
void sc_history_entry_init(struct sc_history_entry *e);

// One line of the file for E, with its newline, NUL-terminated; 0, or -ENOBUFS when LEN is
// too small (SC_HISTORY_LINE_MAX always suffices), -EINVAL when E cannot be written (a
// number outside its range).
int sc_history_format_line(const struct sc_history_entry *e, char *out, size_t len);
// Parses one line without its newline. 0, or -EINVAL with the first problem in WHY.
int sc_history_parse_line(const char *line, size_t len, struct sc_history_entry *e,
			  char *why, size_t why_len);

// "2024-05-01T12:00:00Z"; OUT must hold 21 bytes.
void sc_history_format_time(int64_t t, char out[21]);

// The calls kept, oldest first.
struct sc_history {
	char path[256 + 16];
	struct sc_history_entry *entries; // SC_HISTORY_MAX_ENTRIES, a ring
	size_t first, count;
};

// Empty, writing to PATH ("" keeps it in memory only). 0 or -ENOMEM, -ENAMETOOLONG.
int sc_history_init(struct sc_history *h, const char *path);
void sc_history_free(struct sc_history *h);

// Reads the file. A missing file is an empty history (0). Lines that do not parse are
// skipped, each reported through WARN (the first few; then a count); the newest
// SC_HISTORY_MAX_ENTRIES are kept. Returns 0, or a negative errno when the file exists but
// cannot be read (the history then starts empty and WHY says why).
typedef void (*sc_history_warn_fn)(void *ctx, const char *message);
int sc_history_load(struct sc_history *h, sc_history_warn_fn warn, void *ctx);
// The same from a buffer, for the fuzzer and the tests; NAME stands for the file in messages.
void sc_history_load_buffer(struct sc_history *h, const char *name, const char *data, size_t len,
			    sc_history_warn_fn warn, void *ctx);

// Adds E as the newest call, dropping the oldest beyond the bound (in memory only).
void sc_history_add(struct sc_history *h, const struct sc_history_entry *e);
// Writes the whole history to its file atomically (mode 0600). 0, or a negative errno with
// the step that failed in WHY; the previous file is then left as it was.
int sc_history_save(const struct sc_history *h, char *why, size_t why_len);

size_t sc_history_count(const struct sc_history *h);
// The I-th newest call (0 = the last one), NULL past the end.
const struct sc_history_entry *sc_history_newest(const struct sc_history *h, size_t i);

// `sealcall history`: the N newest calls, newest first, as a table for people or as JSON
// ({"calls":[...]}) for scripts (docs/control-protocol.md). 0 or the buffer's error.
struct sc_outbuf;
struct sc_json;
int sc_history_render_text(const struct sc_history *h, size_t n, struct sc_outbuf *out);
int sc_history_render_json(const struct sc_history *h, size_t n, struct sc_outbuf *out);
// One call as a JSON object (also status's call.last_call).
void sc_history_entry_json(const struct sc_history_entry *e, struct sc_json *j);
// One call in one line of words, for status's "last call summary:" line.
void sc_history_summary(const struct sc_history_entry *e, char *out, size_t len);
// Why a call was not secured, in a few words ("" when it was).
const char *sc_history_not_secured_why(const struct sc_history_entry *e);

#endif
