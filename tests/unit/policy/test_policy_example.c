// SPDX-License-Identifier: GPL-3.0-or-later
// config/sealcall.yaml, the operator's starting point, must always pass the check: as
// shipped (schema only), and installed with its files in place (check_files=true).
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/secret.h"
#include "base/strutil.h"
#include "policy_test.h"

static char example[PATH_MAX];

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return NULL;
	char *buf = calloc(1, 1 << 20);
	size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	CHECK(n > 0);
	return buf;
}

// Every occurrence of OLD in TEXT replaced by NEW; the caller frees the result.
static char *replace_all(const char *text, const char *old, const char *new_text)
{
	char *out = strdup(text);
	while (out && strstr(out, old)) {
		char *next = edit(out, old, new_text);
		free(out);
		out = next;
	}
	return out;
}

static void write_file(const char *path, const char *content, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, content, len) == (ssize_t)len);
	close(fd);
	CHECK(chmod(path, mode) == 0);
}

// A WireGuard key as `wg genkey`/`wg genpsk` writes it: 32 random bytes, base64, newline.
static void write_wg_key(const char *path)
{
	uint8_t raw[32];
	char text[64];
	int fd = open("/dev/urandom", O_RDONLY);
	CHECK(fd >= 0 && read(fd, raw, sizeof(raw)) == (ssize_t)sizeof(raw));
	if (fd >= 0)
		close(fd);
	int n = sc_base64_encode(raw, sizeof(raw), text, sizeof(text) - 1);
	CHECK_EQ_INT(n, 44);
	text[n] = '\n';
	write_file(path, text, (size_t)n + 1, 0600);
	sc_wipe(raw, sizeof(raw));
	sc_wipe(text, sizeof(text));
}

static void test_example_as_shipped(void)
{
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	int rc = sc_policy_load(example, false, &p, &errors);
	CHECK_EQ_INT(rc, 0);
	if (rc != 0)
		print_errors(&errors);
	if (p) {
		CHECK(strcmp(p->site_name, "paris") == 0);
		CHECK_EQ_INT(p->tunnel.n_peers, 1);
		CHECK(strcmp(p->tunnel.peers[0].name, "lyon") == 0);
		CHECK(strcmp(p->tunnel.private_key_file, "/etc/sealcall/wireguard.key") == 0);
		CHECK(strcmp(p->sip.certificate, "/etc/sealcall/site.crt") == 0);
		CHECK(strcmp(p->media.zrtp.cache_file, "/var/lib/sealcall/zrtp-cache") == 0);
		const struct sc_directory_entry *hot = sc_policy_hotline(p);
		CHECK(hot && strcmp(hot->name, "lyon") == 0);
		CHECK(hot && sc_policy_peer_for_address(p, hot->address.family, hot->address.addr) ==
				     &p->tunnel.peers[0]);
	}
	sc_policy_free(p);
	sc_policy_errors_free(&errors);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void test_example_installed(void)
{
	char dir[] = "/tmp/sc-policy-example-XXXXXX";
	char etc[PATH_MAX], var[PATH_MAX], path[PATH_MAX + 64];
	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(etc, sizeof(etc), "%s/etc", dir);
	snprintf(var, sizeof(var), "%s/var", dir);
	CHECK(mkdir(etc, 0700) == 0);
	CHECK(mkdir(var, 0700) == 0);
	char *text = read_all(example);
	char *a = text ? replace_all(text, "/etc/sealcall", etc) : NULL;
	char *yaml = a ? replace_all(a, "/var/lib/sealcall", var) : NULL;
	CHECK(yaml != NULL && strstr(yaml, "/etc/sealcall") == NULL);
	if (yaml) {
		snprintf(path, sizeof(path), "%s/sealcall.yaml", etc);
		write_file(path, yaml, strlen(yaml), 0644);
		snprintf(path, sizeof(path), "%s/wireguard.key", etc);
		write_wg_key(path);
		snprintf(path, sizeof(path), "%s/lyon.psk", etc);
		write_wg_key(path);
		const char pem[] = "-----BEGIN CERTIFICATE-----\n";
		snprintf(path, sizeof(path), "%s/site.crt", etc);
		write_file(path, pem, strlen(pem), 0644);
		snprintf(path, sizeof(path), "%s/ca.crt", etc);
		write_file(path, pem, strlen(pem), 0644);
		snprintf(path, sizeof(path), "%s/site.key", etc);
		write_file(path, "-----BEGIN PRIVATE KEY-----\n", 28, 0600);

		struct sc_policy *p = NULL;
		struct sc_policy_errors errors = { 0 };
		snprintf(path, sizeof(path), "%s/sealcall.yaml", etc);
		int rc = sc_policy_load(path, true, &p, &errors);
		CHECK_EQ_INT(rc, 0);
		if (rc != 0)
			print_errors(&errors);
		if (p) {
			snprintf(path, sizeof(path), "%s/wireguard.key", etc);
			CHECK(strcmp(p->tunnel.private_key_file, path) == 0);
			snprintf(path, sizeof(path), "%s/lyon.psk", etc);
			CHECK(strcmp(p->tunnel.peers[0].preshared_key_file, path) == 0);
			snprintf(path, sizeof(path), "%s/zrtp-cache", var);
			CHECK(strcmp(p->media.zrtp.cache_file, path) == 0);
		}
		sc_policy_free(p);
		sc_policy_errors_free(&errors);

		// The same installation with the key readable by others is refused.
		snprintf(path, sizeof(path), "%s/wireguard.key", etc);
		CHECK(chmod(path, 0644) == 0);
		snprintf(path, sizeof(path), "%s/sealcall.yaml", etc);
		CHECK_EQ_INT(sc_policy_load(path, true, &p, &errors), -EINVAL);
		CHECK(find_error(&errors, "tunnel.private_key_file", "chmod 600") != NULL);
		sc_policy_errors_free(&errors);
	}
	free(yaml);
	free(a);
	free(text);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const char *data = getenv("SC_TEST_DATA");
	snprintf(example, sizeof(example), "%s/../../config/sealcall.yaml", data ? data : "../../data");
	test_example_as_shipped();
	test_example_installed();
	return check_done();
}
