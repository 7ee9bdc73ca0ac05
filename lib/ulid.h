/*
 * ulid.h - ULID record identifiers.
 *
 * 48 bits of milliseconds and 80 random bits, in Crockford base 32. A
 * generator is monotonic: ids made in the same millisecond increase.
 */
#ifndef EW_ULID_H
#define EW_ULID_H

#include <stdint.h>
#include <time.h>

#include "err.h"

struct ew_ulid_gen {
	uint64_t ms;
	unsigned char rnd[10];
	int started;
};

/* Writes the next id (26 characters and a NUL) for the time now_ms. */
int ew_ulid_next(struct ew_ulid_gen *g, uint64_t now_ms, char out[27],
	struct ew_err *e);
/* 1 when s is a ULID; an upper-case copy goes to out when out is set. */
int ew_ulid_valid(const char *s, char out[27]);
/* 1 when s could be the start of a ULID (any case). */
int ew_ulid_prefix_valid(const char *s);

#endif
