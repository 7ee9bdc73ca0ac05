/* date.c - see date.h */
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Howard Hinnant's days_from_civil / civil_from_days. */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void
civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long)yoe + era * 400 + (*m <= 2);
}

static int
digits(const char *s, int n, long *out)
{
	long v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static void
put_digits(char *out, unsigned long v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

static int
month_days(long y, long m)
{
	static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : md[m - 1];
}

/* Parses the date part of s (10 bytes) without looking further. */
static int
date_prefix(const char *s, long *days)
{
	long y, m, d;

	if (strnlen(s, 10) < 10 || s[4] != '-' || s[7] != '-' ||
	    !digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return -1;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return -1;
	*days = days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int
ew_date_parse(const char *s, long *days)
{
	if (strlen(s) != 10)
		return -1;
	return date_prefix(s, days);
}

void
ew_date_format(long days, char out[11])
{
	long y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	put_digits(out, (unsigned long)(y < 0 ? 0 : y % 10000), 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = '\0';
}

int
ew_time_parse(const char *s, time_t *t)
{
	long days, hh, mm, ss;
	const char *p;

	if (date_prefix(s, &days) < 0 || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return -1;
	if (strnlen(s + 11, 8) < 8 || s[13] != ':' || s[16] != ':' ||
	    !digits(s + 11, 2, &hh) || !digits(s + 14, 2, &mm) ||
	    !digits(s + 17, 2, &ss) || hh > 23 || mm > 59 || ss > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	long off = 0;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		long oh, om;
		if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	time_t v = (time_t)(days * 86400 + hh * 3600 + mm * 60 + (ss > 59 ? 59 : ss) - off);
	/* an offset can carry the instant out of the years a date may have
	 * (1900 to 9999), where it could not be written back as a date */
	if (v < (time_t)days_from_civil(1900, 1, 1) * 86400 ||
	    v >= (time_t)days_from_civil(10000, 1, 1) * 86400)
		return -1;
	*t = v;
	return 0;
}

int
ew_time_is_canonical(const char *s)
{
	time_t t;
	return strlen(s) == 20 && s[10] == 'T' && s[19] == 'Z' &&
	       ew_time_parse(s, &t) == 0;
}

void
ew_time_format(time_t t, char out[21])
{
	long days = (long)(t / 86400), rem = (long)(t % 86400);
	char d[11];

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	ew_date_format(days, d);
	memcpy(out, d, 10);
	out[10] = 'T';
	put_digits(out + 11, (unsigned long)(rem / 3600), 2);
	out[13] = ':';
	put_digits(out + 14, (unsigned long)(rem / 60 % 60), 2);
	out[16] = ':';
	put_digits(out + 17, (unsigned long)(rem % 60), 2);
	out[19] = 'Z';
	out[20] = '\0';
}

int
ew_now(time_t *now, struct ew_err *e)
{
	const char *s = getenv("EW_NOW");

	if (s && *s) {
		if (ew_time_parse(s, now) < 0)
			return ew_errf(e, "invalid EW_NOW '%s' (expected an RFC 3339 time such as 2026-11-28T12:00:00Z)", s);
		return 0;
	}
	*now = time(NULL);
	return 0;
}

static long
day_of(time_t t)
{
	long d = (long)(t / 86400);
	if (t % 86400 < 0)
		d--;
	return d;
}

int
ew_duration_parse(const char *s, long *secs)
{
	size_t n = strlen(s);
	long v = 0, unit;

	if (n < 2 || n > 8)
		return -1;
	switch (s[n - 1]) {
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*secs = v * unit;
	return 0;
}

long
ew_day_of(time_t t)
{
	return day_of(t);
}

int
ew_when_parse(const char *s, time_t now, long *days, struct ew_err *e)
{
	time_t t;
	size_t n = strlen(s);

	if (strcmp(s, "today") == 0) {
		*days = day_of(now);
		return 0;
	}
	if (strcmp(s, "yesterday") == 0) {
		*days = day_of(now) - 1;
		return 0;
	}
	if (ew_date_parse(s, days) == 0)
		return 0;
	if (ew_time_parse(s, &t) == 0) {
		*days = day_of(t);
		return 0;
	}
	long secs;
	if (n >= 2 && strchr("hdw", s[n - 1]) && ew_duration_parse(s, &secs) == 0) {
		*days = day_of(now - (time_t)secs);
		return 0;
	}
	return ew_errf(e, "invalid date '%s' (expected YYYY-MM-DD, an RFC 3339 time, today, yesterday, or a duration such as 24h, 7d, 2w)", s);
}
