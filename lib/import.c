/* import.c - see import.h */
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "csv.h"
#include "date.h"
#include "i18n.h"
#include "repo.h"
#include "sms.h"
#include "ulid.h"

/*
 * The tag ew list --format acled adds to a row whose ACLED types several
 * categories share (export.c writes it with the same spelling). The
 * messages spell it out, since xgettext does not read macros.
 */
#define CATEGORY_TAG "ew-category="
/* Prefixes of the tags that keep another system's id of a record. */
#define ACLED_ID_TAG "acled:"
#define KOBO_ID_TAG "kobo:"

/* The fields of an ACLED row that ew reads; the others are ignored. */
enum acled_field {
	A_ID, A_DATE, A_PRECISION, A_EVENT_TYPE, A_SUB_EVENT_TYPE, A_ACTOR1,
	A_ACTOR2, A_ADMIN1, A_ADMIN2, A_ADMIN3, A_LOCATION, A_LATITUDE,
	A_LONGITUDE, A_GEO_PRECISION, A_SOURCE, A_NOTES, A_FATALITIES, A_TAGS,
	A_TIMESTAMP, A_ISO, A_COUNTRY,
	A_N
};

static const struct {
	const char *name;
	int required;
	int col; /* the record column it is copied to as it is, or -1 */
} acled_fields[A_N] = {
	[A_ID] = {"event_id_cnty", 0, -1},
	[A_DATE] = {"event_date", 1, -1},
	[A_PRECISION] = {"time_precision", 0, EW_C_DATE_PRECISION},
	[A_EVENT_TYPE] = {"event_type", 1, -1},
	[A_SUB_EVENT_TYPE] = {"sub_event_type", 1, -1},
	[A_ACTOR1] = {"actor1", 0, EW_C_ACTOR1},
	[A_ACTOR2] = {"actor2", 0, EW_C_ACTOR2},
	[A_ADMIN1] = {"admin1", 1, -1},
	[A_ADMIN2] = {"admin2", 1, -1},
	[A_ADMIN3] = {"admin3", 0, -1},
	[A_LOCATION] = {"location", 0, EW_C_LOCATION},
	[A_LATITUDE] = {"latitude", 0, EW_C_LATITUDE},
	[A_LONGITUDE] = {"longitude", 0, EW_C_LONGITUDE},
	[A_GEO_PRECISION] = {"geo_precision", 0, EW_C_GEO_PRECISION},
	[A_SOURCE] = {"source", 0, EW_C_SOURCE},
	[A_NOTES] = {"notes", 0, EW_C_DESCRIPTION},
	[A_FATALITIES] = {"fatalities", 0, EW_C_KILLED},
	[A_TAGS] = {"tags", 0, -1},
	[A_TIMESTAMP] = {"timestamp", 0, -1},
	[A_ISO] = {"iso", 0, -1},
	[A_COUNTRY] = {"country", 0, -1},
};

/*
 * The only country ew's ACLED import takes, as ACLED names and codes it
 * (spelt out in the messages, which xgettext reads without macros).
 */
#define ACLED_COUNTRY "Mali"
#define ACLED_ISO "466"

/* Targets of a mapping line that are not record columns. */
enum {
	K_UUID = -2,     /* the submission's uuid, kept as a tag */
	K_GEOPOINT = -3, /* "LAT LON [ALT ACC]": latitude and longitude */
};

/* FIELD = COLUMN (or = "TEXT") in a mapping file. */
struct kfield {
	int target;           /* a schema column, or K_UUID, K_GEOPOINT */
	char *column;         /* the export's column, or the constant */
	int constant;
	unsigned long line;
	size_t idx;           /* the column's index in the header */
};

/* FIELD: CHOICE = VALUE in a mapping file. */
struct kchoice {
	int target;
	char *choice, *fold, *value;
	unsigned long line;
};

struct kmap {
	char *path;
	struct kfield *f;
	size_t nf;
	struct kchoice *c;
	size_t nc;
};

struct ew_import {
	enum ew_import_kind kind;
	struct ew_import_ctx ctx;
	const char *name;
	FILE *fp;
	int dead;
	unsigned long line;
	/* ACLED and Kobo */
	struct ew_csv *csv;
	size_t width;           /* fields in the header */
	int acled[A_N];         /* ACLED: each field's index in the header */
	struct kmap map;        /* Kobo */
	char *text;             /* Kobo: the export, with commas */
	/* SMS */
	char *buf;
	size_t cap;
	struct ew_buf reply;
	int replied;
};

int
ew_import_parse(const char *s, enum ew_import_kind *kind)
{
	static const struct {
		const char *name;
		enum ew_import_kind kind;
	} kinds[] = {
		{"acled", EW_IMPORT_ACLED},
		{"kobo", EW_IMPORT_KOBO},
		{"sms", EW_IMPORT_SMS},
	};

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(s, kinds[i].name) == 0) {
			*kind = kinds[i].kind;
			return 1;
		}
	return 0;
}

/* s without the blanks around it, as [*b, *e). */
static void
trim(const char *s, const char *end, const char **b, const char **e)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*b = s;
	*e = end;
}

/* Appends tag to the ';'-separated tags of column EW_C_TAGS of r. */
static void
add_tag(struct ew_record *r, const char *tag)
{
	const char *tags = r->v[EW_C_TAGS];
	size_t n = strlen(tags);

	/* already there: a record exported by ew and imported back */
	for (const char *p = tags;;) {
		const char *semi = strchr(p, ';'), *end = semi ? semi : tags + n;
		const char *b, *e;
		trim(p, end, &b, &e);
		if ((size_t)(e - b) == strlen(tag) && memcmp(b, tag, strlen(tag)) == 0)
			return;
		if (!semi)
			break;
		p = semi + 1;
	}
	char *v = ew_xasprintf("%s%s%s", tags, n && tags[n - 1] != ';' ? ";" : "",
		tag);
	ew_record_set(r, EW_C_TAGS, v);
	free(v);
}

/* --- ACLED -------------------------------------------------------------- */

static int
acled_header(struct ew_import *im, struct ew_err *e)
{
	struct ew_row *row;
	int got = ew_csv_next(im->csv, &row, e);

	if (got <= 0) {
		if (got == 0)
			ew_errf(e, "%s: empty input (expected ACLED's header row, event_id_cnty,event_date,...)",
				im->name);
		return -1;
	}
	im->line = row->line;
	im->width = row->n;
	for (size_t i = 0; i < A_N; i++)
		im->acled[i] = -1;
	for (size_t i = 0; i < row->n; i++)
		for (size_t j = 0; j < A_N; j++) {
			if (strcasecmp(row->f[i], acled_fields[j].name) != 0)
				continue;
			if (im->acled[j] >= 0)
				return ew_errf(e, "%s:%lu: column '%s' appears twice (keep one)",
					im->name, row->line, row->f[i]);
			im->acled[j] = (int)i;
		}
	for (size_t j = 0; j < A_N; j++)
		if (acled_fields[j].required && im->acled[j] < 0)
			return ew_errf(e, "%s:%lu: no column '%s' (ACLED's header names at least event_date, event_type, sub_event_type, admin1 and admin2; is this ACLED's CSV?)",
				im->name, row->line, acled_fields[j].name);
	return 0;
}

/*
 * Parses ACLED's dates: YYYY-MM-DD, and the older "DD Month YYYY" (also
 * with a three-letter month, or '-' between the parts), into out.
 */
static int
acled_date(const char *s, char out[11])
{
	static const char *const months[] = {
		"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december",
	};
	long days, day = 0, year = 0;
	int month = 0, nd = 0, ny = 0;
	const char *p = s, *m;

	if (ew_date_parse(s, &days) == 0) {
		memcpy(out, s, 11);
		return 0;
	}
	for (; *p >= '0' && *p <= '9' && nd < 3; p++, nd++)
		day = day * 10 + (*p - '0');
	if (nd < 1 || nd > 2 || (*p != ' ' && *p != '-'))
		return -1;
	while (*p == ' ' || *p == '-')
		p++;
	for (m = p; (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'); p++)
		;
	size_t mlen = (size_t)(p - m);
	for (int i = 0; i < 12 && mlen >= 3; i++)
		if ((mlen == 3 || mlen == strlen(months[i])) &&
		    strncasecmp(m, months[i], mlen) == 0)
			month = i + 1;
	if (!month || (*p != ' ' && *p != '-'))
		return -1;
	while (*p == ' ' || *p == '-')
		p++;
	for (; *p >= '0' && *p <= '9' && ny < 5; p++, ny++)
		year = year * 10 + (*p - '0');
	if (ny != 4 || *p)
		return -1;
	/* digit by digit: each part has its digits counted above */
	out[0] = (char)('0' + year / 1000);
	out[1] = (char)('0' + year / 100 % 10);
	out[2] = (char)('0' + year / 10 % 10);
	out[3] = (char)('0' + year % 10);
	out[4] = out[7] = '-';
	out[5] = (char)('0' + month / 10);
	out[6] = (char)('0' + month % 10);
	out[8] = (char)('0' + day / 10);
	out[9] = (char)('0' + day % 10);
	out[10] = '\0';
	return ew_date_parse(out, &days);
}

/* The names of the places of level (under parent), ", "-separated. */
static void
place_names(const struct ew_places *pl, const char *level, const char *parent,
	struct ew_buf *out)
{
	for (size_t i = 0; i < pl->n; i++) {
		const struct ew_place *p = &pl->v[i];
		if (strcmp(p->level, level) != 0 ||
		    (parent && strcmp(p->parent, parent) != 0))
			continue;
		if (out->len)
			ew_buf_adds(out, ", ");
		ew_buf_adds(out, p->name);
	}
	if (!out->s)
		ew_buf_adds(out, "");
}

/* admin1, admin2 and admin3 to region, cercle and commune. */
static int
acled_places(struct ew_import *im, struct ew_record *r, const char *const *a,
	struct ew_err *e)
{
	const struct ew_places *pl = im->ctx.places;
	const struct ew_place *m[8], *region = NULL, *cercle;
	struct ew_buf names = {0};
	const char *near;
	size_t n;
	int rc;

	if (*a[A_ADMIN1]) {
		if (ew_places_find(pl, "region", a[A_ADMIN1], NULL, m, 1) == 0) {
			place_names(pl, "region", NULL, &names);
			rc = ew_errf(e, "%s:%lu: admin1 '%s' is not a region of the gazetteer: ew covers %s (leave the rows of other regions out of the import)",
				im->name, im->line, a[A_ADMIN1], names.s);
			ew_buf_free(&names);
			return rc;
		}
		region = m[0];
		ew_record_set(r, EW_C_REGION, region->name);
	}
	if (!*a[A_ADMIN2])
		return ew_errf(e, "%s:%lu: empty admin2 (ew needs the cercle of each event: fill in admin2)",
			im->name, im->line);
	n = ew_places_find(pl, "cercle", a[A_ADMIN2], region ? region->name : NULL,
		m, 8);
	if (n == 0) {
		near = ew_places_suggest(pl, "cercle", a[A_ADMIN2],
			region ? region->name : NULL);
		if (near)
			return ew_errf(e, "%s:%lu: unknown cercle '%s' in admin2 (did you mean '%s'?)",
				im->name, im->line, a[A_ADMIN2], near);
		place_names(pl, "cercle", region ? region->name : NULL, &names);
		rc = ew_errf(e, "%s:%lu: unknown cercle '%s' in admin2 (the gazetteer's cercles are %s; add the name to places.csv as an alias if it is one of them)",
			im->name, im->line, a[A_ADMIN2], names.s);
		ew_buf_free(&names);
		return rc;
	}
	if (n > 1) {
		for (size_t i = 0; i < n && i < 8; i++) {
			if (names.len)
				ew_buf_adds(&names, ", ");
			ew_buf_adds(&names, m[i]->parent);
		}
		rc = ew_errf(e, "%s:%lu: cercle '%s' is in several regions (%s): fill in admin1",
			im->name, im->line, a[A_ADMIN2], names.s);
		ew_buf_free(&names);
		return rc;
	}
	cercle = m[0];
	ew_record_set(r, EW_C_CERCLE, cercle->name);
	if (!*a[A_ADMIN3])
		return 0;
	if (ew_places_find(pl, "commune", a[A_ADMIN3], cercle->name, m, 1) == 1) {
		ew_record_set(r, EW_C_COMMUNE, m[0]->name);
		return 0;
	}
	n = ew_places_find(pl, "commune", a[A_ADMIN3], NULL, m, 8);
	if (n > 0) {
		for (size_t i = 0; i < n && i < 8; i++) {
			if (names.len)
				ew_buf_adds(&names, ", ");
			ew_buf_adds(&names, m[i]->parent);
		}
		rc = ew_errf(e, "%s:%lu: commune '%s' (admin3) is not in cercle '%s' (it is in %s: correct admin2 or admin3)",
			im->name, im->line, a[A_ADMIN3], cercle->name, names.s);
		ew_buf_free(&names);
		return rc;
	}
	near = ew_places_suggest(pl, "commune", a[A_ADMIN3], cercle->name);
	if (near)
		return ew_errf(e, "%s:%lu: unknown commune '%s' in admin3 (did you mean '%s'?)",
			im->name, im->line, a[A_ADMIN3], near);
	return ew_errf(e, "%s:%lu: unknown commune '%s' in admin3 of cercle '%s' (add it to places.csv, or empty admin3)",
		im->name, im->line, a[A_ADMIN3], cercle->name);
}

/*
 * Takes the CATEGORY_TAG tags out of ACLED's tags: the code of the last
 * goes to *code (allocated, or NULL), the other tags to rest, as they
 * were. Returns how many there were.
 */
static int
category_tag(const char *tags, char **code, struct ew_buf *rest)
{
	size_t len = strlen(CATEGORY_TAG), n = strlen(tags);
	int found = 0, kept = 0, lead = 0;

	*code = NULL;
	ew_buf_adds(rest, "");
	for (const char *p = tags;;) {
		const char *semi = strchr(p, ';'), *end = semi ? semi : tags + n;
		const char *b, *e;
		trim(p, end, &b, &e);
		if ((size_t)(e - b) >= len && strncasecmp(b, CATEGORY_TAG, len) == 0) {
			const char *cb, *ce;
			trim(b + len, e, &cb, &ce);
			free(*code);
			*code = ew_xstrndup(cb, (size_t)(ce - cb));
			found++;
			lead |= !kept;
		} else {
			/* what came after a leading category tag starts the tags */
			if (lead && !kept)
				p = b;
			if (kept++)
				ew_buf_addc(rest, ';');
			ew_buf_add(rest, p, (size_t)(end - p));
		}
		if (!semi)
			break;
		p = semi + 1;
	}
	return found;
}

/* The categories with ACLED's event_type and sub_event_type, in m. */
static size_t
acled_candidates(const struct ew_taxonomy *t, const char *type,
	const char *sub, const struct ew_category **m)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		if (strcasecmp(t->v[i].event_type, type) == 0 &&
		    strcasecmp(t->v[i].sub_event_type, sub) == 0)
			m[n++] = &t->v[i];
	return n;
}

/* The category of the row, from its types and its CATEGORY_TAG tag. */
static int
acled_category(struct ew_import *im, struct ew_record *r, const char *const *a,
	struct ew_err *e)
{
	const struct ew_taxonomy *t = im->ctx.tax;
	const char *type = a[A_EVENT_TYPE], *sub = a[A_SUB_EVENT_TYPE];
	const struct ew_category **m = ew_xcalloc(t->n + 1, sizeof *m), *cat = NULL;
	struct ew_buf rest = {0}, names = {0};
	char *code;
	int rc = -1, tagged = category_tag(a[A_TAGS], &code, &rest);
	size_t n = acled_candidates(t, type, sub, m);

	for (size_t i = 0; i < n; i++) {
		if (i)
			ew_buf_adds(&names, ", ");
		ew_buf_adds(&names, m[i]->code);
	}
	if (!*type || !*sub)
		ew_errf(e, "%s:%lu: empty %s (ew takes the category from event_type and sub_event_type)",
			im->name, im->line, !*type ? "event_type" : "sub_event_type");
	else if (tagged > 1)
		ew_errf(e, "%s:%lu: tags name the category %d times (keep one ew-category=CODE tag)",
			im->name, im->line, tagged);
	else if (tagged && !(cat = ew_taxonomy_find(t, code))) {
		const char *near = ew_taxonomy_suggest(t, code);
		if (near)
			ew_errf(e, "%s:%lu: unknown category '%s' in tag ew-category=%s (did you mean '%s'?)",
				im->name, im->line, code, code, near);
		else
			ew_errf(e, "%s:%lu: unknown category '%s' in tag ew-category=%s (see categories.csv for the codes)",
				im->name, im->line, code, code);
	} else if (n == 0)
		ew_errf(e, "%s:%lu: no category has event_type '%s' and sub_event_type '%s' (correct the types, or add a category with them to categories.csv)",
			im->name, im->line, type, sub);
	else if (tagged) {
		size_t i;
		for (i = 0; i < n && m[i] != cat; i++)
			;
		if (i == n)
			ew_errf(e, "%s:%lu: tag ew-category=%s does not fit event_type '%s' and sub_event_type '%s' (%s is '%s' and '%s'; name one of %s, or correct the types)",
				im->name, im->line, code, type, sub, cat->code,
				cat->event_type, cat->sub_event_type, names.s);
		else
			rc = 0;
	} else if (n > 1)
		ew_errf(e, "%s:%lu: event_type '%s' and sub_event_type '%s' fit several categories: %s (name one in tags, e.g. ew-category=%s)",
			im->name, im->line, type, sub, names.s, m[0]->code);
	else {
		cat = m[0];
		rc = 0;
	}
	if (rc == 0) {
		ew_record_set(r, EW_C_CATEGORY, cat->code);
		ew_record_set(r, EW_C_TAGS, rest.s);
	}
	free(code);
	free(m);
	ew_buf_free(&rest);
	ew_buf_free(&names);
	return rc;
}

/* ACLED's event_id_cnty: ew's own id, else kept as a tag. */
static void
acled_id(struct ew_record *r, const char *id)
{
	char up[27];

	if (ew_ulid_valid(id, up)) {
		ew_record_set(r, EW_C_ID, up);
	} else if (*id) {
		char *tag = ew_xasprintf(ACLED_ID_TAG "%s", id);
		add_tag(r, tag);
		free(tag);
	}
}

/* ACLED's timestamp (seconds since 1970) as updated_at. */
static int
acled_timestamp(struct ew_import *im, struct ew_record *r, const char *s,
	struct ew_err *e)
{
	char out[21];
	long secs;

	if (!*s)
		return 0;
	/* to 9999-12-31T23:59:59Z, the last time RFC 3339 can write */
	if (!ew_parse_int(s, 0, 253402300799L, &secs))
		return ew_errf(e, "%s:%lu: invalid timestamp '%s' (expected seconds since 1970-01-01 UTC, or nothing)",
			im->name, im->line, s);
	ew_time_format((time_t)secs, out);
	ew_record_set(r, EW_C_UPDATED_AT, out);
	return 0;
}

/* iso and country, when given, must be Mali's. */
static int
acled_country(struct ew_import *im, const char *const *a, struct ew_err *e)
{
	char *f = ew_fold(a[A_COUNTRY]);
	int mali = !*f || strcmp(f, "mali") == 0;

	free(f);
	if (!mali)
		return ew_errf(e, "%s:%lu: country '%s' is not Mali (ew covers the Ségou region of Mali: leave the rows of other countries out)",
			im->name, im->line, a[A_COUNTRY]);
	if (*a[A_ISO] && strcmp(a[A_ISO], ACLED_ISO) != 0)
		return ew_errf(e, "%s:%lu: iso '%s' is not Mali's 466 (ew covers the Ségou region of Mali: leave the rows of other countries out)",
			im->name, im->line, a[A_ISO]);
	return 0;
}

static int
acled_row(struct ew_import *im, const struct ew_row *row,
	struct ew_record *r, struct ew_err *e)
{
	const char *a[A_N];
	char date[11];

	for (size_t i = 0; i < A_N; i++)
		a[i] = im->acled[i] >= 0 ? row->f[im->acled[i]] : "";
	for (size_t i = 0; i < A_N; i++)
		if (acled_fields[i].col >= 0)
			ew_record_set(r, (size_t)acled_fields[i].col, a[i]);
	if (acled_country(im, a, e) < 0)
		return -1;
	if (acled_date(a[A_DATE], date) < 0)
		return ew_errf(e, "%s:%lu: invalid event_date '%s' (expected YYYY-MM-DD, or DD Month YYYY as older ACLED files have it)",
			im->name, im->line, a[A_DATE]);
	ew_record_set(r, EW_C_EVENT_DATE, date);
	if (acled_places(im, r, a, e) < 0 || acled_category(im, r, a, e) < 0 ||
	    acled_timestamp(im, r, a[A_TIMESTAMP], e) < 0)
		return -1;
	acled_id(r, a[A_ID]);
	return 0;
}

typedef int row_fn(struct ew_import *im, const struct ew_row *row,
	struct ew_record *r, struct ew_err *e);

/*
 * The next row of a CSV export whose header has been read, made a
 * record by make (ACLED's or Kobo's): as ew_import_next.
 */
static int
next_row(struct ew_import *im, row_fn *make, struct ew_record **rec,
	struct ew_err *e)
{
	struct ew_row *row;
	int got;

	if ((got = ew_csv_next(im->csv, &row, e)) <= 0)
		return got;
	im->line = row->line;
	if (row->n != im->width)
		return ew_errf(e, "%s:%lu: expected %zu fields, found %zu", im->name,
			row->line, im->width, row->n);
	struct ew_record *r = ew_record_new(im->ctx.schema);
	r->line = row->line;
	if (make(im, row, r, e) < 0) {
		ew_record_free(r);
		return -1;
	}
	*rec = r;
	return 1;
}

static int
acled_next(struct ew_import *im, struct ew_record **rec, struct ew_err *e)
{
	if (!im->width && acled_header(im, e) < 0) {
		im->dead = 1;
		return -1;
	}
	return next_row(im, acled_row, rec, e);
}

/* --- Kobo: the mapping file ------------------------------------------- */

static void
kmap_free(struct kmap *m)
{
	for (size_t i = 0; i < m->nf; i++)
		free(m->f[i].column);
	for (size_t i = 0; i < m->nc; i++) {
		free(m->c[i].choice);
		free(m->c[i].fold);
		free(m->c[i].value);
	}
	free(m->f);
	free(m->c);
	free(m->path);
	memset(m, 0, sizeof *m);
}

/* The target called name: a schema column, uuid or geopoint; or -1. */
static int
kmap_target(const struct ew_schema *s, const char *name)
{
	if (strcmp(name, "uuid") == 0)
		return K_UUID;
	if (strcmp(name, "geopoint") == 0)
		return K_GEOPOINT;
	return ew_schema_col(s, name);
}

static int
unknown_field(const struct kmap *m, unsigned long line,
	const struct ew_schema *s, const char *name, struct ew_err *e)
{
	struct ew_near near;
	const char *best;

	ew_near_init(&near, name);
	for (size_t i = 0; i < s->n; i++)
		ew_near_consider(&near, s->cols[i].name);
	ew_near_consider(&near, "uuid");
	ew_near_consider(&near, "geopoint");
	best = ew_near_done(&near);
	if (best)
		return ew_errf(e, "%s:%lu: unknown field '%s' (did you mean '%s'?)",
			m->path, line, name, best);
	return ew_errf(e, "%s:%lu: unknown field '%s' (a field is a column of the record, see ew-data(5), or uuid or geopoint)",
		m->path, line, name);
}

static struct kfield *
kmap_field(struct kmap *m, int target)
{
	for (size_t i = 0; i < m->nf; i++)
		if (m->f[i].target == target)
			return &m->f[i];
	return NULL;
}

/* One line "FIELD = COLUMN", "FIELD = \"TEXT\"" or "FIELD: CHOICE = VALUE". */
static int
kmap_line(struct kmap *m, const struct ew_schema *s, unsigned long line,
	const char *p, const char *end, struct ew_err *e)
{
	const char *eq = memchr(p, '=', (size_t)(end - p));
	const char *b, *f, *colon;
	char *name;
	int target;

	if (!eq)
		return ew_errf(e, "%s:%lu: expected FIELD = COLUMN, or FIELD: CHOICE = VALUE",
			m->path, line);
	colon = memchr(p, ':', (size_t)(eq - p));
	trim(p, colon ? colon : eq, &b, &f);
	name = ew_xstrndup(b, (size_t)(f - b));
	target = kmap_target(s, name);
	if (target == -1) {
		int rc = unknown_field(m, line, s, name, e);
		free(name);
		return rc;
	}
	trim(eq + 1, end, &b, &f);
	if (colon) {
		const char *cb, *ce;
		trim(colon + 1, eq, &cb, &ce);
		if (target < 0 || cb == ce) {
			int rc = target < 0 ?
				ew_errf(e, "%s:%lu: %s takes no value map", m->path,
					line, name) :
				ew_errf(e, "%s:%lu: empty choice for %s (expected FIELD: CHOICE = VALUE)",
					m->path, line, name);
			free(name);
			return rc;
		}
		free(name);
		char *choice = ew_xstrndup(cb, (size_t)(ce - cb));
		for (size_t i = 0; i < m->nc; i++)
			if (m->c[i].target == target && strcmp(m->c[i].choice, choice) == 0) {
				free(choice);
				return ew_errf(e, "%s:%lu: choice '%s' of %s is mapped twice (first on line %lu)",
					m->path, line, m->c[i].choice,
					s->cols[target].name, m->c[i].line);
			}
		m->c = ew_xrealloc(m->c, (m->nc + 1) * sizeof *m->c);
		m->c[m->nc++] = (struct kchoice){target, choice, ew_fold(choice),
			ew_xstrndup(b, (size_t)(f - b)), line};
		return 0;
	}
	const struct kfield *had = kmap_field(m, target);
	if (had) {
		int rc = ew_errf(e, "%s:%lu: field '%s' is mapped twice (first on line %lu)",
			m->path, line, name, had->line);
		free(name);
		return rc;
	}
	if (b == f) {
		int rc = ew_errf(e, "%s:%lu: no column for '%s' (expected FIELD = COLUMN)",
			m->path, line, name);
		free(name);
		return rc;
	}
	free(name);
	int constant = f - b >= 2 && *b == '"' && f[-1] == '"';
	if (constant)
		b++, f--;
	m->f = ew_xrealloc(m->f, (m->nf + 1) * sizeof *m->f);
	m->f[m->nf++] = (struct kfield){target, ew_xstrndup(b, (size_t)(f - b)),
		constant, line, 0};
	return 0;
}

static int
kmap_parse(struct kmap *m, const struct ew_schema *s, const char *text,
	size_t len, struct ew_err *e)
{
	const char *p = text, *end = text + len;
	unsigned long line = 0;

	if (memchr(text, '\0', len) || !ew_utf8_valid(text, len))
		return ew_errf(e, "%s: not a mapping file (it is not UTF-8 text)", m->path);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *b, *f;
		line++;
		trim(p, le, &b, &f);
		if (b < f && *b != '#' && kmap_line(m, s, line, b, f, e) < 0)
			return -1;
		p = nl ? nl + 1 : end;
	}
	if (m->nf == 0)
		return ew_errf(e, "%s: maps no field (expected lines FIELD = COLUMN)",
			m->path);
	for (size_t i = 0; i < m->nc; i++)
		if (!kmap_field(m, m->c[i].target))
			return ew_errf(e, "%s:%lu: a value map for %s, which no line maps to a column (add %s = COLUMN)",
				m->path, m->c[i].line, s->cols[m->c[i].target].name,
				s->cols[m->c[i].target].name);
	return 0;
}

/* The mappings of the share directory, for a message. */
static void
known_mappings(const char *dir, struct ew_buf *out)
{
	struct ew_strv names = {0};
	struct dirent *d;
	DIR *dp = opendir(dir);

	while (dp && (d = readdir(dp))) {
		size_t n = strlen(d->d_name);
		if (n > 5 && d->d_name[0] != '.' && strcmp(d->d_name + n - 5, ".conf") == 0)
			ew_strv_push(&names, ew_xstrndup(d->d_name, n - 5));
	}
	if (dp)
		closedir(dp);
	ew_strv_sort_unique(&names);
	for (size_t i = 0; i < names.n; i++) {
		if (i)
			ew_buf_adds(out, ", ");
		ew_buf_adds(out, names.v[i]);
	}
	ew_strv_free(&names);
}

/*
 * Loads the mapping called name: NULL for the default "kobo", a bare
 * NAME for SHAREDIR/mappings/NAME.conf, or a path (any name with '/').
 */
static int
kmap_load(struct kmap *m, const struct ew_schema *s, const char *name,
	struct ew_err *e)
{
	char *text, *dir = NULL;
	size_t len;
	int rc;

	if (!name)
		name = "kobo";
	if (!*name)
		return ew_errf(e, "empty mapping name (give a name such as kobo, or a file)");
	if (strchr(name, '/')) {
		m->path = ew_xstrdup(name);
	} else {
		dir = ew_xasprintf("%s/mappings", ew_sharedir());
		m->path = ew_xasprintf("%s/%s.conf", dir, name);
	}
	if (!(text = ew_read_file(m->path, &len))) {
		int err = errno;
		if (dir) {
			struct ew_buf known = {0};
			known_mappings(dir, &known);
			rc = ew_errf(e, "mapping '%s': cannot read %s: %s (the mappings in %s are: %s; or give a file's path)",
				name, m->path, strerror(err), dir,
				/* TRANSLATORS: no mapping in the directory */
				known.s ? known.s : _("none"));
			ew_buf_free(&known);
		} else {
			rc = ew_errf(e, "mapping %s: cannot read it: %s", m->path,
				strerror(err));
		}
		free(dir);
		return rc;
	}
	free(dir);
	rc = kmap_parse(m, s, text, len, e);
	free(text);
	return rc;
}

/* --- Kobo: the export ---------------------------------------------------- */

/* Reads the rest of fp into out. */
static int
slurp(FILE *fp, const char *name, struct ew_buf *out, struct ew_err *e)
{
	char blk[65536];
	size_t got;

	ew_buf_adds(out, "");
	while ((got = fread(blk, 1, sizeof blk, fp)) > 0)
		ew_buf_add(out, blk, got);
	if (ferror(fp))
		return ew_errf(e, "%s: cannot read: %s", name, strerror(errno));
	return 0;
}

/*
 * 1 when the first row of s[0..n) has more semicolons than commas outside
 * quotes: an export made for a locale that writes decimal commas.
 */
static int
semicolon_separated(const char *s, size_t n)
{
	size_t commas = 0, semis = 0, i = 0;
	int quoted = 0;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && (s[i] == '\n' || s[i] == '\r'))
		i++;
	for (; i < n && (quoted || (s[i] != '\n' && s[i] != '\r')); i++) {
		if (s[i] == '"') {
			quoted = !quoted;
		} else if (!quoted) {
			commas += s[i] == ',';
			semis += s[i] == ';';
		}
	}
	return semis > commas;
}

/*
 * Rewrites CSV with ';' between fields into CSV with ',', keeping every
 * line break where it was (so line numbers hold) and each quoted field as
 * it is; an unquoted field with a comma gets quotes. What is wrong (stray
 * quotes, a quote left open) is kept for the CSV reader to report.
 */
static void
semicolons_to_commas(const char *s, size_t n, struct ew_buf *out)
{
	size_t i = 0;

	ew_buf_adds(out, "");
	while (i < n) {
		size_t start = i;
		if (s[i] == '"') {
			for (i++; i < n; i++)
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"')
						i++;
					else
						break;
				}
			if (i < n)
				i++;
			while (i < n && s[i] != ';' && s[i] != '\n' && s[i] != '\r')
				i++;
			ew_buf_add(out, s + start, i - start);
		} else {
			while (i < n && s[i] != ';' && s[i] != '\n' && s[i] != '\r')
				i++;
			if (memchr(s + start, ',', i - start)) {
				ew_buf_addc(out, '"');
				for (size_t k = start; k < i; k++) {
					if (s[k] == '"')
						ew_buf_addc(out, '"');
					ew_buf_addc(out, s[k]);
				}
				ew_buf_addc(out, '"');
			} else {
				ew_buf_add(out, s + start, i - start);
			}
		}
		if (i < n)
			ew_buf_addc(out, s[i] == ';' ? ',' : s[i]);
		i++;
	}
}

/* The part of a header after its last group ("incident/cercle": "cercle"). */
static const char *
last_segment(const char *h)
{
	const char *slash = strrchr(h, '/');
	return slash ? slash + 1 : h;
}

/*
 * Finds each mapped column in the header: by its whole name, or when the
 * mapping names no group, by the part after the last '/', so that
 * "cercle" finds "incident/cercle" whatever the group is called.
 */
static int
kobo_header(struct ew_import *im, struct ew_err *e)
{
	struct kmap *m = &im->map;
	struct ew_row *row;
	int got = ew_csv_next(im->csv, &row, e);

	if (got <= 0) {
		if (got == 0)
			ew_errf(e, "%s: empty input (expected the export's header row)",
				im->name);
		return -1;
	}
	im->line = row->line;
	im->width = row->n;
	for (size_t i = 0; i < m->nf; i++) {
		struct kfield *f = &m->f[i];
		size_t n = 0, at = 0;
		if (f->constant)
			continue;
		for (size_t j = 0; j < row->n && n == 0; j++)
			if (strcmp(row->f[j], f->column) == 0)
				at = j, n = 1;
		if (!n && !strchr(f->column, '/')) {
			struct ew_buf names = {0};
			for (size_t j = 0; j < row->n; j++)
				if (strcmp(last_segment(row->f[j]), f->column) == 0) {
					if (n++)
						ew_buf_adds(&names, ", ");
					ew_buf_adds(&names, row->f[j]);
					at = j;
				}
			if (n > 1) {
				int rc = ew_errf(e, "%s:%lu: column '%s' (mapped on %s:%lu) matches several columns: %s (write the group too, e.g. %s)",
					im->name, row->line, f->column, m->path,
					f->line, names.s, row->f[at]);
				ew_buf_free(&names);
				return rc;
			}
			ew_buf_free(&names);
		}
		if (n == 0)
			return ew_errf(e, "%s:%lu: no column '%s', which %s:%lu maps to %s (correct the mapping, or export that question)",
				im->name, row->line, f->column, m->path, f->line,
				f->target == K_UUID ? "uuid" : f->target == K_GEOPOINT ?
				"geopoint" : im->ctx.schema->cols[f->target].name);
		f->idx = at;
	}
	return 0;
}

/* A choice through the value maps of target: the value mapped, or v. */
static const char *
kobo_choice(const struct kmap *m, int target, const char *v)
{
	const struct kchoice *folded = NULL;
	char *fv = NULL;

	for (size_t i = 0; i < m->nc; i++) {
		const struct kchoice *c = &m->c[i];
		if (c->target != target)
			continue;
		if (strcmp(c->choice, v) == 0) {
			free(fv);
			return c->value;
		}
		if (!fv)
			fv = ew_fold(v);
		if (!folded && *fv && strcmp(c->fold, fv) == 0)
			folded = c;
	}
	free(fv);
	return folded ? folded->value : v;
}

static int
has_choices(const struct kmap *m, int target)
{
	for (size_t i = 0; i < m->nc; i++)
		if (m->c[i].target == target)
			return 1;
	return 0;
}

/*
 * Tags from a select_multiple question: its choices (separated by
 * spaces), each through the value maps, parted by ';'.
 */
static void
kobo_tags(const struct kmap *m, const char *v, struct ew_buf *out)
{
	ew_buf_adds(out, "");
	while (*v) {
		size_t n = strcspn(v, " \t");
		if (n) {
			char *choice = ew_xstrndup(v, n);
			const char *tag = kobo_choice(m, EW_C_TAGS, choice);
			if (*tag) {
				if (out->len)
					ew_buf_addc(out, ';');
				ew_buf_adds(out, tag);
			}
			free(choice);
		}
		v += n;
		v += strspn(v, " \t");
	}
}

/*
 * A time as Kobo gives it, in UTC as records have it: RFC 3339, or
 * without a zone ("2024-03-05T09:14:02", or with a space for the 'T'),
 * which Kobo's _submission_time means as UTC.
 */
static int
kobo_time(const char *v, char out[21])
{
	time_t t;
	char *z;
	int ok = ew_time_parse(v, &t) == 0;

	if (!ok) {
		z = ew_xasprintf("%sZ", v);
		if (strlen(z) > 10 && z[10] == ' ')
			z[10] = 'T';
		ok = ew_time_parse(z, &t) == 0;
		free(z);
	}
	if (ok)
		ew_time_format(t, out);
	return ok ? 0 : -1;
}

/*
 * Sets column col of r to v in the form of the column: a date from a
 * date and time ("2024-03-05T08:12:33.123+00:00", as Kobo's start and
 * end are, is event_date 2024-03-05), a time in UTC (kobo_time).
 * Anything else is left as it is, for the checker.
 */
static void
kobo_set(struct ew_record *r, const struct ew_schema *s, size_t col,
	const char *v)
{
	char out[21];
	long days;

	if (s->cols[col].type == EW_T_DATE && strlen(v) > 10 &&
	    (v[10] == 'T' || v[10] == ' ')) {
		memcpy(out, v, 10);
		out[10] = '\0';
		if (ew_date_parse(out, &days) == 0) {
			ew_record_set(r, col, out);
			return;
		}
	}
	if (s->cols[col].type == EW_T_TIME && *v && kobo_time(v, out) == 0) {
		ew_record_set(r, col, out);
		return;
	}
	ew_record_set(r, col, v);
}

/*
 * A geopoint, "LAT LON ALT ACC" as Kobo exports a geopoint question, or
 * "[LAT, LON]" as it gives _geolocation: its first two numbers.
 */
static int
geopoint(const char *v, char **lat, char **lon)
{
	char *copy = ew_xstrdup(v), *tok[2], *save = NULL, *p;
	int n = 0;

	for (p = copy; *p; p++)
		if (*p == '[' || *p == ']' || *p == ',')
			*p = ' ';
	for (p = strtok_r(copy, " \t", &save); p && n < 2;
	     p = strtok_r(NULL, " \t", &save))
		tok[n++] = p;
	if (n == 2) {
		*lat = ew_xstrdup(tok[0]);
		*lon = ew_xstrdup(tok[1]);
	}
	free(copy);
	return n == 2 ? 0 : -1;
}

static int
kobo_row(struct ew_import *im, const struct ew_row *row, struct ew_record *r,
	struct ew_err *e)
{
	const struct kmap *m = &im->map;
	const struct ew_schema *s = im->ctx.schema;
	const char *uuid = "", *geo = NULL;
	const struct kfield *geof = NULL;
	struct ew_buf tags = {0};

	for (size_t i = 0; i < m->nf; i++) {
		const struct kfield *f = &m->f[i];
		const char *v = f->constant ? f->column : row->f[f->idx];
		if (f->target == K_UUID) {
			uuid = v;
		} else if (f->target == K_GEOPOINT) {
			geo = v;
			geof = f;
		} else if (f->target == EW_C_TAGS && has_choices(m, EW_C_TAGS)) {
			kobo_tags(m, v, &tags);
			ew_record_set(r, EW_C_TAGS, tags.s);
		} else {
			kobo_set(r, s, (size_t)f->target, kobo_choice(m, f->target, v));
		}
	}
	ew_buf_free(&tags);
	if (geo && *geo && !*r->v[EW_C_LATITUDE] && !*r->v[EW_C_LONGITUDE]) {
		char *lat, *lon;
		if (geopoint(geo, &lat, &lon) < 0)
			return ew_errf(e, "%s:%lu: geopoint '%s' in column '%s' is not LATITUDE LONGITUDE [ALTITUDE ACCURACY] (correct it, or map latitude and longitude instead)",
				im->name, im->line, geo, geof->column);
		ew_record_set(r, EW_C_LATITUDE, lat);
		ew_record_set(r, EW_C_LONGITUDE, lon);
		free(lat);
		free(lon);
	}
	/* ODK writes its instanceID as "uuid:...", Kobo's _uuid is bare */
	if (strncmp(uuid, "uuid:", 5) == 0)
		uuid += 5;
	if (*uuid) {
		char *tag = ew_xasprintf(KOBO_ID_TAG "%s", uuid);
		add_tag(r, tag);
		free(tag);
	}
	return 0;
}

static int
kobo_start(struct ew_import *im, struct ew_err *e)
{
	struct ew_buf raw = {0}, conv = {0};

	if (slurp(im->fp, im->name, &raw, e) < 0) {
		ew_buf_free(&raw);
		return -1;
	}
	if (semicolon_separated(raw.s, raw.len)) {
		semicolons_to_commas(raw.s, raw.len, &conv);
		ew_buf_free(&raw);
		raw = conv;
	}
	im->text = raw.s;
	im->csv = ew_csv_open_mem(raw.s, raw.len, im->name);
	return kobo_header(im, e);
}

static int
kobo_next(struct ew_import *im, struct ew_record **rec, struct ew_err *e)
{
	if (!im->csv && kobo_start(im, e) < 0) {
		im->dead = 1;
		return -1;
	}
	return next_row(im, kobo_row, rec, e);
}

/* --- SMS ------------------------------------------------------------------ */

static int
sms_next(struct ew_import *im, struct ew_record **rec, struct ew_err *e)
{
	struct ew_sms_ctx ctx = {im->ctx.schema, im->ctx.places, im->ctx.tax,
		im->ctx.today};
	ssize_t got;

	while ((got = getline(&im->buf, &im->cap, im->fp)) > 0) {
		size_t n = (size_t)got;
		im->line++;
		if (n && im->buf[n - 1] == '\n')
			im->buf[--n] = '\0';
		if (n && im->buf[n - 1] == '\r')
			im->buf[--n] = '\0';
		if (strspn(im->buf, " \t\r") == n)
			continue;
		if (memchr(im->buf, '\0', n))
			return ew_errf(e, "%s:%lu: NUL byte in a message", im->name,
				im->line);
		ew_buf_reset(&im->reply);
		if (ew_sms_parse(&ctx, im->buf, rec, &im->reply) < 0) {
			im->replied = 1;
			return ew_errf(e, "%s:%lu: %s", im->name, im->line,
				im->reply.s ? im->reply.s : "");
		}
		(*rec)->line = im->line;
		return 1;
	}
	if (ferror(im->fp)) {
		im->dead = 1;
		return ew_errf(e, "%s: cannot read: %s", im->name, strerror(errno));
	}
	return 0;
}

/* --- the import ----------------------------------------------------------- */

struct ew_import *
ew_import_open(enum ew_import_kind kind, FILE *fp, const char *name,
	const struct ew_import_ctx *ctx, struct ew_err *e)
{
	struct ew_import *im;

	if (kind == EW_IMPORT_ACLED && (!ctx->places || !ctx->tax)) {
		ew_errf(e, "the ACLED import needs the gazetteer and the taxonomy");
		return NULL;
	}
	im = ew_xcalloc(1, sizeof *im);
	im->kind = kind;
	im->ctx = *ctx;
	im->name = name;
	im->fp = fp;
	if (kind == EW_IMPORT_KOBO &&
	    kmap_load(&im->map, ctx->schema, ctx->mapping, e) < 0) {
		ew_import_close(im);
		return NULL;
	}
	if (kind == EW_IMPORT_ACLED)
		im->csv = ew_csv_open_file(fp, name);
	return im;
}

int
ew_import_next(struct ew_import *im, struct ew_record **rec, struct ew_err *e)
{
	im->replied = 0;
	if (im->dead)
		return 0;
	switch (im->kind) {
	case EW_IMPORT_ACLED:
		return acled_next(im, rec, e);
	case EW_IMPORT_KOBO:
		return kobo_next(im, rec, e);
	case EW_IMPORT_SMS:
		return sms_next(im, rec, e);
	}
	return 0;
}

const char *
ew_import_reply(const struct ew_import *im)
{
	return im->replied ? im->reply.s : NULL;
}

unsigned long
ew_import_line(const struct ew_import *im)
{
	return im->line;
}

void
ew_import_close(struct ew_import *im)
{
	if (!im)
		return;
	ew_csv_close(im->csv);
	kmap_free(&im->map);
	free(im->text);
	free(im->buf);
	ew_buf_free(&im->reply);
	free(im);
}
