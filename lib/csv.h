/*
 * csv.h - RFC 4180 CSV reading (through libcsv) and writing.
 *
 * The reader is a pull parser over a file descriptor's stream or a memory
 * buffer. It reports the line each row starts on, rejects NUL bytes,
 * unterminated quoted fields and stray quotes, skips a UTF-8 byte order
 * mark and empty lines, and accepts LF, CRLF and CR line endings. Field
 * contents are kept byte for byte (no trimming). A regular file is read
 * 64 KiB at a time, a pipe or a terminal up to the end of each line (so
 * that a row is handed on as soon as it has come); a row longer than
 * EW_MAX_RECORD bytes is an error, found before more than a block past it
 * is read, so the reader's memory stays bounded whatever the input.
 */
#ifndef EW_CSV_H
#define EW_CSV_H

#include <stdio.h>
#include <sys/types.h>

#include "err.h"
#include "util.h"

/* The most bytes one record may take: a CSV row with its line ends, or
 * an NDJSON line. */
#define EW_MAX_RECORD (1024 * 1024)
#define EW_MAX_RECORD_TEXT "1 MiB"

struct ew_row {
	size_t n;          /* number of fields */
	char **f;          /* NUL-terminated fields, owned by the reader */
	size_t *len;       /* their lengths */
	unsigned long line; /* line the row starts on (1-based) */
};

struct ew_csv;

/*
 * Opens a reader. name is used in messages ("stdin", a path). The reader
 * does not own fp or buf; both must outlive it. It reads fp ahead of the
 * rows it hands out: what is left of fp after it is not to be read.
 */
struct ew_csv *ew_csv_open_file(FILE *fp, const char *name);
struct ew_csv *ew_csv_open_mem(const char *buf, size_t len, const char *name);
/*
 * Starts a reader on bytes already taken from fp (used when the input
 * format was sniffed from its first line), then continues with fp.
 */
struct ew_csv *ew_csv_open_file_after(FILE *fp, const char *name,
	const char *head, size_t headlen);

/* Counts the next line read as line+1 (lines already read elsewhere). */
void ew_csv_set_line(struct ew_csv *r, unsigned long line);

/*
 * Reads the next row. Returns 1 and sets *row (valid until the next call),
 * 0 at the end, -1 on an error ("NAME:LINE: what"); after an error the
 * reader is finished and returns 0.
 */
int ew_csv_next(struct ew_csv *r, struct ew_row **row, struct ew_err *e);
void ew_csv_close(struct ew_csv *r);

/* Appends one field, quoted when it holds a comma, quote, CR or LF. */
void ew_csv_put(struct ew_buf *out, const char *s, size_t n);
/*
 * The end of the CSV row that starts at p (its newline outside quotes,
 * or end), without parsing it; *lines, when not NULL, gets the number
 * of lines it spans.
 */
const char *ew_csv_row_end(const char *p, const char *end,
	unsigned long *lines);
/* Appends one TSV field, escaping tab, LF, CR and backslash. */
void ew_tsv_put(struct ew_buf *out, const char *s, size_t n);


/*
 * Reads the file at path and hands a reader over it to load(ctx); what
 * names the file in messages ("gazetteer"). Returns what load returns.
 */
int ew_csv_load_file(const char *path, const char *what,
	int (*load)(struct ew_csv *r, const char *path, void *ctx,
		struct ew_err *e),
	void *ctx, struct ew_err *e);

/*
 * Reads one line of fp, with its LF, into *line (grown as getline(3) does,
 * NUL-terminated; NUL bytes in the line are kept). Returns its length, 0
 * at the end of the stream, or -1 when the line is longer than max bytes:
 * then the first max bytes are taken and the rest of the line is not read.
 */
ssize_t ew_getline_max(char **line, size_t *cap, FILE *fp, size_t max);

/* Index of the header field named name in row, or -1. */
int ew_row_index(const struct ew_row *row, const char *name);

#endif
