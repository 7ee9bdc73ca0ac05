/* ew-log - the audit trail of the repository or of records. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "date.h"
#include "history.h"
#include "i18n.h"
#include "output.h"

static const char usage_text[] = N_(
	"usage: ew-log [-C DIR] [--since DATE] [--until DATE] [--author TEXT]\n"
	"              [--format csv|tsv|json|table] [--json] [--reverse]\n"
	"              [--include-confidential] [ID...]\n"
	"       ew-log [-C DIR] --anchor\n");

enum { O_SINCE = 256, O_UNTIL, O_AUTHOR, O_FORMAT, O_JSON, O_REVERSE,
	O_ANCHOR, O_INCCONF, O_VERSION };

static const struct option longopts[] = {
	{"anchor", no_argument, NULL, O_ANCHOR},
	{"author", required_argument, NULL, O_AUTHOR},
	{"format", required_argument, NULL, O_FORMAT},
	{"help", no_argument, NULL, 'h'},
	{"include-confidential", no_argument, NULL, O_INCCONF},
	{"json", no_argument, NULL, O_JSON},
	{"reverse", no_argument, NULL, O_REVERSE},
	{"since", required_argument, NULL, O_SINCE},
	{"until", required_argument, NULL, O_UNTIL},
	{"version", no_argument, NULL, O_VERSION},
	{NULL, 0, NULL, 0},
};

struct opts {
	const char *since, *until, *author, *format;
	int reverse, anchor;
	int confidential; /* --include-confidential */
	time_t from, to; /* the bounds of --since and --until */
	enum ew_format fmt;
	char **ids;
	size_t nids;
};

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	return status;
}

/* 1 when the commit passes --since, --until and --author. */
static int
wanted(const struct opts *o, const struct ew_hcommit *c)
{
	if (c->when < o->from || c->when > o->to)
		return 0;
	if (o->author) {
		char *who = ew_xasprintf("%s <%s>", c->author, c->email);
		int hit = strcasestr(who, o->author) != NULL;
		free(who);
		if (!hit)
			return 0;
	}
	return 1;
}

/* --anchor: the commit HEAD is at, and its date, for a later check. */
static int
anchor(void)
{
	struct ew_repo repo;
	struct ew_err e;
	git_oid head;
	git_commit *c = NULL;

	if (ew_repo_open(&repo, NULL, 0, &e) < 0)
		return ew_fail(&e);
	if (git_reference_name_to_id(&head, repo.git, "HEAD") < 0 ||
	    git_commit_lookup(&c, repo.git, &head) < 0) {
		ew_git_err(&e, _("cannot read HEAD"));
		ew_repo_close(&repo);
		return ew_fail(&e);
	}
	char hex[GIT_OID_HEXSZ + 1], when[21];
	git_oid_tostr(hex, sizeof hex, &head);
	ew_time_format((time_t)git_commit_time(c), when);
	printf("ew-anchor 1\ncommit %s\ndate %s\n", hex, when);
	git_commit_free(c);
	ew_repo_close(&repo);
	return ew_finish_stdout();
}

/* The record ids a commit touched, and how many: its trailers, or its data. */
static int
touched(struct ew_repo *repo, git_commit *c, const struct ew_hcommit *h,
	struct ew_strv *ids, size_t *count, struct ew_err *e)
{
	const char *msg = git_commit_message(c);
	struct ew_strv n = {0};
	int alerts;

	if (h->parents <= 1 && strcmp(h->action, "hand-edit") != 0) {
		ew_trailers(msg ? msg : "", "Ew-Record", ids);
		ew_trailers(msg ? msg : "", "Ew-Count", &n);
		long k = 0;
		*count = n.n && ew_parse_int(n.v[0], 0, 1L << 40, &k) ? (size_t)k : ids->n;
		ew_strv_free(&n);
		return 0;
	}
	if (ew_commit_touched(repo, c, ids, &alerts, e) < 0)
		return -1;
	*count = ids->n;
	return 0;
}

/* ew log without ids: one line per commit. */
static int
log_repo(struct ew_repo *repo, const struct opts *o, struct ew_err *e)
{
	static const char *const names[] = {"time", "commit", "author", "email",
		"action", "records", "ids", "subject"};
	/* TRANSLATORS: the column headers of ew log --format table: the
	   commit's time, its id, its author, ew's action (add, update ...),
	   the number of records it changed, its subject line */
	static const char *const tnames[] = {N_("time"), N_("commit"), N_("author"),
		N_("action"), N_("records"), N_("subject")};
	static const int numeric[] = {0, 0, 0, 0, 0, 1, 0, 0};
	static const int tnumeric[] = {0, 0, 0, 0, 1, 0};
	int table = o->fmt == EW_FMT_TABLE;
	struct ew_out out;
	git_revwalk *walk = NULL;
	git_oid id;
	unsigned long shown = 0;
	int got, rc = -1;

	if (ew_repo_walk(repo, o->reverse, &walk, e) < 0)
		return -1;
	ew_out_begin(&out, o->fmt, stdout, table ? tnames : names,
		table ? tnumeric : numeric, table ? 6 : 8);
	while ((got = git_revwalk_next(&id, walk)) == 0) {
		git_commit *c = NULL;
		struct ew_hcommit h;
		struct ew_strv ids = {0};
		size_t count = 0;
		if (git_commit_lookup(&c, repo->git, &id) < 0) {
			ew_git_err(e, _("cannot read a commit"));
			goto out;
		}
		ew_hcommit_read(c, &h);
		if (!wanted(o, &h)) {
			ew_hcommit_free(&h);
			git_commit_free(c);
			continue;
		}
		char when[21], hex[GIT_OID_HEXSZ + 1], n[32] = "";
		ew_time_format(h.when, when);
		git_oid_tostr(hex, table ? 13 : sizeof hex, &id);
		/* a commit whose shards do not parse is still listed, uncounted */
		struct ew_err te = {{0}};
		if (touched(repo, c, &h, &ids, &count, &te) < 0)
			ew_warn("commit %.12s: records not counted: %s", hex, te.msg);
		else
			snprintf(n, sizeof n, "%zu", count);
		struct ew_buf list = {0};
		for (size_t i = 0; i < ids.n; i++) {
			if (i)
				ew_buf_addc(&list, ' ');
			ew_buf_adds(&list, ids.v[i]);
		}
		if (table) {
			const char *vals[] = {when, hex, h.author, h.action, n, h.subject};
			ew_out_row(&out, vals);
		} else {
			const char *vals[] = {when, hex, h.author, h.email, h.action, n,
				list.s ? list.s : "", h.subject};
			ew_out_row(&out, vals);
		}
		shown++;
		ew_buf_free(&list);
		ew_strv_free(&ids);
		ew_hcommit_free(&h);
		git_commit_free(c);
	}
	if (got != GIT_ITEROVER) {
		ew_git_err(e, _("cannot walk the history"));
		goto out;
	}
	rc = shown > 0;
out:
	ew_out_end(&out);
	git_revwalk_free(walk);
	return rc;
}

/* ew log ID...: each record's history, field by field. */
static int
log_records(struct ew_repo *repo, const struct opts *o, struct ew_err *e)
{
	static const char *const names[] = {"id", "time", "commit", "author",
		"email", "action", "field", "old", "new"};
	/* TRANSLATORS: the column headers of ew log ID --format table: the
	   record's id, the commit's time, id, author and ew's action, then
	   the field that changed, its old value and its new one */
	static const char *const tnames[] = {N_("id"), N_("time"), N_("commit"),
		N_("author"), N_("action"), N_("field"), N_("old"), N_("new")};
	int table = o->fmt == EW_FMT_TABLE;
	struct ew_out out;
	unsigned long shown = 0;

	/* every id is looked up before anything is printed */
	struct ew_hist *hs = ew_xcalloc(o->nids, sizeof *hs);
	for (size_t k = 0; k < o->nids; k++)
		if (ew_record_history(repo, o->ids[k], &hs[k], e) < 0) {
			for (size_t i = 0; i < k; i++)
				ew_hist_free(&hs[i]);
			free(hs);
			return -1;
		}
	ew_out_begin(&out, o->fmt, stdout, table ? tnames : names, NULL,
		table ? 8 : 9);
	for (size_t k = 0; k < o->nids; k++) {
		struct ew_hist h = hs[k];
		for (size_t j = 0; j < h.n; j++) {
			const struct ew_hentry *x = &h.v[o->reverse ? h.n - 1 - j : j];
			if (!wanted(o, &x->c))
				continue;
			char when[21], hex[GIT_OID_HEXSZ + 1];
			ew_time_format(x->c.when, when);
			git_oid_tostr(hex, table ? 13 : sizeof hex, &x->c.id);
			/* ew's own commits that add a record say add; a hand edit or a
			   merge that added it says so */
			const char *action = x->added && strcmp(x->c.action, "hand-edit") != 0 &&
				strcmp(x->c.action, "merge") != 0 ? "add" : x->c.action;
			size_t rows = x->nf ? x->nf : 1;
			/* a confidential record: which fields changed, not to what */
			int hide = !o->confidential && (h.confidential || x->confidential);
			for (size_t f = 0; f < rows; f++) {
				size_t col = x->nf ? x->f[f].col : 0;
				const char *field = x->nf ? repo->schema.cols[col].name : "";
				const char *old = x->nf ? ew_confidential_value(hide, col, x->f[f].old) : "";
				/* a row that does not parse there: what is wrong with it */
				const char *now = x->nf ? ew_confidential_value(hide, col, x->f[f].now)
					: x->problem ? x->problem : "";
				/* a table names the commit once */
				int first = f == 0 || !table;
				if (table) {
					const char *vals[] = {first ? h.id : "", first ? when : "",
						first ? hex : "", first ? x->c.author : "",
						first ? action : "", field, old, now};
					ew_out_row(&out, vals);
				} else {
					const char *vals[] = {h.id, when, hex, x->c.author,
						x->c.email, action, field, old, now};
					ew_out_row(&out, vals);
				}
			}
			shown++;
		}
		ew_hist_free(&hs[k]);
	}
	free(hs);
	ew_out_end(&out);
	return shown > 0;
}

/* The start of the day of a --since bound and the end of an --until one. */
static int
bounds(struct opts *o, struct ew_err *e)
{
	time_t now;
	long day;

	o->from = 0;
	o->to = (time_t)1 << 62;
	if (!o->since && !o->until)
		return 0;
	if (ew_now(&now, e) < 0)
		return -1;
	if (o->since) {
		if (ew_when_parse(o->since, now, &day, e) < 0)
			return -1;
		o->from = (time_t)day * 86400;
	}
	if (o->until) {
		if (ew_when_parse(o->until, now, &day, e) < 0)
			return -1;
		o->to = (time_t)(day + 1) * 86400 - 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	struct ew_repo repo;
	struct ew_err e = {{0}};
	int c;

	ew_progname = "ew-log";
	ew_i18n_init();
	while ((c = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (ew_chdir(optarg))
				return 2;
			break;
		case 'h': return usage(stdout, 0);
		case O_ANCHOR: o.anchor = 1; break;
		case O_INCCONF: o.confidential = 1; break;
		case O_AUTHOR: o.author = optarg; break;
		case O_FORMAT: o.format = optarg; break;
		case O_JSON: o.format = "json"; break;
		case O_REVERSE: o.reverse = 1; break;
		case O_SINCE: o.since = optarg; break;
		case O_UNTIL: o.until = optarg; break;
		case O_VERSION: return ew_print_version();
		default: return usage(stderr, 2);
		}
	}
	o.ids = argv + optind;
	o.nids = (size_t)(argc - optind);
	if (o.anchor) {
		if (o.nids || o.since || o.until || o.author || o.format || o.reverse ||
		    o.confidential) {
			ew_warn("--anchor takes no other option");
			return usage(stderr, 2);
		}
		return anchor();
	}
	o.fmt = ew_format_default(stdout);
	if ((o.format && ew_format_parse(o.format, &o.fmt, &e) < 0) || bounds(&o, &e) < 0)
		return ew_fail(&e);
	if (ew_repo_open(&repo, NULL, 0, &e) < 0)
		return ew_fail(&e);
	/* objects are read, not checked: ew verify checks that they are whole */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	int rc = o.nids ? log_records(&repo, &o, &e) : log_repo(&repo, &o, &e);
	ew_repo_close(&repo);
	if (rc < 0)
		return ew_fail(&e);
	int out = ew_finish_stdout();
	return out ? out : rc == 0;
}
