/* test-date.c - date.h: calendar dates, RFC 3339 times, relative forms
 * and "now" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "unit.h"
#include "util.h"

#define DAY 86400L

static void
date_ok(const char *s, long want)
{
	long days = -99999;

	UNIT_CHECK(ew_date_parse(s, &days) == 0, "ew_date_parse accepts %s", s);
	UNIT_LONG(days, want, "ew_date_parse(%s) days", s);
}

static void
date_bad(const char *s, const char *why)
{
	long days;

	UNIT_LONG(ew_date_parse(s, &days), -1, "ew_date_parse rejects '%s' (%s)",
		s, why);
}

static void
test_date_parse(void)
{
	date_ok("1970-01-01", 0);
	date_ok("1970-01-02", 1);
	date_ok("1969-12-31", -1);
	date_ok("2000-03-01", 11017);
	date_ok("2024-02-29", 19782);
	date_ok("2000-02-29", 11016);
	date_ok("2026-11-28", 20785);
	date_ok("1900-01-01", -25567);
	date_ok("2100-12-31", 47846);

	date_bad("2023-02-29", "Feb 29 in a common year");
	date_bad("1900-02-29", "Feb 29 in a century year");
	date_bad("2100-02-29", "Feb 29 in 2100");
	date_bad("2024-02-30", "Feb 30");
	date_bad("2023-13-01", "month 13");
	date_bad("2023-00-10", "month 0");
	date_bad("2023-04-31", "April 31");
	date_bad("2023-01-32", "day 32");
	date_bad("2023-01-00", "day 0");
	date_bad("2023-1-01", "one-digit month");
	date_bad("2023-01-1", "one-digit day");
	date_bad("2023-01-011", "too long");
	date_bad("2023-01-01 ", "trailing space");
	date_bad(" 2023-01-01", "leading space");
	date_bad("2023-01-01T00:00:00Z", "a time");
	date_bad("20230101", "no dashes");
	date_bad("2023/01/01", "slashes");
	date_bad("2023-0a-01", "a letter");
	date_bad("", "empty");
	date_bad("today", "a word");
}

/* Compares ew_date_format with a day-by-day calendar, and parses back. */
static void
test_date_round_trip(void)
{
	static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 1900, m = 1, d = 1;
	long bad_format = 0, bad_parse = 0, n = 0;
	char got[11], want[40];

	for (long days = -25567; days <= 47846; days++, n++) {
		long back = 0;
		snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
		ew_date_format(days, got);
		if (strcmp(got, want) != 0 && bad_format++ == 0)
			unit_diag("day %ld: got %s, expected %s", days, got, want);
		if ((ew_date_parse(want, &back) != 0 || back != days) &&
		    bad_parse++ == 0)
			unit_diag("ew_date_parse(%s) gave %ld, expected %ld", want,
				back, days);
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (++d > md[m - 1] + (m == 2 && leap)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	UNIT_LONG(bad_format, 0, "ew_date_format matches the calendar for %ld days "
		"(1900-01-01..2100-12-31)", n);
	UNIT_LONG(bad_parse, 0, "ew_date_parse inverts ew_date_format for %ld days", n);
}

static void
time_ok(const char *s, long want)
{
	time_t t = -1;

	UNIT_CHECK(ew_time_parse(s, &t) == 0, "ew_time_parse accepts %s", s);
	UNIT_LONG(t, want, "ew_time_parse(%s) instant", s);
}

static void
time_bad(const char *s, const char *why)
{
	time_t t;

	UNIT_LONG(ew_time_parse(s, &t), -1, "ew_time_parse rejects '%s' (%s)", s,
		why);
}

static void
test_time_parse(void)
{
	long t0 = 19782 * DAY + 12 * 3600 + 34 * 60 + 56; /* 2024-02-29T12:34:56Z */

	time_ok("1970-01-01T00:00:00Z", 0);
	time_ok("2024-02-29T12:34:56Z", t0);
	time_ok("2024-02-29T12:34:56.789Z", t0);
	time_ok("2024-02-29T12:34:56.1Z", t0);
	time_ok("2024-02-29T12:34:56.123456789Z", t0);
	time_ok("2024-02-29T14:34:56+02:00", t0);
	time_ok("2024-02-29T10:04:56-02:30", t0);
	time_ok("2024-02-29T12:34:56+00:00", t0);
	time_ok("2024-02-29T12:34:56-00:00", t0);
	time_ok("2024-03-01T00:34:56+12:00", t0);
	time_ok("2024-02-28T23:34:56-13:00", t0);
	time_ok("2024-02-29T15:34:56.5+03:00", t0);
	time_ok("2026-11-28T12:00:00Z", 1795867200L);
	time_ok("1969-12-31T23:59:59Z", -1);

	time_bad("2024-02-29T12:34:56", "no zone");
	time_bad("2024-02-29", "a date only");
	time_bad("2024-02-29T12:34Z", "no seconds");
	time_bad("2024-02-29T12:34:5Z", "one-digit seconds");
	time_bad("2024-02-29T24:00:00Z", "hour 24");
	time_bad("2024-02-29T12:60:00Z", "minute 60");
	time_bad("2024-02-29T12:34:61Z", "second 61");
	time_bad("2024-02-30T12:34:56Z", "Feb 30");
	time_bad("2023-02-29T12:34:56Z", "Feb 29 in a common year");
	time_bad("2024-02-29T12:34:56.Z", "a dot without digits");
	time_bad("2024-02-29T12:34:56+0200", "offset without colon");
	time_bad("2024-02-29T12:34:56+02", "offset without minutes");
	time_bad("2024-02-29T12:34:56+02:00x", "text after the offset");
	time_bad("2024-02-29T12:34:56+24:00", "offset hour 24");
	time_bad("2024-02-29T12:34:56+02:60", "offset minute 60");
	time_bad("2024-02-29T12:34:56ZZ", "two Zs");
	time_bad("2024-02-29T12:34:56Z ", "trailing space");
	time_bad("2024-02-29X12:34:56Z", "X as separator");
	time_bad("2024-02-29T12-34-56Z", "dashes in the time");
	time_bad("", "empty");
	time_bad("now", "a word");

	/* an instant must fall on a date ew can write back (1900 to 9999) */
	time_ok("1900-01-01T00:00:00Z", -2208988800L);
	time_ok("1900-01-01T01:00:00+01:00", -2208988800L);
	time_ok("9999-12-31T23:59:59Z", 253402300799L);
	time_bad("1900-01-01T00:30:00+01:00", "an offset that moves it into 1899");
	time_bad("9999-12-31T23:00:00-02:00", "an offset that moves it into 10000");
}

static void
test_time_canonical(void)
{
	static const struct {
		const char *s;
		int want;
	} c[] = {
		{"2024-02-29T12:34:56Z", 1},
		{"1970-01-01T00:00:00Z", 1},
		{"2024-02-29T12:34:56.000Z", 0},
		{"2024-02-29T12:34:56+00:00", 0},
		{"2024-02-29T14:34:56+02:00", 0},
		{"2024-02-29t12:34:56Z", 0},
		{"2024-02-29T12:34:56z", 0},
		{"2024-02-29 12:34:56Z", 0},
		{"2024-02-30T12:34:56Z", 0},
		{"2024-02-29T25:34:56Z", 0},
		{"2024-02-29T12:34:56", 0},
		{"2024-02-29", 0},
		{"", 0},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		UNIT_LONG(ew_time_is_canonical(c[i].s), c[i].want,
			"ew_time_is_canonical('%s') is %d", c[i].s, c[i].want);
}

static void
test_time_format(void)
{
	static const long ts[] = {0, 1, 59, 86399, 86400, 951782400L,
		1709210096L, 1795867200L, 4102444799L, -1, -86400, -2208988800L};
	char out[21];
	int bad = 0;

	ew_time_format(0, out);
	UNIT_STR(out, "1970-01-01T00:00:00Z", "ew_time_format(0)");
	ew_time_format(1709210096L, out);
	UNIT_STR(out, "2024-02-29T12:34:56Z", "ew_time_format(1709210096)");
	ew_time_format(4102444799L, out);
	UNIT_STR(out, "2099-12-31T23:59:59Z", "ew_time_format(4102444799)");
	ew_time_format(-1, out);
	UNIT_STR(out, "1969-12-31T23:59:59Z", "ew_time_format(-1)");
	ew_time_format(-2208988800L, out);
	UNIT_STR(out, "1900-01-01T00:00:00Z", "ew_time_format(-2208988800)");

	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		time_t back = 0;
		ew_time_format((time_t)ts[i], out);
		if (!ew_time_is_canonical(out) || ew_time_parse(out, &back) != 0 ||
		    back != (time_t)ts[i]) {
			bad++;
			unit_diag("%ld -> %s -> %ld", ts[i], out, (long)back);
		}
	}
	UNIT_LONG(bad, 0, "ew_time_format output is canonical and parses back");
}

static void
when_ok(const char *s, time_t now, const char *want)
{
	struct ew_err e = {{0}};
	long days = -99999;
	char got[11] = "";

	if (!UNIT_CHECK(ew_when_parse(s, now, &days, &e) == 0,
	        "ew_when_parse accepts '%s'", s))
		unit_diag("error: %s", e.msg);
	else
		ew_date_format(days, got);
	UNIT_STR(got, want, "ew_when_parse('%s') day", s);
}

static void
when_bad(const char *s, time_t now)
{
	struct ew_err e = {{0}};
	long days;
	char *prefix = ew_xasprintf("invalid date '%s'", s);

	UNIT_LONG(ew_when_parse(s, now, &days, &e), -1, "ew_when_parse rejects '%s'", s);
	UNIT_CHECK(strncmp(e.msg, prefix, strlen(prefix)) == 0,
		"ew_when_parse('%s') says what is invalid", s);
	if (strncmp(e.msg, prefix, strlen(prefix)) != 0)
		unit_diag("got: %s", e.msg);
	free(prefix);
}

static void
test_when(void)
{
	time_t now = 1795867200L; /* 2026-11-28T12:00:00Z */
	time_t midnight = 20785 * DAY; /* 2026-11-28T00:00:00Z */

	when_ok("today", now, "2026-11-28");
	when_ok("yesterday", now, "2026-11-27");
	when_ok("7d", now, "2026-11-21");
	when_ok("1d", now, "2026-11-27");
	when_ok("0d", now, "2026-11-28");
	when_ok("24h", now, "2026-11-27");
	when_ok("12h", now, "2026-11-28");
	when_ok("13h", now, "2026-11-27");
	when_ok("2w", now, "2026-11-14");
	when_ok("365d", now, "2025-11-28");
	when_ok("2026-01-05", now, "2026-01-05");
	when_ok("2030-01-01", now, "2030-01-01");
	when_ok("2026-11-20T23:59:59Z", now, "2026-11-20");
	when_ok("2026-11-27T23:30:00-02:00", now, "2026-11-28");
	when_ok("2026-11-28T01:00:00+02:00", now, "2026-11-27");
	when_ok("today", midnight, "2026-11-28");
	when_ok("1h", midnight, "2026-11-27");
	when_ok("yesterday", midnight, "2026-11-27");

	when_bad("soon", now);
	when_bad("", now);
	when_bad("7", now);
	when_bad("d", now);
	when_bad("7x", now);
	when_bad("7 d", now);
	when_bad("-7d", now);
	when_bad("7dd", now);
	when_bad("2026-02-30", now);
	when_bad("2026-11-28T12:00:00", now);
}

static void
test_now(void)
{
	struct ew_err e = {{0}};
	time_t now = 0;

	setenv("EW_NOW", "2026-11-28T12:00:00Z", 1);
	UNIT_CHECK(ew_now(&now, &e) == 0 && now == 1795867200L,
		"ew_now takes EW_NOW");
	setenv("EW_NOW", "2026-11-28T14:00:00+02:00", 1);
	UNIT_CHECK(ew_now(&now, &e) == 0 && now == 1795867200L,
		"ew_now takes EW_NOW with an offset");
	setenv("EW_NOW", "yesterday", 1);
	UNIT_LONG(ew_now(&now, &e), -1, "ew_now rejects an EW_NOW that is not RFC 3339");
	UNIT_CHECK(strstr(e.msg, "EW_NOW") && strstr(e.msg, "'yesterday'"),
		"ew_now: the message names EW_NOW and its value");
	unit_diag("message: %s", e.msg);

	unsetenv("EW_NOW");
	time_t before = time(NULL);
	int rc = ew_now(&now, &e);
	time_t after = time(NULL);
	UNIT_CHECK(rc == 0 && now >= before && now <= after,
		"ew_now without EW_NOW is the clock");
}

void
test_date(void)
{
	test_date_parse();
	test_date_round_trip();
	test_time_parse();
	test_time_canonical();
	test_time_format();
	test_when();
	test_now();
}
