/*
 * export.h - records in the formats of ew's partners: ACLED's CSV, HXL
 * (CSV with a row of hashtags) and GeoJSON.
 *
 * Each streams record by record: ACLED and HXL through ew_out as CSV
 * (so EW_OUT_SPREADSHEET applies), GeoJSON as a FeatureCollection with
 * one Feature a line. The mappings are documented in ew-list(1).
 */
#ifndef EW_EXPORT_H
#define EW_EXPORT_H

#include <stdio.h>

#include "err.h"
#include "output.h"
#include "places.h"
#include "record.h"
#include "taxonomy.h"
#include "util.h"

enum ew_export_kind {
	EW_EXPORT_NONE,
	EW_EXPORT_ACLED,   /* ACLED's columns, values through the taxonomy */
	EW_EXPORT_HXL,     /* CSV with a hashtag row under the header */
	EW_EXPORT_GEOJSON, /* an RFC 7946 FeatureCollection of points */
};

/* 1 when s is acled, hxl or geojson, with its kind in *kind; else 0. */
int ew_export_parse(const char *s, enum ew_export_kind *kind);

/*
 * Loads the files of the share directory (ew_sharedir) that kind needs,
 * for a run without a repository: the taxonomy into t for ACLED, the
 * gazetteer into p for GeoJSON (both zero-initialised; the caller frees
 * them).
 */
int ew_export_catalogs(enum ew_export_kind kind, struct ew_places *p,
	struct ew_taxonomy *t, struct ew_err *e);

/*
 * The HXL hashtag of column col of s, appended to out: '#', a tag of
 * lower-case ASCII letters, digits and '_' that starts with a letter,
 * then attributes '+' of the same alphabet. An extra column is
 * #meta+NAME, NAME made such an attribute.
 */
void ew_hxl_hashtag(const struct ew_schema *s, size_t col, struct ew_buf *out);

struct ew_export {
	enum ew_export_kind kind;
	FILE *fp;
	const struct ew_schema *schema;  /* borrowed */
	const size_t *cols;              /* borrowed: HXL's columns and */
	size_t ncols;                    /* GeoJSON's properties */
	const struct ew_places *places;  /* borrowed, may be NULL */
	const struct ew_taxonomy *tax;   /* borrowed, may be NULL */
	struct ew_out out;               /* ACLED and HXL */
	const char **names, **vals;      /* owned arrays, borrowed strings */
	int *numeric;
	struct ew_buf line;              /* GeoJSON: the feature being made */
	unsigned long n;                 /* records written */
};

/*
 * Starts an export of kind to fp and prints what comes before the
 * records: ACLED's header; HXL's header and hashtag row; the head of
 * the FeatureCollection. opts are ew_out_begin_with's (ACLED and HXL).
 * cols[0..ncols) are the columns HXL prints and the properties GeoJSON
 * gives (ACLED's columns are fixed). The taxonomy is needed for ACLED;
 * the gazetteer gives GeoJSON the coordinates a record lacks.
 */
void ew_export_begin(struct ew_export *x, enum ew_export_kind kind, int opts,
	FILE *fp, const struct ew_schema *s, const size_t *cols, size_t ncols,
	const struct ew_places *places, const struct ew_taxonomy *tax);
/*
 * Prints record r. Fails (nothing printed) for ACLED when r's category
 * is not in the taxonomy.
 */
int ew_export_record(struct ew_export *x, const struct ew_record *r,
	struct ew_err *e);
/*
 * Ends the export and frees x's memory. With complete set, prints what
 * closes it (GeoJSON's "]}"); without, leaves what was printed open, so
 * that an export stopped by an error cannot pass for a whole one.
 * Does nothing to an x that was zeroed and never begun.
 */
void ew_export_end(struct ew_export *x, int complete);

#endif
