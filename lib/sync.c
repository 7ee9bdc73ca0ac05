/* sync.c - see sync.h */
#include "sync.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "store.h"

/* A file of a tree: its path, blob id and mode. */
struct entry {
	char *path;
	git_oid id;
	git_filemode_t mode;
};

struct entries {
	struct entry *v;
	size_t n, cap;
};

static int
collect(const char *root, const git_tree_entry *te, void *ctx)
{
	struct entries *es = ctx;
	if (git_tree_entry_type(te) == GIT_OBJECT_TREE)
		return 0;
	if (es->n == es->cap) {
		es->cap = es->cap ? es->cap * 2 : 64;
		es->v = ew_xrealloc(es->v, es->cap * sizeof *es->v);
	}
	es->v[es->n].path = ew_xasprintf("%s%s", root, git_tree_entry_name(te));
	es->v[es->n].id = *git_tree_entry_id(te);
	es->v[es->n].mode = git_tree_entry_filemode(te);
	es->n++;
	return 0;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static void
entries_free(struct entries *es)
{
	for (size_t i = 0; i < es->n; i++)
		free(es->v[i].path);
	free(es->v);
	memset(es, 0, sizeof *es);
}

/* The files of commit id's tree (id NULL: none), sorted by path. */
static int
tree_files(git_repository *git, const git_oid *id, struct entries *es,
	struct ew_err *e)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	int rc = 0;

	memset(es, 0, sizeof *es);
	if (!id)
		return 0;
	if (git_commit_lookup(&c, git, id) < 0 || git_commit_tree(&t, c) < 0 ||
	    git_tree_walk(t, GIT_TREEWALK_PRE, collect, es) < 0)
		rc = ew_git_err(e, _("cannot read a commit's files"));
	else if (es->n > 1)
		qsort(es->v, es->n, sizeof *es->v, by_path);
	git_tree_free(t);
	git_commit_free(c);
	return rc;
}

static const struct entry *
find_entry(const struct entries *es, const char *path)
{
	struct entry key = {(char *)path, {{0}}, 0};
	return bsearch(&key, es->v, es->n, sizeof *es->v, by_path);
}

static const git_oid *
find(const struct entries *es, const char *path)
{
	const struct entry *x = find_entry(es, path);
	return x ? &x->id : NULL;
}

static int
same_id(const git_oid *a, const git_oid *b)
{
	if (!a || !b)
		return a == b;
	return git_oid_cmp(a, b) == 0;
}

/* The same contents and mode (or both absent). */
static int
same_file(const struct entry *a, const struct entry *b)
{
	if (!a || !b)
		return a == b;
	return a->mode == b->mode && git_oid_cmp(&a->id, &b->id) == 0;
}

static const git_oid *
id_of(const struct entry *x)
{
	return x ? &x->id : NULL;
}

static int
is_exec(const struct entry *x)
{
	return x && x->mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/*
 * A path from another repository's tree is written here only when it
 * stays inside the work tree and out of .git, and names a plain file.
 */
static int
check_entry(const char *p, const struct entry *const x[3], struct ew_err *e)
{
	/* TRANSLATORS: the three versions of a merge: the commit both
	   sides started from, this repository's and the remote's */
	static const char *const side[3] = {N_("the common ancestor"), N_("ours"),
		N_("theirs")};
	int bad = *p == '/';
	for (const char *c = p; *c && !bad; c++)
		bad = (unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\';
	for (const char *c = p; !bad && c;) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		bad = n == 0 || (n == 1 && c[0] == '.') || (n == 2 && strncmp(c, "..", 2) == 0) ||
			(n >= 4 && strncasecmp(c, ".git", 4) == 0 &&
			 strspn(c + 4, ". ") == n - 4);
		c = end ? end + 1 : NULL;
	}
	if (bad) {
		struct ew_buf clean = {0};
		ew_neutralise(&clean, p, strlen(p), 0);
		int rc = ew_errf(e, "a commit to merge has a file at an unsafe path ('%s'); nothing was changed. Ask whoever pushed it to the hub to remove it",
			clean.s ? clean.s : "");
		ew_buf_free(&clean);
		return rc;
	}
	for (int k = 0; k < 3; k++) {
		if (!x[k] || x[k]->mode == GIT_FILEMODE_BLOB ||
		    x[k]->mode == GIT_FILEMODE_BLOB_EXECUTABLE)
			continue;
		if (x[k]->mode == GIT_FILEMODE_LINK)
			return ew_errf(e, "'%s' is a symbolic link in %s; ew merges plain files only. Merge by hand with git, then sync again",
				p, _(side[k]));
		return ew_errf(e, "'%s' is a submodule in %s; ew merges plain files only. Merge by hand with git, then sync again",
			p, _(side[k]));
	}
	return 0;
}

static int
blob_bytes(git_repository *git, const git_oid *id, const char *path,
	char **buf, size_t *len, struct ew_err *e)
{
	git_blob *b = NULL;

	*buf = NULL;
	*len = 0;
	if (!id)
		return 0;
	if (git_blob_lookup(&b, git, id) < 0)
		return ew_git_err(e, path);
	*len = (size_t)git_blob_rawsize(b);
	*buf = ew_xstrndup(git_blob_rawcontent(b), *len);
	git_blob_free(b);
	return 0;
}

static void
push_change(struct ew_cmerge *m, const char *path, char *data, size_t len,
	int executable)
{
	m->ch = ew_xrealloc(m->ch, (m->n + 1) * sizeof *m->ch);
	m->ch[m->n++] = (struct ew_change){ew_xstrdup(path), data, len, executable};
}

/* The union of the paths of three sorted lists, sorted, without repeats. */
static void
all_paths(const struct entries *const sides[3], struct ew_strv *out)
{
	size_t at[3] = {0, 0, 0};
	for (;;) {
		const char *min = NULL;
		for (int k = 0; k < 3; k++)
			if (at[k] < sides[k]->n &&
			    (!min || strcmp(sides[k]->v[at[k]].path, min) < 0))
				min = sides[k]->v[at[k]].path;
		if (!min)
			break;
		ew_strv_push(out, ew_xstrdup(min));
		for (int k = 0; k < 3; k++)
			if (at[k] < sides[k]->n && strcmp(sides[k]->v[at[k]].path, out->v[out->n - 1]) == 0)
				at[k]++;
	}
}

/* Reads the records of the given shard paths of one side into s. */
static int
load_side(struct ew_repo *r, const struct entries *es,
	const struct ew_strv *paths, const char *side, struct ew_rset *s,
	struct ew_err *e)
{
	for (size_t i = 0; i < paths->n; i++) {
		char *buf, *name;
		size_t len;
		if (blob_bytes(r->git, find(es, paths->v[i]), paths->v[i], &buf, &len, e) < 0)
			return -1;
		if (!buf)
			continue;
		name = ew_xasprintf("%s (%s)", paths->v[i], side);
		int rc = ew_rset_parse(s, buf, len, name, &r->schema, e);
		free(name);
		free(buf);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
has_path(const struct ew_strv *paths, const char *p)
{
	for (size_t i = 0; i < paths->n; i++)
		if (strcmp(paths->v[i], p) == 0)
			return 1;
	return 0;
}

/* Adds to paths the shard of each record of s that it lacks. */
static void
add_homes(struct ew_strv *paths, const struct ew_rset *s)
{
	char last[8] = "";
	for (size_t i = 0; i < s->n; i++) {
		const char *d = s->v[i]->v[EW_C_EVENT_DATE];
		if (strlen(d) != 10 || strncmp(d, last, 7) == 0)
			continue;
		memcpy(last, d, 7);
		char *p = ew_shard_path(d);
		if (ew_is_shard_path(p) && !has_path(paths, p))
			ew_strv_push(paths, p);
		else
			free(p);
	}
}

/* The merged records as shard files: a change for each that differs. */
static int
write_shards(struct ew_repo *r, struct ew_cmerge *m, const struct entries *ours,
	const struct ew_strv *changed, struct ew_err *e)
{
	struct ew_strv paths = {0};
	const struct ew_rset *out = &m->rec.out;

	/* the records are in shard order, so each shard's are together */
	for (size_t i = 0; i < out->n;) {
		if (strlen(out->v[i]->v[EW_C_EVENT_DATE]) != 10) {
			ew_strv_free(&paths);
			return ew_errf(e, "record %s has an invalid event_date '%s'; correct it with 'ew update'",
				out->v[i]->v[EW_C_ID], ew_confidential_value(
					ew_record_confidential(out->v[i]), EW_C_EVENT_DATE,
					out->v[i]->v[EW_C_EVENT_DATE]));
		}
		char *path = ew_shard_path(out->v[i]->v[EW_C_EVENT_DATE]);
		size_t j = i;
		while (j < out->n && strncmp(out->v[j]->v[EW_C_EVENT_DATE], out->v[i]->v[EW_C_EVENT_DATE], 7) == 0)
			j++;
		struct ew_shard sh = {path, out->v + i, j - i, j - i, 0};
		size_t len;
		char *data = ew_shard_format(&sh, &r->schema, &len);
		char *old;
		size_t oldlen;
		if (blob_bytes(r->git, find(ours, path), path, &old, &oldlen, e) < 0) {
			free(data);
			free(path);
			ew_strv_free(&paths);
			return -1;
		}
		if (old && oldlen == len && memcmp(old, data, len) == 0)
			free(data);
		else
			push_change(m, path, data, len, 0);
		free(old);
		ew_strv_push(&paths, path);
		i = j;
	}
	/* a shard that lost all its records goes */
	for (size_t i = 0; i < changed->n; i++) {
		if (!has_path(&paths, changed->v[i]) && find(ours, changed->v[i]))
			push_change(m, changed->v[i], NULL, 0, 0);
	}
	ew_strv_free(&paths);
	return 0;
}

/* Merges a file other than a shard that both sides changed. */
static int
merge_text(struct ew_repo *r, struct ew_cmerge *m, const char *path,
	const git_oid *b, const git_oid *o, const git_oid *t, int exec,
	struct ew_err *e)
{
	char *bb = NULL, *ob = NULL, *tb = NULL;
	size_t bl, ol, tl;
	int rc = -1;

	if (blob_bytes(r->git, b, path, &bb, &bl, e) < 0 ||
	    blob_bytes(r->git, o, path, &ob, &ol, e) < 0 ||
	    blob_bytes(r->git, t, path, &tb, &tl, e) < 0)
		goto out;
	if (ob && tb && strcmp(path, "alerts.csv") == 0 && ew_is_alert_log(ob, ol)) {
		struct ew_buf res = {0};
		if (ew_merge_alerts(bb, bb ? bl : 0, ob, ol, tb, tl, &res, e) < 0)
			goto out;
		push_change(m, path, res.s ? res.s : ew_xstrdup(""), res.len, exec);
		rc = 0;
		goto out;
	}
	if (!ob || !tb) { /* removed on one side, changed on the other */
		m->conflict = ew_xstrdup(path);
		rc = 0;
		goto out;
	}
	git_merge_file_input in[3] = {GIT_MERGE_FILE_INPUT_INIT,
		GIT_MERGE_FILE_INPUT_INIT, GIT_MERGE_FILE_INPUT_INIT};
	git_merge_file_result res = {0};
	in[0].ptr = bb ? bb : "";
	in[0].size = bb ? bl : 0;
	in[1].ptr = ob;
	in[1].size = ol;
	in[2].ptr = tb;
	in[2].size = tl;
	if (git_merge_file(&res, &in[0], &in[1], &in[2], NULL) < 0) {
		ew_git_err(e, path);
		goto out;
	}
	if (res.automergeable)
		push_change(m, path, ew_xstrndup(res.ptr, res.len), res.len, exec);
	else
		m->conflict = ew_xstrdup(path);
	git_merge_file_result_free(&res);
	rc = 0;
out:
	free(bb);
	free(ob);
	free(tb);
	return rc;
}

int
ew_merge_commits(struct ew_repo *r, const git_oid *ours, const git_oid *theirs,
	int flags, struct ew_cmerge *m, struct ew_err *e)
{
	struct entries be = {0}, oe = {0}, te = {0};
	struct ew_strv paths = {0}, shards = {0};
	struct ew_rset bs = {0}, os = {0}, ts = {0};
	int rc = -1, has_base;

	memset(m, 0, sizeof *m);
	int got = git_merge_base(&m->base, r->git, ours, theirs);
	if (got < 0 && got != GIT_ENOTFOUND)
		return ew_git_err(e, _("cannot find the common history"));
	has_base = got == 0;
	if (tree_files(r->git, has_base ? &m->base : NULL, &be, e) < 0 ||
	    tree_files(r->git, ours, &oe, e) < 0 ||
	    tree_files(r->git, theirs, &te, e) < 0)
		goto out;
	const struct entries *const sides[3] = {&be, &oe, &te};
	all_paths(sides, &paths);
	for (size_t i = 0; i < paths.n; i++) {
		const char *p = paths.v[i];
		const struct entry *x[3] = {find_entry(&be, p), find_entry(&oe, p), find_entry(&te, p)};
		if (same_file(x[0], x[1]) && same_file(x[1], x[2]))
			continue;
		/* what is written here must be safe; a count reads only records */
		if (!(flags & EW_CMERGE_RECORDS) && check_entry(p, x, e) < 0)
			goto out;
		if (ew_is_shard_path(p)) {
			ew_strv_push(&shards, ew_xstrdup(p));
			continue;
		}
		if (flags & EW_CMERGE_RECORDS || same_file(x[1], x[2]) || same_file(x[2], x[0]))
			continue;
		if (flags & EW_CMERGE_THEIRS || same_file(x[1], x[0])) {
			char *data;
			size_t len;
			if (blob_bytes(r->git, id_of(x[2]), p, &data, &len, e) < 0)
				goto out;
			push_change(m, p, data, len, is_exec(x[2]));
		} else if (merge_text(r, m, p, id_of(x[0]), id_of(x[1]), id_of(x[2]),
			/* the mode as the contents: one side's change wins */
			is_exec(x[1]) == is_exec(x[0]) ? is_exec(x[2]) : is_exec(x[1]), e) < 0) {
			goto out;
		} else if (m->conflict) {
			break;
		}
	}
	if (!m->conflict && shards.n) {
		/*
		 * Every shard a loaded record belongs in is loaded too: a
		 * record that sits in another month's file (a hand edit) is
		 * written to its own month's, whose records must not be lost.
		 */
		for (;;) {
			/* TRANSLATORS: the versions of a merge, after the name
			   of a file: "reports/2026/11.csv (common ancestor)" */
			if (load_side(r, &be, &shards, _("common ancestor"), &bs, e) < 0 ||
			    load_side(r, &oe, &shards, _("ours"), &os, e) < 0 ||
			    load_side(r, &te, &shards, _("theirs"), &ts, e) < 0)
				goto out;
			size_t before = shards.n;
			add_homes(&shards, &bs);
			add_homes(&shards, &os);
			add_homes(&shards, &ts);
			if (shards.n == before)
				break;
			ew_rset_free(&bs);
			ew_rset_free(&os);
			ew_rset_free(&ts);
		}
		if (ew_merge_records(&r->schema, &bs, &os, &ts, &m->rec, e) < 0)
			goto out;
		if (flags & EW_CMERGE_THEIRS) {
			for (size_t i = 0; i < shards.n; i++) {
				const git_oid *t = find(&te, shards.v[i]);
				char *data = NULL;
				size_t len = 0;
				if (same_id(find(&oe, shards.v[i]), t))
					continue;
				if (blob_bytes(r->git, t, shards.v[i], &data, &len, e) < 0)
					goto out;
				push_change(m, shards.v[i], data, len,
					is_exec(find_entry(&te, shards.v[i])));
			}
		} else if (!(flags & EW_CMERGE_RECORDS) &&
			   write_shards(r, m, &oe, &shards, e) < 0) {
			goto out;
		}
	}
	if (m->conflict) {
		for (size_t i = 0; i < m->n; i++) {
			free((char *)m->ch[i].path);
			free((char *)m->ch[i].data);
		}
		m->n = 0;
	}
	rc = 0;
out:
	ew_rset_free(&bs);
	ew_rset_free(&os);
	ew_rset_free(&ts);
	ew_strv_free(&paths);
	ew_strv_free(&shards);
	entries_free(&be);
	entries_free(&oe);
	entries_free(&te);
	if (rc < 0)
		ew_cmerge_free(m);
	return rc;
}

void
ew_cmerge_free(struct ew_cmerge *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free((char *)m->ch[i].path);
		free((char *)m->ch[i].data);
	}
	free(m->ch);
	free(m->conflict);
	ew_merge_free(&m->rec);
	memset(m, 0, sizeof *m);
}

struct settle {
	git_oid commit;
	char *id;
};

static void
conflict_take(struct ew_conflicts *out, struct ew_conflict *c,
	const git_oid *merge, git_time_t when)
{
	out->v = ew_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
	out->v[out->n++] = (struct ew_open_conflict){*c, *merge, when};
}

static int
same_conflict(const struct ew_conflict *x, const struct ew_conflict *y)
{
	return x->col == y->col && strcmp(x->id, y->id) == 0 &&
	       strcmp(x->kept, y->kept) == 0 && strcmp(x->lost, y->lost) == 0;
}

int
ew_conflicts_list(struct ew_repo *r, struct ew_conflicts *out,
	struct ew_err *e)
{
	git_revwalk *walk = NULL;
	git_oid id;
	struct settle *settles = NULL;
	size_t nsettles = 0;
	int rc = -1, got;

	memset(out, 0, sizeof *out);
	if (ew_repo_walk(r, 1, &walk, e) < 0)
		goto out;
	while ((got = git_revwalk_next(&id, walk)) == 0) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, r->git, &id) < 0) {
			ew_git_err(e, _("cannot read a commit"));
			goto out;
		}
		const char *msg = git_commit_message(c);
		struct ew_strv v = {0};
		ew_trailers(msg, "Ew-Settled", &v);
		for (size_t i = 0; i < v.n; i++) {
			settles = ew_xrealloc(settles, (nsettles + 1) * sizeof *settles);
			settles[nsettles++] = (struct settle){id, v.v[i]};
			v.v[i] = NULL;
		}
		ew_strv_free(&v);
		int by_sync = strstr(msg, "\nEw-Action: sync\n") != NULL;
		ew_trailers(msg, "Ew-Conflicts", &v);
		int look = git_commit_parentcount(c) >= 2 && (!by_sync || v.n > 0);
		ew_strv_free(&v);
		if (look) {
			struct ew_cmerge m;
			if (ew_merge_commits(r, git_commit_parent_id(c, 0),
				git_commit_parent_id(c, 1), EW_CMERGE_RECORDS, &m, e) < 0) {
				git_commit_free(c);
				goto out;
			}
			for (size_t i = 0; i < m.rec.nc; i++)
				conflict_take(out, &m.rec.c[i], &id, git_commit_time(c));
			m.rec.nc = 0; /* the strings moved to out */
			ew_cmerge_free(&m);
		}
		git_commit_free(c);
	}
	if (got != GIT_ITEROVER) {
		ew_git_err(e, _("cannot walk the history"));
		goto out;
	}
	/*
	 * Drop what a later commit settled. Merges in two offices can find
	 * the same conflict (each merged the other): settling it after any
	 * of them settles it. What is left is listed once, at its first
	 * merge.
	 */
	int *gone = ew_xcalloc(out->n + 1, sizeof *gone);
	for (size_t i = 0; i < out->n; i++)
		for (size_t j = 0; j < nsettles && !gone[i]; j++)
			gone[i] = strcmp(settles[j].id, out->v[i].c.id) == 0 &&
				git_graph_descendant_of(r->git, &settles[j].commit, &out->v[i].merge) == 1;
	for (size_t i = 0; i < out->n; i++)
		for (size_t j = 0; j < out->n; j++)
			if (i != j && !gone[i] && same_conflict(&out->v[i].c, &out->v[j].c) &&
			    (gone[j] == 1 || j < i))
				gone[i] = 2;
	size_t k = 0;
	for (size_t i = 0; i < out->n; i++) {
		if (gone[i])
			ew_conflict_free(&out->v[i].c);
		else
			out->v[k++] = out->v[i];
	}
	out->n = k;
	free(gone);
	rc = 0;
out:
	for (size_t j = 0; j < nsettles; j++)
		free(settles[j].id);
	free(settles);
	git_revwalk_free(walk);
	if (rc < 0)
		ew_conflicts_free(out);
	return rc;
}

void
ew_conflicts_free(struct ew_conflicts *c)
{
	for (size_t i = 0; i < c->n; i++)
		ew_conflict_free(&c->v[i].c);
	free(c->v);
	memset(c, 0, sizeof *c);
}
