/* ew-list - select and print records. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "date.h"
#include "export.h"
#include "filter.h"
#include "history.h"
#include "i18n.h"
#include "input.h"
#include "output.h"
#include "sync.h"

static const char usage_text[] = N_(
	"usage: ew-list [-C DIR] [--at REV|DATE] [--since DATE] [--until DATE]\n"
	"               [--cercle NAME] [--commune NAME] [--category CODE]\n"
	"               [--min-severity N] [--status STATUS] [--sensitivity LEVEL]\n"
	"               [--include-confidential] [--where JQ]\n"
	"               [--format csv|tsv|json|table|acled|hxl|geojson] [--json]\n"
	"               [--spreadsheet]\n"
	"               [--fields A,B,...] [--count | --group-by FIELD] [ID...] [-]\n"
	"       ew-list [-C DIR] --conflicts [--include-confidential]\n"
	"               [--format csv|tsv|json|table] [--spreadsheet] [ID...]\n");

enum { O_SINCE = 256, O_UNTIL, O_CERCLE, O_COMMUNE, O_CATEGORY, O_MINSEV,
	O_STATUS, O_SENS, O_WHERE, O_FORMAT, O_JSON, O_FIELDS, O_COUNT,
	O_GROUP, O_CONFLICTS, O_AT, O_INCCONF, O_SHEET, O_VERSION };

static const struct option longopts[] = {
	{"at", required_argument, NULL, O_AT},
	{"category", required_argument, NULL, O_CATEGORY},
	{"cercle", required_argument, NULL, O_CERCLE},
	{"commune", required_argument, NULL, O_COMMUNE},
	{"conflicts", no_argument, NULL, O_CONFLICTS},
	{"count", no_argument, NULL, O_COUNT},
	{"fields", required_argument, NULL, O_FIELDS},
	{"format", required_argument, NULL, O_FORMAT},
	{"group-by", required_argument, NULL, O_GROUP},
	{"help", no_argument, NULL, 'h'},
	{"include-confidential", no_argument, NULL, O_INCCONF},
	{"json", no_argument, NULL, O_JSON},
	{"min-severity", required_argument, NULL, O_MINSEV},
	{"sensitivity", required_argument, NULL, O_SENS},
	{"since", required_argument, NULL, O_SINCE},
	{"spreadsheet", no_argument, NULL, O_SHEET},
	{"status", required_argument, NULL, O_STATUS},
	{"until", required_argument, NULL, O_UNTIL},
	{"version", no_argument, NULL, O_VERSION},
	{"where", required_argument, NULL, O_WHERE},
	{NULL, 0, NULL, 0},
};

/* What the options asked for, before the repository is open. */
struct opts {
	const char *since, *until, *cercle, *commune, *category, *minsev;
	const char *status, *sens, *where, *format, *fields, *group, *at;
	int count, from_stdin, conflicts;
	int confidential; /* --include-confidential */
	int spreadsheet;  /* --spreadsheet */
	struct ew_strv ids;
};

/* Counts per value, for --group-by. */
struct group {
	char *value;
	unsigned long count;
};

struct run {
	struct ew_filter f;
	const struct ew_schema *schema;
	struct ew_out out;
	size_t *cols, ncols;
	const char **names;
	int *numeric;
	const char **vals;
	int count_only, group_col;
	struct group *groups;
	size_t ngroups;
	unsigned long matched;
	int has_at;
	git_oid at; /* --at: the commit whose records are read */
	int out_opts; /* EW_OUT_SPREADSHEET */
	enum ew_export_kind xkind; /* --format acled, hxl or geojson */
	struct ew_export x;
	const struct ew_places *places;  /* for the exports, may be NULL */
	const struct ew_taxonomy *tax;
};

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	return status;
}

/*
 * The output format: --format, else a table on a terminal and CSV
 * elsewhere. --spreadsheet is for CSV and TSV, and means CSV without
 * --format. The exports (acled, hxl, geojson) go in *x; ACLED and HXL
 * are CSV.
 */
static int
output_format(const struct opts *o, enum ew_format *fmt,
	enum ew_export_kind *x, struct ew_err *e)
{
	*x = EW_EXPORT_NONE;
	*fmt = o->spreadsheet ? EW_FMT_CSV : ew_format_default(stdout);
	if (o->format && ew_export_parse(o->format, x))
		*fmt = *x == EW_EXPORT_GEOJSON ? EW_FMT_JSON : EW_FMT_CSV;
	else if (o->format && ew_format_parse(o->format, fmt, NULL) < 0)
		return ew_errf(e, "unknown format '%s' (expected csv, tsv, json, table, acled, hxl or geojson)",
			o->format);
	if (o->spreadsheet && *x == EW_EXPORT_GEOJSON)
		return ew_errf(e, "--spreadsheet makes CSV and TSV safe to open in a spreadsheet; it cannot be used with --format geojson (use csv, tsv, acled or hxl)");
	if (o->spreadsheet && *fmt != EW_FMT_CSV && *fmt != EW_FMT_TSV)
		return ew_errf(e, "--spreadsheet makes CSV and TSV safe to open in a spreadsheet; it cannot be used with --format %s (use csv or tsv)",
			o->format);
	if (*x == EW_EXPORT_NONE)
		return 0;
	if (o->conflicts)
		return ew_errf(e, "--conflicts prints conflicts, not records; it cannot be used with --format %s (use csv, tsv, json or table)",
			o->format);
	if (o->group)
		return ew_errf(e, "--group-by prints counts, not records; it cannot be used with --format %s (use csv, tsv, json or table)",
			o->format);
	if (*x == EW_EXPORT_ACLED && o->fields)
		return ew_errf(e, "--format acled prints ACLED's columns, always the same; it cannot be used with --fields (use --format csv or hxl to choose columns)");
	return 0;
}

/* 1 when id starts with one of the prefixes (any case), or none is given. */
static int
wanted_id(const struct ew_strv *prefixes, const char *id)
{
	for (size_t i = 0; i < prefixes->n; i++)
		if (strncasecmp(id, prefixes->v[i], strlen(prefixes->v[i])) == 0)
			return 1;
	return prefixes->n == 0;
}

/* --conflicts: the open conflicts of the merges in the history. */
static int
list_conflicts(const struct opts *o)
{
	static const char *const names[] = {
		/* TRANSLATORS: the columns of ew list --conflicts, shown
		   translated only as the short column headers of a table */
		N_("merged_at"), N_("merge"), N_("id"), N_("field"), N_("kept"),
		N_("lost"), N_("kept_updated_at"), N_("lost_updated_at")};
	enum { NCOLS = sizeof names / sizeof names[0] };
	struct ew_repo repo;
	struct ew_conflicts cs;
	struct ew_strv secret = {0};
	struct ew_err e;
	struct ew_out out;
	enum ew_format fmt;
	enum ew_export_kind xkind;
	unsigned long shown = 0;

	if (output_format(o, &fmt, &xkind, &e) < 0)
		return ew_fail(&e);
	if (ew_repo_open(&repo, NULL, 0, &e) < 0)
		return ew_fail(&e);
	if (ew_conflicts_list(&repo, &cs, &e) < 0) {
		ew_repo_close(&repo);
		return ew_fail(&e);
	}
	if (!o->confidential && cs.n && ew_confidential_ids(&repo, &secret, &e) < 0) {
		ew_strv_free(&secret);
		ew_conflicts_free(&cs);
		ew_repo_close(&repo);
		return ew_fail(&e);
	}
	ew_out_begin_with(&out, fmt, o->spreadsheet ? EW_OUT_SPREADSHEET : 0,
		stdout, names, NULL, NCOLS);
	for (size_t i = 0; i < cs.n; i++) {
		const struct ew_open_conflict *x = &cs.v[i];
		char when[21], hex[13];
		if (!wanted_id(&o->ids, x->c.id))
			continue;
		ew_time_format((time_t)x->when, when);
		git_oid_tostr(hex, sizeof hex, &x->merge);
		/* a record confidential on either side of the merge, or now:
		   which field, not its values */
		const char *id = x->c.id;
		int hide = !o->confidential && (x->c.confidential || (secret.n &&
			bsearch(&id, secret.v, secret.n, sizeof *secret.v, ew_str_cmp)));
		size_t col = x->c.col;
		const char *vals[NCOLS] = {when, hex, x->c.id,
			repo.schema.cols[col].name,
			ew_confidential_value(hide, col, x->c.kept),
			ew_confidential_value(hide, col, x->c.lost),
			ew_confidential_value(hide, EW_C_UPDATED_AT, x->c.kept_at),
			ew_confidential_value(hide, EW_C_UPDATED_AT, x->c.lost_at)};
		ew_out_row(&out, vals);
		shown++;
	}
	ew_out_end(&out);
	ew_strv_free(&secret);
	ew_conflicts_free(&cs);
	ew_repo_close(&repo);
	int rc = ew_finish_stdout();
	return rc == 0 && shown == 0 ? 1 : rc;
}

static int
set_filters(struct run *run, const struct opts *o, const struct ew_repo *repo,
	struct ew_err *e)
{
	struct ew_filter *f = &run->f;
	const struct ew_places *places = repo && repo->places.n ? &repo->places : NULL;
	const struct ew_taxonomy *tax = repo && repo->tax.n ? &repo->tax : NULL;
	time_t now;

	if (ew_now(&now, e) < 0)
		return -1;
	f->folded = o->from_stdin;
	f->confidential = o->confidential;
	if ((o->since && ew_filter_since(f, o->since, now, e) < 0) ||
	    (o->until && ew_filter_until(f, o->until, now, e) < 0) ||
	    (o->cercle && ew_filter_place(f, "cercle", o->cercle, places, e) < 0) ||
	    (o->commune && ew_filter_place(f, "commune", o->commune, places, e) < 0) ||
	    (o->category && ew_filter_category(f, o->category, tax, e) < 0) ||
	    (o->minsev && ew_filter_min_severity(f, o->minsev, e) < 0) ||
	    (o->status && ew_filter_enum(f, "status", o->status, e) < 0) ||
	    (o->sens && ew_filter_enum(f, "sensitivity", o->sens, e) < 0) ||
	    (o->where && ew_filter_where(f, o->where, e) < 0))
		return -1;
	for (size_t i = 0; i < o->ids.n; i++)
		if (ew_filter_id(f, o->ids.v[i], e) < 0)
			return -1;
	return 0;
}

/* What a table shows without --fields: enough to read on a terminal. */
static const char table_fields[] =
	"id,event_date,cercle,commune,category,severity,killed,status,description";

/* The columns to print: --fields, or all of them. */
static int
set_columns(struct run *run, const char *fields, enum ew_format fmt,
	struct ew_err *e)
{
	const struct ew_schema *s = run->schema;

	run->cols = ew_xcalloc(s->n, sizeof *run->cols);
	if (!fields && fmt == EW_FMT_TABLE)
		fields = table_fields;
	if (!fields) {
		for (size_t i = 0; i < s->n; i++)
			run->cols[run->ncols++] = i;
		return 0;
	}
	char *copy = ew_xstrdup(fields), *save = NULL;
	int rc = 0;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int c = ew_schema_col(s, w);
		if (c < 0) {
			rc = ew_errf(e, "unknown field '%s' in --fields (see ew-data(5) for the columns)", w);
			break;
		}
		if (run->ncols == s->n) {
			rc = ew_errf(e, "too many fields in --fields");
			break;
		}
		run->cols[run->ncols++] = (size_t)c;
	}
	free(copy);
	if (rc == 0 && run->ncols == 0)
		rc = ew_errf(e, "--fields names no field");
	return rc;
}

static void
count_group(struct run *run, const char *v)
{
	for (size_t i = 0; i < run->ngroups; i++)
		if (strcmp(run->groups[i].value, v) == 0) {
			run->groups[i].count++;
			return;
		}
	run->groups = ew_xrealloc(run->groups, (run->ngroups + 1) * sizeof *run->groups);
	run->groups[run->ngroups].value = ew_xstrdup(v);
	run->groups[run->ngroups].count = 1;
	run->ngroups++;
}

static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

static int
emit(struct run *run, const struct ew_record *r, struct ew_err *e)
{
	run->matched++;
	if (run->count_only)
		return 0;
	if (run->group_col >= 0) {
		count_group(run, r->v[run->group_col]);
		return 0;
	}
	if (run->xkind != EW_EXPORT_NONE)
		return ew_export_record(&run->x, r, e);
	for (size_t i = 0; i < run->ncols; i++)
		run->vals[i] = r->v[run->cols[i]];
	ew_out_row(&run->out, run->vals);
	return 0;
}

/* Filters the records of one stream; checks them when they come from outside. */
static int
scan(struct run *run, struct ew_input *in, const struct ew_check *check,
	struct ew_err *e)
{
	struct ew_record *r;
	int got;

	while ((got = ew_input_next(in, &r, e)) > 0) {
		if (check && ew_check_read(check, r, ew_input_name(in), e) < 0) {
			ew_record_free(r);
			return -1;
		}
		int m = ew_filter_match(&run->f, r, e);
		if (m > 0)
			m = emit(run, r, e);
		ew_record_free(r);
		if (m < 0)
			return -1;
	}
	return got;
}

static int
scan_one(struct ew_record *r, void *ctx, struct ew_err *e)
{
	struct run *run = ctx;
	int m = ew_filter_match(&run->f, r, e);

	if (m > 0)
		m = emit(run, r, e);
	ew_record_free(r);
	return m < 0 ? -1 : 0;
}

static int
scan_repo(struct run *run, struct ew_repo *repo, struct ew_err *e)
{
	const char *since = *run->f.since ? run->f.since : NULL;
	const char *until = *run->f.until ? run->f.until : NULL;

	if (run->has_at)
		return ew_repo_each_record_at(repo, &run->at, since, until,
			scan_one, run, e);
	return ew_repo_each_record(repo, since, until, scan_one, run, e);
}

static void
begin_output(struct run *run, enum ew_format fmt)
{
	const struct ew_schema *s = run->schema;

	if (run->count_only)
		return;
	if (run->group_col >= 0) {
		static int numeric[2] = {0, 1};
		run->names = ew_xcalloc(2, sizeof *run->names);
		run->names[0] = s->cols[run->group_col].name;
		/* TRANSLATORS: the column of ew list --group-by that counts
		   the reports of each group, a short table header */
		run->names[1] = N_("count");
		numeric[0] = s->cols[run->group_col].numeric;
		ew_out_begin_with(&run->out, fmt, run->out_opts, stdout,
			run->names, numeric, 2);
		return;
	}
	if (run->xkind != EW_EXPORT_NONE) {
		ew_export_begin(&run->x, run->xkind, run->out_opts, stdout, s,
			run->cols, run->ncols, run->places, run->tax);
		return;
	}
	ew_schema_slots(s, run->cols, run->ncols, &run->names, &run->numeric,
		&run->vals);
	ew_out_begin_with(&run->out, fmt, run->out_opts, stdout, run->names,
		run->numeric, run->ncols);
}

static void
end_output(struct run *run)
{
	if (run->count_only) {
		printf("%lu\n", run->matched);
		return;
	}
	if (run->group_col >= 0) {
		qsort(run->groups, run->ngroups, sizeof *run->groups, cmp_group);
		for (size_t i = 0; i < run->ngroups; i++) {
			char n[32];
			snprintf(n, sizeof n, "%lu", run->groups[i].count);
			const char *row[2] = {run->groups[i].value, n};
			ew_out_row(&run->out, row);
		}
	}
	ew_out_end(&run->out);
	ew_export_end(&run->x, 1);
}

static void
run_free(struct run *run)
{
	ew_filter_free(&run->f);
	for (size_t i = 0; i < run->ngroups; i++)
		free(run->groups[i].value);
	free(run->groups);
	free(run->cols);
	free(run->names);
	free(run->numeric);
	free(run->vals);
}

static int
list(struct opts *o)
{
	struct ew_repo repo;
	struct ew_schema own = {0};
	struct ew_check check = {0};
	struct ew_places own_places = {0};
	struct ew_taxonomy own_tax = {0};
	struct run run = {0};
	struct ew_err e = {{0}};
	enum ew_format fmt;
	int have_repo, rc = 2;

	if (output_format(o, &fmt, &run.xkind, &e) < 0)
		return ew_fail(&e);
	/* with '-', a repository is used when there is one, for its names */
	have_repo = ew_repo_open(&repo, NULL, EW_OPEN_CATALOGS, &e) == 0;
	if (!have_repo && !o->from_stdin)
		return ew_fail(&e);
	e.msg[0] = '\0';
	if (!have_repo && ew_schema_init(&own, NULL, &e) < 0)
		return ew_fail(&e);
	run.schema = have_repo ? &repo.schema : &own;
	run.group_col = -1;
	run.count_only = o->count;
	run.out_opts = o->spreadsheet ? EW_OUT_SPREADSHEET : 0;
	ew_filter_init(&run.f, run.schema);
	if (set_filters(&run, o, have_repo ? &repo : NULL, &e) < 0 ||
	    set_columns(&run, o->fields, fmt, &e) < 0)
		goto out;
	/* the exports' catalogs: the repository's, else the share directory's */
	if (have_repo) {
		run.places = &repo.places;
		run.tax = &repo.tax;
	} else if (run.xkind != EW_EXPORT_NONE && !o->count) {
		if (ew_export_catalogs(run.xkind, &own_places, &own_tax, &e) < 0)
			goto out;
		run.places = &own_places;
		run.tax = &own_tax;
	}
	if (o->at) {
		if (ew_repo_resolve_at(&repo, o->at, &run.at, &e) < 0)
			goto out;
		run.has_at = 1;
		/* objects are read, not checked: ew verify checks that they are whole */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
		/* a record confidential now is left out of the past too */
		struct ew_strv secret = {0};
		if (!o->confidential && ew_confidential_ids(&repo, &secret, &e) < 0) {
			ew_strv_free(&secret);
			goto out;
		}
		for (size_t i = 0; i < secret.n; i++)
			ew_filter_hide(&run.f, secret.v[i]);
		ew_strv_free(&secret);
	}
	if (o->group && (run.group_col = ew_schema_col(run.schema, o->group)) < 0) {
		ew_errf(&e, "unknown field '%s' for --group-by (see ew-data(5) for the columns)", o->group);
		goto out;
	}
	begin_output(&run, fmt);
	int scanned;
	if (o->from_stdin) {
		check.schema = run.schema;
		if (ew_now(&check.now, &e) < 0)
			goto out;
		struct ew_input *in = ew_input_open_file(stdin, "stdin", run.schema);
		struct ew_strv ids = {0};
		int got = have_repo ? ew_input_ids(in, &ids, &e) : 0;
		if (got == 1) {
			/* ids, not records: the repository's records with them */
			ew_filter_by_id(&run.f);
			for (size_t i = 0; i < ids.n && got == 1; i++)
				if (ew_filter_id(&run.f, ids.v[i], &e) < 0)
					got = -1;
			scanned = got < 0 ? -1 : scan_repo(&run, &repo, &e);
		} else {
			scanned = got < 0 ? -1 : scan(&run, in, &check, &e);
		}
		ew_strv_free(&ids);
		ew_input_close(in);
	} else {
		scanned = scan_repo(&run, &repo, &e);
	}
	if (scanned < 0) {
		/* what streamed out stays; a count or a table is not shown */
		run.count_only = 0;
		run.ngroups = 0;
		ew_strv_free(&run.out.cells);
		ew_out_end(&run.out);
		ew_export_end(&run.x, 0);
		goto out;
	}
	end_output(&run);
	rc = ew_finish_stdout();
	if (rc == 0 && run.matched == 0)
		rc = 1;
out:
	if (rc == 2 && *e.msg)
		ew_fail(&e);
	run_free(&run);
	if (have_repo)
		ew_repo_close(&repo);
	ew_schema_free(&own);
	ew_places_free(&own_places);
	ew_taxonomy_free(&own_tax);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	int c, rc;

	ew_progname = "ew-list";
	ew_i18n_init();
	while ((c = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (ew_chdir(optarg))
				return 2;
			break;
		case 'h': return usage(stdout, 0);
		case O_AT: o.at = optarg; break;
		case O_CATEGORY: o.category = optarg; break;
		case O_CERCLE: o.cercle = optarg; break;
		case O_COMMUNE: o.commune = optarg; break;
		case O_COUNT: o.count = 1; break;
		case O_CONFLICTS: o.conflicts = 1; break;
		case O_FIELDS: o.fields = optarg; break;
		case O_FORMAT: o.format = optarg; break;
		case O_GROUP: o.group = optarg; break;
		case O_INCCONF: o.confidential = 1; break;
		case O_JSON: o.format = "json"; break;
		case O_MINSEV: o.minsev = optarg; break;
		case O_SENS: o.sens = optarg; break;
		case O_SHEET: o.spreadsheet = 1; break;
		case O_SINCE: o.since = optarg; break;
		case O_STATUS: o.status = optarg; break;
		case O_UNTIL: o.until = optarg; break;
		case O_VERSION: return ew_print_version();
		case O_WHERE: o.where = optarg; break;
		default: return usage(stderr, 2);
		}
	}
	if (o.count && o.group) {
		ew_warn("--count and --group-by cannot be used together");
		return usage(stderr, 2);
	}
	/* confidential records are shown only when asked for by name */
	if (o.sens && strcmp(o.sens, "confidential") == 0 && !o.confidential) {
		ew_warn("--sensitivity confidential selects records that are left out unless asked for; add --include-confidential");
		return usage(stderr, 2);
	}
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0)
			o.from_stdin = 1;
		else
			ew_strv_push(&o.ids, ew_xstrdup(argv[i]));
	}
	if (o.at && o.from_stdin) {
		ew_warn("--at reads the repository's records; it cannot be used with '-'");
		ew_strv_free(&o.ids);
		return usage(stderr, 2);
	}
	if (o.conflicts && (o.at || o.since || o.until || o.cercle || o.commune ||
	    o.category || o.minsev || o.status || o.sens || o.where ||
	    o.fields || o.count || o.group || o.from_stdin)) {
		ew_warn("--conflicts takes only ids, --format, --spreadsheet and --include-confidential");
		ew_strv_free(&o.ids);
		return usage(stderr, 2);
	}
	rc = o.conflicts ? list_conflicts(&o) : list(&o);
	ew_strv_free(&o.ids);
	return rc;
}
