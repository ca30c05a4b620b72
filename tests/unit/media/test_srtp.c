// SPDX-License-Identifier: GPL-3.0-or-later
// The SRTP glue against an independent reference. libsrtp keeps its session keys inside, so
// the RFC 3711 Appendix B vectors cannot be fed to it directly. Instead this file builds SRTP
// and SRTCP from first principles on wolfCrypt's AES block and HMAC-SHA1, checks that
// reference against RFC 3711 B.2 (AES-CM keystream) and B.3 (key derivation), then demands
// that libsrtp, through the glue and keyed with the B.3 master key, produce the very same
// bytes: packets across a sequence wrap (ROC in the IV and the tag), every suite ZRTP can
// negotiate, and SRTCP with its 80-bit (or, on request, SRTP-length) tag.
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/hmac.h>

#include "check.h"
#include "media/rtp.h"
#include "media/srtp_glue.h"

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = hex; p[0] && p[1] && n < cap; p += 2) {
		unsigned v;
		if (sscanf(p, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
	}
	return n;
}

// ---- reference SRTP (RFC 3711 §4.1.1, §4.2.1, §4.3; RFC 6188 for AES-256) ----

static void ref_aes_cm(const uint8_t *key, size_t klen, const uint8_t iv[16], uint8_t *out,
		       size_t n)
{
	Aes aes;
	CHECK_EQ_INT(wc_AesInit(&aes, NULL, INVALID_DEVID), 0);
	CHECK_EQ_INT(wc_AesSetKey(&aes, key, (word32)klen, NULL, AES_ENCRYPTION), 0);
	uint8_t ctr[16], block[16];
	memcpy(ctr, iv, 16);
	for (size_t off = 0; off < n; off += 16) {
		wc_AesEncryptDirect(&aes, block, ctr);
		size_t take = n - off < 16 ? n - off : 16;
		memcpy(out + off, block, take);
		for (int i = 15; i >= 0 && ++ctr[i] == 0; i--)
			;
	}
	wc_AesFree(&aes);
}

static void ref_kdf(const uint8_t *mkey, size_t klen, const uint8_t msalt[14], uint8_t label,
		    uint8_t *out, size_t n)
{
	uint8_t iv[16] = {0};
	memcpy(iv, msalt, 14);
	iv[7] ^= label; // key_id = label || r, r = 0 (no key derivation rate), XOR the salt
	ref_aes_cm(mkey, klen, iv, out, n);
}

struct ref_keys {
	size_t klen;
	uint8_t enc[32], salt[14], auth[20];
};

static void ref_session_keys(const uint8_t *mkey, size_t klen, const uint8_t msalt[14],
			     bool rtcp, struct ref_keys *k)
{
	uint8_t base = rtcp ? 3 : 0;
	k->klen = klen;
	ref_kdf(mkey, klen, msalt, base + 0, k->enc, klen);
	ref_kdf(mkey, klen, msalt, base + 1, k->auth, 20);
	ref_kdf(mkey, klen, msalt, base + 2, k->salt, 14);
}

static void ref_hmac(const uint8_t key[20], const uint8_t *a, size_t alen, const uint8_t *b,
		     size_t blen, uint8_t out[20])
{
	Hmac h;
	CHECK_EQ_INT(wc_HmacInit(&h, NULL, INVALID_DEVID), 0);
	CHECK_EQ_INT(wc_HmacSetKey(&h, WC_SHA, key, 20), 0);
	CHECK_EQ_INT(wc_HmacUpdate(&h, a, (word32)alen), 0);
	CHECK_EQ_INT(wc_HmacUpdate(&h, b, (word32)blen), 0);
	CHECK_EQ_INT(wc_HmacFinal(&h, out), 0);
	wc_HmacFree(&h);
}

static void ref_iv(const struct ref_keys *k, uint32_t ssrc, uint64_t index, uint8_t iv[16])
{
	memset(iv, 0, 16);
	memcpy(iv, k->salt, 14);
	for (int i = 0; i < 4; i++)
		iv[4 + i] ^= (uint8_t)(ssrc >> (24 - 8 * i));
	for (int i = 0; i < 6; i++)
		iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
}

static size_t ref_protect_rtp(const struct ref_keys *k, const uint8_t *pkt, size_t len,
			      size_t hdr_len, uint32_t roc, size_t tag_len, uint8_t *out)
{
	memcpy(out, pkt, len);
	uint8_t iv[16], ks[1500];
	uint64_t index = (uint64_t)roc << 16 | sc_rd16(pkt + 2);
	ref_iv(k, sc_rd32(pkt + 8), index, iv);
	ref_aes_cm(k->enc, k->klen, iv, ks, len - hdr_len);
	for (size_t i = hdr_len; i < len; i++)
		out[i] ^= ks[i - hdr_len];
	uint8_t roc_be[4], mac[20];
	sc_wr32(roc_be, roc);
	ref_hmac(k->auth, out, len, roc_be, 4, mac);
	memcpy(out + len, mac, tag_len);
	return len + tag_len;
}

static size_t ref_protect_rtcp(const struct ref_keys *k, const uint8_t *pkt, size_t len,
			       uint32_t srtcp_index, size_t tag_len, uint8_t *out)
{
	memcpy(out, pkt, len);
	uint8_t iv[16], ks[1500];
	ref_iv(k, sc_rd32(pkt + 4), srtcp_index, iv);
	ref_aes_cm(k->enc, k->klen, iv, ks, len - 8);
	for (size_t i = 8; i < len; i++)
		out[i] ^= ks[i - 8];
	sc_wr32(out + len, 0x80000000u | srtcp_index); // E flag: encrypted
	uint8_t mac[20];
	ref_hmac(k->auth, out, len + 4, NULL, 0, mac);
	memcpy(out + len + 4, mac, tag_len);
	return len + 4 + tag_len;
}

// ---- RFC 3711 Appendix B ----

static const char *B3_MASTER_KEY = "E1F97A0D3E018BE0D64FA32C06DE4139";
static const char *B3_MASTER_SALT = "0EC675AD498AFEEBB6960B3AABE6";

static void test_reference_against_rfc3711(void)
{
	// B.2: AES-CM keystream for session key 2B7E..., IV F0F1...FCFD0000 (SSRC 0, index 0).
	uint8_t key[16], iv[16], want[48], got[48];
	unhex("2B7E151628AED2A6ABF7158809CF4F3C", key, sizeof(key));
	unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000", iv, sizeof(iv));
	unhex("E03EAD0935C95E80E166B16DD92B4EB4"
	      "D23513162B02D0F72A43A2FE4A5F97AB"
	      "41E95B3BB0A2E8DD477901E4FCA894C0",
	      want, sizeof(want));
	ref_aes_cm(key, 16, iv, got, sizeof(got));
	CHECK(memcmp(got, want, sizeof(want)) == 0);

	// B.3: key derivation from master key E1F9... and master salt 0EC6...
	uint8_t mkey[16], msalt[14];
	unhex(B3_MASTER_KEY, mkey, sizeof(mkey));
	unhex(B3_MASTER_SALT, msalt, sizeof(msalt));
	uint8_t enc[16], salt[16], auth[94], want_auth[94];
	ref_kdf(mkey, 16, msalt, 0, enc, sizeof(enc));
	unhex("C61E7A93744F39EE10734AFE3FF7A087", want, 16);
	CHECK(memcmp(enc, want, 16) == 0);
	ref_kdf(mkey, 16, msalt, 2, salt, sizeof(salt));
	unhex("30CBBC08863D8C85D49DB34A9AE17AC6", want, 16); // 14 used, the RFC shows the block
	CHECK(memcmp(salt, want, 16) == 0);
	ref_kdf(mkey, 16, msalt, 1, auth, sizeof(auth));
	unhex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE"
	      "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25"
	      "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2",
	      want_auth, sizeof(want_auth));
	CHECK(memcmp(auth, want_auth, sizeof(auth)) == 0);
}

// ---- libsrtp through the glue, byte for byte ----

static void b3_master(struct sc_srtp_master *m)
{
	memset(m, 0, sizeof(*m));
	unhex(B3_MASTER_KEY, m->key, 16);
	unhex(B3_MASTER_SALT, m->salt, 14);
}

static void pattern_master(struct sc_srtp_master *m, uint8_t seed)
{
	for (size_t i = 0; i < sizeof(m->key); i++)
		m->key[i] = (uint8_t)(seed + 7 * i);
	for (size_t i = 0; i < sizeof(m->salt); i++)
		m->salt[i] = (uint8_t)(seed ^ (13 * i));
}

static size_t make_rtp(uint8_t *buf, uint16_t seq, uint32_t ssrc, size_t payload_len)
{
	struct sc_rtp_header h = {.payload_type = 0, .seq = seq, .timestamp = 0xdecafbad + seq,
				  .ssrc = ssrc};
	uint8_t payload[400];
	for (size_t i = 0; i < payload_len; i++)
		payload[i] = (uint8_t)(i * 31 + seq);
	size_t n = 0;
	CHECK_EQ_INT(sc_rtp_write(&h, payload, payload_len, buf, 1500, &n), 0);
	return n;
}

static size_t make_rtcp(uint8_t *buf, uint32_t ssrc)
{
	// An RR with no blocks and an SDES CNAME, as bytes: V=2, PT 201, length 1; then SDES.
	const uint8_t tail[] = {0x81, 202, 0, 4, 0, 0, 0, 0, 1, 8, 'a', 'l', 'i', 'c', 'e',
				'@', 'x', 'y', 0, 0, 0, 0};
	buf[0] = 0x80;
	buf[1] = 201;
	buf[2] = 0;
	buf[3] = 1;
	sc_wr32(buf + 4, ssrc);
	memcpy(buf + 8, tail, sizeof(tail));
	sc_wr32(buf + 12, ssrc);
	return 8 + sizeof(tail);
}

static void check_suite(enum sc_srtp_cipher cipher, enum sc_srtp_auth auth, bool like_srtp)
{
	size_t klen = cipher == SC_SRTP_AES_CM_256 ? 32 : 16;
	size_t rtp_tag = auth == SC_SRTP_HMAC_SHA1_80 ? 10 : 4;
	size_t rtcp_tag = like_srtp ? rtp_tag : 10;
	struct sc_srtp_keys keys = {.cipher = cipher, .auth = auth, .srtcp_tag_like_srtp = like_srtp};
	if (cipher == SC_SRTP_AES_CM_128)
		b3_master(&keys.tx);
	else
		pattern_master(&keys.tx, 0x42);
	pattern_master(&keys.rx, 0x99);

	struct sc_srtp *ctx = NULL;
	CHECK_EQ_INT(sc_srtp_create(&keys, &ctx), 0);
	if (!ctx)
		return;
	CHECK_EQ_INT(sc_srtp_rtp_overhead(ctx), rtp_tag);
	CHECK_EQ_INT(sc_srtp_rtcp_overhead(ctx), 4 + rtcp_tag);

	// The receiving side of the same keys, as the peer would hold them.
	struct sc_srtp_keys peer_keys = keys;
	peer_keys.tx = keys.rx;
	peer_keys.rx = keys.tx;
	struct sc_srtp *peer = NULL;
	CHECK_EQ_INT(sc_srtp_create(&peer_keys, &peer), 0);

	struct ref_keys rtp_keys, rtcp_keys;
	ref_session_keys(keys.tx.key, klen, keys.tx.salt, false, &rtp_keys);
	ref_session_keys(keys.tx.key, klen, keys.tx.salt, true, &rtcp_keys);

	const uint32_t ssrc = 0xcafebabe;
	uint32_t roc = 0;
	uint16_t seq = 65533;
	for (unsigned i = 0; i < 6; i++, seq++) {
		if (seq == 0)
			roc++;
		uint8_t pkt[1500], want[1500];
		size_t len = make_rtp(pkt, seq, ssrc, 160 + i);
		size_t want_len = ref_protect_rtp(&rtp_keys, pkt, len, 12, roc, rtp_tag, want);
		size_t n = len;
		CHECK_EQ_INT(sc_srtp_protect_rtp(ctx, pkt, &n, sizeof(pkt)), 0);
		CHECK_EQ_INT(n, want_len);
		CHECK(memcmp(pkt, want, want_len) == 0);
		if (peer) {
			CHECK_EQ_INT(sc_srtp_unprotect_rtp(peer, pkt, &n), 0);
			uint8_t plain[1500];
			CHECK_EQ_INT(n, make_rtp(plain, seq, ssrc, 160 + i));
			CHECK(memcmp(pkt, plain, n) == 0);
		}
	}
	uint32_t got_roc = 99;
	CHECK_EQ_INT(sc_srtp_tx_roc(ctx, ssrc, &got_roc), 0);
	CHECK_EQ_INT(got_roc, 1);
	got_roc = 99;
	CHECK_EQ_INT(peer ? sc_srtp_rx_roc(peer, ssrc, &got_roc) : -1, 0);
	CHECK_EQ_INT(got_roc, 1);
	CHECK_EQ_INT(sc_srtp_tx_roc(ctx, 0x1234, &got_roc), -ENOENT);

	// SRTCP: E flag set, index counting up by one, bytes equal to the reference.
	uint32_t prev_index = 0;
	for (unsigned i = 0; i < 3; i++) {
		uint8_t pkt[1500], want[1500];
		size_t len = make_rtcp(pkt, ssrc);
		size_t n = len;
		CHECK_EQ_INT(sc_srtp_protect_rtcp(ctx, pkt, &n, sizeof(pkt)), 0);
		CHECK_EQ_INT(n, len + 4 + rtcp_tag);
		uint32_t e_index = sc_rd32(pkt + len);
		CHECK(e_index & 0x80000000u);
		uint32_t index = e_index & 0x7fffffffu;
		if (i > 0)
			CHECK_EQ_INT(index, prev_index + 1);
		prev_index = index;
		uint8_t plain[1500];
		make_rtcp(plain, ssrc);
		size_t want_len = ref_protect_rtcp(&rtcp_keys, plain, len, index, rtcp_tag, want);
		CHECK_EQ_INT(n, want_len);
		CHECK(memcmp(pkt, want, want_len) == 0);
		if (peer) {
			CHECK_EQ_INT(sc_srtp_unprotect_rtcp(peer, pkt, &n), 0);
			CHECK_EQ_INT(n, len);
			CHECK(memcmp(pkt, plain, len) == 0);
		}
	}
	sc_srtp_free(ctx);
	sc_srtp_free(peer);
}

static void test_libsrtp_matches_reference(void)
{
	check_suite(SC_SRTP_AES_CM_128, SC_SRTP_HMAC_SHA1_80, false);
	check_suite(SC_SRTP_AES_CM_128, SC_SRTP_HMAC_SHA1_32, false);
	check_suite(SC_SRTP_AES_CM_256, SC_SRTP_HMAC_SHA1_80, false);
	check_suite(SC_SRTP_AES_CM_256, SC_SRTP_HMAC_SHA1_32, false);
	check_suite(SC_SRTP_AES_CM_128, SC_SRTP_HMAC_SHA1_32, true);
	CHECK(strcmp(sc_srtp_suite_name(SC_SRTP_AES_CM_256, SC_SRTP_HMAC_SHA1_32),
		     "AES_256_CM_HMAC_SHA1_32") == 0);
	CHECK(strcmp(sc_srtp_suite_name(SC_SRTP_AES_CM_128, SC_SRTP_HMAC_SHA1_80),
		     "AES_CM_128_HMAC_SHA1_80") == 0);
}

static void make_pair(unsigned window, struct sc_srtp **a, struct sc_srtp **b)
{
	struct sc_srtp_keys ka = {.cipher = SC_SRTP_AES_CM_128, .auth = SC_SRTP_HMAC_SHA1_80,
				  .replay_window = window};
	pattern_master(&ka.tx, 1);
	pattern_master(&ka.rx, 2);
	struct sc_srtp_keys kb = ka;
	kb.tx = ka.rx;
	kb.rx = ka.tx;
	CHECK_EQ_INT(sc_srtp_create(&ka, a), 0);
	CHECK_EQ_INT(sc_srtp_create(&kb, b), 0);
}

// libsrtp is not built with sanitizers: prove with canaries that it writes no byte beyond
// the capacity the glue checked, and nothing at all when the capacity is too small.
static void test_capacity(void)
{
	struct sc_srtp *a = NULL, *b = NULL;
	make_pair(0, &a, &b);
	if (!a || !b)
		goto out;
	uint8_t buf[1600];
	memset(buf, 0xee, sizeof(buf));
	size_t len = make_rtp(buf, 100, 7, 160);
	size_t n = len;
	uint8_t before[1600];
	memcpy(before, buf, sizeof(buf));
	CHECK_EQ_INT(sc_srtp_protect_rtp(a, buf, &n, len + 9), -ENOBUFS);
	CHECK(memcmp(buf, before, sizeof(buf)) == 0);
	CHECK_EQ_INT(n, len);
	CHECK_EQ_INT(sc_srtp_protect_rtp(a, buf, &n, len + 10), 0);
	CHECK_EQ_INT(n, len + 10);
	for (size_t i = len + 10; i < sizeof(buf); i++)
		if (buf[i] != 0xee) {
			CHECK(!"libsrtp wrote past the SRTP tag");
			break;
		}

	memset(buf, 0xee, sizeof(buf));
	len = make_rtcp(buf, 7);
	n = len;
	memcpy(before, buf, sizeof(buf));
	CHECK_EQ_INT(sc_srtp_protect_rtcp(a, buf, &n, len + 13), -ENOBUFS);
	CHECK(memcmp(buf, before, sizeof(buf)) == 0);
	CHECK_EQ_INT(sc_srtp_protect_rtcp(a, buf, &n, len + 14), 0);
	CHECK_EQ_INT(n, len + 14);
	for (size_t i = len + 14; i < sizeof(buf); i++)
		if (buf[i] != 0xee) {
			CHECK(!"libsrtp wrote past the SRTCP tag");
			break;
		}
out:
	sc_srtp_free(a);
	sc_srtp_free(b);
}

static void test_replay_and_tamper(void)
{
	struct sc_srtp *a = NULL, *b = NULL;
	make_pair(0, &a, &b);
	if (!a || !b)
		goto out;

	static uint8_t pkts[300][200];
	static size_t lens[300];
	for (unsigned i = 0; i < 300; i++) {
		lens[i] = make_rtp(pkts[i], (uint16_t)(1000 + i), 0x77, 160);
		CHECK_EQ_INT(sc_srtp_protect_rtp(a, pkts[i], &lens[i], sizeof(pkts[i])), 0);
	}
	uint8_t work[200];
	size_t n;

	// The sender refuses to encrypt one sequence number twice (keystream reuse): the last
	// one is a duplicate, an early one is behind its window.
	uint8_t again[200];
	n = make_rtp(again, 1299, 0x77, 160);
	CHECK_EQ_INT(sc_srtp_protect_rtp(a, again, &n, sizeof(again)), -EALREADY);
	n = make_rtp(again, 1000, 0x77, 160);
	CHECK_EQ_INT(sc_srtp_protect_rtp(a, again, &n, sizeof(again)), -ESTALE);

	memcpy(work, pkts[250], lens[250]);
	n = lens[250];
	CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, work, &n), 0);
	memcpy(work, pkts[250], lens[250]);
	n = lens[250];
	CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, work, &n), -EALREADY); // duplicate
	memcpy(work, pkts[200], lens[200]);
	n = lens[200];
	CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, work, &n), 0);         // 50 behind: in window
	memcpy(work, pkts[100], lens[100]);
	n = lens[100];
	CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, work, &n), -ESTALE);   // 150 behind: too old

	// Any flipped bit fails authentication: header, payload, tag.
	const size_t spots[] = {1, 3, 11, 12, 100, 171, 172 + 9};
	for (size_t i = 0; i < sizeof(spots) / sizeof(spots[0]); i++) {
		memcpy(work, pkts[260], lens[260]);
		work[spots[i]] ^= 0x01;
		n = lens[260];
		CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, work, &n), -EBADMSG);
	}
	memcpy(work, pkts[260], lens[260]);
	n = lens[260] - 1; // truncated tag
	CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, work, &n), -EBADMSG);
	n = 12; // header only: not even room for a tag after it
	CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, work, &n), -EINVAL);
	memcpy(work, pkts[260], lens[260]);
	n = lens[260];
	CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, work, &n), 0); // the untouched one still passes

	// Headers whose CSRC count or extension run past the packet never reach libsrtp.
	uint8_t bad[64];
	memset(bad, 0, sizeof(bad));
	bad[0] = 0x8f; // 15 CSRCs need 72 bytes
	n = 40;
	CHECK_EQ_INT(sc_srtp_protect_rtp(a, bad, &n, sizeof(bad)), -EINVAL);
	CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, bad, &n), -EINVAL);
	bad[0] = 0x90; // extension of 0xffff words
	bad[14] = 0xff;
	bad[15] = 0xff;
	CHECK_EQ_INT(sc_srtp_protect_rtp(a, bad, &n, sizeof(bad)), -EINVAL);
	CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, bad, &n), -EINVAL);
	bad[0] = 0x40; // version 1
	CHECK_EQ_INT(sc_srtp_protect_rtcp(a, bad, &n, sizeof(bad)), -EINVAL);
	n = 11;
	bad[0] = 0x80;
	CHECK_EQ_INT(sc_srtp_unprotect_rtcp(b, bad, &n), -EINVAL);
out:
	sc_srtp_free(a);
	sc_srtp_free(b);

	// A 64-packet window makes the 50-behind packet acceptable and 70-behind too old.
	make_pair(64, &a, &b);
	if (a && b) {
		for (unsigned i = 0; i < 300; i++) {
			lens[i] = make_rtp(pkts[i], (uint16_t)(5000 + i), 0x78, 20);
			CHECK_EQ_INT(sc_srtp_protect_rtp(a, pkts[i], &lens[i], sizeof(pkts[i])), 0);
		}
		n = lens[299];
		CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, pkts[299], &n), 0);
		n = lens[249];
		CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, pkts[249], &n), 0);
		n = lens[229];
		CHECK_EQ_INT(sc_srtp_unprotect_rtp(b, pkts[229], &n), -ESTALE);
	}
	sc_srtp_free(a);
	sc_srtp_free(b);
}

static void test_bad_keys(void)
{
	struct sc_srtp_keys k = {.cipher = SC_SRTP_AES_CM_128, .auth = SC_SRTP_HMAC_SHA1_80};
	struct sc_srtp *ctx = (struct sc_srtp *)&k;
	k.replay_window = 63;
	CHECK_EQ_INT(sc_srtp_create(&k, &ctx), -EINVAL);
	CHECK(ctx == NULL);
	k.replay_window = 32768;
	CHECK_EQ_INT(sc_srtp_create(&k, &ctx), -EINVAL);
	k.replay_window = 32767;
	CHECK_EQ_INT(sc_srtp_create(&k, &ctx), 0);
	sc_srtp_free(ctx);
	k.replay_window = 0;
	k.cipher = (enum sc_srtp_cipher)7;
	CHECK_EQ_INT(sc_srtp_create(&k, &ctx), -EINVAL);
	k.cipher = SC_SRTP_AES_CM_256;
	k.auth = (enum sc_srtp_auth)9;
	CHECK_EQ_INT(sc_srtp_create(&k, &ctx), -EINVAL);
	CHECK_EQ_INT(sc_srtp_create(NULL, &ctx), -EINVAL);
	sc_srtp_free(NULL);
	CHECK_EQ_INT(sc_srtp_rtp_overhead(NULL), 0);
}

int main(void)
{
	// Nothing works before the process-wide init, and says so.
	struct sc_srtp_keys k = {.cipher = SC_SRTP_AES_CM_128, .auth = SC_SRTP_HMAC_SHA1_80};
	struct sc_srtp *ctx = NULL;
	CHECK_EQ_INT(sc_srtp_create(&k, &ctx), -EPERM);

	CHECK_EQ_INT(sc_srtp_global_init(), 0);
	CHECK_EQ_INT(sc_srtp_global_init(), 0); // idempotent
	test_reference_against_rfc3711();
	test_libsrtp_matches_reference();
	test_capacity();
	test_replay_and_tamper();
	test_bad_keys();
	sc_srtp_global_shutdown();
	return check_done();
}
