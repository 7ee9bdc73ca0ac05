/* ew-verify - check a repository's files, history and signatures. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "cli.h"
#include "csv.h"
#include "date.h"
#include "history.h"
#include "i18n.h"
#include "input.h"
#include "output.h"
#include "rules.h"
#include "sign.h"
#include "sync.h"

static const char usage_text[] = N_(
	"usage: ew-verify [-C DIR] [--quick] [--allow-hand-edits]\n"
	"                 [--signatures[=REV]] [--allowed-signers FILE]\n"
	"                 [--since-anchor FILE] [--format text|json] [--json]\n");

enum { O_QUICK = 256, O_HAND, O_SIGS, O_ALLOWED, O_ANCHOR, O_FORMAT, O_JSON,
	O_VERSION };

static const struct option longopts[] = {
	{"allow-hand-edits", no_argument, NULL, O_HAND},
	{"allowed-signers", required_argument, NULL, O_ALLOWED},
	{"format", required_argument, NULL, O_FORMAT},
	{"help", no_argument, NULL, 'h'},
	{"json", no_argument, NULL, O_JSON},
	{"quick", no_argument, NULL, O_QUICK},
	{"signatures", optional_argument, NULL, O_SIGS},
	{"since-anchor", required_argument, NULL, O_ANCHOR},
	{"version", no_argument, NULL, O_VERSION},
	{NULL, 0, NULL, 0},
};

struct opts {
	int quick, hand_ok, sigs, json;
	const char *sigs_from, *allowed, *anchor;
};

/* One problem found: which check, where, what. */
struct problem {
	const char *check;
	char *where, *what;
	int note; /* listed, not counted (--allow-hand-edits) */
};

struct verify {
	struct ew_repo *repo;
	const struct opts *o;
	struct problem *v;
	size_t n;
	struct ew_strv checks;  /* the checks that ran */
};

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	return status;
}

static void
add_problem(struct verify *vf, const char *check, char *where, char *what)
{
	vf->v = ew_xrealloc(vf->v, (vf->n + 1) * sizeof *vf->v);
	vf->v[vf->n++] = (struct problem){check, where, what, 0};
}

static void
ran(struct verify *vf, const char *check)
{
	ew_strv_push(&vf->checks, ew_xstrdup(check));
}

static char *
short_id(const git_oid *id)
{
	char hex[13];
	git_oid_tostr(hex, sizeof hex, id);
	return ew_xstrdup(hex);
}

/* An error message "where: what" split for a problem. */
static void
problem_msg(struct verify *vf, const char *check, const char *fallback,
	const char *msg)
{
	const char *sep = strstr(msg, ": ");
	if (sep && !memchr(msg, ' ', (size_t)(sep - msg)))
		add_problem(vf, check, ew_xstrndup(msg, (size_t)(sep - msg)), ew_xstrdup(sep + 2));
	else
		add_problem(vf, check, ew_xstrdup(fallback), ew_xstrdup(msg));
}

/* An id, where it is, for the uniqueness check. */
struct idpos {
	char *id;
	const char *path;
	unsigned long line;
};

static int
by_idpos(const void *a, const void *b)
{
	const struct idpos *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	c = strcmp(x->path, y->path);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/*
 * Reads a shard that does not parse as a whole one row at a time: rows
 * end at newlines outside quotes, each is read under the header, and each
 * that fails is a problem at its own line. Returns -1 when the header
 * itself is the problem.
 */
static int
parse_rows(struct verify *vf, const char *path, const char *buf, size_t len,
	struct ew_record ***recs, size_t *n)
{
	const struct ew_schema *schema = &vf->repo->schema;
	const char *nl = memchr(buf, '\n', len);
	struct ew_err pe = {{0}};
	struct ew_record *rec = NULL;

	if (!nl)
		return -1;
	size_t hlen = (size_t)(nl - buf) + 1;
	/* the header alone must read */
	struct ew_input *in = ew_input_open_mem(buf, hlen, path, schema);
	int got = ew_input_next(in, &rec, &pe);
	ew_input_close(in);
	if (got < 0)
		return -1;
	unsigned long line = 2;
	for (const char *p = buf + hlen, *end = buf + len; p < end;) {
		unsigned long lines;
		const char *q = ew_csv_row_end(p, end, &lines);
		struct ew_buf one = {0};
		ew_buf_add(&one, buf, hlen);
		ew_buf_add(&one, p, (size_t)(q - p));
		ew_buf_addc(&one, '\n');
		in = ew_input_open_mem(one.s, one.len, path, schema);
		rec = NULL;
		pe.msg[0] = '\0';
		got = ew_input_next(in, &rec, &pe);
		ew_input_close(in);
		ew_buf_free(&one);
		char *where = ew_xasprintf("%s:%lu", path, line);
		if (got > 0) {
			rec->line = line;
			*recs = ew_xrealloc(*recs, (*n + 1) * sizeof **recs);
			(*recs)[(*n)++] = rec;
		} else if (got < 0) {
			/* the message says "PATH:2: what"; the row is at line */
			size_t pl = strlen(path);
			const char *what = strncmp(pe.msg, path, pl) == 0 && pe.msg[pl] == ':'
				? strstr(pe.msg + pl + 1, ": ") : NULL;
			add_problem(vf, "files", ew_xstrdup(where), ew_xstrdup(what ? what + 2 : pe.msg));
		}
		free(where);
		line += lines;
		p = q < end ? q + 1 : q;
	}
	return 0;
}

/*
 * The shards of HEAD: each parses, each record passes the schema, sits in
 * the shard of its month, in order, in the bytes ew writes; ids are
 * unique across shards. The ids go to ids (sorted) for the alert check.
 */
static int
check_shards(struct verify *vf, struct ew_strv *ids, struct ew_err *e)
{
	struct ew_repo *r = vf->repo;
	struct ew_strv shards = {0};
	struct idpos *pos = NULL;
	size_t npos = 0;
	struct ew_check check = {0};

	if (ew_check_init(&check, r, e) < 0)
		return -1;
	struct ew_err re = {{0}};
	if (ew_repo_head_shards(r, &shards, &re) < 0)
		add_problem(vf, "files", ew_xstrdup("reports"), ew_xasprintf(_("cannot be read: %s"), re.msg));
	ran(vf, "files");
	ran(vf, "shards");
	ran(vf, "ids");
	for (size_t i = 0; i < shards.n; i++) {
		const char *path = shards.v[i];
		char *buf = NULL;
		size_t len = 0;
		if (ew_repo_read_head(r, path, &buf, &len, &re) < 0) {
			/* a damaged object: the objects check says which */
			add_problem(vf, "files", ew_xstrdup(path), ew_xasprintf(_("cannot be read: %s"), re.msg));
			continue;
		}
		struct ew_input *in = ew_input_open_mem(buf, len, path, &r->schema);
		struct ew_record **recs = NULL;
		struct ew_record *rec;
		size_t n = 0;
		int got;
		struct ew_err pe = {{0}};
		while ((got = ew_input_next(in, &rec, &pe)) > 0) {
			recs = ew_xrealloc(recs, (n + 1) * sizeof *recs);
			recs[n++] = rec;
		}
		ew_input_close(in);
		if (got < 0) {
			/* again row by row, so that one bad row hides no other */
			for (size_t k = 0; k < n; k++)
				ew_record_free(recs[k]);
			n = 0;
			if (parse_rows(vf, path, buf, len, &recs, &n) < 0)
				problem_msg(vf, "files", path, pe.msg);
		}
		int sorted = 1, wrong = 0;
		for (size_t k = 0; k < n; k++) {
			char *where = ew_xasprintf("%s:%lu", path, recs[k]->line);
			struct ew_strv errs = {0};
			struct ew_record *copy = ew_record_dup(recs[k]);
			ew_check_record(&check, copy, 0, where, &errs);
			ew_record_free(copy);
			for (size_t j = 0; j < errs.n; j++)
				problem_msg(vf, "files", where, errs.v[j]);
			ew_strv_free(&errs);
			char *home = ew_shard_path(recs[k]->v[EW_C_EVENT_DATE]);
			if (!errs.n && home && strcmp(home, path) != 0) {
				add_problem(vf, "shards", ew_xstrdup(where), ew_xasprintf(
					_("record %s has event_date %s, so it belongs in %s"),
					recs[k]->v[EW_C_ID], ew_confidential_value(
						ew_record_confidential(recs[k]), EW_C_EVENT_DATE,
						recs[k]->v[EW_C_EVENT_DATE]), home));
				wrong = 1;
			}
			free(home);
			if (k && sorted && ew_record_cmp(recs[k - 1], recs[k]) > 0) {
				add_problem(vf, "shards", ew_xstrdup(where), ew_xasprintf(
					_("not sorted: record %s comes after %s (shards are sorted by event_date, then id)"),
					recs[k]->v[EW_C_ID], recs[k - 1]->v[EW_C_ID]));
				sorted = 0;
			}
			free(where);
			pos = ew_xrealloc(pos, (npos + 1) * sizeof *pos);
			pos[npos++] = (struct idpos){ew_xstrdup(recs[k]->v[EW_C_ID]),
				path, recs[k]->line};
		}
		struct ew_buf want = {0};
		ew_schema_csv_header(&r->schema, NULL, 0, &want);
		/* a shard written before ew.conf declared more columns reads as
		   it is, and gets them when ew next writes it */
		size_t hl = want.len - 1; /* without its newline */
		int same_header = len > hl && memcmp(buf, want.s, hl) == 0 &&
			(buf[hl] == '\n' || buf[hl] == '\r');
		if (got >= 0 && sorted && !wrong && same_header) {
			for (size_t k = 0; k < n; k++)
				ew_record_csv(recs[k], NULL, 0, &want);
			if (want.len != len || memcmp(want.s, buf, len) != 0)
				add_problem(vf, "shards", ew_xstrdup(path), ew_xstrdup(
					_("not in the form ew writes (quoting, line endings or a trailing line differ)")));
		}
		ew_buf_free(&want);
		for (size_t k = 0; k < n; k++)
			ew_record_free(recs[k]);
		free(recs);
		free(buf);
	}
	if (npos > 1)
		qsort(pos, npos, sizeof *pos, by_idpos);
	for (size_t k = 0; k < npos; k++) {
		if (k && strcmp(pos[k].id, pos[k - 1].id) == 0)
			add_problem(vf, "ids", ew_xasprintf("%s:%lu", pos[k].path, pos[k].line),
				ew_xasprintf(_("id %s appears again (also at %s:%lu)"), pos[k].id,
					pos[k - 1].path, pos[k - 1].line));
		else
			ew_strv_push(ids, ew_xstrdup(pos[k].id));
	}
	for (size_t k = 0; k < npos; k++)
		free(pos[k].id);
	free(pos);
	ew_strv_free(&shards);
	return 0;
}

/* rules.conf parses; alerts.csv parses and names rules and records that exist. */
static int
check_alerts(struct verify *vf, const struct ew_strv *ids)
{
	struct ew_repo *r = vf->repo;
	struct ew_rules rs = {0};
	struct ew_strv problems = {0};
	struct ew_alog log = {0};
	char *buf = NULL, *rules = ew_xasprintf("%srules.conf", r->root);
	size_t len = 0;
	struct ew_err pe = {{0}};
	int rc = -1;

	ran(vf, "alerts");
	if (ew_rules_load(&rs, rules, "rules.conf", &r->schema, &problems, &pe) < 0)
		problem_msg(vf, "files", "rules.conf", pe.msg);
	for (size_t i = 0; i < problems.n; i++)
		problem_msg(vf, "files", "rules.conf", problems.v[i]);
	if (ew_repo_read_head(r, "alerts.csv", &buf, &len, &pe) < 0) {
		add_problem(vf, "files", ew_xstrdup("alerts.csv"), ew_xasprintf(_("cannot be read: %s"), pe.msg));
		rc = 0;
		goto out;
	}
	if (ew_alog_parse(&log, buf, len, "alerts.csv", &pe) < 0) {
		problem_msg(vf, "files", "alerts.csv", pe.msg);
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < log.n; i++) {
		const char *const *v = (const char *const *)log.v[i].v;
		const char *p = v[EW_A_RECORDS];
		while (*p) {
			size_t k = strcspn(p, ";");
			char *id = ew_xstrndup(p, k);
			if (!bsearch(&id, ids->v, ids->n, sizeof *ids->v, ew_str_cmp))
				add_problem(vf, "alerts", ew_xasprintf(_("alerts.csv: row %zu"), i + 1),
					ew_xasprintf(_("alert %s names record %s, which the repository does not have"),
						v[EW_A_ALERT], id));
			free(id);
			p += k + (p[k] == ';');
		}
	}
	/* an alert still open must have its rule (ew alert resolves the others) */
	struct ew_astate st = {0};
	if (!problems.n && ew_astate_build(&st, &log, &pe) < 0) {
		problem_msg(vf, "alerts", "alerts.csv", pe.msg);
	} else if (!problems.n) {
		for (size_t i = 0; i < st.n; i++) {
			const struct ew_alert *a = &st.v[i];
			if (a->open && ew_rules_find(&rs, a->rule) < 0)
				add_problem(vf, "alerts", ew_xasprintf(_("alerts.csv: row %zu"), a->changed + 1),
					ew_xasprintf(_("alert %s is open for rule '%s', which rules.conf does not have (ew alert resolves it)"),
						a->id, a->rule));
		}
	}
	ew_astate_free(&st);
	rc = 0;
out:
	ew_alog_free(&log);
	ew_rules_free(&rs);
	ew_strv_free(&problems);
	free(buf);
	free(rules);
	return rc;
}

/* The work tree and the index hold what HEAD has. */
static int
check_worktree(struct verify *vf, struct ew_err *e)
{
	git_status_list *st = NULL;
	git_status_options opts = GIT_STATUS_OPTIONS_INIT;

	ran(vf, "worktree");
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	if (git_status_list_new(&st, vf->repo->git, &opts) < 0)
		return ew_git_err(e, _("cannot compare the work tree with HEAD"));
	for (size_t i = 0; i < git_status_list_entrycount(st); i++) {
		const git_status_entry *s = git_status_byindex(st, i);
		const git_diff_delta *d = s->index_to_workdir ? s->index_to_workdir : s->head_to_index;
		const char *path = d ? (d->new_file.path ? d->new_file.path : d->old_file.path) : "?";
		const char *what = NULL;
		if (s->status & (GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED |
			GIT_STATUS_INDEX_DELETED | GIT_STATUS_INDEX_RENAMED | GIT_STATUS_INDEX_TYPECHANGE))
			what = _("staged but not committed");
		else if (s->status & GIT_STATUS_WT_DELETED)
			what = _("deleted from the work tree, not in a commit");
		else if (s->status & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_WT_RENAMED))
			what = _("changed in the work tree, not in a commit (git diff shows how)");
		else if ((s->status & GIT_STATUS_WT_NEW) && (strncmp(path, "reports/", 8) == 0 ||
			strcmp(path, "alerts.csv") == 0))
			what = _("a file of records that is not in a commit");
		else if (s->status & GIT_STATUS_CONFLICTED)
			what = _("has a merge conflict");
		if (what)
			add_problem(vf, "worktree", ew_xstrdup(path), ew_xstrdup(what));
	}
	git_status_list_free(st);
	return 0;
}

/* A set of object ids (open addressing). */
struct oidset {
	git_oid *v;
	unsigned char *used;
	size_t cap, n;
};

static size_t
oid_hash(const git_oid *id)
{
	size_t h;
	memcpy(&h, id->id, sizeof h);
	return h;
}

/* Adds id; 1 when it was not there yet. */
static int
oidset_add(struct oidset *s, const git_oid *id)
{
	if ((s->n + 1) * 2 > s->cap) {
		struct oidset old = *s;
		s->cap = old.cap ? old.cap * 2 : 4096;
		s->v = ew_xcalloc(s->cap, sizeof *s->v);
		s->used = ew_xcalloc(s->cap, 1);
		s->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.used[i])
				oidset_add(s, &old.v[i]);
		free(old.v);
		free(old.used);
	}
	size_t i = oid_hash(id) & (s->cap - 1);
	while (s->used[i]) {
		if (git_oid_equal(&s->v[i], id))
			return 0;
		i = (i + 1) & (s->cap - 1);
	}
	s->used[i] = 1;
	git_oid_cpy(&s->v[i], id);
	s->n++;
	return 1;
}

/* What an object is to the objects check. */
enum kind { K_COMMIT, K_TREE, K_FILE };

/* Reads an object, which checks that its contents hash to its id. */
static int
read_object(struct verify *vf, git_odb *odb, const git_oid *id,
	enum kind kind, const char *in)
{
	git_odb_object *obj = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	char *what;

	if (git_odb_read(&obj, odb, id) == 0) {
		git_odb_object_free(obj);
		return 0;
	}
	const git_error *err = git_error_last();
	const char *why = err && err->message ? err->message : _("unreadable");
	git_oid_tostr(hex, sizeof hex, id);
	if (kind == K_COMMIT)
		what = ew_xasprintf(_("commit %s is missing or corrupt (%s)"), in, why);
	else if (kind == K_TREE)
		what = ew_xasprintf(_("tree %s is missing or corrupt (%s)"), in, why);
	else
		what = ew_xasprintf(_("file %s is missing or corrupt (%s)"), in, why);
	add_problem(vf, "objects", ew_xasprintf(_("object %s"), hex), what);
	return -1;
}

static void
walk_tree(struct verify *vf, git_odb *odb, struct oidset *seen,
	const git_oid *id, const char *in, const char *dir)
{
	git_tree *tree = NULL;
	char *what = *dir ? ew_xasprintf("%s:%s", in, dir) : ew_xasprintf("%s", in);
	int bad = !oidset_add(seen, id) || read_object(vf, odb, id, K_TREE, what) < 0;

	free(what);
	if (bad)
		return;
	if (git_tree_lookup(&tree, vf->repo->git, id) < 0)
		return;
	for (size_t i = 0; i < git_tree_entrycount(tree); i++) {
		const git_tree_entry *t = git_tree_entry_byindex(tree, i);
		const git_oid *eid = git_tree_entry_id(t);
		char *path = ew_xasprintf("%s%s", dir, git_tree_entry_name(t));
		char *where = ew_xasprintf("%s:%s", in, path);
		if (git_tree_entry_type(t) == GIT_OBJECT_TREE) {
			char *sub = ew_xasprintf("%s/", path);
			walk_tree(vf, odb, seen, eid, in, sub);
			free(sub);
		} else if (git_tree_entry_type(t) == GIT_OBJECT_BLOB && oidset_add(seen, eid)) {
			if (!vf->o->quick) {
				read_object(vf, odb, eid, K_FILE, where);
			} else if (!git_odb_exists(odb, eid)) {
				char hex[GIT_OID_HEXSZ + 1];
				git_oid_tostr(hex, sizeof hex, eid);
				add_problem(vf, "objects", ew_xasprintf(_("object %s"), hex),
					ew_xasprintf(_("file %s is missing"), where));
			}
		}
		free(where);
		free(path);
	}
	git_tree_free(tree);
}

/*
 * Every object reachable from HEAD and the references reads back and
 * hashes to its id (with --quick, files are only looked up).
 */
static int
check_objects(struct verify *vf, struct ew_err *e)
{
	git_odb *odb = NULL;
	git_revwalk *walk = NULL;
	struct oidset seen = {0};
	git_oid id;
	int got;

	ran(vf, "objects");
	if (git_repository_odb(&odb, vf->repo->git) < 0 ||
	    git_revwalk_new(&walk, vf->repo->git) < 0 ||
	    git_revwalk_push_head(walk) < 0) {
		git_odb_free(odb);
		git_revwalk_free(walk);
		return ew_git_err(e, _("cannot walk the history"));
	}
	git_revwalk_push_glob(walk, "refs/heads");
	git_revwalk_push_glob(walk, "refs/remotes");
	git_revwalk_push_glob(walk, "refs/tags");
	while ((got = git_revwalk_next(&id, walk)) == 0) {
		git_commit *c = NULL;
		char *in = short_id(&id);
		if (read_object(vf, odb, &id, K_COMMIT, in) == 0 &&
		    git_commit_lookup(&c, vf->repo->git, &id) == 0)
			walk_tree(vf, odb, &seen, git_commit_tree_id(c), in, "");
		git_commit_free(c);
		free(in);
	}
	if (got != GIT_ITEROVER) {
		const git_error *err = git_error_last();
		add_problem(vf, "objects", ew_xstrdup("history"), ew_xasprintf(
			_("cannot be walked: %s"), err && err->message ? err->message : _("a commit is unreadable")));
	}
	free(seen.v);
	free(seen.used);
	git_revwalk_free(walk);
	git_odb_free(odb);
	return 0;
}

/* The files of records that differ between two trees (either may be NULL). */
static int
record_diff(git_repository *git, git_tree *a, git_tree *b,
	struct ew_strv *paths)
{
	git_diff *diff = NULL;
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	char *spec[] = {"reports", "alerts.csv"};

	opts.pathspec.strings = spec;
	opts.pathspec.count = 2;
	if (git_diff_tree_to_tree(&diff, git, a, b, &opts) < 0)
		return -1;
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *p = d->new_file.path ? d->new_file.path : d->old_file.path;
		if (ew_is_record_file(p) || ew_is_record_file(d->old_file.path))
			ew_strv_push(paths, ew_xstrdup(p));
	}
	git_diff_free(diff);
	return 0;
}

/* The bytes of path in tree (NULL when absent). */
static char *
tree_file(git_repository *git, git_tree *tree, const char *path, size_t *len)
{
	git_tree_entry *ent = NULL;
	git_blob *blob = NULL;
	char *out = NULL;

	*len = 0;
	if (git_tree_entry_bypath(&ent, tree, path) == 0 &&
	    git_blob_lookup(&blob, git, git_tree_entry_id(ent)) == 0) {
		*len = (size_t)git_blob_rawsize(blob);
		out = ew_xstrndup(git_blob_rawcontent(blob), *len);
	}
	git_blob_free(blob);
	git_tree_entry_free(ent);
	return out;
}

/*
 * A merge without ew's trailer: its files of records must be what ew's
 * merge of its first two parents makes. Returns the first path that is
 * not, or NULL.
 */
static char *
merge_differs(struct verify *vf, git_commit *c, git_tree *mt, git_tree *pt,
	struct ew_err *e, int *failed)
{
	struct ew_cmerge m;
	struct ew_strv paths = {0};
	char *bad = NULL;

	*failed = 0;
	if (ew_merge_commits(vf->repo, git_commit_parent_id(c, 0),
		git_commit_parent_id(c, 1), 0, &m, e) < 0) {
		*failed = 1;
		return NULL;
	}
	if (record_diff(vf->repo->git, pt, mt, &paths) < 0) {
		*failed = 1;
		ew_git_err(e, _("cannot compare a merge with its parent"));
		ew_cmerge_free(&m);
		return NULL;
	}
	for (size_t i = 0; i < m.n; i++)
		if (ew_is_record_file(m.ch[i].path))
			ew_strv_push(&paths, ew_xstrdup(m.ch[i].path));
	ew_strv_sort_unique(&paths);
	for (size_t i = 0; i < paths.n && !bad; i++) {
		const struct ew_change *x = NULL;
		for (size_t k = 0; k < m.n && !x; k++)
			if (strcmp(m.ch[k].path, paths.v[i]) == 0)
				x = &m.ch[k];
		size_t wl = 0, hl = 0;
		char *want = x ? (x->data ? ew_xstrndup(x->data, x->len) : NULL) : tree_file(vf->repo->git, pt, paths.v[i], &wl);
		if (x)
			wl = x->data ? x->len : 0;
		char *have = tree_file(vf->repo->git, mt, paths.v[i], &hl);
		if ((want == NULL) != (have == NULL) || wl != hl || (want && memcmp(want, have, wl) != 0))
			bad = ew_xstrdup(paths.v[i]);
		free(want);
		free(have);
	}
	ew_strv_free(&paths);
	ew_cmerge_free(&m);
	return bad;
}

/* Adds one clause to a list of what a commit did: "a; b". */
static void
clause(struct ew_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
clause(struct ew_buf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->len)
		ew_buf_adds(b, "; ");
	va_start(ap, fmt);
	ew_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

/* Actions of ew's that change no record. */
static int
changes_no_record(const char *action)
{
	static const char *const none[] = {"init", "alert", "notify", "ack",
		"resolve", "silence", NULL};
	for (size_t i = 0; none[i]; i++)
		if (strcmp(action, none[i]) == 0)
			return 1;
	return 0;
}

/*
 * An ew commit with one parent changed the records its trailers name and
 * no other: an add or update the ids of its Ew-Record lines (all of them,
 * or Ew-Count of them), the other actions none. Anything else is a
 * problem: a commit changed after ew made it, by git commit --amend say.
 */
static void
trailers_hold(struct verify *vf, git_commit *c)
{
	struct ew_err e = {{0}};
	const char *msg = git_commit_message(c);
	struct ew_strv act = {0}, named = {0}, count = {0}, did = {0};
	int alerts = 0;

	ew_trailers(msg, "Ew-Action", &act);
	ew_trailers(msg, "Ew-Record", &named);
	ew_trailers(msg, "Ew-Count", &count);
	/* a version that cannot be read is a damaged object, which the
	   objects check reads and names */
	if (ew_commit_touched(vf->repo, c, &did, &alerts, &e) < 0)
		goto out;
	ew_strv_sort_unique(&named);
	const char *action = act.v[act.n - 1];
	struct ew_buf why = {0}, extra = {0}, missing = {0};
	if (strcmp(action, "add") == 0 || strcmp(action, "update") == 0) {
		long n = 0;
		int listed = count.n && ew_parse_int(count.v[0], 0, 1L << 40, &n);
		for (size_t i = 0; i < did.n; i++)
			if (!listed && !bsearch(&did.v[i], named.v, named.n, sizeof *named.v, ew_str_cmp))
				ew_buf_addf(&extra, "%s%s", extra.len ? ", " : "", did.v[i]);
		for (size_t i = 0; i < named.n; i++)
			if (!bsearch(&named.v[i], did.v, did.n, sizeof *did.v, ew_str_cmp))
				ew_buf_addf(&missing, "%s%s", missing.len ? ", " : "", named.v[i]);
		if (extra.len)
			/* TRANSLATORS: what a commit did (it ...), in a list of
			   such clauses: "changed ID, ID; did not change ID" */
			clause(&why, _("changed %s"), extra.s);
		if (missing.len)
			clause(&why, _("did not change %s"), missing.s);
		if (listed && (size_t)n != did.n)
			clause(&why, ngettext("changed %zu records, not %ld",
				"changed %zu records, not %ld", did.n), did.n, n);
		if (alerts)
			clause(&why, _("changed alerts.csv"));
	} else if (changes_no_record(action)) {
		for (size_t i = 0; i < did.n; i++)
			ew_buf_addf(&extra, "%s%s", extra.len ? ", " : "", did.v[i]);
		if (extra.len)
			clause(&why, _("changed %s"), extra.s);
	} else if (alerts) {
		clause(&why, ngettext("changed %zu records and alerts.csv",
			"changed %zu records and alerts.csv", did.n), did.n);
	} else if (did.n) {
		clause(&why, ngettext("changed %zu records", "changed %zu records",
			did.n), did.n);
	}
	ew_buf_free(&extra);
	ew_buf_free(&missing);
	if (why.len) {
		struct ew_hcommit h;
		char when[21];
		ew_hcommit_read(c, &h);
		ew_time_format(h.when, when);
		/* TRANSLATORS: the second %s is what the commit did, such
		   as "changed ID; did not change ID" */
		add_problem(vf, "history", ew_xasprintf("commit %.12s", git_oid_tostr_s(git_commit_id(c))),
			ew_xasprintf(_("its Ew-Action: %s does not say what it did: it %s (a hand edit after ew made it, such as git commit --amend, by %s <%s> on %s: \"%s\")"),
				action, why.s, h.author, h.email, when, h.subject));
		if (vf->o->hand_ok)
			vf->v[vf->n - 1].note = 1;
		ew_hcommit_free(&h);
	}
	ew_buf_free(&why);
out:
	ew_strv_free(&act);
	ew_strv_free(&named);
	ew_strv_free(&count);
	ew_strv_free(&did);
}

/* Every commit that changed files of records was made by ew (its trailer). */
static int
check_history(struct verify *vf, struct ew_err *e)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int got, rc = -1;

	ran(vf, "history");
	if (ew_repo_walk(vf->repo, 1, &walk, e) < 0)
		return -1;
	while ((got = git_revwalk_next(&id, walk)) == 0) {
		git_commit *c = NULL, *p = NULL;
		git_tree *ct = NULL, *pt = NULL;
		struct ew_strv act = {0}, paths = {0};
		if (git_commit_lookup(&c, vf->repo->git, &id) < 0) {
			ew_git_err(e, _("cannot read a commit"));
			goto out;
		}
		ew_trailers(git_commit_message(c), "Ew-Action", &act);
		int have_action = act.n > 0;
		ew_strv_free(&act);
		/* ew's own commits changed what their trailers say (not with
		   --quick); every merge is merged again below */
		if (have_action && git_commit_parentcount(c) < 2) {
			if (!vf->o->quick)
				trailers_hold(vf, c);
			git_commit_free(c);
			continue;
		}
		struct ew_hcommit h;
		ew_hcommit_read(c, &h);
		char when[21];
		ew_time_format(h.when, when);
		char *where = ew_xasprintf("commit %.12s", git_oid_tostr_s(&id));
		if ((git_commit_parentcount(c) && (git_commit_parent(&p, c, 0) < 0 ||
		    git_commit_tree(&pt, p) < 0)) || git_commit_tree(&ct, c) < 0 ||
		    record_diff(vf->repo->git, pt, ct, &paths) < 0) {
			/* damaged objects: the objects check names them */
			const git_error *err = git_error_last();
			add_problem(vf, "history", ew_xstrdup(where), ew_xasprintf(
				_("cannot be compared with its parent: %s"), err && err->message ? err->message : _("unreadable")));
		} else if (git_commit_parentcount(c) >= 2) {
			if (paths.n) {
				int failed;
				struct ew_err me = {{0}};
				char *path = merge_differs(vf, c, ct, pt, &me, &failed);
				if (failed)
					add_problem(vf, "history", ew_xstrdup(where), ew_xasprintf(
						_("a merge that cannot be merged again to check it: %s"), me.msg));
				else if (path)
					add_problem(vf, "history", ew_xstrdup(where), ew_xasprintf(
						_("a merge by %s <%s> on %s whose %s is not the merge of its parents (a hand edit in a merge)"),
						h.author, h.email, when, path));
				free(path);
			}
		} else if (paths.n) {
			struct ew_buf list = {0};
			for (size_t i = 0; i < paths.n && i < 5; i++)
				ew_buf_addf(&list, "%s%s", i ? ", " : "", paths.v[i]);
			if (paths.n > 5)
				/* TRANSLATORS: %s lists the first five files */
				add_problem(vf, "history", ew_xstrdup(where), ew_xasprintf(
					ngettext("changed %s and %zu more without an Ew-Action trailer (a hand edit by %s <%s> on %s: \"%s\")",
					"changed %s and %zu more without an Ew-Action trailer (a hand edit by %s <%s> on %s: \"%s\")",
					paths.n - 5), list.s, paths.n - 5, h.author, h.email, when, h.subject));
			else
				add_problem(vf, "history", ew_xstrdup(where), ew_xasprintf(
					_("changed %s without an Ew-Action trailer (a hand edit by %s <%s> on %s: \"%s\")"),
					list.s, h.author, h.email, when, h.subject));
			if (vf->o->hand_ok)
				vf->v[vf->n - 1].note = 1;
			ew_buf_free(&list);
		}
		free(where);
		ew_hcommit_free(&h);
		ew_strv_free(&paths);
		git_tree_free(ct);
		git_tree_free(pt);
		git_commit_free(p);
		git_commit_free(c);
	}
	if (got != GIT_ITEROVER) {
		ew_git_err(e, _("cannot walk the history"));
		goto out;
	}
	rc = 0;
out:
	git_revwalk_free(walk);
	return rc;
}

/* The allowed-signers file: the option, sign.allowed-signers, git's setting. */
static char *
allowed_signers(struct verify *vf, struct ew_err *e)
{
	char *v = NULL;
	git_config *cfg = NULL;
	git_buf b = {0};

	if (vf->o->allowed)
		return ew_xstrdup(vf->o->allowed);
	if (ew_repo_setting(vf->repo, "sign.allowed-signers", NULL, &v, e) < 0)
		return NULL;
	if (v && *v) {
		char *path = v[0] == '/' ? ew_xstrdup(v) : ew_xasprintf("%s%s", vf->repo->root, v);
		free(v);
		return path;
	}
	free(v);
	if (git_repository_config(&cfg, vf->repo->git) == 0 &&
	    git_config_get_path(&b, cfg, "gpg.ssh.allowedSignersFile") == 0)
		v = ew_xstrdup(b.ptr);
	git_buf_dispose(&b);
	git_config_free(cfg);
	return v;
}

/* --signatures: every commit since REV (all of them without) is signed. */
static int
check_signatures(struct verify *vf, struct ew_err *e)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int got, rc = -1;
	char *allowed = allowed_signers(vf, e);

	ran(vf, "signatures");
	if (!allowed && *e->msg)
		return -1;
	if (allowed && access(allowed, R_OK) < 0) {
		ew_errf(e, "cannot read the allowed signers file '%s': %s", allowed, strerror(errno));
		free(allowed);
		return -1;
	}
	if (ew_repo_walk(vf->repo, 1, &walk, e) < 0)
		goto out;
	if (vf->o->sigs_from) {
		git_object *obj = NULL, *peeled = NULL;
		if (git_revparse_single(&obj, vf->repo->git, vf->o->sigs_from) < 0 ||
		    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
			git_object_free(obj);
			ew_errf(e, "--signatures=%s: not a commit of this repository", vf->o->sigs_from);
			goto out;
		}
		git_revwalk_hide(walk, git_object_id(peeled));
		git_object_free(peeled);
		git_object_free(obj);
	}
	while ((got = git_revwalk_next(&id, walk)) == 0) {
		git_buf sig = {0}, data = {0};
		char *where = ew_xasprintf("commit %.12s", git_oid_tostr_s(&id));
		int x = git_commit_extract_signature(&sig, &data, vf->repo->git, &id, NULL);
		if (x == GIT_ENOTFOUND) {
			git_commit *c = NULL;
			struct ew_hcommit h = {0};
			if (git_commit_lookup(&c, vf->repo->git, &id) == 0)
				ew_hcommit_read(c, &h);
			add_problem(vf, "signatures", where, ew_xasprintf(_("not signed (%s <%s>: \"%s\")"),
				h.author ? h.author : "?", h.email ? h.email : "?", h.subject ? h.subject : ""));
			ew_hcommit_free(&h);
			git_commit_free(c);
		} else if (x < 0) {
			add_problem(vf, "signatures", where, ew_xstrdup(_("the signature cannot be read")));
		} else {
			char *signer = NULL, *why = NULL;
			git_commit *c = NULL;
			time_t when = time(NULL);
			if (git_commit_lookup(&c, vf->repo->git, &id) == 0)
				when = (time_t)git_commit_time(c);
			git_commit_free(c);
			if (ew_sig_check(data.ptr, data.size, sig.ptr, allowed, when, &signer, &why, e) < 0) {
				free(where);
				git_buf_dispose(&sig);
				git_buf_dispose(&data);
				goto out;
			}
			if (why)
				add_problem(vf, "signatures", where, why);
			else
				free(where);
			free(signer);
		}
		git_buf_dispose(&sig);
		git_buf_dispose(&data);
	}
	if (got != GIT_ITEROVER) {
		ew_git_err(e, _("cannot walk the history"));
		goto out;
	}
	rc = 0;
out:
	free(allowed);
	git_revwalk_free(walk);
	return rc;
}

/*
 * --since-anchor: the anchored commit (ew log --anchor) is still in HEAD's
 * history, with the date the anchor recorded.
 */
static int
check_anchor(struct verify *vf, struct ew_err *e)
{
	size_t len = 0;
	char *text = ew_read_file(vf->o->anchor, &len);
	char hexid[GIT_OID_HEXSZ + 1] = "", date[64] = "";
	const char *where = vf->o->anchor;

	ran(vf, "anchor");
	if (!text)
		return ew_errf(e, "cannot read the anchor '%s'", vf->o->anchor);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "commit %40s", hexid) == 1 || sscanf(line, "date %63s", date) == 1)
			continue;
		if (strlen(line) == GIT_OID_HEXSZ && strspn(line, "0123456789abcdef") == GIT_OID_HEXSZ)
			memcpy(hexid, line, sizeof hexid);
	}
	free(text);
	git_oid id, head;
	git_commit *c = NULL;
	if (strlen(hexid) != GIT_OID_HEXSZ || git_oid_fromstr(&id, hexid) < 0)
		return ew_errf(e, "%s: not an anchor (expected a line 'commit ID', as ew log --anchor prints)", where);
	if (git_reference_name_to_id(&head, vf->repo->git, "HEAD") < 0)
		return ew_git_err(e, _("cannot read HEAD"));
	if (git_commit_lookup(&c, vf->repo->git, &id) < 0) {
		add_problem(vf, "anchor", ew_xstrdup(where), ew_xasprintf(
			_("commit %s is not in this repository: the history was rewritten (or the anchor is from another repository)"), hexid));
		return 0;
	}
	char when[21];
	ew_time_format((time_t)git_commit_time(c), when);
	if (*date && strcmp(date, when) != 0)
		add_problem(vf, "anchor", ew_xstrdup(where), ew_xasprintf(
			_("the anchor dates commit %.12s %s, but the commit says %s"), hexid, date, when));
	if (!git_oid_equal(&id, &head) && git_graph_descendant_of(vf->repo->git, &head, &id) != 1)
		add_problem(vf, "anchor", ew_xstrdup(where), ew_xasprintf(
			_("commit %.12s (%s) is no longer an ancestor of HEAD: the history was rewritten since the anchor"), hexid, when));
	git_commit_free(c);
	return 0;
}

/*
 * places.csv and categories.csv; one that does not load is a problem, and
 * records are then checked without it.
 */
static void
load_catalogs(struct verify *vf)
{
	struct ew_repo *r = vf->repo;
	char *pp = ew_xasprintf("%splaces.csv", r->root);
	char *cp = ew_xasprintf("%scategories.csv", r->root);
	struct ew_err pe = {{0}};

	if (ew_places_load(&r->places, pp, &pe) < 0) {
		problem_msg(vf, "files", "places.csv", pe.msg);
		ew_places_free(&r->places);
	}
	if (ew_taxonomy_load(&r->tax, cp, &pe) < 0) {
		problem_msg(vf, "files", "categories.csv", pe.msg);
		ew_taxonomy_free(&r->tax);
	}
	free(pp);
	free(cp);
}

/*
 * Text from commits and file names as one line: terminal escapes, other
 * controls and line breaks shown escaped (\u001b, \n), so no problem can
 * forge another.
 */
static char *
one_line(const char *s)
{
	struct ew_buf clean = {0};

	ew_neutralise(&clean, s, strlen(s), 0);
	return ew_buf_detach(&clean);
}

static void
print_report(const struct verify *vf)
{
	size_t counted = 0;

	for (size_t i = 0; i < vf->n; i++)
		counted += !vf->v[i].note;
	if (vf->o->json) {
		struct ew_buf b = {0};
		ew_buf_addf(&b, "{\"ok\":%s,\"problems\":%zu,\"checks\":[", counted ? "false" : "true", counted);
		for (size_t i = 0; i < vf->checks.n; i++) {
			ew_buf_adds(&b, i ? "," : "");
			ew_json_string(&b, vf->checks.v[i], strlen(vf->checks.v[i]));
		}
		ew_buf_adds(&b, "],\"found\":[");
		for (size_t i = 0; i < vf->n; i++) {
			const struct problem *p = &vf->v[i];
			ew_buf_adds(&b, i ? ",{\"check\":" : "{\"check\":");
			ew_json_string(&b, p->check, strlen(p->check));
			ew_buf_adds(&b, ",\"where\":");
			ew_json_string(&b, p->where, strlen(p->where));
			ew_buf_adds(&b, ",\"what\":");
			ew_json_string(&b, p->what, strlen(p->what));
			ew_buf_addf(&b, ",\"counted\":%s}", p->note ? "false" : "true");
		}
		ew_buf_adds(&b, "]}\n");
		fputs(b.s, stdout);
		ew_buf_free(&b);
		return;
	}
	for (size_t i = 0; i < vf->n; i++) {
		char *where = one_line(vf->v[i].where), *what = one_line(vf->v[i].what);
		if (vf->v[i].note)
			/* TRANSLATORS: a problem listed but not counted
			   (--allow-hand-edits): where, then what */
			printf(_("note: %s: %s\n"), where, what);
		else
			printf("%s: %s\n", where, what);
		free(where);
		free(what);
	}
	struct ew_buf list = {0};
	for (size_t i = 0; i < vf->checks.n; i++)
		ew_buf_addf(&list, "%s%s", i ? ", " : "", vf->checks.v[i]);
	/* TRANSLATORS: %s lists the checks that ran, by their names
	   (files, shards, ids, alerts, worktree, objects, history ...) */
	printf(ngettext("%zu problem (checked %s)\n", "%zu problems (checked %s)\n",
		counted), counted, list.s);
	ew_buf_free(&list);
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	struct verify vf = {0};
	struct ew_repo repo;
	struct ew_strv ids = {0};
	struct ew_err e = {{0}};
	int c, rc = 2;

	ew_progname = "ew-verify";
	ew_i18n_init();
	while ((c = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (ew_chdir(optarg))
				return 2;
			break;
		case 'h': return usage(stdout, 0);
		case O_ALLOWED: o.allowed = optarg; break;
		case O_ANCHOR: o.anchor = optarg; break;
		case O_FORMAT:
			if (strcmp(optarg, "json") == 0) {
				o.json = 1;
			} else if (strcmp(optarg, "text") != 0) {
				ew_warn("invalid --format '%s' (expected text or json)", optarg);
				return usage(stderr, 2);
			}
			break;
		case O_HAND: o.hand_ok = 1; break;
		case O_JSON: o.json = 1; break;
		case O_QUICK: o.quick = 1; break;
		case O_SIGS:
			o.sigs = 1;
			o.sigs_from = optarg;
			break;
		case O_VERSION: return ew_print_version();
		default: return usage(stderr, 2);
		}
	}
	if (optind < argc) {
		ew_warn("unexpected argument '%s'", argv[optind]);
		return usage(stderr, 2);
	}
	if (ew_repo_open(&repo, NULL, 0, &e) < 0)
		return ew_fail(&e);
	/* the JSON report is for programs: what it says stays in English,
	   the messages of the checks included */
	if (o.json)
		setlocale(LC_MESSAGES, "C");
	vf.repo = &repo;
	vf.o = &o;
	load_catalogs(&vf);
	if (check_shards(&vf, &ids, &e) < 0 || check_alerts(&vf, &ids) < 0 ||
	    check_worktree(&vf, &e) < 0 || check_objects(&vf, &e) < 0 ||
	    check_history(&vf, &e) < 0 || (o.sigs && check_signatures(&vf, &e) < 0) ||
	    (o.anchor && check_anchor(&vf, &e) < 0)) {
		ew_fail(&e);
		goto out;
	}
	print_report(&vf);
	rc = ew_finish_stdout();
	if (rc == 0)
		for (size_t i = 0; i < vf.n; i++)
			if (!vf.v[i].note)
				rc = 1;
out:
	for (size_t i = 0; i < vf.n; i++) {
		free(vf.v[i].where);
		free(vf.v[i].what);
	}
	free(vf.v);
	ew_strv_free(&vf.checks);
	ew_strv_free(&ids);
	ew_repo_close(&repo);
	return rc;
}
