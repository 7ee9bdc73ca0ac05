/* ew-update - change fields of existing records. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "date.h"
#include "i18n.h"
#include "store.h"
#include "sync.h"
#include "ulid.h"

static const char usage_text[] = N_(
	"usage: ew-update [-C DIR] [-n | --dry-run] [--author NAME] ID... FIELD=VALUE...\n"
	"       ew-update [-C DIR] [-n | --dry-run] [--author NAME] FIELD=VALUE... < ids\n"
	"       ew-update [-C DIR] [-n | --dry-run] [--author NAME] --settle ID... [FIELD=VALUE...]\n");

enum { O_AUTHOR = 256, O_SETTLE, O_VERSION };

static const struct option longopts[] = {
	{"author", required_argument, NULL, O_AUTHOR},
	{"dry-run", no_argument, NULL, 'n'},
	{"help", no_argument, NULL, 'h'},
	{"settle", no_argument, NULL, O_SETTLE},
	{"version", no_argument, NULL, O_VERSION},
	{NULL, 0, NULL, 0},
};

enum { MAX_TRAILERS = 1000 };

struct set {
	size_t col;
	char *value;
};

struct job {
	struct ew_repo repo;
	struct ew_store st;
	struct set *sets;
	size_t nsets;
	struct ew_strv prefixes;
	struct ew_record **found;   /* the records, once each */
	struct ew_shard **shard;
	size_t nfound;
	struct ew_strv changed;     /* ids actually changed */
	int settle;                 /* --settle */
	struct ew_strv settled;     /* ids whose conflicts this settles */
	struct ew_strv errs;
	int dash;                   /* '-': ids on stdin */
};

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	return status;
}

static int
parse_args(struct job *j, const struct ew_schema *s, char **argv, int argc)
{
	static const char *const fixed[] = {"id", "reported_at", "updated_at", NULL};

	for (int i = 0; i < argc; i++) {
		char *copy, *field, *value;
		if (ew_assignment(argv[i], &copy, &field, &value) < 0) {
			if (strcmp(argv[i], "-") == 0)
				j->dash = 1;
			else
				ew_strv_push(&j->prefixes, ew_xstrdup(argv[i]));
			continue;
		}
		int c = ew_schema_col(s, field);
		size_t k;
		for (k = 0; fixed[k] && strcmp(fixed[k], field) != 0; k++)
			;
		if (c < 0)
			ew_strv_push(&j->errs, ew_xasprintf(_("arguments: unknown column '%s' (declare it in ew.conf as [record] extra-columns, or remove it)"), field));
		else if (fixed[k])
			ew_strv_push(&j->errs, ew_xasprintf(_("arguments: field '%s' cannot be changed"), field));
		else {
			j->sets = ew_xrealloc(j->sets, (j->nsets + 1) * sizeof *j->sets);
			j->sets[j->nsets].col = (size_t)c;
			j->sets[j->nsets].value = ew_xstrdup(value);
			j->nsets++;
		}
		free(copy);
	}
	if (j->nsets == 0 && j->errs.n == 0 && !j->settle)
		ew_strv_push(&j->errs, ew_xstrdup(_("arguments: no FIELD=VALUE to set")));
	return j->errs.n ? -1 : 0;
}

/*
 * Ids one per line on stdin (a byte order mark, blank lines and
 * surrounding blanks ignored). The first line that is not an id ends the
 * reading with an error that quotes its start only, so that no input,
 * however long, is held or echoed.
 */
static void
read_ids(struct job *j)
{
	enum { LINE_MAX_BYTES = 4096, QUOTE = 40 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;

	while ((n = ew_getline_max(&line, &cap, stdin, LINE_MAX_BYTES)) != 0) {
		lineno++;
		if (n < 0) {
			ew_strv_push(&j->errs, ew_xasprintf(_("stdin:%lu: expected one record id per line, found a line of more than %d bytes"),
				lineno, LINE_MAX_BYTES));
			break;
		}
		if (memchr(line, '\0', (size_t)n)) {
			ew_strv_push(&j->errs, ew_xasprintf(_("stdin:%lu: NUL byte in input"), lineno));
			break;
		}
		char *p = line, *end = line + n;
		if (lineno == 1 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end == p)
			continue;
		*end = '\0';
		if (!ew_ulid_prefix_valid(p)) {
			size_t k = (size_t)(end - p);
			if (k > QUOTE) /* cut at a character boundary */
				for (k = QUOTE; k > 0 && ((unsigned char)p[k] & 0xc0) == 0x80; k--)
					;
			ew_strv_push(&j->errs, ew_xasprintf(_("stdin:%lu: invalid id '%.*s%s' (expected one record id per line; ids are ULIDs: digits and letters, 26 at most)"),
				lineno, (int)k, p, p + k < end ? "..." : ""));
			break;
		}
		ew_strv_push(&j->prefixes, ew_xstrndup(p, (size_t)(end - p)));
	}
	free(line);
}

/* Resolves every prefix to exactly one record. */
static int
resolve(struct job *j)
{
	j->found = ew_xcalloc(j->prefixes.n, sizeof *j->found);
	j->shard = ew_xcalloc(j->prefixes.n, sizeof *j->shard);
	for (size_t i = 0; i < j->prefixes.n; i++) {
		const char *p = j->prefixes.v[i];
		struct ew_record *r;
		struct ew_shard *sh;
		if (!ew_ulid_prefix_valid(p)) {
			ew_strv_push(&j->errs, ew_xasprintf(_("invalid id '%s' (ids are ULIDs: digits and letters, 26 at most)"), p));
			continue;
		}
		size_t n = ew_store_find(&j->st, p, &r, &sh, 1);
		if (n == 0) {
			ew_strv_push(&j->errs, ew_xasprintf(_("no record matches '%s'"), p));
			continue;
		}
		if (n > 1) {
			ew_strv_push(&j->errs, ew_xasprintf(_("'%s' is ambiguous (matches %zu records)"), p, n));
			continue;
		}
		size_t k;
		for (k = 0; k < j->nfound && j->found[k] != r; k++)
			;
		if (k == j->nfound) {
			j->found[j->nfound] = r;
			j->shard[j->nfound++] = sh;
		}
	}
	return j->errs.n ? -1 : 0;
}

/* Applies the assignments to a copy of r; NULL when nothing changes. */
static struct ew_record *
apply(struct job *j, const struct ew_record *r, const struct ew_check *check)
{
	struct ew_record *u = ew_record_dup(r);
	int place_moved = 0, coords_set = 0, precision_set = 0;

	for (size_t i = 0; i < j->nsets; i++) {
		size_t c = j->sets[i].col;
		ew_record_set(u, c, j->sets[i].value);
		place_moved |= c == EW_C_CERCLE || c == EW_C_COMMUNE;
		coords_set |= c == EW_C_LATITUDE || c == EW_C_LONGITUDE;
		precision_set |= c == EW_C_GEO_PRECISION;
	}
	/* coordinates taken from the gazetteer follow the place */
	if (place_moved && !coords_set && strcmp(r->v[EW_C_GEO_PRECISION], "1") != 0) {
		ew_record_set(u, EW_C_LATITUDE, "");
		ew_record_set(u, EW_C_LONGITUDE, "");
	}
	/* new coordinates, or ones to be filled in again, get their precision again */
	if ((coords_set || (!*u->v[EW_C_LATITUDE] && !*u->v[EW_C_LONGITUDE])) && !precision_set)
		ew_record_set(u, EW_C_GEO_PRECISION, "");
	char *where = ew_xstrdup(r->v[EW_C_ID]);
	size_t bad = ew_check_record(check, u, EW_CHECK_DEFAULTS, where, &j->errs);
	free(where);
	int same = 1;
	for (size_t i = 0; same && i < u->n; i++)
		same = strcmp(u->v[i], r->v[i]) == 0;
	if (bad || same) {
		ew_record_free(u);
		return NULL;
	}
	char ts[21];
	ew_time_format(check->now, ts);
	ew_record_set(u, EW_C_UPDATED_AT, ts);
	return u;
}

/* Puts u in place of the record at index k, in the shard of its date. */
static int
replace(struct job *j, size_t k, struct ew_record *u, struct ew_err *e)
{
	ew_store_take(j->shard[k], j->found[k]);
	ew_record_free(j->found[k]);
	j->found[k] = NULL;
	return ew_store_add(&j->st, u, e);
}

static char *
message(const struct job *j)
{
	struct ew_buf m = {0}, fields = {0};

	for (size_t i = 0; i < j->nsets; i++) {
		const char *name = j->repo.schema.cols[j->sets[i].col].name;
		size_t k;
		for (k = 0; k < i && j->sets[k].col != j->sets[i].col; k++)
			;
		if (k < i)
			continue;
		if (fields.len)
			ew_buf_adds(&fields, ", ");
		ew_buf_adds(&fields, name);
	}
	if (j->settle && j->settled.n == 1)
		ew_buf_addf(&m, "Settle the conflicts of report %s", j->settled.v[0]);
	else if (j->settle)
		ew_buf_addf(&m, "Settle the conflicts of %zu reports", j->settled.n);
	else if (j->changed.n == 1)
		ew_buf_addf(&m, "Update report %s", j->changed.v[0]);
	else
		ew_buf_addf(&m, "Update %zu reports", j->changed.n);
	if (j->changed.n)
		ew_buf_addf(&m, " (%s)", fields.s);
	ew_buf_adds(&m, "\n\nEw-Action: update\n");
	if (j->changed.n > MAX_TRAILERS)
		ew_buf_addf(&m, "Ew-Count: %zu\n", j->changed.n);
	for (size_t i = 0; i < j->changed.n && i < MAX_TRAILERS; i++)
		ew_buf_addf(&m, "Ew-Record: %s\n", j->changed.v[i]);
	/* every one, however many: ew list --conflicts reads them */
	for (size_t i = 0; i < j->settled.n; i++)
		ew_buf_addf(&m, "Ew-Settled: %s\n", j->settled.v[i]);
	ew_buf_free(&fields);
	return ew_buf_detach(&m);
}

/* --settle: each record must have open conflicts, which this settles. */
static int
find_conflicts(struct job *j)
{
	struct ew_conflicts cs;
	struct ew_err e;

	if (ew_conflicts_list(&j->repo, &cs, &e) < 0) {
		ew_strv_push(&j->errs, ew_xstrdup(e.msg));
		return -1;
	}
	for (size_t k = 0; k < j->nfound; k++) {
		const char *id = j->found[k]->v[EW_C_ID];
		size_t i;
		for (i = 0; i < cs.n && strcmp(cs.v[i].c.id, id) != 0; i++)
			;
		if (i == cs.n)
			ew_strv_push(&j->errs, ew_xasprintf(_("record %s has no open conflicts ('ew list --conflicts' lists them)"), id));
		else
			ew_strv_push(&j->settled, ew_xstrdup(id));
	}
	ew_conflicts_free(&cs);
	return j->errs.n ? -1 : 0;
}

static int
update(struct job *j, const char *author, int dry)
{
	struct ew_check check;
	struct ew_err e;
	struct ew_record **upd;

	if (ew_check_init(&check, &j->repo, &e) < 0 || ew_repo_lock(&j->repo, &e) < 0 ||
	    ew_store_load_all(&j->st, &e) < 0) {
		ew_strv_push(&j->errs, ew_xstrdup(e.msg));
		return -1;
	}
	if (resolve(j) < 0 || (j->settle && find_conflicts(j) < 0))
		return -1;
	upd = ew_xcalloc(j->nfound, sizeof *upd);
	for (size_t k = 0; k < j->nfound; k++)
		upd[k] = apply(j, j->found[k], &check);
	int rc = j->errs.n ? -1 : 0;
	for (size_t k = 0; k < j->nfound; k++) {
		if (!upd[k])
			continue;
		ew_strv_push(&j->changed, ew_xstrdup(upd[k]->v[EW_C_ID]));
		if (rc == 0 && !dry && replace(j, k, upd[k], &e) < 0) {
			ew_strv_push(&j->errs, ew_xstrdup(e.msg));
			rc = -1;
		} else if (rc < 0 || dry) {
			ew_record_free(upd[k]);
		}
	}
	free(upd);
	if (rc < 0 || dry || (j->changed.n == 0 && j->settled.n == 0))
		return rc;
	char *msg = message(j);
	rc = ew_store_commit(&j->st, msg, author, NULL, &e);
	free(msg);
	if (rc < 0)
		ew_strv_push(&j->errs, ew_xstrdup(e.msg));
	return rc;
}

static void
job_free(struct job *j)
{
	for (size_t i = 0; i < j->nsets; i++)
		free(j->sets[i].value);
	free(j->sets);
	free(j->found);
	free(j->shard);
	ew_strv_free(&j->prefixes);
	ew_strv_free(&j->changed);
	ew_strv_free(&j->settled);
	ew_strv_free(&j->errs);
	ew_store_free(&j->st);
	ew_repo_close(&j->repo);
}

int
main(int argc, char **argv)
{
	const char *author = NULL;
	int dry = 0, c, rc = 2;
	struct job j = {0};
	struct ew_err e;

	ew_progname = "ew-update";
	ew_i18n_init();
	while ((c = getopt_long(argc, argv, "C:hn", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (ew_chdir(optarg))
				return 2;
			break;
		case 'h': return usage(stdout, 0);
		case 'n': dry = 1; break;
		case O_AUTHOR: author = optarg; break;
		case O_SETTLE: j.settle = 1; break;
		case O_VERSION: return ew_print_version();
		default: return usage(stderr, 2);
		}
	}
	if (ew_repo_open(&j.repo, NULL, EW_OPEN_CATALOGS, &e) < 0)
		return ew_fail(&e);
	ew_store_init(&j.st, &j.repo);
	if (parse_args(&j, &j.repo.schema, argv + optind, argc - optind) < 0)
		goto fail;
	if (j.prefixes.n == 0 && !j.dash && isatty(0)) {
		ew_strv_push(&j.errs, ew_xstrdup(_("no record ids given (as arguments, or one per line on standard input)")));
		goto fail;
	}
	if (j.prefixes.n == 0 || j.dash)
		read_ids(&j);
	if (j.errs.n)
		goto fail;
	if (j.prefixes.n == 0) {
		ew_strv_push(&j.errs, ew_xstrdup(_("no record ids given (as arguments or one per line on standard input)")));
		goto fail;
	}
	if (update(&j, author, dry) < 0)
		goto fail;
	if (j.changed.n == 0 && j.settled.n == 0) {
		ew_warn("nothing to change");
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < j.changed.n; i++)
		printf("%s\n", j.changed.v[i]);
	for (size_t i = 0; i < j.settled.n; i++) {
		size_t k;
		for (k = 0; k < j.changed.n && strcmp(j.changed.v[k], j.settled.v[i]) != 0; k++)
			;
		if (k == j.changed.n)
			printf("%s\n", j.settled.v[i]);
	}
	rc = ew_finish_stdout();
	goto out;
fail:
	ew_fail_all(&j.errs);
	rc = 2;
out:
	job_free(&j);
	return rc;
}
