// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall zrtp-inspect`: real engine output decoded, a damaged CRC and junk reported.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sim.h"

static char dir[] = "/tmp/sc-zrtp-inspect-XXXXXX";

static void save(const char *name, const uint8_t *data, size_t len, char *path, size_t path_len)
{
	snprintf(path, path_len, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
}

// Runs inspect with stdout sent to a file and returns what it printed.
static int run_inspect(int argc, char **argv, char *out, size_t out_len)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/stdout", dir);
	fflush(stdout);
	int saved = dup(1);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	close(fd);
	int rc = sc_zrtp_inspect_main(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(out, 1, out_len - 1, f) : 0;
	out[n] = '\0';
	if (f)
		fclose(f);
	unlink(path);
	return rc;
}

int main(void)
{
	struct sc_zrtp_policy p = policy_default();
	struct test_rng r = { 3 };
	struct mem_cache c = { 0 };
	uint8_t pkt[1100];
	size_t len;
	char hello[300], bad[300], junk[300], out[8192];
	if (!mkdtemp(dir))
		return 1;
	struct sc_zrtp *z = make_engine(&p, 0xa1, &r, &c, "b");
	CHECK(z != NULL);
	if (!z)
		return check_done();
	sc_zrtp_start(z, 0);
	CHECK_EQ_INT(sc_zrtp_pop_packet(z, pkt, sizeof(pkt), &len), 0);
	save("hello.bin", pkt, len, hello, sizeof(hello));
	pkt[len - 1] ^= 0xff;
	save("badcrc.bin", pkt, len, bad, sizeof(bad));
	save("junk.bin", (const uint8_t *)"hello world", 11, junk, sizeof(junk));

	char *ok_args[] = { "zrtp-inspect", hello, NULL };
	CHECK_EQ_INT(run_inspect(2, ok_args, out, sizeof(out)), 0);
	CHECK_STR_CONTAINS(out, ": Hello seq ");
	CHECK_STR_CONTAINS(out, "CRC valid");
	CHECK_STR_CONTAINS(out, "zid: a1a1a1a1a1a1a1a1a1a1a1a1");
	CHECK_STR_CONTAINS(out, "key_agreements: X255 EC25 DH3k");
	CHECK_STR_CONTAINS(out, "client: \"sealcall        \"");

	char *all_args[] = { "zrtp-inspect", hello, bad, junk, NULL };
	CHECK_EQ_INT(run_inspect(4, all_args, out, sizeof(out)), 1);
	CHECK_STR_CONTAINS(out, "CRC INVALID");
	CHECK_STR_CONTAINS(out, "junk.bin: not a well-formed ZRTP packet");

	char *none[] = { "zrtp-inspect", NULL };
	CHECK_EQ_INT(sc_zrtp_inspect_main(1, none), 1);
	sc_zrtp_free(z);
	unlink(hello);
	unlink(bad);
	unlink(junk);
	rmdir(dir);
	return check_done();
}
