/* ew-merge - the three-way merge of record files, and git's merge driver. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "i18n.h"
#include "merge.h"

static const char usage_text[] = N_(
	"usage: ew-merge [-C DIR] [-p | --stdout] [-q | --quiet] [--driver]\n"
	"                BASE OURS THEIRS [PATH]\n");

enum { O_DRIVER = 256, O_VERSION };

static const struct option longopts[] = {
	{"driver", no_argument, NULL, O_DRIVER},
	{"help", no_argument, NULL, 'h'},
	{"quiet", no_argument, NULL, 'q'},
	{"stdout", no_argument, NULL, 'p'},
	{"version", no_argument, NULL, O_VERSION},
	{NULL, 0, NULL, 0},
};

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	return status;
}

static char *
slurp(const char *path, size_t *len, struct ew_err *e)
{
	char *buf = ew_read_file(path, len);
	if (!buf)
		ew_errf(e, "cannot read '%s': %s", path, strerror(errno));
	return buf;
}

/*
 * The schema outside a repository: the built-in columns and any other
 * column the header of buf names.
 */
static int
header_schema(struct ew_schema *s, const char *buf, size_t len,
	struct ew_err *e)
{
	struct ew_csv *in = ew_csv_open_mem(buf, len, "OURS");
	struct ew_row *row;
	struct ew_buf extra = {0};
	int rc;

	if (ew_schema_init(s, NULL, e) < 0) {
		ew_csv_close(in);
		return -1;
	}
	if (ew_csv_next(in, &row, e) > 0)
		for (size_t i = 0; i < row->n; i++)
			if (ew_schema_col(s, row->f[i]) < 0) {
				if (extra.len)
					ew_buf_addc(&extra, ',');
				ew_buf_adds(&extra, row->f[i]);
			}
	ew_csv_close(in);
	ew_schema_free(s);
	rc = ew_schema_init(s, extra.s, e);
	ew_buf_free(&extra);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *dir = NULL;
	int quiet = 0, to_stdout = 0, driver = 0, c, status = 2;
	struct ew_err e;
	struct ew_repo repo;
	struct ew_schema own;
	const struct ew_schema *schema = NULL;
	struct ew_rset sets[3];
	struct ew_merge m;
	struct ew_buf out = {0};
	char *buf[3] = {NULL, NULL, NULL};
	size_t len[3];
	int have_repo = 0, have_own = 0;

	ew_progname = "ew-merge";
	ew_i18n_init();
	memset(sets, 0, sizeof sets);
	memset(&m, 0, sizeof m);
	while ((c = getopt_long(argc, argv, "C:hpq", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': dir = optarg; break;
		case 'h': return usage(stdout, 0);
		case 'p': to_stdout = 1; break;
		case 'q': quiet = 1; break;
		case O_DRIVER: driver = 1; break;
		case O_VERSION: return ew_print_version();
		default: return usage(stderr, 2);
		}
	}
	if (argc - optind < 3 || argc - optind > 4)
		return usage(stderr, 2);
	const char *paths[3] = {argv[optind], argv[optind + 1], argv[optind + 2]};
	const char *name = argc - optind == 4 ? argv[optind + 3] : paths[1];
	if (dir && ew_chdir(dir) != 0)
		return 2;
	for (int k = 0; k < 3; k++)
		if (!(buf[k] = slurp(paths[k], &len[k], &e)))
			goto fail;

	if (ew_is_alert_log(buf[1], len[1])) {
		if (ew_merge_alerts(buf[0], len[0], buf[1], len[1], buf[2], len[2], &out, &e) < 0)
			goto fail;
		goto write;
	}
	/* a merge driver runs in the top of the work tree: that repository's
	 * ew.conf says which columns records have */
	if (driver)
		unsetenv("EW_DIR");
	if (ew_repo_open(&repo, driver ? "." : NULL, 0, &e) == 0) {
		have_repo = 1;
		schema = &repo.schema;
	} else if (driver) {
		goto fail;
	} else {
		if (header_schema(&own, buf[1], len[1], &e) < 0)
			goto fail;
		have_own = 1;
		schema = &own;
	}
	static const char *const sides[3] = {"BASE", "OURS", "THEIRS"};
	for (int k = 0; k < 3; k++) {
		char *n = ew_xasprintf("%s (%s)", name, sides[k]);
		int rc = ew_rset_parse(&sets[k], buf[k], len[k], n, schema, &e);
		free(n);
		if (rc < 0)
			goto fail;
	}
	if (ew_merge_records(schema, &sets[0], &sets[1], &sets[2], &m, &e) < 0)
		goto fail;
	if (m.orphans.n) {
		ew_errf(&e, "%s: record %s was changed on one side and taken out of this file on the other (moved to another month?); a merge file by file cannot join the two. Run 'git merge --abort', then 'ew sync', which merges across files",
			name, m.orphans.v[0]);
		goto fail;
	}
	ew_schema_csv_header(schema, NULL, 0, &out);
	for (size_t i = 0; i < m.out.n; i++)
		ew_record_csv(m.out.v[i], NULL, 0, &out);
	if (!quiet)
		for (size_t i = 0; i < m.nc; i++)
			ew_warn("%s: record %s: %s changed on both sides; kept the value of the later update (once committed as a merge, 'ew list --conflicts' shows both)",
				name, m.c[i].id, schema->cols[m.c[i].col].name);
write:
	if (to_stdout) {
		fwrite(out.s, 1, out.len, stdout);
		status = ew_finish_stdout();
	} else if (ew_write_atomic(paths[1], out.s ? out.s : "", out.len, 0, &e) < 0) {
		goto fail;
	} else {
		status = 0;
	}
	goto out;
fail:
	status = ew_fail(&e);
out:
	ew_merge_free(&m);
	for (int k = 0; k < 3; k++) {
		ew_rset_free(&sets[k]);
		free(buf[k]);
	}
	ew_buf_free(&out);
	if (have_own)
		ew_schema_free(&own);
	if (have_repo)
		ew_repo_close(&repo);
	return status;
}
