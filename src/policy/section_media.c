// SPDX-License-Identifier: GPL-3.0-or-later
// media: — codecs, RTP ports and what ZRTP may negotiate.
#include "policy/paths.h"
#include "policy/sections.h"

// Reads a preference list of names into an enum array through VALUES (the enum for each
// name), keeping the default when the list is wrong.
#define READ_LIST(c, node, path, names, values, array, count)                                \
	do {                                                                                   \
		int found_[SC_MAX_LIST];                                                       \
		size_t n_found_ = 0;                                                           \
		if (pc_enum_list(c, node, path, names, PC_COUNT(names), found_, &n_found_)) { \
			for (size_t i_ = 0; i_ < n_found_; i_++)                               \
				(array)[i_] = (values)[found_[i_]];                            \
			(count) = n_found_;                                                    \
		}                                                                              \
	} while (0)

static void read_zrtp(struct pc_ctx *c, const struct pt_node *node, struct sc_zrtp_policy *z)
{
	static const struct pc_key keys[] = {
		{ "key_agreements", false, NULL }, { "hashes", false, NULL },
		{ "ciphers", false, NULL },        { "auth_tags", false, NULL },
		{ "sas_types", false, NULL },      { "cache_file", false, NULL },
	};
	static const char *const ka_names[] = { "dh3k", "ec25", "x255" };
	static const enum sc_zrtp_key_agreement ka_values[] = { SC_ZRTP_DH3K, SC_ZRTP_EC25, SC_ZRTP_X255 };
	static const char *const hash_names[] = { "s256", "s384" };
	static const enum sc_zrtp_hash hash_values[] = { SC_ZRTP_S256, SC_ZRTP_S384 };
	static const char *const cipher_names[] = { "aes1", "aes3" };
	static const enum sc_zrtp_cipher cipher_values[] = { SC_ZRTP_AES1, SC_ZRTP_AES3 };
	static const char *const auth_names[] = { "hs32", "hs80" };
	static const enum sc_zrtp_auth auth_values[] = { SC_ZRTP_HS32, SC_ZRTP_HS80 };
	static const char *const sas_names[] = { "b32", "b256" };
	static const enum sc_zrtp_sas sas_values[] = { SC_ZRTP_B32, SC_ZRTP_B256 };
	const struct pt_node *v;
	if (!pc_map(c, node, "media.zrtp", keys, PC_COUNT(keys)))
		return;
	if ((v = pc_get(node, "key_agreements")))
		READ_LIST(c, v, "media.zrtp.key_agreements", ka_names, ka_values, z->key_agreements,
			  z->n_key_agreements);
	if ((v = pc_get(node, "hashes")))
		READ_LIST(c, v, "media.zrtp.hashes", hash_names, hash_values, z->hashes, z->n_hashes);
	if ((v = pc_get(node, "ciphers")))
		READ_LIST(c, v, "media.zrtp.ciphers", cipher_names, cipher_values, z->ciphers, z->n_ciphers);
	if ((v = pc_get(node, "auth_tags")))
		READ_LIST(c, v, "media.zrtp.auth_tags", auth_names, auth_values, z->auth_tags,
			  z->n_auth_tags);
	if ((v = pc_get(node, "sas_types")))
		READ_LIST(c, v, "media.zrtp.sas_types", sas_names, sas_values, z->sas_types, z->n_sas_types);
	if ((v = pc_get(node, "cache_file")) && pc_file_path(c, v, "media.zrtp.cache_file", z->cache_file))
		pc_check_file(c, v, "media.zrtp.cache_file", z->cache_file, PC_FILE_CACHE);
}

static void read_ports(struct pc_ctx *c, const struct pt_node *node, struct sc_media *m)
{
	const struct pt_node *min_node = pc_get(node, "rtp_port_min");
	const struct pt_node *max_node = pc_get(node, "rtp_port_max");
	uint32_t min = m->rtp_port_min, max = m->rtp_port_max;
	bool min_ok = !min_node || pc_u32(c, min_node, "media.rtp_port_min", 1024, 65534, &min);
	bool max_ok = !max_node || pc_u32(c, max_node, "media.rtp_port_max", 1025, 65535, &max);
	if (min_ok && min % 2 != 0) {
		pc_error(c, min_node, "media.rtp_port_min",
			 "%u is odd; RTP takes the even port of each pair and RTCP the odd one above it, use %u",
			 min, min + 1);
		min_ok = false;
	}
	if (!min_ok || !max_ok)
		return;
	if (max <= min) {
		pc_error(c, max_node ? max_node : min_node, max_node ? "media.rtp_port_max" : "media.rtp_port_min",
			 "rtp_port_max (%u) must be above rtp_port_min (%u) to leave room for an RTP/RTCP pair; raise rtp_port_max",
			 max, min);
		return;
	}
	m->rtp_port_min = (uint16_t)min;
	m->rtp_port_max = (uint16_t)max;
}

bool section_media(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p)
{
	static const struct pc_key keys[] = {
		{ "codecs", false, NULL },       { "rtp_port_min", false, NULL },
		{ "rtp_port_max", false, NULL }, { "ptime", false, NULL },
		{ "allow_sdes", false, NULL },   { "zrtp", false, NULL },
	};
	static const char *const codec_names[] = { "opus", "pcmu", "pcma" };
	static const enum sc_codec codec_values[] = { SC_CODEC_OPUS, SC_CODEC_PCMU, SC_CODEC_PCMA };
	struct sc_media *m = &p->media;
	const struct pt_node *v;
	uint32_t n;
	size_t before = pc_error_count(c);
	if (!pc_map(c, node, "media", keys, PC_COUNT(keys)))
		return false;
	if ((v = pc_get(node, "codecs")))
		READ_LIST(c, v, "media.codecs", codec_names, codec_values, m->codecs, m->n_codecs);
	read_ports(c, node, m);
	if ((v = pc_get(node, "ptime")) && pc_u32(c, v, "media.ptime", 0, 1000, &n)) {
		if (n != 10 && n != 20)
			pc_error(c, v, "media.ptime", "%u ms is not supported; use 10 or 20", n);
		else
			m->ptime_ms = n;
	}
	if ((v = pc_get(node, "allow_sdes")))
		pc_bool(c, v, "media.allow_sdes", &m->allow_sdes);
	if ((v = pc_get(node, "zrtp")))
		read_zrtp(c, v, &m->zrtp);
	return pc_error_count(c) == before;
}
