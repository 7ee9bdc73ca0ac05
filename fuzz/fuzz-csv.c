/*
 * fuzz-csv - the CSV reader (csv.h) and the record reader (input.h) on
 * CSV input, with the records checked against the schema (check.h).
 *
 * Properties, on any bytes:
 * - the reader never fails in another way than an error message; after
 *   an error or the end it only returns 0; each field's length is its
 *   strlen (no NUL gets through); row lines never go backwards;
 * - rows read without error, written back with ew_csv_put, read again as
 *   the same rows;
 * - reading from a stream (a FILE, with or without bytes already taken
 *   from it) gives the same rows, lines and errors as reading from memory;
 *   so does the record reader, when the first line of the stream is
 *   not blank and does not start with '{' (which a stream's sniffing
 *   skips, or takes for NDJSON);
 * - on plain LF-terminated input that reads without error, ew_csv_row_end
 *   finds the same rows on the same lines as the reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "csv.h"
#include "fuzz.h"
#include "input.h"
#include "util.h"

#define NAME "fuzz.csv"

/* Everything a reader gave, and how it ended. */
struct rows {
	struct ew_strv cells;
	struct ew_buf width;   /* size_t per row */
	struct ew_buf line;    /* unsigned long per row */
	size_t n;
	int rc;
	char err[sizeof ((struct ew_err *)0)->msg];
};

static void
rows_free(struct rows *t)
{
	ew_strv_free(&t->cells);
	ew_buf_free(&t->width);
	ew_buf_free(&t->line);
}

static size_t
width_at(const struct rows *t, size_t i)
{
	size_t w;
	memcpy(&w, t->width.s + i * sizeof w, sizeof w);
	return w;
}

static unsigned long
line_at(const struct rows *t, size_t i)
{
	unsigned long l;
	memcpy(&l, t->line.s + i * sizeof l, sizeof l);
	return l;
}

/* Reads every row of r (which it closes), checking each as it comes. */
static void
read_rows(struct ew_csv *r, struct rows *t)
{
	struct ew_row *row;
	struct ew_err e = {{0}};
	unsigned long last = 0;
	int got;

	memset(t, 0, sizeof *t);
	while ((got = ew_csv_next(r, &row, &e)) == 1) {
		FUZZ_ASSERT(row->line >= 1 && row->line >= last,
			"row %zu starts on line %lu after line %lu", t->n, row->line, last);
		last = row->line;
		for (size_t i = 0; i < row->n; i++) {
			FUZZ_ASSERT(strlen(row->f[i]) == row->len[i],
				"field %zu of line %lu: length %zu, strlen %zu", i,
				row->line, row->len[i], strlen(row->f[i]));
			ew_strv_push(&t->cells, ew_xstrndup(row->f[i], row->len[i]));
		}
		ew_buf_add(&t->width, &row->n, sizeof row->n);
		ew_buf_add(&t->line, &row->line, sizeof row->line);
		t->n++;
	}
	FUZZ_ASSERT(got == 0 || got == -1, "ew_csv_next returned %d", got);
	t->rc = got;
	if (got < 0) {
		FUZZ_ASSERT(strncmp(e.msg, NAME ":", strlen(NAME ":")) == 0,
			"error without the name: %s", e.msg);
		memcpy(t->err, e.msg, sizeof t->err);
	}
	FUZZ_ASSERT(ew_csv_next(r, &row, &e) == 0, "a read after the end gave more");
	ew_csv_close(r);
}

/* The same rows (and, with lines, on the same lines, ending the same). */
static void
same_rows(const struct rows *a, const struct rows *b, int lines,
	const char *what)
{
	FUZZ_ASSERT(a->n == b->n, "%s: %zu rows, then %zu", what, a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		FUZZ_ASSERT(width_at(a, i) == width_at(b, i),
			"%s: row %zu has %zu fields, then %zu", what, i,
			width_at(a, i), width_at(b, i));
		FUZZ_ASSERT(!lines || line_at(a, i) == line_at(b, i),
			"%s: row %zu on line %lu, then %lu", what, i, line_at(a, i),
			line_at(b, i));
	}
	for (size_t i = 0; i < a->cells.n; i++)
		FUZZ_ASSERT(strcmp(a->cells.v[i], b->cells.v[i]) == 0,
			"%s: field %zu '%s', then '%s'", what, i, a->cells.v[i],
			b->cells.v[i]);
	if (lines) {
		FUZZ_ASSERT(a->rc == b->rc, "%s: ended with %d, then %d", what,
			a->rc, b->rc);
		FUZZ_ASSERT(strcmp(a->err, b->err) == 0,
			"%s: error '%s', then '%s'", what, a->err, b->err);
	}
}

/* Rows read without error, written back: the same rows. */
static void
round_trip(const struct rows *t)
{
	struct ew_buf out = {0};
	struct rows again;
	size_t k = 0;

	/* a byte order mark first, which the reader skips: a first field
	 * that starts with one then survives */
	ew_buf_adds(&out, "\xef\xbb\xbf");
	for (size_t i = 0; i < t->n; i++) {
		size_t w = width_at(t, i);
		if (w == 1 && !*t->cells.v[k]) {
			ew_buf_adds(&out, "\"\""); /* else an empty line, skipped */
		} else {
			for (size_t j = 0; j < w; j++) {
				if (j)
					ew_buf_addc(&out, ',');
				ew_csv_put(&out, t->cells.v[k + j], strlen(t->cells.v[k + j]));
			}
		}
		k += w;
		ew_buf_addc(&out, '\n');
	}
	read_rows(ew_csv_open_mem(out.s, out.len, NAME), &again);
	FUZZ_ASSERT(again.rc == 0, "written rows do not read back: %s", again.err);
	same_rows(t, &again, 0, "written back");
	rows_free(&again);
	ew_buf_free(&out);
}

/* The same bytes through a FILE, split into bytes taken and the rest. */
static void
from_stream(const uint8_t *data, size_t size, size_t split,
	const struct rows *want)
{
	struct rows got;
	FILE *fp;

	if (size == 0)
		return;
	if (split == 0) {
		if (!(fp = fmemopen((void *)data, size, "r")))
			return;
		read_rows(ew_csv_open_file(fp, NAME), &got);
	} else {
		/* the rest may be empty, which fmemopen refuses */
		fp = split < size ? fmemopen((void *)(data + split), size - split, "r")
		                  : fopen("/dev/null", "r");
		if (!fp)
			return;
		read_rows(ew_csv_open_file_after(fp, NAME, (const char *)data, split), &got);
	}
	fclose(fp);
	same_rows(want, &got, 1, split ? "stream after bytes taken" : "stream");
	rows_free(&got);
}

/* ew_csv_row_end against the reader, on plain input. */
static void
row_ends(const char *p, size_t size, const struct rows *t)
{
	const char *end = p + size;
	unsigned long line = 1;
	size_t n = 0;

	if (t->rc != 0 || memchr(p, '\r', size) || (size && (p[0] == '\n' ||
	    p[size - 1] != '\n')) || (size >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0))
		return;
	for (size_t i = 1; i < size; i++)
		if (p[i] == '\n' && p[i - 1] == '\n')
			return; /* an empty line, which the reader skips */
	while (p < end) {
		unsigned long lines;
		const char *q = ew_csv_row_end(p, end, &lines);
		FUZZ_ASSERT(q >= p && q <= end, "row end out of the buffer");
		FUZZ_ASSERT(n < t->n, "ew_csv_row_end finds more rows than %zu", t->n);
		FUZZ_ASSERT(line_at(t, n) == line, "row %zu: reader says line %lu, ew_csv_row_end %lu",
			n, line_at(t, n), line);
		n++;
		line += lines;
		p = q < end ? q + 1 : q;
	}
	FUZZ_ASSERT(n == t->n, "ew_csv_row_end finds %zu rows, the reader %zu", n, t->n);
}

/* Everything the record reader gave, and how it ended. */
struct recs {
	struct ew_strv vals;   /* the values of each record, or its error */
	int json_or_ids;       /* the stream was not taken as CSV */
};

static void
read_records(struct ew_input *in, const struct ew_schema *s, struct recs *out)
{
	const struct ew_check *chk = fuzz_checker(s);
	struct ew_record *r;
	struct ew_err e;
	int got;

	memset(out, 0, sizeof *out);
	while ((got = ew_input_next(in, &r, &e)) != 0) {
		FUZZ_ASSERT(got == 1 || got == -1, "ew_input_next returned %d", got);
		if (got < 0) {
			if (strstr(e.msg, "holds record ids"))
				out->json_or_ids = 1;
			ew_strv_push(&out->vals, ew_xasprintf("error: %s", e.msg));
			continue;
		}
		FUZZ_ASSERT(r->n == s->n, "record with %zu values for %zu columns", r->n, s->n);
		ew_strv_push(&out->vals, ew_xasprintf("line %lu", r->line));
		for (size_t i = 0; i < r->n; i++)
			ew_strv_push(&out->vals, ew_xstrdup(r->v[i]));
		if (ew_check_read(chk, r, NAME, &e) == 0)
			for (size_t i = 0; i < r->n; i++)
				FUZZ_ASSERT(ew_utf8_valid(r->v[i], strlen(r->v[i])),
					"a checked record holds invalid UTF-8 in %s",
					s->cols[i].name);
		ew_record_free(r);
	}
	FUZZ_ASSERT(ew_input_next(in, &r, &e) == 0, "a read after the end gave more");
	ew_input_close(in);
}

/*
 * 1 when a stream of p[0..size) reads as CSV from its first line, as
 * from memory: the record reader's sniffing skips blank lines at the
 * start of a stream, and takes a first line that starts with '{' as
 * NDJSON.
 */
static int
sniffs_csv(const char *p, size_t size)
{
	const char *nl = memchr(p, '\n', size);
	size_t n = nl ? (size_t)(nl - p) : size, k = 0;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		k = 3;
	while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
		k++;
	return k < n && p[k] != '{';
}

static void
records(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	int extra = size >= 12 && memmem(p, size, "village_code", 12) != NULL;
	const struct ew_schema *s = fuzz_schema(extra);
	struct recs mem, file;
	FILE *fp;

	read_records(ew_input_open_mem(p, size, NAME, s), s, &mem);
	if (!sniffs_csv(p, size) || !(fp = fmemopen((void *)data, size, "r"))) {
		ew_strv_free(&mem.vals);
		return;
	}
	read_records(ew_input_open_file(fp, NAME, s), s, &file);
	fclose(fp);
	if (!file.json_or_ids) {
		FUZZ_ASSERT(mem.vals.n == file.vals.n,
			"records from memory and from a stream differ in number");
		for (size_t i = 0; i < mem.vals.n; i++)
			FUZZ_ASSERT(strcmp(mem.vals.v[i], file.vals.v[i]) == 0,
				"from memory '%s', from a stream '%s'", mem.vals.v[i],
				file.vals.v[i]);
	}
	ew_strv_free(&mem.vals);
	ew_strv_free(&file.vals);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct rows t;

	read_rows(ew_csv_open_mem(p, size, NAME), &t);
	if (t.rc == 0)
		round_trip(&t);
	/* as the tools read stdin, or after sniffing took some bytes */
	from_stream(data, size, size ? (size_t)(data[0] ^ data[size / 2]) * 13 % (size + 1) : 0, &t);
	row_ends(p, size, &t);
	rows_free(&t);
	records(data, size);
	return 0;
}
