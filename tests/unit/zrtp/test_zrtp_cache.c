// SPDX-License-Identifier: GPL-3.0-or-later
// The cache file: creation, persistence, permissions, damage, expiry and the CLI operations,
// and an engine call through it.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "sim.h"
#include "zrtp/cache.h"

static char dir[] = "/tmp/sc-zrtp-cache-XXXXXX";
static char path[300];
static int64_t fake_now = 1700000000;

static int64_t clock_fn(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static int files_in_dir(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void write_file(const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void test_create_and_persist(void)
{
	struct test_rng rng = { 7 };
	struct sc_zrtp_cache *c = NULL;
	char why[400];
	struct stat st;
	uint8_t zid[12], peer[12];
	struct sc_zrtp_retained r, got;

	CHECK_EQ_INT(sc_zrtp_cache_open(path, test_rng_fill, &rng, &c, why, sizeof(why)), 0);
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	memcpy(zid, sc_zrtp_cache_zid(c), 12);
	memset(peer, 0x77, sizeof(peer));
	CHECK_EQ_INT(sc_zrtp_cache_lookup(c, peer, &got), -ENOENT);
	memset(&r, 0, sizeof(r));
	r.has_rs1 = true;
	memset(r.rs1, 0xab, 32);
	r.ttl_s = 3600;
	strcpy(r.peer_name, "lyon");
	sc_zrtp_cache_set_clock(c, clock_fn, NULL);
	CHECK_EQ_INT(sc_zrtp_cache_store(c, peer, &r), 0);
	CHECK_EQ_INT(files_in_dir(), 1); // no temporary file left behind
	sc_zrtp_cache_free(c);

	// Reopened: same ZID, same entry; it expires an hour later.
	c = NULL;
	CHECK_EQ_INT(sc_zrtp_cache_open(path, test_rng_fill, &rng, &c, why, sizeof(why)), 0);
	if (!c)
		return;
	sc_zrtp_cache_set_clock(c, clock_fn, NULL);
	CHECK(memcmp(sc_zrtp_cache_zid(c), zid, 12) == 0);
	CHECK_EQ_INT(sc_zrtp_cache_lookup(c, peer, &got), 0);
	CHECK(got.has_rs1 && !got.has_rs2 && memcmp(got.rs1, r.rs1, 32) == 0 && !got.verified);
	CHECK(strcmp(got.peer_name, "lyon") == 0);
	fake_now += 3599;
	CHECK_EQ_INT(sc_zrtp_cache_lookup(c, peer, &got), 0);
	fake_now += 1;
	CHECK_EQ_INT(sc_zrtp_cache_lookup(c, peer, &got), -ENOENT);
	fake_now -= 3600;

	// CLI operations by name and by ZID.
	CHECK_EQ_INT(sc_zrtp_cache_verify(c, "lyon"), 0);
	CHECK_EQ_INT(sc_zrtp_cache_lookup(c, peer, &got), 0);
	CHECK(got.verified);
	CHECK_EQ_INT(sc_zrtp_cache_unverify(c, "777777777777777777777777"), 0);
	CHECK_EQ_INT(sc_zrtp_cache_lookup(c, peer, &got), 0);
	CHECK(!got.verified);
	CHECK_EQ_INT(sc_zrtp_cache_verify(c, "nantes"), -ENOENT);
	struct sc_zrtp_cache_info info;
	CHECK_EQ_INT(sc_zrtp_cache_count(c), 1);
	CHECK_EQ_INT(sc_zrtp_cache_info_at(c, 0, &info), 0);
	CHECK(strcmp(info.peer_name, "lyon") == 0 && info.has_rs1 && info.expires == fake_now + 3600);
	CHECK_EQ_INT(sc_zrtp_cache_forget(c, "lyon"), 0);
	CHECK_EQ_INT(sc_zrtp_cache_count(c), 0);
	sc_zrtp_cache_free(c);
	c = NULL;
	CHECK_EQ_INT(sc_zrtp_cache_open(path, test_rng_fill, &rng, &c, why, sizeof(why)), 0);
	if (c)
		CHECK_EQ_INT(sc_zrtp_cache_count(c), 0);
	sc_zrtp_cache_free(c);
}

static void test_refusals(void)
{
	struct test_rng rng = { 8 };
	struct sc_zrtp_cache *c = NULL;
	char why[400];

	chmod(path, 0644);
	CHECK_EQ_INT(sc_zrtp_cache_open(path, test_rng_fill, &rng, &c, why, sizeof(why)), -EPERM);
	CHECK_STR_CONTAINS(why, "chmod 600");
	chmod(path, 0600);

	const char *damaged[] = {
		"not a cache\n",
		"sealcall-zrtp-cache 1\n",
		"sealcall-zrtp-cache 1\nzid 0011\n",
		"sealcall-zrtp-cache 1\nzid 001122334455667788990011\npeer 00 rs1=- rs2=- expires=never verified=0 name=-\n",
		"sealcall-zrtp-cache 1\nzid 001122334455667788990011\npeer 001122334455667788990012 rs1=zz rs2=- expires=never verified=0 name=-\n",
		"sealcall-zrtp-cache 1\nzid 001122334455667788990011\npeer 001122334455667788990012 rs1=- rs2=- expires=never verified=2 name=-\n",
		"sealcall-zrtp-cache 1\nzid 001122334455667788990011\npeer 001122334455667788990012 rs1=- rs2=- expires=never verified=0 name=Bad!\n",
	};
	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		write_file(damaged[i], 0600);
		c = NULL;
		CHECK_EQ_INT(sc_zrtp_cache_open(path, test_rng_fill, &rng, &c, why, sizeof(why)), -EINVAL);
		CHECK_STR_CONTAINS(why, "left untouched");
		CHECK(c == NULL);
		// A damaged cache is never overwritten.
		FILE *f = fopen(path, "r");
		char back[400] = { 0 };
		size_t n = f ? fread(back, 1, sizeof(back) - 1, f) : 0;
		if (f)
			fclose(f);
		CHECK(n == strlen(damaged[i]) && strcmp(back, damaged[i]) == 0);
	}
	unlink(path);
}

// Two engines, each with its own cache file: the second call finds the first's secrets.
static void test_engines_with_files(void)
{
	char path_b[320], why[400];
	struct test_rng r1 = { 1 }, r2 = { 2 };
	struct sc_zrtp_cache *ca = NULL, *cb = NULL;
	snprintf(path_b, sizeof(path_b), "%s/b-cache", dir);
	CHECK_EQ_INT(sc_zrtp_cache_open(path, test_rng_fill, &r1, &ca, why, sizeof(why)), 0);
	CHECK_EQ_INT(sc_zrtp_cache_open(path_b, test_rng_fill, &r2, &cb, why, sizeof(why)), 0);
	if (!ca || !cb)
		return;
	for (int round = 0; round < 2; round++) {
		struct sc_zrtp_policy p = policy_default();
		struct sc_zrtp_config cfg_a, cfg_b;
		struct sc_zrtp *za = NULL, *zb = NULL;
		memset(&cfg_a, 0, sizeof(cfg_a));
		cfg_a.algorithms = p;
		cfg_b = cfg_a;
		memcpy(cfg_a.zid, sc_zrtp_cache_zid(ca), 12);
		memcpy(cfg_b.zid, sc_zrtp_cache_zid(cb), 12);
		strcpy(cfg_a.peer_name, "bravo");
		strcpy(cfg_b.peer_name, "alpha");
		struct sc_zrtp_cache_ops oa = sc_zrtp_cache_ops(ca), ob = sc_zrtp_cache_ops(cb);
		CHECK_EQ_INT(sc_zrtp_new(&cfg_a, test_rng_fill, &r1, &oa, &za), 0);
		CHECK_EQ_INT(sc_zrtp_new(&cfg_b, test_rng_fill, &r2, &ob, &zb), 0);
		struct sim sim;
		sim_init(&sim, 5 + (uint64_t)round);
		sim_add(&sim, za, 1);
		sim_add(&sim, zb, 0);
		sim_start_all(&sim);
		sim_run(&sim, 5000);
		const struct sc_zrtp_event *ea = sim_event(&sim, 0, SC_ZRTP_EVENT_SECURE);
		CHECK(ea != NULL);
		if (ea)
			CHECK_EQ_INT(ea->secure.cache, round == 0 ? SC_ZRTP_CACHE_NEW : SC_ZRTP_CACHE_MATCH);
		if (round == 0)
			CHECK_EQ_INT(sc_zrtp_set_sas_verified(za, true), 0);
		sim_free(&sim);
	}
	CHECK_EQ_INT(sc_zrtp_cache_count(ca), 1);
	struct sc_zrtp_cache_info info;
	CHECK_EQ_INT(sc_zrtp_cache_info_at(ca, 0, &info), 0);
	CHECK(info.verified && info.has_rs2 && strcmp(info.peer_name, "bravo") == 0 && info.expires == 0);
	sc_zrtp_cache_free(ca);
	sc_zrtp_cache_free(cb);
	unlink(path_b);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/zrtp-cache", dir);
	test_create_and_persist();
	test_refusals();
	test_engines_with_files();
	unlink(path);
	rmdir(dir);
	return check_done();
}
