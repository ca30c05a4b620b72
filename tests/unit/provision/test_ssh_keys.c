// SPDX-License-Identifier: GPL-3.0-or-later
// ssh_authorized_keys: the key file check refuses each thing it promises to (and accepts every
// key type it names), the sites file names, inherits and turns off the file per site, the
// file checks say which file and line, and whole runs put authorized_keys in exactly the
// bundles that should carry it, and take it out again.
#include "provision/authorized_keys.h"
#include "provision/provision.h"
#include "base/strutil.h"
#include "pv_test.h"

// Made with ssh-keygen (OpenSSH 9.2) for these tests; public halves only.
#define ED25519 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAPXFxvsBLr4QV0uyIUUjf5isZzeScuJcCmC5/xS549F"
#define P256                                                                                   \
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLymp2dGCNDMIEYQ9+zPI8Yi5QBxpIM6iceNxySwklGMyQqQ3IMfnk4URn4N8g+f9feF71K4KstHY8TVgNxubVY="
#define P384                                                                                   \
	"ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBNXzb47YkrpiN9Hs9IKgUu21UEoCo11WTsp3bIGDimwkDH0MPElbe0OtK3L7WBxLNIRq7IfHkN4zQs5VWKxgepYsNINVMRhtDG8z5U/IbvTgAJPe/Vg8upmuCYRVN1AFfg=="
#define P521                                                                                   \
	"ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAFW14b6jjmafqf+EXujLsC2ecypMFhieYzfl2nxKviysujLqOKpyxd4lVfn0OdPrSsgLKkPlq/xBiHsZEThtLLecQEbL4dD/0PLHn02IrnWQyIFBJc+RpVjD8radwledSFK/QMO8NChDB+kJCJM+1mEedUHbMtBh8Bkvdjlbn2j57d22Q=="
#define RSA1024                                                                                \
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDPu+J8sbs9YEbx+TF7aFem0CJPmxe3l5k6VeUnbnc0f2u9MZCzZ5tVr2ar395us/QGVSa3HLmq5BXQPDxhE/1E1zXV9LSNEgXPFY6BrMNzsNnyrhG5k2VUseS4eo29MdZgf4wco1Amtd4CF4ifFbhdlYuw7vUnaLIq+eo9fzKhuQ=="
#define RSA2048                                                                                \
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDb5pCqztfws1E58M4/U7lqeFa23WZ4s9Jg2oGRKbaQ9g85/4F58gNm52Oufhe7PfZh13+f2c6W8VvY6DtqjVSH18TLydIw5s57vpM3Jqsbv8qQ7WaoN/4Jw9Z9Zh53z60j/ZiC4IOQ6QFP/jeF9DbT4sXM3qo62guCpx0VnfXxTatT8L7/K5nP7Ly5fZ19Xpgec5/QH74UrruXWrd5Ks6OSXaezHmu33A3wCKGbZxMr+bF3khx25UGM2TCIAaf8WVZhe5Wl1U7q6+JYMNTfbXgDjvIyF3QDjFq5gexIbFsC0DclaP4j1My1A5CmPOSBsLu2PUeg6KFIi1BcvJKqlqF"
#define RSA3072                                                                                \
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC0n8Hn81eY9jDbDOspvlMGvGxcoiG+LhGHQaSCyFFNC6pI9F0XxtIrgE8rGRn8g9v/gFgZFIZxvC5NWNiTM6x0UKh7yH5gqqb5QHuH3d4jrOqop+QXB/JELAZnt5/ItqSh5O5qd8gTIwO+yDrLHq+Lkc7sMQjRBr/EyeLC4/y4K3BvcFFK7khIZb0+KG+gNyFKimMiOTKSDtY7reSzl42OTXG/gzY/fUstVgzeimN4/V6wxTY6QWHLYf1FkKD2VoLk/uX577oGX7Nv9cMfQCXyySV17NzPO6zRszTXq3ToS2No9rKS5F7ZMIvke+sZ7OuFxpGwwwt0H6aoRqorzWi+rlrNrIFTiXvy5p3/xih5pK2nkh4VIVh6G9/JAW4GgPKa2szjMCI1B8cnVFip4CKLT5lPyNBH3sGM3izEB8bPD9vfIwujzkJRSHjf99W4pJZ3mf52a3wNJ7DjUzpox5daWN37+Ypw1TNcAvVNHGLp5Dz79zFFlLU+w1muoozts/U="

struct problems {
	size_t count;
	unsigned line[8], column[8];
	char message[8][512];
};

static void collect(void *ctx, unsigned line, unsigned column, const char *message)
{
	struct problems *p = ctx;
	if (p->count < 8) {
		p->line[p->count] = line;
		p->column[p->count] = column;
		snprintf(p->message[p->count], sizeof(p->message[0]), "%s", message);
	}
	p->count++;
}

static size_t keys_in(const char *text)
{
	struct problems p = { 0 };
	size_t keys = 0;
	size_t n = pv_authorized_keys_check(text, strlen(text), collect, &p, &keys);
	CHECK_EQ_INT(n, p.count);
	for (size_t i = 0; i < p.count && i < 8; i++)
		fprintf(stderr, "unexpected refusal at %u:%u: %s\n", p.line[i], p.column[i], p.message[i]);
	CHECK_EQ_INT(p.count, 0);
	return keys;
}

// TEXT is refused with exactly one problem, at LINE:COLUMN, whose message holds FRAGMENT.
static void expect_refused(const char *text, size_t len, unsigned line, unsigned column,
			   const char *fragment)
{
	struct problems p = { 0 };
	size_t keys = 0;
	pv_authorized_keys_check(text, len, collect, &p, &keys);
	CHECK_EQ_INT(p.count, 1);
	if (p.count >= 1) {
		CHECK_EQ_INT(p.line[0], line);
		CHECK_EQ_INT(p.column[0], column);
		CHECK_STR_CONTAINS(p.message[0], fragment);
	}
}

static void refused(const char *text, unsigned line, unsigned column, const char *fragment)
{
	expect_refused(text, strlen(text), line, column, fragment);
}

// A key line of TYPE whose blob is the SSH strings in PARTS (NULL-terminated; "#32" is 32
// zero bytes, "#65" an uncompressed point of 65 bytes).
static void key_line(char *out, size_t outsz, const char *type, const char *const *parts)
{
	uint8_t blob[512];
	size_t len = 0;
	for (size_t i = 0; parts[i]; i++) {
		size_t n = parts[i][0] == '#' ? (size_t)atoi(parts[i] + 1) : strlen(parts[i]);
		blob[len++] = 0, blob[len++] = 0, blob[len++] = (uint8_t)(n >> 8), blob[len++] = (uint8_t)n;
		if (parts[i][0] == '#') {
			memset(blob + len, 0, n);
			blob[len] = 0x04;
		} else {
			memcpy(blob + len, parts[i], n);
		}
		len += n;
	}
	int at = snprintf(out, outsz, "%s ", type);
	CHECK(sc_base64_encode(blob, len, out + at, outsz - (size_t)at) > 0);
}

static void test_accepted(void)
{
	CHECK_EQ_INT(keys_in(ED25519 " admin@example\n"), 1);
	CHECK_EQ_INT(keys_in(P256 "\n" P384 "\n" P521 "\n"), 3);
	CHECK_EQ_INT(keys_in(RSA2048 " old-but-allowed\n" RSA3072 " x\n"), 2);
	// Comments, blank and space-only lines, CR LF, tabs, leading blanks, no final newline.
	CHECK_EQ_INT(keys_in("# admins\r\n\r\n   \r\n\t# indented comment\r\n" ED25519 " a b c\r\n  " P256
			     "\r\n" ED25519 "\tno-newline"),
		     3);
	// Security keys: no token here to make one, so their blobs are built as OpenSSH lays them out.
	char line[1024], text[2200];
	static const char *const sk_ed[] = { "sk-ssh-ed25519@openssh.com", "#32", "ssh:", NULL };
	static const char *const sk_ec[] = { "sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", "#65", "ssh:", NULL };
	key_line(line, sizeof(line), "sk-ssh-ed25519@openssh.com", sk_ed);
	snprintf(text, sizeof(text), "%s yubikey\n", line);
	key_line(line, sizeof(line), "sk-ecdsa-sha2-nistp256@openssh.com", sk_ec);
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s\n", line);
	CHECK_EQ_INT(keys_in(text), 2);
}

static void test_refused(void)
{
	char line[1024];
	refused(ED25519 "\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
		2, 1, "this is a private key: give the .pub file");
	refused("-----BEGIN RSA PRIVATE KEY-----\r\n", 1, 1, "this is a private key");
	refused("some PRIVATE KEY text\n", 1, 1, "this is a private key");
	refused("command=\"/bin/sh\" " ED25519 " x\n", 1, 1, "starts with key options (command=\"/bin/sh\")");
	refused("\n  from=\"10.0.0.0/8\",no-pty " ED25519 "\n", 2, 3, "remove everything before ssh-ed25519");
	refused("restrict " RSA3072 "\n", 1, 1, "is for the operator to set on the appliance itself");
	refused("ssh-dss AAAAB3NzaC1kc3MAAACBAP==\n", 1, 1, "DSA keys (ssh-dss) are too weak");
	refused("ssh-ed448 AAAA\n", 1, 1, "'ssh-ed448' is not a public key type a bundle accepts");
	refused("ssh-ed25519-cert-v01@openssh.com AAAA x\n", 1, 1, "is not a public key type");
	refused("\xef\xbb\xbf" ED25519 "\n", 1, 1, "byte order mark");
	refused("hello world\n", 1, 1, "'hello' is not a public key type");
	refused(ED25519 "\n" RSA1024 " weak\n", 2, 9, "this RSA key has 1024 bits, under the 2048");
	refused("ssh-ed25519\n", 1, 1, "has the key type ssh-ed25519 but no key after it");
	refused("ssh-ed25519 AAAA!!== x\n", 1, 13, "'AAAA!!==' is not base64 key data");
	refused("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAPXFxvsBLr4QV0uyIUUjf5isZzeScuJcCmC5/xS549\n", 1, 13,
		"is not base64");
	// The blob's own type must be the line's.
	refused("ecdsa-sha2-nistp256 AAAAC3NzaC1lZDI1NTE5AAAAIAPXFxvsBLr4QV0uyIUUjf5isZzeScuJcCmC5/xS549F\n",
		1, 21, "the key data is of type 'ssh-ed25519' but the line says ecdsa-sha2-nistp256");
	refused("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIAPXFxvsBLr4QV0uyIUUjf5isZzeScuJcCmC5/xS549F\n", 1, 9,
		"but the line says ssh-rsa");
	// Cut short or malformed inside.
	refused("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\n", 1, 13, "not a whole ssh-ed25519 key");
	refused("ssh-ed25519 AAAA\n", 1, 13, "the key data is cut short");
	refused("ssh-ed25519 AAAAAQ==\n", 1, 13, "the key data is cut short");
	static const char *const short_ed[] = { "ssh-ed25519", "#31", NULL };
	key_line(line, sizeof(line), "ssh-ed25519", short_ed);
	refused(line, 1, 13, "not a whole ssh-ed25519 key");
	static const char *const wrong_curve[] = { "ecdsa-sha2-nistp256", "nistp384", "#65", NULL };
	key_line(line, sizeof(line), "ecdsa-sha2-nistp256", wrong_curve);
	refused(line, 1, 21, "not a whole ecdsa-sha2-nistp256 key");
	static const char *const sk_no_app[] = { "sk-ssh-ed25519@openssh.com", "#32", NULL };
	key_line(line, sizeof(line), "sk-ssh-ed25519@openssh.com", sk_no_app);
	refused(line, 1, 28, "not a whole sk-ssh-ed25519@openssh.com key");
	static const char *const rsa_no_n[] = { "ssh-rsa", "\x01", NULL };
	key_line(line, sizeof(line), "ssh-rsa", rsa_no_n);
	refused(line, 1, 9, "not a whole ssh-rsa key");
	// An RSA modulus of 2040 bits with a leading zero byte still counts 2040, not 2048.
	static const char *const rsa_2040[] = { "ssh-rsa", "\x01", "#256", NULL };
	key_line(line, sizeof(line), "ssh-rsa", rsa_2040); // 0x04 then zeros: 2043 bits
	refused(line, 1, 9, "this RSA key has 2043 bits");
	// The file as a whole.
	refused("", 0, 0, "holds no public key");
	refused("# nobody yet\n\n", 0, 0, "holds no public key");
	expect_refused(ED25519 "\nab\0c\n", sizeof(ED25519 "\nab\0c\n") - 1, 2, 3, "holds a NUL byte");
	// Every bad line is reported, each at its own line.
	struct problems p = { 0 };
	size_t keys = 0;
	const char *several = "x\n" ED25519 "\ny\n";
	CHECK_EQ_INT(pv_authorized_keys_check(several, strlen(several), collect, &p, &keys), 2);
	CHECK_EQ_INT(keys, 1);
	CHECK_EQ_INT(p.line[0], 1);
	CHECK_EQ_INT(p.line[1], 3);
}

// ---- The sites file.

static char dir[PATH_MAX];

static char *in_dir(const char *name)
{
	static char buf[4][PATH_MAX + 64];
	static int next;
	char *p = buf[next++ % 4];
	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

static const char sites_head[] = "sites:\n"
				 "  - name: paris\n"
				 "    endpoint: 192.0.2.1:51820\n"
				 "  - name: lyon\n"
				 "    endpoint: 192.0.2.2:51820\n";

static struct sc_sites *load(const char *text, struct sc_sites_errors *errors)
{
	struct sc_sites *s = NULL;
	write_text(in_dir("sites.yaml"), text);
	sc_sites_load(in_dir("sites.yaml"), &s, errors);
	return s;
}

// The error (there must be one) with FILE_SUFFIX, LINE, KEY and FRAGMENT.
static void expect_error(const char *text, const char *file_suffix, unsigned line, const char *key,
			 const char *fragment)
{
	struct sc_sites_errors errors = { 0 };
	struct sc_sites *s = load(text, &errors);
	CHECK(s == NULL);
	bool found = false;
	for (size_t i = 0; i < errors.count; i++) {
		const struct sc_sites_error *e = &errors.items[i];
		size_t n = strlen(e->file), m = strlen(file_suffix);
		if (n >= m && strcmp(e->file + n - m, file_suffix) == 0 && e->line == line &&
		    strcmp(e->key, key) == 0 && strstr(e->message, fragment))
			found = true;
	}
	if (!found) {
		fprintf(stderr, "expected %s:%u: %s: ...%s...; got:\n", file_suffix, line, key, fragment);
		sc_sites_errors_print(&errors, stderr);
	}
	CHECK(found);
	sc_sites_free(s);
	sc_sites_errors_free(&errors);
}

static void test_sites_file(void)
{
	char text[2048];
	write_text(in_dir("admins.pub"), "# ops\n" ED25519 " ops@example\n");
	write_text(in_dir("lyon.pub"), P256 " lyon-it\n");
	mkdir(in_dir("keys"), 0700);
	write_text(in_dir("keys/nice.pub"), RSA3072 " nice\n");

	// Without the key nobody gets SSH.
	struct sc_sites_errors errors = { 0 };
	struct sc_sites *s = load(sites_head, &errors);
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(s->sites[0].ssh_keys, SC_SSH_KEYS_NONE);
		CHECK_EQ_INT(s->sites[1].ssh_keys, SC_SSH_KEYS_NONE);
		CHECK_EQ_INT(s->n_ssh_keys_files, 0);
	}
	sc_sites_free(s);

	// Top level for all, one site's own file, one site with none, one in a subfolder; the
	// top-level file named again by a site is read once.
	snprintf(text, sizeof(text),
		 "ssh_authorized_keys: admins.pub\n%s"
		 "    ssh_authorized_keys: lyon.pub\n"
		 "  - {name: nice, endpoint: 192.0.2.3:51820, ssh_authorized_keys: keys/nice.pub}\n"
		 "  - {name: brest, endpoint: 192.0.2.4:51820, ssh_authorized_keys: none}\n"
		 "  - {name: metz, endpoint: 192.0.2.5:51820, ssh_authorized_keys: %s}\n",
		 sites_head, in_dir("admins.pub"));
	s = load(text, &errors);
	sc_sites_errors_print(&errors, stderr);
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(s->n_ssh_keys_files, 3);
		const struct sc_ssh_keys_file *f = s->ssh_keys_files;
		CHECK(s->sites[0].ssh_keys >= 0 && strstr(f[s->sites[0].ssh_keys].data, "ops@example"));
		CHECK(s->sites[1].ssh_keys >= 0 && strstr(f[s->sites[1].ssh_keys].data, "lyon-it"));
		CHECK(s->sites[2].ssh_keys >= 0 && strstr(f[s->sites[2].ssh_keys].data, "nice"));
		CHECK_EQ_INT(s->sites[3].ssh_keys, SC_SSH_KEYS_NONE);
		CHECK_EQ_INT(s->sites[4].ssh_keys, s->sites[0].ssh_keys);
		CHECK(strcmp(f[s->sites[2].ssh_keys].path, in_dir("keys/nice.pub")) == 0);
	}
	sc_sites_free(s);
	sc_sites_errors_free(&errors);

	// Relative to the sites file's folder, not to the working directory.
	char cwd[PATH_MAX];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(chdir("/") == 0);
	snprintf(text, sizeof(text), "ssh_authorized_keys: admins.pub\n%s", sites_head);
	s = load(text, &errors);
	CHECK(s != NULL && s->sites[1].ssh_keys == 0);
	sc_sites_free(s);
	sc_sites_errors_free(&errors);
	CHECK(chdir(cwd) == 0);
}

static void test_sites_file_refusals(void)
{
	char text[2048];
	// Each refusal of the file itself points at the sites file's line that names it.
	snprintf(text, sizeof(text), "%s    ssh_authorized_keys: absent.pub\n", sites_head);
	expect_error(text, "sites.yaml", 6, "sites[1].ssh_authorized_keys", "absent.pub does not exist");
	CHECK(symlink(in_dir("admins.pub"), in_dir("link.pub")) == 0);
	snprintf(text, sizeof(text), "ssh_authorized_keys: link.pub\n%s", sites_head);
	expect_error(text, "sites.yaml", 1, "ssh_authorized_keys", "link.pub is a symbolic link");
	snprintf(text, sizeof(text), "ssh_authorized_keys: keys\n%s", sites_head);
	expect_error(text, "sites.yaml", 1, "ssh_authorized_keys", "keys is a folder");
	CHECK(mkfifo(in_dir("fifo.pub"), 0600) == 0);
	snprintf(text, sizeof(text), "ssh_authorized_keys: fifo.pub\n%s", sites_head);
	expect_error(text, "sites.yaml", 1, "ssh_authorized_keys", "fifo.pub is not a regular file");
	char *big = malloc(PV_AUTHORIZED_KEYS_MAX + 2);
	CHECK(big != NULL);
	if (big) {
		memset(big, '#', PV_AUTHORIZED_KEYS_MAX + 1);
		big[PV_AUTHORIZED_KEYS_MAX + 1] = '\0';
		write_text(in_dir("big.pub"), big);
		big[PV_AUTHORIZED_KEYS_MAX] = '\0'; // exactly the limit: only "no key" is wrong with it
		write_text(in_dir("limit.pub"), big);
		free(big);
	}
	snprintf(text, sizeof(text), "ssh_authorized_keys: big.pub\n%s", sites_head);
	expect_error(text, "sites.yaml", 1, "ssh_authorized_keys", "is larger than 64 KiB");
	snprintf(text, sizeof(text), "ssh_authorized_keys: limit.pub\n%s", sites_head);
	expect_error(text, "sites.yaml", 1, "ssh_authorized_keys", "limit.pub holds no public key");
	snprintf(text, sizeof(text), "%s    ssh_authorized_keys:\n", sites_head);
	expect_error(text, "sites.yaml", 6, "sites[1].ssh_authorized_keys", "or write none for no SSH access");
	snprintf(text, sizeof(text), "%s    ssh_authorized_keys: \"\"\n", sites_head);
	expect_error(text, "sites.yaml", 6, "sites[1].ssh_authorized_keys", "is not a usable file name");
	snprintf(text, sizeof(text), "%s    ssh_authorized_keys: [a.pub]\n", sites_head);
	expect_error(text, "sites.yaml", 6, "sites[1].ssh_authorized_keys", "expects a single value");
	snprintf(text, sizeof(text), "ssh_authorized_key: admins.pub\n%s", sites_head);
	expect_error(text, "sites.yaml", 1, "ssh_authorized_key", "ssh_authorized_keys");

	// A problem inside the file is at its own line, named by the key that brought it in.
	write_text(in_dir("mixed.pub"), ED25519 "\r\n\r\nno-pty " ED25519 "\r\n");
	snprintf(text, sizeof(text), "%s    ssh_authorized_keys: mixed.pub\n", sites_head);
	expect_error(text, "/mixed.pub", 3, "sites[1].ssh_authorized_keys", "starts with key options (no-pty)");
	write_text(in_dir("id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----\n");
	snprintf(text, sizeof(text), "ssh_authorized_keys: id_ed25519\n%s", sites_head);
	expect_error(text, "/id_ed25519", 1, "ssh_authorized_keys", "this is a private key: give the .pub file");

	// Printed as file:line:column: key: message, the sites file's own errors first.
	snprintf(text, sizeof(text), "ssh_authorized_keys: mixed.pub\nlisten_port: 0\n%s", sites_head);
	struct sc_sites_errors errors = { 0 };
	struct sc_sites *s = load(text, &errors);
	CHECK(s == NULL);
	CHECK_EQ_INT(errors.count, 2);
	char *printed = NULL;
	size_t printed_len = 0;
	FILE *out = open_memstream(&printed, &printed_len);
	sc_sites_errors_print(&errors, out);
	fclose(out);
	CHECK_STR_CONTAINS(printed, "sites.yaml:2:14: listen_port:");
	CHECK_STR_CONTAINS(printed, "/mixed.pub:3:1: ssh_authorized_keys: starts with key options");
	CHECK(printed && strstr(printed, "listen_port") < strstr(printed, "mixed.pub:3"));
	free(printed);
	sc_sites_free(s);
	sc_sites_errors_free(&errors);
}

// ---- Whole runs.

static char *bundle_file(const char *out, const char *site, const char *file)
{
	static char buf[2][PATH_MAX * 2];
	static int next;
	char *p = buf[next++ % 2];
	snprintf(p, sizeof(buf[0]), "%s/sites/%s/%s", out, site, file);
	return p;
}

static void test_runs(void)
{
	char out[PATH_MAX + 16], text[2048];
	struct sc_provision_result r;
	snprintf(out, sizeof(out), "%s/deployment", dir);
	snprintf(text, sizeof(text),
		 "ssh_authorized_keys: admins.pub\nzrtp_cache_file: zrtp-cache\n%s"
		 "    ssh_authorized_keys: lyon.pub\n"
		 "  - {name: nice, endpoint: 192.0.2.3:51820, ssh_authorized_keys: none}\n",
		 sites_head);
	write_text(in_dir("sites.yaml"), text);
	CHECK_EQ_INT(sc_provision_run(in_dir("sites.yaml"), out, NULL, &r), 0);
	CHECK_EQ_INT(r.created, 3);
	char *admins = read_text(in_dir("admins.pub")), *lyon = read_text(in_dir("lyon.pub"));
	char *got = read_text(bundle_file(out, "paris", "authorized_keys"));
	CHECK(got && admins && strcmp(got, admins) == 0);
	free(got);
	got = read_text(bundle_file(out, "lyon", "authorized_keys"));
	CHECK(got && lyon && strcmp(got, lyon) == 0);
	free(got);
	CHECK(!file_exists(bundle_file(out, "nice", "authorized_keys")));
	CHECK_EQ_INT(file_mode(bundle_file(out, "paris", "authorized_keys")), 0644);

	// A second run leaves it alone; a changed key file updates that bundle only.
	CHECK_EQ_INT(sc_provision_run(in_dir("sites.yaml"), out, NULL, &r), 0);
	CHECK_EQ_INT(r.updated, 0);
	write_text(in_dir("lyon.pub"), P256 " lyon-it\n" P384 " lyon-backup\n");
	CHECK_EQ_INT(sc_provision_run(in_dir("sites.yaml"), out, NULL, &r), 0);
	CHECK_EQ_INT(r.updated, 1);
	got = read_text(bundle_file(out, "lyon", "authorized_keys"));
	CHECK_STR_CONTAINS(got, "lyon-backup");
	free(got);

	// A key file that fails its check refuses the run before anything is written.
	write_text(in_dir("lyon.pub"), RSA1024 " too-weak\n");
	snprintf(text + strlen(text), sizeof(text) - strlen(text),
		 "  - {name: brest, endpoint: 192.0.2.4:51820}\n");
	write_text(in_dir("sites.yaml"), text);
	CHECK_EQ_INT(sc_provision_run(in_dir("sites.yaml"), out, NULL, &r), -EINVAL);
	CHECK(!file_exists(bundle_file(out, "brest", "")));
	got = read_text(bundle_file(out, "lyon", "authorized_keys"));
	CHECK_STR_CONTAINS(got, "lyon-backup");
	free(got);

	// Dropping the key takes the file out of the bundles (the appliance then turns SSH off);
	// a removed site's bundle goes with its authorized_keys.
	snprintf(text, sizeof(text),
		 "zrtp_cache_file: zrtp-cache\n%s"
		 "  - {name: nice, endpoint: 192.0.2.3:51820, ssh_authorized_keys: admins.pub}\n",
		 sites_head);
	write_text(in_dir("sites.yaml"), text);
	CHECK_EQ_INT(sc_provision_run(in_dir("sites.yaml"), out, NULL, &r), 0);
	CHECK(!file_exists(bundle_file(out, "paris", "authorized_keys")));
	CHECK(!file_exists(bundle_file(out, "lyon", "authorized_keys")));
	CHECK(file_exists(bundle_file(out, "nice", "authorized_keys")));
	CHECK_EQ_INT(r.updated, 3);
	snprintf(text, sizeof(text), "zrtp_cache_file: zrtp-cache\n%s", sites_head);
	write_text(in_dir("sites.yaml"), text);
	CHECK_EQ_INT(sc_provision_run(in_dir("sites.yaml"), out, NULL, &r), 0);
	CHECK_EQ_INT(r.removed, 1);
	CHECK(!file_exists(bundle_file(out, "nice", "")));
	free(admins);
	free(lyon);
}

int main(void)
{
	test_accepted();
	test_refused();
	scratch_make(dir, sizeof(dir), "ssh-keys");
	test_sites_file();
	test_sites_file_refusals();
	test_runs();
	scratch_remove(dir);
	return check_done();
}
