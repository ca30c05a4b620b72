// SPDX-License-Identifier: GPL-3.0-or-later
// Shared secrets and key derivation, RFC 6189 §4.3 (shared secret IDs), §4.4.1 (s0 in DH
// mode), §4.5 (KDF and the keys derived from s0) and §4.6.1 (cache update).
#include "zrtp/engine_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/secret.h"
#include "base/strutil.h"
#include "zrtp/sas.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

// KDF(KI, Label, Context, L) = HMAC(KI, i || Label || 0x00 || Context || L), i = 1, L in
// bits; the output is truncated to L bits (§4.5.1, after NIST SP 800-108).
int zrtp_kdf(enum sc_zrtp_hash hash, const uint8_t *ki, size_t ki_len, const char *label,
	     const uint8_t *context, size_t context_len, size_t bits, uint8_t *out)
{
	uint8_t counter[4], length[4], full[SC_ZRTP_HASH_MAX];
	static const uint8_t separator = 0;
	if (bits / 8 > sc_zrtp_hash_len(hash))
		return -EINVAL;
	put32(counter, 1);
	put32(length, (uint32_t)bits);
	struct sc_zrtp_buf parts[] = {
		{ counter, 4 }, { label, strlen(label) }, { &separator, 1 }, { context, context_len }, { length, 4 },
	};
	int rc = sc_zrtp_hmac(hash, ki, ki_len, parts, 5, full);
	if (rc == 0)
		memcpy(out, full, bits / 8);
	sc_wipe(full, sizeof(full));
	return rc;
}

// rs1IDi = MAC(rs1, "Initiator") and so on, truncated to 64 bits (§4.3.1).
int zrtp_secret_id(struct sc_zrtp *z, const uint8_t *secret, const char *role, uint8_t id[8])
{
	uint8_t full[SC_ZRTP_HASH_MAX];
	struct sc_zrtp_buf part = { role, strlen(role) };
	int rc = sc_zrtp_hmac(z->alg.hash, secret, SC_ZRTP_RS_LEN, &part, 1, full);
	if (rc == 0)
		memcpy(id, full, 8);
	sc_wipe(full, sizeof(full));
	return rc;
}

// The peer's IDs were made with the peer's role label; ours are recomputed with the same
// label. Preference order rs1/rs1, rs1/rs2, rs2/rs1, rs2/rs2, so both ends settle on the
// same secret even when one of them updated its cache and the other did not (§4.3.1).
int zrtp_choose_s1(struct sc_zrtp *z, const uint8_t rs1_id[8], const uint8_t rs2_id[8])
{
	const char *peer_role = z->initiator ? "Responder" : "Initiator";
	uint8_t mine[2][8];
	bool have[2] = { z->cache_found && z->cached.has_rs1, z->cache_found && z->cached.has_rs2 };
	const uint8_t *secrets[2] = { z->cached.rs1, z->cached.rs2 };
	const uint8_t *theirs[2] = { rs1_id, rs2_id };
	z->have_s1 = false;
	for (int i = 0; i < 2; i++)
		if (have[i] && zrtp_secret_id(z, secrets[i], peer_role, mine[i]) != 0)
			return -EIO;
	for (int t = 0; t < 2 && !z->have_s1; t++)
		for (int m = 0; m < 2 && !z->have_s1; m++)
			if (have[m] && sc_ct_memcmp(theirs[t], mine[m], 8) == 0) {
				memcpy(z->s1, secrets[m], 32);
				z->have_s1 = true;
			}
	if (z->have_s1)
		z->cache_state = SC_ZRTP_CACHE_MATCH;
	else if (have[0] || have[1])
		z->cache_state = SC_ZRTP_CACHE_MISMATCH;
	else
		z->cache_state = SC_ZRTP_CACHE_NEW;
	sc_wipe(mine, sizeof(mine));
	return 0;
}

int zrtp_compute_hvi(struct sc_zrtp *z, const uint8_t *dhpart2, size_t len, const uint8_t *hello,
		     size_t hello_len, uint8_t hvi[32])
{
	uint8_t full[SC_ZRTP_HASH_MAX];
	// hvi = hash(initiator's DHPart2 || responder's Hello), truncated to 256 bits (§4.4.1.1).
	struct sc_zrtp_buf parts[] = { { dhpart2, len }, { hello, hello_len } };
	int rc = sc_zrtp_hash(z->alg.hash, parts, 2, full);
	if (rc == 0)
		memcpy(hvi, full, 32);
	return rc;
}

int zrtp_derive_keys(struct sc_zrtp *z, const uint8_t *dh_result, size_t dh_len)
{
	enum sc_zrtp_hash hash = z->alg.hash;
	size_t hlen = sc_zrtp_hash_len(hash), klen = sc_zrtp_cipher_key_len(z->alg.cipher);
	const uint8_t *zid_i = z->initiator ? z->cfg.zid : z->peer_hello_fields.zid;
	const uint8_t *zid_r = z->initiator ? z->peer_hello_fields.zid : z->cfg.zid;
	const struct stored_msg *responder_hello = z->initiator ? &z->peer_hello : &z->hello;
	uint8_t context[2 * SC_ZRTP_ZID_LEN + SC_ZRTP_HASH_MAX];
	uint8_t counter[4], len_s1[4], len_s2[4] = { 0 }, len_s3[4] = { 0 };
	int rc;

	// total_hash = hash(Hello of responder || Commit || DHPart1 || DHPart2) (§4.4.1.4).
	struct sc_zrtp_buf th[] = {
		{ responder_hello->data, responder_hello->len }, { z->commit.data, z->commit.len },
		{ z->dhpart1.data, z->dhpart1.len }, { z->dhpart2.data, z->dhpart2.len },
	};
	rc = sc_zrtp_hash(hash, th, 4, z->total_hash);
	if (rc != 0)
		return rc;
	memcpy(context, zid_i, SC_ZRTP_ZID_LEN);
	memcpy(context + SC_ZRTP_ZID_LEN, zid_r, SC_ZRTP_ZID_LEN);
	memcpy(context + 2 * SC_ZRTP_ZID_LEN, z->total_hash, hlen);
	size_t context_len = 2 * SC_ZRTP_ZID_LEN + hlen;

	// s0 = hash(counter || DHResult || "ZRTP-HMAC-KDF" || ZIDi || ZIDr || total_hash ||
	//           len(s1) || s1 || len(s2) || s2 || len(s3) || s3), s2 and s3 (auxsecret,
	// pbxsecret) are absent here and count as length 0 (§4.4.1.4).
	put32(counter, 1);
	put32(len_s1, z->have_s1 ? 32 : 0);
	static const char kdf_label[] = "ZRTP-HMAC-KDF";
	struct sc_zrtp_buf s0_parts[] = {
		{ counter, 4 }, { dh_result, dh_len }, { kdf_label, sizeof(kdf_label) - 1 },
		{ zid_i, SC_ZRTP_ZID_LEN }, { zid_r, SC_ZRTP_ZID_LEN }, { z->total_hash, hlen },
		{ len_s1, 4 }, { z->s1, z->have_s1 ? 32 : 0 }, { len_s2, 4 }, { len_s3, 4 },
	};
	rc = sc_zrtp_hash(hash, s0_parts, sizeof(s0_parts) / sizeof(s0_parts[0]), z->s0);
	if (rc != 0)
		goto out;

	struct {
		const char *label;
		uint8_t *out;
		size_t bits;
	} derivations[] = {
		{ "Initiator SRTP master key", z->keys.srtp_key_i, klen * 8 },
		{ "Initiator SRTP master salt", z->keys.srtp_salt_i, 112 },
		{ "Responder SRTP master key", z->keys.srtp_key_r, klen * 8 },
		{ "Responder SRTP master salt", z->keys.srtp_salt_r, 112 },
		{ "Initiator HMAC key", z->keys.mac_key_i, hlen * 8 },
		{ "Responder HMAC key", z->keys.mac_key_r, hlen * 8 },
		{ "Initiator ZRTP key", z->keys.zrtp_key_i, klen * 8 },
		{ "Responder ZRTP key", z->keys.zrtp_key_r, klen * 8 },
		{ "SAS", z->keys.sas_hash, 256 },
		{ "retained secret", z->keys.new_rs1, 256 },
	};
	for (size_t i = 0; i < sizeof(derivations) / sizeof(derivations[0]); i++) {
		rc = zrtp_kdf(hash, z->s0, hlen, derivations[i].label, context, context_len,
			      derivations[i].bits, derivations[i].out);
		if (rc != 0)
			goto out;
	}
	z->keys_ready = true;
out:
	// s0 is needed for nothing else here (no Multistream): erase it now (§4.4.1.4).
	sc_wipe(z->s0, sizeof(z->s0));
	sc_wipe(z->s1, sizeof(z->s1));
	return rc;
}

static uint32_t effective_ttl(const struct sc_zrtp *z)
{
	return z->cfg.cache_ttl_s < z->peer_ttl_s ? z->cfg.cache_ttl_s : z->peer_ttl_s;
}

int zrtp_store_cache(struct sc_zrtp *z)
{
	struct sc_zrtp_retained entry;
	int rc = 0;
	// After a mismatch the old secrets stay until the users verify the SAS: resetting
	// them silently would let a man in the middle erase the evidence (§4.6.1.1).
	if (z->cache_state == SC_ZRTP_CACHE_MISMATCH && z->sas_decision != 1)
		return 0;
	// An expiry of 0 from either side means "do not keep a retained secret" (§5.7).
	if (effective_ttl(z) == 0)
		return 0;
	memset(&entry, 0, sizeof(entry));
	entry.has_rs1 = true;
	memcpy(entry.rs1, z->keys.new_rs1, 32);
	if (z->cache_state == SC_ZRTP_CACHE_MATCH && z->cached.has_rs1) {
		entry.has_rs2 = true;
		memcpy(entry.rs2, z->cached.rs1, 32);
	}
	if (z->sas_decision >= 0)
		entry.verified = z->sas_decision == 1;
	else
		entry.verified = z->cache_state == SC_ZRTP_CACHE_MATCH && z->cached.verified;
	entry.ttl_s = effective_ttl(z);
	sc_strcpy(entry.peer_name, sizeof(entry.peer_name), z->cfg.peer_name);
	rc = z->cache.store(z->cache.ctx, z->peer_hello_fields.zid, &entry);
	if (rc == 0)
		z->stored = entry;
	sc_wipe(&entry, sizeof(entry));
	return rc;
}

static void fill_key(struct sc_zrtp_srtp_key *k, const uint8_t *key, size_t key_len, const uint8_t *salt)
{
	memcpy(k->key, key, key_len);
	k->key_len = key_len;
	memcpy(k->salt, salt, 14);
	k->salt_len = 14;
}

void zrtp_finish(struct sc_zrtp *z)
{
	struct sc_zrtp_secure_info info;
	char zid_hex[2 * SC_ZRTP_ZID_LEN + 1];
	size_t klen = sc_zrtp_cipher_key_len(z->alg.cipher);
	const uint8_t *h = z->keys.sas_hash;
	uint32_t sas_value = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];

	memset(&info, 0, sizeof(info));
	info.initiator = z->initiator;
	info.hash = z->alg.hash;
	info.cipher = z->alg.cipher;
	info.auth_tag = z->alg.auth;
	info.auth_tag_bits = z->alg.auth == SC_ZRTP_HS80 ? 80 : 32;
	info.key_agreement = z->alg.ka;
	info.sas_type = z->alg.sas;
	sc_zrtp_sas_render(z->alg.sas, sas_value, info.sas, sizeof(info.sas));
	// Verified only when both caches say so and continuity held (§4.6.1, §7.1).
	info.verified = z->cache_state == SC_ZRTP_CACHE_MATCH && z->cached.verified &&
			z->peer_verified_flag;
	info.cache = z->cache_state;
	memcpy(info.peer_zid, z->peer_hello_fields.zid, SC_ZRTP_ZID_LEN);
	if (z->initiator) {
		fill_key(&info.tx, z->keys.srtp_key_i, klen, z->keys.srtp_salt_i);
		fill_key(&info.rx, z->keys.srtp_key_r, klen, z->keys.srtp_salt_r);
	} else {
		fill_key(&info.tx, z->keys.srtp_key_r, klen, z->keys.srtp_salt_r);
		fill_key(&info.rx, z->keys.srtp_key_i, klen, z->keys.srtp_salt_i);
	}
	sc_hex_encode(z->peer_hello_fields.zid, SC_ZRTP_ZID_LEN, zid_hex);
	if (z->cache_state == SC_ZRTP_CACHE_MISMATCH)
		zrtp_event(z, SC_ZRTP_EVENT_CACHE_MISMATCH, 0,
			   "ZRTP cache mismatch with %s (ZID %s): the peer does not hold the secret "
			   "kept from earlier calls; either it lost its cache or someone is in the middle. "
			   "Compare the SAS by voice before trusting this call",
			   z->cfg.peer_name[0] ? z->cfg.peer_name : "the peer", zid_hex);
	struct sc_zrtp_event *ev = zrtp_event(
		z, SC_ZRTP_EVENT_SECURE, 0, "secure: %s %s %s %s %s, SAS %s%s",
		zrtp_wire_ka(info.key_agreement), zrtp_wire_hash(info.hash), zrtp_wire_cipher(info.cipher),
		zrtp_wire_auth(info.auth_tag), zrtp_wire_sas(info.sas_type), info.sas,
		info.verified ? " (verified)" : "");
	if (ev)
		ev->secure = info;
	sc_wipe(&info, sizeof(info));
	z->finished = true;
	sc_zrtp_ka_wipe(&z->ka);
	int rc = zrtp_store_cache(z);
	if (rc != 0)
		zrtp_event(z, SC_ZRTP_EVENT_ALARM, 0,
			   "could not write the ZRTP cache (%s): this call's retained secret is lost, "
			   "so the next call will not be recognised as continuing this one",
			   strerror(-rc));
}
