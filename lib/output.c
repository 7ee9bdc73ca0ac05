/* output.c - see output.h */
#include "output.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "i18n.h"
#include "record.h"

enum { TABLE_MAX_WIDTH = 40 };

int
ew_format_parse(const char *s, enum ew_format *f, struct ew_err *e)
{
	static const char *const names[] = {"csv", "tsv", "json", "table"};

	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (enum ew_format)i;
			return 0;
		}
	return ew_errf(e, "unknown format '%s' (expected csv, tsv, json or table)", s);
}

enum ew_format
ew_format_default(FILE *fp)
{
	return isatty(fileno(fp)) ? EW_FMT_TABLE : EW_FMT_CSV;
}

static void
flush_line(struct ew_out *o)
{
	ew_buf_write(&o->line, o->fp);
}

/* 1 when s is a plain number: an optional sign, digits, an optional fraction. */
static int
plain_number(const char *s)
{
	size_t i = *s == '-' || *s == '+', digits = 0;

	for (; s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (s[i] == '.')
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	return digits && !s[i];
}

/* A CSV or TSV row of ncols values, with its line end. */
static void
put_row(struct ew_out *o, const char *const *vals)
{
	for (size_t i = 0; i < o->ncols; i++) {
		const char *v = vals[i];
		char *quoted = NULL;
		if (i)
			ew_buf_addc(&o->line, o->fmt == EW_FMT_CSV ? ',' : '\t');
		if (o->spreadsheet && *v && strchr("=+-@\t\r", *v) && !plain_number(v))
			v = quoted = ew_xasprintf("'%s", v);
		if (o->fmt == EW_FMT_CSV)
			ew_csv_put(&o->line, v, strlen(v));
		else
			ew_tsv_put(&o->line, v, strlen(v));
		free(quoted);
	}
	ew_buf_addc(&o->line, '\n');
}

void
ew_out_begin_with(struct ew_out *o, enum ew_format fmt, int opts, FILE *fp,
	const char *const *names, const int *numeric, size_t ncols)
{
	memset(o, 0, sizeof *o);
	o->fmt = fmt;
	o->fp = fp;
	o->names = names;
	o->numeric = numeric;
	o->ncols = ncols;
	o->spreadsheet = (opts & EW_OUT_SPREADSHEET) != 0;
	o->colour = fmt == EW_FMT_TABLE && ew_colour_wanted(fp);
	if (fmt == EW_FMT_CSV || fmt == EW_FMT_TSV) {
		put_row(o, names);
		flush_line(o);
	}
}

void
ew_out_begin(struct ew_out *o, enum ew_format fmt, FILE *fp,
	const char *const *names, const int *numeric, size_t ncols)
{
	ew_out_begin_with(o, fmt, 0, fp, names, numeric, ncols);
}

/* Moves *p past the digits there; 1 when there was one at least. */
static int
skip_digits(const char **p)
{
	const char *s = *p;

	while (**p >= '0' && **p <= '9')
		(*p)++;
	return *p > s;
}

int
ew_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (!(*s >= '1' && *s <= '9') || !skip_digits(&s))
		return 0;
	if (*s == '.') {
		s++;
		if (!skip_digits(&s))
			return 0;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!skip_digits(&s))
			return 0;
	}
	return *s == '\0';
}

void
ew_json_object(struct ew_buf *out, const char *const *names,
	const int *numeric, const char *const *vals, size_t n)
{
	ew_buf_addc(out, '{');
	for (size_t i = 0; i < n; i++) {
		const char *v = vals[i];
		if (i)
			ew_buf_addc(out, ',');
		ew_json_string(out, names[i], strlen(names[i]));
		ew_buf_addc(out, ':');
		if (!numeric || !numeric[i] || (*v && !ew_json_number(v)))
			ew_json_string(out, v, strlen(v));
		else if (*v)
			ew_buf_adds(out, v);
		else
			ew_buf_adds(out, "null");
	}
	ew_buf_addc(out, '}');
}

/*
 * A table cell: neutralised (ew_neutralise: one line, controls shown
 * escaped), then cut to at most TABLE_MAX_WIDTH terminal columns.
 */
static char *
cell(const char *v)
{
	struct ew_buf safe = {0}, b = {0};
	unsigned cp;

	ew_neutralise(&safe, v, strlen(v), 0);
	size_t cols = 0, total = ew_utf8_columns(safe.s, safe.len);
	for (const char *p = safe.s; *p;) {
		size_t len = ew_utf8_decode(p, &cp);
		int w = ew_cp_columns(cp);
		if (total > TABLE_MAX_WIDTH && cols + (size_t)w > TABLE_MAX_WIDTH - 1) {
			ew_buf_adds(&b, "\xe2\x80\xa6"); /* … */
			break;
		}
		ew_buf_add(&b, p, len);
		cols += (size_t)w;
		p += len;
	}
	ew_buf_free(&safe);
	return ew_buf_detach(&b);
}

void
ew_out_row(struct ew_out *o, const char *const *vals)
{
	switch (o->fmt) {
	case EW_FMT_CSV:
	case EW_FMT_TSV:
		put_row(o, vals);
		break;
	case EW_FMT_JSON:
		ew_json_object(&o->line, o->names, o->numeric, vals, o->ncols);
		ew_buf_addc(&o->line, '\n');
		break;
	case EW_FMT_TABLE:
		for (size_t i = 0; i < o->ncols; i++)
			ew_strv_push(&o->cells, cell(vals[i]));
		return;
	}
	flush_line(o);
}

/* 1 when fd is a terminal that takes escapes: TERM set and not "dumb". */
static int
capable_terminal(int fd)
{
	const char *term = getenv("TERM");

	return term && *term && strcmp(term, "dumb") != 0 && isatty(fd);
}

int
ew_colour_wanted(FILE *fp)
{
	const char *nc = getenv("NO_COLOR");

	return !(nc && *nc) && capable_terminal(fileno(fp));
}

const char *
ew_colour_of(const char *column, const char *v)
{
	/* severity: the top three stand out; 1 and 2 stay plain */
	static const char *const severity[] = {
		NULL, NULL, NULL, "\033[33m", "\033[31m", "\033[1;31m",
	};
	/* an alert's level (ew-rules(5)): info stays plain */
	static const struct { const char *level, *sgr; } levels[] = {
		{"yellow", "\033[33m"},
		{"orange", "\033[38;5;208m"},
		{"red", "\033[1;31m"},
	};

	if (strcmp(column, "severity") == 0) {
		if (v[0] >= '1' && v[0] <= '5' && v[1] == '\0')
			return severity[v[0] - '0'];
		return NULL;
	}
	if (strcmp(column, "level") == 0)
		for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
			if (strcmp(v, levels[i].level) == 0)
				return levels[i].sgr;
	return NULL;
}

static void
table_row(struct ew_out *o, char *const *cells, const size_t *width,
	int header)
{
	for (size_t i = 0; i < o->ncols; i++) {
		size_t w = ew_utf8_columns(cells[i], strlen(cells[i]));
		const char *sgr = o->colour && !header ?
			ew_colour_of(o->names[i], cells[i]) : NULL;
		if (sgr)
			ew_buf_adds(&o->line, sgr);
		ew_buf_adds(&o->line, cells[i]);
		if (sgr)
			ew_buf_adds(&o->line, "\033[0m");
		if (i + 1 < o->ncols)
			for (size_t k = w; k < width[i] + 2; k++)
				ew_buf_addc(&o->line, ' ');
	}
	ew_buf_addc(&o->line, '\n');
	flush_line(o);
}

void
ew_out_end(struct ew_out *o)
{
	if (o->fmt == EW_FMT_TABLE) {
		size_t *width = ew_xcalloc(o->ncols, sizeof *width);
		char **head = ew_xcalloc(o->ncols, sizeof *head);
		/* the header in the user's language; the names stay those of
		   the data (the colours go by them) */
		for (size_t i = 0; i < o->ncols; i++) {
			head[i] = cell(*o->names[i] ? _(o->names[i]) : "");
			width[i] = ew_utf8_columns(head[i], strlen(head[i]));
		}
		for (size_t k = 0; k < o->cells.n; k++) {
			size_t w = ew_utf8_columns(o->cells.v[k], strlen(o->cells.v[k]));
			if (w > width[k % o->ncols])
				width[k % o->ncols] = w;
		}
		table_row(o, head, width, 1);
		for (size_t k = 0; k + o->ncols <= o->cells.n; k += o->ncols)
			table_row(o, o->cells.v + k, width, 0);
		for (size_t i = 0; i < o->ncols; i++)
			free(head[i]);
		free(head);
		free(width);
	}
	ew_strv_free(&o->cells);
	ew_buf_free(&o->line);
}

void
ew_progress_begin(struct ew_progress *p, int quiet)
{
	memset(p, 0, sizeof *p);
	p->on = !quiet && capable_terminal(STDERR_FILENO);
}

void
ew_progress_show(struct ew_progress *p, int force, const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (!force && p->shown && now - p->last < 100)
		return;
	p->last = now;
	p->shown = 1;
	/* carriage return, erase the line, then the new text */
	fprintf(stderr, "\r\033[K%s: ", ew_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

void
ew_progress_end(struct ew_progress *p)
{
	if (p->on && p->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->shown = 0;
}
