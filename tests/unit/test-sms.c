/* test-sms.c - sms.h: the SMS grammar, against the real gazetteer and
 * taxonomy, with the corpus of tests/data/sms-corpus.tsv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "date.h"
#include "places.h"
#include "record.h"
#include "sms.h"
#include "taxonomy.h"
#include "unit.h"
#include "util.h"

/* The corpus's "today", a Saturday. */
#define TODAY "2026-11-28"

struct fixture {
	struct ew_schema s;
	struct ew_places places;
	struct ew_taxonomy tax;
	struct ew_sms_ctx ctx;
};

static int
fixture_load(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	int ok = unit_catalogs_load(&f->s, &f->places, &f->tax, "sms");
	f->ctx.schema = &f->s;
	f->ctx.places = &f->places;
	f->ctx.tax = &f->tax;
	f->ctx.today = TODAY;
	return ok;
}

static void
fixture_free(struct fixture *f)
{
	unit_catalogs_free(&f->s, &f->places, &f->tax);
}

/* A reply fit to go back by SMS: not empty, one line, at most 160 bytes. */
static int
reply_ok(const struct ew_buf *reply)
{
	return reply->len > 0 && reply->len <= 160 &&
		!memchr(reply->s, '\n', reply->len) &&
		!memchr(reply->s, '\r', reply->len) &&
		ew_utf8_valid(reply->s, reply->len);
}

/*
 * Parses msg; returns the record (or NULL) and leaves the reply in
 * reply. Every call checks the contract: a record and no reply, or no
 * record and a reply fit to send.
 */
static struct ew_record *
parse(const struct fixture *f, const char *msg, struct ew_buf *reply,
	const char *name)
{
	struct ew_record *r = (struct ew_record *)1;

	ew_buf_reset(reply);
	int rc = ew_sms_parse(&f->ctx, msg, &r, reply);
	if (rc == 0) {
		UNIT_CHECK(r != NULL && reply->len == 0,
			"%s: accepted with a record and no reply", name);
		return r;
	}
	UNIT_CHECK(rc == -1 && r == NULL, "%s: refused with no record", name);
	if (!UNIT_CHECK(reply_ok(reply), "%s: reply of %zu bytes, one line",
	        name, reply->len))
		unit_diag("reply: %s", reply->s ? reply->s : "(none)");
	return NULL;
}

/* The corpus's escapes: \t, \r, \n, \\ and \xHH. */
static char *
unescape(const char *s, size_t n)
{
	struct ew_buf b = {0};

	ew_buf_grow(&b, n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 == n) {
			ew_buf_addc(&b, s[i]);
			continue;
		}
		char c = s[++i];
		if (c == 't')
			ew_buf_addc(&b, '\t');
		else if (c == 'r')
			ew_buf_addc(&b, '\r');
		else if (c == 'n')
			ew_buf_addc(&b, '\n');
		else if (c == 'x' && i + 2 < n) {
			char hex[3] = {s[i + 1], s[i + 2], 0};
			ew_buf_addc(&b, (char)strtol(hex, NULL, 16));
			i += 2;
		} else
			ew_buf_addc(&b, c);
	}
	return ew_buf_detach(&b);
}

/*
 * What a record should hold: the values of an expectation
 * "cercle=Niono commune=Diabaly description=hommes armés", where a
 * value runs up to the next " FIELD=" of a schema column; the columns
 * it does not name hold what every SMS record holds (channel sms, date
 * precision 1, today, the region of Ségou) or nothing.
 */
static char **
expected_values(const struct fixture *f, const char *spec, char **bad)
{
	char **want = ew_xcalloc(f->s.n, sizeof *want);
	char *copy = ew_xstrdup(spec), *save = NULL;
	int cur = -1;
	struct ew_buf val = {0};

	*bad = NULL;
	for (char *w = strtok_r(copy, " ", &save);; w = strtok_r(NULL, " ", &save)) {
		char *eq = w ? strchr(w, '=') : NULL;
		int col = -1;
		if (eq) {
			*eq = '\0';
			col = ew_schema_col(&f->s, w);
			*eq = '=';
		}
		if (!w || col >= 0) {
			if (cur >= 0) {
				free(want[cur]);
				want[cur] = unescape(val.s ? val.s : "", val.len);
			}
			ew_buf_reset(&val);
			if (!w)
				break;
			cur = col;
			ew_buf_adds(&val, eq + 1);
		} else if (cur >= 0) {
			ew_buf_addc(&val, ' ');
			ew_buf_adds(&val, w);
		} else if (!*bad) {
			*bad = ew_xstrdup(w);
		}
	}
	ew_buf_free(&val);
	free(copy);
	static const struct {
		size_t col;
		const char *v;
	} dflt[] = {
		{EW_C_CHANNEL, "sms"}, {EW_C_DATE_PRECISION, "1"},
		{EW_C_EVENT_DATE, TODAY}, {EW_C_REGION, "S\xc3\xa9gou"},
	};
	for (size_t i = 0; i < sizeof dflt / sizeof dflt[0]; i++)
		if (!want[dflt[i].col])
			want[dflt[i].col] = ew_xstrdup(dflt[i].v);
	for (size_t i = 0; i < f->s.n; i++)
		if (!want[i])
			want[i] = ew_xstrdup("");
	return want;
}

/* A record from the corpus passes the checks ew add makes. */
static void
passes_check(const struct fixture *f, const struct ew_record *r,
	const char *name)
{
	struct ew_check c = {&f->s, &f->places, &f->tax, 0};
	struct ew_strv errs = {0};
	struct ew_record *copy = ew_record_dup(r);
	time_t now;

	ew_time_parse(TODAY "T12:00:00Z", &now);
	c.now = now;
	size_t n = ew_check_record(&c, copy, EW_CHECK_DEFAULTS, "sms", &errs);
	if (!UNIT_LONG(n, 0, "%s: the record passes ew add's checks", name))
		for (size_t i = 0; i < errs.n; i++)
			unit_diag("%s", errs.v[i]);
	ew_strv_free(&errs);
	ew_record_free(copy);
}

/* One line of the corpus: the message and what it must give. */
static void
corpus_line(const struct fixture *f, const char *path, unsigned long ln,
	const char *line, size_t *accepted, size_t *rejected)
{
	struct ew_buf reply = {0};
	const char *tab = strrchr(line, '\t');
	char name[64];

	snprintf(name, sizeof name, "%s:%lu", path, ln);
	if (!UNIT_CHECK(tab != NULL, "%s: message<TAB>expected", name))
		return;
	const char *spec = tab + 1;
	int reject = 0;
	/* REJECT<TAB>substring: the tab before REJECT ends the message */
	if (tab - line >= 7 && strncmp(tab - 6, "REJECT", 6) == 0 &&
	    tab[-7] == '\t') {
		reject = 1;
		tab -= 7;
	}
	char *msg = unescape(line, (size_t)(tab - line));
	struct ew_record *r = parse(f, msg, &reply, name);

	if (reject) {
		(*rejected)++;
		if (UNIT_CHECK(r == NULL, "%s: refused", name))
			UNIT_CHECK(reply.s && strstr(reply.s, spec) != NULL,
				"%s: the reply says '%s'", name, spec);
		if (r || !strstr(reply.s ? reply.s : "", spec))
			unit_diag("message: %s; reply: %s", msg,
				reply.s ? reply.s : "(none)");
	} else if (UNIT_CHECK(r != NULL, "%s: accepted", name)) {
		char *bad;
		char **want = expected_values(f, spec, &bad);
		struct ew_buf diff = {0};
		(*accepted)++;
		UNIT_STR(bad, NULL, "%s: the expectation names columns", name);
		for (size_t i = 0; i < f->s.n; i++)
			if (strcmp(r->v[i], want[i]) != 0)
				ew_buf_addf(&diff, "%s='%s' (expected '%s') ",
					f->s.cols[i].name, r->v[i], want[i]);
		if (!UNIT_CHECK(diff.len == 0, "%s: the record holds what is expected", name))
			unit_diag("%s", diff.s);
		passes_check(f, r, name);
		for (size_t i = 0; i < f->s.n; i++)
			free(want[i]);
		free(want);
		free(bad);
		ew_buf_free(&diff);
	} else {
		unit_diag("message: %s; reply: %s", msg, reply.s);
	}
	ew_record_free(r);
	free(msg);
	ew_buf_free(&reply);
}

static void
test_corpus(const struct fixture *f)
{
	const char *path = getenv("EW_SMS_CORPUS");
	size_t accepted = 0, rejected = 0, len = 0;
	unsigned long ln = 0;

	if (!path || !*path)
		path = "tests/data/sms-corpus.tsv";
	char *data = ew_read_file(path, &len);
	if (!UNIT_CHECK(data != NULL, "sms: read %s (set EW_SMS_CORPUS)", path))
		return;
	UNIT_CHECK(ew_utf8_valid(data, len), "sms: the corpus is UTF-8");
	for (char *line = data, *nl; line < data + len; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = data + len;
		*nl = '\0';
		ln++;
		if (*line == '#' || !*line)
			continue;
		corpus_line(f, path, ln, line, &accepted, &rejected);
	}
	UNIT_CHECK(accepted + rejected >= 60, "sms: the corpus has %zu messages",
		accepted + rejected);
	UNIT_CHECK(accepted >= 30 && rejected >= 20,
		"sms: the corpus has %zu accepted and %zu refused", accepted, rejected);
	free(data);
}

/* Every category, by its code and by its French label. */
static void
test_every_category(const struct fixture *f)
{
	struct ew_buf reply = {0};

	for (size_t i = 0; i < f->tax.n; i++) {
		const char *words[] = {f->tax.v[i].code, f->tax.v[i].label_fr,
			f->tax.v[i].label_en};
		for (size_t j = 0; j < 3; j++) {
			char *msg = ew_xasprintf("EW NIONO %s S2 texte", words[j]);
			struct ew_record *r = parse(f, msg, &reply, msg);
			UNIT_STR(r ? r->v[EW_C_CATEGORY] : reply.s, f->tax.v[i].code,
				"sms: '%s' is %s", msg, f->tax.v[i].code);
			UNIT_STR(r ? r->v[EW_C_DESCRIPTION] : NULL, "texte",
				"sms: '%s' takes its words and no more", msg);
			ew_record_free(r);
			free(msg);
		}
	}
	ew_buf_free(&reply);
}

/* Every place of the gazetteer, by its cercle and commune as typed. */
static void
test_every_place(const struct fixture *f)
{
	struct ew_buf reply = {0};
	size_t bad = 0;

	for (size_t i = 0; i < f->places.n; i++) {
		const struct ew_place *pl = &f->places.v[i];
		char *msg;
		if (strcmp(pl->level, "commune") == 0)
			msg = ew_xasprintf("EW %s/%s MENACE", pl->parent, pl->name);
		else if (strcmp(pl->level, "cercle") == 0)
			msg = ew_xasprintf("EW %s MENACE", pl->name);
		else
			continue;
		struct ew_record *r = parse(f, msg, &reply, msg);
		const char *want_commune = *pl->parent && strcmp(pl->level, "commune") == 0 ?
			pl->name : "";
		const char *want_cercle = strcmp(pl->level, "commune") == 0 ? pl->parent : pl->name;
		if (!r || strcmp(r->v[EW_C_CERCLE], want_cercle) != 0 ||
		    strcmp(r->v[EW_C_COMMUNE], want_commune) != 0) {
			UNIT_CHECK(0, "sms: '%s' names its place", msg);
			unit_diag("reply: %s", reply.s ? reply.s : "");
			bad++;
		}
		ew_record_free(r);
		free(msg);
	}
	UNIT_LONG(bad, 0, "sms: every cercle and commune of the gazetteer is read");
	ew_buf_free(&reply);
}

/*
 * The keyword table offers only what the loaded taxonomy has: with a
 * taxonomy of attack alone, MENACE is no type, nor a misspelling of one.
 */
static void
test_small_taxonomy(struct fixture *f)
{
	struct ew_category only = {"attack", "Attack", "Attaque", "", "", ""};
	struct ew_taxonomy small = {&only, 1};
	const struct ew_taxonomy *full = f->ctx.tax;
	struct ew_buf reply = {0};
	struct ew_record *r;

	f->ctx.tax = &small;
	r = parse(f, "EW NIONO ATTAQUE", &reply, "sms: small taxonomy");
	UNIT_STR(r ? r->v[EW_C_CATEGORY] : NULL, "attack",
		"sms: with a taxonomy of attack alone, ATTAQUE is attack");
	ew_record_free(r);
	r = parse(f, "EW NIONO MENACE", &reply, "sms: small taxonomy");
	UNIT_CHECK(r == NULL && strstr(reply.s, "Unknown type 'MENACE'"),
		"sms: with a taxonomy of attack alone, MENACE is refused");
	ew_record_free(r);
	r = parse(f, "EW NIONO AFFRONTEMENT", &reply, "sms: small taxonomy");
	UNIT_CHECK(r == NULL, "sms: with a taxonomy of attack alone, AFFRONTEMENT is refused");
	ew_record_free(r);
	f->ctx.tax = full;
	ew_buf_free(&reply);
}

/* Dates depend on today: a day and month alone is the last such day. */
static void
test_dates(struct fixture *f)
{
	static const struct {
		const char *today, *msg, *want;
	} cases[] = {
		{"2026-01-02", "EW NIONO ATTAQUE 30/12", "2025-12-30"},
		{"2026-01-02", "EW NIONO ATTAQUE 02/01", "2026-01-02"},
		{"2026-01-02", "EW NIONO ATTAQUE J-3", "2025-12-30"},
		{"2026-03-01", "EW NIONO ATTAQUE HIER", "2026-02-28"},
		{"2024-03-01", "EW NIONO ATTAQUE HIER", "2024-02-29"},
		{"2024-03-01", "EW NIONO ATTAQUE 29/02", "2024-02-29"},
		{"2026-11-28", "EW NIONO ATTAQUE J-400", "2025-10-24"},
	};
	struct ew_buf reply = {0};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		f->ctx.today = cases[i].today;
		struct ew_record *r = parse(f, cases[i].msg, &reply, cases[i].msg);
		UNIT_STR(r ? r->v[EW_C_EVENT_DATE] : reply.s, cases[i].want,
			"sms: '%s' on %s", cases[i].msg, cases[i].today);
		ew_record_free(r);
	}
	f->ctx.today = "not a date";
	struct ew_record *r = parse(f, "EW NIONO ATTAQUE", &reply, "sms: no today");
	UNIT_CHECK(r == NULL, "sms: without a valid today nothing is accepted");
	ew_record_free(r);
	f->ctx.today = TODAY;
	ew_buf_free(&reply);
}

/*
 * Messages made of random pieces, good and bad: each is either a record
 * that passes the checks or a refusal with a reply fit to send, and
 * nothing crashes (the sanitizer build runs this too).
 */
static void
test_random(const struct fixture *f)
{
	static const char *const pieces[] = {
		"EW", "ew", "E.W", "EW:", "NIONO", "NIONO/DIABALY", "SAN/SY", "/",
		"SOMO", "SEGOU/", "ATTAQUE", "ATAQUE", "VIOL", "VOLS", "S4", "S9",
		"T2", "B", "3", "=", "J-2", "31/02", "25/11", "01/01/2030", "HIER",
		"texte", "\xc3\xa9", "\xe2\x80\xae", "\t", "\xff", "  ",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		"T99999999999999999999", "E1D2", "S4,T2,",
	};
	unsigned long long seed = 0x5eed5eedULL;
	struct ew_buf msg = {0}, reply = {0};
	size_t n = sizeof pieces / sizeof pieces[0], bad = 0, ok = 0;

	for (int i = 0; i < 3000; i++) {
		ew_buf_reset(&msg);
		unsigned k = 1 + unit_rnd(&seed, 8);
		for (unsigned j = 0; j < k; j++) {
			if (j)
				ew_buf_addc(&msg, ' ');
			ew_buf_adds(&msg, pieces[unit_rnd(&seed, (unsigned)n)]);
		}
		struct ew_record *r = (struct ew_record *)1;
		ew_buf_reset(&reply);
		int rc = ew_sms_parse(&f->ctx, msg.s, &r, &reply);
		int good = rc == 0 ? r != NULL && reply.len == 0 :
			rc == -1 && r == NULL && reply_ok(&reply);
		if (rc == 0 && good) {
			struct ew_check c = {&f->s, &f->places, &f->tax, 0};
			struct ew_strv errs = {0};
			ew_time_parse(TODAY "T12:00:00Z", &c.now);
			good = ew_check_record(&c, r, EW_CHECK_DEFAULTS, "sms", &errs) == 0;
			ew_strv_free(&errs);
			ok++;
		}
		if (!good && bad++ < 5)
			unit_diag("random message '%s': rc %d, reply '%s'", msg.s, rc,
				reply.s ? reply.s : "");
		if (rc == 0)
			ew_record_free(r);
	}
	UNIT_LONG(bad, 0, "sms: 3000 random messages give a valid record or a reply");
	UNIT_CHECK(ok > 0, "sms: some random messages are accepted (%zu)", ok);
	ew_buf_free(&msg);
	ew_buf_free(&reply);
}

/*
 * A reply is cut to 160 bytes, at a character boundary, however long the
 * names it quotes: a gazetteer of long names with accents.
 */
#define E10 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
#define NAME_A "\xc3\x89" E10 E10 E10 E10
#define NAME_B "Bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define NAME_C "Cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static void
test_long_names(struct fixture *f)
{
	static const char csv[] =
		"level,name,parent,latitude,longitude,aliases\n"
		"region,R,,,,\n"
		"cercle," NAME_A ",R,,,\n"
		"cercle," NAME_B ",R,,,\n"
		"commune," NAME_C "," NAME_B ",,,\n";
	struct ew_places big = {0};
	struct ew_err e = {{0}};
	struct ew_buf reply = {0};
	const struct ew_places *real = f->ctx.places;
	char *path = ew_temp_file("ew-sms-places", csv, sizeof csv - 1, &e);

	if (!UNIT_CHECK(path != NULL, "sms: a gazetteer of long names (%s)", e.msg))
		return;
	if (UNIT_LONG(ew_places_load(&big, path, &e), 0, "sms: load the long names")) {
		f->ctx.places = &big;
		const char *msg = "EW " NAME_A "/" NAME_C " ATTAQUE";
		struct ew_record *r = parse(f, msg, &reply, "sms: long names");
		UNIT_CHECK(r == NULL && reply.len > 120,
			"sms: a commune of another cercle, with long names, is refused (%zu bytes)",
			reply.len);
		ew_record_free(r);
		f->ctx.places = real;
	}
	ew_places_free(&big);
	unlink(path);
	free(path);
	ew_buf_free(&reply);
}

void
test_sms(void)
{
	struct fixture f;

	if (fixture_load(&f)) {
		test_corpus(&f);
		test_every_category(&f);
		test_every_place(&f);
		test_small_taxonomy(&f);
		test_dates(&f);
		test_random(&f);
		test_long_names(&f);
	}
	fixture_free(&f);
}
