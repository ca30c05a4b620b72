// SPDX-License-Identifier: GPL-3.0-or-later
#include "check.h"
#include "vpn/wg_dump.h"

#include <errno.h>
#include <string.h>

// Keys as `wg genkey | wg pubkey` prints them.
#define PRIV "4LxFrVY1xOs7JQpD5zNkbgTr0FPYZ5ttUv4uoQeC0HE="
#define PUB1 "j61sp/QF9i7Qmhp1GuQIRvFTI7T/VKXAd8BKg5It0Ho="
#define PUB2 "OGhnL2Why/Tmfp2HCRbyPpYF9i4oHp6YNk+efo+SzDM="
#define PSK "Y3l3oH8ZlKWV7b0m0fSjzGrAYL07t9SFaoWc1E3C0hY="
#define IFLINE PRIV "\t" PUB1 "\t51820\toff\n"

static int parse(const char *text, struct sc_wg_dump_peer *peers, size_t max, size_t *n,
		 unsigned *bad)
{
	return sc_wg_dump_parse(text, strlen(text), peers, max, n, bad);
}

static void test_valid_dump(void)
{
	struct sc_wg_dump_peer p[4];
	size_t n = 9;
	unsigned bad = 9;
	const char *dump = IFLINE
		PUB2 "\t(none)\t198.18.2.2:51820\t10.77.0.2/32\t1700000000\t180\t272\t2\n"
		PUB1 "\t" PSK "\t(none)\t10.77.0.3/32,10.1.0.0/16\t0\t0\t0\toff\n";
	CHECK_EQ_INT(parse(dump, p, 4, &n, &bad), 0);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(bad, 0);
	CHECK(strcmp(p[0].endpoint, "198.18.2.2:51820") == 0);
	CHECK_EQ_INT(p[0].latest_handshake, 1700000000);
	CHECK_EQ_INT(p[0].rx_bytes, 180);
	CHECK_EQ_INT(p[0].tx_bytes, 272);
	CHECK_EQ_INT(p[0].persistent_keepalive_s, 2);
	CHECK_EQ_INT(p[0].public_key[0], 0x38); // "OGhn" decodes to 0x38 0x68 0x67
	CHECK(strcmp(p[1].endpoint, "") == 0);
	CHECK_EQ_INT(p[1].latest_handshake, 0);
	CHECK_EQ_INT(p[1].persistent_keepalive_s, 0);
}

static void test_shapes_that_are_fine(void)
{
	struct sc_wg_dump_peer p[2];
	size_t n;
	unsigned bad;
	// Interface only: no peers yet.
	CHECK_EQ_INT(parse(IFLINE, p, 2, &n, &bad), 0);
	CHECK_EQ_INT(n, 0);
	// No final newline, an IPv6 endpoint, 64-bit counters, no private key set.
	CHECK_EQ_INT(parse("(none)\t" PUB1 "\t0\t0x1\n" PUB2
			   "\t(none)\t[fd00::1]:51820\t(none)\t1\t18446744073709551615\t5\t25",
			   p, 2, &n, &bad), 0);
	CHECK_EQ_INT(n, 1);
	CHECK(strcmp(p[0].endpoint, "[fd00::1]:51820") == 0);
	CHECK(p[0].rx_bytes == UINT64_MAX);
	CHECK_EQ_INT(p[0].persistent_keepalive_s, 25);
}

static void expect_bad(const char *dump, unsigned line)
{
	struct sc_wg_dump_peer p[2];
	size_t n;
	unsigned bad = 0;
	CHECK_EQ_INT(parse(dump, p, 2, &n, &bad), -EBADMSG);
	CHECK_EQ_INT(bad, line);
}

static void test_malformed(void)
{
	expect_bad("", 0);
	expect_bad("Unable to access interface: No such device\n", 1);
	expect_bad(PRIV "\t" PUB1 "\t51820\n", 1);                       // 3 fields
	expect_bad(PRIV "\t" PUB1 "\t99999\toff\n", 1);                  // port out of range
	expect_bad(IFLINE PUB2 "\t(none)\t(none)\t10.77.0.2/32\t0\t0\t0\n", 2); // 7 fields
	expect_bad(IFLINE PUB2 "\t(none)\t(none)\t10.77.0.2/32\t0\t0\t0\toff\textra\n", 2);
	expect_bad(IFLINE "notakey\t(none)\t(none)\t10.77.0.2/32\t0\t0\t0\toff\n", 2);
	expect_bad(IFLINE PUB2 "\tbadpsk\t(none)\t10.77.0.2/32\t0\t0\t0\toff\n", 2);
	expect_bad(IFLINE PUB2 "\t(none)\t198.18.2.2\t10.77.0.2/32\t0\t0\t0\toff\n", 2);
	expect_bad(IFLINE PUB2 "\t(none)\t198.18.2.2:70000\t10.77.0.2/32\t0\t0\t0\toff\n", 2);
	expect_bad(IFLINE PUB2 "\t(none)\t(none)\t\t0\t0\t0\toff\n", 2);
	expect_bad(IFLINE PUB2 "\t(none)\t(none)\t(none)\t-5\t0\t0\toff\n", 2);
	expect_bad(IFLINE PUB2 "\t(none)\t(none)\t(none)\t0\t12x\t0\toff\n", 2);
	expect_bad(IFLINE PUB2 "\t(none)\t(none)\t(none)\t0\t0\t18446744073709551616\toff\n", 2);
	expect_bad(IFLINE PUB2 "\t(none)\t(none)\t(none)\t0\t0\t0\ton\n", 2);
	expect_bad(IFLINE PUB2 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\r\n", 2);
	expect_bad(IFLINE "\n", 2);
	// An endpoint longer than any address wg prints.
	expect_bad(IFLINE PUB2 "\t(none)\t" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			       ":1\t(none)\t0\t0\t0\toff\n", 2);
	// A field longer than the parser's field buffer must not overflow it.
	char huge[2048];
	memset(huge, 'A', sizeof(huge));
	memcpy(huge, IFLINE, strlen(IFLINE));
	huge[sizeof(huge) - 1] = '\0';
	expect_bad(huge, 2);
	// A NUL inside the text is not wg output.
	struct sc_wg_dump_peer p[2];
	size_t n;
	unsigned bad;
	const char with_nul[] = IFLINE PUB2 "\t(none)\t(none)\t(none)\t0\t0\0\t0\toff\n";
	CHECK_EQ_INT(sc_wg_dump_parse(with_nul, sizeof(with_nul) - 1, p, 2, &n, &bad), -EBADMSG);
}

static void test_too_many(void)
{
	struct sc_wg_dump_peer p[1];
	size_t n;
	unsigned bad;
	const char *dump = IFLINE PUB2 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\n"
				  PUB1 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\n";
	CHECK_EQ_INT(parse(dump, p, 1, &n, &bad), -E2BIG);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(bad, 3);
}

int main(void)
{
	test_valid_dump();
	test_shapes_that_are_fine();
	test_malformed();
	test_too_many();
	return check_done();
}
