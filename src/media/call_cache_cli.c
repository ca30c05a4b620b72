// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall zrtp-cache`: list, verify, unverify and forget entries of the ZRTP cache.
#include "media/call_cache_cli.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "base/strutil.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

static void usage(FILE *err)
{
	fprintf(err, "usage: sealcall zrtp-cache [--file FILE] list [--json]\n"
		     "       sealcall zrtp-cache [--file FILE] verify|unverify|forget SITE|ZID\n"
		     "FILE defaults to " SC_ZRTP_CACHE_DEFAULT_FILE " (media.zrtp.cache_file)\n");
}

static void format_expiry(int64_t expires, char *buf, size_t len)
{
	if (expires == 0) {
		snprintf(buf, len, "never");
		return;
	}
	time_t t = (time_t)expires;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)expires);
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static int list(struct sc_zrtp_cache *cache, bool json, FILE *out)
{
	char zid[2 * SC_ZRTP_ZID_LEN + 1], expiry[32];
	sc_hex_encode(sc_zrtp_cache_zid(cache), SC_ZRTP_ZID_LEN, zid);
	size_t n = sc_zrtp_cache_count(cache);
	if (json)
		fprintf(out, "{\"zid\":\"%s\",\"peers\":[", zid);
	else
		fprintf(out, "our ZID: %s\n", zid);
	for (size_t i = 0; i < n; i++) {
		struct sc_zrtp_cache_info info;
		if (sc_zrtp_cache_info_at(cache, i, &info) != 0)
			continue;
		sc_hex_encode(info.zid, SC_ZRTP_ZID_LEN, zid);
		format_expiry(info.expires, expiry, sizeof(expiry));
		const char *secrets = info.has_rs1 && info.has_rs2 ? "rs1 rs2"
				      : info.has_rs1		   ? "rs1"
				      : info.has_rs2		   ? "rs2"
								   : "none";
		if (json) {
			fprintf(out, "%s{\"name\":", i ? "," : "");
			json_string(out, info.peer_name);
			fprintf(out, ",\"zid\":\"%s\",\"verified\":%s,\"rs1\":%s,\"rs2\":%s,"
				     "\"expires\":%lld}", zid, info.verified ? "true" : "false",
				info.has_rs1 ? "true" : "false", info.has_rs2 ? "true" : "false",
				(long long)info.expires);
		} else {
			fprintf(out, "peer %s: zid %s %s, secrets %s, expires %s\n",
				info.peer_name[0] ? info.peer_name : "(unnamed)", zid,
				info.verified ? "verified" : "not verified", secrets, expiry);
		}
	}
	if (json)
		fprintf(out, "]}\n");
	else if (n == 0)
		fprintf(out, "no peers yet: entries appear after the first secure call\n");
	return 0;
}

int sc_call_zrtp_cache_command(struct sc_zrtp_cache *cache, int argc, char **argv, FILE *out,
			       FILE *err)
{
	if (!cache || argc < 1) {
		usage(err);
		return EXIT_USAGE;
	}
	const char *cmd = argv[0];
	if (strcmp(cmd, "list") == 0) {
		bool json = argc == 2 && strcmp(argv[1], "--json") == 0;
		if (argc > 2 || (argc == 2 && !json)) {
			usage(err);
			return EXIT_USAGE;
		}
		return list(cache, json, out);
	}
	int (*change)(struct sc_zrtp_cache *, const char *) = NULL;
	const char *done = NULL;
	if (strcmp(cmd, "verify") == 0) {
		change = sc_zrtp_cache_verify;
		done = "marked verified: later calls are announced as verified while the secret chain holds";
	} else if (strcmp(cmd, "unverify") == 0) {
		change = sc_zrtp_cache_unverify;
		done = "no longer marked verified: compare the SAS again on the next call";
	} else if (strcmp(cmd, "forget") == 0) {
		change = sc_zrtp_cache_forget;
		done = "forgotten: the next call starts a new secret chain; forget this site at the "
		       "far end too, or the far end reports a cache mismatch";
	}
	if (!change || argc != 2 || !argv[1][0]) {
		usage(err);
		return EXIT_USAGE;
	}
	int ret = change(cache, argv[1]);
	if (ret == -ENOENT) {
		fprintf(err, "sealcall: zrtp-cache: no entry for '%s'; 'sealcall zrtp-cache list' "
			     "shows the sites and ZIDs there are\n", argv[1]);
		return EXIT_FAILED;
	}
	if (ret < 0) {
		fprintf(err, "sealcall: zrtp-cache: could not write the cache: %s (is its directory "
			     "writable, and the disk not full?)\n", strerror(-ret));
		return EXIT_FAILED;
	}
	fprintf(out, "%s: %s\n", argv[1], done);
	return 0;
}

int sc_call_zrtp_cache_main(int argc, char **argv)
{
	const char *file = SC_ZRTP_CACHE_DEFAULT_FILE;
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "--file") == 0) {
		file = argv[i + 1];
		i += 2;
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	// Opening creates a missing cache with a new ZID; an operator's typo must not.
	struct stat st;
	if (stat(file, &st) != 0) {
		fprintf(stderr, "sealcall: zrtp-cache: %s: %s%s\n", file, strerror(errno),
			errno == ENOENT ? " (the cache is made at sealcalld's first start; give "
					  "media.zrtp.cache_file with --file)" : "");
		return EXIT_FAILED;
	}
	void *rng = sc_zrtp_system_rng_new();
	struct sc_zrtp_cache *cache = NULL;
	char why[512];
	int status = EXIT_FAILED;
	if (!rng) {
		fprintf(stderr, "sealcall: zrtp-cache: no random source\n");
		goto out;
	}
	if (sc_zrtp_cache_open(file, sc_zrtp_system_rng, rng, &cache, why, sizeof(why)) != 0) {
		fprintf(stderr, "sealcall: zrtp-cache: %s\n", why);
		goto out;
	}
	status = sc_call_zrtp_cache_command(cache, argc - i, argv + i, stdout, stderr);
	if (status == 0 && strcmp(argv[i], "list") != 0)
		fprintf(stderr, "sealcall: zrtp-cache: if sealcalld is running it will overwrite "
			"%s after its next call: make changes with it stopped (systemctl stop "
			"sealcall, then start)\n", file);
out:
	sc_zrtp_cache_free(cache);
	if (rng)
		sc_zrtp_system_rng_free(rng);
	return status;
}
