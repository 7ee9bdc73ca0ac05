/*
 * fuzz-date - the date, time, date-bound and duration parsers (date.h).
 *
 * The input, up to its first NUL byte, is given to each parser.
 * Properties:
 * - a date that parses formats back to the same bytes (the format is
 *   strict), and parses again to the same day;
 * - a time that parses formats to a canonical time that parses to the
 *   same instant; a canonical time formats back to the same bytes (but
 *   for a leap second, which is taken as :59);
 * - ew_when_parse agrees with the date and time parsers and with
 *   "today"/"yesterday", for a "now" at either end of the years ew takes
 *   and in between; the day it gives, formatted as the filters format a
 *   bound, orders against every valid date as the day does;
 * - a duration is a whole, non-negative number of minutes, at most
 *   9,999,999 weeks, and ew_when_parse goes back that far from now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "fuzz.h"
#include "util.h"

#define FIRST_DAY (-25567L) /* 1900-01-01 */
#define LAST_DAY 2932896L   /* 9999-12-31 */

static void
dates(const char *s)
{
	long days, again;
	char out[11];

	if (ew_date_parse(s, &days) < 0)
		return;
	FUZZ_ASSERT(days >= FIRST_DAY && days <= LAST_DAY, "'%s' is day %ld", s, days);
	ew_date_format(days, out);
	FUZZ_ASSERT(strcmp(out, s) == 0, "'%s' formats as '%s'", s, out);
	FUZZ_ASSERT(ew_date_parse(out, &again) == 0 && again == days,
		"'%s' parses again as %ld, not %ld", out, again, days);
}

static void
times(const char *s)
{
	time_t t, again;
	char out[21];

	if (ew_time_parse(s, &t) < 0) {
		FUZZ_ASSERT(!ew_time_is_canonical(s), "'%s' is canonical but does not parse", s);
		return;
	}
	ew_time_format(t, out);
	FUZZ_ASSERT(ew_time_is_canonical(out), "'%s' formats as '%s', not canonical", s, out);
	FUZZ_ASSERT(ew_time_parse(out, &again) == 0 && again == t,
		"'%s' formats as '%s', which is another instant", s, out);
	if (ew_time_is_canonical(s) && strncmp(s + 17, "60", 2) != 0)
		FUZZ_ASSERT(strcmp(out, s) == 0, "canonical '%s' formats as '%s'", s, out);
}

static void
durations(const char *s)
{
	long secs;

	if (ew_duration_parse(s, &secs) < 0)
		return;
	FUZZ_ASSERT(secs >= 0 && secs % 60 == 0 && secs <= 9999999L * 7 * 86400,
		"'%s' is %ld seconds", s, secs);
}

/* The bound a filter makes of day orders against dates as day does. */
static void
bound_orders(long day)
{
	static const char *const probes[] = {"1900-01-01", "1970-01-01",
		"2026-02-28", "2026-11-28", "9999-12-31"};
	char out[11];
	long d;

	ew_date_format(day, out);
	if (day >= FIRST_DAY && day <= LAST_DAY)
		FUZZ_ASSERT(ew_date_parse(out, &d) == 0 && d == day,
			"day %ld formats as '%s'", day, out);
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		ew_date_parse(probes[i], &d);
		int c = strcmp(probes[i], out);
		FUZZ_ASSERT((c < 0) == (d < day) && (c == 0) == (d == day),
			"day %ld formats as '%s', which orders wrongly against %s",
			day, out, probes[i]);
	}
}

static void
bounds(const char *s)
{
	/* the first and last instants ew_now accepts, and a usual one */
	static const time_t nows[] = {FUZZ_NOW, (time_t)-2208988800LL,
		(time_t)253402300799LL};
	long day, days, secs;
	time_t t;
	struct ew_err e;

	for (size_t i = 0; i < sizeof nows / sizeof nows[0]; i++) {
		time_t now = nows[i];
		int rc = ew_when_parse(s, now, &day, &e);
		if (ew_date_parse(s, &days) == 0)
			FUZZ_ASSERT(rc == 0 && day == days, "date '%s' is day %ld as a bound", s, day);
		else if (ew_time_parse(s, &t) == 0)
			FUZZ_ASSERT(rc == 0 && day == ew_day_of(t), "time '%s' is day %ld as a bound", s, day);
		else if (strcmp(s, "today") == 0)
			FUZZ_ASSERT(rc == 0 && day == ew_day_of(now), "today is day %ld", day);
		else if (strcmp(s, "yesterday") == 0)
			FUZZ_ASSERT(rc == 0 && day == ew_day_of(now) - 1, "yesterday is day %ld", day);
		else if (ew_duration_parse(s, &secs) == 0 && s[strlen(s) - 1] != 'm')
			FUZZ_ASSERT(rc == 0 && day == ew_day_of(now - (time_t)secs),
				"'%s' before now is day %ld", s, day);
		else
			FUZZ_ASSERT(rc < 0, "'%s' is a bound, day %ld", s, day);
		if (rc == 0)
			bound_orders(day);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = ew_xstrndup((const char *)data, size);

	dates(s);
	times(s);
	durations(s);
	bounds(s);
	free(s);
	return 0;
}
