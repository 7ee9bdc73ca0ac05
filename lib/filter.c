/* filter.c - see filter.h */
#include "filter.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "ulid.h"

void
ew_filter_init(struct ew_filter *f, const struct ew_schema *s)
{
	memset(f, 0, sizeof *f);
	f->schema = s;
}

/* Parses a date bound into out (YYYY-MM-DD). */
static int
bound(char out[11], const char *s, time_t now, struct ew_err *e)
{
	long days;

	if (ew_when_parse(s, now, &days, e) < 0)
		return -1;
	ew_date_format(days, out);
	return 0;
}

int
ew_filter_since(struct ew_filter *f, const char *s, time_t now,
	struct ew_err *e)
{
	return bound(f->since, s, now, e);
}

int
ew_filter_until(struct ew_filter *f, const char *s, time_t now,
	struct ew_err *e)
{
	return bound(f->until, s, now, e);
}

int
ew_filter_place(struct ew_filter *f, const char *level, const char *name,
	const struct ew_places *places, struct ew_err *e)
{
	char **slot = strcmp(level, "cercle") == 0 ? &f->cercle : &f->commune;
	const struct ew_place *m[1];

	free(*slot);
	*slot = NULL;
	if (!places) {
		f->folded = 1;
		*slot = ew_fold(name);
		return 0;
	}
	const char *parent = slot == &f->commune ? f->cercle_name : NULL;
	if (ew_places_find(places, level, name, parent, m, 1) == 0) {
		const char *near = ew_places_suggest(places, level, name, parent);
		if (near)
			return ew_errf(e, "unknown %s '%s' (did you mean '%s'?)", level, name, near);
		return ew_errf(e, "unknown %s '%s'", level, name);
	}
	/* records from outside may spell it any way the gazetteer allows */
	*slot = f->folded ? ew_fold(m[0]->name) : ew_xstrdup(m[0]->name);
	if (slot == &f->cercle) {
		free(f->cercle_name);
		f->cercle_name = ew_xstrdup(m[0]->name);
	}
	return 0;
}

int
ew_filter_category(struct ew_filter *f, const char *code,
	const struct ew_taxonomy *tax, struct ew_err *e)
{
	free(f->category);
	f->category = NULL;
	if (tax) {
		const struct ew_category *c = ew_taxonomy_find(tax, code);
		if (!c) {
			const char *near = ew_taxonomy_suggest(tax, code);
			if (near)
				return ew_errf(e, "unknown category '%s' (did you mean '%s'?)", code, near);
			return ew_errf(e, "unknown category '%s'", code);
		}
		code = c->code;
	}
	f->category = ew_xstrdup(code);
	return 0;
}

int
ew_filter_enum(struct ew_filter *f, const char *column, const char *v,
	struct ew_err *e)
{
	int c = ew_schema_col(f->schema, column);
	struct ew_buf why = {0};

	if (!ew_enum_check(&f->schema->cols[c], v, &why)) {
		ew_errf(e, "%s", why.s);
		ew_buf_free(&why);
		return -1;
	}
	char **slot = c == EW_C_STATUS ? &f->status : &f->sensitivity;
	free(*slot);
	*slot = ew_xstrdup(v);
	return 0;
}

int
ew_filter_min_severity(struct ew_filter *f, const char *v, struct ew_err *e)
{
	if (!ew_parse_int(v, 1, 5, &f->min_severity))
		return ew_errf(e, "invalid severity '%s' (expected an integer from 1 to 5)", v);
	return 0;
}

int
ew_filter_id(struct ew_filter *f, const char *prefix, struct ew_err *e)
{
	if (!ew_ulid_prefix_valid(prefix))
		return ew_errf(e, "invalid id '%s' (ids are ULIDs: digits and letters, 26 at most)", prefix);
	char *up = ew_xstrdup(prefix);
	for (char *p = up; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	/* whole ids (thousands, from a pipe) are looked up by bisection */
	ew_strv_push(strlen(up) == 26 ? &f->whole : &f->ids, up);
	f->whole_sorted = 0;
	f->by_id = 1;
	return 0;
}

void
ew_filter_by_id(struct ew_filter *f)
{
	f->by_id = 1;
}

void
ew_filter_hide(struct ew_filter *f, const char *id)
{
	ew_strv_push(&f->hidden, ew_xstrdup(id));
	f->hidden_sorted = 0;
}

/* 1 when r is left out as confidential. */
static int
hidden(struct ew_filter *f, const struct ew_record *r)
{
	const char *id = r->v[EW_C_ID];

	if (f->confidential)
		return 0;
	if (ew_record_confidential(r))
		return 1;
	if (!f->hidden.n)
		return 0;
	if (!f->hidden_sorted) {
		qsort(f->hidden.v, f->hidden.n, sizeof *f->hidden.v, ew_str_cmp);
		f->hidden_sorted = 1;
	}
	return bsearch(&id, f->hidden.v, f->hidden.n, sizeof *f->hidden.v, ew_str_cmp) != NULL;
}


static int
id_wanted(struct ew_filter *f, const char *id)
{
	if (f->whole.n) {
		if (!f->whole_sorted) {
			qsort(f->whole.v, f->whole.n, sizeof *f->whole.v, ew_str_cmp);
			f->whole_sorted = 1;
		}
		if (bsearch(&id, f->whole.v, f->whole.n, sizeof *f->whole.v, ew_str_cmp))
			return 1;
	}
	for (size_t i = 0; i < f->ids.n; i++)
		if (strncmp(id, f->ids.v[i], strlen(f->ids.v[i])) == 0)
			return 1;
	return 0;
}

int
ew_filter_where(struct ew_filter *f, const char *prog, struct ew_err *e)
{
	ew_jq_free(f->jq);
	ew_where_free(f->where);
	f->where = NULL;
	/* compiled by jq in any case: its errors and refusals are the same
	   whichever runs it */
	f->jq = ew_jq_new(prog, e);
	if (!f->jq)
		return -1;
	f->where = ew_where_new(prog, f->schema);
	if (f->where) {
		ew_jq_free(f->jq);
		f->jq = NULL;
	}
	return 0;
}

static int
place_is(const struct ew_filter *f, const char *want, const char *have)
{
	if (!f->folded)
		return strcmp(want, have) == 0;
	char *h = ew_fold(have);
	int same = strcmp(want, h) == 0;
	free(h);
	return same;
}

int
ew_filter_match(struct ew_filter *f, const struct ew_record *r,
	struct ew_err *e)
{
	const char *date = r->v[EW_C_EVENT_DATE];

	if (hidden(f, r))
		return 0;
	if (*f->since && strcmp(date, f->since) < 0)
		return 0;
	if (*f->until && strcmp(date, f->until) > 0)
		return 0;
	if (f->cercle && !place_is(f, f->cercle, r->v[EW_C_CERCLE]))
		return 0;
	if (f->commune && !place_is(f, f->commune, r->v[EW_C_COMMUNE]))
		return 0;
	if (f->category && strcasecmp(f->category, r->v[EW_C_CATEGORY]) != 0)
		return 0;
	if (f->status && strcmp(f->status, r->v[EW_C_STATUS]) != 0)
		return 0;
	if (f->sensitivity && strcmp(f->sensitivity, r->v[EW_C_SENSITIVITY]) != 0)
		return 0;
	if (f->min_severity && atol(r->v[EW_C_SEVERITY]) < f->min_severity)
		return 0;
	if (f->by_id && !id_wanted(f, r->v[EW_C_ID]))
		return 0;
	if (f->where)
		return ew_where_test(f->where, r);
	if (f->jq)
		return ew_jq_test(f->jq, ew_record_jv(r, f->schema), e);
	return 1;
}

void
ew_filter_free(struct ew_filter *f)
{
	free(f->cercle);
	free(f->cercle_name);
	free(f->commune);
	free(f->category);
	free(f->status);
	free(f->sensitivity);
	ew_strv_free(&f->ids);
	ew_strv_free(&f->whole);
	ew_strv_free(&f->hidden);
	ew_jq_free(f->jq);
	ew_where_free(f->where);
	memset(f, 0, sizeof *f);
}
