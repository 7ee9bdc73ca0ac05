/* test-merge.c - merge.h: properties of ew_merge_records over generated
 * three-way cases, its errors, and ew_merge_alerts */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "unit.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* The cases' generator (unit_rnd): every run sees the same cases. */
static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(unsigned n)
{
	return unit_rnd(&rng, n);
}

/* 1 with probability pct/100. */
static int
chance(unsigned pct)
{
	return rnd(100) < pct;
}

/* ------------------------------------------------------------------ */
/* The cases. Each id of a small pool is absent or present in base, ours
 * and theirs; values come from small sets, so that sides often agree, tie
 * on updated_at, or change a field to the same value. */

#define NCASES 2000
#define NPOOL 14

static struct ew_schema schema;
static int extra_col; /* village_code, an extra column */

static const char *const dates[] = {"2026-11-01", "2026-11-02", "2026-11-03",
	"2026-10-30"};
static const char *const base_times[] = {"2026-11-01T08:00:00Z",
	"2026-11-01T09:00:00Z", "2026-11-02T10:00:00Z"};
/* what an edit sets updated_at to: later than every base time */
static const char *const edit_times[] = {"2026-11-05T10:00:00Z",
	"2026-11-05T11:00:00Z", "2026-11-06T09:30:00Z"};

struct editable {
	int col;
	const char *const *vals;
	size_t n;
};

static const char *const sev[] = {"", "1", "2", "3", "5"};
static const char *const killed[] = {"0", "1", "9", "10"};
static const char *const status[] = {"new", "verified", "closed", "false"};
static const char *const desc[] = {"", "a", "b", "attack, at dawn",
	"two\nlines", "\"quoted\"", "Ségou"};
static const char *const cercle[] = {"Niono", "San", "Bla"};
static const char *const village[] = {"", "NI-1", "NI-2"};
static struct editable editable[] = {
	{EW_C_EVENT_DATE, dates, 4},
	{EW_C_SEVERITY, sev, 5},
	{EW_C_KILLED, killed, 4},
	{EW_C_STATUS, status, 4},
	{EW_C_DESCRIPTION, desc, 7},
	{EW_C_CERCLE, cercle, 3},
	{-1, village, 3}, /* the extra column: its index is set at run time */
};
#define NEDIT (sizeof editable / sizeof editable[0])

static const char *
pick(const char *const *v, size_t n)
{
	return v[rnd((unsigned)n)];
}

static char pool[NPOOL][27];

/* The ids: distinct, and their order is not the order of k. */
static void
make_pool(void)
{
	static const char crock[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	for (int k = 0; k < NPOOL; k++) {
		memcpy(pool[k], "01JQ", 4);
		pool[k][4] = crock[(k * 13 + 3) % 32];
		for (int i = 5; i < 26; i++)
			pool[k][i] = crock[(k + i) % 32];
		pool[k][26] = '\0';
	}
}

static struct ew_record *
random_record(int k, const char *const *times, size_t ntimes)
{
	struct ew_record *r = ew_record_new(&schema);
	ew_record_set(r, EW_C_ID, pool[k]);
	ew_record_set(r, EW_C_DATE_PRECISION, "1");
	ew_record_set(r, EW_C_REPORTED_AT, "2026-11-01T08:00:00Z");
	ew_record_set(r, EW_C_UPDATED_AT, pick(times, ntimes));
	ew_record_set(r, EW_C_CATEGORY, "attack");
	for (size_t f = 0; f < NEDIT; f++)
		ew_record_set(r, (size_t)editable[f].col,
			pick(editable[f].vals, editable[f].n));
	return r;
}

/* A side's version of base record b: unchanged, edited or removed. */
static struct ew_record *
derive(const struct ew_record *b)
{
	if (chance(12))
		return NULL; /* removed (moved to another file, say) */
	struct ew_record *r = ew_record_dup(b);
	if (chance(55)) {
		int nf = 1 + (int)rnd(3);
		for (int i = 0; i < nf; i++) {
			const struct editable *ed = &editable[rnd(NEDIT)];
			ew_record_set(r, (size_t)ed->col, pick(ed->vals, ed->n));
		}
		/* an edit moves updated_at on, but not always (a hand edit) */
		if (!chance(10))
			ew_record_set(r, EW_C_UPDATED_AT, pick(edit_times, 3));
	}
	return r;
}

struct tcase {
	struct ew_record *b[NPOOL], *o[NPOOL], *t[NPOOL];
};

static void
make_case(struct tcase *c)
{
	memset(c, 0, sizeof *c);
	for (int k = 0; k < NPOOL; k++) {
		if (chance(50)) {
			c->b[k] = random_record(k, base_times, 3);
			c->o[k] = derive(c->b[k]);
			c->t[k] = derive(c->b[k]);
			continue;
		}
		/* not in base: added on one side, both sides or none */
		if (chance(25))
			c->o[k] = random_record(k, edit_times, 3);
		if (chance(25))
			c->t[k] = c->o[k] && chance(30) ? ew_record_dup(c->o[k])
				: random_record(k, edit_times, 3);
	}
}

static void
free_case(struct tcase *c)
{
	for (int k = 0; k < NPOOL; k++) {
		ew_record_free(c->b[k]);
		ew_record_free(c->o[k]);
		ew_record_free(c->t[k]);
	}
}

/* A set of copies of the present records of side, in a random order. */
static void
make_set(struct ew_rset *s, struct ew_record *const side[NPOOL])
{
	int order[NPOOL];
	memset(s, 0, sizeof *s);
	for (int k = 0; k < NPOOL; k++)
		order[k] = k;
	for (int k = NPOOL - 1; k > 0; k--) {
		int j = (int)rnd((unsigned)k + 1), x = order[k];
		order[k] = order[j];
		order[j] = x;
	}
	for (int k = 0; k < NPOOL; k++)
		if (side[order[k]])
			ew_rset_push(s, ew_record_dup(side[order[k]]));
}

static int
same_record(const struct ew_record *a, const struct ew_record *b)
{
	if (!a || !b)
		return a == b;
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

static int
pool_index(const char *id)
{
	for (int k = 0; k < NPOOL; k++)
		if (strcmp(pool[k], id) == 0)
			return k;
	return -1;
}

static int
strv_has(const struct ew_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return 1;
	return 0;
}

/* The conflicts of m on (id, col): how many, and the first in *c. */
static int
conflicts_on(const struct ew_merge *m, const char *id, size_t col,
	const struct ew_conflict **c)
{
	int n = 0;
	*c = NULL;
	for (size_t i = 0; i < m->nc; i++)
		if (m->c[i].col == col && strcmp(m->c[i].id, id) == 0) {
			if (!n)
				*c = &m->c[i];
			n++;
		}
	return n;
}

static int
same_conflict(const struct ew_conflict *a, const struct ew_conflict *b)
{
	return a->col == b->col && a->added == b->added &&
		strcmp(a->id, b->id) == 0 && strcmp(a->kept, b->kept) == 0 &&
		strcmp(a->lost, b->lost) == 0 && strcmp(a->base, b->base) == 0 &&
		strcmp(a->kept_at, b->kept_at) == 0 &&
		strcmp(a->lost_at, b->lost_at) == 0;
}

/* ------------------------------------------------------------------ */
/* The properties: each counts its failures and keeps the first. */

enum { P_OK, P_SYMMETRIC, P_SYM_CONFLICTS, P_SYM_SETS, P_IDS, P_SORTED,
	P_ONE_SIDE, P_FIELDS, P_UPDATED_AT, P_KEPT_IN_RESULT, P_KEPT_RULE,
	P_NO_LOSS, P_ONLY_REAL_CONFLICTS, P_RECEIVED, P_ORPHANS, P_INPUTS,
	NPROPS };

static const char *const prop_name[NPROPS] = {
	"every case merges without an error",
	"symmetric: swapping ours and theirs gives the same records in the same order",
	"symmetric: the same set of conflicts, kept and lost equal",
	"symmetric: received and sent swap, orphans are the same",
	"every id of ours and theirs not removed-and-unchanged is in the result exactly once, and no other",
	"the result is sorted by (event_date, id), each key once",
	"a record on one side only is taken as it is; identical sides are taken as they are",
	"a field changed on one side takes that change; one changed on both to different values gives one conflict",
	"updated_at is the later of the two sides'",
	"every conflict's kept value is the value in the result",
	"a conflict keeps the value of the later updated_at, on a tie the greater in byte order",
	"no change is lost: each side's change is in the result or is a conflict's lost value",
	"every conflict is a field both sides changed to different values, with the right base, times and added flag",
	"received and sent list the ids whose merged record differs from ours and from theirs",
	"orphans are the ids removed on one side and changed on the other",
	"the input sets hold the same records after the merge",
};

static long fails[NPROPS], checks[NPROPS];
static char first[NPROPS][768];

static void
prop(int p, int ok, int ncase, const char *fmt, ...)
{
	checks[p]++;
	if (ok)
		return;
	if (fails[p]++ == 0) {
		va_list ap;
		int n = snprintf(first[p], sizeof first[p], "case %d: ", ncase);
		va_start(ap, fmt);
		vsnprintf(first[p] + n, sizeof first[p] - (size_t)n, fmt, ap);
		va_end(ap);
	}
}

static const char *
colname(size_t c)
{
	return c < schema.n ? schema.cols[c].name : "?";
}

/* Checks one merge m of (b, o, t) against the model. */
static void
check_merge(int n, const struct tcase *c, struct ew_record *const o[NPOOL],
	struct ew_record *const t[NPOOL], const struct ew_merge *m)
{
	int count[NPOOL] = {0};
	const struct ew_record *res[NPOOL] = {0};

	for (size_t i = 0; i < m->out.n; i++) {
		const struct ew_record *r = m->out.v[i];
		int k = pool_index(r->v[EW_C_ID]);
		prop(P_IDS, k >= 0, n, "unknown id %s in the result", r->v[EW_C_ID]);
		if (k < 0)
			continue;
		count[k]++;
		res[k] = r;
		if (i > 0)
			prop(P_SORTED, ew_record_cmp(m->out.v[i - 1], r) < 0, n,
				"%s (%s) after %s (%s)", r->v[EW_C_ID], r->v[EW_C_EVENT_DATE],
				m->out.v[i - 1]->v[EW_C_ID], m->out.v[i - 1]->v[EW_C_EVENT_DATE]);
	}
	for (int k = 0; k < NPOOL; k++) {
		const struct ew_record *b = c->b[k], *ok = o[k], *tk = t[k];
		int want;
		if (ok && tk)
			want = 1;
		else if (ok)
			want = !b || !same_record(ok, b);
		else if (tk)
			want = !b || !same_record(tk, b);
		else
			want = 0;
		prop(P_IDS, count[k] == want, n, "id %s is %d times in the result, expected %d (base %s, ours %s, theirs %s)",
			pool[k], count[k], want, b ? "yes" : "no", ok ? "yes" : "no", tk ? "yes" : "no");
		int orphan = b && !!ok != !!tk && !same_record(ok ? ok : tk, b);
		prop(P_ORPHANS, strv_has(&m->orphans, pool[k]) == orphan, n,
			"id %s in orphans: %d, expected %d", pool[k],
			strv_has(&m->orphans, pool[k]), orphan);
		const struct ew_record *r = res[k];
		if (!r || count[k] != 1)
			continue;
		prop(P_RECEIVED, strv_has(&m->received, pool[k]) == !same_record(r, ok), n,
			"id %s: in received %d, differs from ours %d", pool[k],
			strv_has(&m->received, pool[k]), !same_record(r, ok));
		prop(P_RECEIVED, strv_has(&m->sent, pool[k]) == !same_record(r, tk), n,
			"id %s: in sent %d, differs from theirs %d", pool[k],
			strv_has(&m->sent, pool[k]), !same_record(r, tk));
		if (!ok || !tk || same_record(ok, tk)) {
			prop(P_ONE_SIDE, same_record(r, ok ? ok : tk), n,
				"id %s is not the record of the side that has it", pool[k]);
			for (size_t col = 0; col < schema.n; col++) {
				const struct ew_conflict *x;
				prop(P_ONLY_REAL_CONFLICTS, conflicts_on(m, pool[k], col, &x) == 0, n,
					"id %s: a conflict on %s though only one version exists", pool[k], colname(col));
			}
			continue;
		}
		const char *ou = ok->v[EW_C_UPDATED_AT], *tu = tk->v[EW_C_UPDATED_AT];
		const char *later_u = strcmp(ou, tu) >= 0 ? ou : tu;
		prop(P_UPDATED_AT, strcmp(r->v[EW_C_UPDATED_AT], later_u) == 0, n,
			"id %s: updated_at %s, ours %s, theirs %s", pool[k],
			r->v[EW_C_UPDATED_AT], ou, tu);
		for (size_t col = 0; col < schema.n; col++) {
			if (col == EW_C_UPDATED_AT)
				continue;
			const char *ov = ok->v[col], *tv = tk->v[col], *rv = r->v[col];
			const char *bv = b ? b->v[col] : NULL;
			int ochg = !b || strcmp(ov, bv) != 0, tchg = !b || strcmp(tv, bv) != 0;
			const struct ew_conflict *x;
			int nx = conflicts_on(m, pool[k], col, &x);
			/* no change lost, said without the merge's rules */
			if (ochg)
				prop(P_NO_LOSS, strcmp(rv, ov) == 0 || (x && strcmp(x->lost, ov) == 0), n,
					"id %s %s: ours changed it to '%s', result '%s', no conflict lost it",
					pool[k], colname(col), ov, rv);
			if (tchg)
				prop(P_NO_LOSS, strcmp(rv, tv) == 0 || (x && strcmp(x->lost, tv) == 0), n,
					"id %s %s: theirs changed it to '%s', result '%s', no conflict lost it",
					pool[k], colname(col), tv, rv);
			if (strcmp(ov, tv) == 0 || !ochg || !tchg) {
				const char *expect = strcmp(ov, tv) == 0 ? ov : !ochg ? tv : ov;
				prop(P_FIELDS, strcmp(rv, expect) == 0 && nx == 0, n,
					"id %s %s: base '%s' ours '%s' theirs '%s': result '%s' (expected '%s'), %d conflicts",
					pool[k], colname(col), bv ? bv : "(none)", ov, tv, rv, expect, nx);
				continue;
			}
			prop(P_FIELDS, nx == 1, n, "id %s %s: base '%s' ours '%s' theirs '%s': %d conflicts, expected 1",
				pool[k], colname(col), bv ? bv : "(none)", ov, tv, nx);
			if (!x)
				continue;
			int ours_wins = strcmp(ou, tu) ? strcmp(ou, tu) > 0 : strcmp(ov, tv) > 0;
			prop(P_KEPT_RULE, strcmp(x->kept, ours_wins ? ov : tv) == 0 &&
				strcmp(x->lost, ours_wins ? tv : ov) == 0, n,
				"id %s %s: ours '%s' at %s, theirs '%s' at %s: kept '%s' lost '%s'",
				pool[k], colname(col), ov, ou, tv, tu, x->kept, x->lost);
			prop(P_ONLY_REAL_CONFLICTS,
				strcmp(x->kept_at, ours_wins ? ou : tu) == 0 &&
				strcmp(x->lost_at, ours_wins ? tu : ou) == 0 &&
				strcmp(x->base, bv ? bv : "") == 0 && x->added == !b, n,
				"id %s %s: kept_at %s lost_at %s base '%s' added %d", pool[k],
				colname(col), x->kept_at, x->lost_at, x->base, x->added);
		}
	}
	for (size_t i = 0; i < m->nc; i++) {
		const struct ew_conflict *x = &m->c[i];
		int k = pool_index(x->id);
		const struct ew_record *r = k >= 0 ? res[k] : NULL;
		prop(P_KEPT_IN_RESULT, r && x->col < r->n && strcmp(r->v[x->col], x->kept) == 0, n,
			"conflict on %s %s keeps '%s', the result has '%s'", x->id,
			colname(x->col), x->kept, r && x->col < r->n ? r->v[x->col] : "(no record)");
		prop(P_ONLY_REAL_CONFLICTS, x->col != EW_C_UPDATED_AT && strcmp(x->kept, x->lost) != 0, n,
			"conflict on %s %s: kept '%s' lost '%s'", x->id, colname(x->col), x->kept, x->lost);
	}
}

/* The sets hold exactly the model's records of side (in any order). */
static int
set_is(const struct ew_rset *s, struct ew_record *const side[NPOOL])
{
	size_t want = 0;
	for (int k = 0; k < NPOOL; k++)
		want += side[k] != NULL;
	if (s->n != want)
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		int k = pool_index(s->v[i]->v[EW_C_ID]);
		if (k < 0 || !same_record(s->v[i], side[k]))
			return 0;
	}
	return 1;
}

static int
same_strset(const struct ew_strv *a, const struct ew_strv *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!strv_has(b, a->v[i]))
			return 0;
	return 1;
}

static void
test_properties(void)
{
	struct ew_err e = {{0}};
	long nconflicts = 0, norphans = 0, nrecords = 0, nadded_both = 0;

	make_pool();
	for (int n = 0; n < NCASES; n++) {
		struct tcase c;
		struct ew_rset b1, o1, t1, b2, o2, t2;
		struct ew_merge m1, m2;

		make_case(&c);
		make_set(&b1, c.b);
		make_set(&o1, c.o);
		make_set(&t1, c.t);
		make_set(&b2, c.b);
		make_set(&o2, c.o);
		make_set(&t2, c.t);
		int rc1 = ew_merge_records(&schema, &b1, &o1, &t1, &m1, &e);
		prop(P_OK, rc1 == 0, n, "ew_merge_records failed: %s", e.msg);
		int rc2 = ew_merge_records(&schema, &b2, &t2, &o2, &m2, &e);
		prop(P_OK, rc2 == 0, n, "ew_merge_records (swapped) failed: %s", e.msg);
		if (rc1 == 0 && rc2 == 0) {
			check_merge(n, &c, c.o, c.t, &m1);
			check_merge(n, &c, c.t, c.o, &m2);
			int same = m1.out.n == m2.out.n;
			for (size_t i = 0; same && i < m1.out.n; i++)
				same = same_record(m1.out.v[i], m2.out.v[i]);
			prop(P_SYMMETRIC, same, n, "%zu records, swapped %zu, or a record differs",
				m1.out.n, m2.out.n);
			int csame = m1.nc == m2.nc;
			for (size_t i = 0; csame && i < m1.nc; i++) {
				int found = 0;
				for (size_t j = 0; !found && j < m2.nc; j++)
					found = same_conflict(&m1.c[i], &m2.c[j]);
				csame = found;
			}
			prop(P_SYM_CONFLICTS, csame, n, "%zu conflicts, swapped %zu, or one differs", m1.nc, m2.nc);
			prop(P_SYM_SETS, same_strset(&m1.received, &m2.sent) &&
				same_strset(&m1.sent, &m2.received) &&
				same_strset(&m1.orphans, &m2.orphans), n,
				"received %zu/%zu sent %zu/%zu orphans %zu/%zu", m1.received.n,
				m2.sent.n, m1.sent.n, m2.received.n, m1.orphans.n, m2.orphans.n);
			prop(P_INPUTS, set_is(&b1, c.b) && set_is(&o1, c.o) && set_is(&t1, c.t) &&
				set_is(&b2, c.b) && set_is(&o2, c.o) && set_is(&t2, c.t), n,
				"an input set changed");
			nconflicts += (long)m1.nc;
			norphans += (long)m1.orphans.n;
			nrecords += (long)m1.out.n;
			for (size_t i = 0; i < m1.nc; i++)
				nadded_both += m1.c[i].added;
		}
		ew_merge_free(&m1);
		ew_merge_free(&m2);
		ew_rset_free(&b1);
		ew_rset_free(&o1);
		ew_rset_free(&t1);
		ew_rset_free(&b2);
		ew_rset_free(&o2);
		ew_rset_free(&t2);
		free_case(&c);
	}
	for (int p = 0; p < NPROPS; p++) {
		UNIT_CHECK(fails[p] == 0 && checks[p] > 0, "merge property: %s", prop_name[p]);
		if (fails[p])
			unit_diag("%ld of %ld checks failed; first: %s", fails[p], checks[p], first[p]);
	}
	/* the cases exercised what they are for */
	UNIT_CHECK(nconflicts - nadded_both > NCASES / 5 && nadded_both > NCASES / 5 &&
		norphans > NCASES / 4 && nrecords > NCASES * 5,
		"merge: the generated cases: %ld records, %ld conflicts (%ld of records added on both sides), %ld orphans",
		nrecords, nconflicts, nadded_both, norphans);
}

/* ------------------------------------------------------------------ */
/* Cases by hand */

static struct ew_record *
rec(const char *id, const char *date, const char *updated, const char *severity,
	const char *description)
{
	struct ew_record *r = ew_record_new(&schema);
	ew_record_set(r, EW_C_ID, id);
	ew_record_set(r, EW_C_EVENT_DATE, date);
	ew_record_set(r, EW_C_UPDATED_AT, updated);
	ew_record_set(r, EW_C_SEVERITY, severity);
	ew_record_set(r, EW_C_DESCRIPTION, description);
	return r;
}

#define ID1 "01JQ1111111111111111111111"
#define ID2 "01JQ2222222222222222222222"
#define ID3 "01JQ3333333333333333333333"
#define TB "2026-11-01T00:00:00Z"
#define TA "2026-11-02T00:00:00Z"
#define TC "2026-11-03T00:00:00Z"

static void
test_by_hand(void)
{
	struct ew_rset b = {0}, o = {0}, t = {0};
	struct ew_merge m;
	struct ew_err e = {{0}};

	/* one record: severity changed on both sides, description on one */
	ew_rset_push(&b, rec(ID1, "2026-11-20", TB, "3", "x"));
	ew_rset_push(&o, rec(ID1, "2026-11-20", TA, "4", "x"));
	ew_rset_push(&t, rec(ID1, "2026-11-20", TC, "5", "y"));
	/* added on ours only, dated before */
	ew_rset_push(&o, rec(ID3, "2026-11-02", TA, "", "new"));
	UNIT_LONG(ew_merge_records(&schema, &b, &o, &t, &m, &e), 0, "merge by hand: merges");
	UNIT_LONG(m.out.n, 2, "merge by hand: two records");
	if (m.out.n == 2) {
		UNIT_STR(m.out.v[0]->v[EW_C_ID], ID3, "merge by hand: the earlier event first");
		UNIT_STR(m.out.v[1]->v[EW_C_SEVERITY], "5", "merge by hand: the later severity");
		UNIT_STR(m.out.v[1]->v[EW_C_DESCRIPTION], "y", "merge by hand: theirs' description");
		UNIT_STR(m.out.v[1]->v[EW_C_UPDATED_AT], TC, "merge by hand: the later updated_at");
	}
	UNIT_LONG(m.nc, 1, "merge by hand: one conflict");
	if (m.nc == 1) {
		UNIT_STR(m.c[0].id, ID1, "merge by hand: conflict id");
		UNIT_LONG(m.c[0].col, EW_C_SEVERITY, "merge by hand: conflict field");
		UNIT_STR(m.c[0].kept, "5", "merge by hand: kept");
		UNIT_STR(m.c[0].lost, "4", "merge by hand: lost");
		UNIT_STR(m.c[0].base, "3", "merge by hand: base");
		UNIT_STR(m.c[0].kept_at, TC, "merge by hand: kept_at");
		UNIT_STR(m.c[0].lost_at, TA, "merge by hand: lost_at");
		UNIT_LONG(m.c[0].added, 0, "merge by hand: not added");
	}
	UNIT_LONG(m.orphans.n, 0, "merge by hand: no orphans");
	ew_merge_free(&m);
	ew_rset_free(&b);
	ew_rset_free(&o);
	ew_rset_free(&t);

	/* empty sets merge to nothing */
	UNIT_LONG(ew_merge_records(&schema, &b, &o, &t, &m, &e), 0, "merge of empty sets: merges");
	UNIT_LONG(m.out.n + m.nc + m.received.n + m.sent.n + m.orphans.n, 0, "merge of empty sets: nothing");
	ew_merge_free(&m);
}

static void
test_errors(void)
{
	static const char *const sides[3] = {"the common ancestor", "ours", "theirs"};
	struct ew_err e = {{0}};

	for (int k = 0; k < 3; k++) {
		struct ew_rset s[3] = {{0}, {0}, {0}};
		struct ew_merge m;
		for (int j = 0; j < 3; j++)
			ew_rset_push(&s[j], rec(ID1, "2026-11-20", TB, "3", "x"));
		ew_rset_push(&s[k], rec(ID2, "2026-11-21", TB, "", ""));
		ew_rset_push(&s[k], rec(ID2, "2026-11-22", TA, "2", "again"));
		memset(e.msg, 0, sizeof e.msg);
		UNIT_LONG(ew_merge_records(&schema, &s[0], &s[1], &s[2], &m, &e), -1,
			"merge: an id twice in %s is an error", sides[k]);
		char *want = ew_xasprintf("record %s appears twice in %s", ID2, sides[k]);
		UNIT_CHECK(strstr(e.msg, want) != NULL, "merge: the message names the id and %s", sides[k]);
		if (!strstr(e.msg, want))
			unit_diag("message: %s", e.msg);
		free(want);
		ew_merge_free(&m);
		for (int j = 0; j < 3; j++)
			ew_rset_free(&s[j]);
	}

	/* a record of another schema (fewer columns) */
	struct ew_schema small = {0};
	struct ew_rset b = {0}, o = {0}, t = {0};
	struct ew_merge m;
	ew_rset_push(&o, rec(ID1, "2026-11-20", TB, "3", "x"));
	UNIT_LONG(ew_schema_init(&small, NULL, &e), 0, "merge: the built-in schema");
	ew_rset_push(&t, ew_record_new(&small));
	ew_record_set(t.v[0], EW_C_ID, ID2);
	UNIT_LONG(ew_merge_records(&schema, &b, &o, &t, &m, &e), -1, "merge: a record without the schema's columns is an error");
	UNIT_CHECK(strstr(e.msg, ID2) && strstr(e.msg, "theirs"), "merge: its message names the record and side: %s", e.msg);
	ew_merge_free(&m);
	ew_rset_free(&o);
	ew_rset_free(&t);
	ew_schema_free(&small);
}

/* ew_rset_parse: a shard's bytes, and its errors with file:line. */
static void
test_parse(void)
{
	struct ew_buf f = {0};
	struct ew_rset s = {0};
	struct ew_err e = {{0}};
	struct ew_record *r = rec(ID1, "2026-11-20", TB, "3", "two\nlines, \"q\"");

	ew_record_set(r, (size_t)extra_col, "NI-1");
	ew_schema_csv_header(&schema, NULL, 0, &f);
	ew_record_csv(r, NULL, 0, &f);
	UNIT_LONG(ew_rset_parse(&s, f.s, f.len, "x.csv", &schema, &e), 0, "rset_parse: a shard parses");
	UNIT_LONG(s.n, 1, "rset_parse: one record");
	if (s.n == 1)
		UNIT_CHECK(same_record(s.v[0], r), "rset_parse: the record reads back as written");
	ew_rset_free(&s);
	ew_buf_adds(&f, ID2 ",2026-11-21\n");
	memset(e.msg, 0, sizeof e.msg);
	UNIT_LONG(ew_rset_parse(&s, f.s, f.len, "x.csv (THEIRS)", &schema, &e), -1, "rset_parse: a short row is an error");
	UNIT_CHECK(strncmp(e.msg, "x.csv (THEIRS):4: ", 18) == 0, "rset_parse: its message has file:line: %s", e.msg);
	ew_rset_free(&s);
	ew_record_free(r);
	ew_buf_free(&f);
}

/* ------------------------------------------------------------------ */
/* ew_merge_alerts */

#define AH "id,alert,rule,group,level,state,time,count,records,who,note,until,notify\n"
#define AROW(id, time, state, note) \
	id ",01JQAAAAAAAAAAAAAAAAAAAAAA,attacks-cercle,Niono,orange," state "," \
	time ",3,A;B,Awa," note ",,\n"
#define B1 AROW("01JQB1BBBBBBBBBBBBBBBBBBBB", "2026-11-27T11:00:00Z", "raised", "")
#define B2 AROW("01JQB2BBBBBBBBBBBBBBBBBBBB", "2026-11-27T08:00:00Z", "acknowledged", "\"on it, \"\"now\"\"\"")
#define O1 AROW("01JQO1OOOOOOOOOOOOOOOOOOOO", "2026-11-28T10:00:00Z", "resolved", "")
#define X1 AROW("01JQX0XXXXXXXXXXXXXXXXXXXX", "2026-11-28T09:00:00Z", "acknowledged", "both")
#define T1 AROW("01JQT1TTTTTTTTTTTTTTTTTTTT", "2026-11-28T07:00:00Z", "acknowledged", "\"two\nlines\"")
#define T2 AROW("01JQK2TTTTTTTTTTTTTTTTTTTT", "2026-11-28T10:00:00Z", "acknowledged", "")

/* Merges the logs both ways; the result of (base, a, b) in *out. */
static int
amerge(const char *base, const char *a, const char *b, struct ew_buf *out,
	struct ew_buf *swapped, struct ew_err *e)
{
	memset(out, 0, sizeof *out);
	memset(swapped, 0, sizeof *swapped);
	if (ew_merge_alerts(base, strlen(base), a, strlen(a), b, strlen(b), out, e) < 0)
		return -1;
	return ew_merge_alerts(base, strlen(base), b, strlen(b), a, strlen(a), swapped, e);
}

/* want NULL: any result with one row of each id, the same both ways. */
static void
alert_case(const char *name, const char *base, const char *a, const char *b,
	const char *want, size_t nrows)
{
	struct ew_buf out, sw;
	struct ew_err e = {{0}};

	UNIT_LONG(amerge(base, a, b, &out, &sw, &e), 0, "alerts, %s: merges", name);
	if (e.msg[0])
		unit_diag("%s", e.msg);
	if (want)
		UNIT_MEM(out.s, out.len, want, strlen(want), "alerts, %s: the log", name);
	size_t lines = 0;
	for (size_t i = 0; i < out.len; i++)
		lines += out.s[i] == '\n';
	if (!want)
		UNIT_LONG(lines, nrows + 1, "alerts, %s: the header and %zu rows", name, nrows);
	UNIT_MEM(sw.s, sw.len, out.s, out.len, "alerts, %s: the same with the sides swapped", name);
	ew_buf_free(&out);
	ew_buf_free(&sw);
}

static void
test_alerts(void)
{
	alert_case("union",
		AH B1 B2,
		AH B1 B2 O1 X1,
		AH B1 B2 X1 T1 T2,
		AH B1 B2 T1 X1 T2 O1, 0);
	alert_case("one side only", AH B1, AH B1 O1, AH B1, AH B1 O1, 0);
	alert_case("nothing added", AH B1 B2, AH B1 B2, AH B1 B2, AH B1 B2, 0);
	alert_case("a base row one side dropped stays", AH B1 B2, AH B2 O1, AH B1 B2, AH B1 B2 O1, 0);
	alert_case("no base", "", AH O1, AH T1, AH T1 O1, 0);
	alert_case("no base, the same rows", "", AH O1 T1, AH T1 O1, AH T1 O1, 0);
	/* the same id added with other contents on each side: one of the two,
	 * the same whichever side merges */
	alert_case("one id, two contents", AH,
		AH AROW("01JQZZZZZZZZZZZZZZZZZZZZZZ", "2026-11-28T10:00:00Z", "acknowledged", "mine"),
		AH AROW("01JQZZZZZZZZZZZZZZZZZZZZZZ", "2026-11-28T10:00:00Z", "acknowledged", "yours"),
		NULL, 1);

	/* errors */
	struct ew_buf out = {0};
	struct ew_err e = {{0}};
	static const char bad[] = AH B1 "01JQ,x,y\n";
	UNIT_LONG(ew_merge_alerts(AH, strlen(AH), AH, strlen(AH), bad, strlen(bad), &out, &e), -1,
		"alerts: a short row in theirs is an error");
	UNIT_STR(e.msg, "alerts.csv (theirs):3: 3 fields, expected 13", "alerts: its message");
	ew_buf_free(&out);
	memset(&out, 0, sizeof out);
	UNIT_LONG(ew_merge_alerts(bad, strlen(bad), AH, strlen(AH), AH, strlen(AH), &out, &e), -1,
		"alerts: a short row in base is an error");
	UNIT_STR(e.msg, "alerts.csv (common ancestor):3: 3 fields, expected 13", "alerts: its message (base)");
	ew_buf_free(&out);

	static const char recs[] = "id,event_date,date_precision\n";
	UNIT_LONG(ew_is_alert_log(AH, strlen(AH)), 1, "is_alert_log: an alert log header");
	UNIT_LONG(ew_is_alert_log(AH B1, strlen(AH B1)), 1, "is_alert_log: an alert log");
	UNIT_LONG(ew_is_alert_log(AH, strlen(AH) - 1), 1, "is_alert_log: a header without its newline");
	UNIT_LONG(ew_is_alert_log(recs, strlen(recs)), 0, "is_alert_log: a shard is no alert log");
	UNIT_LONG(ew_is_alert_log(AH, 20), 0, "is_alert_log: part of the header is not");
	static const char more[] = "id,alert,rule,group,level,state,time,count,records,who,note,until,notify,x\n";
	UNIT_LONG(ew_is_alert_log(more, strlen(more)), 0, "is_alert_log: a header with another column is not");
	UNIT_LONG(ew_is_alert_log("", 0), 0, "is_alert_log: an empty file is not");
}

void
test_merge(void)
{
	struct ew_err e = {{0}};

	if (!UNIT_LONG(ew_schema_init(&schema, "village_code", &e), 0, "merge: a schema with an extra column"))
		return;
	extra_col = ew_schema_col(&schema, "village_code");
	editable[NEDIT - 1].col = extra_col;
	test_by_hand();
	test_errors();
	test_parse();
	test_properties();
	test_alerts();
	ew_schema_free(&schema);
}
