// SPDX-License-Identifier: GPL-3.0-or-later
// RTP and RTCP packet formats: field placement against hand-assembled bytes, round trips,
// and every malformed-length case the parsers must refuse.
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "media/rtcp.h"
#include "media/rtp.h"

static void test_rtp_parse_fields(void)
{
	// V=2 P=1 X=1 CC=2, M=1 PT=8, seq 0xBEEF, ts 0x01020304, SSRC 0xCAFEBABE, 2 CSRCs,
	// extension profile 0xBEDE with one word, payload "abc", 2 padding octets.
	const uint8_t pkt[] = {
		0xb2, 0x88, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0xca, 0xfe, 0xba, 0xbe,
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
		0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00,
		'a', 'b', 'c', 0x00, 0x02,
	};
	struct sc_rtp_packet p;
	CHECK_EQ_INT(sc_rtp_parse(pkt, sizeof(pkt), &p), 0);
	CHECK(p.hdr.marker);
	CHECK_EQ_INT(p.hdr.payload_type, 8);
	CHECK_EQ_INT(p.hdr.seq, 0xbeef);
	CHECK_EQ_INT(p.hdr.timestamp, 0x01020304);
	CHECK_EQ_INT(p.hdr.ssrc, 0xcafebabe);
	CHECK_EQ_INT(p.hdr.csrc_count, 2);
	CHECK_EQ_INT(p.hdr.csrc[0], 1);
	CHECK_EQ_INT(p.hdr.csrc[1], 2);
	CHECK_EQ_INT(p.hdr.ext_profile, 0xbede);
	CHECK_EQ_INT(p.hdr.ext_len, 4);
	CHECK(p.hdr.ext_data == pkt + 24);
	CHECK_EQ_INT(p.header_len, 28);
	CHECK_EQ_INT(p.payload_len, 3);
	CHECK(p.payload && memcmp(p.payload, "abc", 3) == 0);
	CHECK_EQ_INT(p.padding_len, 2);
}

static void test_rtp_parse_rejects(void)
{
	uint8_t base[16] = {0x80, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 'x', 'y', 'z', 'w'};
	uint8_t b[sizeof(base)];
	struct sc_rtp_packet p;

	CHECK_EQ_INT(sc_rtp_parse(base, sizeof(base), &p), 0);
	CHECK_EQ_INT(sc_rtp_parse(base, 12, &p), 0); // empty payload is legal
	CHECK_EQ_INT(p.payload_len, 0);
	CHECK_EQ_INT(sc_rtp_parse(base, 11, &p), -EBADMSG);

	memcpy(b, base, sizeof(b));
	b[0] = 0x40; // version 1
	CHECK_EQ_INT(sc_rtp_parse(b, sizeof(b), &p), -EBADMSG);

	memcpy(b, base, sizeof(b));
	b[0] = 0x82; // two CSRCs need 20 bytes of header, 16 present
	CHECK_EQ_INT(sc_rtp_parse(b, sizeof(b), &p), -EBADMSG);
	b[0] = 0x81; // one CSRC fits exactly in 16
	CHECK_EQ_INT(sc_rtp_parse(b, sizeof(b), &p), 0);
	CHECK_EQ_INT(p.payload_len, 0);

	memcpy(b, base, sizeof(b));
	b[0] = 0x90; // extension header with length 0x7877 words runs far past the end
	CHECK_EQ_INT(sc_rtp_parse(b, sizeof(b), &p), -EBADMSG);
	b[14] = 0;
	b[15] = 0; // zero-length extension: fits
	CHECK_EQ_INT(sc_rtp_parse(b, sizeof(b), &p), 0);
	CHECK_EQ_INT(p.hdr.ext_len, 0);
	CHECK(p.hdr.ext_data != NULL);
	CHECK_EQ_INT(sc_rtp_parse(b, 15, &p), -EBADMSG); // extension header cut short

	memcpy(b, base, sizeof(b));
	b[0] = 0xa0; // padding
	b[15] = 0;
	CHECK_EQ_INT(sc_rtp_parse(b, sizeof(b), &p), -EBADMSG); // count 0
	b[15] = 5;
	CHECK_EQ_INT(sc_rtp_parse(b, sizeof(b), &p), -EBADMSG); // more than the payload
	b[15] = 4;
	CHECK_EQ_INT(sc_rtp_parse(b, sizeof(b), &p), 0);
	CHECK_EQ_INT(p.payload_len, 0);
	CHECK_EQ_INT(sc_rtp_parse(b, 12, &p), -EBADMSG); // padding bit, nothing after header

	CHECK_EQ_INT(sc_rtp_parse(NULL, 12, &p), -EINVAL);
}

static void test_rtp_write_roundtrip(void)
{
	uint8_t ext[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct sc_rtp_header h = {
		.marker = true, .payload_type = 111, .seq = 65535, .timestamp = 0xfffffff0,
		.ssrc = 0x11223344, .csrc_count = 1, .csrc = {0x55667788},
		.ext_profile = 0x1000, .ext_data = ext, .ext_len = sizeof(ext),
	};
	uint8_t payload[160];
	memset(payload, 0xd5, sizeof(payload));
	uint8_t buf[256];
	size_t n = 0;
	CHECK_EQ_INT(sc_rtp_write(&h, payload, sizeof(payload), buf, sizeof(buf), &n), 0);
	CHECK_EQ_INT(n, 12 + 4 + 4 + 8 + 160);
	CHECK_EQ_INT(buf[0], 0x91);
	CHECK_EQ_INT(buf[1], 0x80 | 111);

	struct sc_rtp_packet p;
	CHECK_EQ_INT(sc_rtp_parse(buf, n, &p), 0);
	CHECK(p.hdr.marker);
	CHECK_EQ_INT(p.hdr.payload_type, 111);
	CHECK_EQ_INT(p.hdr.seq, 65535);
	CHECK_EQ_INT(p.hdr.timestamp, 0xfffffff0u);
	CHECK_EQ_INT(p.hdr.ssrc, 0x11223344);
	CHECK_EQ_INT(p.hdr.csrc[0], 0x55667788);
	CHECK_EQ_INT(p.hdr.ext_profile, 0x1000);
	CHECK(p.hdr.ext_len == 8 && memcmp(p.hdr.ext_data, ext, 8) == 0);
	CHECK(p.payload_len == 160 && memcmp(p.payload, payload, 160) == 0);

	size_t need = n;
	CHECK_EQ_INT(sc_rtp_write(&h, payload, sizeof(payload), buf, need - 1, &n), -ENOBUFS);
	CHECK_EQ_INT(sc_rtp_write(&h, payload, sizeof(payload), buf, need, &n), 0);
	h.payload_type = 128;
	CHECK_EQ_INT(sc_rtp_write(&h, payload, 1, buf, sizeof(buf), &n), -EINVAL);
	h.payload_type = 0;
	h.ext_len = 6;
	CHECK_EQ_INT(sc_rtp_write(&h, payload, 1, buf, sizeof(buf), &n), -EINVAL);
	h.ext_len = 8;
	h.csrc_count = 16;
	CHECK_EQ_INT(sc_rtp_write(&h, payload, 1, buf, sizeof(buf), &n), -EINVAL);
}

static void test_rtcp_roundtrip(void)
{
	uint8_t buf[1024];
	size_t off = 0;
	struct sc_rtcp_sender_info si = {
		.ntp = 0x0123456789abcdefull, .rtp_timestamp = 0xdeadbeef,
		.packet_count = 1000, .octet_count = 160000,
	};
	struct sc_rtcp_report_block blk = {
		.ssrc = 0xabcdef01, .fraction_lost = 25, .cumulative_lost = -3,
		.ext_highest_seq = 0x00021234, .jitter = 77, .lsr = 0x89abcdef, .dlsr = 0x00018000,
	};
	CHECK_EQ_INT(sc_rtcp_write_sr(buf, sizeof(buf), &off, 0x12345678, &si, &blk, 1), 0);
	CHECK_EQ_INT(off, 52);
	// Hand-checked bytes: header, cumulative lost -3 as 24-bit two's complement.
	CHECK_EQ_INT(buf[0], 0x81);
	CHECK_EQ_INT(buf[1], 200);
	CHECK_EQ_INT(buf[3], 12);
	CHECK(buf[33] == 0xff && buf[34] == 0xff && buf[35] == 0xfd);
	CHECK_EQ_INT(sc_rtcp_write_sdes_cname(buf, sizeof(buf), &off, 0x12345678, "paris@10.77.0.1"),
		     0);
	CHECK_EQ_INT(off % 4, 0);
	CHECK_EQ_INT(sc_rtcp_write_bye(buf, sizeof(buf), &off, 0x12345678, "hang-up"), 0);
	CHECK_EQ_INT(off % 4, 0);

	struct sc_rtcp_info info;
	CHECK_EQ_INT(sc_rtcp_parse(buf, off, &info), 0);
	CHECK_EQ_INT(info.n_packets, 3);
	CHECK_EQ_INT(info.n_reports, 1);
	CHECK(info.reports[0].is_sr);
	CHECK_EQ_INT(info.reports[0].ssrc, 0x12345678);
	CHECK(info.reports[0].sender.ntp == si.ntp);
	CHECK_EQ_INT(info.reports[0].sender.rtp_timestamp, 0xdeadbeef);
	CHECK_EQ_INT(info.reports[0].sender.packet_count, 1000);
	CHECK_EQ_INT(info.reports[0].sender.octet_count, 160000);
	CHECK_EQ_INT(info.reports[0].n_blocks, 1);
	const struct sc_rtcp_report_block *b = &info.reports[0].blocks[0];
	CHECK_EQ_INT(b->ssrc, 0xabcdef01);
	CHECK_EQ_INT(b->fraction_lost, 25);
	CHECK_EQ_INT(b->cumulative_lost, -3);
	CHECK_EQ_INT(b->ext_highest_seq, 0x00021234);
	CHECK_EQ_INT(b->jitter, 77);
	CHECK_EQ_INT(b->lsr, 0x89abcdef);
	CHECK_EQ_INT(b->dlsr, 0x00018000);
	CHECK(info.has_cname);
	CHECK_EQ_INT(info.cname_ssrc, 0x12345678);
	CHECK_STR_CONTAINS(info.cname, "paris@10.77.0.1");
	CHECK(info.has_bye);
	CHECK_EQ_INT(info.n_bye_ssrc, 1);
	CHECK_EQ_INT(info.bye_ssrc[0], 0x12345678);
	CHECK(strcmp(info.bye_reason, "hang-up") == 0);

	// RR with no blocks, BYE without reason, CNAME lengths that land on each alignment.
	for (size_t len = 1; len <= 8; len++) {
		char cname[9] = "abcdefgh";
		cname[len] = '\0';
		off = 0;
		CHECK_EQ_INT(sc_rtcp_write_rr(buf, sizeof(buf), &off, 7, NULL, 0), 0);
		CHECK_EQ_INT(sc_rtcp_write_sdes_cname(buf, sizeof(buf), &off, 7, cname), 0);
		CHECK_EQ_INT(sc_rtcp_write_bye(buf, sizeof(buf), &off, 7, NULL), 0);
		CHECK_EQ_INT(sc_rtcp_parse(buf, off, &info), 0);
		CHECK(!info.reports[0].is_sr && info.reports[0].n_blocks == 0);
		CHECK(strcmp(info.cname, cname) == 0);
		CHECK(info.has_bye && info.bye_reason[0] == '\0');
	}

	// Big cumulative loss clamps to the 24-bit range.
	off = 0;
	blk.cumulative_lost = 0x7fffffff;
	CHECK_EQ_INT(sc_rtcp_write_rr(buf, sizeof(buf), &off, 1, &blk, 1), 0);
	CHECK_EQ_INT(sc_rtcp_parse(buf, off, &info), 0);
	CHECK_EQ_INT(info.reports[0].blocks[0].cumulative_lost, 0x7fffff);
}

static void test_rtcp_writer_limits(void)
{
	uint8_t buf[64];
	size_t off = 0;
	struct sc_rtcp_report_block blocks[32];
	memset(blocks, 0, sizeof(blocks));
	CHECK_EQ_INT(sc_rtcp_write_rr(buf, sizeof(buf), &off, 1, blocks, 32), -EINVAL);
	CHECK_EQ_INT(sc_rtcp_write_rr(buf, sizeof(buf), &off, 1, blocks, 3), -ENOBUFS);
	CHECK_EQ_INT(off, 0);
	CHECK_EQ_INT(sc_rtcp_write_sdes_cname(buf, sizeof(buf), &off, 1, ""), -EINVAL);
	char long_text[300];
	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	CHECK_EQ_INT(sc_rtcp_write_sdes_cname(buf, sizeof(buf), &off, 1, long_text), -EINVAL);
	CHECK_EQ_INT(sc_rtcp_write_bye(buf, sizeof(buf), &off, 1, long_text), -EINVAL);
	long_text[100] = '\0';
	CHECK_EQ_INT(sc_rtcp_write_bye(buf, sizeof(buf), &off, 1, long_text), -ENOBUFS);
	CHECK_EQ_INT(off, 0);
	CHECK_EQ_INT(sc_rtcp_write_sr(buf, sizeof(buf), &off, 1, NULL, NULL, 0), -EINVAL);
}

static void test_rtcp_parse_rejects(void)
{
	uint8_t good[256];
	size_t len = 0;
	struct sc_rtcp_report_block blk = {.ssrc = 9};
	CHECK_EQ_INT(sc_rtcp_write_rr(good, sizeof(good), &len, 1, &blk, 1), 0);
	CHECK_EQ_INT(sc_rtcp_write_sdes_cname(good, sizeof(good), &len, 1, "cname"), 0);
	size_t rr_len = 32;

	uint8_t b[256];
	struct sc_rtcp_info info;
	CHECK_EQ_INT(sc_rtcp_parse(good, len, &info), 0);
	CHECK_EQ_INT(sc_rtcp_parse(good, len - 4, &info), -EBADMSG); // SDES cut short
	CHECK_EQ_INT(sc_rtcp_parse(good, len - 1, &info), -EBADMSG); // not a word multiple
	CHECK_EQ_INT(sc_rtcp_parse(good, 0, &info), -EBADMSG);

	// A compound that starts with SDES is invalid (A.2).
	memcpy(b, good + rr_len, len - rr_len);
	CHECK_EQ_INT(sc_rtcp_parse(b, len - rr_len, &info), -EBADMSG);

	// Report count larger than the packet.
	memcpy(b, good, len);
	b[0] = 0x82;
	CHECK_EQ_INT(sc_rtcp_parse(b, len, &info), -EBADMSG);

	// Length field beyond the end.
	memcpy(b, good, len);
	b[3] = 60;
	CHECK_EQ_INT(sc_rtcp_parse(b, len, &info), -EBADMSG);

	// Version 1 in the second packet.
	memcpy(b, good, len);
	b[rr_len] = (uint8_t)((b[rr_len] & 0x3f) | 0x40);
	CHECK_EQ_INT(sc_rtcp_parse(b, len, &info), -EBADMSG);

	// Padding bit on the first (not last) packet.
	memcpy(b, good, len);
	b[0] |= 0x20;
	CHECK_EQ_INT(sc_rtcp_parse(b, len, &info), -EBADMSG);

	// Padding on the last packet: valid with a sane count, refused with 0 or too many.
	len = 0;
	CHECK_EQ_INT(sc_rtcp_write_rr(b, sizeof(b), &len, 1, NULL, 0), 0);
	CHECK_EQ_INT(sc_rtcp_write_bye(b, sizeof(b), &len, 1, NULL), 0);
	b[8] |= 0x20;
	b[11] = 2; // BYE now 12 bytes: header, SSRC, 4 bytes of padding
	memset(b + 16, 0, 4);
	b[19] = 4;
	CHECK_EQ_INT(sc_rtcp_parse(b, 20, &info), 0);
	CHECK(info.has_bye);
	b[19] = 0;
	CHECK_EQ_INT(sc_rtcp_parse(b, 20, &info), -EBADMSG);
	b[19] = 9;
	CHECK_EQ_INT(sc_rtcp_parse(b, 20, &info), -EBADMSG);

	// SDES item length running past the packet, and a chunk with no null terminator.
	len = 0;
	CHECK_EQ_INT(sc_rtcp_write_rr(b, sizeof(b), &len, 1, NULL, 0), 0);
	size_t sdes = len;
	CHECK_EQ_INT(sc_rtcp_write_sdes_cname(b, sizeof(b), &len, 1, "abcdef"), 0); // 20 bytes
	b[sdes + 9] = 200;
	CHECK_EQ_INT(sc_rtcp_parse(b, len, &info), -EBADMSG);
	b[sdes + 9] = 6;
	memset(b + sdes + 16, 'x', 4); // overwrite the terminating nulls
	CHECK_EQ_INT(sc_rtcp_parse(b, len, &info), -EBADMSG);

	// BYE with a reason length past its packet.
	len = 0;
	CHECK_EQ_INT(sc_rtcp_write_rr(b, sizeof(b), &len, 1, NULL, 0), 0);
	size_t bye = len;
	CHECK_EQ_INT(sc_rtcp_write_bye(b, sizeof(b), &len, 1, "abc"), 0);
	b[bye + 8] = 10;
	CHECK_EQ_INT(sc_rtcp_parse(b, len, &info), -EBADMSG);
	b[bye + 8] = 3;
	b[bye] = 0x83; // three SSRCs claimed, one present (+1 word of reason)
	CHECK_EQ_INT(sc_rtcp_parse(b, len, &info), -EBADMSG);

	// Unknown and APP packets are skipped, non-printable CNAME bytes are replaced.
	len = 0;
	CHECK_EQ_INT(sc_rtcp_write_rr(b, sizeof(b), &len, 1, NULL, 0), 0);
	b[len] = 0x80;
	b[len + 1] = 204;
	b[len + 2] = 0;
	b[len + 3] = 0;
	len += 4;
	CHECK_EQ_INT(sc_rtcp_write_sdes_cname(b, sizeof(b), &len, 1, "ab\ncd"), 0);
	CHECK_EQ_INT(sc_rtcp_parse(b, len, &info), 0);
	CHECK_EQ_INT(info.n_ignored, 1);
	CHECK(strcmp(info.cname, "ab?cd") == 0);
}

static void test_rtcp_demux(void)
{
	uint8_t sr[8] = {0x80, 200, 0, 1, 0, 0, 0, 1};
	uint8_t rtp_pt0_marker[12] = {0x80, 0x80};
	uint8_t rtp_pt96_marker[12] = {0x80, 0x80 | 96};
	CHECK(sc_rtcp_looks_like_rtcp(sr, sizeof(sr)));
	sr[1] = 223;
	CHECK(sc_rtcp_looks_like_rtcp(sr, sizeof(sr)));
	sr[1] = 224;
	CHECK(!sc_rtcp_looks_like_rtcp(sr, sizeof(sr)));
	sr[1] = 191;
	CHECK(!sc_rtcp_looks_like_rtcp(sr, sizeof(sr)));
	CHECK(!sc_rtcp_looks_like_rtcp(rtp_pt0_marker, 12));
	CHECK(!sc_rtcp_looks_like_rtcp(rtp_pt96_marker, 12));
	sr[0] = 0x40;
	sr[1] = 200;
	CHECK(!sc_rtcp_looks_like_rtcp(sr, sizeof(sr)));
}

int main(void)
{
	test_rtp_parse_fields();
	test_rtp_parse_rejects();
	test_rtp_write_roundtrip();
	test_rtcp_roundtrip();
	test_rtcp_writer_limits();
	test_rtcp_parse_rejects();
	test_rtcp_demux();
	return check_done();
}
