// SPDX-License-Identifier: GPL-3.0-or-later
#include "sip/parse_tool.h"

#include "sip/msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: sealcall sip-parse [--stream] < message\n"
		   "Reads one SIP message from standard input and prints what it holds.\n"
		   "  --stream  parse as received over TLS: Content-Length must match the body\n"
		   "Exit status: 0 well formed, 1 answered 400/513 or dropped, 2 usage error.\n"
		   "Lines must end with CRLF, e.g. printf 'OPTIONS sip:a@b SIP/2.0\\r\\n...'.\n");
}

// Prints S with folded lines joined and anything unprintable as \xNN, so that a hostile
// message cannot drive the terminal.
static void print_value(struct sc_sip_str s)
{
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c == '\r' || c == '\n')
			continue;
		if (c == '\t' || (c >= 0x20 && c < 0x7f) || c >= 0x80)
			putchar(c == '\t' ? ' ' : c);
		else
			printf("\\x%02x", c);
	}
}

static void print_headers(const struct sc_sip_msg *m, enum sc_sip_hdr id, const char *label)
{
	for (const struct sc_sip_header *h = NULL; (h = sc_sip_msg_find(m, id, h));) {
		printf("%s: ", label);
		print_value(h->value);
		putchar('\n');
	}
}

static void print_message(const struct sc_sip_msg *m)
{
	if (m->is_request) {
		printf("request: ");
		print_value(m->method);
		putchar(' ');
		print_value(m->request_uri.raw);
		putchar('\n');
	} else {
		printf("response: %u ", m->status);
		print_value(m->reason);
		putchar('\n');
	}
	print_headers(m, SC_SIP_HDR_VIA, "via");
	print_headers(m, SC_SIP_HDR_FROM, "from");
	print_headers(m, SC_SIP_HDR_TO, "to");
	print_headers(m, SC_SIP_HDR_CALL_ID, "call-id");
	print_headers(m, SC_SIP_HDR_CSEQ, "cseq");
	print_headers(m, SC_SIP_HDR_CONTACT, "contact");
	if (m->max_forwards >= 0)
		printf("max-forwards: %d\n", m->max_forwards);
	print_headers(m, SC_SIP_HDR_CONTENT_TYPE, "content-type");
	printf("headers: %zu\n", m->n_headers);
	printf("body: %zu bytes\n", m->body.len);
}

int sc_sip_parse_main(int argc, char **argv)
{
	enum sc_sip_framing framing = SC_SIP_DATAGRAM;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--stream") == 0) {
			framing = SC_SIP_STREAM;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "sip-parse: unknown argument '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	// One byte more than the limit tells an oversized message from one that just fits.
	size_t cap = SC_SIP_MAX_MESSAGE + 1, len = 0;
	char *buf = malloc(cap);
	if (!buf) {
		fprintf(stderr, "sip-parse: out of memory\n");
		return 1;
	}
	while (len < cap) {
		size_t got = fread(buf + len, 1, cap - len, stdin);
		if (got == 0)
			break;
		len += got;
	}
	int rc = 1;
	if (ferror(stdin)) {
		fprintf(stderr, "sip-parse: cannot read standard input\n");
		goto out;
	}
	struct sc_sip_msg *m = malloc(sizeof(*m));
	if (!m) {
		fprintf(stderr, "sip-parse: out of memory\n");
		goto out;
	}
	struct sc_sip_error err;
	if (sc_sip_msg_parse(buf, len, framing, m, &err) != 0) {
		if (err.status)
			fprintf(stderr, "sip-parse: invalid: a UA answers %d %s\n", err.status, err.reason);
		else
			fprintf(stderr, "sip-parse: invalid: %s (a UA drops it without an answer)\n", err.what);
		free(m);
		goto out;
	}
	print_message(m);
	struct sc_sip_error pre;
	if (sc_sip_msg_precheck(m, &pre))
		printf("answer: %d %s (%s)\n", pre.status, pre.reason, pre.what);
	free(m);
	rc = 0;
out:
	free(buf);
	return rc;
}
