/* csv.c - see csv.h */
#include "csv.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"

/* How much of a stream is read at a time. */
#define BLOCK (64 * 1024)

/* A completed row waiting to be handed out. */
struct done {
	size_t off;     /* where its fields start in data */
	size_t first;   /* where their lengths start in flen */
	size_t nfields;
	unsigned long line;
};

struct ew_csv {
	struct csv_parser p;
	const char *name;
	/*
	 * Line source: the caller's buffer, or for a stream a block of it
	 * (with the start of a line carried over from the block before),
	 * lines handed out from text[pos..len).
	 */
	FILE *fp;
	const char *text;
	size_t len, pos;
	char *blk;
	size_t blkcap;
	int drained; /* the stream has no more to read */
	int by_line; /* read a pipe or terminal a line at a time */
	unsigned long lineno;
	int started, eof, dead;
	/*
	 * Rows: the completed ones not handed out yet, then the one being
	 * assembled. Their fields are in data, each NUL-terminated, with
	 * their lengths in flen.
	 */
	struct ew_buf data;
	size_t *flen;
	size_t nflen, flencap;
	struct done *q;
	size_t qhead, qlen, qcap;
	size_t curoff, curfirst, curfields; /* the row being assembled */
	unsigned long rowstart;
	size_t rowbytes; /* bytes of input the row took so far */
	/* the row handed out */
	struct ew_row row;
	size_t rowcap;
};

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static struct ew_csv *
reader_new(const char *name)
{
	struct ew_csv *r = ew_xcalloc(1, sizeof *r);

	r->name = name;
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		abort();
	csv_set_space_func(&r->p, no_space);
	csv_set_blk_size(&r->p, 4096);
	return r;
}

struct ew_csv *
ew_csv_open_file(FILE *fp, const char *name)
{
	struct ew_csv *r = reader_new(name);
	struct stat st;

	r->fp = fp;
	r->by_line = fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode);
	return r;
}

struct ew_csv *
ew_csv_open_file_after(FILE *fp, const char *name, const char *head,
	size_t headlen)
{
	struct ew_csv *r = ew_csv_open_file(fp, name);
	/* the head is the start of the first block */
	r->blkcap = headlen + BLOCK;
	r->blk = ew_xmalloc(r->blkcap);
	memcpy(r->blk, head, headlen);
	r->text = r->blk;
	r->len = headlen;
	return r;
}

struct ew_csv *
ew_csv_open_mem(const char *buf, size_t len, const char *name)
{
	struct ew_csv *r = reader_new(name);
	r->text = buf;
	r->len = len;
	return r;
}

ssize_t
ew_getline_max(char **line, size_t *cap, FILE *fp, size_t max)
{
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(fp)) != EOF) {
		if (n == max) {
			ungetc(c, fp);
			return -1;
		}
		if (n + 2 > *cap) {
			*cap = *cap ? *cap * 2 : 256;
			if (*cap > max + 1)
				*cap = max + 1;
			*line = ew_xrealloc(*line, *cap);
		}
		(*line)[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (n == 0)
		return 0;
	(*line)[n] = '\0';
	return (ssize_t)n;
}

/*
 * Reads the stream's next block after the unfinished line that ends the
 * one before, which moves to the front. The buffer grows only for a line
 * longer than a block, and next_line stops a line longer than a record
 * may be: it holds at most a record and a block.
 */
static void
refill(struct ew_csv *r)
{
	size_t keep = r->len - r->pos;

	if (keep && r->pos)
		memmove(r->blk, r->blk + r->pos, keep);
	r->pos = 0;
	r->len = keep;
	if (r->blkcap - keep < BLOCK) {
		r->blkcap = keep + BLOCK;
		r->blk = ew_xrealloc(r->blk, r->blkcap);
	}
	r->text = r->blk;
	size_t want = r->blkcap - keep, got = 0;
	if (!r->by_line) {
		got = fread(r->blk + keep, 1, want, r->fp);
		/* a short read is the end of the stream, or an error, which
		 * ends it as well */
		r->drained = got < want;
	} else {
		/* from a pipe or a terminal, up to the end of a line: a record
		 * is handed on as soon as its line has come, not when a block
		 * has */
		char *d = r->blk + keep;
		int c = 0;
		while (got < want && (c = getc_unlocked(r->fp)) != EOF) {
			d[got++] = (char)c;
			if (c == '\n')
				break;
		}
		r->drained = c == EOF;
	}
	r->len += got;
}

/*
 * Returns the next physical line (with its LF) in *p, *n; 0 at the end,
 * -1 for a line of a stream longer than a record may be.
 */
static int
next_line(struct ew_csv *r, const char **p, size_t *n)
{
	for (;;) {
		if (r->pos == r->len) {
			if (!r->fp || r->drained)
				return 0;
			refill(r);
			continue;
		}
		const char *s = r->text + r->pos;
		size_t avail = r->len - r->pos;
		const char *nl = memchr(s, '\n', avail);
		if (nl || !r->fp || r->drained) {
			size_t len = nl ? (size_t)(nl - s) + 1 : avail;
			if (r->fp && len > EW_MAX_RECORD)
				return -1;
			r->pos += len;
			*p = s;
			*n = len;
			return 1;
		}
		if (avail > EW_MAX_RECORD)
			return -1;
		refill(r);
	}
}

static void
on_field(void *s, size_t len, void *data)
{
	struct ew_csv *r = data;

	if (r->curfields == 0 && r->rowstart == 0)
		r->rowstart = r->lineno;
	ew_buf_add(&r->data, s, len);
	ew_buf_addc(&r->data, '\0');
	if (r->nflen == r->flencap) {
		r->flencap = r->flencap ? r->flencap * 2 : 64;
		r->flen = ew_xrealloc(r->flen, r->flencap * sizeof *r->flen);
	}
	r->flen[r->nflen++] = len;
	r->curfields++;
}

static void
on_row(int c, void *data)
{
	struct ew_csv *r = data;

	(void)c;
	if (r->qhead + r->qlen == r->qcap) {
		r->qcap = r->qcap ? r->qcap * 2 : 4;
		r->q = ew_xrealloc(r->q, r->qcap * sizeof *r->q);
	}
	r->q[r->qhead + r->qlen++] = (struct done){r->curoff, r->curfirst,
		r->curfields, r->rowstart ? r->rowstart : r->lineno};
	r->curoff = r->data.len;
	r->curfirst = r->nflen;
	r->curfields = 0;
	r->rowstart = 0;
}

static int
fail(struct ew_csv *r, struct ew_err *e, unsigned long line, const char *what)
{
	r->dead = 1;
	return ew_errf(e, "%s:%lu: %s", r->name, line, what);
}

/* The row that starts at line (or the line) is longer than a record may be. */
static int
too_long(struct ew_csv *r, struct ew_err *e, unsigned long line)
{
	r->dead = 1;
	if (r->p.quoted && r->lineno > line)
		return ew_errf(e, "%s:%lu: record longer than %s (the most one record may take); is a quoted field left open?",
			r->name, line, EW_MAX_RECORD_TEXT);
	return ew_errf(e, "%s:%lu: record longer than %s (the most one record may take)",
		r->name, line, EW_MAX_RECORD_TEXT);
}

/* Feeds one physical line (ending in LF, CRLF or a lone CR) to libcsv. */
static int
feed_line(struct ew_csv *r, const char *p, size_t n, struct ew_err *e)
{
	r->lineno++;
	if (memchr(p, '\0', n))
		return fail(r, e, r->lineno, _("NUL byte in input"));
	if (r->rowstart == 0 && r->curfields == 0)
		r->rowbytes = 0;
	if (r->rowstart == 0 && r->curfields == 0 && n > 0 && p[0] != '\n' &&
	    p[0] != '\r')
		r->rowstart = r->lineno;
	r->rowbytes += n;
	/* a stream's rows are bounded; a buffer is in memory already, and a
	 * row of the repository's own files (an alert's record ids) may be
	 * longer */
	if (r->fp && r->rowbytes > EW_MAX_RECORD)
		return too_long(r, e, r->rowstart ? r->rowstart : r->lineno);
	/* libcsv grows a field's buffer by blk_size at a time: make that the
	 * size of the line or of the buffer, so that a long field is copied
	 * a few times, not once per 4 KiB */
	size_t blk = r->p.entry_size > n ? r->p.entry_size : n;
	csv_set_blk_size(&r->p, blk > 4096 ? blk : 4096);
	if (csv_parse(&r->p, p, n, on_field, on_row, r) != n) {
		const char *why = csv_error(&r->p) == CSV_EPARSE
			? _("malformed quoting (a quote inside an unquoted field, or text after a closing quote)")
			: csv_strerror(csv_error(&r->p));
		return fail(r, e, r->lineno, why);
	}
	return 0;
}

/* Feeds lines to libcsv until at least one row is complete or input ends. */
static int
fill(struct ew_csv *r, struct ew_err *e)
{
	const char *p = NULL;
	size_t n = 0;

	while (r->qlen == 0 && !r->eof) {
		int got = next_line(r, &p, &n);
		if (got < 0)
			return too_long(r, e, r->rowstart ? r->rowstart : r->lineno + 1);
		if (got == 0) {
			r->eof = 1;
			if (csv_fini(&r->p, on_field, on_row, r) != 0)
				return fail(r, e, r->rowstart ? r->rowstart : r->lineno,
					_("unterminated quoted field"));
			break;
		}
		if (!r->started) {
			r->started = 1;
			if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
				p += 3, n -= 3;
		}
		/* a chunk ends at LF; a lone CR inside it also ends a line */
		const char *cr;
		while ((cr = memchr(p, '\r', n)) && (size_t)(cr - p) + 1 < n &&
		       cr[1] != '\n') {
			size_t len = (size_t)(cr - p) + 1;
			if (feed_line(r, p, len, e) < 0)
				return -1;
			p += len;
			n -= len;
		}
		if (n && feed_line(r, p, n, e) < 0)
			return -1;
	}
	return 0;
}

void
ew_csv_set_line(struct ew_csv *r, unsigned long line)
{
	r->lineno = line;
}

/*
 * Once every completed row was handed out (the last one is given up by
 * this call), the row being assembled moves to the front, so that data
 * and flen hold no more than a line's rows at a time.
 */
static void
drop_done(struct ew_csv *r)
{
	if (r->qlen > 0 || r->curoff == 0)
		return;
	r->data.len -= r->curoff;
	memmove(r->data.s, r->data.s + r->curoff, r->data.len + 1);
	memmove(r->flen, r->flen + r->curfirst, r->curfields * sizeof *r->flen);
	r->nflen = r->curfields;
	r->curoff = r->curfirst = 0;
	r->qhead = 0;
}

int
ew_csv_next(struct ew_csv *r, struct ew_row **rowp, struct ew_err *e)
{
	if (r->dead)
		return 0;
	drop_done(r);
	if (fill(r, e) < 0)
		return -1;
	if (r->qlen == 0)
		return 0;

	const struct done *d = &r->q[r->qhead];
	r->qhead++;
	r->qlen--;
	if (d->nfields > r->rowcap) {
		r->rowcap = d->nfields;
		r->row.f = ew_xrealloc(r->row.f, r->rowcap * sizeof *r->row.f);
	}
	r->row.len = r->flen + d->first;
	char *s = r->data.s + d->off;
	for (size_t i = 0; i < d->nfields; i++) {
		r->row.f[i] = s;
		s += r->row.len[i] + 1;
	}
	r->row.n = d->nfields;
	r->row.line = d->line;
	*rowp = &r->row;
	return 1;
}

void
ew_csv_close(struct ew_csv *r)
{
	if (!r)
		return;
	csv_free(&r->p);
	ew_buf_free(&r->data);
	free(r->flen);
	free(r->q);
	free(r->row.f);
	free(r->blk);
	free(r);
}

/* The bytes that make a field quoted. */
static const unsigned char quotes_field[256] = {
	[','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1,
};

void
ew_csv_put(struct ew_buf *out, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && !quotes_field[(unsigned char)s[i]])
		i++;
	if (i == n) {
		ew_buf_add(out, s, n);
		return;
	}
	ew_buf_grow(out, n + 2);
	ew_buf_addc(out, '"');
	for (const char *q; (q = memchr(s, '"', n)); ) {
		/* up to the quote, and the quote twice */
		size_t k = (size_t)(q - s) + 1;
		ew_buf_add(out, s, k);
		ew_buf_addc(out, '"');
		s += k;
		n -= k;
	}
	ew_buf_add(out, s, n);
	ew_buf_addc(out, '"');
}

void
ew_tsv_put(struct ew_buf *out, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		const char *esc;
		switch (s[i]) {
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\\': esc = "\\\\"; break;
		default: continue;
		}
		/* the bytes kept as they are since the last escape, then this one */
		ew_buf_add(out, s + run, i - run);
		ew_buf_add(out, esc, 2);
		run = i + 1;
	}
	ew_buf_add(out, s + run, n - run);
}

int
ew_csv_load_file(const char *path, const char *what,
	int (*load)(struct ew_csv *, const char *, void *, struct ew_err *),
	void *ctx, struct ew_err *e)
{
	size_t len;
	char *buf = ew_read_file(path, &len);

	if (!buf)
		/* TRANSLATORS: the first %s is the kind of file, such as
		   "gazetteer", as translated on its own */
		return ew_errf(e, "cannot read %s '%s': %s", _(what), path, strerror(errno));
	struct ew_csv *r = ew_csv_open_mem(buf, len, path);
	int rc = load(r, path, ctx, e);
	ew_csv_close(r);
	free(buf);
	return rc;
}

int
ew_row_index(const struct ew_row *row, const char *name)
{
	for (size_t i = 0; i < row->n; i++)
		if (strcmp(row->f[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
ew_csv_row_end(const char *p, const char *end, unsigned long *lines)
{
	unsigned long n = 1;
	int quoted = 0;

	for (; p < end && (quoted || *p != '\n'); p++) {
		quoted ^= *p == '"';
		n += *p == '\n';
	}
	if (lines)
		*lines = n;
	return p;
}
