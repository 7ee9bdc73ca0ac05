/* test-csv.c - csv.h: the csv-spectrum conformance suite, the writers,
 * and the reader's errors, line numbers, BOM and blank lines */
#include <dirent.h>
#include <jv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "unit.h"

/* Every row a reader gave, copied, and how it ended. */
struct table {
	struct ew_strv cells;   /* all fields, row after row */
	size_t *width;          /* fields per row */
	unsigned long *line;    /* line each row starts on */
	size_t nrows;
	int rc;                 /* 0 at the end, -1 after an error */
	int after;              /* what the call after the end returned */
	char err[1024];
	struct ew_buf lens;     /* field lengths, as size_t */
};

static void
read_all(struct ew_csv *r, struct table *t)
{
	struct ew_row *row;
	struct ew_err e = {{0}};
	int got;

	memset(t, 0, sizeof *t);
	while ((got = ew_csv_next(r, &row, &e)) == 1) {
		t->width = ew_xrealloc(t->width, (t->nrows + 1) * sizeof *t->width);
		t->line = ew_xrealloc(t->line, (t->nrows + 1) * sizeof *t->line);
		t->width[t->nrows] = row->n;
		t->line[t->nrows] = row->line;
		t->nrows++;
		for (size_t i = 0; i < row->n; i++) {
			ew_strv_push(&t->cells, ew_xstrndup(row->f[i], row->len[i]));
			ew_buf_add(&t->lens, &row->len[i], sizeof row->len[i]);
		}
	}
	t->rc = got;
	if (got < 0)
		snprintf(t->err, sizeof t->err, "%s", e.msg);
	t->after = ew_csv_next(r, &row, &e);
}

static void
table_free(struct table *t)
{
	ew_strv_free(&t->cells);
	ew_buf_free(&t->lens);
	free(t->width);
	free(t->line);
}

static struct table
read_mem(const char *buf, size_t len)
{
	struct table t;
	struct ew_csv *r = ew_csv_open_mem(buf, len, "in.csv");

	read_all(r, &t);
	ew_csv_close(r);
	return t;
}

#define READ_LIT(lit) read_mem(lit, sizeof lit - 1)

/* The rows of buf[head..len) read as a stream (name in.csv), after the
   head buf[0..head) when head is set. */
static struct table
read_stream(const char *buf, size_t len, size_t head)
{
	struct table t;
	FILE *fp = fmemopen((void *)(buf + head), len - head, "r");
	struct ew_csv *r = head ? ew_csv_open_file_after(fp, "in.csv", buf, head)
	                        : ew_csv_open_file(fp, "in.csv");

	read_all(r, &t);
	ew_csv_close(r);
	fclose(fp);
	return t;
}

/* The rows as "[f|f]" (with "LINE:" before each when lines is set). */
static char *
render(const struct table *t, int lines)
{
	struct ew_buf b = {0};
	size_t k = 0;

	for (size_t i = 0; i < t->nrows; i++) {
		if (lines)
			ew_buf_addf(&b, "%lu:", t->line[i]);
		ew_buf_addc(&b, '[');
		for (size_t j = 0; j < t->width[i]; j++, k++) {
			if (j)
				ew_buf_addc(&b, '|');
			ew_buf_adds(&b, t->cells.v[k]);
		}
		ew_buf_addc(&b, ']');
	}
	return ew_buf_detach(&b);
}

static void
check_rows(const struct table *t, int lines, const char *want, const char *name)
{
	char *got = render(t, lines);
	UNIT_STR(got, want, "%s", name);
	free(got);
}

/* The rows after the header as an array of objects keyed by the header. */
static jv
table_jv(const struct table *t, int *ragged)
{
	jv arr = jv_array();
	size_t hw = t->nrows ? t->width[0] : 0, k = hw;

	*ragged = 0;
	for (size_t i = 1; i < t->nrows; i++) {
		jv o = jv_object();
		if (t->width[i] != hw)
			*ragged = 1;
		for (size_t j = 0; j < t->width[i]; j++, k++) {
			size_t len;
			memcpy(&len, t->lens.s + k * sizeof len, sizeof len);
			if (j < hw)
				o = jv_object_set(o, jv_string(t->cells.v[j]),
					jv_string_sized(t->cells.v[k], (int)len));
		}
		arr = jv_array_append(arr, o);
	}
	return arr;
}

static void
diag_jv(const char *label, jv v)
{
	jv s = jv_dump_string(v, 0);
	unit_diag("%s: %s", label, jv_string_value(s));
	jv_free(s);
}

static void
compare_case(const char *name, const char *how, const struct table *t,
	const char *jsonpath)
{
	size_t jlen;
	char *json = ew_read_file(jsonpath, &jlen);
	int ragged;

	if (!UNIT_CHECK(json != NULL, "csv-spectrum %s: %s exists", name, jsonpath))
		return;
	jv want = jv_parse_sized(json, (int)jlen);
	free(json);
	if (!UNIT_CHECK(jv_is_valid(want) &&
	                jv_get_kind(want) == JV_KIND_ARRAY,
	        "csv-spectrum %s: the JSON parses to an array", name)) {
		jv_free(want);
		return;
	}
	if (!UNIT_CHECK(t->rc == 0, "csv-spectrum %s (%s) reads without error",
	        name, how))
		unit_diag("error: %s", t->err);
	jv got = table_jv(t, &ragged);
	int same = !ragged && jv_equal(jv_copy(got), jv_copy(want));
	if (!UNIT_CHECK(same, "csv-spectrum %s (%s) gives the expected records",
	        name, how)) {
		diag_jv("got", jv_copy(got));
		diag_jv("expected", jv_copy(want));
		if (ragged)
			unit_diag("a row has a different number of fields than the header");
	}
	jv_free(got);
	jv_free(want);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
run_case(const char *dir, const char *name)
{
	char *csvpath = ew_xasprintf("%s/csvs/%s.csv", dir, name);
	char *jsonpath = ew_xasprintf("%s/json/%s.json", dir, name);
	size_t len;
	char *buf = ew_read_file(csvpath, &len);
	struct table t;

	if (UNIT_CHECK(buf != NULL, "csv-spectrum %s: read %s", name, csvpath)) {
		struct ew_csv *r = ew_csv_open_mem(buf, len, csvpath);
		read_all(r, &t);
		ew_csv_close(r);
		compare_case(name, "memory", &t, jsonpath);
		table_free(&t);
		free(buf);
	}

	FILE *fp = fopen(csvpath, "rb");
	if (UNIT_CHECK(fp != NULL, "csv-spectrum %s: open %s", name, csvpath)) {
		struct ew_csv *r = ew_csv_open_file(fp, csvpath);
		read_all(r, &t);
		ew_csv_close(r);
		fclose(fp);
		compare_case(name, "stream", &t, jsonpath);
		table_free(&t);
	}
	free(csvpath);
	free(jsonpath);
}

static void
test_conformance(void)
{
	const char *dir = getenv("EW_CONFORMANCE");
	struct ew_strv names = {0};
	struct dirent *de;

	if (!dir || !*dir)
		dir = "tests/data/csv-spectrum";
	char *csvdir = ew_xasprintf("%s/csvs", dir);
	DIR *d = opendir(csvdir);
	if (!UNIT_CHECK(d != NULL, "csv-spectrum: open %s (set EW_CONFORMANCE)",
	        csvdir)) {
		free(csvdir);
		return;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n > 4 && strcmp(de->d_name + n - 4, ".csv") == 0)
			ew_strv_push(&names, ew_xstrndup(de->d_name, n - 4));
	}
	closedir(d);
	free(csvdir);
	qsort(names.v, names.n, sizeof *names.v, cmp_names);
	UNIT_CHECK(names.n >= 11, "csv-spectrum: %zu cases found in %s", names.n, dir);
	for (size_t i = 0; i < names.n; i++)
		run_case(dir, names.v[i]);
	ew_strv_free(&names);
}

static const char *const tricky[] = {
	"plain",
	"",
	"a,b",
	",",
	"say \"hi\"",
	"\"",
	"\"\"",
	"\"quoted\"",
	"line1\nline2",
	"line1\r\nline2",
	"\r",
	"\n",
	"ends with LF\n",
	"tab\there\t",
	"  leading",
	"trailing  ",
	" ",
	"back\\slash",
	"a\"b,c\nd\r\ne",
	"S\xc3\xa9gou \xc9\x9b \xc5\x8b \xc3\xa9",
	"\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xd8\xa8\xd9\x83\xd9\x85",
	"'single' ; semi;colon",
};
#define NTRICKY (sizeof tricky / sizeof tricky[0])

/* Writes every tricky value in rows "k,VALUE,end" with the given row end,
 * then all of them in one row, and reads it all back. */
static void
round_trip(const char *eol, const char *how)
{
	struct ew_buf out = {0};
	struct table t;
	char key[16];

	for (size_t i = 0; i < NTRICKY; i++) {
		snprintf(key, sizeof key, "k%zu", i);
		ew_csv_put(&out, key, strlen(key));
		ew_buf_addc(&out, ',');
		ew_csv_put(&out, tricky[i], strlen(tricky[i]));
		ew_buf_addc(&out, ',');
		ew_csv_put(&out, "end", 3);
		ew_buf_adds(&out, eol);
	}
	for (size_t i = 0; i < NTRICKY; i++) {
		if (i)
			ew_buf_addc(&out, ',');
		ew_csv_put(&out, tricky[i], strlen(tricky[i]));
	}
	ew_buf_adds(&out, eol);

	t = read_mem(out.s, out.len);
	UNIT_CHECK(t.rc == 0, "ew_csv_put (%s rows): reads back without error", how);
	if (t.rc)
		unit_diag("error: %s", t.err);
	if (!UNIT_LONG(t.nrows, NTRICKY + 1, "ew_csv_put (%s rows): row count", how)) {
		table_free(&t);
		ew_buf_free(&out);
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < NTRICKY; i++) {
		snprintf(key, sizeof key, "k%zu", i);
		int ok = t.width[i] == 3 && strcmp(t.cells.v[k], key) == 0 &&
		         strcmp(t.cells.v[k + 2], "end") == 0;
		UNIT_CHECK(ok, "ew_csv_put (%s rows): row %zu has its 3 fields", how, i);
		if (ok)
			UNIT_STR(t.cells.v[k + 1], tricky[i],
				"ew_csv_put (%s rows): value %zu reads back", how, i);
		k += t.width[i];
	}
	int ok = t.width[NTRICKY] == NTRICKY;
	for (size_t i = 0; ok && i < NTRICKY; i++)
		ok = strcmp(t.cells.v[k + i], tricky[i]) == 0;
	UNIT_CHECK(ok, "ew_csv_put (%s rows): all values in one row read back", how);
	table_free(&t);
	ew_buf_free(&out);
}

static void
put_case(const char *in, const char *want)
{
	struct ew_buf b = {0};

	ew_csv_put(&b, in, strlen(in));
	UNIT_STR(b.s, want, "ew_csv_put(\"%s\")", in);
	ew_buf_free(&b);
}

static void
test_writer(void)
{
	put_case("plain", "plain");
	put_case("  spaced  ", "  spaced  ");
	put_case("tab\t", "tab\t");
	put_case("S\xc3\xa9gou", "S\xc3\xa9gou");
	put_case("a,b", "\"a,b\"");
	put_case("say \"hi\"", "\"say \"\"hi\"\"\"");
	put_case("x\ny", "\"x\ny\"");
	put_case("x\ry", "\"x\ry\"");
	round_trip("\n", "LF");
	round_trip("\r\n", "CRLF");

	/* a field longer than the reader's blocks, through a stream */
	struct ew_buf big = {0}, out = {0};
	for (int i = 0; i < 20000; i++)
		ew_buf_adds(&big, i % 7 ? "ab" : "\"x,\n");
	ew_buf_adds(&out, "h1,h2\n");
	ew_csv_put(&out, big.s, big.len);
	ew_buf_adds(&out, ",tail\n");
	struct table t = read_stream(out.s, out.len, 0);
	UNIT_CHECK(t.rc == 0 && t.nrows == 2 && t.width[1] == 2 &&
	           strcmp(t.cells.v[2], big.s) == 0 &&
	           strcmp(t.cells.v[3], "tail") == 0,
		"ew_csv_put: a field of %zu bytes with quotes and newlines reads back "
		"from a stream", big.len);
	table_free(&t);
	ew_buf_free(&big);
	ew_buf_free(&out);
}

static void
tsv_case(const char *in, const char *want, const char *name)
{
	struct ew_buf b = {0};

	ew_tsv_put(&b, in, strlen(in));
	UNIT_STR(b.s ? b.s : "", want, "ew_tsv_put: %s", name);
	ew_buf_free(&b);
}

static void
test_tsv(void)
{
	tsv_case("plain text", "plain text", "plain text unchanged");
	tsv_case("", "", "empty");
	tsv_case("a\tb", "a\\tb", "tab");
	tsv_case("a\nb", "a\\nb", "LF");
	tsv_case("a\r\nb", "a\\r\\nb", "CRLF");
	tsv_case("C:\\dir", "C:\\\\dir", "backslash");
	tsv_case("\\t", "\\\\t", "a literal backslash-t");
	tsv_case("x,\"y\"", "x,\"y\"", "commas and quotes unchanged");
	tsv_case("S\xc3\xa9gou \xc9\x9b", "S\xc3\xa9gou \xc9\x9b", "UTF-8 unchanged");
}

static void
error_case(struct table t, const char *rows, const char *msg, const char *name)
{
	check_rows(&t, 1, rows, name);
	UNIT_LONG(t.rc, -1, "%s: returns -1", name);
	UNIT_STR(t.err, msg, "%s: message", name);
	UNIT_LONG(t.after, 0, "%s: the reader is finished after the error", name);
	table_free(&t);
}

static void
test_errors(void)
{
	struct table t;

	error_case(READ_LIT("a,b\n1,2\n3,\"open\nmore\n"), "1:[a|b]2:[1|2]",
		"in.csv:3: unterminated quoted field",
		"unterminated quoted field on line 3");
	error_case(READ_LIT("\"abc"), "", "in.csv:1: unterminated quoted field",
		"unterminated quoted field on line 1, no newline");
	error_case(READ_LIT("a\n\n\n\"x\ny\nz"), "1:[a]",
		"in.csv:4: unterminated quoted field",
		"unterminated quoted field after blank lines");
	error_case(read_mem("a,b\n1,x\0y\n", 10), "1:[a|b]",
		"in.csv:2: NUL byte in input", "NUL byte in a field");
	error_case(read_mem("a\0,b\n", 5), "", "in.csv:1: NUL byte in input",
		"NUL byte in the header");

	t = READ_LIT("a,b\n1,x\"y\n");
	UNIT_LONG(t.rc, -1, "a stray quote in an unquoted field is an error");
	UNIT_CHECK(strncmp(t.err, "in.csv:2: ", 10) == 0,
		"a stray quote: the message names line 2");
	if (strncmp(t.err, "in.csv:2: ", 10) != 0)
		unit_diag("got: %s", t.err);
	table_free(&t);
	t = READ_LIT("a,b\n\"x\"y,2\n");
	UNIT_LONG(t.rc, -1, "text after a closing quote is an error");
	UNIT_CHECK(strncmp(t.err, "in.csv:2: ", 10) == 0,
		"text after a closing quote: the message names line 2");
	table_free(&t);
}

static void
test_reader(void)
{
	struct table t;
	struct ew_row *row;
	struct ew_err e = {{0}};

	t = READ_LIT("\xef\xbb\xbf" "a,b\n1,2\n");
	check_rows(&t, 1, "1:[a|b]2:[1|2]", "a byte order mark is skipped");
	table_free(&t);
	t = READ_LIT("\xef\xbb\xbf\"a\",b\n");
	check_rows(&t, 1, "1:[a|b]", "a byte order mark before a quoted field");
	table_free(&t);

	t = READ_LIT("\na,b\n\n1,2\n\r\n\n3,4\n\n");
	check_rows(&t, 1, "2:[a|b]4:[1|2]7:[3|4]", "empty lines are skipped");
	UNIT_LONG(t.rc, 0, "empty lines: no error");
	table_free(&t);

	t = READ_LIT("a,b\n1,\"x\ny\nz\"\n2,3\n\"p\r\nq\",r\n\n4,5");
	check_rows(&t, 1, "1:[a|b]2:[1|x\ny\nz]5:[2|3]6:[p\r\nq|r]9:[4|5]",
		"row lines with multi-line fields");
	table_free(&t);

	t = READ_LIT("a,b\r\n1,\"x\r\ny\"\r\n2,3\r\n");
	check_rows(&t, 1, "1:[a|b]2:[1|x\r\ny]4:[2|3]", "CRLF line endings");
	table_free(&t);

	t = READ_LIT("a,b\r1,2\r3,4");
	check_rows(&t, 0, "[a|b][1|2][3|4]", "CR line endings: the values");
	check_rows(&t, 1, "1:[a|b]2:[1|2]3:[3|4]", "CR line endings: the lines");
	table_free(&t);

	t = READ_LIT(" a , b \n\t1\t, 2 \n");
	check_rows(&t, 0, "[ a | b ][\t1\t| 2 ]", "spaces and tabs are kept");
	table_free(&t);

	t = READ_LIT("a,,c\n,,\n\"\",\"\",\"\"\n");
	check_rows(&t, 1, "1:[a||c]2:[||]3:[||]", "empty fields");
	table_free(&t);

	t = READ_LIT("a,b,c\n1,2\n1,2,3,4\n");
	check_rows(&t, 0, "[a|b|c][1|2][1|2|3|4]", "rows of any width are given");
	table_free(&t);

	t = READ_LIT("");
	UNIT_CHECK(t.rc == 0 && t.nrows == 0, "empty input: no rows, no error");
	table_free(&t);

	struct ew_csv *r = ew_csv_open_mem("x,name,y\n", 9, "h.csv");
	if (UNIT_LONG(ew_csv_next(r, &row, &e), 1, "ew_row_index: header read")) {
		UNIT_LONG(ew_row_index(row, "name"), 1, "ew_row_index finds name");
		UNIT_LONG(ew_row_index(row, "x"), 0, "ew_row_index finds x");
		UNIT_LONG(ew_row_index(row, "nope"), -1, "ew_row_index: -1 for nope");
		UNIT_LONG(ew_row_index(row, "Name"), -1, "ew_row_index is exact");
	}
	ew_csv_close(r);

	/* the head was sniffed from the stream and ends inside a field */
	char rest[] = "y\"\n2,3\n";
	FILE *fp = fmemopen(rest, strlen(rest), "r");
	r = ew_csv_open_file_after(fp, "stdin", "a,b\n1,\"x", 8);
	read_all(r, &t);
	ew_csv_close(r);
	fclose(fp);
	check_rows(&t, 1, "1:[a|b]2:[1|xy]3:[2|3]",
		"ew_csv_open_file_after continues a head with the stream");
	table_free(&t);

	char whole[] = "a,b\n1,2\n";
	fp = fmemopen(whole, strlen(whole), "r");
	r = ew_csv_open_file_after(fp, "stdin", "", 0);
	read_all(r, &t);
	ew_csv_close(r);
	fclose(fp);
	check_rows(&t, 1, "1:[a|b]2:[1|2]", "ew_csv_open_file_after with an empty head");
	table_free(&t);
}

/* The rows of the same bytes read from a stream, as from memory. */
static void
same_as_mem(const char *buf, size_t len, size_t head, const char *name)
{
	struct table want = read_mem(buf, len), got = read_stream(buf, len, head);
	char *w = render(&want, 1), *g = render(&got, 1);
	UNIT_CHECK(want.nrows > 0 && strcmp(w, g) == 0 && got.rc == want.rc &&
	           strcmp(got.err, want.err) == 0, "%s", name);
	free(w);
	free(g);
	table_free(&want);
	table_free(&got);
}

static void
test_blocks(void)
{
	struct ew_buf in = {0};
	const char *const ends[] = {"\n", "\r\n", "\r"};

	/* rows of all sizes, some across a block or several, some of several
	   lines, with every line end */
	ew_buf_adds(&in, "a,b,c\n");
	for (int i = 0; i < 3000; i++) {
		ew_buf_addf(&in, "%d,", i);
		size_t n = (size_t)(i * 7919 % 1000);
		if (i % 500 == 7)
			n = 150000;
		ew_buf_addc(&in, '"');
		for (size_t k = 0; k < n; k++)
			ew_buf_addc(&in, k % 97 == 5 ? '\n' : k % 89 == 3 ? ',' : 'x');
		ew_buf_adds(&in, "\",z");
		ew_buf_adds(&in, ends[i % 3]);
	}
	same_as_mem(in.s, in.len, 0, "a stream's rows across its blocks, as from memory");
	same_as_mem(in.s, in.len, 70001, "the same after a head taken from the stream");
	ew_buf_free(&in);

	/* a line of exactly the most a record may take, then one byte more */
	struct ew_buf big = {0};
	ew_buf_adds(&big, "a\n");
	while (big.len < 2 + EW_MAX_RECORD - 1)
		ew_buf_addc(&big, 'y');
	ew_buf_addc(&big, '\n');
	ew_buf_adds(&big, "z\n");
	struct table t = read_stream(big.s, big.len, 0);
	UNIT_CHECK(t.rc == 0 && t.nrows == 3 && strlen(t.cells.v[1]) == EW_MAX_RECORD - 1,
		"a stream's line of " EW_MAX_RECORD_TEXT " with its LF is read");
	table_free(&t);
	big.s[big.len - 3] = 'y';
	t = read_stream(big.s, big.len, 0);
	UNIT_STR(t.err, "in.csv:2: record longer than " EW_MAX_RECORD_TEXT
		" (the most one record may take)", "a stream's line one byte longer is refused");
	table_free(&t);
	ew_buf_free(&big);
}

void
test_csv(void)
{
	test_conformance();
	test_writer();
	test_tsv();
	test_errors();
	test_reader();
	test_blocks();
}
