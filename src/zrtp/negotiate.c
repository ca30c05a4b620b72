// SPDX-License-Identifier: GPL-3.0-or-later
#include "zrtp/negotiate.h"

#include <string.h>

enum kind { K_HASH, K_CIPHER, K_AUTH, K_KA, K_SAS, K_COUNT };

// Per kind: wire names indexed by the policy enum, and the mandatory values (§5.1.2-§5.1.6).
static const char *const wire[K_COUNT][3] = {
	[K_HASH] = { "S256", "S384", NULL },
	[K_CIPHER] = { "AES1", "AES3", NULL },
	[K_AUTH] = { "HS32", "HS80", NULL },
	[K_KA] = { "DH3k", "EC25", "X255" },
	[K_SAS] = { "B32 ", "B256", NULL },
};
static const int n_values[K_COUNT] = { 2, 2, 2, 3, 2 };
static const int mandatory[K_COUNT][2] = {
	[K_HASH] = { SC_ZRTP_S256, -1 },
	[K_CIPHER] = { SC_ZRTP_AES1, -1 },
	[K_AUTH] = { SC_ZRTP_HS32, SC_ZRTP_HS80 },
	[K_KA] = { SC_ZRTP_DH3K, -1 },
	[K_SAS] = { SC_ZRTP_B32, -1 },
};
static const uint32_t unsupported_code[K_COUNT] = { 0x51, 0x52, 0x54, 0x53, 0x55 };

// Key agreements from fastest to slowest, as measured here (FIELD-NOTES: X25519 0.09 ms,
// P-256 0.42 ms, DH-3072 3.7 ms) and as bzrtp ranks them.
static int ka_speed_rank(int ka)
{
	return ka == SC_ZRTP_X255 ? 0 : ka == SC_ZRTP_EC25 ? 1 : 2;
}

struct ordered {
	int n;
	int v[SC_MAX_LIST + 2];
};

static void add_unique(struct ordered *o, int v)
{
	for (int i = 0; i < o->n; i++)
		if (o->v[i] == v)
			return;
	if (o->n < (int)(sizeof(o->v) / sizeof(o->v[0])))
		o->v[o->n++] = v;
}

static int from_wire(enum kind k, const char name[4])
{
	for (int i = 0; i < n_values[k]; i++)
		if (memcmp(wire[k][i], name, 4) == 0)
			return i;
	return -1;
}

static size_t policy_list(const struct sc_zrtp_policy *p, enum kind k, int out[SC_MAX_LIST])
{
	size_t n = 0;
	switch (k) {
	case K_HASH:
		for (; n < p->n_hashes && n < SC_MAX_LIST; n++)
			out[n] = (int)p->hashes[n];
		break;
	case K_CIPHER:
		for (; n < p->n_ciphers && n < SC_MAX_LIST; n++)
			out[n] = (int)p->ciphers[n];
		break;
	case K_AUTH:
		for (; n < p->n_auth_tags && n < SC_MAX_LIST; n++)
			out[n] = (int)p->auth_tags[n];
		break;
	case K_KA:
		for (; n < p->n_key_agreements && n < SC_MAX_LIST; n++)
			out[n] = (int)p->key_agreements[n];
		break;
	default:
		for (; n < p->n_sas_types && n < SC_MAX_LIST; n++)
			out[n] = (int)p->sas_types[n];
		break;
	}
	return n;
}

static struct ordered ours_supported(const struct sc_zrtp_policy *p, enum kind k)
{
	struct ordered o = { 0 };
	int values[SC_MAX_LIST];
	size_t n = policy_list(p, k, values);
	for (size_t i = 0; i < n; i++)
		if (values[i] >= 0 && values[i] < n_values[k])
			add_unique(&o, values[i]);
	for (int i = 0; i < 2; i++)
		if (mandatory[k][i] >= 0)
			add_unique(&o, mandatory[k][i]);
	return o;
}

static const struct sc_zrtp_algo_list *peer_list(const struct sc_zrtp_hello *h, enum kind k)
{
	const struct sc_zrtp_algo_list *lists[K_COUNT] = { &h->hash, &h->cipher, &h->auth, &h->ka, &h->sas };
	return lists[k];
}

static struct ordered peer_supported(const struct sc_zrtp_hello *h, enum kind k)
{
	struct ordered o = { 0 };
	const struct sc_zrtp_algo_list *l = peer_list(h, k);
	for (int i = 0; i < l->n; i++) {
		int v = from_wire(k, l->names[i]);
		if (v >= 0)
			add_unique(&o, v);
	}
	for (int i = 0; i < 2; i++)
		if (mandatory[k][i] >= 0)
			add_unique(&o, mandatory[k][i]);
	return o;
}

static bool contains(const struct ordered *o, int v)
{
	for (int i = 0; i < o->n; i++)
		if (o->v[i] == v)
			return true;
	return false;
}

static int first_common(const struct ordered *order, const struct ordered *other)
{
	for (int i = 0; i < order->n; i++)
		if (contains(other, order->v[i]))
			return order->v[i];
	return -1; // cannot happen: both sides hold the mandatory values
}

void zrtp_hello_lists(const struct sc_zrtp_policy *ours, struct sc_zrtp_hello *hello)
{
	struct sc_zrtp_algo_list *lists[K_COUNT] = { &hello->hash, &hello->cipher, &hello->auth,
						     &hello->ka, &hello->sas };
	for (int k = 0; k < K_COUNT; k++) {
		int values[SC_MAX_LIST];
		size_t n = policy_list(ours, (enum kind)k, values);
		lists[k]->n = 0;
		for (size_t i = 0; i < n && lists[k]->n < SC_ZRTP_ALGO_LIST_MAX; i++)
			if (values[i] >= 0 && values[i] < n_values[k])
				memcpy(lists[k]->names[lists[k]->n++], wire[k][values[i]], 4);
	}
}

void zrtp_negotiate(const struct sc_zrtp_policy *ours, const struct sc_zrtp_hello *peer,
		    struct negotiated *out)
{
	int chosen[K_COUNT];
	for (int k = 0; k < K_COUNT; k++) {
		struct ordered mine = ours_supported(ours, (enum kind)k);
		struct ordered theirs = peer_supported(peer, (enum kind)k);
		chosen[k] = first_common(&mine, &theirs);
		if (k == K_KA) {
			// Both sides apply the same rule to the same two lists, so a Commit from
			// either names the same key agreement (§4.1.2).
			int their_first = first_common(&theirs, &mine);
			if (ka_speed_rank(their_first) < ka_speed_rank(chosen[k]))
				chosen[k] = their_first;
		}
	}
	out->hash = (enum sc_zrtp_hash)chosen[K_HASH];
	out->cipher = (enum sc_zrtp_cipher)chosen[K_CIPHER];
	out->auth = (enum sc_zrtp_auth)chosen[K_AUTH];
	out->ka = (enum sc_zrtp_key_agreement)chosen[K_KA];
	out->sas = (enum sc_zrtp_sas)chosen[K_SAS];
}

uint32_t zrtp_accept_commit(const struct sc_zrtp_policy *ours, const struct sc_zrtp_hello *peer,
			    const struct sc_zrtp_commit *commit, struct negotiated *out)
{
	const char *names[K_COUNT] = { commit->hash, commit->cipher, commit->auth, commit->ka, commit->sas };
	int chosen[K_COUNT];
	for (int k = 0; k < K_COUNT; k++) {
		struct ordered mine = ours_supported(ours, (enum kind)k);
		struct ordered theirs = peer_supported(peer, (enum kind)k);
		int v = from_wire((enum kind)k, names[k]);
		// The initiator may only pick what both Hellos offered.
		if (v < 0 || !contains(&mine, v) || !contains(&theirs, v))
			return unsupported_code[k];
		chosen[k] = v;
	}
	out->hash = (enum sc_zrtp_hash)chosen[K_HASH];
	out->cipher = (enum sc_zrtp_cipher)chosen[K_CIPHER];
	out->auth = (enum sc_zrtp_auth)chosen[K_AUTH];
	out->ka = (enum sc_zrtp_key_agreement)chosen[K_KA];
	out->sas = (enum sc_zrtp_sas)chosen[K_SAS];
	return 0;
}

const char *zrtp_wire_hash(enum sc_zrtp_hash v) { return wire[K_HASH][v == SC_ZRTP_S384]; }
const char *zrtp_wire_cipher(enum sc_zrtp_cipher v) { return wire[K_CIPHER][v == SC_ZRTP_AES3]; }
const char *zrtp_wire_auth(enum sc_zrtp_auth v) { return wire[K_AUTH][v == SC_ZRTP_HS80]; }
const char *zrtp_wire_sas(enum sc_zrtp_sas v) { return wire[K_SAS][v == SC_ZRTP_B256]; }
const char *zrtp_wire_ka(enum sc_zrtp_key_agreement v)
{
	return wire[K_KA][v == SC_ZRTP_EC25 ? 1 : v == SC_ZRTP_X255 ? 2 : 0];
}
