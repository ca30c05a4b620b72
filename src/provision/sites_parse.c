// SPDX-License-Identifier: GPL-3.0-or-later
// The SITES.yaml schema: each mapping read against its table of keys, each value by a typed
// reader that consumes exactly one node, then the checks across sites (sites_check.c).
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/file.h"
#include "base/strutil.h"
#include "policy/net.h"
#include "provision/sites_reader.h"

static bool read_u16(struct reader *r, const char *path, uint32_t min, uint16_t *out)
{
	const char *text = sr_scalar(r, path);
	uint32_t v;
	if (!text)
		return false;
	if (sc_parse_u32(text, min, 65535, &v) != 0) {
		struct sc_sites_place at = sr_place_of(&r->ev);
		sp_error(r->ctx, &at, path, "'%.60s' is not a whole number from %u to 65535; write e.g. 51820",
			 text, min);
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

static bool read_name(struct reader *r, const char *path, char out[SC_NAME_MAX + 1])
{
	const char *text = sr_scalar(r, path);
	if (!text)
		return false;
	if (!sp_valid_name(text)) {
		struct sc_sites_place at = sr_place_of(&r->ev);
		sp_error(r->ctx, &at, path,
			 "'%.60s' is not a usable name: it becomes a DNS label, a SIP user and a folder name, so use 1 to %d lowercase letters, digits and '-', starting with a letter and not ending with '-' (e.g. lyon or branch-7)",
			 text, SC_NAME_MAX);
		return false;
	}
	sc_strcpy(out, SC_NAME_MAX + 1, text);
	return true;
}

static bool read_endpoint(struct reader *r, const char *path, struct sc_endpoint *out)
{
	const char *text = sr_scalar(r, path);
	if (!text)
		return false;
	struct sc_endpoint e;
	const char *why = net_parse_endpoint(text, e.host, &e.port);
	if (why) {
		struct sc_sites_place at = sr_place_of(&r->ev);
		sp_error(r->ctx, &at, path,
			 "'%.80s' %s; write the public address and WireGuard port as 198.51.100.7:51820, \"[2001:db8::7]:51820\" or vpn.example.net:51820",
			 text, why);
		return false;
	}
	*out = e;
	return true;
}

static bool read_host_address(struct reader *r, const char *path, struct sc_prefix *out)
{
	const char *text = sr_scalar(r, path);
	if (!text)
		return false;
	const char *why = net_parse_prefix(text, NET_HOST_ONLY, out);
	if (why) {
		struct sc_sites_place at = sr_place_of(&r->ev);
		sp_error(r->ctx, &at, path, "'%.60s' %s; write one tunnel address, e.g. 10.77.0.7", text, why);
		return false;
	}
	return true;
}

static bool read_subnet(struct reader *r, const char *path, struct sc_prefix *out)
{
	const char *text = sr_scalar(r, path);
	if (!text)
		return false;
	struct sc_sites_place at = sr_place_of(&r->ev);
	struct sc_prefix p;
	const char *why = net_parse_prefix(text, NET_PREFIX_REQUIRED, &p);
	if (why) {
		sp_error(r->ctx, &at, path, "'%.60s' %s; write a network, e.g. 10.77.0.0/24", text, why);
		return false;
	}
	bool v4 = p.family == AF_INET;
	if ((v4 && (p.prefix_len < 8 || p.prefix_len > 30)) || (!v4 && (p.prefix_len < 32 || p.prefix_len > 126))) {
		sp_error(r->ctx, &at, path, "/%u is not a usable tunnel subnet; use %s", p.prefix_len,
			 v4 ? "/8 to /30 (e.g. 10.77.0.0/24)" : "/32 to /126 (e.g. fd77::/64)");
		return false;
	}
	if (!net_prefix_is_network(&p)) {
		struct sc_prefix net;
		char shown[64];
		net_prefix_network(&p, &net);
		sp_error(r->ctx, &at, path, "'%.60s' has host bits set; write the network itself: %s", text,
			 sc_prefix_format(&net, shown, sizeof(shown)));
		return false;
	}
	*out = p;
	return true;
}

static bool read_domain(struct reader *r, const char *path, char *out, size_t outsz)
{
	const char *text = sr_scalar(r, path);
	if (!text)
		return false;
	bool lower = true;
	for (const char *p = text; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			lower = false;
	if (!net_valid_dns_name(text) || !lower || strlen(text) >= outsz) {
		struct sc_sites_place at = sr_place_of(&r->ev);
		sp_error(r->ctx, &at, path,
			 "'%.80s' is not a lowercase DNS name of at most %zu characters; sites are named NAME.DOMAIN in certificates and SIP URIs, e.g. sealcall.internal",
			 text, outsz - 1);
		return false;
	}
	sc_strcpy(out, outsz, text);
	return true;
}

static bool read_path(struct reader *r, const char *path, char *out, size_t outsz)
{
	const char *text = sr_scalar(r, path);
	if (!text)
		return false;
	bool printable = true;
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			printable = false;
	if (!printable || strlen(text) >= outsz) {
		struct sc_sites_place at = sr_place_of(&r->ev);
		sp_error(r->ctx, &at, path,
			 "is not a usable path: at most %zu characters, no control characters, quotes or backslashes; e.g. /var/lib/sealcall/zrtp-cache",
			 outsz - 1);
		return false;
	}
	sc_strcpy(out, outsz, text);
	return true;
}

// The same names the policy's tunnel.interface accepts (Linux interface names).
static bool read_interface(struct reader *r, const char *path, char out[SC_IFNAME_MAX + 1])
{
	const char *text = sr_scalar(r, path);
	if (!text)
		return false;
	size_t n = strlen(text);
	bool ok = n > 0 && n <= SC_IFNAME_MAX && text[0] != '-' && strcmp(text, ".") != 0 &&
		  strcmp(text, "..") != 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = (text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z') ||
		     (text[i] >= '0' && text[i] <= '9') || strchr("_.-", text[i]);
	if (!ok) {
		struct sc_sites_place at = sr_place_of(&r->ev);
		sp_error(r->ctx, &at, path,
			 "'%.40s' is not a usable interface name; use 1 to %d letters, digits, '_', '.' or '-', not starting with '-', e.g. sc0",
			 text, SC_IFNAME_MAX);
		return false;
	}
	sc_strcpy(out, SC_IFNAME_MAX + 1, text);
	return true;
}

// The same names the policy's audio.device accepts: auto, a card name, or an ALSA device.
static bool read_audio_device(struct reader *r, const char *path, char out[SC_AUDIO_DEVICE_MAX + 1])
{
	const char *text = sr_scalar(r, path);
	if (!text)
		return false;
	size_t n = strlen(text);
	bool ok = n > 0 && n <= SC_AUDIO_DEVICE_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = (text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z') ||
		     (text[i] >= '0' && text[i] <= '9') || strchr("_-.:,=", text[i]);
	if (!ok) {
		struct sc_sites_place at = sr_place_of(&r->ev);
		sp_error(r->ctx, &at, path,
			 "'%.40s' is not an ALSA device name; write auto (the first USB audio card), a card name from 'aplay -l' (e.g. Headset) or a device such as plughw:CARD=Headset, at most %d characters",
			 text, SC_AUDIO_DEVICE_MAX);
		return false;
	}
	sc_strcpy(out, SC_AUDIO_DEVICE_MAX + 1, text);
	return true;
}

// ssh_authorized_keys: a file of public keys, or none (no SSH access on the appliance).
static int read_ssh_keys(struct reader *r, struct sc_sites *s, const char *path)
{
	struct sc_sites_place at = sr_place_of(&r->ev);
	if (r->ev.type == YAML_SCALAR_EVENT && sr_scalar_is_null(&r->ev)) {
		sp_error(r->ctx, &at, path,
			 "has no value; name the file of the administrators' public keys (e.g. admins.pub), or write none for no SSH access");
		return SC_SSH_KEYS_INHERIT;
	}
	const char *text = sr_scalar(r, path);
	if (!text)
		return SC_SSH_KEYS_INHERIT;
	if (strcmp(text, "none") == 0)
		return SC_SSH_KEYS_NONE;
	return sp_ssh_keys_file(r->ctx, s, text, &at, path);
}

static bool read_topology(struct reader *r, const char *path, enum sc_topology *out)
{
	const char *text = sr_scalar(r, path);
	if (!text)
		return false;
	if (strcmp(text, "mesh") == 0) {
		*out = SC_TOPOLOGY_MESH;
	} else if (strcmp(text, "hub") == 0) {
		*out = SC_TOPOLOGY_HUB;
	} else {
		struct sc_sites_place at = sr_place_of(&r->ev);
		sp_error(r->ctx, &at, path,
			 "'%.40s' is not a topology; use mesh (every site peers with every other: tens of sites) or hub (every site peers with one hub: hundreds)",
			 text);
		return false;
	}
	return true;
}

static void parse_site(struct reader *r, struct sc_sites *s, struct sc_site *site, const char *path)
{
	static const struct key_def keys[] = {
		{ "name", true, "name: lyon" },
		{ "endpoint", false, "endpoint: 198.51.100.7:51820" },
		{ "address", false, "address: 10.77.0.7" },
		{ "hotline", false, "hotline: paris" },
		{ "interface", false, "interface: sc0" },
		{ "audio_device", false, "audio_device: Headset" },
		{ "ssh_authorized_keys", false, "ssh_authorized_keys: admins.pub" },
	};
	SR_KEYS_FIT(keys);
	struct map_state m = { keys, sizeof(keys) / sizeof(keys[0]), { { 0, 0 } } };
	site->at = sr_place_of(&r->ev);
	sc_strcpy(site->interface, sizeof(site->interface), "sc0");
	site->ssh_keys = SC_SSH_KEYS_INHERIT;
	if (!sr_expect_mapping(r, path,
			       "name, endpoint, address, hotline, interface, audio_device, ssh_authorized_keys"))
		return;
	int k;
	char where[SP_PATH_LEN];
	while ((k = sr_next_key(r, &m, path)) != -1) {
		if (k < 0)
			continue;
		snprintf(where, sizeof(where), "%.40s.%s", path, keys[k].name);
		struct sc_sites_place at = sr_place_of(&r->ev);
		switch (k) {
		case 0:
			if (read_name(r, where, site->name))
				site->name_at = at;
			break;
		case 1:
			if (read_endpoint(r, where, &site->endpoint)) {
				site->has_endpoint = true;
				site->endpoint_at = at;
			}
			break;
		case 2:
			if (read_host_address(r, where, &site->address)) {
				site->has_address = true;
				site->address_at = at;
			}
			break;
		case 3:
			if (read_name(r, where, site->hotline))
				site->hotline_at = at;
			break;
		case 4:
			read_interface(r, where, site->interface);
			break;
		case 5:
			read_audio_device(r, where, site->audio_device);
			break;
		case 6:
			site->ssh_keys = read_ssh_keys(r, s, where);
			break;
		}
	}
	sr_report_missing(r, &m, path, &site->at);
}

static void parse_sites(struct reader *r, struct sc_sites *s)
{
	s->sites_at = sr_place_of(&r->ev);
	if (r->ev.type != YAML_SEQUENCE_START_EVENT) {
		if (r->ev.type != YAML_ALIAS_EVENT)
			sp_error(r->ctx, &s->sites_at, "sites",
				 "expects a list of sites (- name: paris ...), not %s", sr_kind_name(&r->ev));
		sr_skip_node(r);
		return;
	}
	size_t cap = 0;
	while (sr_advance(r) && r->ev.type != YAML_SEQUENCE_END_EVENT) {
		char path[SP_PATH_LEN];
		snprintf(path, sizeof(path), "sites[%zu]", s->n_sites);
		if (s->n_sites == SC_SITES_MAX) {
			struct sc_sites_place at = sr_place_of(&r->ev);
			sp_error(r->ctx, &at, path,
				 "more than %d sites; the policy of each site holds at most %d peers and directory entries",
				 SC_SITES_MAX, SC_SITES_MAX);
			sr_skip_node(r);
			while (sr_advance(r) && r->ev.type != YAML_SEQUENCE_END_EVENT)
				sr_skip_node(r);
			return;
		}
		if (s->n_sites == cap) {
			size_t grown_cap = cap ? cap * 2 : 16;
			struct sc_site *grown = realloc(s->sites, grown_cap * sizeof(*grown));
			if (!grown) {
				r->ctx->oom = true;
				r->broken = true;
				return;
			}
			s->sites = grown;
			cap = grown_cap;
		}
		struct sc_site *site = &s->sites[s->n_sites++];
		memset(site, 0, sizeof(*site));
		parse_site(r, s, site, path);
	}
}

static void parse_hub(struct reader *r, struct sc_sites *s)
{
	static const struct key_def keys[] = {
		{ "name", false, "name: hub" },
		{ "endpoint", true, "endpoint: 203.0.113.10:51820" },
		{ "address", false, "address: 10.77.0.254" },
		{ "sip_port", false, "sip_port: 5061" },
	};
	SR_KEYS_FIT(keys);
	struct map_state m = { keys, sizeof(keys) / sizeof(keys[0]), { { 0, 0 } } };
	struct sc_hub *hub = &s->hub;
	hub->at = sr_place_of(&r->ev);
	if (!sr_expect_mapping(r, "hub", "name, endpoint, address"))
		return;
	s->has_hub = true;
	int k;
	while ((k = sr_next_key(r, &m, "hub")) != -1) {
		if (k < 0)
			continue;
		char where[SP_PATH_LEN];
		snprintf(where, sizeof(where), "hub.%s", keys[k].name);
		struct sc_sites_place at = sr_place_of(&r->ev);
		switch (k) {
		case 0:
			if (read_name(r, where, hub->name))
				hub->name_at = at;
			break;
		case 1:
			read_endpoint(r, where, &hub->endpoint);
			break;
		case 2:
			if (read_host_address(r, where, &hub->address)) {
				hub->has_address = true;
				hub->address_at = at;
			}
			break;
		case 3:
			read_u16(r, where, 1, &hub->sip_port);
			break;
		}
	}
	sr_report_missing(r, &m, "hub", &hub->at);
}

static void parse_root(struct reader *r, struct sc_sites *s)
{
	static const struct key_def keys[] = {
		{ "topology", false, "topology: mesh" },
		{ "tunnel_subnet", false, "tunnel_subnet: 10.77.0.0/24" },
		{ "listen_port", false, "listen_port: 51820" },
		{ "domain", false, "domain: sealcall.internal" },
		{ "zrtp_cache_file", false, "zrtp_cache_file: /var/lib/sealcall/zrtp-cache" },
		{ "hub", false, "hub: {name: hub, endpoint: 203.0.113.10:51820}" },
		{ "sites", true, "sites: [{name: paris, endpoint: 198.51.100.1:51820}, ...]" },
		{ "audio_device", false, "audio_device: auto" },
		{ "ssh_authorized_keys", false, "ssh_authorized_keys: admins.pub" },
	};
	SR_KEYS_FIT(keys);
	struct map_state m = { keys, sizeof(keys) / sizeof(keys[0]), { { 0, 0 } } };
	struct sc_sites_place root_at = sr_place_of(&r->ev);
	int k;
	while ((k = sr_next_key(r, &m, "")) != -1) {
		if (k < 0)
			continue;
		struct sc_sites_place at = sr_place_of(&r->ev);
		switch (k) {
		case 0:
			if (read_topology(r, "topology", &s->topology))
				s->topology_at = at;
			break;
		case 1:
			if (read_subnet(r, "tunnel_subnet", &s->subnet))
				s->subnet_at = at;
			break;
		case 2:
			if (read_u16(r, "listen_port", 1, &s->listen_port))
				s->listen_port_at = at;
			break;
		case 3:
			read_domain(r, "domain", s->domain, sizeof(s->domain));
			break;
		case 4:
			read_path(r, "zrtp_cache_file", s->zrtp_cache_file, sizeof(s->zrtp_cache_file));
			break;
		case 5:
			parse_hub(r, s);
			break;
		case 6:
			parse_sites(r, s);
			break;
		case 7:
			read_audio_device(r, "audio_device", s->audio_device);
			break;
		case 8: {
			int given = read_ssh_keys(r, s, "ssh_authorized_keys");
			if (given != SC_SSH_KEYS_INHERIT)
				s->ssh_keys = given;
			break;
		}
		}
	}
	sr_report_missing(r, &m, "", &root_at);
}

static void parse_stream(struct reader *r, struct sc_sites *s)
{
	struct sc_sites_place top = { 1, 1 };
	if (!sr_advance(r) || r->ev.type != YAML_STREAM_START_EVENT || !sr_advance(r))
		return;
	if (r->ev.type == YAML_STREAM_END_EVENT) {
		sp_error(r->ctx, &top, NULL, "the file is empty; start from config/sites.yaml");
		return;
	}
	if (!sr_advance(r)) // the root node
		return;
	if (r->ev.type != YAML_MAPPING_START_EVENT) {
		struct sc_sites_place at = sr_place_of(&r->ev);
		if (r->ev.type == YAML_SCALAR_EVENT && sr_scalar_is_null(&r->ev))
			sp_error(r->ctx, &at, NULL, "the file holds no settings; start from config/sites.yaml");
		else if (r->ev.type != YAML_ALIAS_EVENT)
			sp_error(r->ctx, &at, NULL,
				 "the top level must be a mapping of keys (topology, tunnel_subnet, sites, ...), not %s",
				 sr_kind_name(&r->ev));
		sr_skip_node(r);
	} else {
		parse_root(r, s);
	}
	if (!sr_advance(r) || !sr_advance(r)) // document end, then stream end or a second document
		return;
	if (r->ev.type == YAML_DOCUMENT_START_EVENT) {
		struct sc_sites_place at = sr_place_of(&r->ev);
		sp_error(r->ctx, &at, NULL, "a second YAML document ('---'); keep one document per file");
	}
}

static void set_defaults(struct sc_sites *s, const char *name)
{
	sc_strcpy(s->source_file, sizeof(s->source_file), name);
	s->topology = SC_TOPOLOGY_MESH;
	net_parse_prefix("10.77.0.0/24", NET_PREFIX_REQUIRED, &s->subnet);
	s->listen_port = 51820;
	sc_strcpy(s->domain, sizeof(s->domain), "sealcall.internal");
	sc_strcpy(s->zrtp_cache_file, sizeof(s->zrtp_cache_file), "/var/lib/sealcall/zrtp-cache");
	sc_strcpy(s->audio_device, sizeof(s->audio_device), "auto");
	s->ssh_keys = SC_SSH_KEYS_NONE;
	sc_strcpy(s->hub.name, sizeof(s->hub.name), "hub");
	s->hub.sip_port = 5061;
}

int sc_sites_load_buffer(const char *name, const char *data, size_t len, struct sc_sites **out,
			 struct sc_sites_errors *errors)
{
	*out = NULL;
	errors->items = NULL;
	errors->count = 0;
	struct sp_ctx ctx = { .file = name, .errors = errors };
	struct sc_sites *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	set_defaults(s, name);
	int rc = 0;
	if (len > SC_SITES_MAX_INPUT) {
		sp_error(&ctx, NULL, NULL, "is larger than %d MiB; a SITES file for %d sites is far smaller",
			 SC_SITES_MAX_INPUT >> 20, SC_SITES_MAX);
	} else {
		struct reader r = { .ctx = &ctx };
		if (!yaml_parser_initialize(&r.parser)) {
			rc = -ENOMEM;
			goto out;
		}
		yaml_parser_set_input_string(&r.parser, (const unsigned char *)data, len);
		parse_stream(&r, s);
		if (r.has_event)
			yaml_event_delete(&r.ev);
		yaml_parser_delete(&r.parser);
		if (sp_error_count(&ctx) == 0 && !ctx.oom)
			sp_check_sites(&ctx, s);
		sp_sort_errors(&ctx);
		if (!ctx.oom)
			sp_load_ssh_keys(&ctx, s);
	}
	if (ctx.oom) {
		rc = -ENOMEM;
		goto out;
	}
	if (sp_error_count(&ctx) > 0) {
		rc = -EINVAL;
		goto out;
	}
	*out = s;
	s = NULL;
out:
	sc_sites_free(s);
	return rc;
}

int sc_sites_load(const char *file, struct sc_sites **out, struct sc_sites_errors *errors)
{
	*out = NULL;
	errors->items = NULL;
	errors->count = 0;
	char *data = NULL;
	size_t len = 0;
	int rc = sc_read_file(file, SC_SITES_MAX_INPUT, 0, &data, &len);
	if (rc == -EINVAL)
		rc = -EISDIR; // not a regular file: "cannot read the sites file F: Is a directory"
	if (rc == 0)
		rc = sc_sites_load_buffer(file, data, len, out, errors);
	free(data);
	return rc;
}

void sc_sites_free(struct sc_sites *sites)
{
	if (!sites)
		return;
	for (size_t i = 0; i < sites->n_ssh_keys_files; i++)
		free(sites->ssh_keys_files[i].data);
	free(sites->ssh_keys_files);
	free(sites->sites);
	free(sites);
}

const struct sc_site *sc_sites_find(const struct sc_sites *sites, const char *name)
{
	for (size_t i = 0; i < sites->n_sites; i++)
		if (strcmp(sites->sites[i].name, name) == 0)
			return &sites->sites[i];
	return NULL;
}

void sc_endpoint_format(const struct sc_endpoint *e, char *buf, size_t len)
{
	if (strchr(e->host, ':'))
		snprintf(buf, len, "[%s]:%u", e->host, e->port);
	else
		snprintf(buf, len, "%s:%u", e->host, e->port);
}
