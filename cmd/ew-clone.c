/* ew-clone - set up an office from a hub. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "remote.h"

static const char usage_text[] = N_(
	"usage: ew-clone [-q | --quiet] [-b | --branch BRANCH] [--host-key KEY]\n"
	"                [--origin NAME] URL [DIR]\n");

enum { O_HOSTKEY = 256, O_ORIGIN, O_VERSION };

static const struct option longopts[] = {
	{"branch", required_argument, NULL, 'b'},
	{"help", no_argument, NULL, 'h'},
	{"host-key", required_argument, NULL, O_HOSTKEY},
	{"origin", required_argument, NULL, O_ORIGIN},
	{"quiet", no_argument, NULL, 'q'},
	{"version", no_argument, NULL, O_VERSION},
	{NULL, 0, NULL, 0},
};

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	return status;
}

/* Makes the clone an office: the merge driver, the pinned key. */
static int
configure(const char *dir, const char *origin, const char *pin,
	struct ew_err *e)
{
	struct ew_repo repo;
	int rc = 0;

	if (ew_repo_open(&repo, dir, 0, e) < 0)
		return -1;
	if (ew_register_driver(repo.git, e) < 0)
		rc = -1;
	if (rc == 0 && pin) {
		git_config *cfg = NULL, *local = NULL;
		char *key = ew_xasprintf("sync.%s.host-key", origin);
		if (git_repository_config(&cfg, repo.git) < 0 ||
		    git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) < 0 ||
		    git_config_set_string(local, key, pin) < 0)
			rc = ew_git_err(e, _("cannot record the host key in .git/config"));
		git_config_free(local);
		git_config_free(cfg);
		free(key);
	}
	ew_repo_close(&repo);
	return rc;
}

/*
 * Why a clone has no ew.conf: the hub is empty, its HEAD names a branch
 * it does not have, or it is not an ew repository.
 */
static void
explain_not_ew(const char *dir, const char *url, struct ew_err *e)
{
	git_repository *g = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref;
	struct ew_buf branches = {0};
	int unborn = 0;

	git_libgit2_init();
	if (git_repository_open(&g, dir) == 0) {
		unborn = git_repository_head_unborn(g) == 1;
		if (git_reference_iterator_glob_new(&it, g, "refs/remotes/*") == 0) {
			while (git_reference_next(&ref, it) == 0) {
				const char *n = git_reference_name(ref);
				const char *b = strchr(n + strlen("refs/remotes/"), '/');
				if (b && strcmp(b + 1, "HEAD") != 0) {
					if (branches.len)
						ew_buf_adds(&branches, ", ");
					ew_buf_adds(&branches, b + 1);
				}
				git_reference_free(ref);
			}
			git_reference_iterator_free(it);
		}
	}
	git_repository_free(g);
	git_libgit2_shutdown();
	if (unborn && branches.len)
		ew_errf(e, "the HEAD of %s names a branch it does not have (it has: %s); clone one of those with 'ew clone -b BRANCH', or point the hub's HEAD at it ('git symbolic-ref HEAD refs/heads/BRANCH' in the hub)", url, branches.s);
	else if (unborn)
		ew_errf(e, "%s is an empty repository; make it a hub first from an office with 'ew sync --init-remote' or 'git push'", url);
	else
		ew_errf(e, "%s is not an ew repository (it has no ew.conf)", url);
	ew_buf_free(&branches);
}

int
main(int argc, char **argv)
{
	const char *pin = NULL, *origin = "origin", *branch = NULL;
	int quiet = 0, c, status;
	struct ew_err e;
	struct ew_transport t;

	ew_progname = "ew-clone";
	ew_i18n_init();
	while ((c = getopt_long(argc, argv, "b:hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': branch = optarg; break;
		case 'h': return usage(stdout, 0);
		case 'q': quiet = 1; break;
		case O_HOSTKEY: pin = optarg; break;
		case O_ORIGIN: origin = optarg; break;
		case O_VERSION: return ew_print_version();
		default: return usage(stderr, 2);
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		return usage(stderr, 2);
	if (!ew_remote_name_valid(origin)) {
		ew_warn("invalid remote name '%s' (letters, digits, '-', '_' and '.')", origin);
		return 2;
	}
	const char *url = argv[optind];
	char *dir = argc - optind == 2 ? ew_xstrdup(argv[optind + 1]) : ew_url_basename(url);
	struct stat st;
	if (!*dir) {
		ew_warn("cannot tell a directory name from '%s'; give one: ew clone URL DIR", url);
		free(dir);
		return 2;
	}
	if (stat(dir, &st) == 0) {
		ew_warn("'%s' already exists; give another directory: ew clone URL DIR", dir);
		free(dir);
		return 2;
	}
	if (ew_transport_init(&t, url, pin, &e) < 0) {
		free(dir);
		return ew_fail(&e);
	}
	const char *args[10] = {"clone", "--quiet", "--origin", origin};
	size_t na = 4;
	if (branch) {
		args[na++] = "--branch";
		args[na++] = branch;
	}
	args[na++] = "--";
	args[na++] = url;
	args[na++] = dir;
	args[na] = NULL;
	struct ew_buf err = {0};
	int gs, made = 0;
	status = 2;
	if (ew_git_run(&t, NULL, args, NULL, &err, &gs, &e) < 0) {
		ew_fail(&e);
	} else if (gs != 0) {
		ew_transport_fail(&e, "clone", url, &err);
		ew_fail(&e);
		made = stat(dir, &st) == 0;
	} else {
		char *conf = ew_xasprintf("%s/ew.conf", dir);
		made = 1;
		if (access(conf, F_OK) != 0) {
			explain_not_ew(dir, url, &e);
			ew_fail(&e);
		} else if (configure(dir, origin, pin, &e) < 0) {
			ew_fail(&e);
		} else {
			made = 0;
			if (!quiet)
				printf(_("Cloned %s into %s; 'ew sync' exchanges records with it\n"), url, dir);
			status = ew_finish_stdout();
		}
		free(conf);
	}
	/* a failed clone leaves nothing behind */
	if (made)
		ew_remove_tree(dir);
	ew_buf_free(&err);
	ew_transport_free(&t);
	free(dir);
	return status;
}
