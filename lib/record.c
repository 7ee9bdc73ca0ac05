/* record.c - see record.h */
#include "record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "i18n.h"

static const char *const channels[] = {"sms", "phone", "in-person", "radio",
	"web", "email", "form", "other", NULL};
static const char *const statuses[] = {"new", "verified", "false",
	"duplicate", "closed", NULL};
static const char *const sensitivities[] = {"public", "restricted",
	"confidential", NULL};

static const struct {
	const char *name;
	enum ew_coltype type;
	const char *const *values;
} builtin[EW_NBUILTIN] = {
	/*
	 * TRANSLATORS: the columns of a report, shown translated only as
	 * the short column headers of a table (ew list --format table):
	 * keep them short (event_date: date, severity: gravité, killed:
	 * tués). Elsewhere, and where a user types a field, the English
	 * names stay.
	 */
	{N_("id"), EW_T_ID, NULL},
	{N_("event_date"), EW_T_DATE, NULL},
	{N_("date_precision"), EW_T_PREC, NULL},
	{N_("reported_at"), EW_T_TIME, NULL},
	{N_("updated_at"), EW_T_TIME, NULL},
	{N_("reporter"), EW_T_LINE, NULL},
	{N_("channel"), EW_T_ENUM, channels},
	{N_("region"), EW_T_LINE, NULL},
	{N_("cercle"), EW_T_LINE, NULL},
	{N_("commune"), EW_T_LINE, NULL},
	{N_("location"), EW_T_LINE, NULL},
	{N_("latitude"), EW_T_LAT, NULL},
	{N_("longitude"), EW_T_LON, NULL},
	{N_("geo_precision"), EW_T_PREC, NULL},
	{N_("category"), EW_T_LINE, NULL},
	{N_("severity"), EW_T_SEVERITY, NULL},
	{N_("killed"), EW_T_COUNT, NULL},
	{N_("injured"), EW_T_COUNT, NULL},
	{N_("abducted"), EW_T_COUNT, NULL},
	{N_("displaced"), EW_T_COUNT, NULL},
	{N_("actor1"), EW_T_LINE, NULL},
	{N_("actor2"), EW_T_LINE, NULL},
	{N_("source"), EW_T_LINE, NULL},
	{N_("status"), EW_T_ENUM, statuses},
	{N_("duplicate_of"), EW_T_REF, NULL},
	{N_("sensitivity"), EW_T_ENUM, sensitivities},
	{N_("description"), EW_T_TEXT, NULL},
	{N_("tags"), EW_T_LINE, NULL},
};

static int
is_numeric(enum ew_coltype t)
{
	return t == EW_T_PREC || t == EW_T_LAT || t == EW_T_LON ||
	       t == EW_T_COUNT || t == EW_T_SEVERITY;
}

static int
valid_name(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

int
ew_schema_init(struct ew_schema *s, const char *extra, struct ew_err *e)
{
	s->n = EW_NBUILTIN;
	s->cols = ew_xcalloc(EW_NBUILTIN, sizeof *s->cols);
	for (size_t i = 0; i < EW_NBUILTIN; i++) {
		s->cols[i].name = ew_xstrdup(builtin[i].name);
		s->cols[i].type = builtin[i].type;
		s->cols[i].values = builtin[i].values;
		s->cols[i].numeric = is_numeric(builtin[i].type);
	}
	if (!extra)
		return 0;

	char *copy = ew_xstrdup(extra), *save = NULL;
	int rc = 0;
	for (char *w = strtok_r(copy, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
		if (!valid_name(w)) {
			rc = ew_errf(e, "ew.conf: invalid extra column name '%s' (use lower-case letters, digits and _)", w);
			break;
		}
		if (ew_schema_col(s, w) >= 0) {
			rc = ew_errf(e, "ew.conf: extra column '%s' is already a column", w);
			break;
		}
		s->cols = ew_xrealloc(s->cols, (s->n + 1) * sizeof *s->cols);
		s->cols[s->n].name = ew_xstrdup(w);
		s->cols[s->n].type = EW_T_TEXT;
		s->cols[s->n].values = NULL;
		s->cols[s->n].numeric = 0;
		s->n++;
	}
	free(copy);
	if (rc < 0)
		ew_schema_free(s);
	return rc;
}

void
ew_schema_free(struct ew_schema *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->cols[i].name);
	free(s->cols);
	s->cols = NULL;
	s->n = 0;
}

int
ew_schema_col(const struct ew_schema *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
ew_enum_check(const struct ew_col *c, const char *v, struct ew_buf *why)
{
	for (size_t i = 0; c->values && c->values[i]; i++)
		if (strcmp(c->values[i], v) == 0)
			return 1;
	struct ew_buf list = {0};
	for (size_t i = 0; c->values && c->values[i]; i++)
		ew_buf_addf(&list, "%s%s", i ? ", " : "", c->values[i]);
	ew_buf_addf(why, _("invalid %s '%s' (expected one of: %s)"), c->name, v,
		list.s ? list.s : "");
	ew_buf_free(&list);
	return 0;
}

/*
 * A record of n values, copies of v[i][0..len[i]) (strlen when len is
 * NULL; all empty when v is NULL), made in one allocation: the record,
 * then its array of values, then the values.
 */
static struct ew_record *
record_make(size_t n, const char *const *v, const size_t *len)
{
	size_t bytes = n;
	for (size_t i = 0; v && i < n; i++)
		bytes += len ? len[i] : strlen(v[i]);
	struct ew_record *r = ew_xmalloc(sizeof *r + n * sizeof *r->v + bytes);
	char *p = (char *)r + sizeof *r + n * sizeof *r->v;

	r->v = (char **)(r + 1);
	r->n = n;
	r->line = 0;
	r->store = p;
	r->storelen = bytes;
	for (size_t i = 0; i < n; i++) {
		size_t k = !v ? 0 : len ? len[i] : strlen(v[i]);
		if (k)
			memcpy(p, v[i], k);
		p[k] = '\0';
		r->v[i] = p;
		p += k + 1;
	}
	return r;
}

/* 1 when s is one of the values r was made with, not freed on its own. */
static int
in_store(const struct ew_record *r, const char *s)
{
	return (uintptr_t)s - (uintptr_t)r->store < r->storelen;
}

struct ew_record *
ew_record_new(const struct ew_schema *s)
{
	return record_make(s->n, NULL, NULL);
}

struct ew_record *
ew_record_newv(const struct ew_schema *s, const char *const *v,
	const size_t *len)
{
	return record_make(s->n, v, len);
}

struct ew_record *
ew_record_dup(const struct ew_record *r)
{
	struct ew_record *c = record_make(r->n, (const char *const *)r->v, NULL);

	c->line = r->line;
	return c;
}

void
ew_record_free(struct ew_record *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		if (!in_store(r, r->v[i]))
			free(r->v[i]);
	free(r);
}

void
ew_record_setn(struct ew_record *r, size_t col, const char *v, size_t n)
{
	char *copy = ew_xstrndup(v, n);
	if (!in_store(r, r->v[col]))
		free(r->v[col]);
	r->v[col] = copy;
}

void
ew_record_set(struct ew_record *r, size_t col, const char *v)
{
	ew_record_setn(r, col, v, strlen(v));
}

int
ew_record_cmp(const struct ew_record *a, const struct ew_record *b)
{
	int c = strcmp(a->v[EW_C_EVENT_DATE], b->v[EW_C_EVENT_DATE]);
	return c ? c : strcmp(a->v[EW_C_ID], b->v[EW_C_ID]);
}

int
ew_record_cmp_id(const void *a, const void *b)
{
	const struct ew_record *x = *(const struct ew_record *const *)a;
	const struct ew_record *y = *(const struct ew_record *const *)b;
	return strcmp(x->v[EW_C_ID], y->v[EW_C_ID]);
}

int
ew_record_equal(const struct ew_record *a, const struct ew_record *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

int
ew_record_confidential(const struct ew_record *r)
{
	return r && r->n > EW_C_SENSITIVITY &&
		strcmp(r->v[EW_C_SENSITIVITY], "confidential") == 0;
}

int
ew_confidential_shows(size_t col)
{
	return col == EW_C_ID || col == EW_C_CATEGORY || col == EW_C_REGION ||
		col == EW_C_CERCLE || col == EW_C_COMMUNE;
}

const char *
ew_confidential_value(int hide, size_t col, const char *v)
{
	return hide && !ew_confidential_shows(col) ? EW_CONFIDENTIAL : v;
}

void
ew_record_csv(const struct ew_record *r, const size_t *cols, size_t ncols,
	struct ew_buf *out)
{
	size_t n = cols ? ncols : r->n;
	for (size_t i = 0; i < n; i++) {
		const char *v = r->v[cols ? cols[i] : i];
		if (i)
			ew_buf_addc(out, ',');
		ew_csv_put(out, v, strlen(v));
	}
	ew_buf_addc(out, '\n');
}

void
ew_schema_slots(const struct ew_schema *s, const size_t *cols, size_t n,
	const char ***names, int **numeric, const char ***vals)
{
	*names = ew_xcalloc(n, sizeof **names);
	*numeric = ew_xcalloc(n, sizeof **numeric);
	*vals = ew_xcalloc(n, sizeof **vals);
	for (size_t i = 0; i < n; i++) {
		(*names)[i] = s->cols[cols[i]].name;
		(*numeric)[i] = s->cols[cols[i]].numeric;
	}
}

void
ew_schema_csv_header(const struct ew_schema *s, const size_t *cols,
	size_t ncols, struct ew_buf *out)
{
	size_t n = cols ? ncols : s->n;
	for (size_t i = 0; i < n; i++) {
		const char *v = s->cols[cols ? cols[i] : i].name;
		if (i)
			ew_buf_addc(out, ',');
		ew_csv_put(out, v, strlen(v));
	}
	ew_buf_addc(out, '\n');
}

void
ew_json_string(struct ew_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	ew_buf_grow(out, n + 2);
	ew_buf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': ew_buf_add(out, "\\\"", 2); break;
		case '\\': ew_buf_add(out, "\\\\", 2); break;
		case '\n': ew_buf_add(out, "\\n", 2); break;
		case '\r': ew_buf_add(out, "\\r", 2); break;
		case '\t': ew_buf_add(out, "\\t", 2); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
				ew_buf_add(out, u, 6);
			} else {
				ew_buf_addc(out, (char)c);
			}
		}
	}
	ew_buf_addc(out, '"');
}

jv
ew_record_jv(const struct ew_record *r, const struct ew_schema *s)
{
	jv o = jv_object();

	for (size_t i = 0; i < r->n; i++) {
		jv v;
		if (!s->cols[i].numeric)
			v = jv_string(r->v[i]);
		else if (*r->v[i])
			v = jv_number(strtod(r->v[i], NULL));
		else
			v = jv_null();
		o = jv_object_set(o, jv_string(s->cols[i].name), v);
	}
	return o;
}
