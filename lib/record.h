/*
 * record.h - the incident record: its columns, values and encodings.
 *
 * A record is an array of strings, one per schema column, in schema order;
 * an empty string is an empty (absent) value. Records own their strings.
 */
#ifndef EW_RECORD_H
#define EW_RECORD_H

#include <jv.h>
#include <stddef.h>

#include "err.h"
#include "util.h"

enum ew_coltype {
	EW_T_ID,       /* ULID */
	EW_T_DATE,     /* YYYY-MM-DD */
	EW_T_PREC,     /* 1, 2 or 3 */
	EW_T_TIME,     /* RFC 3339 UTC */
	EW_T_LINE,     /* one line of text */
	EW_T_TEXT,     /* any text */
	EW_T_ENUM,     /* one of a list */
	EW_T_LAT,      /* decimal degrees */
	EW_T_LON,
	EW_T_COUNT,    /* integer >= 0 */
	EW_T_SEVERITY, /* 1..5 */
	EW_T_REF,      /* ULID or empty */
};

enum ew_column {
	EW_C_ID, EW_C_EVENT_DATE, EW_C_DATE_PRECISION, EW_C_REPORTED_AT,
	EW_C_UPDATED_AT, EW_C_REPORTER, EW_C_CHANNEL, EW_C_REGION, EW_C_CERCLE,
	EW_C_COMMUNE, EW_C_LOCATION, EW_C_LATITUDE, EW_C_LONGITUDE,
	EW_C_GEO_PRECISION, EW_C_CATEGORY, EW_C_SEVERITY, EW_C_KILLED,
	EW_C_INJURED, EW_C_ABDUCTED, EW_C_DISPLACED, EW_C_ACTOR1, EW_C_ACTOR2,
	EW_C_SOURCE, EW_C_STATUS, EW_C_DUPLICATE_OF, EW_C_SENSITIVITY,
	EW_C_DESCRIPTION, EW_C_TAGS,
	EW_NBUILTIN
};

struct ew_col {
	char *name;
	enum ew_coltype type;
	const char *const *values; /* for EW_T_ENUM: NULL-terminated */
	int numeric;               /* a JSON number */
};

struct ew_schema {
	size_t n;
	struct ew_col *cols;
};

/*
 * Builds the schema: the built-in columns, then the extra columns named
 * in extra (comma or space separated, may be NULL).
 */
int ew_schema_init(struct ew_schema *s, const char *extra, struct ew_err *e);
void ew_schema_free(struct ew_schema *s);
/* Index of the column called name, or -1. */
int ew_schema_col(const struct ew_schema *s, const char *name);
/*
 * Checks v against an enum column. Returns 1 when it is one of the
 * values; else 0 with "invalid NAME 'v' (expected one of: a, b, c)" in
 * why (a buffer the caller frees).
 */
int ew_enum_check(const struct ew_col *c, const char *v, struct ew_buf *why);

/*
 * The values a record is made with are kept in the same allocation as
 * the record (one malloc a record); a value set later is allocated on its
 * own. v[i] is only ever changed by ew_record_setn and ew_record_set.
 */
struct ew_record {
	char **v;
	size_t n;
	unsigned long line; /* where it was read, for messages */
	const char *store;  /* the values it was made with */
	size_t storelen;
};

/* A record of s's columns, all empty. */
struct ew_record *ew_record_new(const struct ew_schema *s);
/* A record of s's columns holding copies of v[i][0..len[i]). */
struct ew_record *ew_record_newv(const struct ew_schema *s,
	const char *const *v, const size_t *len);
struct ew_record *ew_record_dup(const struct ew_record *r);
void ew_record_free(struct ew_record *r);
/* Replaces the value of column col with a copy of v[0..n). */
void ew_record_setn(struct ew_record *r, size_t col, const char *v, size_t n);
void ew_record_set(struct ew_record *r, size_t col, const char *v);

/* Orders by (event_date, id), the order of a shard. */
int ew_record_cmp(const struct ew_record *a, const struct ew_record *b);
/* Orders two struct ew_record * by id (qsort over arrays of records). */
int ew_record_cmp_id(const void *a, const void *b);
/* 1 when a and b hold the same values. */
int ew_record_equal(const struct ew_record *a, const struct ew_record *b);

/*
 * Confidential records: outside the shards, such a record shows only its
 * id, its category and its place (region, cercle, commune); every other
 * value is replaced by EW_CONFIDENTIAL, unless its reader asked for
 * confidential records.
 */
#define EW_CONFIDENTIAL "(confidential)"
/* 1 when r (which may be NULL) has sensitivity confidential. */
int ew_record_confidential(const struct ew_record *r);
/* 1 when column col is shown for a confidential record. */
int ew_confidential_shows(size_t col);
/*
 * v, the value of column col; EW_CONFIDENTIAL instead when hide is set
 * and the column is not shown for a confidential record.
 */
const char *ew_confidential_value(int hide, size_t col, const char *v);

/*
 * The columns cols[0..ncols) of r (all columns when cols is NULL) as a
 * CSV line, appended to out. (Other formats: output.h.)
 */
void ew_record_csv(const struct ew_record *r, const size_t *cols,
	size_t ncols, struct ew_buf *out);
/* The header row for the same columns. */
/*
 * For printing the columns cols[0..n) of s: their names (s's strings),
 * their numeric flags, and room for n values; three arrays the caller
 * frees.
 */
void ew_schema_slots(const struct ew_schema *s, const size_t *cols, size_t n,
	const char ***names, int **numeric, const char ***vals);
void ew_schema_csv_header(const struct ew_schema *s, const size_t *cols,
	size_t ncols, struct ew_buf *out);

/* Appends a JSON string literal for s[0..n). */
void ew_json_string(struct ew_buf *out, const char *s, size_t n);

/* The record as a jq value: an object, numeric columns as numbers. */
jv ew_record_jv(const struct ew_record *r, const struct ew_schema *s);

#endif
