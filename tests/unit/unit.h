/*
 * unit.h - a tiny TAP harness for the C unit tests.
 *
 * Each check prints "ok N - name" or "not ok N - name" as it runs, with
 * "# got: ..." / "# expected: ..." diagnostics on a failure; main prints
 * the plan "1..N" at the end (TAP allows a trailing plan) and exits 1
 * when any check failed. Names are printf formats.
 */
#ifndef EW_UNIT_H
#define EW_UNIT_H

#include <stddef.h>

int unit_check(int ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int unit_str(const char *got, const char *want, const char *file, int line,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int unit_mem(const char *got, size_t gotlen, const char *want,
	size_t wantlen, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
int unit_long(long got, long want, const char *file, int line,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Prints "# " and a message, escaped, under the last check. */
void unit_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cond is true; the name is a printf format. */
#define UNIT_CHECK(cond, ...) \
	unit_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* Two NUL-terminated strings are equal (NULL only equals NULL). */
#define UNIT_STR(got, want, ...) \
	unit_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
/* Two byte strings are equal. */
#define UNIT_MEM(got, gotlen, want, wantlen, ...) \
	unit_mem((got), (gotlen), (want), (wantlen), __FILE__, __LINE__, \
		__VA_ARGS__)
/* Two integers are equal. */
#define UNIT_LONG(got, want, ...) \
	unit_long((long)(got), (long)(want), __FILE__, __LINE__, __VA_ARGS__)

struct ew_record;
struct ew_schema;
struct ew_places;
struct ew_taxonomy;

/*
 * Loads the built-in schema into s, and the gazetteer and taxonomy of
 * $EW_SHAREDIR (else share/ew) into p and t, as checks named by what.
 * Returns 1 when both loaded; free with unit_catalogs_free.
 */
int unit_catalogs_load(struct ew_schema *s, struct ew_places *p,
	struct ew_taxonomy *t, const char *what);
void unit_catalogs_free(struct ew_schema *s, struct ew_places *p,
	struct ew_taxonomy *t);
/*
 * A record of schema s with the values "FIELD=VALUE" of kv (a
 * NULL-terminated list); an unknown field aborts (a mistake in a test).
 */
struct ew_record *unit_record(const struct ew_schema *s, const char *const *kv);

/*
 * A fixed-seed generator (xorshift64*) over the caller's state, so that
 * every run sees the same cases: a number below n.
 */
unsigned unit_rnd(unsigned long long *state, unsigned n);

/* The test files, called by main in this order. */
void test_util(void);
void test_csv(void);
void test_date(void);
void test_record(void);
void test_alert(void);
void test_merge(void);
void test_run(void);
void test_where(void);
void test_store(void);
void test_sms(void);
void test_import(void);
void test_svg(void);

#endif
