// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/json.h"
#include "check.h"

#include <errno.h>

static void quote(const char *s, size_t len, char *out, size_t outsz)
{
	struct sc_outbuf b;
	sc_outbuf_init(&b, 4096);
	CHECK_EQ_INT(sc_json_quote(&b, s, len), 0);
	snprintf(out, outsz, "%s", b.data ? b.data : "");
	sc_outbuf_free(&b);
}

#define QUOTE_IS(s, expected)                                                             \
	do {                                                                              \
		char got_[256];                                                           \
		quote((s), sizeof(s) - 1, got_, sizeof(got_));                            \
		if (strcmp(got_, (expected)) != 0)                                        \
			fprintf(stderr, "quote: got %s want %s\n", got_, (expected));     \
		CHECK(strcmp(got_, (expected)) == 0);                                     \
	} while (0)

static void test_escaping(void)
{
	QUOTE_IS("paris", "\"paris\"");
	QUOTE_IS("", "\"\"");
	QUOTE_IS("a\"b\\c", "\"a\\\"b\\\\c\"");
	QUOTE_IS("l1\nl2\r\t\b\f", "\"l1\\nl2\\r\\t\\b\\f\"");
	QUOTE_IS("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	QUOTE_IS("nul\0in", "\"nul\\u0000in\"");
	QUOTE_IS("/slash", "\"/slash\"");
	// Valid UTF-8 passes through: é, €, U+10FFFF.
	QUOTE_IS("\xc3\xa9\xe2\x82\xac\xf4\x8f\xbf\xbf", "\"\xc3\xa9\xe2\x82\xac\xf4\x8f\xbf\xbf\"");
	// Invalid UTF-8 becomes U+FFFD, one per bad byte: lone continuation, truncated sequence,
	// overlong '/', a UTF-16 surrogate, beyond U+10FFFF, 0xff.
	QUOTE_IS("\x80", "\"\\ufffd\"");
	QUOTE_IS("a\xc3", "\"a\\ufffd\"");
	QUOTE_IS("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	QUOTE_IS("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	QUOTE_IS("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	QUOTE_IS("\xff", "\"\\ufffd\"");
	QUOTE_IS("\xe2\x82", "\"\\ufffd\\ufffd\"");
}

static void test_document(void)
{
	struct sc_outbuf b;
	sc_outbuf_init(&b, 4096);
	struct sc_json j;
	sc_json_init(&j, &b);
	sc_json_object_begin(&j);
	sc_json_key(&j, "s");
	sc_json_string(&j, "x");
	sc_json_key(&j, "neg");
	sc_json_int(&j, -1);
	sc_json_key(&j, "big");
	sc_json_uint(&j, UINT64_MAX);
	sc_json_key(&j, "list");
	sc_json_array_begin(&j);
	sc_json_bool(&j, true);
	sc_json_bool(&j, false);
	sc_json_null(&j);
	sc_json_object_begin(&j);
	sc_json_object_end(&j);
	sc_json_array_begin(&j);
	sc_json_array_end(&j);
	sc_json_array_end(&j);
	sc_json_key(&j, "k\"ey");
	sc_json_int(&j, INT64_MIN);
	sc_json_object_end(&j);
	CHECK_EQ_INT(sc_json_finish(&j), 0);
	CHECK(strcmp(b.data, "{\"s\":\"x\",\"neg\":-1,\"big\":18446744073709551615,\"list\":[true,"
			     "false,null,{},[]],\"k\\\"ey\":-9223372036854775808}") == 0);
	sc_outbuf_free(&b);
}

static int misuse(int which)
{
	struct sc_outbuf b;
	sc_outbuf_init(&b, 4096);
	struct sc_json j;
	sc_json_init(&j, &b);
	switch (which) {
	case 0: // a value where a key belongs
		sc_json_object_begin(&j);
		sc_json_int(&j, 1);
		sc_json_object_end(&j);
		break;
	case 1: // a key in an array
		sc_json_array_begin(&j);
		sc_json_key(&j, "k");
		sc_json_array_end(&j);
		break;
	case 2: // unbalanced
		sc_json_object_begin(&j);
		break;
	case 3: // wrong closer
		sc_json_object_begin(&j);
		sc_json_array_end(&j);
		break;
	case 4: // two top-level values
		sc_json_int(&j, 1);
		sc_json_int(&j, 2);
		break;
	case 5: // a key without its value
		sc_json_object_begin(&j);
		sc_json_key(&j, "k");
		sc_json_object_end(&j);
		break;
	case 6: // nothing at all
		break;
	case 7: // too deep
		for (int i = 0; i <= SC_JSON_MAX_DEPTH; i++)
			sc_json_array_begin(&j);
		break;
	}
	int r = sc_json_finish(&j);
	sc_outbuf_free(&b);
	return r;
}

static void test_misuse(void)
{
	for (int i = 0; i <= 6; i++)
		CHECK_EQ_INT(misuse(i), -EINVAL);
	CHECK_EQ_INT(misuse(7), -E2BIG);
}

static void test_buffer_limit(void)
{
	struct sc_outbuf b;
	sc_outbuf_init(&b, 10);
	CHECK_EQ_INT(sc_outbuf_puts(&b, "0123456789"), 0);
	CHECK_EQ_INT(b.len, 10);
	CHECK_EQ_INT(sc_outbuf_puts(&b, "x"), -E2BIG);
	// Sticky: later appends fail too, and the contents stay as they were.
	CHECK_EQ_INT(sc_outbuf_puts(&b, ""), -E2BIG);
	CHECK(strcmp(b.data, "0123456789") == 0);
	sc_outbuf_reset(&b);
	CHECK_EQ_INT(sc_outbuf_printf(&b, "%d-%s", 42, "ab"), 0);
	CHECK(strcmp(b.data, "42-ab") == 0);
	CHECK_EQ_INT(sc_outbuf_printf(&b, "%s", "too long"), -E2BIG);
	sc_outbuf_free(&b);

	// A JSON document that outgrows its buffer reports it.
	sc_outbuf_init(&b, 8);
	struct sc_json j;
	sc_json_init(&j, &b);
	sc_json_array_begin(&j);
	sc_json_string(&j, "longer than eight");
	sc_json_array_end(&j);
	CHECK_EQ_INT(sc_json_finish(&j), -E2BIG);
	sc_outbuf_free(&b);
}

// Measured figures (loss %, jitter ms) go out as exact decimals, never as binary noise.
static void test_decimal(void)
{
	struct sc_outbuf b;
	struct sc_json j;
	sc_outbuf_init(&b, 4096);
	sc_json_init(&j, &b);
	sc_json_array_begin(&j);
	sc_json_decimal(&j, 15, 1);
	sc_json_decimal(&j, 0, 1);
	sc_json_decimal(&j, -1, 0);
	sc_json_decimal(&j, -5, 1);
	sc_json_decimal(&j, 1234567, 3);
	sc_json_decimal(&j, 7, 2);
	sc_json_decimal(&j, INT64_MIN, 1);
	sc_json_array_end(&j);
	CHECK_EQ_INT(sc_json_finish(&j), 0);
	CHECK(b.data && strcmp(b.data, "[1.5,0.0,-1,-0.5,1234.567,0.07,-922337203685477580.8]") == 0);
	if (b.data)
		fprintf(stderr, "decimals: %s\n", b.data);
	sc_outbuf_free(&b);

	sc_outbuf_init(&b, 4096);
	sc_json_init(&j, &b);
	sc_json_decimal(&j, 1, 7);
	CHECK_EQ_INT(sc_json_finish(&j), -EINVAL);
	sc_outbuf_free(&b);
}

// A negative tenths value is "not measured": -1, never -0.1.
static void test_key_value(void)
{
	struct sc_outbuf b;
	struct sc_json j;
	sc_outbuf_init(&b, 4096);
	sc_json_init(&j, &b);
	sc_json_object_begin(&j);
	sc_json_key_string(&j, "codec", "opus");
	sc_json_key_int(&j, "n", -3);
	sc_json_key_tenths(&j, "rtt_ms", 25);
	sc_json_key_tenths(&j, "loss_pct", -1);
	sc_json_object_end(&j);
	CHECK_EQ_INT(sc_json_finish(&j), 0);
	CHECK(b.data && strcmp(b.data, "{\"codec\":\"opus\",\"n\":-3,\"rtt_ms\":2.5,\"loss_pct\":-1}") == 0);
	sc_outbuf_free(&b);
}

int main(void)
{
	test_decimal();
	test_key_value();
	test_escaping();
	test_document();
	test_misuse();
	test_buffer_limit();
	return check_done();
}
