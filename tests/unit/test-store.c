/* test-store.c - store.h: ew_shard_splice against ew_shard_format on
 * generated shards, the shards it leaves to be parsed, and the bytes it
 * keeps */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "store.h"
#include "unit.h"
#include "util.h"

/* The cases' generator (unit_rnd): every run sees the same cases. */
static unsigned long long rng = 0x5851f42d4c957f2dULL;

static unsigned
rnd(unsigned n)
{
	return unit_rnd(&rng, n);
}

/* Few dates and short ids, so that keys often tie on the date and sort
 * on the id; values that need quoting, with quotes and line breaks. */
static const char *const dates[] = {"2026-11-01", "2026-11-02",
	"2026-11-15", "2026-11-30"};
static const char *const descriptions[] = {"", "plain", "a, comma",
	"\"quoted\" words", "two\nlines", "a \"\"double\"\" quote,\nand more",
	"accents: Ségou, Djenné", "\"", "\n"};

static struct ew_record *
random_record(const struct ew_schema *s, unsigned serial)
{
	char id[32];
	const char *kv[] = {NULL, NULL, "cercle=Niono", "category=attack",
		NULL, NULL};
	char *idkv, *datekv, *desckv;

	/* distinct ids in an order unrelated to the serial */
	snprintf(id, sizeof id, "01K%05u%05u0000000000000", rnd(100000), serial);
	idkv = ew_xasprintf("id=%s", id);
	datekv = ew_xasprintf("event_date=%s", dates[rnd(4)]);
	desckv = ew_xasprintf("description=%s", descriptions[rnd(9)]);
	kv[0] = idkv;
	kv[1] = datekv;
	kv[4] = desckv;
	struct ew_record *r = unit_record(s, kv);
	free(idkv);
	free(datekv);
	free(desckv);
	return r;
}

/* The bytes ew_shard_format gives for recs[0..n) (which it sorts). */
static char *
format(struct ew_record **recs, size_t n, const struct ew_schema *s,
	size_t *len)
{
	struct ew_shard sh;

	memset(&sh, 0, sizeof sh);
	sh.recs = recs;
	sh.n = n;
	return ew_shard_format(&sh, s, len);
}

#define NCASES 400

static void
test_against_format(const struct ew_schema *s)
{
	int bad = 0;

	for (unsigned c = 0; c < NCASES && !bad; c++) {
		size_t na = rnd(30), nb = 1 + rnd(c % 10 == 0 ? 40 : 3);
		struct ew_record **all = ew_xcalloc(na + nb, sizeof *all);
		struct ew_record **add = ew_xcalloc(nb, sizeof *add);
		size_t rawlen, wantlen, gotlen = 0;

		for (size_t i = 0; i < na + nb; i++)
			all[i] = random_record(s, (unsigned)(c * 100 + i));
		for (size_t i = 0; i < nb; i++)
			add[i] = all[na + i];
		char *raw = format(all, na, s, &rawlen);
		char *got = ew_shard_splice(raw, rawlen, add, nb, s, &gotlen);
		char *want = format(all, na + nb, s, &wantlen);
		bad = got == NULL || gotlen != wantlen || memcmp(got, want, wantlen) != 0;
		if (bad) {
			UNIT_MEM(got ? got : "(null)", got ? gotlen : 6, want, wantlen,
				"case %u: %zu records into a shard of %zu", c, nb, na);
			unit_diag("shard before: %.*s", (int)rawlen, raw);
		}
		free(raw);
		free(got);
		free(want);
		for (size_t i = 0; i < na + nb; i++)
			ew_record_free(all[i]);
		free(all);
		free(add);
	}
	if (!bad)
		UNIT_CHECK(1, "ew_shard_splice gives ew_shard_format's bytes in %d generated cases",
			NCASES);
}

/* A shard made of the header and body, and one record to put in. */
static char *
splice_one(const struct ew_schema *s, const char *body, const char *id,
	const char *date, size_t *len)
{
	struct ew_buf raw = {0};
	char *idkv = ew_xasprintf("id=%s", id);
	char *datekv = ew_xasprintf("event_date=%s", date);
	const char *kv[] = {idkv, datekv, "cercle=Niono", "category=attack", NULL};
	struct ew_record *r = unit_record(s, kv);

	ew_schema_csv_header(s, NULL, 0, &raw);
	ew_buf_adds(&raw, body);
	char *out = ew_shard_splice(raw.s, raw.len, &r, 1, s, len);
	ew_buf_free(&raw);
	ew_record_free(r);
	free(idkv);
	free(datekv);
	return out;
}

/* Ids as ew writes them: upper-case ULIDs. */
#define ID_A "01KA0000000000000000000000"
#define ID_B "01KB0000000000000000000000"
#define ID_C "01KC0000000000000000000000"
#define ID_N "01KN0000000000000000000000"
#define ID_Z "01KZ0000000000000000000000"

/* The row ew writes for a record with only id, date, cercle, category. */
static char *
row(const char *id, const char *date)
{
	return ew_xasprintf("%s,%s,,,,,,,Niono,,,,,,attack,,,,,,,,,,,,,\n", id, date);
}

/* The row of (id, date) spliced into body must make the shard want. */
static void
splice_case(const struct ew_schema *s, const char *body, const char *id,
	const char *date, const char *want, const char *name)
{
	struct ew_buf w = {0};
	size_t len = 0;
	char *got = splice_one(s, body, id, date, &len);

	ew_schema_csv_header(s, NULL, 0, &w);
	ew_buf_adds(&w, want);
	UNIT_MEM(got, got ? len : 0, w.s, w.len, "%s", name);
	free(got);
	ew_buf_free(&w);
}

static void
test_kept_bytes(const struct ew_schema *s)
{
	char *a = row(ID_A, "2026-11-02"), *c = row(ID_C, "2026-11-20");
	char *n = row(ID_N, "2026-11-05"), *b = row(ID_B, "2026-11-02");
	char *z = row(ID_Z, "2026-11-30");
	/* a quoted non-key field and an unsorted pair: left as they are */
	const char *odd = ID_B ",2026-11-10,,,,,,,\"Niono\",,,,,,attack,,,,,,,,,,,,,\n";
	char *body = ew_xasprintf("%s%s%s", c, a, odd);
	/* before the first record that sorts after it: 01KC, the first line */
	char *want = ew_xasprintf("%s%s", n, body);
	splice_case(s, body, ID_N, "2026-11-05", want,
		"a hand-made shard keeps its bytes; the new row goes before the first later record");
	free(body);
	free(want);

	body = ew_xasprintf("%s%s", a, c);
	want = ew_xasprintf("%s%s%s", a, b, c);
	splice_case(s, body, ID_B, "2026-11-02", want, "on the same date, the id places the row");
	free(want);
	want = ew_xasprintf("%s%s", body, z);
	splice_case(s, body, ID_Z, "2026-11-30", want, "a row that sorts last is appended");
	free(want);
	splice_case(s, "", ID_Z, "2026-11-30", z, "into a shard with no records");
	free(body);
	free(a);
	free(b);
	free(c);
	free(n);
	free(z);
}

static void
no_splice(const struct ew_schema *s, const char *raw, size_t rawlen,
	const char *why)
{
	const char *kv[] = {"id=01KN", "event_date=2026-11-01", "cercle=Niono",
		"category=attack", NULL};
	struct ew_record *r = unit_record(s, kv);
	size_t len = 0;
	char *got = ew_shard_splice(raw, rawlen, &r, 1, s, &len);

	UNIT_CHECK(got == NULL, "not spliced, left to be parsed: %s", why);
	free(got);
	ew_record_free(r);
}

static void
test_left_to_parse(const struct ew_schema *s)
{
	struct ew_buf h = {0};
	char *a = row(ID_A, "2026-11-02");

	ew_schema_csv_header(s, NULL, 0, &h);
	no_splice(s, "", 0, "an empty file");
	no_splice(s, "id,event_date\n", 14, "another header row");
	no_splice(s, h.s, h.len - 1, "a header with no LF");

	struct ew_buf b = {0};
#define CASE(body, why) do { \
		ew_buf_reset(&b); \
		ew_buf_add(&b, h.s, h.len); \
		ew_buf_adds(&b, body); \
		no_splice(s, b.s, b.len, why); \
	} while (0)
	char *crlf = ew_xasprintf("%.*s\r\n", (int)strlen(a) - 1, a);
	CASE(crlf, "a CRLF line end");
	char *nolf = ew_xasprintf("%.*s", (int)strlen(a) - 1, a);
	CASE(nolf, "no LF at the end");
	CASE("\"" ID_A "\",2026-11-02,,,,,,,Niono,,,,,,attack,,,,,,,,,,,,,\n", "a quoted id");
	CASE(ID_A ",\"2026-11-02\",,,,,,,Niono,,,,,,attack,,,,,,,,,,,,,\n", "a quoted event_date");
	CASE("01ka0000000000000000000000,2026-11-02,,,,,,,Niono,,,,,,attack,,,,,,,,,,,,,\n", "an id in lower case");
	CASE("01KA,2026-11-02,,,,,,,Niono,,,,,,attack,,,,,,,,,,,,,\n", "an id that is not a ULID");
	CASE(ID_A ",2026-11-2,,,,,,,Niono,,,,,,attack,,,,,,,,,,,,,\n", "a date not written YYYY-MM-DD");
	/* a stray quote: the scan would take the next line for inside a field */
	CASE(ID_A ",2026-11-02,,,,,,,Niono,,,,,,attack,,,,,,,,,,,,ab\"c,\n"
		"more, text\n", "a bare quote in an unquoted field");
	CASE("\n", "a blank line");
	CASE(ID_A ",2026-11-02,,,,,,,Niono,,,,,,attack,,,,,,,,,,,,,\"open\n", "an unterminated quote");
	CASE(ID_A "\n", "a record of one field");
#undef CASE
	free(crlf);
	free(nolf);
	free(a);
	ew_buf_free(&b);
	ew_buf_free(&h);
}

void
test_store(void)
{
	struct ew_schema s = {0};
	struct ew_err e = {{0}};

	if (!UNIT_CHECK(ew_schema_init(&s, NULL, &e) == 0, "schema"))
		return;
	test_against_format(&s);
	test_kept_bytes(&s);
	test_left_to_parse(&s);
	ew_schema_free(&s);
}
