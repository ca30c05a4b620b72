// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall zrtp-cache` against real cache files that real calls wrote: a SAS verified from
// the command line is announced as verified on the next call, forget starts a new chain
// (and the far end, which kept its secret, reports the mismatch the message warns about),
// and the tool refuses what it must without touching the file.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strutil.h"
#include "check.h"
#include "media/call_cache_cli.h"
#include "media/call_media.h"
#include "test_call_media_sim.h"

#define A 0
#define B 1

static char dir[64], file_a[128], file_b[128];

static struct sc_zrtp_cache *open_cache(const char *path, uint64_t seed)
{
	static struct test_rng rng;
	rng.state = seed;
	struct sc_zrtp_cache *c = NULL;
	char why[512];
	CHECK_EQ_INT(sc_zrtp_cache_open(path, test_rng_fill, &rng, &c, why, sizeof(why)), 0);
	return c;
}

// One call between two appliances whose caches are files, as the daemon holds them.
static bool call(struct sc_call_media_event *ea, struct sc_call_media_event *eb)
{
	struct sc_zrtp_cache *ca = open_cache(file_a, 1), *cb = open_cache(file_b, 2);
	bool ok = false;
	if (!ca || !cb)
		goto out;
	struct sc_zrtp_cache_ops oa = sc_zrtp_cache_ops(ca), ob = sc_zrtp_cache_ops(cb);
	struct sc_media p = cms_policy(NULL);
	struct cms_sim s;
	cms_init(&s, 5);
	s.cache_ops[A] = &oa;
	s.cache_ops[B] = &ob;
	uint8_t zid_a[SC_ZRTP_ZID_LEN], zid_b[SC_ZRTP_ZID_LEN];
	memcpy(zid_a, sc_zrtp_cache_zid(ca), sizeof(zid_a));
	memcpy(zid_b, sc_zrtp_cache_zid(cb), sizeof(zid_b));
	cms_add(&s, &p, SC_CALL_CALLER, "bravo", zid_a[0], 11, NULL, B);
	cms_add(&s, &p, SC_CALL_CALLEE, "alpha", zid_b[0], 12, NULL, A);
	if (s.n == 2) {
		cms_exchange_hashes(&s, A, B);
		cms_start(&s, A);
		cms_start(&s, B);
		cms_run_until_keyed(&s, 5000);
		const struct sc_call_media_event *a = cms_event(&s, A, SC_CALL_MEDIA_EVENT_SECURE);
		const struct sc_call_media_event *b = cms_event(&s, B, SC_CALL_MEDIA_EVENT_SECURE);
		if (a && b) {
			*ea = *a;
			*eb = *b;
			ok = true;
		}
	}
	cms_free(&s);
out:
	sc_zrtp_cache_free(ca);
	sc_zrtp_cache_free(cb);
	return ok;
}

static int run_main(const char *file, const char *cmd, const char *arg)
{
	char *argv[6] = { "zrtp-cache", "--file", (char *)file, (char *)cmd, (char *)arg, NULL };
	return sc_call_zrtp_cache_main(arg ? 5 : 4, argv);
}

// Runs a command on a freshly opened cache and returns what it printed.
static int command(const char *file, const char *out_contains, int argc, char **argv)
{
	char *text = NULL, *errs = NULL;
	size_t tlen = 0, elen = 0;
	FILE *out = open_memstream(&text, &tlen), *err = open_memstream(&errs, &elen);
	struct sc_zrtp_cache *c = open_cache(file, 9);
	int ret = c ? sc_call_zrtp_cache_command(c, argc, argv, out, err) : -1;
	fclose(out);
	fclose(err);
	if (out_contains)
		CHECK_STR_CONTAINS(ret == 0 ? text : errs, out_contains);
	sc_zrtp_cache_free(c);
	free(text);
	free(errs);
	return ret;
}

static void test_verify_and_forget_from_the_command_line(void)
{
	struct sc_call_media_event a, b;
	CHECK(call(&a, &b));
	CHECK(!a.security.verified && !b.security.verified);
	CHECK_EQ_INT(a.security.cache, SC_ZRTP_CACHE_NEW);

	char *list_json[] = { "list", "--json" };
	CHECK_EQ_INT(command(file_a, "\"name\":\"bravo\"", 2, list_json), 0);
	CHECK_EQ_INT(command(file_a, "\"verified\":false", 2, list_json), 0);
	char *list_text[] = { "list" };
	CHECK_EQ_INT(command(file_a, "peer bravo: zid ", 1, list_text), 0);
	CHECK_EQ_INT(command(file_a, "not verified, secrets rs1,", 1, list_text), 0);

	// The users compared the SAS; the operator records it at both sites.
	CHECK_EQ_INT(run_main(file_a, "verify", "bravo"), 0);
	CHECK_EQ_INT(run_main(file_b, "verify", "alpha"), 0);
	CHECK_EQ_INT(command(file_a, "\"verified\":true", 2, list_json), 0);
	CHECK(call(&a, &b));
	CHECK_EQ_INT(a.security.cache, SC_ZRTP_CACHE_MATCH);
	CHECK(a.security.verified && b.security.verified);

	// By ZID as well as by name (A's entry is under B's ZID, never under A's own).
	char zid[2 * SC_ZRTP_ZID_LEN + 1];
	sc_hex_encode(b.security.peer_zid, SC_ZRTP_ZID_LEN, zid); // A's ZID
	CHECK_EQ_INT(run_main(file_a, "unverify", zid), 1);
	sc_hex_encode(a.security.peer_zid, SC_ZRTP_ZID_LEN, zid); // B's ZID
	CHECK_EQ_INT(run_main(file_a, "unverify", zid), 0);
	CHECK_EQ_INT(command(file_a, "\"verified\":false", 2, list_json), 0);
	CHECK(call(&a, &b));
	CHECK(!a.security.verified && !b.security.verified); // both caches must say verified

	// Forgetting at one end only: that end starts anew, the other reports the mismatch.
	char *forget[] = { "forget", "bravo" };
	CHECK_EQ_INT(command(file_a, "forget this site at the far end too", 2, forget), 0);
	CHECK_EQ_INT(command(file_a, "no peers yet", 1, list_text), 0);
	CHECK(call(&a, &b));
	CHECK_EQ_INT(a.security.cache, SC_ZRTP_CACHE_NEW);
	CHECK_EQ_INT(b.security.cache, SC_ZRTP_CACHE_MISMATCH);
}

static void test_refusals(void)
{
	struct stat before, after;
	CHECK_EQ_INT(stat(file_a, &before), 0);
	char *nobody[] = { "verify", "nobody" };
	CHECK_EQ_INT(command(file_a, "no entry for 'nobody'", 2, nobody), 1);
	char *bad[] = { "verify" };
	CHECK_EQ_INT(command(file_a, NULL, 1, bad), 2);
	char *unknown[] = { "frobnicate", "x" };
	CHECK_EQ_INT(command(file_a, NULL, 2, unknown), 2);
	char *list_extra[] = { "list", "--yaml" };
	CHECK_EQ_INT(command(file_a, NULL, 2, list_extra), 2);
	CHECK_EQ_INT(stat(file_a, &after), 0);
	CHECK(before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
	      before.st_mtim.tv_nsec == after.st_mtim.tv_nsec); // nothing rewritten

	// A missing file is reported, never created (it would carry a new ZID).
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	CHECK_EQ_INT(run_main(missing, "list", NULL), 1);
	CHECK(access(missing, F_OK) != 0);
	// A cache others may read is refused.
	CHECK_EQ_INT(chmod(file_b, 0644), 0);
	CHECK_EQ_INT(run_main(file_b, "list", NULL), 1);
	CHECK_EQ_INT(chmod(file_b, 0600), 0);
	char *argv[] = { "zrtp-cache", NULL };
	CHECK_EQ_INT(sc_call_zrtp_cache_main(1, argv), 2);
}

int main(void)
{
	CHECK_EQ_INT(sc_srtp_global_init(), 0);
	snprintf(dir, sizeof(dir), "/tmp/sc-cache-cli-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(file_a, sizeof(file_a), "%s/a.cache", dir);
	snprintf(file_b, sizeof(file_b), "%s/b.cache", dir);
	test_verify_and_forget_from_the_command_line();
	test_refusals();
	unlink(file_a);
	unlink(file_b);
	CHECK_EQ_INT(rmdir(dir), 0);
	CHECK_EQ_INT(cms_failures, 0);
	sc_srtp_global_shutdown();
	return check_done();
}
