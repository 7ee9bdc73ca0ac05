/* merge.c - see merge.h */
#include "merge.h"

#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "i18n.h"
#include "input.h"

void
ew_rset_push(struct ew_rset *s, struct ew_record *r)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = ew_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = r;
}

void
ew_rset_free(struct ew_rset *s)
{
	for (size_t i = 0; i < s->n; i++)
		ew_record_free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

int
ew_rset_parse(struct ew_rset *s, const char *buf, size_t len,
	const char *name, const struct ew_schema *schema, struct ew_err *e)
{
	struct ew_input *in = ew_input_open_mem(buf, len, name, schema);
	struct ew_record *r;
	int got;

	while ((got = ew_input_next(in, &r, e)) > 0)
		ew_rset_push(s, r);
	ew_input_close(in);
	return got < 0 ? -1 : 0;
}

static int
by_shard_order(const void *a, const void *b)
{
	return ew_record_cmp(*(const struct ew_record *const *)a,
		*(const struct ew_record *const *)b);
}

/* Sorts s by id; fails on an id that appears twice. */
static int
index_ids(struct ew_rset *s, const char *side, struct ew_err *e)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, ew_record_cmp_id);
	for (size_t i = 1; i < s->n; i++)
		if (strcmp(s->v[i - 1]->v[EW_C_ID], s->v[i]->v[EW_C_ID]) == 0)
			return ew_errf(e, "record %s appears twice in %s; the merge needs each id once (find the copies with 'grep -r %s reports/')",
				s->v[i]->v[EW_C_ID], side, s->v[i]->v[EW_C_ID]);
	return 0;
}

static void
add_conflict(struct ew_merge *m, const char *id, size_t col, const char *kept,
	const char *lost, const char *base, const char *kept_at,
	const char *lost_at, int added, int confidential)
{
	m->c = ew_xrealloc(m->c, (m->nc + 1) * sizeof *m->c);
	m->c[m->nc++] = (struct ew_conflict){
		.id = ew_xstrdup(id), .col = col, .kept = ew_xstrdup(kept),
		.lost = ew_xstrdup(lost), .base = ew_xstrdup(base),
		.kept_at = ew_xstrdup(kept_at), .lost_at = ew_xstrdup(lost_at),
		.added = added, .confidential = confidential,
	};
}

/* Merges one record present on both sides, field by field. */
static struct ew_record *
merge_fields(const struct ew_record *b, const struct ew_record *o,
	const struct ew_record *t, struct ew_merge *m)
{
	struct ew_record *r = ew_record_dup(o);
	const char *ou = o->v[EW_C_UPDATED_AT], *tu = t->v[EW_C_UPDATED_AT];
	int later = strcmp(ou, tu); /* > 0: ours is later */
	int secret = ew_record_confidential(b) || ew_record_confidential(o) ||
		ew_record_confidential(t);

	for (size_t c = 0; c < o->n; c++) {
		const char *ov = o->v[c], *tv = t->v[c];
		const char *bv = b && c < b->n ? b->v[c] : "";
		if (strcmp(ov, tv) == 0)
			continue;
		if (b && strcmp(ov, bv) == 0) {
			ew_record_set(r, c, tv);
			continue;
		}
		if (b && strcmp(tv, bv) == 0)
			continue;
		if (c == EW_C_UPDATED_AT) {
			if (later < 0)
				ew_record_set(r, c, tv);
			continue;
		}
		int ours_wins = later ? later > 0 : strcmp(ov, tv) > 0;
		const char *kept = ours_wins ? ov : tv, *lost = ours_wins ? tv : ov;
		add_conflict(m, o->v[EW_C_ID], c, kept, lost, bv,
			ours_wins ? ou : tu, ours_wins ? tu : ou, b == NULL, secret);
		ew_record_set(r, c, kept);
	}
	return r;
}

/* The record of set s with id, moving *i past it; NULL when s lacks it. */
static struct ew_record *
take_id(struct ew_rset *s, size_t *i, const char *id)
{
	if (*i < s->n && strcmp(s->v[*i]->v[EW_C_ID], id) == 0)
		return s->v[(*i)++];
	return NULL;
}

/* The smallest id at the heads of the three sets, or NULL at the end. */
static const char *
next_id(struct ew_rset *const sets[3], const size_t at[3])
{
	const char *min = NULL;
	for (int k = 0; k < 3; k++)
		if (at[k] < sets[k]->n) {
			const char *id = sets[k]->v[at[k]]->v[EW_C_ID];
			if (!min || strcmp(id, min) < 0)
				min = id;
		}
	return min;
}

int
ew_merge_records(const struct ew_schema *s, struct ew_rset *base,
	struct ew_rset *ours, struct ew_rset *theirs, struct ew_merge *m,
	struct ew_err *e)
{
	struct ew_rset *const sets[3] = {base, ours, theirs};
	static const char *const names[3] = {N_("the common ancestor"), N_("ours"),
		N_("theirs")};
	size_t at[3] = {0, 0, 0};
	const char *id;

	memset(m, 0, sizeof *m);
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < sets[k]->n; i++)
			if (sets[k]->v[i]->n != s->n)
				return ew_errf(e, "record %s in %s does not have the schema's %zu columns",
					sets[k]->v[i]->v[EW_C_ID], _(names[k]), s->n);
		if (index_ids(sets[k], _(names[k]), e) < 0)
			return -1;
	}
	while ((id = next_id(sets, at)) != NULL) {
		char *key = ew_xstrdup(id);
		struct ew_record *b = take_id(base, &at[0], key);
		struct ew_record *o = take_id(ours, &at[1], key);
		struct ew_record *t = take_id(theirs, &at[2], key);
		struct ew_record *r = NULL;

		if (o && t)
			r = ew_record_equal(o, t) ? ew_record_dup(o) : merge_fields(b, o, t, m);
		else if (o && !(b && ew_record_equal(o, b)))
			r = ew_record_dup(o); /* added, or changed here and removed there */
		else if (t && !(b && ew_record_equal(t, b)))
			r = ew_record_dup(t);
		if (b && !(o && t) && r)
			ew_strv_push(&m->orphans, ew_xstrdup(key));
		if (r) {
			if (!o || !ew_record_equal(r, o))
				ew_strv_push(&m->received, ew_xstrdup(key));
			if (!t || !ew_record_equal(r, t))
				ew_strv_push(&m->sent, ew_xstrdup(key));
			ew_rset_push(&m->out, r);
		}
		free(key);
	}
	if (m->out.n > 1)
		qsort(m->out.v, m->out.n, sizeof *m->out.v, by_shard_order);
	return 0;
}

void
ew_conflict_free(struct ew_conflict *c)
{
	free(c->id);
	free(c->kept);
	free(c->lost);
	free(c->base);
	free(c->kept_at);
	free(c->lost_at);
}

void
ew_merge_free(struct ew_merge *m)
{
	ew_rset_free(&m->out);
	for (size_t i = 0; i < m->nc; i++)
		ew_conflict_free(&m->c[i]);
	free(m->c);
	ew_strv_free(&m->received);
	ew_strv_free(&m->sent);
	ew_strv_free(&m->orphans);
	memset(m, 0, sizeof *m);
}

int
ew_is_alert_log(const char *buf, size_t len)
{
	struct ew_buf h = {0};
	for (int c = 0; c < EW_A_NCOLS; c++) {
		if (c)
			ew_buf_addc(&h, ',');
		ew_buf_adds(&h, ew_alert_columns[c]);
	}
	int is = len >= h.len && memcmp(buf, h.s, h.len) == 0 &&
		(len == h.len || buf[h.len] == '\n' || buf[h.len] == '\r');
	ew_buf_free(&h);
	return is;
}


/* The row ids of log, sorted, for has_id. The caller frees the array. */
static const char **
row_ids(const struct ew_alog *log)
{
	const char **ids = ew_xcalloc(log->n + 1, sizeof *ids);
	for (size_t i = 0; i < log->n; i++)
		ids[i] = log->v[i].v[EW_A_ID];
	if (log->n > 1)
		qsort(ids, log->n, sizeof *ids, ew_str_cmp);
	return ids;
}

static int
has_id(const char **ids, size_t n, const char *id)
{
	return bsearch(&id, ids, n, sizeof *ids, ew_str_cmp) != NULL;
}

static int
row_cmp(const struct ew_arow *x, const struct ew_arow *y)
{
	for (int c = 0; c < EW_A_NCOLS; c++) {
		int d = strcmp(x->v[c], y->v[c]);
		if (d)
			return d;
	}
	return 0;
}

static int
by_time_id(const void *a, const void *b)
{
	const struct ew_arow *x = *(const struct ew_arow *const *)a;
	const struct ew_arow *y = *(const struct ew_arow *const *)b;
	int c = strcmp(x->v[EW_A_TIME], y->v[EW_A_TIME]);
	return c ? c : strcmp(x->v[EW_A_ID], y->v[EW_A_ID]);
}

int
ew_merge_alerts(const char *base, size_t blen, const char *ours, size_t olen,
	const char *theirs, size_t tlen, struct ew_buf *out, struct ew_err *e)
{
	struct ew_alog b, o, t, res;
	const struct ew_arow **added = NULL;
	const char **bids = NULL, **oids = NULL;
	size_t nadded = 0;
	int rc = -1;

	memset(&res, 0, sizeof res);
	if (ew_alog_parse(&b, base, blen, _("alerts.csv (common ancestor)"), e) < 0)
		return -1;
	if (ew_alog_parse(&o, ours, olen, _("alerts.csv (ours)"), e) < 0) {
		ew_alog_free(&b);
		return -1;
	}
	if (ew_alog_parse(&t, theirs, tlen, _("alerts.csv (theirs)"), e) < 0)
		goto out;
	/* every row of base, in its order; then what either side added */
	bids = row_ids(&b);
	oids = row_ids(&o);
	added = ew_xcalloc(o.n + t.n + 1, sizeof *added);
	for (size_t i = 0; i < o.n; i++)
		if (!has_id(bids, b.n, o.v[i].v[EW_A_ID]))
			added[nadded++] = &o.v[i];
	for (size_t i = 0; i < t.n; i++) {
		if (has_id(bids, b.n, t.v[i].v[EW_A_ID]))
			continue;
		if (!has_id(oids, o.n, t.v[i].v[EW_A_ID])) {
			added[nadded++] = &t.v[i];
			continue;
		}
		/* a row both sides added under one id: the same row, or else
		 * the greater, whichever side is ours */
		for (size_t k = 0; k < nadded; k++)
			if (strcmp(added[k]->v[EW_A_ID], t.v[i].v[EW_A_ID]) == 0 &&
			    row_cmp(&t.v[i], added[k]) > 0)
				added[k] = &t.v[i];
	}
	if (nadded > 1)
		qsort(added, nadded, sizeof *added, by_time_id);
	res = b;
	memset(&b, 0, sizeof b);
	for (size_t i = 0; i < nadded; i++) {
		struct ew_arow *r;
		if (res.n == res.cap) {
			res.cap = res.cap ? res.cap * 2 : 64;
			res.v = ew_xrealloc(res.v, res.cap * sizeof *res.v);
		}
		r = &res.v[res.n++];
		for (int c = 0; c < EW_A_NCOLS; c++)
			r->v[c] = ew_xstrdup(added[i]->v[c]);
	}
	ew_alog_format(&res, out);
	rc = 0;
out:
	free(added);
	free(bids);
	free(oids);
	ew_alog_free(&res);
	ew_alog_free(&t);
	ew_alog_free(&o);
	ew_alog_free(&b);
	return rc;
}
