/*
 * util.h - memory, growable buffers, strings and UTF-8 helpers.
 *
 * Allocation failure aborts the process (there is no sensible recovery in
 * a short-lived command); everything else reports errors to its caller.
 * Ownership: functions returning char * return a string the caller frees.
 */
#ifndef EW_UTIL_H
#define EW_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "err.h"

void *ew_xmalloc(size_t n);
void *ew_xcalloc(size_t n, size_t size);
void *ew_xrealloc(void *p, size_t n);
char *ew_xstrdup(const char *s);
char *ew_xstrndup(const char *s, size_t n);
char *ew_xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated. Zero-initialise to use. */
struct ew_buf {
	char *s;
	size_t len, cap;
};
/* Makes room for extra more bytes (and the NUL). */
void ew_buf_grow(struct ew_buf *b, size_t extra);
/*
 * Appends p[0..n), or one byte. Inline: writers call them for each
 * field, and some for each byte.
 */
static inline void
ew_buf_add(struct ew_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		ew_buf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void
ew_buf_addc(struct ew_buf *b, char c)
{
	if (b->len + 2 > b->cap)
		ew_buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void ew_buf_adds(struct ew_buf *b, const char *s);
void ew_buf_addf(struct ew_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ew_buf_vaddf(struct ew_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void ew_buf_reset(struct ew_buf *b);
void ew_buf_free(struct ew_buf *b);
/* Hands the string over to the caller and empties the buffer. */
char *ew_buf_detach(struct ew_buf *b);
/* Writes b's bytes to fp (stdio buffered), then empties b. */
void ew_buf_write(struct ew_buf *b, FILE *fp);

/* A growable array of owned strings. */
struct ew_strv {
	char **v;
	size_t n, cap;
};
void ew_strv_push(struct ew_strv *sv, char *s); /* takes ownership */
void ew_strv_free(struct ew_strv *sv);
/* Sorts sv (byte order) and frees the repeats. */
void ew_strv_sort_unique(struct ew_strv *sv);
/* Orders two char * (qsort and bsearch over arrays of strings). */
int ew_str_cmp(const void *a, const void *b);

/*
 * The values of the trailer lines "KEY: value" of a commit message (its
 * last paragraph), in order.
 */
void ew_trailers(const char *msg, const char *key, struct ew_strv *out);

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
int ew_utf8_valid(const char *s, size_t n);
/*
 * Decodes the code point at s (valid UTF-8) into *cp; returns its length
 * in bytes.
 */
size_t ew_utf8_decode(const char *s, unsigned *cp);
/*
 * Terminal columns a code point takes: 0 for combining marks and
 * zero-width characters, 2 for East Asian wide ones, else 1.
 */
int ew_cp_columns(unsigned cp);
/* Terminal columns of a valid UTF-8 string. */
size_t ew_utf8_columns(const char *s, size_t n);

/*
 * Folds a name for matching: lower case, Latin accents removed, and only
 * letters and digits kept ("Ké-Macina" -> "kemacina", "N'Gara" -> "ngara").
 */
char *ew_fold(const char *s);

/*
 * Appends s[0..n) to out made safe to show on a terminal, with nothing
 * hidden: each character that could drive a terminal or reorder the text
 * around it is shown as an escape instead. Those are the C0 controls
 * (U+0000-U+001F, ESC included, so no escape sequence reaches the
 * terminal), DEL, the C1 controls (U+0080-U+009F), and the bidirectional
 * controls U+061C, U+200E, U+200F, U+202A-U+202E and U+2066-U+2069, the
 * line and paragraph separators U+2028 and U+2029, and the invisible
 * U+FEFF (a byte order mark out of place). Tab,
 * newline and carriage return show as \t, \n and \r, the others as \u
 * and four lower-case hex digits (ESC as \u001b, U+202E as \u202e). Each
 * byte that is not part of valid UTF-8 shows as U+FFFD; every other
 * character, accented, Arabic or N'Ko letters included, is kept as it is.
 * A backslash is not escaped: this is for reading, not for reversing.
 *
 * With EW_TEXT_LINES (for text of several lines, such as another
 * program's stderr) a line break stays one: LF, CR LF and a lone CR
 * become LF. Without it the result is always one line. out->s is set
 * afterwards, even when n is 0.
 */
enum { EW_TEXT_LINES = 1 };
void ew_neutralise(struct ew_buf *out, const char *s, size_t n, int flags);
/* 1 for the characters ew_neutralise shows as escapes. */
int ew_cp_is_control(unsigned cp);
/* Levenshtein distance between two byte strings. */
size_t ew_distance(const char *a, const char *b);

/* Removes path and everything below it, as far as it can. */
void ew_remove_tree(const char *path);
/* 1 when dir is a directory with nothing in it. */
int ew_dir_is_empty(const char *dir);
/* Reads a whole file; returns NULL with errno set on failure. */
char *ew_read_file(const char *path, size_t *len);
/*
 * Writes data[0..len) into a new file $TMPDIR/NAME-XXXXXX (default /tmp)
 * and returns its path (the caller unlinks and frees it), or NULL with e.
 */
char *ew_temp_file(const char *name, const char *data, size_t len,
	struct ew_err *e);

/*
 * fork(2) after flushing stdio, so that nothing buffered is written
 * twice. The child gets SIGTERM when this process ends, however it ends
 * (PR_SET_PDEATHSIG), so that a killed command leaves no program of its
 * own running on (git fetch, a notifier), writing into a repository the
 * next command is repairing, or holding git's lock files: git removes
 * them when it is terminated, not when it is killed.
 */
pid_t ew_fork(void);

/*
 * Makes a pipe (both ends close-on-exec) and forks with ew_fork. Returns
 * the child's pid (0 in the child), or -1 with errno set and no pipe left
 * open.
 */
int ew_fork_pipe(int fds[2]);

/* 1 when s is a decimal integer in [lo, hi]; stores it in *out. */
int ew_parse_int(const char *s, long lo, long hi, long *out);


/*
 * Tracks the candidate closest to a word, for "did you mean" hints.
 * Candidates are compared folded (see ew_fold); a candidate is kept only
 * when it is close enough to be a plausible typo.
 */
struct ew_near {
	char *want;        /* folded input, owned */
	const char *best;  /* borrowed candidate */
	size_t dist;
};
void ew_near_init(struct ew_near *n, const char *input);
void ew_near_consider(struct ew_near *n, const char *candidate);
/* The best candidate, or NULL; frees the tracker's own memory. */
const char *ew_near_done(struct ew_near *n);

#endif
