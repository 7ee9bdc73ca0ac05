/* ew-report - a situation report of a period, as HTML or Markdown. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "date.h"
#include "i18n.h"
#include "report.h"

static const char usage_text[] = N_(
	/* TRANSLATORS: only "usage:" is translated; the rest is typed
	   as it is */
	"usage: ew-report [-C DIR] [--since WHEN] [--until WHEN]\n"
	"                 [--format html|markdown] [-o FILE] [--include-confidential]\n");

enum { O_SINCE = 256, O_UNTIL, O_FORMAT, O_INCCONF, O_VERSION };

static const struct option longopts[] = {
	{"format", required_argument, NULL, O_FORMAT},
	{"help", no_argument, NULL, 'h'},
	{"include-confidential", no_argument, NULL, O_INCCONF},
	{"output", required_argument, NULL, 'o'},
	{"since", required_argument, NULL, O_SINCE},
	{"until", required_argument, NULL, O_UNTIL},
	{"version", no_argument, NULL, O_VERSION},
	{NULL, 0, NULL, 0},
};

struct opts {
	const char *since, *until, *output;
	int markdown, confidential;
};

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	return status;
}

/*
 * The period: until defaults to today, since to the six days before
 * until, so that the default is the week that ends today.
 */
static int
period(const struct opts *o, struct ew_report_opts *ro, struct ew_err *e)
{
	if (ew_now(&ro->now, e) < 0)
		return -1;
	ro->until = ew_day_of(ro->now);
	if (o->until && ew_when_parse(o->until, ro->now, &ro->until, e) < 0)
		return -1;
	ro->since = ro->until - 6;
	if (o->since && ew_when_parse(o->since, ro->now, &ro->since, e) < 0)
		return -1;
	if (ro->since > ro->until) {
		char s[11], u[11];
		ew_date_format(ro->since, s);
		ew_date_format(ro->until, u);
		return ew_errf(e, "the period is empty: --since %s is after --until %s",
			s, u);
	}
	return 0;
}

/* The report to -o's file (replaced whole, or not at all) or stdout. */
static int
deliver(const struct opts *o, const struct ew_buf *b, struct ew_err *e)
{
	if (o->output)
		return ew_write_atomic(o->output, b->s, b->len, 0, e);
	fwrite(b->s, 1, b->len, stdout);
	return 0;
}

static int
report(const struct opts *o)
{
	struct ew_repo repo;
	struct ew_report rp = {0};
	struct ew_report_opts ro = {0};
	struct ew_buf b = {0};
	struct ew_err e = {{0}};
	int rc = 2;

	ro.confidential = o->confidential;
	if (period(o, &ro, &e) < 0)
		return ew_fail(&e);
	if (ew_repo_open(&repo, NULL, EW_OPEN_CATALOGS, &e) < 0)
		return ew_fail(&e);
	if (ew_report_gather(&rp, &repo, &ro, &e) < 0)
		goto out;
	if (o->markdown)
		ew_report_markdown(&rp, &b);
	else
		ew_report_html(&rp, &b);
	if (deliver(o, &b, &e) < 0)
		goto out;
	rc = ew_finish_stdout();
out:
	if (rc == 2 && *e.msg)
		ew_fail(&e);
	ew_buf_free(&b);
	ew_report_free(&rp);
	ew_repo_close(&repo);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	int c;

	ew_progname = "ew-report";
	ew_i18n_init();
	while ((c = getopt_long(argc, argv, "C:ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (ew_chdir(optarg))
				return 2;
			break;
		case 'h': return usage(stdout, 0);
		case 'o': o.output = optarg; break;
		case O_FORMAT:
			if (strcmp(optarg, "markdown") == 0) {
				o.markdown = 1;
			} else if (strcmp(optarg, "html") == 0) {
				o.markdown = 0;
			} else {
				ew_warn("unknown format '%s' (expected html or markdown)", optarg);
				return usage(stderr, 2);
			}
			break;
		case O_INCCONF: o.confidential = 1; break;
		case O_SINCE: o.since = optarg; break;
		case O_UNTIL: o.until = optarg; break;
		case O_VERSION: return ew_print_version();
		default: return usage(stderr, 2);
		}
	}
	if (optind < argc) {
		ew_warn("unexpected argument '%s'", argv[optind]);
		return usage(stderr, 2);
	}
	if (o.output && !*o.output) {
		ew_warn("-o needs a file name");
		return usage(stderr, 2);
	}
	return report(&o);
}
