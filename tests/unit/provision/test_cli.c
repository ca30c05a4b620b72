// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall provision` as the operator types it: exit statuses, --check, --quiet, and what it
// prints on standard output and standard error.
#include "provision/provision.h"
#include "pv_test.h"

static char scratch[PATH_MAX];

struct outcome {
	int status;
	char *out, *err;
};

static struct outcome run(int argc, char **argv)
{
	char out_path[PATH_MAX + 16], err_path[PATH_MAX + 16];
	snprintf(out_path, sizeof(out_path), "%s/stdout", scratch);
	snprintf(err_path, sizeof(err_path), "%s/stderr", scratch);
	fflush(stdout);
	fflush(stderr);
	int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
	int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(o, STDOUT_FILENO);
	dup2(e, STDERR_FILENO);
	close(o);
	close(e);
	struct outcome r;
	r.status = sc_provision_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	r.out = read_text(out_path);
	r.err = read_text(err_path);
	return r;
}

static void done(struct outcome *r)
{
	free(r->out);
	free(r->err);
}

int main(void)
{
	scratch_make(scratch, sizeof(scratch), "cli");
	char good[PATH_MAX + 16], bad[PATH_MAX + 16], out_dir[PATH_MAX + 16];
	snprintf(good, sizeof(good), "%s/sites.yaml", scratch);
	snprintf(bad, sizeof(bad), "%s/bad.yaml", scratch);
	snprintf(out_dir, sizeof(out_dir), "%s/out", scratch);
	write_text(good, "zrtp_cache_file: zrtp-cache\nsites:\n  - {name: paris, endpoint: 192.0.2.1:51820}\n"
			 "  - {name: lyon, endpoint: 192.0.2.2:51820}\n");
	write_text(bad, "sites:\n  - {name: paris, endpoint: 192.0.2.1:51820}\n  - {name: paris, endpoint: 192.0.2.2:51820}\n");

	struct outcome r = run(1, (char *[]){ "provision", NULL });
	CHECK_EQ_INT(r.status, 2);
	CHECK_STR_CONTAINS(r.err, "usage: sealcall provision [--quiet] SITES.yaml OUTDIR");
	done(&r);
	r = run(2, (char *[]){ "provision", "--help", NULL });
	CHECK_EQ_INT(r.status, 0);
	CHECK_STR_CONTAINS(r.out, "docs/provisioning.md");
	done(&r);
	r = run(4, (char *[]){ "provision", "--force", good, out_dir, NULL });
	CHECK_EQ_INT(r.status, 2);
	CHECK_STR_CONTAINS(r.err, "unknown option '--force'");
	done(&r);
	r = run(5, (char *[]){ "provision", good, out_dir, "extra", NULL });
	CHECK_EQ_INT(r.status, 2);
	CHECK_STR_CONTAINS(r.err, "too many arguments");
	done(&r);

	// --check validates and writes nothing.
	r = run(3, (char *[]){ "provision", "--check", good, NULL });
	CHECK_EQ_INT(r.status, 0);
	CHECK_STR_CONTAINS(r.out, "sites.yaml: sites OK (2 sites, mesh)");
	done(&r);
	CHECK(!file_exists(out_dir));
	r = run(3, (char *[]){ "provision", "--check", bad, NULL });
	CHECK_EQ_INT(r.status, 1);
	CHECK_STR_CONTAINS(r.err, "bad.yaml:3:");
	CHECK_STR_CONTAINS(r.err, "sites[1].name: site name 'paris' is already used by sites[0] (line 2)");
	done(&r);
	r = run(4, (char *[]){ "provision", "--check", good, out_dir, NULL });
	CHECK_EQ_INT(r.status, 2);
	done(&r);
	r = run(3, (char *[]){ "provision", "--check", "/nonexistent.yaml", NULL });
	CHECK_EQ_INT(r.status, 1);
	CHECK_STR_CONTAINS(r.err, "/nonexistent.yaml: cannot read it: No such file or directory");
	done(&r);

	// A refused sites file creates no output folder.
	r = run(3, (char *[]){ "provision", bad, out_dir, NULL });
	CHECK_EQ_INT(r.status, 1);
	CHECK(!file_exists(out_dir));
	done(&r);

	r = run(3, (char *[]){ "provision", good, out_dir, NULL });
	CHECK_EQ_INT(r.status, 0);
	CHECK_STR_CONTAINS(r.out, "site paris: new bundle\n");
	CHECK_STR_CONTAINS(r.out, "2 sites (mesh, 10.77.0.0/24) in ");
	CHECK_STR_CONTAINS(r.out, ": 2 new, 0 updated, 0 unchanged, 0 removed; 5 keys made, 2 certificates issued");
	CHECK_STR_CONTAINS(r.err, "made a new CA in");
	done(&r);
	r = run(4, (char *[]){ "provision", "--quiet", good, out_dir, NULL });
	CHECK_EQ_INT(r.status, 0);
	CHECK(r.out && r.out[0] == '\0');
	done(&r);
	scratch_remove(scratch);
	return check_done();
}
