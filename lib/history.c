/* history.c - the audit trail; see history.h. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "history.h"
#include "i18n.h"
#include "input.h"
#include "merge.h"

int
ew_is_record_file(const char *path)
{
	return ew_is_shard_path(path) || strcmp(path, "alerts.csv") == 0;
}

void
ew_hcommit_read(git_commit *c, struct ew_hcommit *h)
{
	const git_signature *a = git_commit_author(c);
	const char *msg = git_commit_message(c);
	struct ew_strv act = {0};

	memset(h, 0, sizeof *h);
	git_oid_cpy(&h->id, git_commit_id(c));
	h->when = (time_t)a->when.time;
	h->author = ew_xstrdup(a->name ? a->name : "");
	h->email = ew_xstrdup(a->email ? a->email : "");
	h->parents = (int)git_commit_parentcount(c);
	ew_trailers(msg ? msg : "", "Ew-Action", &act);
	if (act.n)
		h->action = ew_xstrdup(act.v[act.n - 1]);
	else
		h->action = ew_xstrdup(h->parents > 1 ? "merge" : "hand-edit");
	ew_strv_free(&act);
	const char *s = git_commit_summary(c);
	h->subject = ew_xstrdup(s ? s : "");
}

void
ew_hcommit_free(struct ew_hcommit *h)
{
	free(h->author);
	free(h->email);
	free(h->action);
	free(h->subject);
	memset(h, 0, sizeof *h);
}

/* Where the record is in one commit. */
struct state {
	git_oid commit;
	int used;               /* the slot holds a commit */
	int found;              /* the commit has the record */
	char *path;             /* its shard */
	git_oid blob;           /* the shard's blob */
	struct ew_record *rec;  /* borrowed from the walk's pool; NULL when
	                           its row does not parse */
	const char *why;        /* then why (borrowed) */
	const struct ew_record *last; /* the latest readable version */
	git_oid reports, year;  /* the trees reports/ and reports/YYYY that
	                           lead to its shard (zero: not known) */
	size_t order;           /* when the walk reached it */
};

/* The walk: states by commit id in an open-addressing table. */
struct walk {
	struct ew_repo *r;
	const char *id;
	struct state *slots;
	size_t cap, used;
	struct ew_record **pool;
	size_t npool;
	struct ew_strv paths;
	struct ew_strv whys;
	git_oid *queue;
	size_t nqueue, qcap;
};

static size_t
hash_oid(const git_oid *id)
{
	size_t h;
	memcpy(&h, id->id, sizeof h);
	return h;
}

static struct state *
slot(struct walk *w, const git_oid *id)
{
	size_t i = hash_oid(id) & (w->cap - 1);
	while (w->slots[i].used && git_oid_cmp(&w->slots[i].commit, id) != 0)
		i = (i + 1) & (w->cap - 1);
	return &w->slots[i];
}

static struct state *
lookup(struct walk *w, const git_oid *id)
{
	struct state *s = slot(w, id);
	return s->used ? s : NULL;
}

static struct state *
insert(struct walk *w, const git_oid *id)
{
	if ((w->used + 1) * 2 > w->cap) {
		struct state *old = w->slots;
		size_t oldcap = w->cap;
		w->cap = oldcap ? oldcap * 2 : 1024;
		w->slots = ew_xcalloc(w->cap, sizeof *w->slots);
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].used)
				*slot(w, &old[i].commit) = old[i];
		free(old);
	}
	struct state *s = slot(w, id);
	memset(s, 0, sizeof *s);
	s->used = 1;
	git_oid_cpy(&s->commit, id);
	s->order = w->used++;
	return s;
}

/* A path kept for the walk's life. */
static char *
keep_path(struct walk *w, const char *path)
{
	for (size_t i = w->paths.n; i-- > 0;)
		if (strcmp(w->paths.v[i], path) == 0)
			return w->paths.v[i];
	ew_strv_push(&w->paths, ew_xstrdup(path));
	return w->paths.v[w->paths.n - 1];
}

/*
 * 1 when hit, inside buf, starts a row: it follows a newline that is
 * outside any quoted field (an even number of quotes comes before it).
 * *scanned and *quotes carry the count over calls with later hits.
 */
static int
row_start(const char *buf, const char *hit, size_t *scanned,
	unsigned long *quotes)
{
	if (hit == buf || hit[-1] != '\n')
		return 0;
	for (; buf + *scanned < hit; (*scanned)++)
		*quotes += buf[*scanned] == '"';
	return *quotes % 2 == 0;
}

/*
 * Reads the row row[0..len) of the shard buf called name, whose header
 * is buf[0..hlen) (with its newline), into *rec: 1 when it holds a
 * record, 0 when not, -1 with "NAME:LINE: what" in e.
 */
static int
read_row(const char *buf, size_t hlen, const char *row, size_t len,
	const char *name, const struct ew_schema *schema, struct ew_record **rec,
	struct ew_err *e)
{
	struct ew_buf one = {0};
	struct ew_err pe = {{0}};

	ew_buf_add(&one, buf, hlen);
	ew_buf_add(&one, row, len);
	ew_buf_addc(&one, '\n');
	struct ew_input *input = ew_input_open_mem(one.s, one.len, name, schema);
	int got = ew_input_next(input, rec, &pe);
	ew_input_close(input);
	ew_buf_free(&one);
	if (got >= 0)
		return got;
	/* the message names line 2 of the copy: give the row's line */
	unsigned long line = 1;
	for (const char *c = buf; c < row; c++)
		line += *c == '\n';
	size_t nl = strlen(name);
	const char *what = strncmp(pe.msg, name, nl) == 0 && pe.msg[nl] == ':'
		? strstr(pe.msg + nl + 1, ": ") : NULL;
	return ew_errf(e, "%s:%lu: %s", name, line, what ? what + 2 : pe.msg);
}

/*
 * Finds the row of record id in a shard's bytes: a line that starts with
 * "ID," outside any quoted field. Parses it with the shard's header into
 * *rec (NULL when absent).
 */
static int
find_row(const char *buf, size_t len, const char *id, const char *name,
	const struct ew_schema *schema, struct ew_record **rec, char **why)
{
	struct ew_err pe = {{0}};
	size_t idlen = strlen(id), quotes_to = 0;
	unsigned long quotes = 0;
	const char *end = buf + len, *p = buf;

	*rec = NULL;
	const char *nl = memchr(buf, '\n', len);
	if (!nl)
		return 0;
	size_t hlen = (size_t)(nl - buf) + 1;
	while (p < end) {
		const char *hit = memmem(p, (size_t)(end - p), id, idlen);
		if (!hit)
			return 0;
		p = hit + 1;
		if (hit + idlen >= end || hit[idlen] != ',' ||
		    !row_start(buf, hit, &quotes_to, &quotes))
			continue;
		const char *q = ew_csv_row_end(hit, end, NULL);
		int got = read_row(buf, hlen, hit, (size_t)(q - hit), name, schema, rec, &pe);
		if (got < 0) {
			*why = ew_xstrdup(pe.msg);
			return 1;
		}
		if (got == 0 || strcmp((*rec)->v[EW_C_ID], id) != 0) {
			if (*rec)
				ew_record_free(*rec);
			*rec = NULL;
			continue;
		}
		return 0;
	}
	return 0;
}

/* The blob at path in tree; 0 with *blob NULL when tree has no such file. */
static int
blob_at(struct ew_repo *r, git_tree *tree, const char *path, git_oid *id,
	git_blob **blob, struct ew_err *e)
{
	git_tree_entry *ent = NULL;
	int rc = git_tree_entry_bypath(&ent, tree, path);

	*blob = NULL;
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return ew_git_err(e, path);
	if (git_tree_entry_type(ent) == GIT_OBJECT_BLOB) {
		git_oid_cpy(id, git_tree_entry_id(ent));
		if (blob && git_blob_lookup(blob, r->git, id) < 0) {
			git_tree_entry_free(ent);
			return ew_git_err(e, path);
		}
	}
	git_tree_entry_free(ent);
	return 0;
}

/* Looks for the record in the blob at path of tree; fills s when found. */
static int
look_in(struct walk *w, git_tree *tree, const char *path, struct state *s,
	struct ew_err *e)
{
	git_blob *blob = NULL;
	git_oid id;
	struct ew_record *rec = NULL;

	if (blob_at(w->r, tree, path, &id, &blob, e) < 0)
		return -1;
	if (!blob)
		return 0;
	char *name = ew_xstrdup(path), *why = NULL;
	int rc = find_row(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
		w->id, name, &w->r->schema, &rec, &why);
	free(name);
	git_blob_free(blob);
	if (rc == 0 && !rec)
		return 0;
	if (rec) {
		w->pool = ew_xrealloc(w->pool, (w->npool + 1) * sizeof *w->pool);
		w->pool[w->npool++] = rec;
	} else {
		ew_strv_push(&w->whys, why);
		s->why = why;
	}
	s->found = 1;
	s->path = keep_path(w, path);
	git_oid_cpy(&s->blob, &id);
	s->rec = rec;
	return 0;
}

/* The ids of the trees reports/ and reports/YYYY of path in tree (zero: none). */
static void
chain_of(struct ew_repo *r, git_tree *tree, const char *path, git_oid *reports,
	git_oid *year)
{
	git_tree *rt = NULL;
	char y[5];

	memset(reports, 0, sizeof *reports);
	memset(year, 0, sizeof *year);
	const git_tree_entry *re = git_tree_entry_byname(tree, "reports");
	if (!re)
		return;
	git_oid_cpy(reports, git_tree_entry_id(re));
	memcpy(y, path + 8, 4);
	y[4] = '\0';
	if (git_tree_lookup(&rt, r->git, reports) < 0)
		return;
	const git_tree_entry *ye = git_tree_entry_byname(rt, y);
	if (ye)
		git_oid_cpy(year, git_tree_entry_id(ye));
	git_tree_free(rt);
}

/*
 * Whether parent p (whose tree is pt) has the child c's shard blob at the
 * same path, comparing tree ids from the top so that the trees below an
 * unchanged one are not read: 1 the same blob, 2 another blob there, 0
 * no such file, -1 on an error.
 */
static int
same_shard(struct walk *w, git_commit *c, git_commit *p, git_tree *pt,
	const struct state *cs)
{
	git_tree *rt = NULL, *yt = NULL;
	char y[5];
	int rc = 0;

	if (git_oid_equal(git_commit_tree_id(p), git_commit_tree_id(c)))
		return 1;
	const git_tree_entry *re = git_tree_entry_byname(pt, "reports");
	if (!re)
		return 0;
	if (git_oid_equal(git_tree_entry_id(re), &cs->reports))
		return 1;
	memcpy(y, cs->path + 8, 4);
	y[4] = '\0';
	if (git_tree_lookup(&rt, w->r->git, git_tree_entry_id(re)) < 0)
		return -1;
	const git_tree_entry *ye = git_tree_entry_byname(rt, y);
	if (!ye)
		goto out;
	if (git_oid_equal(git_tree_entry_id(ye), &cs->year)) {
		rc = 1;
		goto out;
	}
	if (git_tree_lookup(&yt, w->r->git, git_tree_entry_id(ye)) < 0) {
		rc = -1;
		goto out;
	}
	const git_tree_entry *me = git_tree_entry_byname(yt, cs->path + 13);
	if (me && git_tree_entry_type(me) == GIT_OBJECT_BLOB)
		rc = git_oid_equal(git_tree_entry_id(me), &cs->blob) ? 1 : 2;
out:
	git_tree_free(yt);
	git_tree_free(rt);
	return rc;
}

/*
 * Where the record is in parent p of child c (whose state is known):
 * the same blob at the same path is the same row; else that blob is
 * read; else the shards the child changed are searched (a record moved
 * to another month).
 */
static int
parent_state(struct walk *w, git_commit *c, const struct state *cs,
	const git_oid *pid, struct state *s, struct ew_err *e)
{
	git_commit *p = NULL;
	git_tree *pt = NULL, *ct = NULL;
	git_diff *diff = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int rc = -1;

	git_oid_tostr(hex, sizeof hex, pid);
	if (git_commit_lookup(&p, w->r->git, pid) < 0 || git_commit_tree(&pt, p) < 0) {
		ew_git_err(e, hex);
		goto out;
	}
	int got = same_shard(w, c, p, pt, cs);
	if (got < 0) {
		ew_git_err(e, hex);
		goto out;
	}
	if (got == 1) {
		s->found = 1;
		s->path = cs->path;
		s->blob = cs->blob;
		s->rec = cs->rec;
		s->why = cs->why;
		s->reports = cs->reports;
		s->year = cs->year;
		rc = 0;
		goto out;
	}
	if (got == 2 && look_in(w, pt, cs->path, s, e) < 0)
		goto out;
	if (s->found) {
		chain_of(w->r, pt, s->path, &s->reports, &s->year);
		rc = 0;
		goto out;
	}
	/* moved: another shard that changed between the parent and the child */
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	char *spec[] = {"reports"};
	opts.pathspec.strings = spec;
	opts.pathspec.count = 1;
	if (git_commit_tree(&ct, c) < 0 ||
	    git_diff_tree_to_tree(&diff, w->r->git, pt, ct, &opts) < 0) {
		ew_git_err(e, hex);
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff) && !s->found; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->old_file.path;
		if (d->status == GIT_DELTA_ADDED || !ew_is_shard_path(path) ||
		    strcmp(path, cs->path) == 0)
			continue;
		if (look_in(w, pt, path, s, e) < 0)
			goto out;
	}
	if (s->found)
		chain_of(w->r, pt, s->path, &s->reports, &s->year);
	rc = 0;
out:
	git_diff_free(diff);
	git_tree_free(ct);
	git_tree_free(pt);
	git_commit_free(p);
	return rc;
}

/*
 * The full id (upper case) that prefix names among the records of tree
 * (HEAD's), and the shard it is in. A whole id is looked for until it is
 * found; a prefix in every shard, to see that it names one record.
 */
static int
resolve_id(struct ew_repo *r, git_tree *tree, const char *prefix,
	char **full, char **path, struct ew_err *e)
{
	struct ew_strv shards = {0}, found = {0};
	size_t plen = strlen(prefix);
	char *want = ew_xstrdup(prefix);
	int rc = -1;

	*full = *path = NULL;
	for (char *q = want; *q; q++)
		*q = (char)toupper((unsigned char)*q);
	if (plen == 0 || plen > 26) {
		ew_errf(e, "'%s' is not a record id (a ULID of 26 characters, or its start)", prefix);
		goto out;
	}
	if (ew_repo_head_shards(r, &shards, e) < 0)
		goto out;
	for (size_t i = 0; i < shards.n && found.n < 3 && !(plen == 26 && found.n); i++) {
		git_blob *blob = NULL;
		git_oid bid;
		if (blob_at(r, tree, shards.v[i], &bid, &blob, e) < 0)
			goto out;
		if (!blob)
			continue;
		const char *buf = git_blob_rawcontent(blob);
		size_t len = (size_t)git_blob_rawsize(blob), scanned = 0;
		unsigned long quotes = 0;
		for (const char *p = buf; p && (p = memmem(p, len - (size_t)(p - buf), want, plen));) {
			if ((size_t)(p - buf) + 26 < len && p[26] == ',' &&
			    row_start(buf, p, &scanned, &quotes)) {
				char *id = ew_xstrndup(p, 26);
				int dup = 0;
				for (size_t k = 0; k < found.n; k++)
					dup |= strcmp(found.v[k], id) == 0;
				if (dup) {
					free(id);
				} else {
					ew_strv_push(&found, id);
					if (!*path)
						*path = ew_xstrdup(shards.v[i]);
				}
			}
			p++;
		}
		git_blob_free(blob);
	}
	if (found.n == 0) {
		ew_errf(e, "no record %s in HEAD (check the id with 'ew list')", want);
	} else if (found.n > 1) {
		ew_errf(e, "'%s' is the start of more than one id (%s, %s%s); give more of it",
			prefix, found.v[0], found.v[1], found.n > 2 ? ", ..." : "");
	} else {
		*full = found.v[0];
		found.v[0] = NULL;
		rc = 0;
	}
out:
	if (rc < 0) {
		free(*path);
		*path = NULL;
	}
	free(want);
	ew_strv_free(&shards);
	ew_strv_free(&found);
	return rc;
}

static void
enqueue(struct walk *w, const git_oid *id)
{
	if (w->nqueue == w->qcap) {
		w->qcap = w->qcap ? w->qcap * 2 : 256;
		w->queue = ew_xrealloc(w->queue, w->qcap * sizeof *w->queue);
	}
	git_oid_cpy(&w->queue[w->nqueue++], id);
}

/* Adds an entry for commit c when it added the record or changed a field. */
static void
add_entry(struct walk *w, struct ew_hist *h, git_commit *c,
	const struct state *cs, const struct state **ps, size_t np)
{
	const struct ew_schema *sc = &w->r->schema;
	struct ew_hentry x = {0};
	const struct ew_record *before[np + 1];
	size_t nb = 0;

	/* the parents' versions, or the latest readable one before them */
	for (size_t i = 0; i < np; i++)
		if (ps[i]->last)
			before[nb++] = ps[i]->last;
	x.added = np == 0;
	x.confidential = ew_record_confidential(cs->rec);
	for (size_t i = 0; i < nb; i++)
		x.confidential |= ew_record_confidential(before[i]);
	if (!cs->rec) {
		/* the row does not parse here: said where it starts */
		for (size_t i = 0; i < np; i++)
			if (!ps[i]->rec && ps[i]->why == cs->why)
				return;
		x.problem = ew_xstrdup(cs->why);
	} else if (!x.added) {
		for (size_t col = 0; col < sc->n; col++) {
			if (col == EW_C_UPDATED_AT)
				continue;
			int differs = 1;
			for (size_t i = 0; i < nb && differs; i++)
				differs = strcmp(cs->rec->v[col], before[i]->v[col]) != 0;
			if (!differs || (!nb && !*cs->rec->v[col]))
				continue;
			x.f = ew_xrealloc(x.f, (x.nf + 1) * sizeof *x.f);
			x.f[x.nf++] = (struct ew_hfield){col,
				ew_xstrdup(nb ? before[0]->v[col] : ""), ew_xstrdup(cs->rec->v[col])};
		}
		if (x.nf == 0)
			return;
	}
	ew_hcommit_read(c, &x.c);
	x.rec = cs->rec ? ew_record_dup(cs->rec) : NULL;
	h->v = ew_xrealloc(h->v, (h->n + 1) * sizeof *h->v);
	h->v[h->n++] = x;
}

/*
 * The entries, oldest first in git's topological order (a commit after
 * its parents): each commit that has the record is compared with its
 * parents, once the versions before it are known.
 */
static int
entries(struct walk *w, struct ew_hist *h, struct ew_err *e)
{
	git_revwalk *rw = NULL;
	git_oid id;
	int got, rc = -1;

	if (ew_repo_walk(w->r, 1, &rw, e) < 0)
		return -1;
	while ((got = git_revwalk_next(&id, rw)) == 0) {
		struct state *cs = lookup(w, &id);
		git_commit *c = NULL;
		if (!cs || !cs->found)
			continue;
		if (git_commit_lookup(&c, w->r->git, &id) < 0) {
			ew_git_err(e, _("cannot read a commit"));
			goto out;
		}
		size_t np = git_commit_parentcount(c), nfound = 0;
		const struct state **ps = ew_xcalloc(np + 1, sizeof *ps);
		for (size_t i = 0; i < np; i++) {
			const struct state *s = lookup(w, git_commit_parent_id(c, (unsigned)i));
			if (s && s->found)
				ps[nfound++] = s;
		}
		/* the latest readable version, for the rows that do not parse */
		cs->last = cs->rec;
		for (size_t i = 0; i < nfound && !cs->last; i++)
			cs->last = ps[i]->last;
		add_entry(w, h, c, cs, ps, nfound);
		free(ps);
		git_commit_free(c);
	}
	if (got != GIT_ITEROVER) {
		ew_git_err(e, _("cannot walk the history"));
		goto out;
	}
	rc = 0;
out:
	git_revwalk_free(rw);
	return rc;
}

int
ew_record_history(struct ew_repo *r, const char *id, struct ew_hist *h,
	struct ew_err *e)
{
	struct walk w = {0};
	git_oid head;
	git_commit *hc = NULL;
	git_tree *ht = NULL;
	int rc = -1;

	char *where = NULL;

	memset(h, 0, sizeof *h);
	w.r = r;
	if (git_reference_name_to_id(&head, r->git, "HEAD") < 0 ||
	    git_commit_lookup(&hc, r->git, &head) < 0 || git_commit_tree(&ht, hc) < 0) {
		ew_git_err(e, _("cannot read HEAD"));
		goto out;
	}
	/* the id, and where HEAD has it */
	if (resolve_id(r, ht, id, &h->id, &where, e) < 0)
		goto out;
	w.id = h->id;
	struct state *hs = insert(&w, &head);
	if (look_in(&w, ht, where, hs, e) < 0)
		goto out;
	chain_of(r, ht, where, &hs->reports, &hs->year);
	if (!hs->found) {
		ew_errf(e, "no record %s in HEAD", h->id);
		goto out;
	}
	enqueue(&w, &head);
	for (size_t q = 0; q < w.nqueue; q++) {
		git_commit *c = NULL;
		git_oid cid = w.queue[q];
		if (git_commit_lookup(&c, r->git, &cid) < 0) {
			ew_git_err(e, _("cannot read a commit"));
			goto out;
		}
		size_t np = git_commit_parentcount(c);
		int failed = 0;
		for (size_t i = 0; i < np && !failed; i++) {
			const git_oid *pid = git_commit_parent_id(c, (unsigned)i);
			struct state *s = lookup(&w, pid);
			if (!s) {
				struct state fresh = {0};
				/* the table may grow: compute, then insert */
				const struct state *cs = lookup(&w, &cid);
				struct state csc = *cs;
				if (parent_state(&w, c, &csc, pid, &fresh, e) < 0) {
					failed = 1;
					break;
				}
				s = insert(&w, pid);
				size_t order = s->order;
				*s = fresh;
				s->used = 1;
				s->order = order;
				git_oid_cpy(&s->commit, pid);
				if (s->found)
					enqueue(&w, pid);
			}
		}
		git_commit_free(c);
		if (failed)
			goto out;
	}
	if (entries(&w, h, e) < 0)
		goto out;
	/* the table may have grown: HEAD's state is looked up again */
	h->confidential = ew_record_confidential(lookup(&w, &head)->last);
	rc = 0;
out:
	for (size_t i = 0; i < w.npool; i++)
		ew_record_free(w.pool[i]);
	free(w.pool);
	free(w.slots);
	free(w.queue);
	ew_strv_free(&w.paths);
	ew_strv_free(&w.whys);
	free(where);
	git_tree_free(ht);
	git_commit_free(hc);
	if (rc < 0)
		ew_hist_free(h);
	return rc;
}

/*
 * Field col of the CSV row row[0..len), quotes and all, in *f and *flen:
 * fields end at commas outside quotes. 0 when the row has fewer fields.
 */
static int
row_field(const char *row, size_t len, size_t col, const char **f,
	size_t *flen)
{
	const char *p = row, *end = row + len;

	for (size_t c = 0;; c++) {
		const char *start = p;
		int quoted = 0;
		while (p < end && (quoted || *p != ','))
			quoted ^= *p++ == '"';
		if (c == col) {
			*f = start;
			*flen = (size_t)(p - start);
			return 1;
		}
		if (p == end)
			return 0;
		p++;
	}
}

/* The index of column name in a shard's header line h[0..len), or -1. */
static long
header_col(const char *h, size_t len, const char *name)
{
	const char *f;
	size_t flen, n = strlen(name);

	while (len && (h[len - 1] == '\n' || h[len - 1] == '\r'))
		len--;
	for (size_t c = 0; row_field(h, len, c, &f, &flen); c++)
		if (flen == n && memcmp(f, name, n) == 0)
			return (long)c;
	return -1;
}

int
ew_confidential_ids(struct ew_repo *r, struct ew_strv *ids, struct ew_err *e)
{
	static const char word[] = "confidential";
	enum { W = sizeof word - 1 };
	struct ew_strv shards = {0};
	/* the work tree, which is HEAD's, and cheaper to read than its blobs */
	int rc = ew_repo_tree_shards(r, NULL, NULL, &shards, e);

	for (size_t i = 0; rc == 0 && i < shards.n; i++) {
		size_t len = 0;
		char *path = ew_xasprintf("%s%s", r->root, shards.v[i]);
		char *buf = ew_read_file(path, &len);
		if (!buf)
			rc = ew_errf(e, "cannot read '%s': %s", path, strerror(errno));
		free(path);
		if (rc < 0)
			break;
		const char *end = buf + len, *nl = memchr(buf, '\n', len);
		size_t hlen = nl ? (size_t)(nl - buf) + 1 : len;
		long ic = header_col(buf, hlen, "id"), sc = header_col(buf, hlen, "sensitivity");
		/* the word is in the bytes of every confidential row, quoted or
		   not: the other rows are not read. A row whose sensitivity field
		   is the word, bare or quoted, is confidential; any other row
		   with the word is parsed to be sure. */
		for (const char *p = buf + hlen; rc == 0 && p < end;) {
			const char *q = ew_csv_row_end(p, end, NULL), *f, *id;
			size_t n = (size_t)(q - p), flen, idlen;
			struct ew_record *rec = NULL;
			if (!memmem(p, n, word, W)) {
				/* not confidential */
			} else if (ic >= 0 && sc >= 0 && row_field(p, n, (size_t)sc, &f, &flen) &&
			    ((flen == W && memcmp(f, word, W) == 0) ||
			     (flen == W + 2 && f[0] == '"' && memcmp(f + 1, word, W) == 0 && f[W + 1] == '"')) &&
			    row_field(p, n, (size_t)ic, &id, &idlen) && idlen && !memchr(id, '"', idlen)) {
				ew_strv_push(ids, ew_xstrndup(id, idlen));
			} else if ((rc = read_row(buf, hlen, p, n, shards.v[i], &r->schema, &rec, e)) > 0) {
				if (ew_record_confidential(rec))
					ew_strv_push(ids, ew_xstrdup(rec->v[EW_C_ID]));
				rc = 0;
			}
			ew_record_free(rec);
			p = q < end ? q + 1 : q;
		}
		free(buf);
	}
	ew_strv_free(&shards);
	if (rc < 0)
		return -1;
	if (ids->n > 1)
		qsort(ids->v, ids->n, sizeof *ids->v, ew_str_cmp);
	return 0;
}

void
ew_hist_free(struct ew_hist *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct ew_hentry *x = &h->v[i];
		ew_hcommit_free(&x->c);
		for (size_t j = 0; j < x->nf; j++) {
			free(x->f[j].old);
			free(x->f[j].now);
		}
		free(x->f);
		ew_record_free(x->rec);
		free(x->problem);
	}
	free(h->v);
	free(h->id);
	memset(h, 0, sizeof *h);
}

/* A row of a shard's bytes, for comparing two versions without parsing. */
struct row {
	const char *p;
	size_t len;
};

/* The rows of a shard after its header: they end at newlines outside quotes. */
static void
split_rows(const char *buf, size_t len, struct row **rows, size_t *n)
{
	const char *end = buf + len, *p = memchr(buf, '\n', len);

	*rows = NULL;
	*n = 0;
	if (!p)
		return;
	for (p++; p < end;) {
		const char *q = ew_csv_row_end(p, end, NULL);
		*rows = ew_xrealloc(*rows, (*n + 1) * sizeof **rows);
		(*rows)[(*n)++] = (struct row){p, (size_t)(q - p)};
		p = q + 1;
	}
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The id of a row: its text up to the first comma. */
static char *
row_id(const struct row *r)
{
	const char *comma = memchr(r->p, ',', r->len);
	return ew_xstrndup(r->p, comma ? (size_t)(comma - r->p) : r->len);
}

/* The ids of the rows in one version and not the other. */
static void
changed_rows(const char *a, size_t alen, const char *b, size_t blen,
	struct ew_strv *ids)
{
	struct row *x, *y;
	size_t nx, ny, i = 0, j = 0;

	split_rows(a, alen, &x, &nx);
	split_rows(b, blen, &y, &ny);
	if (nx > 1)
		qsort(x, nx, sizeof *x, row_cmp);
	if (ny > 1)
		qsort(y, ny, sizeof *y, row_cmp);
	while (i < nx || j < ny) {
		int c = i == nx ? 1 : j == ny ? -1 : row_cmp(&x[i], &y[j]);
		if (c < 0)
			ew_strv_push(ids, row_id(&x[i++]));
		else if (c > 0)
			ew_strv_push(ids, row_id(&y[j++]));
		else
			i++, j++;
	}
	free(x);
	free(y);
}

/*
 * The ids of the records that differ between two versions of a shard
 * with different headers, read under the repository's columns; the rows
 * are compared as text when either does not parse.
 */
static void
changed_records(struct ew_repo *r, const char *a, size_t alen, const char *b,
	size_t blen, const char *path, struct ew_strv *ids)
{
	struct ew_rset x = {0}, y = {0};
	struct ew_err e;

	if (ew_rset_parse(&x, a, alen, path, &r->schema, &e) < 0 ||
	    ew_rset_parse(&y, b, blen, path, &r->schema, &e) < 0) {
		ew_rset_free(&x);
		ew_rset_free(&y);
		changed_rows(a, alen, b, blen, ids);
		return;
	}
	if (x.n > 1)
		qsort(x.v, x.n, sizeof *x.v, ew_record_cmp_id);
	if (y.n > 1)
		qsort(y.v, y.n, sizeof *y.v, ew_record_cmp_id);
	size_t i = 0, j = 0;
	while (i < x.n || j < y.n) {
		int c = i == x.n ? 1 : j == y.n ? -1
			: strcmp(x.v[i]->v[EW_C_ID], y.v[j]->v[EW_C_ID]);
		if (c < 0) {
			ew_strv_push(ids, ew_xstrdup(x.v[i++]->v[EW_C_ID]));
		} else if (c > 0) {
			ew_strv_push(ids, ew_xstrdup(y.v[j++]->v[EW_C_ID]));
		} else {
			if (!ew_record_equal(x.v[i], y.v[j]))
				ew_strv_push(ids, ew_xstrdup(x.v[i]->v[EW_C_ID]));
			i++;
			j++;
		}
	}
	ew_rset_free(&x);
	ew_rset_free(&y);
}

/* The bytes of the blob id (a zero id: none). */
static int
blob_bytes(struct ew_repo *r, const git_oid *id, git_blob **blob,
	const char **p, size_t *len)
{
	*blob = NULL;
	*p = "";
	*len = 0;
	if (git_oid_is_zero(id))
		return 0;
	if (git_blob_lookup(blob, r->git, id) < 0)
		return -1;
	*p = git_blob_rawcontent(*blob);
	*len = (size_t)git_blob_rawsize(*blob);
	return 0;
}

int
ew_commit_touched(struct ew_repo *r, git_commit *c, struct ew_strv *ids,
	int *alerts, struct ew_err *e)
{
	git_commit *p = NULL;
	git_tree *pt = NULL, *ct = NULL;
	git_diff *diff = NULL;
	int rc = -1;

	*alerts = 0;
	if ((git_commit_parentcount(c) > 0 && (git_commit_parent(&p, c, 0) < 0 ||
	    git_commit_tree(&pt, p) < 0)) || git_commit_tree(&ct, c) < 0 ||
	    git_diff_tree_to_tree(&diff, r->git, pt, ct, NULL) < 0) {
		ew_git_err(e, _("cannot compare a commit with its parent"));
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path;
		if (strcmp(path, "alerts.csv") == 0 || strcmp(d->old_file.path, "alerts.csv") == 0)
			*alerts = 1;
		if (!ew_is_shard_path(path) && !ew_is_shard_path(d->old_file.path))
			continue;
		git_blob *a = NULL, *b = NULL;
		const char *ap, *bp;
		size_t al, bl;
		if (blob_bytes(r, &d->old_file.id, &a, &ap, &al) < 0 ||
		    blob_bytes(r, &d->new_file.id, &b, &bp, &bl) < 0) {
			git_blob_free(a);
			ew_git_err(e, path);
			goto out;
		}
		const char *ah = memchr(ap, '\n', al), *bh = memchr(bp, '\n', bl);
		if (ah && bh && (ah - ap != bh - bp || memcmp(ap, bp, (size_t)(ah - ap)) != 0))
			/* the columns changed (ew.conf declared more): by record */
			changed_records(r, ap, al, bp, bl, path, ids);
		else
			changed_rows(ap, al, bp, bl, ids);
		git_blob_free(a);
		git_blob_free(b);
	}
	ew_strv_sort_unique(ids);
	rc = 0;
out:
	git_diff_free(diff);
	git_tree_free(ct);
	git_tree_free(pt);
	git_commit_free(p);
	return rc;
}
