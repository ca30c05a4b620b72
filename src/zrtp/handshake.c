// SPDX-License-Identifier: GPL-3.0-or-later
// One handler per ZRTP message (RFC 6189 §4 and §5). A handler returns 0 when it used the
// packet, or why it ignored it: -EBADMSG (malformed), -EPROTO (not expected now), -EPERM
// (failed authentication). Protocol failures that end the session go through zrtp_fail.
#include "zrtp/engine_internal.h"

#include <errno.h>
#include <string.h>

#include "base/secret.h"
#include "base/strutil.h"
#include "zrtp/negotiate.h"

static bool same_msg(const struct stored_msg *stored, const struct sc_zrtp_packet *pkt)
{
	return stored->len == pkt->msg_len && memcmp(stored->data, pkt->msg, pkt->msg_len) == 0;
}

static void store_msg(struct stored_msg *dst, const struct sc_zrtp_packet *pkt)
{
	memcpy(dst->data, pkt->msg, pkt->msg_len);
	dst->len = pkt->msg_len;
}

static void send_simple(struct sc_zrtp *z, enum sc_zrtp_msg_type type)
{
	uint8_t msg[16];
	zrtp_send(z, msg, sc_zrtp_build_simple(msg, type));
}

static void send_error_once(struct sc_zrtp *z, uint32_t code)
{
	uint8_t msg[16];
	zrtp_send(z, msg, sc_zrtp_build_error(msg, code));
}

int zrtp_hello_check_signaled(struct sc_zrtp *z)
{
	uint8_t digest[32];
	if (!z->have_signaled_hash || !z->have_peer_hello)
		return 0;
	if (sc_zrtp_sha256(z->peer_hello.data, z->peer_hello.len, digest) != 0)
		return -EIO;
	if (sc_ct_memcmp(digest, z->signaled_hash, 32) == 0)
		return 0;
	if (!z->mitm_alarm_raised) {
		z->mitm_alarm_raised = true;
		zrtp_event(z, SC_ZRTP_EVENT_ALARM, 0,
			   "possible man in the middle: the peer's ZRTP Hello does not match the "
			   "a=zrtp-hash its SDP signaled, so the media path is not the signaled peer");
	}
	return -EPERM;
}

// DHPart with our hash image H1, shared secret IDs and public value, MACed with H0.
static int build_dhpart(struct sc_zrtp *z, bool part2, struct stored_msg *out)
{
	struct sc_zrtp_dhpart d;
	const char *role = part2 ? "Initiator" : "Responder";
	memset(&d, 0, sizeof(d));
	memcpy(d.h1, z->h1, 32);
	// Without a retained secret the ID is random, so an observer cannot tell (§4.3.1);
	// auxsecret and pbxsecret are never held here, so theirs are always random.
	if (zrtp_random(z, d.rs1_id, 8) != 0 || zrtp_random(z, d.rs2_id, 8) != 0 ||
	    zrtp_random(z, d.aux_id, 8) != 0 || zrtp_random(z, d.pbx_id, 8) != 0)
		return -EIO;
	if (z->cache_found && z->cached.has_rs1 && zrtp_secret_id(z, z->cached.rs1, role, d.rs1_id) != 0)
		return -EIO;
	if (z->cache_found && z->cached.has_rs2 && zrtp_secret_id(z, z->cached.rs2, role, d.rs2_id) != 0)
		return -EIO;
	d.pv = z->ka.pub;
	d.pv_len = z->ka.pub_len;
	out->len = sc_zrtp_build_dhpart(out->data, part2, &d);
	return sc_zrtp_msg_fill_mac(out->data, out->len, z->h0) == 0 ? 0 : -EIO;
}

static int start_commit(struct sc_zrtp *z)
{
	struct sc_zrtp_commit c;
	zrtp_negotiate(&z->cfg.algorithms, &z->peer_hello_fields, &z->alg);
	z->initiator = true;
	if (sc_zrtp_ka_generate(&z->ka, z->alg.ka, z->rng, z->rng_ctx) != 0 ||
	    build_dhpart(z, true, &z->dhpart2) != 0 ||
	    zrtp_compute_hvi(z, z->dhpart2.data, z->dhpart2.len, z->peer_hello.data,
			     z->peer_hello.len, z->our_hvi) != 0) {
		zrtp_fail(z, 0x20, "ZRTP could not prepare its Commit (crypto library failure)");
		return -EIO;
	}
	memset(&c, 0, sizeof(c));
	memcpy(c.h2, z->h2, 32);
	memcpy(c.zid, z->cfg.zid, SC_ZRTP_ZID_LEN);
	memcpy(c.hash, zrtp_wire_hash(z->alg.hash), 4);
	memcpy(c.cipher, zrtp_wire_cipher(z->alg.cipher), 4);
	memcpy(c.auth, zrtp_wire_auth(z->alg.auth), 4);
	memcpy(c.ka, zrtp_wire_ka(z->alg.ka), 4);
	memcpy(c.sas, zrtp_wire_sas(z->alg.sas), 4);
	c.dh_mode = true;
	memcpy(c.hvi, z->our_hvi, 32);
	z->commit.len = sc_zrtp_build_commit(z->commit.data, &c);
	if (sc_zrtp_msg_fill_mac(z->commit.data, z->commit.len, z->h1) != 0) {
		zrtp_fail(z, 0x20, "ZRTP could not MAC its Commit (crypto library failure)");
		return -EIO;
	}
	z->state = SC_ZRTP_WAIT_DHPART1;
	zrtp_send_retransmitted(z, SC_ZRTP_MSG_COMMIT, z->commit.data, z->commit.len, false);
	return 0;
}

static void maybe_commit(struct sc_zrtp *z)
{
	if (z->state == SC_ZRTP_DISCOVERY && z->hello_acked && z->have_peer_hello && !z->cfg.passive)
		start_commit(z);
}

static int on_hello(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt)
{
	const struct sc_zrtp_hello *h = &pkt->u.hello;
	if (z->state == SC_ZRTP_FAILED)
		return -EPROTO;
	if (z->have_peer_hello) {
		if (!same_msg(&z->peer_hello, pkt))
			return -EPROTO;
		send_simple(z, SC_ZRTP_MSG_HELLOACK); // our HelloACK was lost
		return 0;
	}
	if (memcmp(h->version, "1.1", 3) != 0)
		return -EPROTO; // a later version's peer falls back to ours (§4.1.1)
	if (memcmp(h->zid, z->cfg.zid, SC_ZRTP_ZID_LEN) == 0) {
		zrtp_fail(z, 0x90, "the peer's ZRTP Hello carries our own ZID: a looped-back media "
				   "path or a cloned cache file; give each site its own ZRTP cache");
		return 0;
	}
	z->have_peer_hello = true;
	store_msg(&z->peer_hello, pkt);
	z->peer_hello_fields = *h;
	if (zrtp_hello_check_signaled(z) != 0) {
		// Not the peer the signaling named: never key with it.
		z->have_peer_hello = false;
		z->peer_hello.len = 0;
		return -EPERM;
	}
	int rc = z->cache.lookup(z->cache.ctx, h->zid, &z->cached);
	z->cache_found = rc == 0;
	if (rc != 0 && rc != -ENOENT)
		zrtp_event(z, SC_ZRTP_EVENT_ALARM, 0,
			   "could not read the ZRTP cache (%s): continuing as if the peer were new",
			   strerror(-rc));
	send_simple(z, SC_ZRTP_MSG_HELLOACK);
	maybe_commit(z);
	return 0;
}

static int on_helloack(struct sc_zrtp *z)
{
	if (z->state != SC_ZRTP_DISCOVERY || z->hello_acked)
		return -EPROTO;
	z->hello_acked = true;
	zrtp_stop_retransmit(z);
	maybe_commit(z);
	return 0;
}

static int become_responder(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt)
{
	const struct sc_zrtp_commit *c = &pkt->u.commit;
	uint8_t h3[32];
	// H2 must hash to the H3 of the peer's Hello, and it keys that Hello's MAC (§9).
	if (sc_zrtp_sha256(c->h2, 32, h3) != 0 || memcmp(h3, z->peer_hello_fields.h3, 32) != 0)
		return -EPERM;
	if (sc_zrtp_msg_check_mac(z->peer_hello.data, z->peer_hello.len, c->h2) != 0)
		return -EPERM;
	if (memcmp(c->zid, z->peer_hello_fields.zid, SC_ZRTP_ZID_LEN) != 0)
		return -EPROTO;
	if (!c->dh_mode) {
		zrtp_fail(z, 0x53, "the peer asked for ZRTP %.4s mode; sealcall keys every stream "
				   "with its own Diffie-Hellman exchange", c->ka);
		return 0;
	}
	uint32_t code = zrtp_accept_commit(&z->cfg.algorithms, &z->peer_hello_fields, c, &z->alg);
	if (code) {
		zrtp_fail(z, code, "the peer's ZRTP Commit chose an algorithm that was not offered (%s)",
			  sc_zrtp_error_text(code));
		return 0;
	}
	zrtp_stop_retransmit(z); // a Commit acknowledges our Hello (§4.1)
	z->hello_acked = true;
	z->initiator = false;
	store_msg(&z->commit, pkt);
	memcpy(z->peer_h2, c->h2, 32);
	memcpy(z->peer_hvi, c->hvi, 32);
	if (sc_zrtp_ka_generate(&z->ka, z->alg.ka, z->rng, z->rng_ctx) != 0 ||
	    build_dhpart(z, false, &z->dhpart1) != 0) {
		zrtp_fail(z, 0x20, "ZRTP could not prepare DHPart1 (crypto library failure)");
		return 0;
	}
	z->state = SC_ZRTP_WAIT_DHPART2;
	// The responder never retransmits: it answers the initiator's retransmissions (§6).
	zrtp_send(z, z->dhpart1.data, z->dhpart1.len);
	return 0;
}

static int on_commit(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt)
{
	const struct sc_zrtp_commit *c = &pkt->u.commit;
	if (!z->have_peer_hello)
		return -EPROTO; // its Hello will be retransmitted, and then this Commit
	switch (z->state) {
	case SC_ZRTP_DISCOVERY:
		return become_responder(z, pkt);
	case SC_ZRTP_WAIT_DHPART1:
		// Both sent Commit (§4.2): a DH Commit beats a nonce one; between two DH
		// Commits the higher hvi stays initiator, and the other side gives way.
		if (!c->dh_mode || memcmp(z->our_hvi, c->hvi, 32) > 0)
			return 0;
		zrtp_stop_retransmit(z);
		sc_zrtp_ka_wipe(&z->ka);
		z->dhpart2.len = 0;
		return become_responder(z, pkt);
	case SC_ZRTP_WAIT_DHPART2:
		if (!same_msg(&z->commit, pkt))
			return -EPROTO;
		zrtp_send(z, z->dhpart1.data, z->dhpart1.len); // our DHPart1 was lost
		return 0;
	default:
		return -EPROTO;
	}
}

static int agree(struct sc_zrtp *z, const struct sc_zrtp_dhpart *d, uint8_t *result)
{
	int rc = sc_zrtp_ka_agree(&z->ka, d->pv, d->pv_len, result);
	if (rc == -EBADMSG)
		zrtp_fail(z, 0x61, "the peer's ZRTP public value is invalid (0, 1, p-1 or a point not "
				   "on the curve): a broken or hostile peer");
	else if (rc != 0)
		zrtp_fail(z, 0x20, "ZRTP key agreement failed in the crypto library");
	return rc;
}

static int on_dhpart1(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt)
{
	const struct sc_zrtp_dhpart *d = &pkt->u.dhpart;
	uint8_t h2[32], h3[32], result[SC_ZRTP_PV_MAX];
	if (z->state != SC_ZRTP_WAIT_DHPART1)
		return -EPROTO;
	if (d->pv_len != z->ka.pub_len)
		return -EBADMSG;
	// The responder reveals H1: two hashes lead to its Hello's H3, one to its Hello MAC key.
	if (sc_zrtp_sha256(d->h1, 32, h2) != 0 || sc_zrtp_sha256(h2, 32, h3) != 0 ||
	    memcmp(h3, z->peer_hello_fields.h3, 32) != 0 ||
	    sc_zrtp_msg_check_mac(z->peer_hello.data, z->peer_hello.len, h2) != 0)
		return -EPERM;
	if (agree(z, d, result) != 0)
		return 0;
	zrtp_stop_retransmit(z);
	store_msg(&z->dhpart1, pkt);
	memcpy(z->peer_h2, h2, 32);
	memcpy(z->peer_h1, d->h1, 32);
	int rc = zrtp_choose_s1(z, d->rs1_id, d->rs2_id);
	if (rc == 0)
		rc = zrtp_derive_keys(z, result, sc_zrtp_ka_result_len(z->alg.ka));
	sc_wipe(result, sizeof(result));
	if (rc != 0) {
		zrtp_fail(z, 0x20, "ZRTP key derivation failed in the crypto library");
		return 0;
	}
	z->state = SC_ZRTP_WAIT_CONFIRM1;
	zrtp_send_retransmitted(z, SC_ZRTP_MSG_DHPART2, z->dhpart2.data, z->dhpart2.len, false);
	return 0;
}

static int build_confirm(struct sc_zrtp *z, bool confirm2, struct stored_msg *out)
{
	struct sc_zrtp_confirm_plain plain;
	struct sc_zrtp_confirm c;
	uint8_t clear[SC_ZRTP_CONFIRM_PLAIN_LEN], encrypted[SC_ZRTP_CONFIRM_PLAIN_LEN];
	uint8_t full[SC_ZRTP_HASH_MAX];
	size_t klen = sc_zrtp_cipher_key_len(z->alg.cipher), hlen = sc_zrtp_hash_len(z->alg.hash);
	const uint8_t *zrtp_key = confirm2 ? z->keys.zrtp_key_i : z->keys.zrtp_key_r;
	const uint8_t *mac_key = confirm2 ? z->keys.mac_key_i : z->keys.mac_key_r;
	int rc = -EIO;

	memset(&plain, 0, sizeof(plain));
	memcpy(plain.h0, z->h0, 32);
	// V tells the peer our cache has this SAS verified; after a mismatch it never is.
	plain.verified = z->cache_state == SC_ZRTP_CACHE_MATCH && z->cached.verified;
	plain.cache_expiry_s = z->cfg.cache_ttl_s;
	sc_zrtp_confirm_plain_encode(clear, &plain);
	memset(&c, 0, sizeof(c));
	if (zrtp_random(z, c.iv, sizeof(c.iv)) != 0 ||
	    sc_zrtp_aes_cfb(1, zrtp_key, klen, c.iv, clear, encrypted, sizeof(clear)) != 0)
		goto out;
	// confirm_mac = MAC(mackey, encrypted part), truncated to 64 bits (§5.7).
	struct sc_zrtp_buf part = { encrypted, sizeof(encrypted) };
	if (sc_zrtp_hmac(z->alg.hash, mac_key, hlen, &part, 1, full) != 0)
		goto out;
	memcpy(c.mac, full, 8);
	c.encrypted = encrypted;
	c.encrypted_len = sizeof(encrypted);
	out->len = sc_zrtp_build_confirm(out->data, confirm2, &c);
	rc = 0;
out:
	sc_wipe(clear, sizeof(clear));
	sc_wipe(&plain, sizeof(plain));
	return rc;
}

// Checks confirm_mac, decrypts, and checks H0 against the peer's H1 and the MAC of the
// peer's DHPart, which H0 keys.
static int open_confirm(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt, bool confirm2,
			struct sc_zrtp_confirm_plain *plain)
{
	const struct sc_zrtp_confirm *c = &pkt->u.confirm;
	const uint8_t *zrtp_key = confirm2 ? z->keys.zrtp_key_i : z->keys.zrtp_key_r;
	const uint8_t *mac_key = confirm2 ? z->keys.mac_key_i : z->keys.mac_key_r;
	const struct stored_msg *peer_dhpart = confirm2 ? &z->dhpart2 : &z->dhpart1;
	size_t klen = sc_zrtp_cipher_key_len(z->alg.cipher), hlen = sc_zrtp_hash_len(z->alg.hash);
	uint8_t full[SC_ZRTP_HASH_MAX], clear[SC_ZRTP_MSG_MAX], h1[32];
	int rc = -EPERM;

	struct sc_zrtp_buf part = { c->encrypted, c->encrypted_len };
	if (sc_zrtp_hmac(z->alg.hash, mac_key, hlen, &part, 1, full) != 0 ||
	    sc_ct_memcmp(full, c->mac, 8) != 0)
		return -EPERM;
	if (sc_zrtp_aes_cfb(0, zrtp_key, klen, c->iv, c->encrypted, clear, c->encrypted_len) != 0)
		return -EIO;
	rc = sc_zrtp_confirm_plain_decode(clear, c->encrypted_len, plain);
	if (rc != 0)
		goto out;
	rc = -EPERM;
	if (sc_zrtp_sha256(plain->h0, 32, h1) != 0 || memcmp(h1, z->peer_h1, 32) != 0 ||
	    sc_zrtp_msg_check_mac(peer_dhpart->data, peer_dhpart->len, plain->h0) != 0)
		goto out;
	rc = 0;
out:
	sc_wipe(clear, sizeof(clear));
	return rc;
}

static int on_dhpart2(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt)
{
	const struct sc_zrtp_dhpart *d = &pkt->u.dhpart;
	uint8_t h2[32], hvi[32], result[SC_ZRTP_PV_MAX];
	if (z->state == SC_ZRTP_WAIT_CONFIRM2 && same_msg(&z->dhpart2, pkt)) {
		zrtp_send(z, z->our_confirm.data, z->our_confirm.len); // Confirm1 was lost
		return 0;
	}
	if (z->state != SC_ZRTP_WAIT_DHPART2)
		return -EPROTO;
	if (d->pv_len != z->ka.pub_len)
		return -EBADMSG;
	if (sc_zrtp_sha256(d->h1, 32, h2) != 0 || memcmp(h2, z->peer_h2, 32) != 0 ||
	    sc_zrtp_msg_check_mac(z->commit.data, z->commit.len, d->h1) != 0)
		return -EPERM;
	// The Commit's hvi bound the initiator to this DHPart2 before it saw our pvr (§4.4.1.1).
	if (zrtp_compute_hvi(z, pkt->msg, pkt->msg_len, z->hello.data, z->hello.len, hvi) != 0 ||
	    memcmp(hvi, z->peer_hvi, 32) != 0) {
		zrtp_fail(z, 0x62, "the peer's DHPart2 does not match the hvi its Commit promised: "
				   "a man in the middle altering the exchange, or a broken peer");
		return 0;
	}
	if (agree(z, d, result) != 0)
		return 0;
	store_msg(&z->dhpart2, pkt);
	memcpy(z->peer_h1, d->h1, 32);
	int rc = zrtp_choose_s1(z, d->rs1_id, d->rs2_id);
	if (rc == 0)
		rc = zrtp_derive_keys(z, result, sc_zrtp_ka_result_len(z->alg.ka));
	sc_wipe(result, sizeof(result));
	if (rc == 0)
		rc = build_confirm(z, false, &z->our_confirm);
	if (rc != 0) {
		zrtp_fail(z, 0x20, "ZRTP key derivation failed in the crypto library");
		return 0;
	}
	z->state = SC_ZRTP_WAIT_CONFIRM2;
	zrtp_send(z, z->our_confirm.data, z->our_confirm.len);
	return 0;
}

static int on_confirm1(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt)
{
	struct sc_zrtp_confirm_plain plain;
	if (z->state != SC_ZRTP_WAIT_CONFIRM1)
		return -EPROTO;
	int rc = open_confirm(z, pkt, false, &plain);
	if (rc != 0)
		return rc == -EIO ? -EPROTO : rc;
	z->peer_verified_flag = plain.verified;
	z->peer_ttl_s = plain.cache_expiry_s;
	store_msg(&z->peer_confirm, pkt);
	if (build_confirm(z, true, &z->our_confirm) != 0) {
		zrtp_fail(z, 0x20, "ZRTP could not build Confirm2 (crypto library failure)");
		return 0;
	}
	z->state = SC_ZRTP_WAIT_CONF2ACK;
	zrtp_send_retransmitted(z, SC_ZRTP_MSG_CONFIRM2, z->our_confirm.data, z->our_confirm.len, false);
	zrtp_finish(z);
	return 0;
}

static int on_confirm2(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt)
{
	struct sc_zrtp_confirm_plain plain;
	if (z->state == SC_ZRTP_SECURE && !z->initiator && same_msg(&z->peer_confirm, pkt)) {
		send_simple(z, SC_ZRTP_MSG_CONF2ACK); // our Conf2ACK was lost
		return 0;
	}
	if (z->state != SC_ZRTP_WAIT_CONFIRM2)
		return -EPROTO;
	int rc = open_confirm(z, pkt, true, &plain);
	if (rc != 0)
		return rc == -EIO ? -EPROTO : rc;
	z->peer_verified_flag = plain.verified;
	z->peer_ttl_s = plain.cache_expiry_s;
	store_msg(&z->peer_confirm, pkt);
	send_simple(z, SC_ZRTP_MSG_CONF2ACK);
	z->state = SC_ZRTP_SECURE;
	zrtp_finish(z);
	return 0;
}

static int on_conf2ack(struct sc_zrtp *z)
{
	if (z->state != SC_ZRTP_WAIT_CONF2ACK)
		return -EPROTO;
	zrtp_stop_retransmit(z);
	z->state = SC_ZRTP_SECURE;
	return 0;
}

static int on_error(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt)
{
	uint32_t code = pkt->u.error_code;
	send_simple(z, SC_ZRTP_MSG_ERRORACK);
	if (z->state == SC_ZRTP_FAILED)
		return 0; // a retransmission: the ErrorACK above answers it
	zrtp_stop_retransmit(z);
	z->state = SC_ZRTP_FAILED;
	sc_zrtp_ka_wipe(&z->ka);
	zrtp_event(z, SC_ZRTP_EVENT_FAILED, code, "the peer ended ZRTP with error 0x%x (%s)", code,
		   sc_zrtp_error_text(code));
	return 0;
}

static int on_errorack(struct sc_zrtp *z)
{
	if (!z->rt.active || z->rt.type != SC_ZRTP_MSG_ERROR)
		return -EPROTO;
	zrtp_stop_retransmit(z);
	return 0;
}

static int on_ping(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt)
{
	struct sc_zrtp_pingack ack;
	uint8_t digest[32], msg[64];
	// Our endpoint hash: SHA-256 of our ZID, truncated to 64 bits (§5.15).
	if (sc_zrtp_sha256(z->cfg.zid, SC_ZRTP_ZID_LEN, digest) != 0)
		return -EPROTO;
	memcpy(ack.version, SC_ZRTP_VERSION, 4);
	memcpy(ack.endpoint_hash, digest, 8);
	memcpy(ack.ping_endpoint_hash, pkt->u.ping.endpoint_hash, 8);
	ack.ping_ssrc = pkt->ssrc;
	zrtp_send(z, msg, sc_zrtp_build_pingack(msg, &ack));
	return 0;
}

int zrtp_on_packet(struct sc_zrtp *z, const struct sc_zrtp_packet *pkt)
{
	switch (pkt->type) {
	case SC_ZRTP_MSG_HELLO:
		return on_hello(z, pkt);
	case SC_ZRTP_MSG_HELLOACK:
		return on_helloack(z);
	case SC_ZRTP_MSG_COMMIT:
		return on_commit(z, pkt);
	case SC_ZRTP_MSG_DHPART1:
		return on_dhpart1(z, pkt);
	case SC_ZRTP_MSG_DHPART2:
		return on_dhpart2(z, pkt);
	case SC_ZRTP_MSG_CONFIRM1:
		return on_confirm1(z, pkt);
	case SC_ZRTP_MSG_CONFIRM2:
		return on_confirm2(z, pkt);
	case SC_ZRTP_MSG_CONF2ACK:
		return on_conf2ack(z);
	case SC_ZRTP_MSG_ERROR:
		return on_error(z, pkt);
	case SC_ZRTP_MSG_ERRORACK:
		return on_errorack(z);
	case SC_ZRTP_MSG_GOCLEAR:
		// Never honoured: media stays encrypted whatever the peer asks (DESIGN
		// invariant 5). Error 0x100 tells it so; the caller decides about the call.
		zrtp_event(z, SC_ZRTP_EVENT_ALARM, 0x100,
			   "peer asked to go clear (GoClear); refused, media stays encrypted");
		send_error_once(z, 0x100);
		return 0;
	case SC_ZRTP_MSG_SASRELAY:
		// Only a PBX the user enrolled may relay a SAS, and sealcall enrolls none.
		zrtp_event(z, SC_ZRTP_EVENT_ALARM, 0x63,
			   "peer sent a SASrelay (a PBX claiming to relay the SAS); refused, the SAS "
			   "shown is the one of this hop");
		send_error_once(z, 0x63);
		return 0;
	case SC_ZRTP_MSG_PING:
		return on_ping(z, pkt);
	default: // ClearACK, RelayACK, PingACK: answers to what we never send
		return -EPROTO;
	}
}
