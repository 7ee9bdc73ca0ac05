/*
 * filter.h - selecting records: the native filters of ew list and a jq
 * condition, all of which must hold.
 */
#ifndef EW_FILTER_H
#define EW_FILTER_H

#include <time.h>

#include "err.h"
#include "jqf.h"
#include "places.h"
#include "record.h"
#include "taxonomy.h"
#include "util.h"
#include "where.h"

struct ew_filter {
	char since[11], until[11];   /* YYYY-MM-DD or "" */
	char *cercle, *commune;      /* canonical, or folded (see folded) */
	char *cercle_name;           /* canonical, for finding its communes */
	char *category, *status, *sensitivity;
	int folded;                  /* place names are compared folded: set
	                                it before ew_filter_place for records
	                                whose names were not checked */
	long min_severity;           /* 0: any */
	struct ew_strv ids;          /* upper-case id prefixes */
	struct ew_strv whole;        /* upper-case whole ids, sorted when
	                                whole_sorted is set */
	int whole_sorted;
	int by_id;                   /* an id list is given (maybe empty) */
	int confidential;            /* confidential records pass too (else
	                                none does, and the jq condition never
	                                sees one) */
	struct ew_strv hidden;       /* whole ids that do not pass unless
	                                confidential is set (sorted when
	                                hidden_sorted is) */
	int hidden_sorted;
	struct ew_jq *jq;           /* the --where condition, or */
	struct ew_where *where;      /* the same, when where.h can run it */
	const struct ew_schema *schema;
};

/* Zero-initialise, then set fields with these; free with ew_filter_free. */
void ew_filter_init(struct ew_filter *f, const struct ew_schema *s);
int ew_filter_since(struct ew_filter *f, const char *s, time_t now,
	struct ew_err *e);
int ew_filter_until(struct ew_filter *f, const char *s, time_t now,
	struct ew_err *e);
/* level is "cercle" or "commune"; places may be NULL. */
int ew_filter_place(struct ew_filter *f, const char *level, const char *name,
	const struct ew_places *places, struct ew_err *e);
int ew_filter_category(struct ew_filter *f, const char *code,
	const struct ew_taxonomy *tax, struct ew_err *e);
int ew_filter_enum(struct ew_filter *f, const char *column, const char *v,
	struct ew_err *e);
int ew_filter_min_severity(struct ew_filter *f, const char *v,
	struct ew_err *e);
int ew_filter_id(struct ew_filter *f, const char *prefix, struct ew_err *e);
/* Only the records ew_filter_id names pass, even when it names none. */
void ew_filter_by_id(struct ew_filter *f);
/*
 * The record with this whole id is treated as confidential, whatever the
 * version at hand says (it is confidential in another version).
 */
void ew_filter_hide(struct ew_filter *f, const char *id);
int ew_filter_where(struct ew_filter *f, const char *prog, struct ew_err *e);

/*
 * 1 when r passes, 0 when not, -1 on a jq error. Unless f->confidential
 * is set, a confidential record (or one ew_filter_hide named) never
 * passes, and the jq condition is not run on it.
 */
int ew_filter_match(struct ew_filter *f, const struct ew_record *r,
	struct ew_err *e);
void ew_filter_free(struct ew_filter *f);

#endif
