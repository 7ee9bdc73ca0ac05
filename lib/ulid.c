/* ulid.c - see ulid.h */
#include "ulid.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int
ew_ulid_next(struct ew_ulid_gen *g, uint64_t now_ms, char out[27],
	struct ew_err *e)
{
	if (!g->started || now_ms > g->ms) {
		size_t got = 0;
		while (got < sizeof g->rnd) {
			ssize_t r = getrandom(g->rnd + got, sizeof g->rnd - got, 0);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				return ew_errf(e, "cannot read random bytes: %s", strerror(errno));
			}
			got += (size_t)r;
		}
		/* leave room to count up within one millisecond */
		g->rnd[0] &= 0x7f;
		g->ms = now_ms > g->ms || !g->started ? now_ms : g->ms;
		g->started = 1;
	} else {
		int i;
		for (i = 9; i >= 0; i--)
			if (++g->rnd[i] != 0)
				break;
		if (i < 0)
			return ew_errf(e, "too many ids in one millisecond");
	}

	uint64_t ms = g->ms;
	for (int i = 9; i >= 0; i--) {
		out[i] = alphabet[ms & 31];
		ms >>= 5;
	}
	/* 80 random bits -> 16 characters, 5 bits each */
	for (int i = 0; i < 16; i++) {
		int bit = i * 5, v = 0;
		for (int k = 0; k < 5; k++) {
			int b = bit + k;
			v = (v << 1) | ((g->rnd[b / 8] >> (7 - b % 8)) & 1);
		}
		out[10 + i] = alphabet[v];
	}
	out[26] = '\0';
	return 0;
}

static int
ulid_char(int c)
{
	c = toupper(c);
	return c && strchr(alphabet, c) != NULL;
}

int
ew_ulid_valid(const char *s, char out[27])
{
	if (strlen(s) != 26 || s[0] > '7')
		return 0;
	for (int i = 0; i < 26; i++)
		if (!ulid_char((unsigned char)s[i]))
			return 0;
	if (out) {
		for (int i = 0; i < 26; i++)
			out[i] = (char)toupper((unsigned char)s[i]);
		out[26] = '\0';
	}
	return 1;
}

int
ew_ulid_prefix_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 26)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!ulid_char((unsigned char)s[i]))
			return 0;
	return 1;
}
