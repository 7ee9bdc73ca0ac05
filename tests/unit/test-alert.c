/* test-alert.c - rules.h levels and alert.h: the alert log, the state it
 * gives, and the transitions of an evaluation, without jq or git */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "date.h"
#include "rules.h"
#include "unit.h"
#include "util.h"

#define T0 1795867200L /* 2026-11-28T12:00:00Z */
#define HOUR 3600L

static void
test_duration(void)
{
	static const struct {
		const char *s;
		long secs;
	} ok[] = {{"30m", 1800}, {"24h", 86400}, {"7d", 604800},
		{"2w", 1209600}, {"0d", 0}, {"1234567h", 1234567L * 3600}};
	static const char *const bad[] = {"", "d", "7", "7x", "-1d", "1.5d",
		"7 d", "12345678h", "7D", "d7"};
	long v;

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		v = -1;
		UNIT_LONG(ew_duration_parse(ok[i].s, &v), 0, "duration '%s' parses", ok[i].s);
		UNIT_LONG(v, ok[i].secs, "duration '%s' seconds", ok[i].s);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		UNIT_LONG(ew_duration_parse(bad[i], &v), -1, "duration '%s' is refused", bad[i]);
}

static void
test_levels(void)
{
	struct ew_rule r = {0};

	UNIT_LONG(ew_level_parse("info"), EW_INFO, "info");
	UNIT_LONG(ew_level_parse("red"), EW_RED, "red");
	UNIT_LONG(ew_level_parse("Red"), -1, "levels are lower case");
	UNIT_LONG(ew_level_parse("purple"), -1, "purple is no level");
	UNIT_STR(ew_level_name(EW_ORANGE), "orange", "name of orange");
	UNIT_STR(ew_level_name(-1), "", "name of no level");
	r.level = EW_YELLOW;
	r.threshold = 2;
	r.esc_level[0] = EW_ORANGE;
	r.esc_at[0] = 4;
	r.esc_level[1] = EW_RED;
	r.esc_at[1] = 6;
	r.nesc = 2;
	UNIT_LONG(ew_rule_level(&r, 1), -1, "below the threshold");
	UNIT_LONG(ew_rule_level(&r, 2), EW_YELLOW, "at the threshold");
	UNIT_LONG(ew_rule_level(&r, 3), EW_YELLOW, "between");
	UNIT_LONG(ew_rule_level(&r, 4), EW_ORANGE, "first escalation");
	UNIT_LONG(ew_rule_level(&r, 100), EW_RED, "highest escalation");
}

static void
test_log_roundtrip(void)
{
	static const char file[] =
		"id,alert,rule,group,level,state,time,count,records,who,note,until,notify\n"
		"01M8H0DJG04WDNC7EF9KH3R9MF,01M8H0DJG04WDNC7EF9KH3R9MF,attacks,Niono,red,raised,"
		"2026-11-28T12:00:00Z,4,A;B,Awa Traoré,\"a note, with \"\"quotes\"\"\nand a line\",,sms;mail\n";
	struct ew_alog log;
	struct ew_err e = {{0}};
	struct ew_buf out = {0};

	UNIT_LONG(ew_alog_parse(&log, file, strlen(file), "alerts.csv", &e), 0, "the log parses");
	UNIT_LONG(log.n, 1, "one row");
	UNIT_STR(log.v[0].v[EW_A_NOTE], "a note, with \"quotes\"\nand a line", "quoted note");
	UNIT_STR(log.v[0].v[EW_A_WHO], "Awa Traoré", "who");
	ew_alog_format(&log, &out);
	UNIT_MEM(out.s, out.len, file, strlen(file), "formats back byte for byte");
	ew_alog_free(&log);
	ew_buf_free(&out);

	UNIT_LONG(ew_alog_parse(&log, NULL, 0, "alerts.csv", &e), 0, "no file is an empty log");
	UNIT_LONG(log.n, 0, "no rows");
	static const char bad[] = "id,alert,rule\nx,y,z\n";
	UNIT_LONG(ew_alog_parse(&log, bad, strlen(bad), "alerts.csv", &e), -1, "a short header is refused");
	UNIT_STR(e.msg, "alerts.csv:1: no column 'group' in the header", "its message");
}

/* A rule by hand, and results by hand: the transitions alone. */
static struct ew_rule
rule(const char *name, int level, long threshold)
{
	struct ew_rule r = {0};

	r.name = ew_xstrdup(name);
	r.level = level;
	r.threshold = threshold;
	r.window = 7 * 86400;
	r.sum = -1;
	return r;
}

static void
hit(struct ew_result *res, const char *key, long value, int level,
	const char *ids)
{
	res->hits = ew_xrealloc(res->hits, (res->nhits + 1) * sizeof *res->hits);
	struct ew_hit *h = &res->hits[res->nhits++];
	memset(h, 0, sizeof *h);
	h->key = ew_xstrdup(key);
	h->value = value;
	h->level = level;
	char *copy = ew_xstrdup(ids), *save = NULL;
	for (char *w = strtok_r(copy, ";", &save); w; w = strtok_r(NULL, ";", &save))
		ew_strv_push(&h->ids, ew_xstrdup(w));
	free(copy);
}

/* The states of rows from..n of the log, as "state:group:level ...". */
static char *
states(const struct ew_alog *log, size_t from)
{
	struct ew_buf b = {0};

	ew_buf_adds(&b, "");
	for (size_t i = from; i < log->n; i++)
		ew_buf_addf(&b, "%s%s:%s:%s", i > from ? " " : "",
			log->v[i].v[EW_A_STATE], log->v[i].v[EW_A_GROUP],
			log->v[i].v[EW_A_LEVEL]);
	return ew_buf_detach(&b);
}

/* Runs one evaluation: transitions at t of results made by fill. */
static char *
step(struct ew_alog *log, struct ew_rules *rs, time_t t,
	void (*fill)(struct ew_result *res))
{
	struct ew_result res[2];
	struct ew_err e = {{0}};
	size_t before = log->n;

	memset(res, 0, sizeof res);
	fill(res);
	long n = ew_alert_transitions(log, rs, res, 1, t, "Cron", &e);
	UNIT_CHECK(n >= 0, "transitions at %ld: %s", (long)t, e.msg);
	ew_results_free(res, rs->n);
	return states(log, before);
}

static void fill_none(struct ew_result *res) { (void)res; }
static void fill_two(struct ew_result *res) { hit(res, "Niono", 2, EW_YELLOW, "A;B"); hit(res, "San", 1, -1, "C"); }
static void fill_four(struct ew_result *res) { hit(res, "Niono", 4, EW_RED, "A;B;D;E"); }
static void fill_three(struct ew_result *res) { hit(res, "Niono", 3, EW_YELLOW, "B;D;E"); }
static void fill_b(struct ew_result *res) { hit(res, "Niono", 2, EW_YELLOW, "A;B"); }
static void fill_new(struct ew_result *res) { hit(res, "Niono", 3, EW_YELLOW, "A;B;F"); }
static void fill_failed(struct ew_result *res) { res->failed = 1; res->why = ew_xstrdup("x"); }

static void
check_step(struct ew_alog *log, struct ew_rules *rs, time_t t,
	void (*fill)(struct ew_result *), const char *want, const char *what)
{
	char *got = step(log, rs, t, fill);
	UNIT_STR(got, want, "%s", what);
	free(got);
}

static void
test_transitions(void)
{
	struct ew_rules rs = {0};
	struct ew_alog log = {0};
	struct ew_astate st;
	struct ew_err e = {{0}};
	struct ew_pending *p;

	rs.v = ew_xcalloc(1, sizeof *rs.v);
	rs.v[0] = rule("attacks", EW_YELLOW, 2);
	rs.n = 1;
	ew_strv_push(&rs.v[0].notify, ew_xstrdup("sms"));
	rs.v[0].repeat = 12 * HOUR;

	check_step(&log, &rs, T0, fill_none, "", "nothing fires: no row");
	check_step(&log, &rs, T0, fill_two, "raised:Niono:yellow", "a group at its threshold is raised; one below is not");
	UNIT_STR(log.v[0].v[EW_A_NOTIFY], "sms", "the raise asks for the rule's notifiers");
	UNIT_STR(log.v[0].v[EW_A_ALERT], log.v[0].v[EW_A_ID], "a raised alert's id is its first row's id");
	UNIT_STR(log.v[0].v[EW_A_RECORDS], "A;B", "the records counted");
	UNIT_STR(log.v[0].v[EW_A_WHO], "Cron", "who");
	check_step(&log, &rs, T0 + HOUR, fill_two, "", "the same level again: nothing");

	/* pending until delivered */
	ew_astate_build(&st, &log, &e);
	size_t n = ew_astate_pending(&st, &log, &p);
	UNIT_LONG(n, 1, "one notification pending");
	UNIT_STR(n ? p[0].notifier : NULL, "sms", "through sms");
	ew_pending_free(p, n);
	ew_astate_free(&st);
	struct ew_arow *r = ew_alog_append(&log, "notified", T0 + HOUR, &e);
	ew_arow_set(r, EW_A_ALERT, log.v[0].v[EW_A_ALERT]);
	ew_arow_set(r, EW_A_NOTIFY, "sms");
	ew_astate_build(&st, &log, &e);
	n = ew_astate_pending(&st, &log, &p);
	UNIT_LONG(n, 0, "nothing pending once delivered");
	ew_pending_free(p, n);
	ew_astate_free(&st);

	check_step(&log, &rs, T0 + 13 * HOUR, fill_two, "renotified:Niono:yellow", "repeat elapsed, not acknowledged: renotified");
	check_step(&log, &rs, T0 + 14 * HOUR, fill_four, "escalated:Niono:red", "the level rises: escalated");
	check_step(&log, &rs, T0 + 15 * HOUR, fill_three, "", "the value falls but holds: the alert keeps red");

	/* acknowledged: no repeat */
	ew_astate_build(&st, &log, &e);
	struct ew_alert *a = ew_astate_find(&st, log.v[0].v[EW_A_ALERT], &e);
	UNIT_CHECK(a && a->open && a->level == EW_RED && !a->acked, "the alert is open, red, not acknowledged");
	ew_astate_free(&st);
	r = ew_alog_append(&log, "acknowledged", T0 + 15 * HOUR, &e);
	ew_arow_set(r, EW_A_ALERT, log.v[0].v[EW_A_ALERT]);
	check_step(&log, &rs, T0 + 40 * HOUR, fill_three, "", "acknowledged: not repeated");
	check_step(&log, &rs, T0 + 41 * HOUR, fill_none, "resolved:Niono:red", "the condition is gone: resolved");
	UNIT_STR(log.v[log.n - 1].v[EW_A_NOTE], EW_NOTE_GONE, "its note");
	check_step(&log, &rs, T0 + 42 * HOUR, fill_none, "", "resolved stays resolved");

	/* a manual resolve is not undone by the same records */
	check_step(&log, &rs, T0 + 43 * HOUR, fill_b, "raised:Niono:yellow", "raised again after an automatic resolve");
	ew_astate_build(&st, &log, &e);
	a = ew_astate_open(&st, "attacks", "Niono");
	UNIT_CHECK(a != NULL, "a new alert is open");
	char *id = ew_xstrdup(a ? a->id : "");
	ew_astate_free(&st);
	r = ew_alog_append(&log, "resolved", T0 + 44 * HOUR, &e);
	ew_arow_set(r, EW_A_ALERT, id);
	ew_arow_set(r, EW_A_RECORDS, "A;B");
	ew_arow_set(r, EW_A_NOTE, "handled by the mayor");
	free(id);
	check_step(&log, &rs, T0 + 45 * HOUR, fill_b, "", "resolved by hand: the same records do not raise it again");
	check_step(&log, &rs, T0 + 46 * HOUR, fill_new, "raised:Niono:yellow", "a new record raises a new alert");

	/* a failed rule changes nothing */
	check_step(&log, &rs, T0 + 47 * HOUR, fill_failed, "", "a failed rule leaves its alerts as they are");

	/* silences */
	r = ew_alog_append(&log, "silence", T0 + 47 * HOUR, &e);
	ew_arow_set(r, EW_A_RULE, "attacks");
	ew_arow_set(r, EW_A_GROUP, "Niono");
	char until[21];
	ew_time_format(T0 + 60 * HOUR, until);
	ew_arow_set(r, EW_A_UNTIL, until);
	check_step(&log, &rs, T0 + 48 * HOUR, fill_four, "escalated:Niono:red", "escalated while silenced");
	UNIT_STR(log.v[log.n - 1].v[EW_A_NOTIFY], "", "a silenced transition asks no notifier");
	UNIT_CHECK(strncmp(log.v[log.n - 1].v[EW_A_NOTE], "silenced until 2026-12-01T00:00:00Z", 35) == 0,
		"its note says until when: %s", log.v[log.n - 1].v[EW_A_NOTE]);
	check_step(&log, &rs, T0 + 61 * HOUR, fill_four, "renotified:Niono:red", "the silence over: notified after all");

	/* a rule removed from rules.conf: its alerts are resolved */
	struct ew_rules none = {0};
	size_t before = log.n;
	UNIT_LONG(ew_alert_transitions(&log, &none, NULL, 1, T0 + 62 * HOUR, "Cron", &e), 1, "one alert of a removed rule");
	UNIT_STR(log.v[before].v[EW_A_STATE], "resolved", "is resolved");
	UNIT_STR(log.v[before].v[EW_A_NOTE], EW_NOTE_REMOVED, "as removed");

	ew_alog_free(&log);
	ew_rules_free(&rs);
}

void
test_alert(void)
{
	test_duration();
	test_levels();
	test_log_roundtrip();
	test_transitions();
}
