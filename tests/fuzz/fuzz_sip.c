// SPDX-License-Identifier: GPL-3.0-or-later
// The SIP parser, stream framer, serializer and transaction table on arbitrary bytes.
// Beyond "no crash, no out-of-bounds read", it checks the invariants the rest of the stack
// relies on, and aborts when one breaks:
//  - whatever parses serializes to a message that parses again, identically on a second pass;
//  - the framer never claims more bytes than it was given, and its messages parse or fail
//    cleanly;
//  - replies built from any parsed request parse.
#include "sip/digest.h"
#include "sip/framer.h"
#include "sip/msg.h"
#include "sip/txn.h"
#include "sip/writer.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond)
{
	if (!cond)
		abort();
}

static char canon1[SC_SIP_MAX_MESSAGE + 1024], canon2[SC_SIP_MAX_MESSAGE + 1024];
static char reply[3 * SC_SIP_MAX_MESSAGE];

static void check_roundtrip(const struct sc_sip_msg *m)
{
	static struct sc_sip_msg again;
	struct sc_sip_error err;
	int n1 = sc_sip_msg_serialize(m, canon1, sizeof(canon1));
	if (n1 < 0)
		return; // -EMSGSIZE: expanded names no longer fit
	require(sc_sip_msg_parse(canon1, (size_t)n1, SC_SIP_STREAM, &again, &err) == 0);
	require(again.is_request == m->is_request && again.status == m->status);
	require(again.n_via == m->n_via && again.n_contacts == m->n_contacts);
	require(again.cseq.seq == m->cseq.seq && again.body.len == m->body.len);
	int n2 = sc_sip_msg_serialize(&again, canon2, sizeof(canon2));
	require(n1 == n2 && memcmp(canon1, canon2, (size_t)n1) == 0);
}

// Replies to a well-formed request parse; to a malformed one they copy what was broken, so
// building them must only be safe.
static void check_reply(const struct sc_sip_msg *m, bool well_formed)
{
	struct sc_sip_writer w;
	struct sc_sip_msg r;
	struct sc_sip_error err;
	sc_sip_writer_init(&w, reply, sizeof(reply));
	sc_sip_write_response_start(&w, m, 400, "Bad Request", "fz1");
	int n = sc_sip_write_end(&w, NULL, NULL, 0);
	if (n > 0 && n <= SC_SIP_MAX_MESSAGE && well_formed)
		require(sc_sip_msg_parse(reply, (size_t)n, SC_SIP_STREAM, &r, &err) == 0);
	if (well_formed && m->method_id == SC_SIP_METHOD_INVITE) {
		sc_sip_writer_init(&w, reply, sizeof(reply));
		n = sc_sip_write_cancel(&w, m);
		if (n > 0 && n <= SC_SIP_MAX_MESSAGE)
			require(sc_sip_msg_parse(reply, (size_t)n, SC_SIP_STREAM, &r, &err) == 0);
	}
}

// Through a transaction table: the request opens a server transaction that is answered.
static void check_transactions(const struct sc_sip_msg *m)
{
	struct sc_sip_txn_table *t = sc_sip_txn_table_new(2, 500);
	struct sc_sip_txn_out out = { .n = 0 };
	if (!t)
		return;
	if (sc_sip_txn_receive(t, 1000, 1, m, &out) == 0) {
		for (size_t i = 0; i < out.n; i++) {
			if (out.a[i].kind != SC_SIP_ACT_NEW_REQUEST)
				continue;
			struct sc_sip_writer w;
			sc_sip_writer_init(&w, reply, sizeof(reply));
			sc_sip_write_response_start(&w, m, 486, "Busy Here", "fz2");
			int n = sc_sip_write_end(&w, NULL, NULL, 0);
			struct sc_sip_txn_out more = { .n = 0 };
			if (n > 0)
				sc_sip_txn_respond(t, 1001, out.a[i].txn, reply, (size_t)n, &more);
			break;
		}
		out.n = 0;
		sc_sip_txn_receive(t, 1002, 1, m, &out);
		out.n = 0;
		sc_sip_txn_tick(t, 1000 + 64 * 500, &out);
	}
	sc_sip_txn_table_free(t);
}

static void check_message(const char *buf, size_t len, enum sc_sip_framing framing)
{
	static struct sc_sip_msg m;
	struct sc_sip_error err;
	int rc = sc_sip_msg_parse(buf, len, framing, &m, &err);
	if (rc) {
		require(err.what[0] != '\0');
		require(err.status == 0 || err.status == 400 || err.status == 513);
		if (m.is_request && err.status == 400)
			check_reply(&m, false); // a best-effort 400 from what was read
		return;
	}
	require(m.raw.len <= len && m.body.len <= len);
	struct sc_sip_error pre;
	sc_sip_msg_precheck(&m, &pre);
	check_roundtrip(&m);
	if (m.is_request) {
		check_reply(&m, true);
		check_transactions(&m);
	}
	struct sc_sip_digest_challenge ch;
	for (const struct sc_sip_header *h = NULL; (h = sc_sip_msg_find(&m, SC_SIP_HDR_WWW_AUTHENTICATE, h));)
		sc_sip_digest_parse_challenge(h->value, &ch);
	if (sc_sip_digest_pick(&m, &ch) == 0) {
		char auth[2048];
		sc_sip_digest_authorization(&ch, "user", (const uint8_t *)"pw", 2, "REGISTER", "sips:hub", "cn", 1,
					    auth, sizeof(auth));
	}
	char text[256];
	sc_sip_unescape(m.request_uri.user, text, sizeof(text));
	sc_sip_unquote(m.from.display, text, sizeof(text));
}

// Frames the input as a TLS stream arriving in pieces whose sizes come from the data.
static void check_framer(const uint8_t *data, size_t size)
{
	static char rx[SC_SIP_MAX_MESSAGE * 2];
	size_t have = 0, fed = 0, step = size ? (size_t)data[0] % 97 + 1 : 1;
	for (int guard = 0; guard < 100000; guard++) {
		struct sc_sip_frame f;
		enum sc_sip_frame_kind k = sc_sip_frame_next(rx, have, guard & 1, &f);
		if (k == SC_SIP_FRAME_ERROR)
			return;
		if (k == SC_SIP_FRAME_NEED_MORE) {
			if (fed == size || have == sizeof(rx))
				return;
			size_t take = size - fed < step ? size - fed : step;
			if (take > sizeof(rx) - have)
				take = sizeof(rx) - have;
			memcpy(rx + have, data + fed, take);
			have += take;
			fed += take;
			continue;
		}
		require(f.len > 0 && f.len <= have);
		if (k == SC_SIP_FRAME_MESSAGE)
			check_message(rx, f.len, SC_SIP_STREAM);
		memmove(rx, rx + f.len, have - f.len);
		have -= f.len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_message((const char *)data, size, SC_SIP_DATAGRAM);
	check_framer(data, size);
	return 0;
}
