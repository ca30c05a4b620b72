// SPDX-License-Identifier: GPL-3.0-or-later
// check_files=true: referenced files must exist, key files must be 0600 and hold what they
// should, and relative paths are resolved beside the policy. All files live in a temporary
// directory removed at the end.
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_test.h"

static char dir[PATH_MAX];

static const char wg_private[] = "iNz+zu1lDzE2G9ry8aqZ4Lvj8FucLdfyyteZ8VNDiVc=\n";
static const char wg_psk[] = "GhxaWc0YGm540G9Cl0tOuyzEiD5x92ahNgwl/PHNRBw=\n";

static void in_dir(char *out, size_t outsz, const char *name)
{
	snprintf(out, outsz, "%s/%s", dir, name);
}

static void write_file(const char *name, const char *content, mode_t mode)
{
	char path[PATH_MAX + 64];
	in_dir(path, sizeof(path), name);
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, content, strlen(content)) == (ssize_t)strlen(content));
	close(fd);
	CHECK(chmod(path, mode) == 0);
}

static void remove_file(const char *name)
{
	char path[PATH_MAX + 64];
	in_dir(path, sizeof(path), name);
	unlink(path);
}

// Line numbers of the keys in this policy, for the assertions below.
#define LINE_PRIVATE_KEY 4
#define LINE_PSK 10
#define LINE_CERT 12
#define LINE_SITE_KEY 13
#define LINE_PASSWORD 18
#define LINE_CACHE 25
static const char files_policy[] =
	"site:\n"                                                         // 1
	"  name: paris\n"                                                 // 2
	"tunnel:\n"                                                       // 3
	"  private_key_file: wg.key\n"                                    // 4
	"  address: 10.77.0.1/24\n"                                       // 5
	"  peers:\n"                                                      // 6
	"    - name: lyon\n"                                              // 7
	"      public_key: AcOyX2aLyS54wQwill00KfpL7T/EKPWrrAoRkVnDTyQ=\n" // 8
	"      allowed_ips: [10.77.0.2/32, 10.77.0.254/32]\n"             // 9
	"      preshared_key_file: lyon.psk\n"                            // 10
	"sip:\n"                                                          // 11
	"  certificate: site.crt\n"                                       // 12
	"  private_key: site.key\n"                                       // 13
	"  ca: ca.crt\n"                                                  // 14
	"  registrar:\n"                                                  // 15
	"    uri: sips:hub.sealcall.internal\n"                           // 16
	"    address: 10.77.0.254\n"                                      // 17
	"    password_file: registrar.password\n"                         // 18
	"directory:\n"                                                    // 19
	"  - name: lyon\n"                                                // 20
	"    uri: sips:lyon@lyon.sealcall.internal\n"                     // 21
	"    address: 10.77.0.2\n"                                        // 22
	"media:\n"                                                        // 23
	"  zrtp:\n"                                                       // 24
	"    cache_file: state/zrtp-cache\n";                             // 25

static void write_good_files(void)
{
	char path[PATH_MAX + 64];
	write_file("policy.yaml", files_policy, 0644);
	write_file("wg.key", wg_private, 0600);
	write_file("lyon.psk", wg_psk, 0600);
	write_file("site.crt", "-----BEGIN CERTIFICATE-----\n", 0644);
	write_file("site.key", "-----BEGIN PRIVATE KEY-----\n", 0600);
	write_file("ca.crt", "-----BEGIN CERTIFICATE-----\n", 0644);
	write_file("registrar.password", "correct horse battery staple\n", 0600);
	in_dir(path, sizeof(path), "state");
	mkdir(path, 0700);
}

// Loads DIR/policy.yaml with check_files; expects success when FRAGMENT is NULL, else an
// error at LINE with the fragment (and the file's path in the message).
static void expect_files(const char *where, unsigned line, const char *fragment)
{
	char path[PATH_MAX + 64];
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	in_dir(path, sizeof(path), "policy.yaml");
	int rc = sc_policy_load(path, true, &p, &errors);
	if (!fragment) {
		CHECK_EQ_INT(rc, 0);
		if (rc != 0) {
			fprintf(stderr, "%s: expected success\n", where);
			print_errors(&errors);
		}
	} else {
		CHECK_EQ_INT(rc, -EINVAL);
		const struct sc_policy_error *e = find_error(&errors, "", fragment);
		CHECK(e != NULL);
		if (!e) {
			fprintf(stderr, "%s: no error containing '%s'; got:\n", where, fragment);
			print_errors(&errors);
		} else {
			CHECK_EQ_INT(e->line, line);
		}
	}
	sc_policy_free(p);
	sc_policy_errors_free(&errors);
}

static void test_good_files(void)
{
	write_good_files();
	expect_files(__func__, 0, NULL);
	// A key file without the trailing newline is the same key.
	write_file("wg.key", "iNz+zu1lDzE2G9ry8aqZ4Lvj8FucLdfyyteZ8VNDiVc=", 0600);
	expect_files(__func__, 0, NULL);
	// A cache file that exists with the right mode is fine too.
	write_file("state/zrtp-cache", "", 0600);
	expect_files(__func__, 0, NULL);
	remove_file("state/zrtp-cache");
}

static void test_missing_files(void)
{
	char msg[2 * PATH_MAX + 200];
	write_good_files();
	remove_file("wg.key");
	snprintf(msg, sizeof(msg), "%s/wg.key does not exist; fix the path or create it with '(umask 077; wg genkey > %s/wg.key)'",
		 dir, dir);
	expect_files(__func__, LINE_PRIVATE_KEY, msg);
	write_good_files();
	remove_file("lyon.psk");
	expect_files(__func__, LINE_PSK, "lyon.psk does not exist; fix the path or create it with '(umask 077; wg genpsk");
	write_good_files();
	remove_file("site.crt");
	expect_files(__func__, LINE_CERT, "site.crt does not exist");
	write_good_files();
	remove_file("registrar.password");
	expect_files(__func__, LINE_PASSWORD, "registrar.password does not exist");
	write_good_files();
	char path[PATH_MAX + 64];
	in_dir(path, sizeof(path), "state");
	rmdir(path);
	snprintf(msg, sizeof(msg), "the directory %s/state for the ZRTP cache does not exist; create it with 'mkdir -p %s/state'",
		 dir, dir);
	expect_files(__func__, LINE_CACHE, msg);
	write_good_files();
	remove_file("site.crt");
	in_dir(path, sizeof(path), "site.crt");
	mkdir(path, 0700);
	expect_files(__func__, LINE_CERT, "site.crt is not a regular file");
	rmdir(path);
}

static void test_modes(void)
{
	char msg[2 * PATH_MAX + 200];
	write_good_files();
	write_file("wg.key", wg_private, 0644);
	snprintf(msg, sizeof(msg), "%s/wg.key holds a secret but group or others can access it (mode 0644); run chmod 600 %s/wg.key",
		 dir, dir);
	expect_files(__func__, LINE_PRIVATE_KEY, msg);
	write_good_files();
	write_file("lyon.psk", wg_psk, 0640);
	expect_files(__func__, LINE_PSK, "(mode 0640); run chmod 600");
	write_good_files();
	write_file("site.key", "-----BEGIN PRIVATE KEY-----\n", 0604);
	snprintf(msg, sizeof(msg), "run chmod 600 %s/site.key", dir);
	expect_files(__func__, LINE_SITE_KEY, msg);
	write_good_files();
	write_file("registrar.password", "secret\n", 0660);
	expect_files(__func__, LINE_PASSWORD, "registrar.password holds a secret but group or others can access it (mode 0660)");
	write_good_files();
	write_file("state/zrtp-cache", "", 0644);
	expect_files(__func__, LINE_CACHE, "holds ZRTP retained secrets but group or others can access it (mode 0644); run chmod 600");
	remove_file("state/zrtp-cache");
	// Certificates are public: 0644 is fine (write_good_files already made them 0644).
	write_good_files();
	expect_files(__func__, 0, NULL);
}

static void test_contents(void)
{
	write_good_files();
	write_file("wg.key", "hello\n", 0600);
	expect_files(__func__, LINE_PRIVATE_KEY,
		     "wg.key does not hold a WireGuard private key (one line of 44 base64 characters); regenerate it with 'wg genkey'");
	write_good_files();
	write_file("wg.key", "iNz+zu1lDzE2G9ry8aqZ4Lvj8FucLdfyyteZ8VNDiVc=\niNz+zu1lDzE2G9ry8aqZ4Lvj8FucLdfyyteZ8VNDiVc=\n", 0600);
	expect_files(__func__, LINE_PRIVATE_KEY, "does not hold a WireGuard private key");
	write_good_files();
	write_file("lyon.psk", "not a key\n", 0600);
	expect_files(__func__, LINE_PSK, "does not hold a WireGuard preshared key");
	write_good_files();
	write_file("registrar.password", "\n", 0600);
	expect_files(__func__, LINE_PASSWORD, "registrar.password is empty; write the registrar password into it");
	write_good_files();
	char big[5000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	write_file("registrar.password", big, 0600);
	expect_files(__func__, LINE_PASSWORD, "too large for a key or password file");
}

static void test_policy_file_itself(void)
{
	char path[PATH_MAX + 64];
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	in_dir(path, sizeof(path), "absent.yaml");
	CHECK_EQ_INT(sc_policy_load(path, false, &p, &errors), -ENOENT);
	CHECK(p == NULL);
	CHECK_EQ_INT(errors.count, 1);
	if (errors.count == 1) {
		CHECK_STR_CONTAINS(errors.items[0].message, "cannot open the policy: No such file or directory");
		CHECK_STR_CONTAINS(errors.items[0].file, "absent.yaml");
	}
	sc_policy_errors_free(&errors);

	CHECK_EQ_INT(sc_policy_load(dir, false, &p, &errors), -EINVAL);
	CHECK(errors.count == 1 && strstr(errors.items[0].message, "is not a regular file"));
	sc_policy_errors_free(&errors);

	in_dir(path, sizeof(path), "huge.yaml");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 2 * 1024 * 1024) == 0);
	if (fd >= 0)
		close(fd);
	CHECK_EQ_INT(sc_policy_load(path, false, &p, &errors), -EINVAL);
	CHECK(errors.count == 1 && strstr(errors.items[0].message, "over the 1048576 byte (1 MiB) limit"));
	sc_policy_errors_free(&errors);
	unlink(path);
}

static void test_relative_paths(void)
{
	// The policy in DIR/bundle, named relative to the current directory, with paths
	// relative to its own directory: they resolve beside it, not beside the caller.
	char path[PATH_MAX + 64], cwd[PATH_MAX], expect[PATH_MAX + 64];
	write_good_files();
	in_dir(path, sizeof(path), "bundle");
	mkdir(path, 0700);
	char *yaml = edit(files_policy, "  private_key_file: wg.key\n", "  private_key_file: ../wg.key\n");
	char *yaml2 = edit(yaml, "  certificate: site.crt\n", "  certificate: ./../site.crt\n");
	char *yaml3 = edit(yaml2, "  private_key: site.key\n", "  private_key: keys/site.key\n");
	write_file("bundle/policy.yaml", yaml3, 0644);
	in_dir(path, sizeof(path), "bundle/keys");
	mkdir(path, 0700);
	write_file("bundle/keys/site.key", "-----BEGIN PRIVATE KEY-----\n", 0600);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(chdir(dir) == 0);
	struct sc_policy *p = NULL;
	struct sc_policy_errors errors = { 0 };
	int rc = sc_policy_load("bundle/policy.yaml", false, &p, &errors);
	CHECK_EQ_INT(rc, 0);
	if (p) {
		in_dir(expect, sizeof(expect), "bundle/policy.yaml");
		CHECK(strcmp(p->source_file, expect) == 0);
		in_dir(expect, sizeof(expect), "wg.key");
		CHECK(strcmp(p->tunnel.private_key_file, expect) == 0);
		in_dir(expect, sizeof(expect), "site.crt");
		CHECK(strcmp(p->sip.certificate, expect) == 0);
		in_dir(expect, sizeof(expect), "bundle/keys/site.key");
		CHECK(strcmp(p->sip.private_key, expect) == 0);
		in_dir(expect, sizeof(expect), "bundle/lyon.psk");
		CHECK(strcmp(p->tunnel.peers[0].preshared_key_file, expect) == 0);
	}
	sc_policy_free(p);
	p = NULL;
	// With check_files, the files resolved beside the bundle's policy are the ones checked:
	// lyon.psk, ca.crt, ... are not in bundle/, which the messages name.
	rc = sc_policy_load("bundle/policy.yaml", true, &p, &errors);
	CHECK_EQ_INT(rc, -EINVAL);
	in_dir(expect, sizeof(expect), "bundle/lyon.psk does not exist");
	CHECK(find_error(&errors, "tunnel.peers[0].preshared_key_file", expect) != NULL);
	CHECK(find_error(&errors, "tunnel.private_key_file", "") == NULL);
	CHECK(find_error(&errors, "sip.private_key", "") == NULL);
	sc_policy_errors_free(&errors);
	CHECK(chdir(cwd) == 0);
	free(yaml3);
	free(yaml2);
	free(yaml);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sc-policy-files-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_good_files();
	test_missing_files();
	test_modes();
	test_contents();
	test_policy_file_itself();
	test_relative_paths();
	// check_files=false never opens them: the same policy loads with every file gone.
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	struct sc_policy *p = load_ok("/nonexistent/policy.yaml", files_policy);
	sc_policy_free(p);
	return check_done();
}
