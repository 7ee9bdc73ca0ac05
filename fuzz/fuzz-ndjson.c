/*
 * fuzz-ndjson - the record reader (input.h) on a stream, as the tools
 * read stdin: first asked for a list of ids (ew_input_ids), then for
 * records, which a stream starting with '{' gives from NDJSON.
 *
 * Properties, on any bytes:
 * - the reader only returns 1, 0 or -1; records have the schema's
 *   number of values; after the end it only returns 0; ids it gives are
 *   ULIDs;
 * - a record that passes the checks, printed as NDJSON by output.h (as
 *   ew list --json does) and read again, still passes them and has the
 *   same values (numbers as the same double); printed as CSV and read
 *   again, it has exactly the same values.
 *
 * libjq 1.6 (Debian 12) loses a string it has just read when it follows
 * another value in an array or object with nothing between them
 * ('{"a" "b"}' loses "b"), as it reports "Expected separator between
 * values"; ew cannot free it. Such lines are blanked before reading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fuzz.h"
#include "input.h"
#include "output.h"
#include "ulid.h"
#include "util.h"

#define NAME "stdin"

/*
 * 1 when libjq would lose memory parsing the line p[0..n): a string ends
 * in an array or object right after another value. Errors that make
 * libjq stop sooner are not all looked for, so this may also say 1 for a
 * line that libjq rejects before.
 */
static int
jq_loses_memory(const char *p, size_t n)
{
	int depth = 0, value = 0; /* a value waits for ',', ':' or the end */

	for (size_t i = 0; i < n; i++) {
		switch (p[i]) {
		case ' ': case '\t': case '\r': case '\n':
			break;
		case '[': case '{':
			if (value)
				return 0; /* libjq stops, having kept nothing */
			depth++;
			break;
		case ']': case '}':
			if (depth == 0)
				return 0;
			depth--;
			value = depth > 0;
			break;
		case ',': case ':':
			value = 0;
			break;
		case '"':
			for (i++; i < n && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			if (i >= n)
				return 0; /* unfinished */
			if (value && depth > 0)
				return 1;
			value = depth > 0;
			break;
		default: /* a number, true, false, null or junk, up to a delimiter */
			while (i + 1 < n && !strchr(" \t\r\n[]{},:\"", p[i + 1]))
				i++;
			if (value)
				return 0; /* libjq stops; a literal takes no memory */
			value = depth > 0;
		}
	}
	return 0;
}

/* The column names and JSON number flags of schema s, made once. */
static void
columns(const struct ew_schema *s, const char *const **names,
	const int **numeric)
{
	static const struct ew_schema *made[2];
	static const char **n[2];
	static int *num[2];
	int k = s->n > EW_NBUILTIN;

	if (made[k] != s) {
		free(n[k]);
		free(num[k]);
		n[k] = ew_xcalloc(s->n, sizeof *n[k]);
		num[k] = ew_xcalloc(s->n, sizeof *num[k]);
		for (size_t i = 0; i < s->n; i++) {
			n[k][i] = s->cols[i].name;
			num[k][i] = s->cols[i].numeric;
		}
		made[k] = s;
	}
	*names = n[k];
	*numeric = num[k];
}

/* Reads the one record of buf[0..len); NULL when there is none. */
static struct ew_record *
read_one(const char *buf, size_t len, const struct ew_schema *s,
	const char *how)
{
	FILE *fp = fmemopen((void *)buf, len, "r");
	struct ew_record *r = NULL, *more;
	struct ew_err e;

	FUZZ_ASSERT(fp, "fmemopen failed");
	struct ew_input *in = ew_input_open_file(fp, how, s);
	int got = ew_input_next(in, &r, &e);
	FUZZ_ASSERT(got == 1, "a record printed as %s does not read back (%d): %s\n  %.*s",
		how, got, got < 0 ? e.msg : "no record", (int)len, buf);
	FUZZ_ASSERT(ew_input_next(in, &more, &e) == 0, "%s: more than one record", how);
	ew_input_close(in);
	fclose(fp);
	return r;
}

/* A record that passed the checks, printed and read again. */
static void
reprint(const struct ew_record *r, const struct ew_schema *s)
{
	const char *const *names;
	const int *numeric;
	struct ew_out o;
	struct ew_err e;
	char *buf = NULL;
	size_t len = 0;

	columns(s, &names, &numeric);
	FILE *fp = open_memstream(&buf, &len);
	FUZZ_ASSERT(fp, "open_memstream failed");
	ew_out_begin(&o, EW_FMT_JSON, fp, names, numeric, s->n);
	ew_out_row(&o, (const char *const *)r->v);
	ew_out_end(&o);
	fclose(fp);

	struct ew_record *j = read_one(buf, len, s, "NDJSON");
	for (size_t i = 0; i < s->n; i++) {
		if (s->cols[i].numeric && *r->v[i])
			FUZZ_ASSERT(*j->v[i] && strtod(r->v[i], NULL) == strtod(j->v[i], NULL),
				"%s: '%s' printed as NDJSON reads back as '%s'",
				s->cols[i].name, r->v[i], j->v[i]);
		else
			FUZZ_ASSERT(strcmp(r->v[i], j->v[i]) == 0,
				"%s: '%s' printed as NDJSON reads back as '%s'",
				s->cols[i].name, r->v[i], j->v[i]);
	}
	FUZZ_ASSERT(ew_check_read(fuzz_checker(s), j, "NDJSON", &e) == 0,
		"a checked record printed as NDJSON fails the checks: %s\n  %.*s",
		e.msg, (int)len, buf);
	ew_record_free(j);
	free(buf);

	struct ew_buf csv = {0};
	ew_schema_csv_header(s, NULL, 0, &csv);
	ew_record_csv(r, NULL, 0, &csv);
	struct ew_record *c = read_one(csv.s, csv.len, s, "CSV");
	for (size_t i = 0; i < s->n; i++)
		FUZZ_ASSERT(strcmp(r->v[i], c->v[i]) == 0,
			"%s: '%s' printed as CSV reads back as '%s'", s->cols[i].name,
			r->v[i], c->v[i]);
	ew_record_free(c);
	ew_buf_free(&csv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	int extra = size >= 12 && memmem(p, size, "village_code", 12) != NULL;
	const struct ew_schema *s = fuzz_schema(extra);
	const struct ew_check *chk = fuzz_checker(s);
	struct ew_strv ids = {0};
	struct ew_record *r;
	struct ew_err e;
	int got;

	if (size == 0)
		return 0;
	char *copy = ew_xmalloc(size);
	memcpy(copy, p, size);
	for (char *line = copy, *end = copy + size; line < end;) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		if (jq_loses_memory(line, n))
			memset(line, ' ', n);
		line = nl ? nl + 1 : end;
	}
	FILE *fp = fmemopen(copy, size, "r");
	if (!fp) {
		free(copy);
		return 0;
	}
	struct ew_input *in = ew_input_open_file(fp, NAME, s);
	got = ew_input_ids(in, &ids, &e);
	FUZZ_ASSERT(got >= -1 && got <= 1, "ew_input_ids returned %d", got);
	for (size_t i = 0; i < ids.n; i++) {
		char up[27];
		FUZZ_ASSERT(ew_ulid_valid(ids.v[i], up), "not an id: '%s'", ids.v[i]);
	}
	while (got == 0 && (got = ew_input_next(in, &r, &e)) != 0) {
		FUZZ_ASSERT(got == 1 || got == -1, "ew_input_next returned %d", got);
		if (got < 0) {
			FUZZ_ASSERT(strncmp(e.msg, NAME ":", strlen(NAME ":")) == 0,
				"error without the name: %s", e.msg);
		} else {
			FUZZ_ASSERT(r->n == s->n, "record with %zu values for %zu columns",
				r->n, s->n);
			if (ew_check_read(chk, r, NAME, &e) == 0)
				reprint(r, s);
			ew_record_free(r);
		}
		got = 0; /* on to the next record, or the next line after an error */
	}
	FUZZ_ASSERT(ew_input_next(in, &r, &e) == 0, "a read after the end gave more");
	ew_input_close(in);
	fclose(fp);
	ew_strv_free(&ids);
	free(copy);
	return 0;
}
