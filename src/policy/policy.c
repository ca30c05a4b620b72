// SPDX-License-Identifier: GPL-3.0-or-later
// Loading a policy: read, parse, validate every section, then the checks across sections.
#include "policy/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strutil.h"
#include "policy/paths.h"
#include "policy/sections.h"

void policy_set_defaults(struct sc_policy *p)
{
	sc_strcpy(p->tunnel.interface, sizeof(p->tunnel.interface), "sc0");
	p->tunnel.backend = SC_BACKEND_AUTO;
	p->tunnel.listen_port = 51820;
	p->tunnel.mtu = 0;
	p->tunnel.stale_after_s = 180;

	p->sip.port = 5061;
	p->sip.tls_min_version = SC_TLS_1_2;

	struct sc_media *m = &p->media;
	m->codecs[0] = SC_CODEC_OPUS;
	m->codecs[1] = SC_CODEC_PCMU;
	m->codecs[2] = SC_CODEC_PCMA;
	m->n_codecs = 3;
	m->rtp_port_min = 16384;
	m->rtp_port_max = 16583;
	m->ptime_ms = 20;
	m->allow_sdes = false;
	struct sc_zrtp_policy *z = &m->zrtp;
	z->key_agreements[0] = SC_ZRTP_X255;
	z->key_agreements[1] = SC_ZRTP_EC25;
	z->key_agreements[2] = SC_ZRTP_DH3K;
	z->n_key_agreements = 3;
	z->hashes[0] = SC_ZRTP_S256;
	z->hashes[1] = SC_ZRTP_S384;
	z->n_hashes = 2;
	z->ciphers[0] = SC_ZRTP_AES1;
	z->ciphers[1] = SC_ZRTP_AES3;
	z->n_ciphers = 2;
	z->auth_tags[0] = SC_ZRTP_HS80;
	z->auth_tags[1] = SC_ZRTP_HS32;
	z->n_auth_tags = 2;
	z->sas_types[0] = SC_ZRTP_B32;
	z->sas_types[1] = SC_ZRTP_B256;
	z->n_sas_types = 2;
	sc_strcpy(z->cache_file, sizeof(z->cache_file), "/var/lib/sealcall/zrtp-cache");

	p->rules.require_tunnel = true;
	p->rules.require_verified_sas = false;
	p->rules.on_cache_mismatch = SC_MISMATCH_HANGUP;
	p->rules.accept_unknown_callers = false;
	p->rules.auto_answer = false;

	struct sc_audio *a = &p->audio;
	sc_strcpy(a->device, sizeof(a->device), "auto");
	a->input_device[0] = '\0';
	a->on_unplug = SC_UNPLUG_CONTINUE;
	a->volume_percent = 80;
	a->buttons.call[0] = KEY_PLAYPAUSE;
	a->buttons.call[1] = KEY_PHONE;
	a->buttons.n_call = 2;
	a->buttons.mute[0] = KEY_MICMUTE;
	a->buttons.n_mute = 1;
	a->buttons.long_press_ms = 1500;
}

void sc_policy_free(struct sc_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->tunnel.n_peers; i++)
		free(p->tunnel.peers[i].allowed_ips);
	free(p->tunnel.peers);
	free(p->directory);
	free(p);
}

void sc_policy_errors_free(struct sc_policy_errors *errors)
{
	if (!errors)
		return;
	free(errors->items);
	errors->items = NULL;
	errors->count = 0;
}

void sc_policy_errors_print(const struct sc_policy_errors *errors, void *stdio_file)
{
	FILE *f = stdio_file;
	if (!errors || !f)
		return;
	for (size_t i = 0; i < errors->count; i++) {
		const struct sc_policy_error *e = &errors->items[i];
		if (e->line)
			fprintf(f, "%s:%u:%u: ", e->file, e->line, e->column);
		else
			fprintf(f, "%s: ", e->file);
		if (e->key[0])
			fprintf(f, "%s: ", e->key);
		fprintf(f, "%s\n", e->message);
	}
}

static void validate(struct pc_ctx *c, const struct pt_node *root, struct sc_policy *p)
{
	static const struct pc_key keys[] = {
		{ "site", true, "site: {name: paris}" },
		{ "tunnel", true, "tunnel: (see docs/policy.md)" },
		{ "sip", true, "sip: (see docs/policy.md)" },
		{ "directory", true, "directory: [{name: lyon, uri: sips:lyon@lyon.sealcall.internal, address: 10.77.0.2}]" },
		{ "media", false, NULL },
		{ "rules", false, NULL },
		{ "audio", false, NULL },
	};
	if (!root) {
		pc_error_at(c, 1, 1, "", "the policy is empty; start from config/sealcall.yaml and docs/policy.md");
		return;
	}
	if (!pc_map(c, root, "", keys, PC_COUNT(keys)))
		return;
	const struct pt_node *v;
	// The site's name is read first: peers may not carry it.
	section_site(c, pc_get(root, "site"), p);
	bool tunnel_ok = (v = pc_get(root, "tunnel")) && section_tunnel(c, v, p);
	bool sip_ok = (v = pc_get(root, "sip")) && section_sip(c, v, p);
	bool directory_ok = (v = pc_get(root, "directory")) && section_directory(c, v, p);
	bool media_ok = !(v = pc_get(root, "media")) || section_media(c, v, p);
	if ((v = pc_get(root, "rules")))
		section_rules(c, v, p);
	if ((v = pc_get(root, "audio")))
		section_audio(c, v, p);
	if (!tunnel_ok || c->oom)
		return;
	cross_check_allowed_ips(c, pc_get(root, "tunnel"), p);
	cross_check_reachability(c, root, p, sip_ok, directory_ok);
	if (media_ok)
		cross_check_ports(c, root, p);
}

static int load(const char *shown_name, const char *data, size_t len, bool check_files,
		struct sc_policy **out, struct sc_policy_errors *errors)
{
	struct sc_policy_errors discarded = { 0 };
	struct pc_ctx c = { .file = shown_name, .check_files = check_files };
	struct sc_policy *p = NULL;
	struct pt_node *root = NULL;
	char abs_file[SC_PATH_MAX];
	int rc;
	*out = NULL;
	c.errors = errors ? errors : &discarded;
	c.errors->items = NULL;
	c.errors->count = 0;
	if (len > PT_MAX_INPUT) {
		pc_error_at(&c, 0, 0, "",
			    "the policy is %zu bytes, over the %d byte (1 MiB) limit; a policy is a few kilobytes, check that this is the right file",
			    len, PT_MAX_INPUT);
		rc = -EINVAL;
		goto out;
	}
	if (paths_absolute(shown_name, abs_file, sizeof(abs_file)) != 0) {
		pc_error_at(&c, 0, 0, "",
			    "the policy's path is longer than %d characters; move it to a shorter path",
			    SC_PATH_MAX - 1);
		rc = -EINVAL;
		goto out;
	}
	paths_dirname(abs_file, c.dir, sizeof(c.dir));
	p = calloc(1, sizeof(*p));
	if (!p) {
		rc = -ENOMEM;
		goto out;
	}
	sc_strcpy(p->source_file, sizeof(p->source_file), abs_file);
	policy_set_defaults(p);
	rc = pt_parse(&c, data, len, &root);
	if (rc == -ENOMEM)
		goto out;
	if (rc == 0)
		validate(&c, root, p);
	pc_sort_errors(&c);
	rc = c.oom ? -ENOMEM : pc_error_count(&c) ? -EINVAL : 0;
	if (rc == 0) {
		*out = p;
		p = NULL;
	}
out:
	pt_free(root);
	sc_policy_free(p);
	sc_policy_errors_free(&discarded);
	return rc;
}

int sc_policy_load_buffer(const char *name, const char *data, size_t len, bool check_files,
			  struct sc_policy **out, struct sc_policy_errors *errors)
{
	return load(name ? name : "<policy>", data ? data : "", data ? len : 0, check_files, out,
		    errors);
}

static int read_error(const char *file, int rc, const char *why, struct sc_policy **out,
		      struct sc_policy_errors *errors)
{
	*out = NULL;
	if (!errors)
		return rc;
	errors->count = 0;
	errors->items = calloc(1, sizeof(*errors->items));
	if (!errors->items)
		return rc;
	struct sc_policy_error *e = &errors->items[0];
	errors->count = 1;
	sc_strcpy(e->file, sizeof(e->file), file);
	snprintf(e->message, sizeof(e->message), "%s", why);
	return rc;
}

int sc_policy_load(const char *file, bool check_files, struct sc_policy **out,
		   struct sc_policy_errors *errors)
{
	char why[300] = "";
	char *data = NULL;
	size_t used = 0;
	struct stat st;
	int rc;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		snprintf(why, sizeof(why), "cannot open the policy: %s; check the path (sealcalld --config FILE)",
			 strerror(-rc));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		snprintf(why, sizeof(why), "is not a regular file; give the path of the policy file");
		goto out;
	}
	if (st.st_size > PT_MAX_INPUT) {
		rc = -EINVAL;
		snprintf(why, sizeof(why),
			 "the policy is %lld bytes, over the %d byte (1 MiB) limit; a policy is a few kilobytes, check that this is the right file",
			 (long long)st.st_size, PT_MAX_INPUT);
		goto out;
	}
	// One byte more than the limit, to notice a file that grew since fstat.
	data = malloc(PT_MAX_INPUT + 1);
	if (!data) {
		rc = -ENOMEM;
		snprintf(why, sizeof(why), "out of memory reading the policy");
		goto out;
	}
	for (;;) {
		ssize_t got = read(fd, data + used, PT_MAX_INPUT + 1 - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			snprintf(why, sizeof(why), "cannot read the policy: %s", strerror(-rc));
			goto out;
		}
		if (got == 0 || (used += (size_t)got) > PT_MAX_INPUT)
			break;
	}
	rc = load(file, data, used, check_files, out, errors);
out:
	if (fd >= 0)
		close(fd);
	free(data);
	if (why[0])
		return read_error(file, rc, why, out, errors);
	return rc;
}
