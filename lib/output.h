/*
 * output.h - printing rows as CSV, TSV, NDJSON or an aligned table.
 *
 * CSV, TSV and NDJSON stream row by row; a table is held until
 * ew_out_end so its columns can be aligned.
 *
 * CSV, TSV and NDJSON carry the values' bytes as they are (escaped as
 * each format requires), wherever they go, a terminal included: they are
 * for programs. A table is for people: its cells are neutralised
 * (ew_neutralise), one line each, and on a terminal severities and
 * alert levels are coloured (ew_colour_wanted).
 */
#ifndef EW_OUTPUT_H
#define EW_OUTPUT_H

#include <stdio.h>

#include "err.h"
#include "util.h"

enum ew_format { EW_FMT_CSV, EW_FMT_TSV, EW_FMT_JSON, EW_FMT_TABLE };

/* Parses csv, tsv, json, table. */
int ew_format_parse(const char *s, enum ew_format *f, struct ew_err *e);
/* table when fp is a terminal, else csv. */
enum ew_format ew_format_default(FILE *fp);

struct ew_out {
	enum ew_format fmt;
	FILE *fp;
	size_t ncols;
	const char *const *names; /* borrowed */
	const int *numeric;       /* borrowed: JSON numbers */
	struct ew_buf line;
	struct ew_strv cells;     /* table: every cell, row by row */
	int spreadsheet;          /* EW_OUT_SPREADSHEET was asked for */
	int colour;               /* table: colour severities and levels */
};

/*
 * 1 when what goes to fp may be coloured: fp is a terminal, TERM is set
 * and not "dumb", and NO_COLOR is unset or empty (no-color.org).
 */
int ew_colour_wanted(FILE *fp);
/*
 * The SGR escape that colours value v of a column called column in a
 * table (severity 3 to 5; alert levels yellow, orange and red), or NULL.
 */
const char *ew_colour_of(const char *column, const char *v);

/*
 * A progress line on standard error, for long imports and syncs: shown
 * only when standard error is a terminal (and TERM is not "dumb"), each
 * new text overwriting the last, at most ten times a second, and wiped
 * at the end so that what follows starts on a clean line.
 */
struct ew_progress {
	int on, shown;
	long long last; /* when it was last drawn, in ms (CLOCK_MONOTONIC) */
};
/* Starts one; off when quiet is set or stderr is not a terminal. */
void ew_progress_begin(struct ew_progress *p, int quiet);
/* Shows "PROGNAME: text"; with force, even within 100 ms of the last. */
void ew_progress_show(struct ew_progress *p, int force, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Wipes the line, if one was drawn. */
void ew_progress_end(struct ew_progress *p);

/* Starts output; CSV and TSV print the header at once. */
void ew_out_begin(struct ew_out *o, enum ew_format fmt, FILE *fp,
	const char *const *names, const int *numeric, size_t ncols);
/*
 * Options of ew_out_begin_with. EW_OUT_SPREADSHEET (CSV and TSV): a cell
 * a spreadsheet could take for a formula, one that starts with '=', '+',
 * '-', '@', a tab or a carriage return, gets a leading single quote
 * (OWASP's advice on CSV injection), unless the whole cell is a plain
 * number such as -5.3 (an optional sign, digits, an optional fraction).
 */
enum { EW_OUT_SPREADSHEET = 1 };
void ew_out_begin_with(struct ew_out *o, enum ew_format fmt, int opts,
	FILE *fp, const char *const *names, const int *numeric, size_t ncols);
/* Prints one row of ncols values. */
void ew_out_row(struct ew_out *o, const char *const *vals);
/* Ends output (prints a table); frees o's memory. */
void ew_out_end(struct ew_out *o);

/* 1 when s is a number as JSON (RFC 8259) writes one, such as -5.99. */
int ew_json_number(const char *s);
/*
 * Appends the JSON object of one row (no line end): names[i] with
 * vals[i], a number where numeric[i] is set (numeric may be NULL), null
 * when such a value is empty, and a string where it is not a JSON
 * number, so that the object is always valid JSON.
 */
void ew_json_object(struct ew_buf *out, const char *const *names,
	const int *numeric, const char *const *vals, size_t n);

#endif
