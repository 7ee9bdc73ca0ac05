/*
 * test-import.c - the ACLED and Kobo imports (import.h), and the ACLED
 * export read back.
 *
 * The gazetteer, taxonomy and mappings are the share directory's
 * ($EW_SHAREDIR, else share/ew); the sample exports are in tests/data.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "export.h"
#include "import.h"
#include "places.h"
#include "record.h"
#include "taxonomy.h"
#include "util.h"

/* 2026-11-28T12:00:00Z, as in the bats suites. */
#define NOW 1795867200

struct fx {
	struct ew_schema s;
	struct ew_places places;
	struct ew_taxonomy tax;
	struct ew_check check;
	struct ew_import_ctx ctx;
};

static int
fx_load(struct fx *f)
{
	memset(f, 0, sizeof *f);
	int ok = unit_catalogs_load(&f->s, &f->places, &f->tax, "import");
	f->check = (struct ew_check){&f->s, &f->places, &f->tax, NOW};
	f->ctx = (struct ew_import_ctx){&f->s, &f->places, &f->tax, NULL,
		"2026-11-28"};
	return ok;
}

static void
fx_free(struct fx *f)
{
	unit_catalogs_free(&f->s, &f->places, &f->tax);
}

/*
 * What an import of a stream gave: its records, and a log of each call's
 * outcome in order ("record" or the error message).
 */
struct got {
	struct ew_record *r[64];
	size_t n;
	struct ew_strv log;
	int opened;
	struct ew_err open;
};

static void
got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		ew_record_free(g->r[i]);
	ew_strv_free(&g->log);
	memset(g, 0, sizeof *g);
}

static void
import_fp(struct fx *f, enum ew_import_kind kind, FILE *fp,
	const char *mapping, struct got *g)
{
	struct ew_import_ctx ctx = f->ctx;
	struct ew_import *im;
	struct ew_record *r;
	struct ew_err e;
	int rc;

	memset(g, 0, sizeof *g);
	ctx.mapping = mapping;
	if (!(im = ew_import_open(kind, fp, "t", &ctx, &g->open)))
		return;
	g->opened = 1;
	while (g->log.n < 64 && (rc = ew_import_next(im, &r, &e)) != 0) {
		if (rc < 0) {
			ew_strv_push(&g->log, ew_xstrdup(e.msg));
			continue;
		}
		ew_strv_push(&g->log, ew_xstrdup("record"));
		if (g->n < 64)
			g->r[g->n++] = r;
		else
			ew_record_free(r);
	}
	ew_import_close(im);
}

static void
import_text(struct fx *f, enum ew_import_kind kind, const char *text,
	const char *mapping, struct got *g)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	import_fp(f, kind, fp, mapping, g);
	fclose(fp);
}

/* Checks r as ew add would (defaults filled in); 1 when it passes. */
static int
passes(struct fx *f, struct ew_record *r, const char *what)
{
	struct ew_strv errs = {0};
	size_t n = ew_check_record(&f->check, r, EW_CHECK_DEFAULTS, "t", &errs);
	int ok = UNIT_LONG(n, 0, "%s: the record passes the check", what);
	for (size_t i = 0; i < errs.n; i++)
		unit_diag("%s", errs.v[i]);
	ew_strv_free(&errs);
	return ok;
}

static const char *
col(const struct fx *f, const struct ew_record *r, const char *name)
{
	int c = ew_schema_col(&f->s, name);
	return c >= 0 ? r->v[c] : "(no such column)";
}

/* --- ACLED -------------------------------------------------------------- */

#define ACLED_HEADER "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp\n"

/* Rows as ACLED's data export writes them today, for events in Ségou. */
static const char acled_current[] = ACLED_HEADER
	"MLI32671,2024-03-05,2024,1,Political violence,Violence against civilians,Attack,JNIM: Jama'at Nusrat al-Islam wal Muslimin,,2,Civilians (Mali),,7,27,Civilian targeting,466,Western Africa,Mali,Segou,Niono,Diabaly,Diabaly,14.6832,-6.0139,1,Undisclosed Source,Local partner-Other,\"On 5 March 2024, JNIM militants attacked the weekly market of Diabaly (Niono, Segou), killing 2 civilians.\",2,,1710201234\n"
	"MLI32702,2024-03-09,2024,1,Political violence,Battles,Armed clash,Military Forces of Mali (2021-),Wagner Group,State forces,JNIM: Jama'at Nusrat al-Islam wal Muslimin,,Rebel group,State forces-Rebel group,,466,Western Africa,Mali,Segou,Macina,Kolongo,Kolongo,13.8312,-5.4467,2,Studio Tamani; Undisclosed Source,National-Local partner,\"On 9 March 2024, FAMa and Wagner clashed with JNIM near Kolongo (Macina). 5 fatalities.\",5,,1710462000\n"
	"MLI32733,2024-03-14,2024,2,Political violence,Explosions/Remote violence,Remote explosive/landmine/IED,Unidentified Armed Group (Mali),,Political militia,Civilians (Mali),,Civilians,Political militia-Civilians,Civilian targeting,466,Western Africa,Mali,Ségou,San,San,San,13.3031,-4.8961,3,Undisclosed Source,Local partner-Other,\"Around 14 March 2024, an IED hit a bus near San.\",1,,1710720000\n"
	"MLI32750,2024-03-20,2024,1,Demonstrations,Protests,Peaceful protest,Protesters (Mali),Women (Mali),Protesters,,,,Protesters only,,466,Western Africa,Mali,Segou,Segou,Markala,Markala,13.6985,-6.0649,1,Studio Tamani,National,\"On 20 March 2024, women traders held a sit-in at the town hall of Markala against market taxes.\",0,crowd size=around 200,1711000000\n"
	"MLI32790,2024-03-28,2024,1,Strategic developments,Strategic developments,Looting/property destruction,JNIM: Jama'at Nusrat al-Islam wal Muslimin,,Rebel group,Civilians (Mali),,Civilians,Rebel group-Civilians,,466,Western Africa,Mali,SEGOU,niono,Kala Siguida,Kala Siguida,14.1142,-6.2011,2,Undisclosed Source,Local partner-Other,Cattle taken from herders near Kala Siguida.,0,,1711600000\n";

static void
test_acled_current(struct fx *f)
{
	struct got g;

	import_text(f, EW_IMPORT_ACLED, acled_current, NULL, &g);
	if (!UNIT_LONG(g.n, 5, "acled: five rows, five records")) {
		for (size_t i = 0; i < g.log.n; i++)
			unit_diag("%s", g.log.v[i]);
		got_free(&g);
		return;
	}
	struct ew_record *r = g.r[0];
	static const char *const want[][2] = {
		{"id", ""}, {"event_date", "2024-03-05"}, {"date_precision", "1"},
		{"category", "attack"},
		{"actor1", "JNIM: Jama'at Nusrat al-Islam wal Muslimin"},
		{"actor2", "Civilians (Mali)"}, {"region", "Ségou"},
		{"cercle", "Niono"}, {"commune", "Diabaly"}, {"location", "Diabaly"},
		{"latitude", "14.6832"}, {"longitude", "-6.0139"},
		{"geo_precision", "1"}, {"source", "Undisclosed Source"},
		{"description", "On 5 March 2024, JNIM militants attacked the weekly market of Diabaly (Niono, Segou), killing 2 civilians."},
		{"killed", "2"}, {"tags", "acled:MLI32671"},
		{"updated_at", "2024-03-11T23:53:54Z"}, {"channel", ""},
		{"reporter", ""}, {"severity", ""},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		UNIT_STR(col(f, r, want[i][0]), want[i][1], "acled: row 1 %s",
			want[i][0]);
	UNIT_LONG(r->line, 2, "acled: row 1 is line 2");
	UNIT_STR(col(f, g.r[1], "category"), "clash", "acled: Battles/Armed clash is clash");
	UNIT_STR(col(f, g.r[1], "source"), "Studio Tamani; Undisclosed Source", "acled: source as it is");
	UNIT_STR(col(f, g.r[2], "category"), "ied", "acled: Remote explosive/landmine/IED is ied");
	UNIT_STR(col(f, g.r[2], "date_precision"), "2", "acled: time_precision 2 is date_precision 2");
	UNIT_STR(col(f, g.r[2], "region"), "Ségou", "acled: admin1 Ségou");
	UNIT_STR(col(f, g.r[3], "category"), "protest", "acled: Protests/Peaceful protest is protest");
	UNIT_STR(col(f, g.r[3], "cercle"), "Ségou", "acled: admin2 Segou is the cercle Ségou");
	UNIT_STR(col(f, g.r[3], "commune"), "Markala", "acled: admin3 Markala");
	UNIT_STR(col(f, g.r[3], "tags"), "crowd size=around 200;acled:MLI32750",
		"acled: ACLED's tags kept, its id after them");
	UNIT_STR(col(f, g.r[4], "category"), "looting", "acled: Looting/property destruction is looting");
	UNIT_STR(col(f, g.r[4], "region"), "Ségou", "acled: admin1 SEGOU folds to Ségou");
	UNIT_STR(col(f, g.r[4], "cercle"), "Niono", "acled: admin2 niono is Niono");
	UNIT_STR(col(f, g.r[4], "commune"), "Kala-Siguida",
		"acled: admin3 'Kala Siguida' is the commune Kala-Siguida");
	for (size_t i = 0; i < g.n; i++)
		passes(f, g.r[i], "acled: an imported row");
	got_free(&g);
}

/* ACLED's header and one row from the template, with these values. */
static char *
acled_one(const char *date, const char *type, const char *sub,
	const char *admin1, const char *admin2, const char *admin3,
	const char *tags)
{
	return ew_xasprintf(ACLED_HEADER
		"MLI1,%s,2024,1,Political violence,%s,%s,actor,,,,,,,,466,Western Africa,Mali,%s,%s,%s,place,,,,src,,notes,0,%s,\n",
		date, type, sub, admin1, admin2, admin3, tags);
}

/*
 * Imports one templated row; returns the record (the caller frees it),
 * or NULL with the error in err.
 */
static struct ew_record *
acled_try(struct fx *f, const char *text, char err[1024])
{
	struct got g;
	struct ew_record *r = NULL;

	import_text(f, EW_IMPORT_ACLED, text, NULL, &g);
	*err = '\0';
	if (g.log.n && strcmp(g.log.v[0], "record") != 0)
		snprintf(err, 1024, "%s", g.log.v[0]);
	if (g.n) {
		r = g.r[0];
		g.n = 0;
	}
	got_free(&g);
	return r;
}

static void
test_acled_dates(struct fx *f)
{
	static const char *const ok[][2] = {
		{"2024-03-05", "2024-03-05"}, {"05 March 2024", "2024-03-05"},
		{"5 March 2024", "2024-03-05"}, {"17 january 2023", "2023-01-17"},
		{"01 Dec 2022", "2022-12-01"}, {"29-Feb-2024", "2024-02-29"},
	};
	static const char *const bad[] = {
		"2024-02-30", "31 February 2024", "March 5 2024", "05 Mars 2024",
		"05 March 24", "05/03/2024", "", "123 March 2024",
	};
	char err[1024];

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char *t = acled_one(ok[i][0], "Violence against civilians",
			"Attack", "Segou", "Niono", "Diabaly", "");
		struct ew_record *r = acled_try(f, t, err);
		if (UNIT_CHECK(r != NULL, "acled: event_date '%s' is read", ok[i][0]))
			UNIT_STR(r->v[EW_C_EVENT_DATE], ok[i][1], "acled: event_date '%s'",
				ok[i][0]);
		else
			unit_diag("%s", err);
		ew_record_free(r);
		free(t);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *t = acled_one(bad[i], "Violence against civilians",
			"Attack", "Segou", "Niono", "Diabaly", "");
		char *want = ew_xasprintf("t:2: invalid event_date '%s' (expected YYYY-MM-DD, or DD Month YYYY as older ACLED files have it)",
			bad[i]);
		struct ew_record *r = acled_try(f, t, err);
		UNIT_CHECK(r == NULL, "acled: event_date '%s' is refused", bad[i]);
		UNIT_STR(err, want, "acled: the message for event_date '%s'", bad[i]);
		ew_record_free(r);
		free(want);
		free(t);
	}
}

static void
test_acled_columns(struct fx *f)
{
	struct got g;

	/* a download with ACLED's other columns, in another order */
	import_text(f, EW_IMPORT_ACLED,
		"event_id_no_cnty,admin3,admin2,admin1,sub_event_type,event_type,event_date,population_best,geo_precision,Notes,FATALITIES,iso3,latitude,longitude\n"
		"32671,Diabaly,Niono,Segou,Attack,Violence against civilians,05 March 2024,12000,2,\"Market attacked; two killed.\",2,MLI,14.6832,-6.0139\n",
		NULL, &g);
	if (UNIT_LONG(g.n, 1, "acled: columns in any order, extra columns ignored")) {
		struct ew_record *r = g.r[0];
		UNIT_STR(col(f, r, "event_date"), "2024-03-05", "acled: reordered: event_date");
		UNIT_STR(col(f, r, "category"), "attack", "acled: reordered: category");
		UNIT_STR(col(f, r, "cercle"), "Niono", "acled: reordered: cercle");
		UNIT_STR(col(f, r, "commune"), "Diabaly", "acled: reordered: commune");
		UNIT_STR(col(f, r, "description"), "Market attacked; two killed.",
			"acled: reordered: notes, its name in another case");
		UNIT_STR(col(f, r, "killed"), "2", "acled: reordered: fatalities");
		UNIT_STR(col(f, r, "geo_precision"), "2", "acled: reordered: geo_precision");
		UNIT_STR(col(f, r, "tags"), "", "acled: no event_id_cnty, no tag");
		passes(f, r, "acled: reordered");
	} else {
		for (size_t i = 0; i < g.log.n; i++)
			unit_diag("%s", g.log.v[i]);
	}
	got_free(&g);

	/* the columns ew needs */
	import_text(f, EW_IMPORT_ACLED,
		"event_id_cnty,event_date,event_type,admin1,admin2,notes\n"
		"MLI1,2024-03-05,Battles,Segou,Niono,x\n"
		"MLI2,2024-03-05,Battles,Segou,Niono,x\n", NULL, &g);
	UNIT_LONG(g.log.n, 1, "acled: a header without sub_event_type stops the import");
	UNIT_STR(g.log.n ? g.log.v[0] : NULL,
		"t:1: no column 'sub_event_type' (ACLED's header names at least event_date, event_type, sub_event_type, admin1 and admin2; is this ACLED's CSV?)",
		"acled: the message names the missing column");
	got_free(&g);

	import_text(f, EW_IMPORT_ACLED,
		"event_date,event_type,sub_event_type,admin1,admin2,admin2\n", NULL, &g);
	UNIT_STR(g.log.n ? g.log.v[0] : NULL,
		"t:1: column 'admin2' appears twice (keep one)",
		"acled: a column twice in the header");
	got_free(&g);

	import_text(f, EW_IMPORT_ACLED, "", NULL, &g);
	UNIT_STR(g.log.n ? g.log.v[0] : NULL,
		"t: empty input (expected ACLED's header row, event_id_cnty,event_date,...)",
		"acled: empty input");
	got_free(&g);

	/* a short row is an error, and the rows after it are read */
	import_text(f, EW_IMPORT_ACLED,
		"event_date,event_type,sub_event_type,admin1,admin2\n"
		"2024-03-05,Battles,Armed clash,Segou\n"
		"2024-03-05,Battles,Armed clash,Segou,Niono\n", NULL, &g);
	UNIT_LONG(g.log.n, 2, "acled: a short row, then a good one");
	UNIT_STR(g.log.n ? g.log.v[0] : NULL, "t:2: expected 5 fields, found 4",
		"acled: the short row's message");
	UNIT_STR(g.log.n > 1 ? g.log.v[1] : NULL, "record", "acled: the row after it is read");
	got_free(&g);
}

static void
test_acled_errors(struct fx *f)
{
	static const struct {
		const char *date, *type, *sub, *admin1, *admin2, *admin3, *tags;
		const char *want;
	} c[] = {
		{"2024-03-05", "Violence against civilians", "Attack", "Segou", "Nionoo", "Diabaly", "",
		 "t:2: unknown cercle 'Nionoo' in admin2 (did you mean 'Niono'?)"},
		{"2024-03-05", "Violence against civilians", "Attack", "Segou", "Bandiagara", "", "",
		 "t:2: unknown cercle 'Bandiagara' in admin2 (the gazetteer's cercles are Ségou, Barouéli, Bla, Macina, Niono, San, Tominian; add the name to places.csv as an alias if it is one of them)"},
		{"2024-03-05", "Violence against civilians", "Attack", "Mopti", "Bandiagara", "", "",
		 "t:2: admin1 'Mopti' is not a region of the gazetteer: ew covers Ségou (leave the rows of other regions out of the import)"},
		{"2024-03-05", "Violence against civilians", "Attack", "Segou", "", "", "",
		 "t:2: empty admin2 (ew needs the cercle of each event: fill in admin2)"},
		{"2024-03-05", "Violence against civilians", "Attack", "Segou", "San", "Diabaly", "",
		 "t:2: commune 'Diabaly' (admin3) is not in cercle 'San' (it is in Niono: correct admin2 or admin3)"},
		{"2024-03-05", "Violence against civilians", "Attack", "Segou", "Niono", "Diabali", "",
		 "t:2: unknown commune 'Diabali' in admin3 (did you mean 'Diabaly'?)"},
		{"2024-03-05", "Violence against civilians", "Attack", "Segou", "Niono", "Zzyzx", "",
		 "t:2: unknown commune 'Zzyzx' in admin3 of cercle 'Niono' (add it to places.csv, or empty admin3)"},
		{"2024-03-05", "Strategic developments", "Other", "Segou", "Niono", "", "",
		 "t:2: event_type 'Strategic developments' and sub_event_type 'Other' fit several categories: threat, armed-presence, displacement, intercommunal-tension, hate-speech, recruitment (name one in tags, e.g. ew-category=threat)"},
		{"2024-03-05", "Riots", "Mob violence", "Segou", "Niono", "", "",
		 "t:2: no category has event_type 'Riots' and sub_event_type 'Mob violence' (correct the types, or add a category with them to categories.csv)"},
		{"2024-03-05", "", "Attack", "Segou", "Niono", "", "",
		 "t:2: empty event_type (ew takes the category from event_type and sub_event_type)"},
		{"2024-03-05", "Strategic developments", "Other", "Segou", "Niono", "", "ew-category=treat",
		 "t:2: unknown category 'treat' in tag ew-category=treat (did you mean 'threat'?)"},
		{"2024-03-05", "Strategic developments", "Other", "Segou", "Niono", "", "ew-category=attack",
		 "t:2: tag ew-category=attack does not fit event_type 'Strategic developments' and sub_event_type 'Other' (attack is 'Violence against civilians' and 'Attack'; name one of threat, armed-presence, displacement, intercommunal-tension, hate-speech, recruitment, or correct the types)"},
		{"2024-03-05", "Strategic developments", "Other", "Segou", "Niono", "", "ew-category=threat; ew-category=recruitment",
		 "t:2: tags name the category 2 times (keep one ew-category=CODE tag)"},
	};
	char err[1024];

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char *t = acled_one(c[i].date, c[i].type, c[i].sub, c[i].admin1,
			c[i].admin2, c[i].admin3, c[i].tags);
		struct ew_record *r = acled_try(f, t, err);
		UNIT_CHECK(r == NULL, "acled: error %zu is an error", i);
		UNIT_STR(err, c[i].want, "acled: error %zu's message", i);
		ew_record_free(r);
		free(t);
	}

	/* the tag settles what the types leave open, and is taken out */
	static const char *const tagged[][3] = {
		{"ew-category=threat", "threat", ""},
		{"tracts; ew-category=hate-speech", "hate-speech", "tracts"},
		{"EW-CATEGORY=Recruitment ;école", "recruitment", "école"},
		{"a;b; ew-category=displacement", "displacement", "a;b"},
		{"ew-category=armed-presence; motos; nuit", "armed-presence", "motos; nuit"},
	};
	for (size_t i = 0; i < sizeof tagged / sizeof tagged[0]; i++) {
		char *t = acled_one("2024-03-05", "Strategic developments", "Other",
			"", "Niono", "", tagged[i][0]);
		struct ew_record *r = acled_try(f, t, err);
		if (UNIT_CHECK(r != NULL, "acled: tags '%s' name the category", tagged[i][0])) {
			UNIT_STR(r->v[EW_C_CATEGORY], tagged[i][1], "acled: tags '%s': category",
				tagged[i][0]);
			char *want = ew_xasprintf("%s%sacled:MLI1", tagged[i][2],
				*tagged[i][2] ? ";" : "");
			UNIT_STR(r->v[EW_C_TAGS], want, "acled: tags '%s': the others kept",
				tagged[i][0]);
			UNIT_STR(r->v[EW_C_REGION], "", "acled: empty admin1 is allowed");
			free(want);
		} else {
			unit_diag("%s", err);
		}
		ew_record_free(r);
		free(t);
	}

	/* an ACLED id already among the tags is not added again */
	char *t = acled_one("2024-03-05", "Battles", "Armed clash", "Segou",
		"Niono", "", "acled:MLI1;x");
	struct ew_record *r = acled_try(f, t, err);
	UNIT_STR(r ? r->v[EW_C_TAGS] : err, "acled:MLI1;x",
		"acled: the id's tag is not repeated");
	ew_record_free(r);
	free(t);

	/* country and iso, timestamp */
	struct got g;
	import_text(f, EW_IMPORT_ACLED,
		"event_date,event_type,sub_event_type,country,iso,admin1,admin2,timestamp\n"
		"2024-03-05,Battles,Armed clash,Burkina Faso,854,Boucle du Mouhoun,Kossi,\n"
		"2024-03-05,Battles,Armed clash,Mali,854,Segou,Niono,\n"
		"2024-03-05,Battles,Armed clash,Mali,466,Segou,Niono,yesterday\n"
		"2024-03-05,Battles,Armed clash,MALI,,Segou,Niono,0\n", NULL, &g);
	static const char *const want[] = {
		"t:2: country 'Burkina Faso' is not Mali (ew covers the Ségou region of Mali: leave the rows of other countries out)",
		"t:3: iso '854' is not Mali's 466 (ew covers the Ségou region of Mali: leave the rows of other countries out)",
		"t:4: invalid timestamp 'yesterday' (expected seconds since 1970-01-01 UTC, or nothing)",
		"record",
	};
	UNIT_LONG(g.log.n, 4, "acled: four rows, each reported");
	for (size_t i = 0; i < 4 && i < g.log.n; i++)
		UNIT_STR(g.log.v[i], want[i], "acled: row %zu of the country checks", i + 2);
	if (g.n)
		UNIT_STR(g.r[0]->v[EW_C_UPDATED_AT], "1970-01-01T00:00:00Z",
			"acled: timestamp 0");
	got_free(&g);
}

/* The columns ew list --format acled gives back (ew-list(1)). */
static const size_t acled_kept[] = {
	EW_C_ID, EW_C_EVENT_DATE, EW_C_DATE_PRECISION, EW_C_ACTOR1, EW_C_ACTOR2,
	EW_C_REGION, EW_C_CERCLE, EW_C_COMMUNE, EW_C_LOCATION, EW_C_LATITUDE,
	EW_C_LONGITUDE, EW_C_GEO_PRECISION, EW_C_SOURCE, EW_C_DESCRIPTION,
	EW_C_KILLED, EW_C_TAGS, EW_C_UPDATED_AT, EW_C_CATEGORY,
};

/* 1 when another category has c's ACLED types. */
static int
shared(const struct ew_taxonomy *t, size_t c)
{
	for (size_t i = 0; i < t->n; i++)
		if (i != c && strcmp(t->v[i].event_type, t->v[c].event_type) == 0 &&
		    strcmp(t->v[i].sub_event_type, t->v[c].sub_event_type) == 0)
			return 1;
	return 0;
}

static void
test_acled_round_trip(struct fx *f)
{
	static const char *const places[][2] = {
		{"Niono", "Diabaly"}, {"Ségou", "Markala"}, {"Macina", "Kolongo"},
		{"San", "Sy"}, {"Tominian", "Mandiakuy"}, {"Bla", "Touna"},
		{"Barouéli", ""}, {"Niono", "Kala-Siguida"},
	};
	static const char *const tags[] = {"", "marché;motos", "a;", "tracts"};
	size_t n = f->tax.n, nshared = 0;
	struct ew_record **recs = ew_xcalloc(n, sizeof *recs);
	struct ew_export x;
	struct ew_err e;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	UNIT_CHECK(n >= 15, "acled round trip: the taxonomy has its categories");
	ew_export_begin(&x, EW_EXPORT_ACLED, 0, fp, &f->s, NULL, 0, NULL, &f->tax);
	for (size_t i = 0; i < n; i++) {
		/* room for any size_t, so the compiler sees nothing cut */
		char id[64], date[64], prec[32], lat[64], lon[64], geo[32],
			killed[32], upd[64];
		snprintf(id, sizeof id, "01JQ00000000000000000000%02zu", i);
		snprintf(date, sizeof date, "2026-11-%02zu", i + 1);
		snprintf(prec, sizeof prec, "%zu", i % 3 + 1);
		snprintf(lat, sizeof lat, "13.%zu5", i);
		snprintf(lon, sizeof lon, "-5.%zu", i + 1);
		snprintf(geo, sizeof geo, "%zu", (i + 1) % 3 + 1);
		snprintf(killed, sizeof killed, "%zu", i * 7 % 5);
		snprintf(upd, sizeof upd, "2026-11-27T%02zu:30:00Z", i);
		const char *kv[] = {
			"id", id, "event_date", date, "date_precision", prec,
			"reported_at", "2026-11-28T10:00:00Z", "updated_at", upd,
			"reporter", "MON-NIO-01", "channel", "sms",
			"region", "Ségou", "cercle", places[i % 8][0],
			"commune", places[i % 8][1], "location", "Champs à l'est, \"Kourouma\"",
			"latitude", i % 4 == 3 ? "" : lat, "longitude", i % 4 == 3 ? "" : lon,
			"geo_precision", geo, "category", f->tax.v[i].code,
			"severity", "3", "killed", killed, "injured", "1",
			"actor1", i % 2 ? "JNIM" : "", "actor2", "Civilians (Mali)",
			"source", "appel, radio", "status", "new",
			"sensitivity", "public",
			"description", "Ligne un, \"deux\"\nligne trois; fin",
			"tags", tags[i % 4], NULL,
		};
		/* unit_record takes FIELD=VALUE strings */
		struct ew_strv pairs = {0};
		for (size_t k = 0; kv[k]; k += 2)
			ew_strv_push(&pairs, ew_xasprintf("%s=%s", kv[k], kv[k + 1]));
		ew_strv_push(&pairs, NULL);
		recs[i] = unit_record(&f->s, (const char *const *)pairs.v);
		pairs.n--;
		ew_strv_free(&pairs);
		nshared += shared(&f->tax, i);
		if (!UNIT_LONG(ew_export_record(&x, recs[i], &e), 0,
		        "acled round trip: export %s", f->tax.v[i].code))
			unit_diag("%s", e.msg);
	}
	ew_export_end(&x, 1);
	fclose(fp);

	/* the tag is there for the categories that share their types, only */
	size_t ntags = 0;
	for (const char *p = text; (p = strstr(p, "ew-category=")); p++)
		ntags++;
	UNIT_LONG(nshared, 6, "acled round trip: six categories share their ACLED types");
	UNIT_LONG(ntags, nshared, "acled round trip: one ew-category tag for each");
	UNIT_CHECK(strstr(text, ",\"marché;motos; ew-category=threat\",") ||
		strstr(text, ",marché;motos; ew-category=threat,"),
		"acled round trip: the tag follows the record's tags after '; '");

	struct got g;
	import_text(f, EW_IMPORT_ACLED, text, NULL, &g);
	if (UNIT_LONG(g.n, n, "acled round trip: every row read back")) {
		for (size_t i = 0; i < n; i++) {
			for (size_t k = 0; k < sizeof acled_kept / sizeof acled_kept[0]; k++) {
				size_t c = acled_kept[k];
				UNIT_STR(g.r[i]->v[c], recs[i]->v[c], "acled round trip: %s: %s",
					f->tax.v[i].code, f->s.cols[c].name);
			}
			passes(f, g.r[i], "acled round trip");
		}
	} else {
		for (size_t i = 0; i < g.log.n; i++)
			unit_diag("%s", g.log.v[i]);
	}
	got_free(&g);
	for (size_t i = 0; i < n; i++)
		ew_record_free(recs[i]);
	free(recs);
	free(text);
}

/* --- Kobo ----------------------------------------------------------------- */

static void
import_file(struct fx *f, const char *path, const char *mapping,
	struct got *g)
{
	FILE *fp = fopen(path, "r");

	memset(g, 0, sizeof *g);
	if (!UNIT_CHECK(fp != NULL, "kobo: open %s", path))
		return;
	import_fp(f, EW_IMPORT_KOBO, fp, mapping, g);
	fclose(fp);
}

static void
test_kobo_sample(struct fx *f)
{
	struct got g, semi;

	import_file(f, "tests/data/kobo-export.csv", NULL, &g);
	if (!UNIT_CHECK(g.opened, "kobo: the default mapping loads"))
		unit_diag("%s", g.open.msg);
	if (!UNIT_LONG(g.n, 9, "kobo: nine submissions, nine records")) {
		for (size_t i = 0; i < g.log.n; i++)
			unit_diag("%s", g.log.v[i]);
		got_free(&g);
		return;
	}
	static const char *const want[][2] = {
		{"event_date", "2024-03-05"}, {"category", "attack"},
		{"severity", "4"}, {"cercle", "niono"}, {"commune", "diabaly"},
		{"location", "Diabaly, marché central"}, {"latitude", "14.6832"},
		{"longitude", "-6.0139"}, {"killed", "2"}, {"injured", "1"},
		{"abducted", "0"}, {"displaced", "0"},
		{"actor1", "hommes armés non identifiés à moto"},
		{"actor2", "commerçants"},
		{"description", "Attaque du marché hebdomadaire vers 10 h.\nDeux commerçants tués, un blessé évacué au CSRéf de Niono."},
		{"source", "témoin direct"},
		{"tags", "marché;motos;kobo:4f6c2a1e-8b3d-4c9a-9e21-7d5b0c3a1f42"},
		{"sensitivity", "restricted"}, {"reporter", "MON-NIO-01"},
		{"reported_at", "2024-03-05T11:02:17Z"}, {"channel", "form"},
		{"id", ""}, {"updated_at", ""},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		UNIT_STR(col(f, g.r[0], want[i][0]), want[i][1], "kobo: submission 1 %s",
			want[i][0]);
	UNIT_LONG(g.r[0]->line, 2, "kobo: submission 1 starts on line 2");
	UNIT_LONG(g.r[1]->line, 4, "kobo: submission 2 starts on line 4 (after a two-line one)");
	UNIT_STR(col(f, g.r[1], "category"), "abduction", "kobo: enlevement is abduction");
	UNIT_STR(col(f, g.r[1], "sensitivity"), "confidential", "kobo: confidentielle is confidential");
	UNIT_STR(col(f, g.r[1], "latitude"), "", "kobo: no gps, no latitude");
	UNIT_STR(col(f, g.r[1], "tags"), "kobo:9a0e7b55-1c64-4d1f-b3a8-2e6f90d4c718",
		"kobo: no keywords, the uuid tag only");
	UNIT_STR(col(f, g.r[3], "tags"), "bétail;kobo:e81f3b2c-6d47-4b90-a5e3-0c9d8f7a6b21",
		"kobo: a keyword through its value map");
	UNIT_STR(col(f, g.r[8], "category"), "ied", "kobo: engin_explosif is ied");
	for (size_t i = 0; i < g.n; i++)
		passes(f, g.r[i], "kobo: a submission");
	UNIT_STR(col(f, g.r[0], "cercle"), "Niono", "kobo: the check spells the cercle");
	UNIT_STR(col(f, g.r[7], "commune"), "Kala-Siguida", "kobo: kala_siguida is Kala-Siguida");
	UNIT_STR(col(f, g.r[8], "cercle"), "Macina", "kobo: ke_macina is Macina");
	UNIT_STR(col(f, g.r[2], "cercle"), "Ségou", "kobo: segou is Ségou");
	UNIT_STR(col(f, g.r[6], "cercle"), "Barouéli", "kobo: baroueli is Barouéli");

	/* the same export with ';' (and a byte order mark) gives the same */
	import_file(f, "tests/data/kobo-export-semicolon.csv", "kobo", &semi);
	if (UNIT_LONG(semi.n, g.n, "kobo: the ';' export has as many records")) {
		for (size_t i = 0; i < g.n; i++) {
			passes(f, semi.r[i], "kobo: a ';' submission");
			UNIT_CHECK(ew_record_equal(semi.r[i], g.r[i]),
				"kobo: ';' submission %zu is the ',' one", i + 1);
			UNIT_LONG(semi.r[i]->line, g.r[i]->line,
				"kobo: ';' submission %zu's line", i + 1);
		}
	} else {
		for (size_t i = 0; i < semi.log.n; i++)
			unit_diag("%s", semi.log.v[i]);
	}
	got_free(&semi);
	got_free(&g);
}

/* A mapping file with text; its path goes to path (the caller unlinks it). */
static char *
mapping_file(const char *text)
{
	struct ew_err e;
	char *path = ew_temp_file("ew-mapping", text, strlen(text), &e);
	if (!path)
		abort();
	return path;
}

static void
test_kobo_mappings(struct fx *f)
{
	static const struct {
		const char *text, *want; /* want: after "PATH:" */
	} bad[] = {
		{"event_date = today\ncercel = lieu/cercle\n",
		 "2: unknown field 'cercel' (did you mean 'cercle'?)"},
		{"zzzzzzzzzzzz = x\n",
		 "1: unknown field 'zzzzzzzzzzzz' (a field is a column of the record, see ew-data(5), or uuid or geopoint)"},
		{"# comment\n\nevent_date today\n",
		 "3: expected FIELD = COLUMN, or FIELD: CHOICE = VALUE"},
		{"cercle = a\ncercle = b\n",
		 "2: field 'cercle' is mapped twice (first on line 1)"},
		{"cercle =\n", "1: no column for 'cercle' (expected FIELD = COLUMN)"},
		{"category = c\ncategory: x = attack\ncategory: x = clash\n",
		 "3: choice 'x' of category is mapped twice (first on line 2)"},
		{"category = c\ncategory: = attack\n",
		 "2: empty choice for category (expected FIELD: CHOICE = VALUE)"},
		{"uuid = _uuid\nuuid: a = b\n", "2: uuid takes no value map"},
		{"cercle = c\ncategory: attaque = attack\n",
		 "2: a value map for category, which no line maps to a column (add category = COLUMN)"},
		{"# nothing\n", " maps no field (expected lines FIELD = COLUMN)"},
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *path = mapping_file(bad[i].text);
		struct got g;
		import_text(f, EW_IMPORT_KOBO, "a\n1\n", path, &g);
		char *want = ew_xasprintf("%s:%s", path, bad[i].want);
		UNIT_CHECK(!g.opened, "kobo: bad mapping %zu is refused at open", i);
		UNIT_STR(g.open.msg, want, "kobo: bad mapping %zu's message", i);
		got_free(&g);
		free(want);
		unlink(path);
		free(path);
	}

	/* a name that is no mapping says which there are */
	struct got g;
	import_text(f, EW_IMPORT_KOBO, "a\n1\n", "nosuch", &g);
	UNIT_CHECK(!g.opened, "kobo: an unknown mapping name is refused");
	UNIT_CHECK(strstr(g.open.msg, "mapping 'nosuch': cannot read ") == g.open.msg &&
		strstr(g.open.msg, "/mappings/nosuch.conf: No such file or directory (the mappings in ") &&
		strstr(g.open.msg, " are: kobo, odk; or give a file's path)"),
		"kobo: the message names the mappings there are");
	got_free(&g);
	import_text(f, EW_IMPORT_KOBO, "a\n1\n", "./no/such.conf", &g);
	UNIT_STR(g.open.msg, "mapping ./no/such.conf: cannot read it: No such file or directory",
		"kobo: a mapping file that is not there");
	got_free(&g);

	/* a mapped column the export does not have */
	import_file(f, "tests/data/kobo-export.csv", NULL, &g);
	got_free(&g);
	char *path = mapping_file("event_date = date_incident\n# the group is lieu\ncercle = incident/cercle\n");
	import_file(f, "tests/data/kobo-export.csv", path, &g);
	char *want = ew_xasprintf("t:1: no column 'incident/cercle', which %s:3 maps to cercle (correct the mapping, or export that question)",
		path);
	UNIT_LONG(g.log.n, 1, "kobo: a missing column stops the import");
	UNIT_STR(g.log.n ? g.log.v[0] : NULL, want,
		"kobo: the message names the column, the mapping file and its line");
	got_free(&g);
	free(want);
	unlink(path);
	free(path);

	/* a bare name that ends several columns */
	path = mapping_file("cercle = cercle\n");
	import_text(f, EW_IMPORT_KOBO, "a/cercle,b/cercle\nNiono,San\n", path, &g);
	want = ew_xasprintf("t:1: column 'cercle' (mapped on %s:1) matches several columns: a/cercle, b/cercle (write the group too, e.g. b/cercle)",
		path);
	UNIT_STR(g.log.n ? g.log.v[0] : NULL, want, "kobo: an ambiguous column");
	got_free(&g);
	free(want);
	unlink(path);
	free(path);
}

static void
test_kobo_values(struct fx *f)
{
	struct got g;
	char *path = mapping_file(
		"  # labels as headers, a constant, a geopoint from _geolocation\n"
		"event_date = Date de l'incident\n"
		"cercle = Cercle\n"
		"category = Catégorie\n"
		"category: Attaque armée = attack\n"
		"geopoint = _geolocation\n"
		"channel = \"web\"\n"
		"updated_at = end\n"
		"uuid = meta/instanceID\n");

	import_text(f, EW_IMPORT_KOBO,
		"Date de l'incident,Cercle,Catégorie,_geolocation,end,meta/instanceID,autre\n"
		"2024-03-05T08:12:33.123+00:00,Niono,ATTAQUE ARMÉE,\"[14.68, -6.01]\",2024-03-05T09:14:02.000+01:00,uuid:abc-1,x\n"
		"2024-03-06,San,menace,,2024-03-06 10:00:00,,y\n"
		"2024-03-07,Bla,attack,14.68,,,z\n",
		path, &g);
	if (UNIT_LONG(g.n, 2, "kobo: two good rows and a bad geopoint")) {
		struct ew_record *r = g.r[0];
		UNIT_STR(col(f, r, "event_date"), "2024-03-05", "kobo: a date and time is its date");
		UNIT_STR(col(f, r, "category"), "attack", "kobo: a label mapped ignoring case and accents");
		UNIT_STR(col(f, r, "latitude"), "14.68", "kobo: _geolocation's latitude");
		UNIT_STR(col(f, r, "longitude"), "-6.01", "kobo: _geolocation's longitude");
		UNIT_STR(col(f, r, "channel"), "web", "kobo: a constant");
		UNIT_STR(col(f, r, "updated_at"), "2024-03-05T08:14:02Z", "kobo: a time in UTC");
		UNIT_STR(col(f, r, "tags"), "kobo:abc-1", "kobo: ODK's uuid: prefix dropped");
		r = g.r[1];
		UNIT_STR(col(f, r, "category"), "menace", "kobo: an unmapped choice as it is");
		UNIT_STR(col(f, r, "updated_at"), "2024-03-06T10:00:00Z", "kobo: a time without a zone is UTC");
		UNIT_STR(col(f, r, "tags"), "", "kobo: no uuid, no tag");
		struct ew_strv errs = {0};
		ew_check_record(&f->check, r, EW_CHECK_DEFAULTS, "t:3", &errs);
		UNIT_STR(errs.n ? errs.v[0] : NULL,
			"t:3: unknown category 'menace' (see categories.csv for the codes)",
			"kobo: the check reports the unknown choice");
		ew_strv_free(&errs);
	}
	UNIT_STR(g.log.n > 2 ? g.log.v[2] : NULL,
		"t:4: geopoint '14.68' in column '_geolocation' is not LATITUDE LONGITUDE [ALTITUDE ACCURACY] (correct it, or map latitude and longitude instead)",
		"kobo: a bad geopoint");
	got_free(&g);
	unlink(path);
	free(path);

	/* ODK Central's export through odk.conf */
	import_text(f, EW_IMPORT_KOBO,
		"SubmissionDate,incident-date_incident,incident-categorie,incident-gravite,lieu-cercle,lieu-commune,lieu-village,lieu-gps-Latitude,lieu-gps-Longitude,lieu-gps-Altitude,lieu-gps-Accuracy,bilan-morts,bilan-blesses,bilan-enleves,bilan-deplaces,incident-auteurs,incident-victimes,incident-description,incident-source,incident-mots_cles,incident-sensibilite,moniteur-code_moniteur,KEY,SubmitterName\n"
		"2024-03-05T09:14:02.345Z,2024-03-05,pillage,2,tominian,timissa,Timissa,13.1,-4.2,300,5,0,0,0,0,bandits,,Greniers pillés la nuit.,chef de village,betail,restreinte,MON-TOM-02,uuid:0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6,Moniteur\n",
		"odk", &g);
	if (UNIT_LONG(g.n, 1, "kobo: an ODK Central export through odk.conf")) {
		UNIT_STR(col(f, g.r[0], "category"), "looting", "odk: category");
		UNIT_STR(col(f, g.r[0], "reported_at"), "2024-03-05T09:14:02Z", "odk: reported_at");
		UNIT_STR(col(f, g.r[0], "tags"), "bétail;kobo:0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
			"odk: tags");
		UNIT_STR(col(f, g.r[0], "latitude"), "13.1", "odk: latitude");
		passes(f, g.r[0], "odk: the submission");
	} else {
		if (!g.opened)
			unit_diag("%s", g.open.msg);
		for (size_t i = 0; i < g.log.n; i++)
			unit_diag("%s", g.log.v[i]);
	}
	got_free(&g);
}

static void
test_parse(void)
{
	enum ew_import_kind k = EW_IMPORT_SMS;

	UNIT_CHECK(ew_import_parse("acled", &k) && k == EW_IMPORT_ACLED, "import: acled");
	UNIT_CHECK(ew_import_parse("kobo", &k) && k == EW_IMPORT_KOBO, "import: kobo");
	UNIT_CHECK(ew_import_parse("sms", &k) && k == EW_IMPORT_SMS, "import: sms");
	UNIT_CHECK(!ew_import_parse("ACLED", &k) && !ew_import_parse("", &k) &&
		!ew_import_parse("odk", &k), "import: other names are not kinds");
}

void
test_import(void)
{
	struct fx f;

	test_parse();
	if (!fx_load(&f)) {
		fx_free(&f);
		return;
	}
	test_acled_current(&f);
	test_acled_dates(&f);
	test_acled_columns(&f);
	test_acled_errors(&f);
	test_acled_round_trip(&f);
	test_kobo_sample(&f);
	test_kobo_mappings(&f);
	test_kobo_values(&f);
	fx_free(&f);
}
