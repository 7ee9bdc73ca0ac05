/*
 * fuzz-merge - the record-level three-way merge (merge.h).
 *
 * The input is a flags byte, then the shards BASE, OURS and THEIRS
 * separated by NUL bytes (which a shard cannot hold: the reader refuses
 * them). Flags: bit 0 puts a short header row,
 * "id,event_date,updated_at,severity,status,description", before each
 * shard, so that inputs can be rows only; bit 1 adds the extra column
 * village_code to the schema (and to that header).
 *
 * When the three shards read and the merge succeeds (it fails only on an
 * id that appears twice in one shard):
 * - the merged records are in shard order, (event_date, id), each id
 *   once; written as ew writes a shard, they read back as the same
 *   records, and ew merge and the store write the same bytes;
 * - every id of OURS and of THEIRS is there, except one that a side took
 *   out while the other left it as it was in BASE; no other id is there;
 * - each value of a merged record is the value of one side; a conflict
 *   names a merged record, keeps its value, and lost another;
 * - swapping OURS and THEIRS gives the same bytes and the same conflicts;
 * - merging THEIRS into OURS when BASE is OURS gives THEIRS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "merge.h"
#include "record.h"
#include "store.h"
#include "util.h"

static const char *const sides[3] = {"BASE", "OURS", "THEIRS"};

/* The shard's bytes as ew merge writes them. */
static void
shard_bytes(const struct ew_schema *s, const struct ew_rset *set,
	struct ew_buf *out)
{
	ew_schema_csv_header(s, NULL, 0, out);
	for (size_t i = 0; i < set->n; i++)
		ew_record_csv(set->v[i], NULL, 0, out);
}

/* The record of set (sorted by id) with id, or NULL. */
static const struct ew_record *
find(const struct ew_rset *set, const char *id)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(set->v[mid]->v[EW_C_ID], id);
		if (c == 0)
			return set->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
sort_by_id(struct ew_rset *set)
{
	if (set->n > 1)
		qsort(set->v, set->n, sizeof *set->v, ew_record_cmp_id);
}

/* 1 when the merge keeps the record with id that side one holds. */
static int
kept(const struct ew_rset *base, const struct ew_rset *one,
	const struct ew_rset *other, const char *id)
{
	const struct ew_record *b = find(base, id), *r = find(one, id);
	return !(b && !find(other, id) && ew_record_equal(r, b));
}

static void
check_ids(struct ew_rset *base, struct ew_rset *ours, struct ew_rset *theirs,
	const struct ew_merge *m)
{
	struct ew_rset byid = {0};

	sort_by_id(base);
	sort_by_id(ours);
	sort_by_id(theirs);
	/* the merged records, borrowed, by id */
	byid.n = byid.cap = m->out.n;
	byid.v = ew_xcalloc(byid.n + 1, sizeof *byid.v);
	if (byid.n)
		memcpy(byid.v, m->out.v, byid.n * sizeof *byid.v);
	sort_by_id(&byid);
	for (size_t i = 1; i < byid.n; i++)
		FUZZ_ASSERT(strcmp(byid.v[i - 1]->v[EW_C_ID], byid.v[i]->v[EW_C_ID]) != 0,
			"id '%s' is twice in the merge", byid.v[i]->v[EW_C_ID]);

	for (int k = 0; k < 2; k++) {
		const struct ew_rset *one = k ? theirs : ours, *other = k ? ours : theirs;
		for (size_t i = 0; i < one->n; i++) {
			const char *id = one->v[i]->v[EW_C_ID];
			int want = kept(base, one, other, id);
			FUZZ_ASSERT(!!find(&byid, id) == want,
				"id '%s' of %s is %s the merge", id, sides[1 + k],
				want ? "missing from" : "still in");
		}
	}
	for (size_t i = 0; i < byid.n; i++) {
		const struct ew_record *r = byid.v[i];
		const struct ew_record *o = find(ours, r->v[EW_C_ID]);
		const struct ew_record *t = find(theirs, r->v[EW_C_ID]);
		FUZZ_ASSERT(o || t, "id '%s' is in the merge but on neither side",
			r->v[EW_C_ID]);
		for (size_t c = 0; c < r->n; c++)
			FUZZ_ASSERT((o && strcmp(r->v[c], o->v[c]) == 0) ||
				(t && strcmp(r->v[c], t->v[c]) == 0),
				"record '%s': value %zu '%s' comes from neither side",
				r->v[EW_C_ID], c, r->v[c]);
	}
	for (size_t i = 0; i < m->nc; i++) {
		const struct ew_conflict *c = &m->c[i];
		const struct ew_record *r = find(&byid, c->id);
		FUZZ_ASSERT(r, "conflict on id '%s', which is not merged", c->id);
		FUZZ_ASSERT(c->col < r->n && c->col != EW_C_ID &&
			c->col != EW_C_UPDATED_AT,
			"conflict on column %zu of '%s'", c->col, c->id);
		FUZZ_ASSERT(strcmp(r->v[c->col], c->kept) == 0 &&
			strcmp(c->kept, c->lost) != 0,
			"conflict on '%s': kept '%s', lost '%s', merged '%s'", c->id,
			c->kept, c->lost, r->v[c->col]);
	}
	free(byid.v);
}

static void
same_conflicts(const struct ew_merge *x, const struct ew_merge *y)
{
	FUZZ_ASSERT(x->nc == y->nc, "%zu conflicts, swapped %zu", x->nc, y->nc);
	for (size_t i = 0; i < x->nc; i++) {
		const struct ew_conflict *a = &x->c[i], *b = &y->c[i];
		FUZZ_ASSERT(strcmp(a->id, b->id) == 0 && a->col == b->col &&
			strcmp(a->kept, b->kept) == 0 && strcmp(a->lost, b->lost) == 0 &&
			strcmp(a->base, b->base) == 0 &&
			strcmp(a->kept_at, b->kept_at) == 0 &&
			strcmp(a->lost_at, b->lost_at) == 0 && a->added == b->added,
			"conflict %zu on '%s' differs once swapped", i, a->id);
	}
}

static void
check_merge(const struct ew_schema *s, struct ew_rset *sets,
	const struct ew_merge *m, const char *part1, size_t len1)
{
	struct ew_buf out = {0}, again = {0};
	struct ew_rset back = {0};
	struct ew_merge sw, same;
	struct ew_err e;

	for (size_t i = 1; i < m->out.n; i++)
		FUZZ_ASSERT(ew_record_cmp(m->out.v[i - 1], m->out.v[i]) < 0,
			"records %zu and %zu out of shard order", i - 1, i);

	shard_bytes(s, &m->out, &out);
	FUZZ_ASSERT(ew_rset_parse(&back, out.s, out.len, "merged", s, &e) == 0,
		"the merged shard does not read: %s", e.msg);
	FUZZ_ASSERT(back.n == m->out.n, "%zu merged records read back as %zu",
		m->out.n, back.n);
	for (size_t i = 0; i < back.n; i++)
		FUZZ_ASSERT(ew_record_equal(back.v[i], m->out.v[i]),
			"merged record '%s' reads back changed", m->out.v[i]->v[EW_C_ID]);
	ew_rset_free(&back);

	/* the store writes the same bytes */
	struct ew_shard sh = {.recs = m->out.v, .n = m->out.n};
	size_t len;
	char *st = ew_shard_format(&sh, s, &len);
	FUZZ_ASSERT(len == out.len && memcmp(st, out.s, len) == 0,
		"ew_shard_format and ew merge write different bytes");
	free(st);

	/* swapped */
	FUZZ_ASSERT(ew_merge_records(s, &sets[0], &sets[2], &sets[1], &sw, &e) == 0,
		"the swapped merge fails: %s", e.msg);
	shard_bytes(s, &sw.out, &again);
	FUZZ_ASSERT(again.len == out.len && memcmp(again.s, out.s, out.len) == 0,
		"swapping OURS and THEIRS changes the merge");
	same_conflicts(m, &sw);
	ew_merge_free(&sw);
	ew_buf_free(&again);

	/* from OURS to THEIRS */
	struct ew_rset base = {0};
	FUZZ_ASSERT(ew_rset_parse(&base, part1, len1, sides[1], s, &e) == 0,
		"OURS reads once but not twice: %s", e.msg);
	FUZZ_ASSERT(ew_merge_records(s, &base, &sets[1], &sets[2], &same, &e) == 0,
		"merging with OURS as BASE fails: %s", e.msg);
	FUZZ_ASSERT(same.nc == 0, "%zu conflicts when BASE is OURS", same.nc);
	struct ew_shard tsh = {.recs = sets[2].v, .n = sets[2].n};
	char *want = ew_shard_format(&tsh, s, &len);
	shard_bytes(s, &same.out, &again);
	FUZZ_ASSERT(again.len == len && memcmp(again.s, want, len) == 0,
		"with OURS as BASE, the merge is not THEIRS");
	free(want);
	ew_buf_free(&again);
	ew_merge_free(&same);
	ew_rset_free(&base);

	check_ids(&sets[0], &sets[1], &sets[2], m);
	ew_buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int flags = data[0];
	const struct ew_schema *s = fuzz_schema(flags & 2);
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	struct ew_buf part[3] = {{0}};
	struct ew_rset sets[3] = {{0}};
	struct ew_merge m;
	struct ew_err e;
	int ok = 1;

	for (int k = 0; k < 3; k++) {
		const char *nul = k < 2 ? memchr(p, '\0', (size_t)(end - p)) : NULL;
		const char *stop = nul ? nul : end;
		if (flags & 1)
			ew_buf_adds(&part[k], flags & 2
				? "id,event_date,updated_at,severity,status,description,village_code\n"
				: "id,event_date,updated_at,severity,status,description\n");
		ew_buf_add(&part[k], p, (size_t)(stop - p));
		p = nul ? nul + 1 : end;
	}
	for (int k = 0; ok && k < 3; k++)
		ok = ew_rset_parse(&sets[k], part[k].s ? part[k].s : "", part[k].len,
			sides[k], s, &e) == 0;
	if (ok) {
		if (ew_merge_records(s, &sets[0], &sets[1], &sets[2], &m, &e) == 0)
			check_merge(s, sets, &m, part[1].s ? part[1].s : "", part[1].len);
		else
			FUZZ_ASSERT(strstr(e.msg, "appears twice"), "the merge fails: %s", e.msg);
		ew_merge_free(&m);
	}
	for (int k = 0; k < 3; k++) {
		ew_rset_free(&sets[k]);
		ew_buf_free(&part[k]);
	}
	return 0;
}
