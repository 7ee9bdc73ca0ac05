/* csv.c - see csv.h */
#include "csv.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A completed row waiting to be handed out: NUL-separated fields. */
struct pending {
	struct ew_buf data;
	size_t nfields;
	unsigned long line;
};

struct ew_csv {
	struct csv_parser p;
	const char *name;
	/* line source */
	FILE *fp;
	const char *mem;
	size_t memlen, mempos;
	char *head;
	size_t headlen, headpos;
	char *line;
	size_t linecap;
	unsigned long lineno;
	int started, eof, dead;
	/* row being assembled */
	struct ew_buf cur;
	size_t curfields;
	unsigned long rowstart;
	size_t rowbytes; /* bytes of input the row took so far */
	/* completed rows */
	struct pending *q;
	size_t qhead, qlen, qcap;
	/* the row handed out */
	struct ew_row row;
	size_t rowcap;
	struct pending out;
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
	r->fp = fp;
	return r;
}

struct ew_csv *
ew_csv_open_file_after(FILE *fp, const char *name, const char *head,
	size_t headlen)
{
	struct ew_csv *r = ew_csv_open_file(fp, name);
	r->head = ew_xstrndup(head, headlen);
	r->headlen = headlen;
	return r;
}

struct ew_csv *
ew_csv_open_mem(const char *buf, size_t len, const char *name)
{
	struct ew_csv *r = reader_new(name);
	r->mem = buf;
	r->memlen = len;
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
 * Returns the next physical line (with its LF) in *p, *n; 0 at the end,
 * -1 for a line longer than a record may be.
 */
static int
next_line(struct ew_csv *r, const char **p, size_t *n)
{
	if (r->head && r->headpos < r->headlen) {
		const char *s = r->head + r->headpos;
		const char *nl = memchr(s, '\n', r->headlen - r->headpos);
		size_t len = nl ? (size_t)(nl - s) + 1 : r->headlen - r->headpos;
		if (!nl && r->fp) {
			/* an unfinished line: complete it from the stream */
			struct ew_buf b = {0};
			ew_buf_add(&b, s, len);
			ssize_t got = len > EW_MAX_RECORD ? -1 :
				ew_getline_max(&r->line, &r->linecap, r->fp, EW_MAX_RECORD - len);
			if (got > 0)
				ew_buf_add(&b, r->line, (size_t)got);
			free(r->line);
			r->linecap = b.cap;
			r->line = b.s;
			r->headpos = r->headlen;
			*p = r->line;
			*n = b.len;
			return got < 0 ? -1 : 1;
		}
		r->headpos += len;
		*p = s;
		*n = len;
		return 1;
	}
	if (r->fp) {
		ssize_t got = ew_getline_max(&r->line, &r->linecap, r->fp, EW_MAX_RECORD);
		if (got <= 0)
			return (int)got;
		*p = r->line;
		*n = (size_t)got;
		return 1;
	}
	if (r->mempos >= r->memlen)
		return 0;
	const char *s = r->mem + r->mempos;
	const char *nl = memchr(s, '\n', r->memlen - r->mempos);
	size_t len = nl ? (size_t)(nl - s) + 1 : r->memlen - r->mempos;
	r->mempos += len;
	*p = s;
	*n = len;
	return 1;
}

static void
on_field(void *s, size_t len, void *data)
{
	struct ew_csv *r = data;

	if (r->curfields == 0 && r->rowstart == 0)
		r->rowstart = r->lineno;
	ew_buf_add(&r->cur, s, len);
	ew_buf_addc(&r->cur, '\0');
	r->curfields++;
}

static void
on_row(int c, void *data)
{
	struct ew_csv *r = data;
	struct pending *pd;

	(void)c;
	if (r->qhead + r->qlen == r->qcap) {
		if (r->qhead > 0) {
			memmove(r->q, r->q + r->qhead, r->qlen * sizeof *r->q);
			r->qhead = 0;
		} else {
			r->qcap = r->qcap ? r->qcap * 2 : 4;
			r->q = ew_xrealloc(r->q, r->qcap * sizeof *r->q);
		}
	}
	pd = &r->q[r->qhead + r->qlen++];
	pd->data = r->cur;
	pd->nfields = r->curfields;
	pd->line = r->rowstart ? r->rowstart : r->lineno;
	memset(&r->cur, 0, sizeof r->cur);
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
	return ew_errf(e, "%s:%lu: record longer than " EW_MAX_RECORD_TEXT
		" (the most one record may take)%s", r->name, line,
		r->p.quoted && r->lineno > line
		? "; is a quoted field left open?" : "");
}

/* Feeds one physical line (ending in LF, CRLF or a lone CR) to libcsv. */
static int
feed_line(struct ew_csv *r, const char *p, size_t n, struct ew_err *e)
{
	r->lineno++;
	if (memchr(p, '\0', n))
		return fail(r, e, r->lineno, "NUL byte in input");
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
			? "malformed quoting (a quote inside an unquoted field, or text after a closing quote)"
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
					"unterminated quoted field");
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

int
ew_csv_next(struct ew_csv *r, struct ew_row **rowp, struct ew_err *e)
{
	if (r->dead)
		return 0;
	if (fill(r, e) < 0)
		return -1;
	if (r->qlen == 0)
		return 0;

	ew_buf_free(&r->out.data);
	r->out = r->q[r->qhead];
	r->qhead++;
	r->qlen--;
	if (r->qlen == 0)
		r->qhead = 0;

	if (r->out.nfields > r->rowcap) {
		r->rowcap = r->out.nfields;
		r->row.f = ew_xrealloc(r->row.f, r->rowcap * sizeof *r->row.f);
		r->row.len = ew_xrealloc(r->row.len, r->rowcap * sizeof *r->row.len);
	}
	char *s = r->out.data.s;
	for (size_t i = 0; i < r->out.nfields; i++) {
		size_t len = strlen(s);
		r->row.f[i] = s;
		r->row.len[i] = len;
		s += len + 1;
	}
	r->row.n = r->out.nfields;
	r->row.line = r->out.line;
	*rowp = &r->row;
	return 1;
}

void
ew_csv_close(struct ew_csv *r)
{
	if (!r)
		return;
	csv_free(&r->p);
	for (size_t i = 0; i < r->qlen; i++)
		ew_buf_free(&r->q[r->qhead + i].data);
	free(r->q);
	ew_buf_free(&r->cur);
	ew_buf_free(&r->out.data);
	free(r->row.f);
	free(r->row.len);
	free(r->line);
	free(r->head);
	free(r);
}

void
ew_csv_put(struct ew_buf *out, const char *s, size_t n)
{
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) &&
	    !memchr(s, '\r', n)) {
		ew_buf_add(out, s, n);
		return;
	}
	ew_buf_grow(out, n + 2);
	ew_buf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			ew_buf_addc(out, '"');
		ew_buf_addc(out, s[i]);
	}
	ew_buf_addc(out, '"');
}

void
ew_tsv_put(struct ew_buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\t': ew_buf_add(out, "\\t", 2); break;
		case '\n': ew_buf_add(out, "\\n", 2); break;
		case '\r': ew_buf_add(out, "\\r", 2); break;
		case '\\': ew_buf_add(out, "\\\\", 2); break;
		default: ew_buf_addc(out, s[i]);
		}
	}
}

int
ew_csv_load_file(const char *path, const char *what,
	int (*load)(struct ew_csv *, const char *, void *, struct ew_err *),
	void *ctx, struct ew_err *e)
{
	size_t len;
	char *buf = ew_read_file(path, &len);

	if (!buf)
		return ew_errf(e, "cannot read %s '%s': %s", what, path, strerror(errno));
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
