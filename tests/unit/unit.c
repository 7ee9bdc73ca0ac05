/* unit.c - the TAP harness and main of the unit tests; see unit.h */
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "places.h"
#include "record.h"
#include "taxonomy.h"
#include "util.h"

static int count, failed;

struct ew_record *
unit_record(const struct ew_schema *s, const char *const *kv)
{
	struct ew_record *r = ew_record_new(s);

	for (; *kv; kv++) {
		const char *eq = strchr(*kv, '=');
		char *name = ew_xstrndup(*kv, (size_t)(eq - *kv));
		int c = ew_schema_col(s, name);
		if (c < 0)
			abort(); /* a mistake in the test */
		ew_record_set(r, (size_t)c, eq + 1);
		free(name);
	}
	return r;
}

unsigned
unit_rnd(unsigned long long *state, unsigned n)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return (unsigned)((*state * 0x2545f4914f6cdd1dULL) >> 33) % n;
}

/* Prints s[0..n) with C-style escapes, so a diagnostic stays on one line. */
static void
put_escaped(const char *s, size_t n, int quotes)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\n': fputs("\\n", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		case '"':
			fputs(quotes ? "\\\"" : "\"", stdout);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				printf("\\x%02x", c);
			else
				putchar(c);
		}
	}
}

static void
put_value(const char *label, const char *s, size_t n)
{
	printf("#   %s: ", label);
	if (!s) {
		fputs("(null)\n", stdout);
		return;
	}
	putchar('"');
	put_escaped(s, n, 1);
	fputs("\"\n", stdout);
}

/* Prints the result line; the name may not hold a newline or a '#'. */
static int
result(int ok, const char *file, int line, const char *fmt, va_list ap)
{
	char name[512];

	vsnprintf(name, sizeof name, fmt, ap);
	for (char *p = name; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '#')
			*p = ' ';
	count++;
	printf("%sok %d - %s\n", ok ? "" : "not ", count, name);
	if (!ok) {
		failed++;
		printf("#   at %s:%d\n", file, line);
	}
	fflush(stdout);
	return ok;
}

int
unit_check(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(ok, file, line, fmt, ap);
	va_end(ap);
	return ok;
}

int
unit_str(const char *got, const char *want, const char *file, int line,
	const char *fmt, ...)
{
	va_list ap;
	int ok = got && want ? strcmp(got, want) == 0 : got == want;

	va_start(ap, fmt);
	result(ok, file, line, fmt, ap);
	va_end(ap);
	if (!ok) {
		put_value("got", got, got ? strlen(got) : 0);
		put_value("expected", want, want ? strlen(want) : 0);
	}
	return ok;
}

int
unit_mem(const char *got, size_t gotlen, const char *want, size_t wantlen,
	const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int ok = got && want ? gotlen == wantlen && memcmp(got, want, gotlen) == 0
	                     : got == want;

	va_start(ap, fmt);
	result(ok, file, line, fmt, ap);
	va_end(ap);
	if (!ok) {
		put_value("got", got, gotlen);
		put_value("expected", want, wantlen);
	}
	return ok;
}

int
unit_long(long got, long want, const char *file, int line,
	const char *fmt, ...)
{
	va_list ap;
	int ok = got == want;

	va_start(ap, fmt);
	result(ok, file, line, fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   got: %ld\n#   expected: %ld\n", got, want);
	return ok;
}

void
unit_diag(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fputs("# ", stdout);
	put_escaped(msg, strlen(msg), 0);
	putchar('\n');
}

int
unit_catalogs_load(struct ew_schema *s, struct ew_places *p,
	struct ew_taxonomy *t, const char *what)
{
	const char *dir = getenv("EW_SHAREDIR");
	struct ew_err e = {{0}};
	int ok = 1;

	if (!dir || !*dir)
		dir = "share/ew";
	char *pp = ew_xasprintf("%s/places.csv", dir);
	char *cp = ew_xasprintf("%s/categories.csv", dir);
	ew_schema_init(s, NULL, &e);
	if (!UNIT_LONG(ew_places_load(p, pp, &e), 0, "%s: load %s", what, pp)) {
		unit_diag("error: %s (set EW_SHAREDIR)", e.msg);
		ok = 0;
	}
	if (!UNIT_LONG(ew_taxonomy_load(t, cp, &e), 0, "%s: load %s", what, cp)) {
		unit_diag("error: %s (set EW_SHAREDIR)", e.msg);
		ok = 0;
	}
	free(pp);
	free(cp);
	return ok;
}

void
unit_catalogs_free(struct ew_schema *s, struct ew_places *p,
	struct ew_taxonomy *t)
{
	ew_places_free(p);
	ew_taxonomy_free(t);
	ew_schema_free(s);
}

int
main(void)
{
	/* Tests set EW_NOW themselves; start from the real clock. */
	unsetenv("EW_NOW");
	test_util();
	test_csv();
	test_date();
	test_record();
	test_alert();
	test_merge();
	test_run();
	test_where();
	test_store();
	test_sms();
	test_import();
	test_svg();
	printf("1..%d\n", count);
	if (failed)
		printf("# %d of %d checks failed\n", failed, count);
	return failed ? 1 : 0;
}
