/* check.c - see check.h */
#include "i18n.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "ulid.h"

struct ctx {
	const struct ew_check *c;
	struct ew_record *r;
	const char *where;
	struct ew_strv *errs;
	size_t n;
};

static void
problem(struct ctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
problem(struct ctx *x, const char *fmt, ...)
{
	struct ew_buf b = {0};
	va_list ap;

	ew_buf_addf(&b, "%s: ", x->where);
	va_start(ap, fmt);
	ew_buf_vaddf(&b, gettext(fmt), ap);
	va_end(ap);
	ew_strv_push(x->errs, ew_buf_detach(&b));
	x->n++;
}

static int
is_decimal(const char *s, double lo, double hi)
{
	const char *p = s;
	int digits = 0;

	if (*p == '-' || *p == '+')
		p++;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++, digits++;
	}
	if (*p || !digits)
		return 0;
	double v = strtod(s, NULL);
	return v >= lo && v <= hi;
}

/*
 * Rewrites a valid decimal in its shortest plain form, which is also how
 * JSON writes the number, so every way in stores the same bytes: no '+',
 * no leading or trailing zeros, no trailing '.' ("+014.50" -> "14.5").
 */
static void
canonical_decimal(struct ew_record *r, size_t col)
{
	const char *s = r->v[col];
	struct ew_buf b = {0};
	int neg = *s == '-';

	if (*s == '-' || *s == '+')
		s++;
	while (*s == '0' && s[1] >= '0' && s[1] <= '9')
		s++;
	const char *dot = strchr(s, '.');
	size_t ilen = dot ? (size_t)(dot - s) : strlen(s);
	const char *frac = dot ? dot + 1 : "";
	size_t flen = strlen(frac);
	while (flen && frac[flen - 1] == '0')
		flen--;
	int zero = 1;
	for (size_t i = 0; i < ilen; i++)
		zero &= s[i] == '0';
	if (neg && !(zero && flen == 0))
		ew_buf_addc(&b, '-');
	if (ilen)
		ew_buf_add(&b, s, ilen);
	else
		ew_buf_addc(&b, '0');
	if (flen) {
		ew_buf_addc(&b, '.');
		ew_buf_add(&b, frac, flen);
	}
	ew_record_set(r, col, b.s);
	ew_buf_free(&b);
}

/* Rewrites a valid integer in its plain form ("007" -> "7"). */
static void
canonical_int(struct ew_record *r, size_t col)
{
	long v;
	char out[32];

	if (ew_parse_int(r->v[col], -1000000000L, 1000000000L, &v)) {
		snprintf(out, sizeof out, "%ld", v);
		ew_record_set(r, col, out);
	}
}

static int
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Checks one value against its column type. */
static void
check_value(struct ctx *x, size_t col)
{
	const struct ew_col *def = &x->c->schema->cols[col];
	char *v = x->r->v[col];
	const char *name = def->name;
	long days;
	/* what a message quotes: a confidential record's value only where
	   such a record shows it */
	const char *q = ew_confidential_value(ew_record_confidential(x->r), col, v);

	if (!ew_utf8_valid(v, strlen(v))) {
		problem(x, "invalid UTF-8 in %s", name);
		return;
	}
	if (!*v)
		return;
	switch (def->type) {
	case EW_T_ID:
	case EW_T_REF: {
		char up[27];
		if (!ew_ulid_valid(v, up))
			problem(x, "invalid %s '%s' (expected a ULID of 26 characters)", name, q);
		else
			ew_record_set(x->r, col, up);
		break;
	}
	case EW_T_DATE:
		if (ew_date_parse(v, &days) < 0)
			problem(x, "invalid %s '%s' (expected a date YYYY-MM-DD)", name, q);
		else if ((days - 1) * 86400L > (long)x->c->now)
			problem(x, "%s '%s' is in the future", name, q);
		break;
	case EW_T_PREC:
		if (!ew_parse_int(v, 1, 3, NULL))
			problem(x, "invalid %s '%s' (expected 1, 2 or 3)", name, q);
		else
			canonical_int(x->r, col);
		break;
	case EW_T_TIME:
		if (!ew_time_is_canonical(v))
			problem(x, "invalid %s '%s' (expected a UTC time YYYY-MM-DDTHH:MM:SSZ)", name, q);
		break;
	case EW_T_LINE:
		if (has_control(v))
			problem(x, "%s must be one line without control characters", name);
		break;
	case EW_T_TEXT:
		break;
	case EW_T_ENUM: {
		struct ew_buf why = {0};
		if (!ew_enum_check(def, v, &why)) {
			/* the message quotes the value it is given */
			if (q != v) {
				ew_buf_free(&why);
				ew_enum_check(def, q, &why);
			}
			problem(x, "%s", why.s);
		}
		ew_buf_free(&why);
		break;
	}
	case EW_T_LAT:
		if (!is_decimal(v, -90, 90))
			problem(x, "invalid %s '%s' (expected decimal degrees from -90 to 90)", name, q);
		else
			canonical_decimal(x->r, col);
		break;
	case EW_T_LON:
		if (!is_decimal(v, -180, 180))
			problem(x, "invalid %s '%s' (expected decimal degrees from -180 to 180)", name, q);
		else
			canonical_decimal(x->r, col);
		break;
	case EW_T_COUNT:
		if (!ew_parse_int(v, 0, 100000000, NULL))
			problem(x, "invalid %s '%s' (expected a whole number, 0 or more)", name, q);
		else
			canonical_int(x->r, col);
		break;
	case EW_T_SEVERITY:
		if (!ew_parse_int(v, 1, 5, NULL))
			problem(x, "invalid %s '%s' (expected an integer from 1 to 5)", name, q);
		else
			canonical_int(x->r, col);
		break;
	}
}

static void
join_parents(const struct ew_place **m, size_t n, struct ew_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			ew_buf_adds(out, ", ");
		ew_buf_adds(out, m[i]->parent);
	}
}

static void
unknown(struct ctx *x, const char *level, const char *name, const char *parent)
{
	const char *near = ew_places_suggest(x->c->places, level, name, parent);
	if (near)
		problem(x, "unknown %s '%s' (did you mean '%s'?)", level, name, near);
	else if (parent)
		problem(x, "unknown %s '%s' in cercle '%s'", level, name, parent);
	else
		problem(x, "unknown %s '%s'", level, name);
}

/* Resolves the commune when the cercle is known. */
static void
commune_in(struct ctx *x, const struct ew_place *cercle, const struct ew_place **commune)
{
	const struct ew_place *m[8];
	const char *name = x->r->v[EW_C_COMMUNE];
	size_t n = ew_places_find(x->c->places, "commune", name, cercle->name, m, 8);

	if (n >= 1) {
		*commune = m[0];
		return;
	}
	n = ew_places_find(x->c->places, "commune", name, NULL, m, 8);
	if (n == 0) {
		unknown(x, "commune", name, cercle->name);
		return;
	}
	struct ew_buf where = {0};
	join_parents(m, n < 8 ? n : 8, &where);
	problem(x, "commune '%s' is not in cercle '%s' (it is in %s)", name,
		cercle->name, where.s);
	ew_buf_free(&where);
}

static void
check_places(struct ctx *x, int defaults)
{
	const struct ew_places *pl = x->c->places;
	struct ew_record *r = x->r;
	const struct ew_place *m[8], *cercle = NULL, *commune = NULL;
	size_t n;

	if (*r->v[EW_C_CERCLE]) {
		n = ew_places_find(pl, "cercle", r->v[EW_C_CERCLE], NULL, m, 8);
		if (n == 0) {
			unknown(x, "cercle", r->v[EW_C_CERCLE], NULL);
			return;
		}
		cercle = m[0];
		if (*r->v[EW_C_COMMUNE])
			commune_in(x, cercle, &commune);
	} else if (*r->v[EW_C_COMMUNE]) {
		n = ew_places_find(pl, "commune", r->v[EW_C_COMMUNE], NULL, m, 8);
		if (n == 0) {
			unknown(x, "commune", r->v[EW_C_COMMUNE], NULL);
			return;
		}
		if (n > 1) {
			struct ew_buf where = {0};
			join_parents(m, n < 8 ? n : 8, &where);
			problem(x, "commune '%s' is ambiguous (in %s): give cercle= too",
				r->v[EW_C_COMMUNE], where.s);
			ew_buf_free(&where);
			return;
		}
		commune = m[0];
		n = ew_places_find(pl, "cercle", commune->parent, NULL, m, 8);
		if (n == 0) {
			problem(x, "gazetteer: commune '%s' has unknown cercle '%s'",
				commune->name, commune->parent);
			return;
		}
		cercle = m[0];
	} else {
		problem(x, "missing cercle");
		return;
	}
	ew_record_set(r, EW_C_CERCLE, cercle->name);
	if (commune)
		ew_record_set(r, EW_C_COMMUNE, commune->name);

	if (*r->v[EW_C_REGION]) {
		n = ew_places_find(pl, "region", r->v[EW_C_REGION], NULL, m, 8);
		if (n == 0)
			unknown(x, "region", r->v[EW_C_REGION], NULL);
		else if (strcmp(m[0]->name, cercle->parent) != 0)
			problem(x, "cercle '%s' is not in region '%s' (it is in %s)",
				cercle->name, m[0]->name, cercle->parent);
		else
			ew_record_set(r, EW_C_REGION, m[0]->name);
	} else {
		ew_record_set(r, EW_C_REGION, cercle->parent);
	}

	if (!*r->v[EW_C_LATITUDE] && !*r->v[EW_C_LONGITUDE] && defaults) {
		const struct ew_place *src =
			commune && *commune->lat && *commune->lon ? commune : cercle;
		if (*src->lat && *src->lon) {
			ew_record_set(r, EW_C_LATITUDE, src->lat);
			ew_record_set(r, EW_C_LONGITUDE, src->lon);
			check_value(x, EW_C_LATITUDE); /* and canonical form */
			check_value(x, EW_C_LONGITUDE);
			if (!*r->v[EW_C_GEO_PRECISION])
				ew_record_set(r, EW_C_GEO_PRECISION, src == commune ? "2" : "3");
		}
	}
}

static void
check_category(struct ctx *x)
{
	const char *v = x->r->v[EW_C_CATEGORY];

	if (!*v) {
		problem(x, "missing category");
		return;
	}
	const struct ew_category *cat = ew_taxonomy_find(x->c->tax, v);
	if (cat) {
		ew_record_set(x->r, EW_C_CATEGORY, cat->code);
		return;
	}
	const char *near = ew_taxonomy_suggest(x->c->tax, v);
	if (near)
		problem(x, "unknown category '%s' (did you mean '%s'?)", v, near);
	else
		problem(x, "unknown category '%s' (see categories.csv for the codes)", v);
}

static void
fill_defaults(struct ew_record *r, time_t now)
{
	static const struct {
		size_t col;
		const char *v;
	} dflt[] = {
		{EW_C_DATE_PRECISION, "1"}, {EW_C_KILLED, "0"}, {EW_C_INJURED, "0"},
		{EW_C_ABDUCTED, "0"}, {EW_C_DISPLACED, "0"}, {EW_C_STATUS, "new"},
		{EW_C_SENSITIVITY, "restricted"},
	};
	char ts[21];

	for (size_t i = 0; i < sizeof dflt / sizeof dflt[0]; i++)
		if (!*r->v[dflt[i].col])
			ew_record_set(r, dflt[i].col, dflt[i].v);
	ew_time_format(now, ts);
	if (!*r->v[EW_C_REPORTED_AT])
		ew_record_set(r, EW_C_REPORTED_AT, ts);
	if (!*r->v[EW_C_UPDATED_AT])
		ew_record_set(r, EW_C_UPDATED_AT, ts);
	if (*r->v[EW_C_LATITUDE] && *r->v[EW_C_LONGITUDE] && !*r->v[EW_C_GEO_PRECISION])
		ew_record_set(r, EW_C_GEO_PRECISION, "1");
}

size_t
ew_check_record(const struct ew_check *c, struct ew_record *r, int flags,
	const char *where, struct ew_strv *errs)
{
	struct ctx x = {c, r, where, errs, 0};
	int defaults = flags & EW_CHECK_DEFAULTS;

	for (size_t i = 0; i < r->n; i++)
		check_value(&x, i);
	if (x.n)
		return x.n;

	if (!*r->v[EW_C_EVENT_DATE])
		problem(&x, "missing event_date");
	if (!*r->v[EW_C_LATITUDE] != !*r->v[EW_C_LONGITUDE])
		problem(&x, "latitude and longitude must be given together");
	if (c->places)
		check_places(&x, defaults);
	if (c->tax)
		check_category(&x);
	else if (!*r->v[EW_C_CATEGORY])
		problem(&x, "missing category");
	if (defaults)
		fill_defaults(r, c->now);
	if (strcmp(r->v[EW_C_STATUS], "duplicate") == 0 && !*r->v[EW_C_DUPLICATE_OF])
		problem(&x, "status 'duplicate' needs duplicate_of (the id of the original report)");
	if (*r->v[EW_C_DUPLICATE_OF] && strcmp(r->v[EW_C_STATUS], "duplicate") != 0)
		problem(&x, "duplicate_of is set but status is '%s' (use status=duplicate)",
			ew_confidential_value(ew_record_confidential(r), EW_C_STATUS, r->v[EW_C_STATUS]));
	if (*r->v[EW_C_DUPLICATE_OF] && strcmp(r->v[EW_C_DUPLICATE_OF], r->v[EW_C_ID]) == 0)
		problem(&x, "duplicate_of cannot be the report's own id");
	return x.n;
}

int
ew_check_read(const struct ew_check *c, struct ew_record *r, const char *name,
	struct ew_err *e)
{
	struct ew_strv errs = {0};
	char *where = ew_xasprintf("%s:%lu", name, r->line);
	int rc = 0;

	if (ew_check_record(c, r, 0, where, &errs))
		rc = ew_errf(e, "%s", errs.v[0]);
	ew_strv_free(&errs);
	free(where);
	return rc;
}
