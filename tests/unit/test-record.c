/* test-record.c - record.h, input.h, check.h (with the real gazetteer and
 * taxonomy) and jqf.h */
#include <jv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "date.h"
#include "input.h"
#include "jqf.h"
#include "places.h"
#include "record.h"
#include "taxonomy.h"
#include "unit.h"

#define NOW 1795867200L /* 2026-11-28T12:00:00Z */

static const char header_all[] =
	"id,event_date,date_precision,reported_at,updated_at,reporter,channel,"
	"region,cercle,commune,location,latitude,longitude,geo_precision,"
	"category,severity,killed,injured,abducted,displaced,actor1,actor2,"
	"source,status,duplicate_of,sensitivity,description,tags\n";

static void
bad_schema(const char *extra, const char *want)
{
	struct ew_schema s = {0};
	struct ew_err e = {{0}};

	UNIT_LONG(ew_schema_init(&s, extra, &e), -1,
		"ew_schema_init rejects extra columns '%s'", extra);
	UNIT_STR(e.msg, want, "ew_schema_init('%s') message", extra);
	ew_schema_free(&s);
}

static void
test_schema(void)
{
	struct ew_schema s = {0};
	struct ew_err e = {{0}};
	struct ew_buf b = {0};

	UNIT_LONG(ew_schema_init(&s, NULL, &e), 0, "ew_schema_init without extras");
	UNIT_LONG(s.n, EW_NBUILTIN, "the built-in schema has %d columns", EW_NBUILTIN);
	UNIT_LONG(EW_NBUILTIN, 28, "there are 28 built-in columns");
	UNIT_LONG(ew_schema_col(&s, "cercle"), EW_C_CERCLE, "ew_schema_col(cercle)");
	UNIT_LONG(ew_schema_col(&s, "tags"), EW_C_TAGS, "ew_schema_col(tags)");
	UNIT_LONG(ew_schema_col(&s, "Cercle"), -1, "ew_schema_col is exact");
	UNIT_LONG(ew_schema_col(&s, "nope"), -1, "ew_schema_col(nope) is -1");
	UNIT_CHECK(s.cols[EW_C_SEVERITY].numeric && s.cols[EW_C_LATITUDE].numeric &&
	           s.cols[EW_C_KILLED].numeric && s.cols[EW_C_GEO_PRECISION].numeric &&
	           s.cols[EW_C_DATE_PRECISION].numeric,
		"numeric columns are marked numeric");
	UNIT_CHECK(!s.cols[EW_C_ID].numeric && !s.cols[EW_C_DESCRIPTION].numeric &&
	           !s.cols[EW_C_EVENT_DATE].numeric && !s.cols[EW_C_CERCLE].numeric,
		"text columns are not numeric");
	ew_schema_csv_header(&s, NULL, 0, &b);
	UNIT_STR(b.s, header_all, "ew_schema_csv_header: every column in order");
	ew_buf_reset(&b);
	size_t cols[] = {EW_C_CERCLE, EW_C_ID, EW_C_KILLED};
	ew_schema_csv_header(&s, cols, 3, &b);
	UNIT_STR(b.s, "cercle,id,killed\n", "ew_schema_csv_header: chosen columns");
	ew_buf_reset(&b);
	UNIT_CHECK(ew_enum_check(&s.cols[EW_C_STATUS], "verified", &b) == 1 &&
		b.len == 0, "ew_enum_check: a status value is accepted");
	UNIT_CHECK(ew_enum_check(&s.cols[EW_C_STATUS], "Verified", &b) == 0,
		"ew_enum_check: values are case-sensitive");
	UNIT_STR(b.s, "invalid status 'Verified' (expected one of: new, verified, false, duplicate, closed)",
		"ew_enum_check(status) names every value");
	ew_buf_reset(&b);
	UNIT_CHECK(ew_enum_check(&s.cols[EW_C_CHANNEL], "fax", &b) == 0,
		"ew_enum_check: an unknown channel is refused");
	UNIT_STR(b.s, "invalid channel 'fax' (expected one of: sms, phone, in-person, radio, web, email, form, other)",
		"ew_enum_check(channel) names every value");
	ew_buf_free(&b);
	ew_schema_free(&s);

	UNIT_LONG(ew_schema_init(&s, "village, phone_2 water_point\tx9", &e), 0,
		"ew_schema_init with extra columns");
	UNIT_LONG(s.n, EW_NBUILTIN + 4, "extra columns are added");
	UNIT_LONG(ew_schema_col(&s, "village"), EW_NBUILTIN,
		"the first extra column follows the built-ins");
	UNIT_LONG(ew_schema_col(&s, "x9"), EW_NBUILTIN + 3,
		"the extra columns keep their order");
	UNIT_CHECK(s.cols[EW_NBUILTIN + 1].type == EW_T_TEXT &&
	           !s.cols[EW_NBUILTIN + 1].numeric,
		"an extra column is text");
	ew_schema_csv_header(&s, NULL, 0, &b);
	static const char tail[] = ",tags,village,phone_2,water_point,x9\n";
	UNIT_CHECK(b.len > sizeof tail &&
	           strcmp(b.s + b.len - (sizeof tail - 1), tail) == 0,
		"the header ends with the extra columns");
	ew_buf_free(&b);
	ew_schema_free(&s);

	UNIT_LONG(ew_schema_init(&s, "", &e), 0, "ew_schema_init with an empty list");
	UNIT_LONG(s.n, EW_NBUILTIN, "an empty list adds nothing");
	ew_schema_free(&s);

	bad_schema("Village", "ew.conf: invalid extra column name 'Village' "
		"(use lower-case letters, digits and _)");
	bad_schema("ok, 2nd", "ew.conf: invalid extra column name '2nd' "
		"(use lower-case letters, digits and _)");
	bad_schema("water-point", "ew.conf: invalid extra column name 'water-point' "
		"(use lower-case letters, digits and _)");
	bad_schema("_x", "ew.conf: invalid extra column name '_x' "
		"(use lower-case letters, digits and _)");
	bad_schema("village, cercle", "ew.conf: extra column 'cercle' is already a column");
	bad_schema("id", "ew.conf: extra column 'id' is already a column");
	bad_schema("village village", "ew.conf: extra column 'village' is already a column");
}

static void
test_record_basics(void)
{
	struct ew_schema s = {0};
	struct ew_err e = {{0}};
	struct ew_buf b = {0};

	ew_schema_init(&s, NULL, &e);
	struct ew_record *r = ew_record_new(&s);
	UNIT_LONG(r->n, s.n, "ew_record_new has a value per column");
	int empty = 1;
	for (size_t i = 0; i < r->n; i++)
		empty = empty && r->v[i] && !*r->v[i];
	UNIT_CHECK(empty, "ew_record_new: every value is empty");
	ew_record_csv(r, NULL, 0, &b);
	UNIT_STR(b.s, ",,,,,,,,,,,,,,,,,,,,,,,,,,,\n", "ew_record_csv of an empty record");
	ew_buf_reset(&b);

	ew_record_set(r, EW_C_ID, "01ARYZ6S41TSV4RRFFQ69G5FAV");
	ew_record_set(r, EW_C_EVENT_DATE, "2026-11-01");
	ew_record_set(r, EW_C_CERCLE, "S\xc3\xa9gou");
	ew_record_set(r, EW_C_DESCRIPTION, "a, \"b\"\nc");
	ew_record_setn(r, EW_C_TAGS, "x;y;zzz", 3);
	ew_record_set(r, EW_C_KILLED, "2");
	UNIT_STR(r->v[EW_C_TAGS], "x;y", "ew_record_setn copies n bytes");
	size_t cols[] = {EW_C_ID, EW_C_EVENT_DATE, EW_C_DESCRIPTION, EW_C_CERCLE,
		EW_C_SEVERITY, EW_C_KILLED};
	ew_record_csv(r, cols, 6, &b);
	UNIT_STR(b.s, "01ARYZ6S41TSV4RRFFQ69G5FAV,2026-11-01,\"a, \"\"b\"\"\nc\",S\xc3\xa9gou,,2\n",
		"ew_record_csv: chosen columns, quoted where needed");
	ew_buf_reset(&b);
	ew_record_csv(r, NULL, 0, &b);
	UNIT_STR(b.s, "01ARYZ6S41TSV4RRFFQ69G5FAV,2026-11-01,,,,,,,S\xc3\xa9gou,,,,,,,,"
		"2,,,,,,,,,,\"a, \"\"b\"\"\nc\",x;y\n", "ew_record_csv: every column");
	ew_buf_free(&b);

	jv o = ew_record_jv(r, &s);
	jv want = jv_parse("{\"id\":\"01ARYZ6S41TSV4RRFFQ69G5FAV\",\"killed\":2,"
		"\"severity\":null,\"cercle\":\"S\xc3\xa9gou\",\"description\":\"a, \\\"b\\\"\\nc\"}");
	int ok = jv_get_kind(o) == JV_KIND_OBJECT &&
	         jv_object_length(jv_copy(o)) == (int)s.n;
	jv keys = jv_keys(jv_copy(want));
	for (int i = 0; ok && i < jv_array_length(jv_copy(keys)); i++) {
		jv k = jv_array_get(jv_copy(keys), i);
		ok = jv_equal(jv_object_get(jv_copy(o), jv_copy(k)),
			jv_object_get(jv_copy(want), k));
	}
	UNIT_CHECK(ok, "ew_record_jv: numbers, null for empty numbers, strings");
	jv_free(keys);
	jv_free(want);
	jv_free(o);

	struct ew_record *d = ew_record_dup(r);
	ew_record_set(d, EW_C_CERCLE, "Niono");
	UNIT_CHECK(strcmp(r->v[EW_C_CERCLE], "S\xc3\xa9gou") == 0 &&
	           strcmp(d->v[EW_C_CERCLE], "Niono") == 0 &&
	           strcmp(d->v[EW_C_ID], r->v[EW_C_ID]) == 0,
		"ew_record_dup is a deep copy");
	UNIT_LONG(ew_record_cmp(r, d), 0, "ew_record_cmp: same date and id");
	ew_record_set(d, EW_C_ID, "01ARYZ6S41TSV4RRFFQ69G5FAW");
	UNIT_CHECK(ew_record_cmp(r, d) < 0 && ew_record_cmp(d, r) > 0,
		"ew_record_cmp: the same date orders by id");
	ew_record_set(d, EW_C_EVENT_DATE, "2026-10-31");
	UNIT_CHECK(ew_record_cmp(r, d) > 0 && ew_record_cmp(d, r) < 0,
		"ew_record_cmp: the date comes before the id");
	ew_record_free(d);
	ew_record_free(r);
	ew_record_free(NULL);

	/* values made with the record, then replaced, or set to themselves */
	const char *vals[EW_NBUILTIN];
	size_t lens[EW_NBUILTIN];
	for (size_t i = 0; i < EW_NBUILTIN; i++) {
		vals[i] = i % 2 ? "abcdef" : "";
		lens[i] = i % 2 ? 1 + i % 5 : 0;
	}
	r = ew_record_newv(&s, vals, lens);
	UNIT_CHECK(strcmp(r->v[1], "ab") == 0 && strcmp(r->v[2], "") == 0 &&
	           strcmp(r->v[3], "abcd") == 0 && strcmp(r->v[5], "a") == 0,
		"ew_record_newv copies len bytes of each value");
	ew_record_set(r, EW_C_CERCLE, r->v[EW_C_CERCLE]);
	ew_record_set(r, EW_C_COMMUNE, "Diabaly");
	ew_record_set(r, EW_C_COMMUNE, r->v[EW_C_COMMUNE]);
	ew_record_setn(r, EW_C_REGION, r->v[EW_C_REPORTED_AT], 2);
	d = ew_record_dup(r);
	ew_record_set(r, EW_C_COMMUNE, "Niono");
	UNIT_CHECK(strcmp(d->v[EW_C_CERCLE], "") == 0 &&
	           strcmp(d->v[EW_C_COMMUNE], "Diabaly") == 0 &&
	           strcmp(d->v[EW_C_REGION], "ab") == 0 &&
	           strcmp(r->v[EW_C_COMMUNE], "Niono") == 0 && d->n == r->n,
		"ew_record_newv: values replaced, set to themselves, copied");
	ew_record_free(d);
	ew_record_free(r);
	ew_schema_free(&s);
}

static char *
record_line(const struct ew_record *r)
{
	struct ew_buf b = {0};
	ew_record_csv(r, NULL, 0, &b);
	return ew_buf_detach(&b);
}

static void
test_input_csv(void)
{
	struct ew_schema s = {0};
	struct ew_err e = {{0}};
	struct ew_record *r = NULL;
	static const char csv[] =
		"description,category,cercle,event_date,killed\n"
		"\"two\nlines\",attack,Niono,2026-11-01,3\n"
		"\n"
		"x,clash,San,2026-11-02,\n";

	ew_schema_init(&s, NULL, &e);
	struct ew_input *in = ew_input_open_mem(csv, sizeof csv - 1, "in.csv", &s);
	UNIT_STR(ew_input_name(in), "in.csv", "ew_input_name");
	if (UNIT_LONG(ew_input_next(in, &r, &e), 1, "CSV input: first record")) {
		UNIT_STR(r->v[EW_C_DESCRIPTION], "two\nlines", "CSV input: description");
		UNIT_STR(r->v[EW_C_CATEGORY], "attack", "CSV input: category");
		UNIT_STR(r->v[EW_C_CERCLE], "Niono", "CSV input: cercle");
		UNIT_STR(r->v[EW_C_EVENT_DATE], "2026-11-01", "CSV input: event_date");
		UNIT_STR(r->v[EW_C_KILLED], "3", "CSV input: killed");
		UNIT_STR(r->v[EW_C_ID], "", "CSV input: a missing column is empty");
		UNIT_LONG(r->line, 2, "CSV input: first record line");
		ew_record_free(r);
	}
	if (UNIT_LONG(ew_input_next(in, &r, &e), 1, "CSV input: second record")) {
		char *line = record_line(r);
		UNIT_STR(line, ",2026-11-02,,,,,,,San,,,,,,clash,,,,,,,,,,,,x,\n",
			"CSV input: the columns go to their places");
		free(line);
		UNIT_LONG(r->line, 5, "CSV input: second record line");
		ew_record_free(r);
	}
	UNIT_LONG(ew_input_next(in, &r, &e), 0, "CSV input: the end");
	ew_input_close(in);

	static const char unknown[] = "event_date,foo,cercle\n2026-11-01,1,Niono\n";
	in = ew_input_open_mem(unknown, sizeof unknown - 1, "stdin", &s);
	UNIT_LONG(ew_input_next(in, &r, &e), -1, "CSV input: an unknown column is an error");
	UNIT_STR(e.msg, "stdin:1: unknown column 'foo' (declare it in ew.conf as "
		"[record] extra-columns, or remove it)", "CSV input: unknown column message");
	UNIT_LONG(ew_input_next(in, &r, &e), 0, "CSV input: nothing after a bad header");
	ew_input_close(in);

	static const char widths[] = "event_date,cercle\n2026-11-01\n2026-11-02,San\n";
	in = ew_input_open_mem(widths, sizeof widths - 1, "stdin", &s);
	UNIT_LONG(ew_input_next(in, &r, &e), -1, "CSV input: a short row is an error");
	UNIT_STR(e.msg, "stdin:2: expected 2 fields, found 1", "CSV input: short row message");
	if (UNIT_LONG(ew_input_next(in, &r, &e), 1,
	        "CSV input: the next record is read after a bad one")) {
		UNIT_STR(r->v[EW_C_CERCLE], "San", "CSV input: the record after a bad one");
		ew_record_free(r);
	}
	UNIT_LONG(ew_input_next(in, &r, &e), 0, "CSV input: the end after a bad row");
	ew_input_close(in);

	static const char broken[] = "event_date,cercle\n2026-11-01,\"San\n";
	in = ew_input_open_mem(broken, sizeof broken - 1, "stdin", &s);
	UNIT_LONG(ew_input_next(in, &r, &e), -1, "CSV input: broken quoting is an error");
	UNIT_STR(e.msg, "stdin:2: unterminated quoted field",
		"CSV input: broken quoting message");
	UNIT_LONG(ew_input_next(in, &r, &e), 0, "CSV input: nothing after broken quoting");
	ew_input_close(in);
	ew_schema_free(&s);

	/* extra columns, and a CSV stream (sniffed) */
	ew_schema_init(&s, "village", &e);
	char stream[] = "\xef\xbb\xbf" "village,event_date\r\nKokry,2026-11-03\r\n";
	FILE *fp = fmemopen(stream, strlen(stream), "r");
	in = ew_input_open_file(fp, "stdin", &s);
	if (UNIT_LONG(ew_input_next(in, &r, &e), 1, "CSV stream with BOM, CRLF and an extra column")) {
		UNIT_STR(r->v[EW_NBUILTIN], "Kokry", "CSV stream: the extra column");
		UNIT_STR(r->v[EW_C_EVENT_DATE], "2026-11-03", "CSV stream: event_date");
		ew_record_free(r);
	} else {
		unit_diag("error: %s", e.msg);
	}
	UNIT_LONG(ew_input_next(in, &r, &e), 0, "CSV stream: the end");
	ew_input_close(in);
	fclose(fp);
	ew_schema_free(&s);
}

static void
test_input_json(void)
{
	struct ew_schema s = {0};
	struct ew_err e = {{0}};
	struct ew_record *r = NULL;
	char json[] =
		"\n"
		"{\"event_date\":\"2026-11-01\",\"cercle\":\"Niono\",\"killed\":3,"
		"\"severity\":null,\"latitude\":14.25,\"longitude\":-5.5,"
		"\"description\":\"l\\u00e9 \\\"q\\\"\\nx\"}\n"
		"\n"
		"{\"category\":\"attack\",\"foo\":1}\n"
		"{\"category\":\"clash\",\"tags\":[\"a\"]}\n"
		"[1]\n"
		"{\"category\":\"threat\"}\n";
	FILE *fp = fmemopen(json, strlen(json), "r");

	ew_schema_init(&s, NULL, &e);
	struct ew_input *in = ew_input_open_file(fp, "stdin", &s);
	if (UNIT_LONG(ew_input_next(in, &r, &e), 1, "NDJSON: first record")) {
		UNIT_STR(r->v[EW_C_EVENT_DATE], "2026-11-01", "NDJSON: a string");
		UNIT_STR(r->v[EW_C_KILLED], "3", "NDJSON: an integer becomes a string");
		UNIT_STR(r->v[EW_C_LATITUDE], "14.25", "NDJSON: a decimal becomes a string");
		UNIT_STR(r->v[EW_C_LONGITUDE], "-5.5", "NDJSON: a negative number");
		UNIT_STR(r->v[EW_C_SEVERITY], "", "NDJSON: null becomes empty");
		UNIT_STR(r->v[EW_C_DESCRIPTION], "l\xc3\xa9 \"q\"\nx",
			"NDJSON: escapes are decoded");
		UNIT_STR(r->v[EW_C_CATEGORY], "", "NDJSON: a missing member is empty");
		UNIT_LONG(r->line, 2, "NDJSON: first record line");
		ew_record_free(r);
	} else {
		unit_diag("error: %s", e.msg);
	}
	UNIT_LONG(ew_input_next(in, &r, &e), -1, "NDJSON: an unknown member is an error");
	UNIT_STR(e.msg, "stdin:4: unknown column 'foo' (declare it in ew.conf as "
		"[record] extra-columns, or remove it)", "NDJSON: unknown column message");
	UNIT_LONG(ew_input_next(in, &r, &e), -1, "NDJSON: an array value is an error");
	UNIT_STR(e.msg, "stdin:5: invalid value for 'tags' (expected a string, a number or null)",
		"NDJSON: array value message");
	UNIT_LONG(ew_input_next(in, &r, &e), -1, "NDJSON: a line that is not an object");
	UNIT_STR(e.msg, "stdin:6: expected a JSON object", "NDJSON: not an object message");
	if (UNIT_LONG(ew_input_next(in, &r, &e), 1, "NDJSON: goes on after bad lines")) {
		UNIT_STR(r->v[EW_C_CATEGORY], "threat", "NDJSON: the record after bad ones");
		UNIT_LONG(r->line, 7, "NDJSON: its line");
		ew_record_free(r);
	}
	UNIT_LONG(ew_input_next(in, &r, &e), 0, "NDJSON: the end");
	ew_input_close(in);
	fclose(fp);

	char bad[] = "{\"cercle\": \"Niono\"\n";
	fp = fmemopen(bad, strlen(bad), "r");
	in = ew_input_open_file(fp, "stdin", &s);
	UNIT_LONG(ew_input_next(in, &r, &e), -1, "NDJSON: broken JSON is an error");
	UNIT_CHECK(strncmp(e.msg, "stdin:1: invalid JSON", 21) == 0,
		"NDJSON: broken JSON message");
	ew_input_close(in);
	fclose(fp);
	ew_schema_free(&s);
}

/* The gazetteer, taxonomy and schema the checks run with. */
struct fixture {
	struct ew_schema s;
	struct ew_places places;
	struct ew_taxonomy tax;
	struct ew_check c;
};

static int
fixture_load(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	int ok = unit_catalogs_load(&f->s, &f->places, &f->tax, "check");
	f->c.schema = &f->s;
	f->c.places = &f->places;
	f->c.tax = &f->tax;
	f->c.now = NOW;
	return ok;
}

static void
fixture_free(struct fixture *f)
{
	unit_catalogs_free(&f->s, &f->places, &f->tax);
}

/* Checks a record made of kv with defaults; the problems, one a line. */
static char *
check(struct fixture *f, const char *const *kv, struct ew_record **out)
{
	struct ew_strv errs = {0};
	struct ew_buf b = {0};
	struct ew_record *r = unit_record(&f->s, kv);

	size_t n = ew_check_record(&f->c, r, EW_CHECK_DEFAULTS, "stdin:7", &errs);
	if (n != errs.n)
		ew_buf_addf(&b, "(returned %zu for %zu problems)\n", n, errs.n);
	for (size_t i = 0; i < errs.n; i++) {
		ew_buf_adds(&b, errs.v[i]);
		ew_buf_addc(&b, '\n');
	}
	ew_strv_free(&errs);
	if (out)
		*out = r;
	else
		ew_record_free(r);
	return ew_buf_detach(&b);
}

static void
check_problems(struct fixture *f, const char *const *kv, const char *want,
	const char *name)
{
	char *got = check(f, kv, NULL);
	UNIT_STR(got, want, "%s", name);
	free(got);
}

#define KV(...) ((const char *const[]){__VA_ARGS__, NULL})

static void
test_check(void)
{
	struct fixture f;
	struct ew_record *r;
	char *got;

	if (!fixture_load(&f)) {
		fixture_free(&f);
		return;
	}

	got = check(&f, KV("cercle=segou", "event_date=2026-11-01", "category=attack"), &r);
	UNIT_STR(got, "", "check: a minimal record has no problems");
	UNIT_STR(r->v[EW_C_CERCLE], "S\xc3\xa9gou", "check: cercle=segou becomes S\xc3\xa9gou");
	UNIT_STR(r->v[EW_C_REGION], "S\xc3\xa9gou", "check: region from the cercle");
	UNIT_STR(r->v[EW_C_STATUS], "new", "check: status defaults to new");
	UNIT_STR(r->v[EW_C_SENSITIVITY], "restricted", "check: sensitivity defaults to restricted");
	UNIT_STR(r->v[EW_C_KILLED], "0", "check: killed defaults to 0");
	UNIT_STR(r->v[EW_C_INJURED], "0", "check: injured defaults to 0");
	UNIT_STR(r->v[EW_C_ABDUCTED], "0", "check: abducted defaults to 0");
	UNIT_STR(r->v[EW_C_DISPLACED], "0", "check: displaced defaults to 0");
	UNIT_STR(r->v[EW_C_DATE_PRECISION], "1", "check: date_precision defaults to 1");
	UNIT_STR(r->v[EW_C_LATITUDE], "13.44", "check: latitude from the cercle");
	UNIT_STR(r->v[EW_C_LONGITUDE], "-6.27", "check: longitude from the cercle");
	UNIT_STR(r->v[EW_C_GEO_PRECISION], "3", "check: geo_precision 3 from the gazetteer");
	UNIT_STR(r->v[EW_C_REPORTED_AT], "2026-11-28T12:00:00Z", "check: reported_at is now");
	UNIT_STR(r->v[EW_C_UPDATED_AT], "2026-11-28T12:00:00Z", "check: updated_at is now");
	UNIT_STR(r->v[EW_C_SEVERITY], "", "check: severity stays empty");
	UNIT_STR(r->v[EW_C_ID], "", "check: id is not assigned by the check");
	free(got);
	ew_record_free(r);

	got = check(&f, KV("cercle=Massina", "event_date=2026-11-01", "category=ATTACK"), &r);
	UNIT_STR(got, "", "check: alias Massina is accepted");
	UNIT_STR(r->v[EW_C_CERCLE], "Macina", "check: alias Massina becomes Macina");
	UNIT_STR(r->v[EW_C_CATEGORY], "attack", "check: category ATTACK becomes attack");
	UNIT_STR(r->v[EW_C_LATITUDE], "13.96", "check: latitude of Macina");
	free(got);
	ew_record_free(r);

	got = check(&f, KV("cercle=ke macina", "event_date=2026-11-01", "category=attack"), &r);
	UNIT_STR(got, "", "check: alias 'ke macina' (folded) is accepted");
	UNIT_STR(r->v[EW_C_CERCLE], "Macina", "check: alias 'ke macina' becomes Macina");
	free(got);
	ew_record_free(r);

	got = check(&f, KV("commune=diabaly", "event_date=2026-11-01", "category=attack"), &r);
	UNIT_STR(got, "", "check: commune Diabaly alone is enough");
	UNIT_STR(r->v[EW_C_CERCLE], "Niono", "check: commune Diabaly fills cercle Niono");
	UNIT_STR(r->v[EW_C_COMMUNE], "Diabaly", "check: commune canonical spelling");
	UNIT_STR(r->v[EW_C_REGION], "S\xc3\xa9gou", "check: region from the commune's cercle");
	UNIT_STR(r->v[EW_C_LATITUDE], "14.25", "check: latitude from the cercle seat");
	UNIT_STR(r->v[EW_C_GEO_PRECISION], "3", "check: geo_precision 3 from the cercle");
	free(got);
	ew_record_free(r);

	got = check(&f, KV("cercle=Niono", "commune=Diabaly", "event_date=2026-11-01",
		"category=attack", "latitude=14.1", "longitude=-6.0"), &r);
	UNIT_STR(got, "", "check: given coordinates");
	UNIT_STR(r->v[EW_C_LATITUDE], "14.1", "check: given latitude is kept");
	UNIT_STR(r->v[EW_C_GEO_PRECISION], "1", "check: geo_precision 1 for given coordinates");
	free(got);
	ew_record_free(r);

	got = check(&f, KV("cercle=San", "commune=somo", "event_date=2026-11-01",
		"category=attack"), &r);
	UNIT_STR(got, "", "check: Somo with its cercle");
	UNIT_STR(r->v[EW_C_COMMUNE], "Somo", "check: Somo in San");
	free(got);
	ew_record_free(r);

	check_problems(&f, KV("commune=Somo", "event_date=2026-11-01", "category=attack"),
		"stdin:7: commune 'Somo' is ambiguous (in Barou\xc3\xa9li, San): give cercle= too\n",
		"check: Somo alone is ambiguous");
	check_problems(&f, KV("cercle=San", "commune=Diabaly", "event_date=2026-11-01",
		"category=attack"),
		"stdin:7: commune 'Diabaly' is not in cercle 'San' (it is in Niono)\n",
		"check: a commune in the wrong cercle");
	check_problems(&f, KV("cercle=Nionoo", "event_date=2026-11-01", "category=attack"),
		"stdin:7: unknown cercle 'Nionoo' (did you mean 'Niono'?)\n",
		"check: unknown cercle with a suggestion");
	check_problems(&f, KV("cercle=Tombouctou", "event_date=2026-11-01", "category=attack"),
		"stdin:7: unknown cercle 'Tombouctou'\n", "check: unknown cercle without a suggestion");
	check_problems(&f, KV("event_date=2026-11-01", "category=attack"),
		"stdin:7: missing cercle\n", "check: missing cercle");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-01", "category=atack"),
		"stdin:7: unknown category 'atack' (did you mean 'attack'?)\n",
		"check: unknown category with a suggestion");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-01"),
		"stdin:7: missing category\n", "check: missing category");
	check_problems(&f, KV("cercle=Niono", "category=attack"),
		"stdin:7: missing event_date\n", "check: missing event_date");
	check_problems(&f, KV("cercle=Niono", "event_date=2031-01-01", "category=attack"),
		"stdin:7: event_date '2031-01-01' is in the future\n",
		"check: a future date is rejected");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-30", "category=attack"),
		"stdin:7: event_date '2026-11-30' is in the future\n",
		"check: the day after tomorrow is rejected");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-29", "category=attack"),
		"", "check: tomorrow (today + 1 day) is accepted");
	check_problems(&f, KV("cercle=Niono", "event_date=2023-02-30", "category=attack"),
		"stdin:7: invalid event_date '2023-02-30' (expected a date YYYY-MM-DD)\n",
		"check: an impossible date");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-01", "category=attack",
		"severity=7"),
		"stdin:7: invalid severity '7' (expected an integer from 1 to 5)\n",
		"check: severity 7 is rejected");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-01", "category=attack",
		"severity=5", "killed=12"), "", "check: severity 5 and killed 12 are fine");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-01", "category=attack",
		"severity=0", "killed=-1"),
		"stdin:7: invalid severity '0' (expected an integer from 1 to 5)\n"
		"stdin:7: invalid killed '-1' (expected a whole number, 0 or more)\n",
		"check: every problem is reported");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-01", "category=attack",
		"status=duplicate"),
		"stdin:7: status 'duplicate' needs duplicate_of (the id of the original report)\n",
		"check: duplicate without duplicate_of");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-01", "category=attack",
		"latitude=14.1"),
		"stdin:7: latitude and longitude must be given together\n",
		"check: latitude without longitude");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-01", "category=attack",
		"reporter=a\nb"),
		"stdin:7: reporter must be one line without control characters\n",
		"check: a one-line field with a newline");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-01", "category=attack",
		"description=bad \xc3 byte"),
		"stdin:7: invalid UTF-8 in description\n", "check: invalid UTF-8");
	check_problems(&f, KV("cercle=Niono", "event_date=2026-11-01", "category=attack",
		"description=two\nlines\tand\r\ntabs"), "", "check: description may span lines");

	got = check(&f, KV("id=01aryz6s41tsv4rrffq69g5fav", "cercle=Niono",
		"event_date=2026-11-01", "category=attack"), &r);
	UNIT_STR(got, "", "check: a lower-case id is accepted");
	UNIT_STR(r->v[EW_C_ID], "01ARYZ6S41TSV4RRFFQ69G5FAV", "check: the id is upper-cased");
	free(got);
	ew_record_free(r);

	fixture_free(&f);
}

static void
jq_refused(const char *prog)
{
	struct ew_err e = {{0}};
	struct ew_jq *q = ew_jq_new(prog, &e);

	UNIT_CHECK(q == NULL, "ew_jq_new refuses '%s'", prog);
	UNIT_CHECK(strstr(e.msg, "not allowed") != NULL,
		"ew_jq_new('%s') says it is not allowed", prog);
	if (!strstr(e.msg, "not allowed"))
		unit_diag("got: %s", e.msg);
	ew_jq_free(q);
}

static int
jq_run(const char *prog, jv input, char *err, size_t errlen)
{
	struct ew_err e = {{0}};
	struct ew_jq *q = ew_jq_new(prog, &e);
	int rc;

	if (!q) {
		jv_free(input);
		snprintf(err, errlen, "%s", e.msg);
		return -2; /* did not compile */
	}
	rc = ew_jq_test(q, input, &e);
	snprintf(err, errlen, "%s", rc < 0 ? e.msg : "");
	ew_jq_free(q);
	return rc;
}

static void
jq_case(const char *prog, jv input, int want)
{
	char err[1024];
	int rc = jq_run(prog, input, err, sizeof err);

	if (!UNIT_LONG(rc, want, "ew_jq_test('%s') is %d", prog, want) && *err)
		unit_diag("%s", err);
}

static void
test_jq(void)
{
	struct ew_schema s = {0};
	struct ew_err e = {{0}};
	char err[1024];

	jq_refused("env");
	jq_refused("env.HOME");
	jq_refused("$ENV");
	jq_refused("$ENV.HOME == \"x\"");
	jq_refused("import \"a\" as a; .");
	jq_refused("include \"a\"; .");
	jq_refused("input");
	jq_refused("[inputs]");
	jq_refused(".killed > 0 and (env | length) > 0");

	ew_schema_init(&s, NULL, &e);
	struct ew_record *r = unit_record(&s, KV("cercle=Niono", "category=attack",
		"killed=3", "severity=4"));
	jq_case(".killed > 0", ew_record_jv(r, &s), 1);
	jq_case(".severity >= 4 and .cercle == \"Niono\"", ew_record_jv(r, &s), 1);
	jq_case(".category == \"clash\"", ew_record_jv(r, &s), 0);
	jq_case(".injured", ew_record_jv(r, &s), 0);
	jq_case("empty", ew_record_jv(r, &s), 0);
	jq_case(".category == \"env\"", ew_record_jv(r, &s), 0);
	jq_case(".cercle | test(\"^Ni\")", ew_record_jv(r, &s), 1);
	jq_case("# env in a comment\n.killed == 3", ew_record_jv(r, &s), 1);
	ew_record_set(r, EW_C_KILLED, "0");
	jq_case(".killed > 0", ew_record_jv(r, &s), 0);
	ew_record_free(r);
	ew_schema_free(&s);

	jq_case(".env", jv_parse("{\"env\":\"x\"}"), 1);
	jq_case(".env", jv_parse("{\"other\":1}"), 0);
	jq_case(".env == \"x\"", jv_parse("{\"env\":\"x\"}"), 1);
	jq_case(".input", jv_parse("{\"input\":false}"), 0);

	int rc = jq_run(".killed.foo", jv_parse("{\"killed\":3}"), err, sizeof err);
	UNIT_LONG(rc, -1, "ew_jq_test: a jq error gives -1");
	UNIT_CHECK(strncmp(err, "jq error: ", 10) == 0, "ew_jq_test: the error message");
	unit_diag("message: %s", err);
	rc = jq_run("error(\"boom\")", jv_parse("{}"), err, sizeof err);
	UNIT_LONG(rc, -1, "ew_jq_test: error(\"boom\") gives -1");
	UNIT_CHECK(strstr(err, "boom") != NULL, "ew_jq_test: the message carries boom");

	struct ew_jq *q = ew_jq_new(".[", &e);
	UNIT_CHECK(q == NULL, "ew_jq_new rejects a syntax error");
	UNIT_CHECK(strncmp(e.msg, "invalid jq program '.['", 23) == 0,
		"ew_jq_new: syntax error message");
	unit_diag("message: %s", e.msg);
	ew_jq_free(q);

	/* one program, many inputs */
	q = ew_jq_new(".n % 2 == 0", &e);
	int evens = 0;
	for (int i = 0; q && i < 100; i++)
		evens += ew_jq_test(q, jv_object_set(jv_object(), jv_string("n"),
			jv_number(i)), &e) == 1;
	UNIT_LONG(evens, 50, "ew_jq_test: one program runs on many inputs");
	ew_jq_free(q);
}

/* What a confidential record shows: its id, category and place. */
static void
test_confidential(void)
{
	struct ew_schema s = {0};
	struct ew_err e = {{0}};

	ew_schema_init(&s, "witness", &e);
	struct ew_record *r = ew_record_new(&s);
	UNIT_CHECK(!ew_record_confidential(NULL), "ew_record_confidential(NULL) is 0");
	UNIT_CHECK(!ew_record_confidential(r), "a record without a sensitivity is not confidential");
	ew_record_set(r, EW_C_SENSITIVITY, "restricted");
	UNIT_CHECK(!ew_record_confidential(r), "a restricted record is not confidential");
	ew_record_set(r, EW_C_SENSITIVITY, "confidential");
	UNIT_CHECK(ew_record_confidential(r), "a confidential record is");
	size_t shown[] = {EW_C_ID, EW_C_CATEGORY, EW_C_REGION, EW_C_CERCLE, EW_C_COMMUNE};
	size_t n = 0;
	for (size_t c = 0; c < s.n; c++)
		n += ew_confidential_shows(c);
	UNIT_LONG(n, 5, "five columns are shown of a confidential record");
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
		UNIT_CHECK(ew_confidential_shows(shown[i]), "column %s is shown", s.cols[shown[i]].name);
	UNIT_STR(ew_confidential_value(1, EW_C_DESCRIPTION, "words"), EW_CONFIDENTIAL,
		"a hidden description is (confidential)");
	UNIT_STR(ew_confidential_value(1, EW_NBUILTIN, "a name"), EW_CONFIDENTIAL,
		"a hidden extra column is (confidential)");
	UNIT_STR(ew_confidential_value(1, EW_C_CERCLE, "Niono"), "Niono", "the cercle is shown");
	UNIT_STR(ew_confidential_value(0, EW_C_DESCRIPTION, "words"), "words",
		"nothing is hidden when hide is 0");
	ew_record_free(r);
	ew_schema_free(&s);
}

void
test_record(void)
{
	test_schema();
	test_record_basics();
	test_confidential();
	test_input_csv();
	test_input_json();
	test_check();
	test_jq();
}
