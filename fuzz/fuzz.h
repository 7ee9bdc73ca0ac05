/*
 * fuzz.h - what the fuzz harnesses share: the libFuzzer entry point, a
 * check that stops the run, and the record schema and reference files
 * they read records against.
 *
 * Each harness is built twice: with clang's libFuzzer (make fuzz), and
 * with fuzz/replay.c as its main, to run its corpus as a regression test
 * under make check. Whatever a harness keeps between inputs stays
 * reachable, so LeakSanitizer reports only what one input leaked.
 */
#ifndef EW_FUZZ_H
#define EW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "places.h"
#include "record.h"
#include "taxonomy.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Stops the run when cond does not hold: the message goes to stderr and
 * abort() makes libFuzzer keep the input as a crash.
 */
#define FUZZ_ASSERT(cond, ...) do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: property failed: %s\n  ", \
				__FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/* "now" for the checks: fixed, so that an input always does the same. */
#define FUZZ_NOW ((time_t)1795867200) /* 2026-11-28T12:00:00Z */

/*
 * The built-in schema, and the same with one extra column (as ew.conf's
 * [record] extra-columns declares), made once.
 */
static inline const struct ew_schema *
fuzz_schema(int extra)
{
	static struct ew_schema s[2];
	static int made[2];
	struct ew_err e;

	extra = !!extra;
	if (!made[extra]) {
		if (ew_schema_init(&s[extra], extra ? "village_code" : NULL, &e) < 0) {
			fprintf(stderr, "schema: %s\n", e.msg);
			abort();
		}
		made[extra] = 1;
	}
	return &s[extra];
}

/*
 * A checker with the gazetteer and taxonomy of $EW_SHAREDIR (default
 * share/ew, from the top of the source tree); without them when they
 * cannot be read, so names and categories are then not looked up.
 */
static inline const struct ew_check *
fuzz_checker(const struct ew_schema *s)
{
	static struct ew_places places;
	static struct ew_taxonomy tax;
	static int loaded, have_places, have_tax;
	static struct ew_check c;

	if (!loaded) {
		const char *dir = getenv("EW_SHAREDIR");
		struct ew_err e;
		if (!dir || !*dir)
			dir = "share/ew";
		char *pp = ew_xasprintf("%s/places.csv", dir);
		char *cp = ew_xasprintf("%s/categories.csv", dir);
		have_places = ew_places_load(&places, pp, &e) == 0;
		have_tax = ew_taxonomy_load(&tax, cp, &e) == 0;
		free(pp);
		free(cp);
		loaded = 1;
	}
	c.schema = s;
	c.places = have_places ? &places : NULL;
	c.tax = have_tax ? &tax : NULL;
	c.now = FUZZ_NOW;
	return &c;
}

#endif
