/* ew-init - create a data repository. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"

static const char usage_text[] = N_(
	"usage: ew-init [-q] [--author NAME] [--sign KEY] [DIR]\n");

enum { O_AUTHOR = 256, O_SIGN, O_VERSION };

static const struct option longopts[] = {
	{"author", required_argument, NULL, O_AUTHOR},
	{"help", no_argument, NULL, 'h'},
	{"quiet", no_argument, NULL, 'q'},
	{"sign", required_argument, NULL, O_SIGN},
	{"version", no_argument, NULL, O_VERSION},
	{NULL, 0, NULL, 0},
};

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	return status;
}

int
main(int argc, char **argv)
{
	const char *author = NULL, *dir = ".", *sign = NULL;
	int quiet = 0, c;
	struct ew_err e;

	ew_progname = "ew-init";
	ew_i18n_init();
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': return usage(stdout, 0);
		case 'q': quiet = 1; break;
		case O_AUTHOR: author = optarg; break;
		case O_SIGN: sign = optarg; break;
		case O_VERSION: return ew_print_version();
		default: return usage(stderr, 2);
		}
	}
	if (argc - optind > 1)
		return usage(stderr, 2);
	if (argc - optind == 1)
		dir = argv[optind];
	if (ew_repo_init(dir, ew_sharedir(), author, sign, &e) < 0)
		return ew_fail(&e);
	if (!quiet) {
		char *abs = realpath(dir, NULL);
		printf(_("Initialised ew repository in %s\n"), abs ? abs : dir);
		free(abs);
	}
	return ew_finish_stdout();
}
