/* test-where.c - where.h: which programs it runs itself, and that it
 * gives what libjq gives for each of them on each of a set of records
 * (listed programs, then thousands of random ones from its grammar) */
#include <jq.h>
#include <jv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jqf.h"
#include "record.h"
#include "unit.h"
#include "util.h"
#include "where.h"

/* Records as FIELD=VALUE lists: empty and odd numbers, accents, strings
   that order around the literals below. */
static const char *const recs[][6] = {
	{"cercle=Niono", "severity=4", "killed=0", "category=attack", "description=", NULL},
	{"cercle=Niono", "severity=", "killed=", "category=threat", "description=a", NULL},
	{"cercle=Ségou", "severity=5", "killed=12", "category=attack", "description=Z", NULL},
	{"cercle=Macina", "severity=1", "killed=3", "category=abduction", "description=é", NULL},
	{"cercle=", "severity=3", "killed=0", "category=", "description=4", NULL},
	{"cercle=niono", "severity=2", "killed=1000000", "category=ied", "description=null", NULL},
	{"cercle=Nionoo", "severity=4", "killed=2.5", "category=attack", "description=Niono", NULL},
	{"cercle=Barouéli", "severity=3", "killed=1e3", "category=clash", "description=true", NULL},
};
#define NRECS (sizeof recs / sizeof recs[0])

/*
 * Compares where.h with libjq on every record; 1 when prog ran natively.
 * (e holds jq's message when q is NULL.)
 */
static int
compare(const char *prog, struct ew_jq *q, struct ew_err *e,
	const struct ew_schema *s, struct ew_record *const *rs, int report)
{
	struct ew_where *w = ew_where_new(prog, s);
	int bad = 0;

	if (!q) {
		/* what jq refuses never runs natively */
		UNIT_CHECK(w == NULL, "'%s': jq refuses it (%s), so does where.h", prog, e->msg);
		ew_where_free(w);
		return 0;
	}
	if (!w)
		return 0;
	for (size_t i = 0; i < NRECS; i++) {
		int want = ew_jq_test(q, ew_record_jv(rs[i], s), e);
		int got = ew_where_test(w, rs[i]);
		if (got != want) {
			bad = 1;
			UNIT_CHECK(0, "'%s' on record %zu: where.h %d, jq %d", prog, i, got, want);
		}
	}
	if (report && !bad)
		UNIT_CHECK(1, "'%s' gives what jq gives on %zu records", prog, NRECS);
	ew_where_free(w);
	return 1;
}

static int
same_as_jq(const char *prog, const struct ew_schema *s,
	struct ew_record *const *rs, int report, int *accepted)
{
	struct ew_err e = {{0}};
	struct ew_jq *q = ew_jq_new(prog, &e);
	int native = compare(prog, q, &e, s, rs, report);

	*accepted += q != NULL;
	ew_jq_free(q);
	return native;
}

/* Random programs from where.h's grammar. */
#define NRANDOM 2000
static unsigned long seed = 12345;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(seed >> 33) % n;
}

static void
gen_term(struct ew_buf *b, int depth);

static void
gen_expr(struct ew_buf *b, int depth)
{
	static const char *const ops[] = {" == ", " != ", " < ", " <= ", " > ", " >= ", "==", ">="};
	gen_term(b, depth);
	switch (rnd(4)) {
	case 0:
		break;
	case 1:
		ew_buf_adds(b, ops[rnd(8)]);
		gen_term(b, depth);
		break;
	default:
		ew_buf_adds(b, ops[rnd(8)]);
		gen_term(b, depth);
		ew_buf_adds(b, rnd(2) ? " and " : " or ");
		gen_expr(b, depth + 1);
	}
}

static void
gen_term(struct ew_buf *b, int depth)
{
	static const char *const leaves[] = {".severity", ".killed", ".cercle",
		".category", ".description", ".nosuchfield", "4", "0", "3.0", "2.5",
		"1e3", "1000000", "\"Niono\"", "\"niono\"", "\"\"", "\"4\"", "\"é\"",
		"\"Ségou\"", "\"Z\"", "null", "true", "false", "\"attack\""};
	if (depth < 3 && rnd(6) == 0) {
		ew_buf_adds(b, "(");
		gen_expr(b, depth + 1);
		ew_buf_adds(b, ")");
		return;
	}
	ew_buf_adds(b, leaves[rnd(sizeof leaves / sizeof leaves[0])]);
}

/*
 * CHUNK random programs, compiled by libjq as one program that makes an
 * array of their values ("[(p1), (p2), …]": one compile, not hundreds),
 * and each by where.h; on each record every value's truth must be
 * where.h's answer. Returns the number of disagreements.
 */
#define CHUNK 250

static int
random_chunk(const struct ew_schema *s, struct ew_record *const *rs)
{
	struct ew_buf all = {0};
	struct ew_where *w[CHUNK];
	char *progs[CHUNK];
	int native = 0, bad = 0;

	ew_buf_adds(&all, "[");
	for (int i = 0; i < CHUNK; i++) {
		struct ew_buf b = {0};
		gen_expr(&b, 0);
		progs[i] = b.s;
		w[i] = ew_where_new(b.s, s);
		native += w[i] != NULL;
		ew_buf_adds(&all, i ? ", (" : "(");
		ew_buf_adds(&all, b.s);
		ew_buf_adds(&all, ")");
	}
	ew_buf_adds(&all, "]");
	if (native != CHUNK) {
		UNIT_LONG(native, CHUNK, "where: every random program runs natively");
		bad++;
	}
	jq_state *jq = jq_init();
	if (!jq || !jq_compile(jq, all.s)) {
		UNIT_CHECK(0, "where: jq compiles %d random programs", CHUNK);
		bad++;
	}
	for (size_t r = 0; !bad && r < NRECS; r++) {
		jq_start(jq, ew_record_jv(rs[r], s), 0);
		jv out = jq_next(jq);
		if (jv_get_kind(out) != JV_KIND_ARRAY || jv_array_length(jv_copy(out)) != CHUNK) {
			UNIT_CHECK(0, "where: jq gives an array of %d on record %zu", CHUNK, r);
			bad++;
		}
		for (int i = 0; i < CHUNK && !bad; i++) {
			jv v = jv_array_get(jv_copy(out), i);
			jv_kind k = jv_get_kind(v);
			int want = k != JV_KIND_NULL && k != JV_KIND_FALSE;
			jv_free(v);
			if (ew_where_test(w[i], rs[r]) != want) {
				bad++;
				UNIT_CHECK(0, "'%s' on record %zu: where.h %d, jq %d", progs[i], r, !want, want);
			}
		}
		jv_free(out);
	}
	jq_teardown(&jq);
	for (int i = 0; i < CHUNK; i++) {
		ew_where_free(w[i]);
		free(progs[i]);
	}
	ew_buf_free(&all);
	return bad;
}

static void
random_programs(const struct ew_schema *s, struct ew_record *const *rs)
{
	int bad = 0;

	for (int i = 0; i < NRANDOM / CHUNK && !bad; i++)
		bad += random_chunk(s, rs);
	UNIT_CHECK(!bad, "where: %d random programs give what jq gives on %zu records",
		NRANDOM, NRECS);
}

void
test_where(void)
{
	struct ew_schema s = {0};
	struct ew_err e = {{0}};
	struct ew_record *rs[NRECS];
	static const char *const native[] = {
		".severity >= 4 and .cercle == \"Niono\"",
		".severity>=4 and.cercle==\"Niono\"",
		".severity > 3",
		".severity < 4",
		".severity == null",
		".killed != 0",
		".killed >= 1e3",
		".killed > 2",
		".cercle == \"Ségou\" or .cercle == \"Macina\"",
		".cercle < \"N\"",
		".description > .cercle",
		".severity < .cercle",
		"(.severity >= 4 or .killed > 0) and .category == \"attack\"",
		".severity >= 4 and (.category == \"attack\" or .category == \"threat\")",
		".description",
		".severity",
		".nosuchfield == null",
		"null", "false", "true", "\"\"", "0",
		"(.severity == 4) == true",
		"\t.cercle\n== \"Niono\" ",
	};
	static const char *const by_jq[] = {
		".severity >= 4 | not", ".cercle | test(\"^N\")", ".killed > -1",
		".cercle == \"Ni\\u00f1o\"", ".severity + 1 > 4", ".a.b == 1",
		".cercle? == \"Niono\"", ".[\"cercle\"] == \"Niono\"", "# c\n.severity",
		".severity >= .5", "not", ".cercle == \"\\(1)\"", "$__loc__",
		"def f: 1; f", ".severity // 0 > 3", "[.severity] == [4]",
		".cercle == \"Niono\" and", "(.severity", ".severity ==", "",
		".severity == 4 == true", ".severity =< 4", ".cercle ==\r\"Niono\"",
	};

	int accepted = 0;

	UNIT_LONG(ew_schema_init(&s, NULL, &e), 0, "where: the schema");
	for (size_t i = 0; i < NRECS; i++)
		rs[i] = unit_record(&s, recs[i]);
	for (size_t i = 0; i < sizeof native / sizeof native[0]; i++)
		UNIT_CHECK(same_as_jq(native[i], &s, rs, 1, &accepted), "'%s' runs without jq", native[i]);
	for (size_t i = 0; i < sizeof by_jq / sizeof by_jq[0]; i++) {
		struct ew_where *w = ew_where_new(by_jq[i], &s);
		UNIT_CHECK(w == NULL, "'%s' is left to jq", by_jq[i]);
		ew_where_free(w);
	}
	/* random programs: each that jq accepts runs natively and agrees */
	random_programs(&s, rs);
	for (size_t i = 0; i < NRECS; i++)
		ew_record_free(rs[i]);
	ew_schema_free(&s);
}
