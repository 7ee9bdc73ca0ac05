/*
 * check.h - validating and normalising records.
 *
 * A check reports every problem of a record (not only the first), each
 * as "WHERE: what" pushed onto a list, so a batch can be rejected with
 * all its errors at once.
 */
#ifndef EW_CHECK_H
#define EW_CHECK_H

#include <time.h>

#include "places.h"
#include "record.h"
#include "taxonomy.h"
#include "util.h"

struct ew_check {
	const struct ew_schema *schema;
	const struct ew_places *places;   /* NULL: names are not looked up */
	const struct ew_taxonomy *tax;    /* NULL: categories not looked up */
	time_t now;
};

enum {
	EW_CHECK_DEFAULTS = 1, /* fill in defaults (a new record) */
};

/*
 * Checks r, rewriting names to their canonical spelling and, with
 * EW_CHECK_DEFAULTS, filling in defaults. Each problem is pushed onto
 * errs as "WHERE: message". Returns the number of problems.
 */
size_t ew_check_record(const struct ew_check *c, struct ew_record *r,
	int flags, const char *where, struct ew_strv *errs);

/*
 * Checks a record read from the stream called name (no defaults), as a
 * tool that reads records from outside does. Returns 0, or -1 with the
 * first problem in e as "NAME:LINE: message".
 */
int ew_check_read(const struct ew_check *c, struct ew_record *r,
	const char *name, struct ew_err *e);

#endif
