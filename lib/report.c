/* report.c - see report.h */
#include "report.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "i18n.h"
#include "rules.h"
#include "svg.h"
#include "taxonomy.h"

/* A record id that says where an open alert is, when its group does not. */
struct ew_report_want {
	char *id;
	size_t alert;
};

/* The figures' names, in English as the data-figure keys have them. */
static const char *const fig_names[EW_NFIGS] = {N_("Killed"), N_("Injured"),
	N_("Abducted"), N_("Displaced")};
static const size_t fig_cols[EW_NFIGS] = {EW_C_KILLED, EW_C_INJURED,
	EW_C_ABDUCTED, EW_C_DISPLACED};

/* ---- text ---- */

void
ew_html_text(struct ew_buf *out, const char *s, int flags)
{
	struct ew_buf b = {0};

	ew_neutralise(&b, s, strlen(s), flags);
	ew_svg_escape(out, b.s);
	ew_buf_free(&b);
}

void
ew_md_text(struct ew_buf *out, const char *s)
{
	struct ew_buf b = {0};

	ew_neutralise(&b, s, strlen(s), 0);
	ew_buf_adds(out, "");
	for (const char *p = b.s; *p; p++) {
		if (strchr("|\\`*_[]<>&~!", *p) ||
		    (p == b.s && strchr("#+-=", *p)))
			ew_buf_addc(out, '\\');
		ew_buf_addc(out, *p);
	}
	ew_buf_free(&b);
}

/* A count column's value: empty is 0; ew add has checked the rest. */
static long
count_of(const char *v)
{
	long n = *v ? strtol(v, NULL, 10) : 0;
	return n > 0 ? n : 0;
}

/* Adds b to *a without overflow (sums of 100k records stay far below). */
static void
add_to(long *a, long b)
{
	*a = *a > LONG_MAX - b ? LONG_MAX : *a + b;
}

/* ---- gathering ---- */

static void
init_places(struct ew_report *rp, const struct ew_places *p)
{
	rp->c = ew_xcalloc(p->n + 1, sizeof *rp->c);
	for (size_t i = 0; i < p->n; i++) {
		const struct ew_place *pl = &p->v[i];
		if (!rp->region && strcmp(pl->level, "region") == 0)
			rp->region = pl->name;
		if (strcmp(pl->level, "cercle") != 0)
			continue;
		struct ew_report_cercle *c = &rp->c[rp->nc++];
		char *end1, *end2;
		c->name = pl->name;
		c->lat = strtod(pl->lat, &end1);
		c->lon = strtod(pl->lon, &end2);
		c->located = *pl->lat && *pl->lon && !*end1 && !*end2;
	}
	/* the last: records whose cercle the gazetteer does not have */
	rp->c[rp->nc++].name = "";
	for (size_t i = 0; i < rp->nc; i++) {
		rp->c[i].by_cat = ew_xcalloc(rp->ncat, sizeof *rp->c[i].by_cat);
		rp->c[i].level = -1;
	}
}

static size_t
cercle_index(const struct ew_report *rp, const char *name)
{
	for (size_t i = 0; i + 1 < rp->nc; i++)
		if (strcmp(rp->c[i].name, name) == 0)
			return i;
	return rp->nc - 1;
}

static size_t
category_index(const struct ew_report *rp, const char *code)
{
	for (size_t i = 0; i < rp->tax->n; i++)
		if (strcmp(rp->tax->v[i].code, code) == 0)
			return i;
	return rp->ncat - 1;
}

static int
cmp_want(const void *a, const void *b)
{
	const struct ew_report_want *x = a, *y = b;
	return strcmp(x->id, y->id);
}

/* The latest row of alert a that names records, or NULL. */
static const char *
alert_records(const struct ew_alog *log, const struct ew_alert *a)
{
	for (size_t r = log->n; r-- > a->first;) {
		const struct ew_arow *row = &log->v[r];
		if (strcmp(row->v[EW_A_ALERT], a->id) == 0 && *row->v[EW_A_RECORDS])
			return row->v[EW_A_RECORDS];
	}
	return NULL;
}

/*
 * Places an alert by its group: the cercle of a rule grouped by cercle,
 * or the cercle of the commune of a rule grouped by commune, when the
 * gazetteer has one commune of that name. Returns how many it placed.
 */
static int
place_by_group(struct ew_report *rp, struct ew_report_alert *ra,
	const struct ew_rules *rs, const struct ew_places *places)
{
	int k = ew_rules_find(rs, ra->a->rule), placed = 0;

	if (k < 0 || rs->v[k].ngroup == 0)
		return 0;
	const struct ew_rule *r = &rs->v[k];
	char *copy = ew_xstrdup(ra->a->group), *part = copy;
	/* the key is the values joined with '/': trust it only when it splits
	   into as many parts as the rule has columns */
	size_t parts = 1;
	for (const char *p = copy; *p; p++)
		parts += *p == '/';
	for (size_t g = 0; parts == r->ngroup && g < r->ngroup; g++) {
		char *slash = strchr(part, '/');
		if (slash)
			*slash = '\0';
		if (r->group[g] == EW_C_CERCLE) {
			size_t i = cercle_index(rp, part);
			if (i + 1 < rp->nc) {
				ra->in[i] = 1;
				placed++;
			}
		} else if (r->group[g] == EW_C_COMMUNE) {
			const struct ew_place *found[2];
			if (ew_places_find(places, "commune", part, NULL, found, 2) == 1) {
				size_t i = cercle_index(rp, found[0]->parent);
				if (i + 1 < rp->nc) {
					ra->in[i] = 1;
					placed++;
				}
			}
		}
		part = slash ? slash + 1 : part + strlen(part);
	}
	free(copy);
	return placed;
}

/* Asks the scan for the cercles of the records alert number i counted. */
static void
want_records(struct ew_report *rp, size_t i, const char *ids)
{
	char *copy = ew_xstrdup(ids), *save = NULL;

	for (char *id = strtok_r(copy, ";", &save); id;
	     id = strtok_r(NULL, ";", &save)) {
		rp->want = ew_xrealloc(rp->want, (rp->nwant + 1) * sizeof *rp->want);
		rp->want[rp->nwant].id = ew_xstrdup(id);
		rp->want[rp->nwant++].alert = i;
	}
	free(copy);
}

/* The open alerts, and where each is: by its group, else by its records. */
static int
read_alerts(struct ew_report *rp, struct ew_repo *repo, struct ew_err *e)
{
	char *buf = NULL, *path;
	size_t len = 0;
	struct ew_rules rs = {0};
	struct ew_strv problems = {0};
	struct ew_err ignored;

	if (ew_repo_read_head(repo, "alerts.csv", &buf, &len, e) < 0)
		return -1;
	int rc = ew_alog_parse(&rp->log, buf, len, "alerts.csv", e);
	free(buf);
	if (rc < 0 || ew_astate_build(&rp->st, &rp->log, e) < 0)
		return -1;
	/* the rules say how alerts are grouped; without them, records do */
	path = ew_xasprintf("%srules.conf", repo->root);
	if (ew_rules_load(&rs, path, "rules.conf", &repo->schema, &problems,
	    &ignored) < 0)
		rs.n = 0;
	free(path);
	ew_strv_free(&problems);
	rp->alerts = ew_xcalloc(rp->st.n + 1, sizeof *rp->alerts);
	for (size_t i = 0; i < rp->st.n; i++) {
		const struct ew_alert *a = &rp->st.v[i];
		if (!a->open)
			continue;
		struct ew_report_alert *ra = &rp->alerts[rp->nalerts];
		ra->a = a;
		ra->raised = rp->log.v[a->first].v[EW_A_TIME];
		ra->in = ew_xcalloc(rp->nc, 1);
		const char *ids;
		if (!place_by_group(rp, ra, &rs, &repo->places) &&
		    (ids = alert_records(&rp->log, a)))
			want_records(rp, rp->nalerts, ids);
		rp->nalerts++;
	}
	ew_rules_free(&rs);
	if (rp->nwant)
		qsort(rp->want, rp->nwant, sizeof *rp->want, cmp_want);
	return 0;
}

/* Marks the alerts that counted record r as standing for its cercle. */
static void
found_wanted(struct ew_report *rp, const struct ew_record *r, size_t ci)
{
	struct ew_report_want key = {r->v[EW_C_ID], 0};
	struct ew_report_want *w = bsearch(&key, rp->want, rp->nwant,
		sizeof *rp->want, cmp_want);

	if (!w || ci + 1 == rp->nc)
		return;
	while (w > rp->want && strcmp(w[-1].id, key.id) == 0)
		w--;
	for (; w < rp->want + rp->nwant && strcmp(w->id, key.id) == 0; w++)
		rp->alerts[w->alert].in[ci] = 1;
}

/* Keeps r among the late reports listed: the last ones in shard order. */
static void
keep_late(struct ew_report *rp, struct ew_record *r)
{
	if (!rp->late)
		rp->late = ew_xcalloc(EW_REPORT_LATE_MAX, sizeof *rp->late);
	rp->late_total++;
	if (rp->nlate == EW_REPORT_LATE_MAX) {
		ew_record_free(rp->late[0]);
		memmove(rp->late, rp->late + 1, (rp->nlate - 1) * sizeof *rp->late);
		rp->nlate--;
	}
	rp->late[rp->nlate++] = r;
}

/* 1 when r was reported within the period about an event before it. */
static int
is_late(const struct ew_report *rp, const struct ew_record *r, long day)
{
	time_t t;

	if (day >= rp->o.since || ew_time_parse(r->v[EW_C_REPORTED_AT], &t) < 0)
		return 0;
	long rday = ew_day_of(t);
	return rday >= rp->o.since && rday <= rp->o.until;
}

static int
scan_one(struct ew_record *r, void *ctx, struct ew_err *e)
{
	struct ew_report *rp = ctx;
	long day;

	(void)e;
	if (!ew_rule_counts(r) || ew_date_parse(r->v[EW_C_EVENT_DATE], &day) < 0) {
		ew_record_free(r);
		return 0;
	}
	size_t ci = cercle_index(rp, r->v[EW_C_CERCLE]);
	int hide = ew_record_confidential(r) && !rp->o.confidential;
	if (rp->nwant)
		found_wanted(rp, r, ci);
	long first = rp->week_start[0];
	if (day >= first && day <= rp->o.until) {
		size_t w = (size_t)((day - first) / 7);
		rp->week_incidents[w]++;
		if (!hide)
			add_to(&rp->week_killed[w], count_of(r->v[EW_C_KILLED]));
	}
	if (day >= rp->o.since && day <= rp->o.until) {
		struct ew_report_cercle *c = &rp->c[ci];
		rp->incidents++;
		c->incidents++;
		c->by_cat[category_index(rp, r->v[EW_C_CATEGORY])]++;
		if (hide)
			rp->hidden++;
		for (int f = 0; f < EW_NFIGS && !hide; f++) {
			long n = count_of(r->v[fig_cols[f]]);
			add_to(&rp->fig[f], n);
			add_to(&c->fig[f], n);
		}
	}
	if (!hide && is_late(rp, r, day)) {
		keep_late(rp, r);
		return 0;
	}
	ew_record_free(r);
	return 0;
}

/* The cercles of each alert as text, and each cercle's highest level. */
static void
settle_alerts(struct ew_report *rp)
{
	for (size_t i = 0; i < rp->nalerts; i++) {
		struct ew_report_alert *ra = &rp->alerts[i];
		struct ew_buf b = {0};
		ew_buf_adds(&b, "");
		for (size_t k = 0; k + 1 < rp->nc; k++) {
			if (!ra->in[k])
				continue;
			ew_buf_addf(&b, "%s%s", b.len ? ", " : "", rp->c[k].name);
			if (ra->a->level > rp->c[k].level)
				rp->c[k].level = ra->a->level;
		}
		ra->cercles = ew_buf_detach(&b);
	}
}

int
ew_report_gather(struct ew_report *rp, struct ew_repo *repo,
	const struct ew_report_opts *o, struct ew_err *e)
{
	memset(rp, 0, sizeof *rp);
	rp->o = *o;
	rp->tax = &repo->tax;
	rp->ncat = repo->tax.n + 1;
	init_places(rp, &repo->places);
	for (int w = 0; w < EW_REPORT_WEEKS; w++)
		rp->week_start[w] = o->until - 7L * (EW_REPORT_WEEKS - w) + 1;
	if (read_alerts(rp, repo, e) < 0)
		return -1;
	/* every shard: a late report's event can be in any month before */
	if (ew_repo_each_record(repo, NULL, NULL, scan_one, rp, e) < 0)
		return -1;
	settle_alerts(rp);
	return 0;
}

void
ew_report_free(struct ew_report *rp)
{
	for (size_t i = 0; i < rp->nc; i++)
		free(rp->c[i].by_cat);
	free(rp->c);
	for (size_t i = 0; i < rp->nlate; i++)
		ew_record_free(rp->late[i]);
	free(rp->late);
	for (size_t i = 0; i < rp->nalerts; i++) {
		free(rp->alerts[i].cercles);
		free(rp->alerts[i].in);
	}
	free(rp->alerts);
	for (size_t i = 0; i < rp->nwant; i++)
		free(rp->want[i].id);
	free(rp->want);
	ew_astate_free(&rp->st);
	ew_alog_free(&rp->log);
	memset(rp, 0, sizeof *rp);
}

/* ---- what both forms show ---- */

/* The name a row of cercles shows: the unknown ones have none. */
static const char *
cercle_name(const struct ew_report_cercle *c)
{
	/* TRANSLATORS: the row of the cercles the gazetteer does not
	   have, or the column of the categories the taxonomy lacks */
	return *c->name ? c->name : _("(other)");
}

/* The last row (other cercles) is shown only when it counts something. */
static int
cercle_shown(const struct ew_report *rp, size_t i)
{
	return i + 1 < rp->nc || rp->c[i].incidents > 0;
}

static const char *
category_label(const struct ew_report *rp, size_t k)
{
	return k < rp->tax->n ? ew_category_label(&rp->tax->v[k]) : _("(other)");
}

static long
category_total(const struct ew_report *rp, size_t k)
{
	long n = 0;

	for (size_t i = 0; i < rp->nc; i++)
		n += rp->c[i].by_cat[k];
	return n;
}

static void
week_range(const struct ew_report *rp, int w, char from[11], char to[11])
{
	ew_date_format(rp->week_start[w], from);
	ew_date_format(rp->week_start[w] + 6, to);
}

/* A cercle's highest level as a class name has it: "none" without one. */
static const char *
level_name(int level)
{
	return level < 0 ? "none" : ew_level_name(level);
}

/*
 * The words of the levels as the report shows them to its readers, by
 * the names ew_level_name gives (rules.conf's words).
 */
static const char *const level_words[] = {
	/* TRANSLATORS: the alert level of a cercle without an open alert */
	N_("none"),
	/* TRANSLATORS: alert levels, the words of rules.conf */
	N_("info"), N_("yellow"), N_("orange"), N_("red"),
};

/* A level as shown: in the language of messages. */
static const char *
level_label(int level)
{
	const char *name = level_name(level);

	for (size_t i = 0; i < sizeof level_words / sizeof level_words[0]; i++)
		if (strcmp(level_words[i], name) == 0)
			return _(level_words[i]);
	return name;
}

/* An alert's state as shown. */
static const char *
state_label(const struct ew_alert *a)
{
	return a->acked ? _("acknowledged") : _("open");
}

/* Open alerts, the highest level first, then in the order raised. */
static int
cmp_alert(const void *a, const void *b)
{
	const struct ew_report_alert *x = a, *y = b;

	if (x->a->level != y->a->level)
		return x->a->level > y->a->level ? -1 : 1;
	return x->a->first < y->a->first ? -1 : x->a->first > y->a->first;
}

static struct ew_report_alert *
sorted_alerts(const struct ew_report *rp)
{
	struct ew_report_alert *v = ew_xcalloc(rp->nalerts + 1, sizeof *v);

	if (rp->nalerts)
		memcpy(v, rp->alerts, rp->nalerts * sizeof *v);
	qsort(v, rp->nalerts, sizeof *v, cmp_alert);
	return v;
}

/* The period's format: the first and last day, the number of days. */
static const char *
period_format(long days)
{
	/* TRANSLATORS: the first and the last day of the report's period,
	   and its number of days */
	return ngettext("Period: %s to %s (%ld days)",
		"Period: %s to %s (%ld days)", (unsigned long)days);
}

static const char *
confidential_text(void)
{
	return _("Confidential: this report includes the figures and details "
		"of confidential reports.");
}

/* The note on confidential reports left out, made in b. */
static const char *
hidden_text(const struct ew_report *rp, struct ew_buf *b)
{
	ew_buf_addf(b, _("Confidential reports counted as incidents only, their "
		"other figures left out: %ld."), rp->hidden);
	return b->s;
}

/* ---- HTML ---- */

static const char css[] =
	"*{box-sizing:border-box}\n"
	"body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",sans-serif;"
	"color:#1d2733;background:#fff;margin:0 auto;max-width:1120px;padding:24px}\n"
	"h1{font-size:26px;margin:0 0 4px}\n"
	"h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid #1d2733}\n"
	"h3{font-size:14px;margin:12px 0 6px}\n"
	".meta,.note{color:#5b6b7a;margin:2px 0}\n"
	".banner{background:#fdecea;border:1px solid #d62728;color:#8b1a1a;padding:6px 10px;border-radius:4px;font-weight:600}\n"
	".figures{display:flex;flex-wrap:wrap;gap:12px;margin:0;padding:0}\n"
	".figures div{flex:1 1 150px;border:1px solid #d5dbe1;border-radius:6px;padding:10px 14px}\n"
	".figures dt{color:#5b6b7a;font-size:12px;text-transform:uppercase;letter-spacing:.04em}\n"
	".figures dd{margin:0;font-size:30px;font-weight:700;font-variant-numeric:tabular-nums}\n"
	".cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:24px;align-items:start}\n"
	"table{border-collapse:collapse;width:100%;font-size:13px}\n"
	"th,td{border-bottom:1px solid #d5dbe1;padding:4px 8px;text-align:left;vertical-align:top}\n"
	"th{background:#f2f4f6}\n"
	".n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.nil{color:#b0b8c0}\n"
	"tr.total td{font-weight:700;border-top:2px solid #1d2733}\n"
	".id{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:12px}\n"
	".desc{white-space:pre-line;max-width:380px}.d{white-space:nowrap}\n"
	".badge{display:inline-block;min-width:54px;text-align:center;padding:1px 8px;border-radius:9px;font-size:12px;font-weight:600}\n"
	".badge.lvl-none{background:#e6e9ec;color:#1d2733}.badge.lvl-info{background:#4e79a7;color:#fff}\n"
	".badge.lvl-yellow{background:#f2c500;color:#1d2733}.badge.lvl-orange{background:#f28e2b;color:#1d2733}\n"
	".badge.lvl-red{background:#d62728;color:#fff}\n"
	"svg{max-width:100%;height:auto;font:11px system-ui,sans-serif;display:block}\n"
	"svg .grid{stroke:#e3e7eb;stroke-width:1}svg .axis{stroke:#1d2733}\n"
	"svg .tick{fill:#7a8896;font-size:10px}svg .label,svg .key-label,svg .value{fill:#1d2733}\n"
	"svg .value{font-size:10px}\n"
	"svg .incidents{fill:#2f5d8a}svg .killed{fill:#b3261e}svg .injured{fill:#e8914a}\n"
	"svg .line{fill:none;stroke:#b3261e;stroke-width:2}\n"
	"svg .land{fill:#f7f4ec}svg .name{font-size:12px;font-weight:600;fill:#1d2733;"
	"paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}\n"
	"svg .cercle{stroke:#1d2733;stroke-width:1;fill-opacity:.85}\n"
	"svg .cercle.zero{fill:#fff;fill-opacity:1;stroke:currentColor;stroke-width:2}\n"
	"svg .lvl-none{fill:#9aa5b1;color:#6b7785}svg .lvl-info{fill:#4e79a7;color:#4e79a7}\n"
	"svg .lvl-yellow{fill:#f2c500;color:#c9a200}svg .lvl-orange{fill:#f28e2b;color:#f28e2b}\n"
	"svg .lvl-red{fill:#d62728;color:#d62728}svg .size{fill:none;stroke:#5b6b7a}\n"
	"footer{margin-top:32px;color:#5b6b7a;font-size:12px;border-top:1px solid #d5dbe1;padding-top:6px}\n"
	"@media print{body{max-width:none;padding:0;font-size:11px}"
	"section,figure,tr{break-inside:avoid}h2{break-after:avoid}"
	".figures div{border-color:#999}th{background:none}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n"
	"@page{size:A4;margin:14mm}\n";

/* A string as element text, on one line. */
static void
h(struct ew_buf *out, const char *s)
{
	ew_html_text(out, s, 0);
}

static void
html_head(const struct ew_report *rp, struct ew_buf *out)
{
	char since[11], until[11];

	ew_date_format(rp->o.since, since);
	ew_date_format(rp->o.until, until);
	ew_buf_addf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n",
		ew_i18n_french() ? "fr" : "en");
	ew_buf_adds(out, "<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'unsafe-inline'; img-src data:\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"generator\" content=\"ew " EW_VERSION "\">\n"
		"<link rel=\"icon\" href=\"data:,\">\n<title>");
	if (rp->region) {
		struct ew_buf region = {0};
		h(&region, rp->region);
		/* TRANSLATORS: the page's title: the region, the first and
		   the last day of the period */
		ew_buf_addf(out, _("Situation report, %s region, %s to %s"),
			region.s, since, until);
		ew_buf_free(&region);
	} else {
		/* TRANSLATORS: the page's title: the first and the last day
		   of the period */
		ew_buf_addf(out, _("Situation report, %s to %s"), since, until);
	}
	ew_buf_addf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
		css);
}

/* The report's heading, the region's name escaped by esc. */
static void
heading(const struct ew_report *rp,
	void (*esc)(struct ew_buf *, const char *), struct ew_buf *out)
{
	if (rp->region) {
		struct ew_buf region = {0};
		esc(&region, rp->region);
		/* TRANSLATORS: the report's heading; %s is the region */
		ew_buf_addf(out, _("Situation report: %s region"), region.s);
		ew_buf_free(&region);
	} else {
		ew_buf_adds(out, _("Situation report"));
	}
}

/* The period's bounds and length, and the time of the report, as text. */
struct when {
	char since[11], until[11], now[21];
	long days;
};

static void
when_of(const struct ew_report *rp, struct when *w)
{
	ew_date_format(rp->o.since, w->since);
	ew_date_format(rp->o.until, w->until);
	ew_time_format(rp->o.now, w->now);
	w->days = rp->o.until - rp->o.since + 1;
}

static void
html_title(const struct ew_report *rp, struct ew_buf *out)
{
	struct when w;
	struct ew_buf b = {0};

	when_of(rp, &w);
	ew_buf_adds(out, "<header>\n<h1>");
	heading(rp, h, out);
	ew_buf_addf(out, "</h1>\n<p class=\"meta\" id=\"period\" data-since=\"%s\" "
		"data-until=\"%s\">", w.since, w.until);
	ew_buf_addf(out, period_format(w.days), w.since, w.until, w.days);
	ew_buf_adds(out, "</p>\n<p class=\"meta\">");
	/* TRANSLATORS: the time the report was made, ew's version */
	ew_buf_addf(out, _("Made at %s by ew %s."), w.now, EW_VERSION);
	ew_buf_adds(out, "</p>\n");
	if (rp->o.confidential)
		ew_buf_addf(out, "<p class=\"banner\">%s</p>\n", confidential_text());
	else if (rp->hidden)
		ew_buf_addf(out, "<p class=\"note\" id=\"hidden\">%s</p>\n",
			hidden_text(rp, &b));
	ew_buf_adds(out, "</header>\n");
	ew_buf_free(&b);
}

static void
html_figures(const struct ew_report *rp, struct ew_buf *out)
{
	ew_buf_addf(out, "<section id=\"headline\">\n<h2>%s</h2>\n"
		"<dl class=\"figures\">\n<div><dt>%s</dt>"
		"<dd data-figure=\"incidents\">%ld</dd></div>\n",
		_("Headline figures"), _("Incidents"), rp->incidents);
	for (int f = 0; f < EW_NFIGS; f++) {
		char key[16];
		snprintf(key, sizeof key, "%s", fig_names[f]);
		key[0] = (char)(key[0] - 'A' + 'a');
		ew_buf_addf(out, "<div><dt>%s</dt><dd data-figure=\"%s\">%ld</dd></div>\n",
			_(fig_names[f]), key, rp->fig[f]);
	}
	ew_buf_adds(out, "</dl>\n</section>\n");
}

/* A number cell, greyed when 0. */
static void
num_cell(struct ew_buf *out, long n)
{
	ew_buf_addf(out, "<td class=\"n%s\">%ld</td>", n ? "" : " nil", n);
}

static void
level_badge(struct ew_buf *out, int level)
{
	ew_buf_addf(out, "<span class=\"badge lvl-%s\">%s</span>",
		level_name(level), level_label(level));
}

static void
html_map(const struct ew_report *rp, struct ew_buf *out)
{
	/* none, then the levels, rising */
	static const char *const key_classes[] = {"lvl-none", "lvl-info",
		"lvl-yellow", "lvl-orange", "lvl-red"};
	enum { NKEYS = sizeof key_classes / sizeof key_classes[0] };
	struct ew_svg_key keys[NKEYS];
	struct ew_svg_place *pl = ew_xcalloc(rp->nc, sizeof *pl);
	char **titles = ew_xcalloc(rp->nc, sizeof *titles);
	char **classes = ew_xcalloc(rp->nc, sizeof *classes);
	size_t n = 0;

	keys[0] = (struct ew_svg_key){key_classes[0], _("no open alert")};
	for (size_t k = 1; k < NKEYS; k++)
		keys[k] = (struct ew_svg_key){key_classes[k],
			level_label((int)k - 1)};
	for (size_t i = 0; i + 1 < rp->nc; i++) {
		const struct ew_report_cercle *c = &rp->c[i];
		if (!c->located)
			continue;
		classes[n] = ew_xasprintf("lvl-%s", level_name(c->level));
		unsigned long count = (unsigned long)c->incidents;
		titles[n] = c->level < 0 ?
			/* TRANSLATORS: a cercle's tooltip on the map: its name,
			   its number of incidents */
			ew_xasprintf(ngettext("%s: %ld incidents, no open alert",
				"%s: %ld incidents, no open alert", count),
				c->name, c->incidents) :
			/* TRANSLATORS: a cercle's tooltip on the map: its name,
			   its number of incidents, the level of its alert */
			ew_xasprintf(ngettext("%s: %ld incidents, open alert level %s",
				"%s: %ld incidents, open alert level %s", count),
				c->name, c->incidents, level_label(c->level));
		pl[n] = (struct ew_svg_place){c->name, c->lat, c->lon, c->incidents,
			classes[n], titles[n]};
		n++;
	}
	struct ew_svg_map m = {
		_("Incidents by cercle, coloured by the highest open alert"),
		pl, n, keys, NKEYS, 560, 500, 42};
	ew_buf_adds(out, "<figure id=\"map\">\n");
	ew_svg_map(out, &m);
	ew_buf_addf(out, "<figcaption class=\"note\">%s</figcaption>\n"
		"</figure>\n", _("Circle area is proportional to the number of "
		"incidents in the period; a hollow circle: none. Colour: the "
		"highest level of the cercle's open alerts."));
	for (size_t i = 0; i < n; i++) {
		free(titles[i]);
		free(classes[i]);
	}
	free(titles);
	free(classes);
	free(pl);
}

static void
html_cercles(const struct ew_report *rp, struct ew_buf *out)
{
	ew_buf_addf(out, "<div>\n<h3>%s</h3>\n<table id=\"cercles\">\n"
		"<thead><tr><th>%s</th><th class=\"n\">%s</th>", _("By cercle"),
		_("Cercle"), _("Incidents"));
	for (int f = 0; f < EW_NFIGS; f++)
		ew_buf_addf(out, "<th class=\"n\">%s</th>", _(fig_names[f]));
	ew_buf_addf(out, "<th>%s</th></tr></thead>\n<tbody>\n", _("Alert"));
	for (size_t i = 0; i < rp->nc; i++) {
		const struct ew_report_cercle *c = &rp->c[i];
		if (!cercle_shown(rp, i))
			continue;
		ew_buf_adds(out, "<tr data-cercle=\"");
		h(out, c->name);
		ew_buf_adds(out, "\"><td>");
		h(out, cercle_name(c));
		ew_buf_adds(out, "</td>");
		num_cell(out, c->incidents);
		for (int f = 0; f < EW_NFIGS; f++)
			num_cell(out, c->fig[f]);
		ew_buf_adds(out, "<td>");
		level_badge(out, c->level);
		ew_buf_adds(out, "</td></tr>\n");
	}
	ew_buf_adds(out, "</tbody>\n</table>\n</div>\n");
}

static void
html_matrix(const struct ew_report *rp, struct ew_buf *out)
{
	ew_buf_addf(out, "<section id=\"matrix\">\n<h2>%s</h2>\n<table>\n"
		"<thead><tr><th>%s</th>", _("Incidents by cercle and category"),
		_("Cercle"));
	for (size_t k = 0; k < rp->ncat; k++) {
		if (!category_total(rp, k))
			continue;
		ew_buf_adds(out, "<th class=\"n\">");
		h(out, category_label(rp, k));
		ew_buf_adds(out, "</th>");
	}
	ew_buf_addf(out, "<th class=\"n\">%s</th></tr></thead>\n<tbody>\n",
		_("Total"));
	for (size_t i = 0; i < rp->nc; i++) {
		if (!cercle_shown(rp, i))
			continue;
		ew_buf_adds(out, "<tr><td>");
		h(out, cercle_name(&rp->c[i]));
		ew_buf_adds(out, "</td>");
		for (size_t k = 0; k < rp->ncat; k++)
			if (category_total(rp, k))
				num_cell(out, rp->c[i].by_cat[k]);
		num_cell(out, rp->c[i].incidents);
		ew_buf_adds(out, "</tr>\n");
	}
	ew_buf_addf(out, "<tr class=\"total\"><td>%s</td>", _("Total"));
	for (size_t k = 0; k < rp->ncat; k++)
		if (category_total(rp, k))
			num_cell(out, category_total(rp, k));
	num_cell(out, rp->incidents);
	ew_buf_adds(out, "</tr>\n</tbody>\n</table>\n</section>\n");
}

static void
html_trend(const struct ew_report *rp, struct ew_buf *out)
{
	char labels[EW_REPORT_WEEKS][6];
	const char *lv[EW_REPORT_WEEKS];
	char until[11];

	for (int w = 0; w < EW_REPORT_WEEKS; w++) {
		char from[11], to[11];
		week_range(rp, w, from, to);
		memcpy(labels[w], from + 5, 6);
		lv[w] = labels[w];
	}
	ew_date_format(rp->o.until, until);
	struct ew_svg_series inc = {_("Incidents"), "incidents", rp->week_incidents};
	struct ew_svg_series kil = {_("Killed"), "killed", rp->week_killed};
	struct ew_svg_chart c1 = {_("Incidents per week"), lv, EW_REPORT_WEEKS,
		&inc, 1, 540, 260};
	struct ew_svg_chart c2 = {_("People killed per week"), lv,
		EW_REPORT_WEEKS, &kil, 1, 540, 260};
	ew_buf_addf(out, "<section id=\"trend\">\n<h2>%s</h2>\n<p class=\"note\">",
		_("Weekly trend"));
	/* TRANSLATORS: %d is the number of weeks (12), %s the last day */
	ew_buf_addf(out, _("The %d weeks of seven days that end on %s, each "
		"labelled with its first day (month-day)."), EW_REPORT_WEEKS, until);
	ew_buf_addf(out, "</p>\n<div class=\"cols\">\n"
		"<figure id=\"trend-incidents\">\n");
	ew_svg_bar_chart(out, &c1);
	ew_buf_addf(out, "<figcaption class=\"note\">%s</figcaption>\n"
		"</figure>\n<figure id=\"trend-killed\">\n", _("Incidents per week"));
	ew_svg_trend_chart(out, &c2);
	ew_buf_addf(out, "<figcaption class=\"note\">%s</figcaption>\n"
		"</figure>\n</div>\n</section>\n", _("People killed per week"));
}

static void
html_casualties(const struct ew_report *rp, struct ew_buf *out)
{
	const char **labels = ew_xcalloc(rp->nc, sizeof *labels);
	long *killed = ew_xcalloc(rp->nc, sizeof *killed);
	long *injured = ew_xcalloc(rp->nc, sizeof *injured);
	size_t n = 0;

	for (size_t i = 0; i < rp->nc; i++) {
		if (!cercle_shown(rp, i))
			continue;
		labels[n] = cercle_name(&rp->c[i]);
		killed[n] = rp->c[i].fig[EW_FIG_KILLED];
		injured[n++] = rp->c[i].fig[EW_FIG_INJURED];
	}
	struct ew_svg_series s[2] = {{_("Killed"), "killed", killed},
		{_("Injured"), "injured", injured}};
	struct ew_svg_chart c = {_("People killed and injured by cercle"), labels,
		n, s, 2, 1060, 280};
	ew_buf_addf(out, "<section id=\"casualties\">\n<h2>%s</h2>\n"
		"<figure>\n", _("Casualties by cercle"));
	ew_svg_bar_chart(out, &c);
	ew_buf_adds(out, "</figure>\n</section>\n");
	free(labels);
	free(killed);
	free(injured);
}

/* The columns of the table of open alerts. */
static const char *const alert_names[] = {N_("Alert"), N_("Rule"),
	N_("Level"), N_("Group"), N_("Cercles"),
	/* TRANSLATORS: a column of open alerts: when each was raised */
	N_("Raised"), N_("State")};
enum { NALERT_COLS = sizeof alert_names / sizeof alert_names[0] };

static void
html_alerts(const struct ew_report *rp, struct ew_buf *out)
{
	struct ew_report_alert *v = sorted_alerts(rp);

	ew_buf_adds(out, "<section id=\"alerts\">\n<h2>");
	ew_buf_addf(out, _("Open alerts (%zu)"), rp->nalerts);
	ew_buf_adds(out, "</h2>\n");
	if (!rp->nalerts) {
		ew_buf_addf(out, "<p class=\"note\">%s</p>\n", _("No alert is open."));
	} else {
		ew_buf_adds(out, "<table>\n<thead><tr>");
		for (size_t k = 0; k < NALERT_COLS; k++)
			ew_buf_addf(out, "<th>%s</th>", _(alert_names[k]));
		ew_buf_adds(out, "</tr></thead>\n<tbody>\n");
	}
	for (size_t i = 0; i < rp->nalerts; i++) {
		const struct ew_alert *a = v[i].a;
		ew_buf_adds(out, "<tr class=\"alert\"><td class=\"id\">");
		h(out, a->id);
		ew_buf_adds(out, "</td><td>");
		h(out, a->rule);
		ew_buf_adds(out, "</td><td>");
		level_badge(out, a->level);
		ew_buf_adds(out, "</td><td>");
		h(out, a->group);
		ew_buf_adds(out, "</td><td>");
		h(out, v[i].cercles);
		ew_buf_adds(out, "</td><td>");
		h(out, v[i].raised);
		ew_buf_addf(out, "</td><td>%s</td></tr>\n", state_label(a));
	}
	if (rp->nalerts)
		ew_buf_adds(out, "</tbody>\n</table>\n");
	ew_buf_adds(out, "</section>\n");
	free(v);
}

/* The cells of one late report, each a column of the record. */
static const size_t late_cols[] = {EW_C_ID, EW_C_EVENT_DATE, EW_C_REPORTED_AT,
	EW_C_CERCLE, EW_C_COMMUNE, EW_C_CATEGORY, EW_C_SEVERITY, EW_C_KILLED,
	EW_C_DESCRIPTION};
static const char *const late_names[] = {N_("Id"), N_("Event date"),
	/* TRANSLATORS: a column of late reports: when each was received */
	N_("Reported"), N_("Cercle"), N_("Commune"), N_("Category"),
	N_("Severity"), N_("Killed"), N_("Description")};
enum { NLATE = sizeof late_cols / sizeof late_cols[0] };

/* A late report's value of column col, as shown (labels for categories). */
static const char *
late_value(const struct ew_report *rp, const struct ew_record *r, size_t col)
{
	if (col == EW_C_CATEGORY) {
		const struct ew_category *c = ew_taxonomy_find(rp->tax, r->v[col]);
		return c ? ew_category_label(c) : r->v[col];
	}
	return r->v[col];
}

static const char *
late_heading(void)
{
	/* TRANSLATORS: a heading; %ld is the number of late reports */
	return _("New since the last report: late reports (%ld)");
}

static const char *
late_note(void)
{
	/* TRANSLATORS: %s is the first day of the report's period */
	return _("Reports received in the period about events before %s.");
}

static const char *
late_shown(void)
{
	return _("The %zu with the latest event dates are listed.");
}

static void
html_late(const struct ew_report *rp, struct ew_buf *out)
{
	char since[11];

	ew_date_format(rp->o.since, since);
	ew_buf_adds(out, "<section id=\"late\">\n<h2>");
	ew_buf_addf(out, late_heading(), rp->late_total);
	ew_buf_adds(out, "</h2>\n<p class=\"note\">");
	ew_buf_addf(out, late_note(), since);
	ew_buf_adds(out, "</p>\n");
	if ((long)rp->nlate < rp->late_total) {
		ew_buf_adds(out, "<p class=\"note\" id=\"late-shown\">");
		ew_buf_addf(out, late_shown(), rp->nlate);
		ew_buf_adds(out, "</p>\n");
	}
	if (!rp->nlate) {
		ew_buf_addf(out, "<p class=\"note\">%s</p>\n</section>\n",
			_("None."));
		return;
	}
	ew_buf_adds(out, "<table>\n<thead><tr>");
	for (size_t k = 0; k < NLATE; k++)
		ew_buf_addf(out, "<th%s>%s</th>", late_cols[k] == EW_C_SEVERITY ||
			late_cols[k] == EW_C_KILLED ? " class=\"n\"" : "",
			_(late_names[k]));
	ew_buf_adds(out, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < rp->nlate; i++) {
		ew_buf_adds(out, "<tr class=\"late\">");
		for (size_t k = 0; k < NLATE; k++) {
			size_t col = late_cols[k];
			const char *cls = col == EW_C_ID ? " class=\"id\"" :
				col == EW_C_EVENT_DATE || col == EW_C_REPORTED_AT ?
				" class=\"d\"" :
				col == EW_C_DESCRIPTION ? " class=\"desc\"" :
				col == EW_C_SEVERITY || col == EW_C_KILLED ? " class=\"n\"" : "";
			ew_buf_addf(out, "<td%s>", cls);
			ew_html_text(out, late_value(rp, rp->late[i], col),
				col == EW_C_DESCRIPTION ? EW_TEXT_LINES : 0);
			ew_buf_adds(out, "</td>");
		}
		ew_buf_adds(out, "</tr>\n");
	}
	ew_buf_adds(out, "</tbody>\n</table>\n</section>\n");
}

void
ew_report_html(const struct ew_report *rp, struct ew_buf *out)
{
	html_head(rp, out);
	html_title(rp, out);
	html_figures(rp, out);
	/* TRANSLATORS: the heading of the map and the table by cercle */
	ew_buf_addf(out, "<section id=\"where\">\n<h2>%s</h2>\n"
		"<div class=\"cols\">\n", _("Where"));
	html_map(rp, out);
	html_cercles(rp, out);
	ew_buf_adds(out, "</div>\n</section>\n");
	html_matrix(rp, out);
	html_trend(rp, out);
	html_casualties(rp, out);
	html_alerts(rp, out);
	html_late(rp, out);
	ew_buf_adds(out, "<footer>");
	/* TRANSLATORS: %s is ew's version; false and duplicate are values
	   of the status field */
	ew_buf_addf(out, _("Made by ew %s from the records of the data "
		"repository. Counted: reports whose status is neither false nor "
		"duplicate, by event date."), EW_VERSION);
	ew_buf_adds(out, "</footer>\n</body>\n</html>\n");
}

/* ---- Markdown ---- */

static void
md_row_end(struct ew_buf *out)
{
	ew_buf_adds(out, " |\n");
}

/*
 * The line under a header: nleft columns of text, nright of numbers
 * (right-aligned), then nafter of text.
 */
static void
md_rule(struct ew_buf *out, size_t nleft, size_t nright, size_t nafter)
{
	ew_buf_adds(out, "|");
	for (size_t i = 0; i < nleft + nright + nafter; i++)
		ew_buf_adds(out, i >= nleft && i < nleft + nright ? " ---: |" : " --- |");
	ew_buf_adds(out, "\n");
}

static void
md_title(const struct ew_report *rp, struct ew_buf *out)
{
	struct when w;
	struct ew_buf b = {0};

	when_of(rp, &w);
	ew_buf_adds(out, "# ");
	heading(rp, ew_md_text, out);
	ew_buf_adds(out, "\n\n");
	/* TRANSLATORS: the first and the last day of the report's period,
	   its number of days, the time the report was made, ew's version */
	ew_buf_addf(out, ngettext("Period: %s to %s (%ld days). Made at %s by ew %s.",
		"Period: %s to %s (%ld days). Made at %s by ew %s.",
		(unsigned long)w.days), w.since, w.until, w.days, w.now, EW_VERSION);
	ew_buf_adds(out, "\n");
	if (rp->o.confidential)
		ew_buf_addf(out, "\n**%s**\n", confidential_text());
	else if (rp->hidden)
		ew_buf_addf(out, "\n%s\n", hidden_text(rp, &b));
	ew_buf_free(&b);
	ew_buf_addf(out, "\n## %s\n\n| %s", _("Headline figures"),
		_("Incidents"));
	for (int f = 0; f < EW_NFIGS; f++)
		ew_buf_addf(out, " | %s", _(fig_names[f]));
	md_row_end(out);
	md_rule(out, 0, 5, 0);
	ew_buf_addf(out, "| %ld | %ld | %ld | %ld | %ld |\n", rp->incidents,
		rp->fig[EW_FIG_KILLED], rp->fig[EW_FIG_INJURED],
		rp->fig[EW_FIG_ABDUCTED], rp->fig[EW_FIG_DISPLACED]);
}

static void
md_cercles(const struct ew_report *rp, struct ew_buf *out)
{
	ew_buf_addf(out, "\n## %s\n\n| %s | %s", _("By cercle"), _("Cercle"),
		_("Incidents"));
	for (int f = 0; f < EW_NFIGS; f++)
		ew_buf_addf(out, " | %s", _(fig_names[f]));
	ew_buf_addf(out, " | %s", _("Alert"));
	md_row_end(out);
	md_rule(out, 1, 5, 1);
	for (size_t i = 0; i < rp->nc; i++) {
		const struct ew_report_cercle *c = &rp->c[i];
		if (!cercle_shown(rp, i))
			continue;
		ew_buf_adds(out, "| ");
		ew_md_text(out, cercle_name(c));
		ew_buf_addf(out, " | %ld", c->incidents);
		for (int f = 0; f < EW_NFIGS; f++)
			ew_buf_addf(out, " | %ld", c->fig[f]);
		ew_buf_addf(out, " | %s", level_label(c->level));
		md_row_end(out);
	}
}

static void
md_matrix(const struct ew_report *rp, struct ew_buf *out)
{
	size_t ncols = 0;

	ew_buf_addf(out, "\n## %s\n\n| %s", _("Incidents by cercle and category"),
		_("Cercle"));
	for (size_t k = 0; k < rp->ncat; k++) {
		if (!category_total(rp, k))
			continue;
		ew_buf_adds(out, " | ");
		ew_md_text(out, category_label(rp, k));
		ncols++;
	}
	ew_buf_addf(out, " | %s |\n", _("Total"));
	md_rule(out, 1, ncols + 1, 0);
	for (size_t i = 0; i <= rp->nc; i++) {
		int total = i == rp->nc;
		if (!total && !cercle_shown(rp, i))
			continue;
		ew_buf_adds(out, "| ");
		if (total)
			ew_buf_addf(out, "**%s**", _("Total"));
		else
			ew_md_text(out, cercle_name(&rp->c[i]));
		for (size_t k = 0; k < rp->ncat; k++)
			if (category_total(rp, k))
				ew_buf_addf(out, " | %ld", total ? category_total(rp, k) :
					rp->c[i].by_cat[k]);
		ew_buf_addf(out, " | %ld", total ? rp->incidents : rp->c[i].incidents);
		md_row_end(out);
	}
}

static void
md_trend(const struct ew_report *rp, struct ew_buf *out)
{
	ew_buf_addf(out, "\n## %s\n\n", _("Weekly trend"));
	/* TRANSLATORS: %d is the number of weeks (12) */
	ew_buf_addf(out, _("The %d weeks of seven days that end on the last day "
		"of the period."), EW_REPORT_WEEKS);
	ew_buf_addf(out, "\n\n| %s | %s | %s |\n", _("Week"), _("Incidents"),
		_("Killed"));
	md_rule(out, 1, 2, 0);
	for (int w = 0; w < EW_REPORT_WEEKS; w++) {
		char from[11], to[11];
		week_range(rp, w, from, to);
		ew_buf_adds(out, "| ");
		/* TRANSLATORS: a week: its first and its last day */
		ew_buf_addf(out, _("%s to %s"), from, to);
		ew_buf_addf(out, " | %ld | %ld |\n", rp->week_incidents[w],
			rp->week_killed[w]);
	}
}

static void
md_alerts(const struct ew_report *rp, struct ew_buf *out)
{
	struct ew_report_alert *v = sorted_alerts(rp);

	ew_buf_adds(out, "\n## ");
	ew_buf_addf(out, _("Open alerts (%zu)"), rp->nalerts);
	ew_buf_adds(out, "\n\n");
	if (!rp->nalerts) {
		ew_buf_addf(out, "%s\n", _("No alert is open."));
	} else {
		for (size_t k = 0; k < NALERT_COLS; k++)
			ew_buf_addf(out, "%s%s", k ? " | " : "| ", _(alert_names[k]));
		md_row_end(out);
		md_rule(out, NALERT_COLS, 0, 0);
	}
	for (size_t i = 0; i < rp->nalerts; i++) {
		const struct ew_alert *a = v[i].a;
		const char *cells[] = {a->id, a->rule, level_label(a->level),
			a->group, v[i].cercles, v[i].raised, state_label(a)};
		for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++) {
			ew_buf_adds(out, k ? " | " : "| ");
			ew_md_text(out, cells[k]);
		}
		md_row_end(out);
	}
	free(v);
}

static void
md_late(const struct ew_report *rp, struct ew_buf *out)
{
	char since[11];

	ew_date_format(rp->o.since, since);
	ew_buf_adds(out, "\n## ");
	ew_buf_addf(out, late_heading(), rp->late_total);
	ew_buf_adds(out, "\n\n");
	ew_buf_addf(out, late_note(), since);
	ew_buf_adds(out, "\n\n");
	if ((long)rp->nlate < rp->late_total) {
		ew_buf_addf(out, late_shown(), rp->nlate);
		ew_buf_adds(out, "\n\n");
	}
	if (!rp->nlate) {
		ew_buf_addf(out, "%s\n", _("None."));
		return;
	}
	for (size_t k = 0; k < NLATE; k++)
		ew_buf_addf(out, "%s%s", k ? " | " : "| ", _(late_names[k]));
	md_row_end(out);
	md_rule(out, 6, 2, 1);
	for (size_t i = 0; i < rp->nlate; i++) {
		for (size_t k = 0; k < NLATE; k++) {
			ew_buf_adds(out, k ? " | " : "| ");
			ew_md_text(out, late_value(rp, rp->late[i], late_cols[k]));
		}
		md_row_end(out);
	}
}

void
ew_report_markdown(const struct ew_report *rp, struct ew_buf *out)
{
	md_title(rp, out);
	md_cercles(rp, out);
	md_matrix(rp, out);
	md_trend(rp, out);
	md_alerts(rp, out);
	md_late(rp, out);
}
