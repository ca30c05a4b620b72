// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/secret.h"
#include "base/strutil.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_base64(void)
{
	uint8_t out[64];
	char enc[64];
	CHECK_EQ_INT(sc_base64_decode("aGVsbG8=", out, sizeof(out)), 5);
	CHECK(memcmp(out, "hello", 5) == 0);
	CHECK_EQ_INT(sc_base64_decode("aGVsbG8", out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sc_base64_decode("aGV=bG8=", out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sc_base64_decode("aGVsbG8*", out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sc_base64_decode("aGVsbG8=", out, 4), -EINVAL);
	CHECK_EQ_INT(sc_base64_encode((const uint8_t *)"hello", 5, enc, sizeof(enc)), 8);
	CHECK(strcmp(enc, "aGVsbG8=") == 0);
	CHECK_EQ_INT(sc_base64_encode((const uint8_t *)"hello", 5, enc, 8), -EINVAL);
}

static void test_parse_u32(void)
{
	uint32_t v = 0;
	CHECK_EQ_INT(sc_parse_u32("5061", 1, 65535, &v), 0);
	CHECK_EQ_INT(v, 5061);
	CHECK_EQ_INT(sc_parse_u32("0", 1, 65535, &v), -ERANGE);
	CHECK_EQ_INT(sc_parse_u32("65536", 1, 65535, &v), -ERANGE);
	CHECK_EQ_INT(sc_parse_u32("99999999999", 0, UINT32_MAX, &v), -ERANGE);
	CHECK_EQ_INT(sc_parse_u32("-1", 0, 10, &v), -EINVAL);
	CHECK_EQ_INT(sc_parse_u32("1 ", 0, 10, &v), -EINVAL);
	CHECK_EQ_INT(sc_parse_u32("", 0, 10, &v), -EINVAL);
}

static void test_strcpy(void)
{
	char small[4];
	CHECK_EQ_INT(sc_strcpy(small, sizeof(small), "abc"), 0);
	CHECK_EQ_INT(sc_strcpy(small, sizeof(small), "abcd"), -ENAMETOOLONG);
	CHECK(strcmp(small, "abc") == 0);
}

static void test_secret_file(void)
{
	char path[] = "/tmp/sc-secret-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, "key", 3) == 3);
	close(fd);
	uint8_t *buf = NULL;
	size_t len = 0;
	chmod(path, 0600);
	CHECK_EQ_INT(sc_read_secret_file(path, 64, &buf, &len), 0);
	CHECK_EQ_INT(len, 3);
	sc_secret_free(buf, 65);
	CHECK_EQ_INT(sc_read_secret_file(path, 2, &buf, &len), -EFBIG);
	chmod(path, 0640);
	CHECK_EQ_INT(sc_check_secret_file_mode(path), -EPERM);
	CHECK_EQ_INT(sc_read_secret_file(path, 64, &buf, &len), -EPERM);
	unlink(path);
	CHECK_EQ_INT(sc_check_secret_file_mode(path), -ENOENT);
	CHECK_EQ_INT(sc_ct_memcmp("abc", "abc", 3), 0);
	CHECK(sc_ct_memcmp("abc", "abd", 3) != 0);
}

int main(void)
{
	test_base64();
	test_parse_u32();
	test_strcpy();
	test_secret_file();
	return check_done();
}
