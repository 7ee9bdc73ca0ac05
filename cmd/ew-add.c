/* ew-add - add records from arguments or from standard input. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "date.h"
#include "i18n.h"
#include "import.h"
#include "input.h"
#include "output.h"
#include "store.h"
#include "ulid.h"

static const char usage_text[] = N_(
	"usage: ew-add [-C DIR] [-n | --dry-run] [--author NAME] FIELD=VALUE...\n"
	"       ew-add [-C DIR] [-n | --dry-run] [--author NAME]\n"
	"              [-f | --format csv|json|acled|kobo|sms]\n"
	"              [--mapping NAME|FILE] [--replies FILE] [-] < records\n");

enum { O_AUTHOR = 256, O_MAPPING, O_REPLIES, O_VERSION };

static const struct option longopts[] = {
	{"author", required_argument, NULL, O_AUTHOR},
	{"dry-run", no_argument, NULL, 'n'},
	{"format", required_argument, NULL, 'f'},
	{"help", no_argument, NULL, 'h'},
	{"mapping", required_argument, NULL, O_MAPPING},
	{"replies", required_argument, NULL, O_REPLIES},
	{"version", no_argument, NULL, O_VERSION},
	{NULL, 0, NULL, 0},
};

/* How standard input is read: ew's own CSV or NDJSON, or an import. */
struct source {
	int import;                /* 0: ew_input's CSV or NDJSON */
	enum ew_import_kind kind;
	const char *mapping;       /* kobo */
	FILE *replies;             /* sms: "LINE<TAB>REPLY" per rejection */
};

enum { MAX_ERRORS = 100, MAX_TRAILERS = 1000 };

struct batch {
	struct ew_record **v;
	char **where;
	size_t n, cap;
};

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	return status;
}

static void
batch_push(struct batch *b, struct ew_record *r, char *where)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->v = ew_xrealloc(b->v, b->cap * sizeof *b->v);
		b->where = ew_xrealloc(b->where, b->cap * sizeof *b->where);
	}
	b->v[b->n] = r;
	b->where[b->n++] = where;
}

static void
batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		ew_record_free(b->v[i]);
		free(b->where[i]);
	}
	free(b->v);
	free(b->where);
}

/* One record from FIELD=VALUE arguments, checked. */
static void
from_arguments(struct batch *b, const struct ew_check *check, char **args,
	int n, struct ew_strv *errs)
{
	const struct ew_schema *s = check->schema;
	struct ew_record *r = ew_record_new(s);

	for (int i = 0; i < n; i++) {
		char *copy, *field, *value;
		if (ew_assignment(args[i], &copy, &field, &value) < 0) {
			ew_strv_push(errs, ew_xasprintf(_("arguments: '%s' is not FIELD=VALUE"), args[i]));
			continue;
		}
		int c = ew_schema_col(s, field);
		if (c < 0)
			ew_strv_push(errs, ew_xasprintf(_("arguments: unknown column '%s' (declare it in ew.conf as [record] extra-columns, or remove it)"), field));
		else
			ew_record_set(r, (size_t)c, value);
		free(copy);
	}
	if (errs->n == 0)
		ew_check_record(check, r, EW_CHECK_DEFAULTS, "arguments", errs);
	batch_push(b, r, ew_xstrdup("arguments"));
}

/*
 * Checks record r, read from line of stdin, and adds it to the batch;
 * returns the index of its first problem in errs (errs->n when it has
 * none).
 */
static size_t
take(struct batch *b, const struct ew_check *check, struct ew_record *r,
	unsigned long line, struct ew_progress *progress, struct ew_strv *errs)
{
	size_t first = errs->n;
	char *where = ew_xasprintf("stdin:%lu", line);

	r->line = line;
	ew_check_record(check, r, EW_CHECK_DEFAULTS, where, errs);
	batch_push(b, r, where);
	ew_progress_show(progress, 0, ngettext("read %zu record",
		"read %zu records", b->n), b->n);
	return first;
}

/*
 * Every record on stdin, each checked as it comes, so the problems are
 * reported in input order; bad rows are reported and read past.
 */
static void
from_stdin(struct batch *b, const struct ew_check *check,
	struct ew_progress *progress, struct ew_strv *errs)
{
	struct ew_input *in = ew_input_open_file(stdin, "stdin", check->schema);
	struct ew_record *r;
	struct ew_err e;
	int got;

	while (errs->n < MAX_ERRORS && (got = ew_input_next(in, &r, &e)) != 0) {
		if (got < 0) {
			ew_strv_push(errs, ew_xstrdup(e.msg));
			continue;
		}
		take(b, check, r, r->line, progress, errs);
	}
	ew_input_close(in);
}

/*
 * Writes the reply to the sender of the message on line: one line of at
 * most 160 bytes (an SMS), cut at a character.
 */
static void
put_reply(FILE *replies, unsigned long line, const char *text)
{
	size_t n = strlen(text);

	if (n > 160) {
		n = 160;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	fprintf(replies, "%lu\t%.*s\n", line, (int)n, text);
}

/*
 * The reply for a problem the checker found: its message without the
 * "stdin:LINE: " it starts with.
 */
static void
reply_check(FILE *replies, unsigned long line, const char *msg)
{
	const char *p = strstr(msg, ": ");
	put_reply(replies, line, p ? p + 2 : msg);
}

/*
 * Every record an import makes of stdin, checked as from_stdin does.
 * For SMS, each rejected message also gets a line in the replies file.
 */
static void
from_import(struct batch *b, const struct ew_check *check,
	const struct source *src, struct ew_progress *progress,
	struct ew_strv *errs)
{
	char today[11];
	ew_date_format(ew_day_of(check->now), today);
	struct ew_import_ctx ctx = {
		.schema = check->schema, .places = check->places,
		.tax = check->tax, .mapping = src->mapping, .today = today,
	};
	struct ew_record *r;
	struct ew_err e;
	int got;
	struct ew_import *im = ew_import_open(src->kind, stdin, "stdin", &ctx, &e);

	if (!im) {
		ew_strv_push(errs, ew_xstrdup(e.msg));
		return;
	}
	while (errs->n < MAX_ERRORS && (got = ew_import_next(im, &r, &e)) != 0) {
		unsigned long line = ew_import_line(im);
		if (got < 0) {
			ew_strv_push(errs, ew_xstrdup(e.msg));
			/* a message that cannot be read at all (a NUL byte)
			   has no reply of its own: it still gets one */
			if (src->replies)
				put_reply(src->replies, line, ew_import_reply(im) ?
					ew_import_reply(im) :
					_("Your message could not be read. Send it again as plain text: EW CERCLE/COMMUNE TYPE S1-5 T# B# text"));
			continue;
		}
		size_t first = take(b, check, r, line, progress, errs);
		/* one reply a message, with the first problem */
		if (src->replies && errs->n > first)
			reply_check(src->replies, line, errs->v[first]);
	}
	ew_import_close(im);
}

/* Gives ids to the records without one. */
static int
assign_ids(struct batch *b, time_t now, struct ew_strv *errs)
{
	struct ew_ulid_gen gen = {0};
	struct ew_err e;

	for (size_t i = 0; i < b->n; i++) {
		if (*b->v[i]->v[EW_C_ID])
			continue;
		char id[27];
		if (ew_ulid_next(&gen, (uint64_t)now * 1000, id, &e) < 0) {
			ew_strv_push(errs, ew_xstrdup(e.msg));
			return -1;
		}
		ew_record_set(b->v[i], EW_C_ID, id);
	}
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	const struct ew_record *x = *(struct ew_record *const *)a;
	const struct ew_record *y = *(struct ew_record *const *)b;
	return strcmp(x->v[EW_C_ID], y->v[EW_C_ID]);
}


/* Ids given in the input must be new, in the batch and in the repository. */
static int
check_given_ids(struct batch *b, struct ew_store *st, int given,
	struct ew_strv *errs)
{
	struct ew_err e;

	if (!given)
		return 0;
	struct ew_record **sorted = ew_xcalloc(b->n, sizeof *sorted);
	memcpy(sorted, b->v, b->n * sizeof *sorted);
	qsort(sorted, b->n, sizeof *sorted, cmp_id);
	for (size_t i = 1; i < b->n; i++)
		if (strcmp(sorted[i]->v[EW_C_ID], sorted[i - 1]->v[EW_C_ID]) == 0)
			ew_strv_push(errs, ew_xasprintf(_("stdin:%lu: id '%s' appears twice in the input"),
				sorted[i]->line, sorted[i]->v[EW_C_ID]));
	free(sorted);
	if (ew_store_load_all(st, &e) < 0) {
		ew_strv_push(errs, ew_xstrdup(e.msg));
		return -1;
	}
	/* the ids the repository has, sorted, to look each new one up */
	size_t n = 0;
	for (size_t i = 0; i < st->n; i++)
		n += st->v[i]->n;
	const char **have = ew_xcalloc(n, sizeof *have);
	n = 0;
	for (size_t i = 0; i < st->n; i++)
		for (size_t j = 0; j < st->v[i]->n; j++)
			have[n++] = st->v[i]->recs[j]->v[EW_C_ID];
	qsort(have, n, sizeof *have, ew_str_cmp);
	for (size_t i = 0; i < b->n && errs->n < MAX_ERRORS; i++) {
		const char *id = b->v[i]->v[EW_C_ID];
		if (n && bsearch(&id, have, n, sizeof *have, ew_str_cmp))
			ew_strv_push(errs, ew_xasprintf(_("%s: id '%s' already exists"),
				b->where[i], id));
	}
	free(have);
	return errs->n ? -1 : 0;
}

static char *
message(const struct batch *b)
{
	struct ew_buf m = {0};
	const struct ew_record *r = b->v[0];

	if (b->n == 1) {
		ew_buf_addf(&m, "Add report %s (%s, %s", r->v[EW_C_ID],
			r->v[EW_C_CATEGORY], r->v[EW_C_CERCLE]);
		/* a confidential record: its id, category and place only */
		if (*r->v[EW_C_SEVERITY] && !ew_record_confidential(r))
			ew_buf_addf(&m, ", severity %s", r->v[EW_C_SEVERITY]);
		ew_buf_adds(&m, ")\n");
	} else {
		ew_buf_addf(&m, "Add %zu reports\n", b->n);
	}
	ew_buf_adds(&m, "\nEw-Action: add\n");
	if (b->n > MAX_TRAILERS)
		ew_buf_addf(&m, "Ew-Count: %zu\n", b->n);
	for (size_t i = 0; i < b->n && i < MAX_TRAILERS; i++)
		ew_buf_addf(&m, "Ew-Record: %s\n", b->v[i]->v[EW_C_ID]);
	return ew_buf_detach(&m);
}

/* Adds the batch in one commit; with dry, only checks it against HEAD. */
static int
add(struct batch *b, struct ew_repo *repo, int given, int dry,
	const char *author, struct ew_strv *errs)
{
	struct ew_store st;
	struct ew_err e;
	int rc = -1;

	if (ew_repo_lock(repo, &e) < 0) {
		ew_strv_push(errs, ew_xstrdup(e.msg));
		return -1;
	}
	ew_store_init(&st, repo);
	if (check_given_ids(b, &st, given, errs) < 0)
		goto out;
	if (dry) {
		rc = 0;
		goto out;
	}
	char *msg = message(b);
	size_t i;
	for (i = 0; i < b->n; i++) {
		if (ew_store_add(&st, b->v[i], &e) < 0)
			break;
		b->v[i] = NULL; /* the store has it now */
	}
	if (i == b->n)
		rc = ew_store_commit(&st, msg, author, NULL, &e);
	if (rc < 0)
		ew_strv_push(errs, ew_xstrdup(e.msg));
	free(msg);
out:
	ew_store_free(&st);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *author = NULL, *replies = NULL;
	int dry = 0, c, dash = 0, rc = 2;
	struct source src = {0};
	struct ew_progress progress;
	struct ew_repo repo;
	struct ew_err e;
	struct ew_strv errs = {0}, ids = {0};
	struct batch b = {0};

	ew_progname = "ew-add";
	ew_i18n_init();
	ew_progress_begin(&progress, 0);
	while ((c = getopt_long(argc, argv, "C:f:hn", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (ew_chdir(optarg))
				return 2;
			break;
		case 'h': return usage(stdout, 0);
		case 'n': dry = 1; break;
		case 'f':
			if (strcmp(optarg, "csv") == 0 || strcmp(optarg, "json") == 0) {
				src.import = 0;
			} else if (ew_import_parse(optarg, &src.kind)) {
				src.import = 1;
			} else {
				ew_warn("unknown format '%s' (expected csv, json, acled, kobo or sms)", optarg);
				return usage(stderr, 2);
			}
			break;
		case O_AUTHOR: author = optarg; break;
		case O_MAPPING: src.mapping = optarg; break;
		case O_REPLIES: replies = optarg; break;
		case O_VERSION: return ew_print_version();
		default: return usage(stderr, 2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 1 && strcmp(argv[0], "-") == 0) {
		dash = 1;
		argc = 0;
	}
	if (argc == 0 && !dash && isatty(0)) {
		ew_warn("no records given: pass FIELD=VALUE arguments, or records on standard input");
		return usage(stderr, 2);
	}
	if (argc > 0 && src.import) {
		ew_warn("--format reads records from standard input; it cannot be used with FIELD=VALUE arguments");
		return usage(stderr, 2);
	}
	if (src.mapping && !(src.import && src.kind == EW_IMPORT_KOBO)) {
		ew_warn("--mapping is for --format kobo");
		return usage(stderr, 2);
	}
	if (replies && !(src.import && src.kind == EW_IMPORT_SMS)) {
		ew_warn("--replies is for --format sms");
		return usage(stderr, 2);
	}
	if (ew_repo_open(&repo, NULL, EW_OPEN_CATALOGS, &e) < 0)
		return ew_fail(&e);

	struct ew_check check;
	if (ew_check_init(&check, &repo, &e) < 0) {
		ew_fail(&e);
		goto out;
	}
	/* before anything is read, so a gateway always finds a fresh file */
	if (replies && !(src.replies = fopen(replies, "w"))) {
		ew_warn("cannot write the replies to %s: %s", replies, strerror(errno));
		goto out;
	}
	if (argc > 0)
		from_arguments(&b, &check, argv, argc, &errs);
	else if (src.import)
		from_import(&b, &check, &src, &progress, &errs);
	else
		from_stdin(&b, &check, &progress, &errs);
	if (errs.n == 0 && b.n == 0) {
		ew_warn("stdin: no records to add");
		rc = 0;
		goto out;
	}
	int given = 0;
	for (size_t i = 0; i < b.n; i++)
		given |= *b.v[i]->v[EW_C_ID] != '\0';
	if (errs.n || assign_ids(&b, check.now, &errs) < 0)
		goto fail;
	for (size_t i = 0; i < b.n; i++)
		ew_strv_push(&ids, ew_xstrdup(b.v[i]->v[EW_C_ID]));
	if (!dry && b.n > 1)
		ew_progress_show(&progress, 1, ngettext("writing %zu record",
			"writing %zu records", b.n), b.n);
	if ((!dry || given) && add(&b, &repo, given, dry, author, &errs) < 0)
		goto fail;
	ew_progress_end(&progress);
	for (size_t i = 0; i < ids.n; i++)
		printf("%s\n", ids.v[i]);
	rc = ew_finish_stdout();
	goto out;
fail:
	ew_progress_end(&progress);
	ew_fail_all(&errs);
	if (errs.n >= MAX_ERRORS)
		ew_warn("stopped after %d errors; nothing was added", MAX_ERRORS);
	rc = 2;
out:
	ew_progress_end(&progress);
	if (src.replies && fclose(src.replies) != 0 && rc != 2) {
		ew_warn("cannot write the replies to %s: %s", replies, strerror(errno));
		rc = 2;
	}
	ew_strv_free(&errs);
	ew_strv_free(&ids);
	batch_free(&b);
	ew_repo_close(&repo);
	return rc;
}
