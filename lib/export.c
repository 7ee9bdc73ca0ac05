/* export.c - see export.h */
#include "export.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "date.h"
#include "repo.h"

/* ACLED's columns, in ACLED's order. */
static const char *const acled_names[] = {
	"event_id_cnty", "event_date", "year", "time_precision",
	"disorder_type", "event_type", "sub_event_type", "actor1",
	"assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
	"interaction", "civilian_targeting", "iso", "region", "country",
	"admin1", "admin2", "admin3", "location", "latitude", "longitude",
	"geo_precision", "source", "source_scale", "notes", "fatalities",
	"tags", "timestamp",
};
enum { ACLED_NCOLS = sizeof acled_names / sizeof acled_names[0] };

/* Where every record of this deployment is, as ACLED codes it. */
#define ACLED_ISO "466"
#define ACLED_REGION "Western Africa"
#define ACLED_COUNTRY "Mali"
/* The event type whose events ACLED marks as civilian targeting. */
#define ACLED_CIVILIANS "Violence against civilians"
#define ACLED_CIVILIAN_TARGETING "Civilian targeting"
/*
 * The tag that names the category of a row whose ACLED types several
 * categories have (import.h reads it back).
 */
#define ACLED_CATEGORY_TAG "ew-category="

/* The hashtags of the built-in columns, in schema order. */
static const char *const hxl_tags[EW_NBUILTIN] = {
	[EW_C_ID] = "#event+code",
	[EW_C_EVENT_DATE] = "#date+occurred",
	[EW_C_DATE_PRECISION] = "#meta+date_precision",
	[EW_C_REPORTED_AT] = "#date+reported",
	[EW_C_UPDATED_AT] = "#date+updated",
	[EW_C_REPORTER] = "#meta+reporter",
	[EW_C_CHANNEL] = "#meta+channel",
	[EW_C_REGION] = "#adm1+name",
	[EW_C_CERCLE] = "#adm2+name",
	[EW_C_COMMUNE] = "#adm3+name",
	[EW_C_LOCATION] = "#loc+name",
	[EW_C_LATITUDE] = "#geo+lat",
	[EW_C_LONGITUDE] = "#geo+lon",
	[EW_C_GEO_PRECISION] = "#meta+geo_precision",
	[EW_C_CATEGORY] = "#event+type",
	[EW_C_SEVERITY] = "#severity",
	[EW_C_KILLED] = "#affected+killed",
	[EW_C_INJURED] = "#affected+injured",
	[EW_C_ABDUCTED] = "#affected+abducted",
	[EW_C_DISPLACED] = "#affected+displaced",
	[EW_C_ACTOR1] = "#group+name+first",
	[EW_C_ACTOR2] = "#group+name+second",
	[EW_C_SOURCE] = "#meta+source",
	[EW_C_STATUS] = "#status",
	[EW_C_DUPLICATE_OF] = "#meta+duplicate_of",
	[EW_C_SENSITIVITY] = "#meta+sensitivity",
	[EW_C_DESCRIPTION] = "#description",
	[EW_C_TAGS] = "#meta+tags",
};

int
ew_export_parse(const char *s, enum ew_export_kind *kind)
{
	static const struct {
		const char *name;
		enum ew_export_kind kind;
	} kinds[] = {
		{"acled", EW_EXPORT_ACLED},
		{"hxl", EW_EXPORT_HXL},
		{"geojson", EW_EXPORT_GEOJSON},
	};

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(s, kinds[i].name) == 0) {
			*kind = kinds[i].kind;
			return 1;
		}
	return 0;
}

int
ew_export_catalogs(enum ew_export_kind kind, struct ew_places *p,
	struct ew_taxonomy *t, struct ew_err *e)
{
	char *path;
	int rc = 0;

	if (kind == EW_EXPORT_ACLED) {
		path = ew_xasprintf("%s/categories.csv", ew_sharedir());
		rc = ew_taxonomy_load(t, path, e);
		free(path);
	} else if (kind == EW_EXPORT_GEOJSON) {
		path = ew_xasprintf("%s/places.csv", ew_sharedir());
		rc = ew_places_load(p, path, e);
		free(path);
	}
	if (rc < 0 && e) {
		struct ew_err why = *e;
		ew_errf(e, "%s (outside a repository, the share directory's is used: is EW_SHAREDIR right?)",
			why.msg);
	}
	return rc;
}

void
ew_hxl_hashtag(const struct ew_schema *s, size_t col, struct ew_buf *out)
{
	const char *name = s->cols[col].name;

	if (col < EW_NBUILTIN) {
		ew_buf_adds(out, hxl_tags[col]);
		return;
	}
	ew_buf_adds(out, "#meta+");
	if (!(*name >= 'a' && *name <= 'z') && !(*name >= 'A' && *name <= 'Z'))
		ew_buf_addc(out, 'x');
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9'))
			c = '_';
		ew_buf_addc(out, c);
	}
}

/*
 * 1 when another category of the taxonomy has c's ACLED event type and
 * sub-event type (ignoring case, as the import compares them): a row of
 * c could not be told from one of it.
 */
static int
acled_shared(const struct ew_taxonomy *t, const struct ew_category *c)
{
	for (size_t i = 0; i < t->n; i++)
		if (&t->v[i] != c &&
		    strcasecmp(t->v[i].event_type, c->event_type) == 0 &&
		    strcasecmp(t->v[i].sub_event_type, c->sub_event_type) == 0)
			return 1;
	return 0;
}

/*
 * ACLED's tags for r: the record's tags, and for a category whose ACLED
 * types another category shares, the tag ACLED_CATEGORY_TAG CODE after
 * them (parted by ACLED's "; "), so that an import gets the category
 * back. Points into r, or into buf.
 */
static const char *
acled_tags(const struct ew_export *x, const struct ew_record *r,
	const struct ew_category *c, struct ew_buf *buf)
{
	const char *tags = r->v[EW_C_TAGS];

	if (!acled_shared(x->tax, c))
		return tags;
	ew_buf_adds(buf, tags);
	if (*tags)
		ew_buf_adds(buf, "; ");
	ew_buf_adds(buf, ACLED_CATEGORY_TAG);
	ew_buf_adds(buf, c->code);
	return buf->s;
}

/*
 * ACLED's row of r into vals[ACLED_NCOLS]; year, ts and tags hold what is
 * made.
 */
static int
acled_row(const struct ew_export *x, const struct ew_record *r,
	const char **vals, char year[5], char ts[24], struct ew_buf *tags,
	struct ew_err *e)
{
	const char *const *v = (const char *const *)r->v;
	const struct ew_category *c = x->tax ?
		ew_taxonomy_find(x->tax, v[EW_C_CATEGORY]) : NULL;
	long days;
	time_t t;

	if (!c)
		return ew_errf(e, "record %s has category '%s', which is not in the taxonomy (categories.csv), so it has no ACLED event type; add the category to categories.csv or correct the record",
			v[EW_C_ID], v[EW_C_CATEGORY]);
	*year = *ts = '\0';
	if (ew_date_parse(v[EW_C_EVENT_DATE], &days) == 0) {
		memcpy(year, v[EW_C_EVENT_DATE], 4);
		year[4] = '\0';
	}
	if (*v[EW_C_UPDATED_AT] && ew_time_parse(v[EW_C_UPDATED_AT], &t) == 0)
		snprintf(ts, 24, "%lld", (long long)t);
	const char *row[ACLED_NCOLS] = {
		v[EW_C_ID], v[EW_C_EVENT_DATE], year, v[EW_C_DATE_PRECISION],
		c->disorder_type, c->event_type, c->sub_event_type,
		v[EW_C_ACTOR1], "", "", v[EW_C_ACTOR2], "", "", "",
		strcmp(c->event_type, ACLED_CIVILIANS) == 0 ?
			ACLED_CIVILIAN_TARGETING : "",
		ACLED_ISO, ACLED_REGION, ACLED_COUNTRY,
		v[EW_C_REGION], v[EW_C_CERCLE], v[EW_C_COMMUNE],
		v[EW_C_LOCATION], v[EW_C_LATITUDE], v[EW_C_LONGITUDE],
		v[EW_C_GEO_PRECISION], v[EW_C_SOURCE], "",
		v[EW_C_DESCRIPTION], v[EW_C_KILLED], acled_tags(x, r, c, tags), ts,
	};
	memcpy(vals, row, sizeof row);
	return 0;
}

/*
 * The place of level called name (under parent, when there is one), when
 * the gazetteer has exactly one and it has coordinates.
 */
static const struct ew_place *
located(const struct ew_places *p, const char *level, const char *name,
	const char *parent)
{
	const struct ew_place *pl;

	if (!p || !*name ||
	    ew_places_find(p, level, name, *parent ? parent : NULL, &pl, 1) != 1)
		return NULL;
	return ew_json_number(pl->lat) && ew_json_number(pl->lon) ? pl : NULL;
}

/*
 * GeoJSON's geometry for r: a Point at the record's coordinates, else at
 * its commune's, else at its cercle's; null when none is known.
 */
static void
geometry(const struct ew_export *x, const struct ew_record *r,
	struct ew_buf *out)
{
	const char *lat = r->v[EW_C_LATITUDE], *lon = r->v[EW_C_LONGITUDE];
	const struct ew_place *pl = NULL;

	if (!ew_json_number(lat) || !ew_json_number(lon)) {
		pl = located(x->places, "commune", r->v[EW_C_COMMUNE], r->v[EW_C_CERCLE]);
		if (!pl)
			pl = located(x->places, "cercle", r->v[EW_C_CERCLE], r->v[EW_C_REGION]);
		if (!pl) {
			ew_buf_adds(out, "null");
			return;
		}
		lat = pl->lat;
		lon = pl->lon;
	}
	ew_buf_addf(out, "{\"type\":\"Point\",\"coordinates\":[%s,%s]}", lon, lat);
}

static void
flush_line(struct ew_export *x)
{
	ew_buf_write(&x->line, x->fp);
}

/* The names, numeric flags and value slots of the columns x->cols. */
static void
set_columns(struct ew_export *x)
{
	ew_schema_slots(x->schema, x->cols, x->ncols, &x->names, &x->numeric,
		&x->vals);
}

static void
hxl_begin(struct ew_export *x, int opts)
{
	struct ew_buf tags = {0};
	size_t *at = ew_xcalloc(x->ncols, sizeof *at);

	set_columns(x);
	ew_out_begin_with(&x->out, EW_FMT_CSV, opts, x->fp, x->names, NULL,
		x->ncols);
	/* one buffer for the whole row: the offsets become pointers after */
	for (size_t i = 0; i < x->ncols; i++) {
		at[i] = tags.len;
		ew_hxl_hashtag(x->schema, x->cols[i], &tags);
		ew_buf_addc(&tags, '\0');
	}
	for (size_t i = 0; i < x->ncols; i++)
		x->vals[i] = tags.s + at[i];
	ew_out_row(&x->out, x->vals);
	ew_buf_free(&tags);
	free(at);
}

void
ew_export_begin(struct ew_export *x, enum ew_export_kind kind, int opts,
	FILE *fp, const struct ew_schema *s, const size_t *cols, size_t ncols,
	const struct ew_places *places, const struct ew_taxonomy *tax)
{
	memset(x, 0, sizeof *x);
	x->kind = kind;
	x->fp = fp;
	x->schema = s;
	x->cols = cols;
	x->ncols = ncols;
	x->places = places;
	x->tax = tax;
	switch (kind) {
	case EW_EXPORT_ACLED:
		x->vals = ew_xcalloc(ACLED_NCOLS, sizeof *x->vals);
		ew_out_begin_with(&x->out, EW_FMT_CSV, opts, fp, acled_names,
			NULL, ACLED_NCOLS);
		break;
	case EW_EXPORT_HXL:
		hxl_begin(x, opts);
		break;
	case EW_EXPORT_GEOJSON:
		set_columns(x);
		ew_buf_adds(&x->line, "{\"type\":\"FeatureCollection\",\"features\":[");
		flush_line(x);
		break;
	case EW_EXPORT_NONE:
		break;
	}
}

int
ew_export_record(struct ew_export *x, const struct ew_record *r,
	struct ew_err *e)
{
	char year[5], ts[24];
	struct ew_buf tags = {0};

	switch (x->kind) {
	case EW_EXPORT_ACLED:
		if (acled_row(x, r, x->vals, year, ts, &tags, e) < 0)
			return -1;
		ew_out_row(&x->out, x->vals);
		ew_buf_free(&tags);
		break;
	case EW_EXPORT_HXL:
		for (size_t i = 0; i < x->ncols; i++)
			x->vals[i] = r->v[x->cols[i]];
		ew_out_row(&x->out, x->vals);
		break;
	case EW_EXPORT_GEOJSON:
		for (size_t i = 0; i < x->ncols; i++)
			x->vals[i] = r->v[x->cols[i]];
		/* a feature a line: the comma that parts two starts the next */
		ew_buf_adds(&x->line, x->n ? ",\n" : "\n");
		ew_buf_adds(&x->line, "{\"type\":\"Feature\",\"id\":");
		ew_json_string(&x->line, r->v[EW_C_ID], strlen(r->v[EW_C_ID]));
		ew_buf_adds(&x->line, ",\"geometry\":");
		geometry(x, r, &x->line);
		ew_buf_adds(&x->line, ",\"properties\":");
		ew_json_object(&x->line, x->names, x->numeric, x->vals, x->ncols);
		ew_buf_addc(&x->line, '}');
		flush_line(x);
		break;
	case EW_EXPORT_NONE:
		return 0;
	}
	x->n++;
	return 0;
}

void
ew_export_end(struct ew_export *x, int complete)
{
	switch (x->kind) {
	case EW_EXPORT_ACLED:
	case EW_EXPORT_HXL:
		ew_out_end(&x->out);
		break;
	case EW_EXPORT_GEOJSON:
		if (complete) {
			ew_buf_adds(&x->line, "\n]}\n");
			flush_line(x);
		}
		break;
	case EW_EXPORT_NONE:
		break;
	}
	ew_buf_free(&x->line);
	free(x->names);
	free(x->numeric);
	free(x->vals);
	x->names = x->vals = NULL;
	x->numeric = NULL;
	x->kind = EW_EXPORT_NONE;
}
