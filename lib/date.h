/*
 * date.h - calendar dates, RFC 3339 times, relative forms, and "now".
 *
 * Dates are handled as days since 1970-01-01 (proleptic Gregorian, UTC).
 */
#ifndef EW_DATE_H
#define EW_DATE_H

#include <time.h>

#include "err.h"

/* The current time: $EW_NOW (RFC 3339) when set, else the clock. */
int ew_now(time_t *now, struct ew_err *e);

/* Parses a strict YYYY-MM-DD calendar date into days since the epoch. */
int ew_date_parse(const char *s, long *days);
/* Formats days since the epoch as YYYY-MM-DD into out (11 bytes). */
void ew_date_format(long days, char out[11]);

/*
 * Parses an RFC 3339 time (YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)).
 * Returns 0 and the instant in *t, or -1.
 */
int ew_time_parse(const char *s, time_t *t);
/* 1 when s is exactly YYYY-MM-DDTHH:MM:SSZ and a valid instant. */
int ew_time_is_canonical(const char *s);
/* Formats t as YYYY-MM-DDTHH:MM:SSZ into out (21 bytes). */
void ew_time_format(time_t t, char out[21]);

/*
 * Parses a date bound for filters: YYYY-MM-DD, an RFC 3339 time, "today",
 * "yesterday", or N followed by h, d or w (that long before now). Gives
 * the day it falls on.
 */
int ew_when_parse(const char *s, time_t now, long *days, struct ew_err *e);

/*
 * Parses a duration: a whole number followed by m (minutes),
 * h, d or w, as in 30m, 24h, 7d, 2w (at most 7 digits). Returns 0 and the
 * seconds, or -1.
 */
int ew_duration_parse(const char *s, long *secs);
/* The day (since the epoch) an instant falls on, in UTC. */
long ew_day_of(time_t t);

#endif
