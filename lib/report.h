/*
 * report.h - the situation report: the figures of a period, gathered in
 * one pass over the records, written as one self-contained HTML page
 * (inline CSS and SVG, nothing loaded from elsewhere) or as Markdown.
 *
 * What is counted (see ew-report(1)): records whose status is neither
 * false nor duplicate, as the alert rules count them. A period is whole
 * days, since and until both included. The weekly trend has
 * EW_REPORT_WEEKS weeks of seven days, the last one ending on until.
 *
 * Confidential records are counted by cercle and category, as incidents,
 * and nothing else of them is used unless the report is made with
 * confidential set: their casualty figures are not summed and they are
 * not listed.
 */
#ifndef EW_REPORT_H
#define EW_REPORT_H

#include <time.h>

#include "alert.h"
#include "err.h"
#include "record.h"
#include "repo.h"
#include "util.h"

enum { EW_REPORT_WEEKS = 12 };
/*
 * At most this many late reports are listed (a batch of old records
 * imported at once would otherwise make a report of every one of them):
 * those with the latest event dates.
 */
enum { EW_REPORT_LATE_MAX = 100 };

struct ew_report_opts {
	long since, until; /* days since the epoch, both included */
	int confidential;  /* --include-confidential */
	time_t now;        /* when the report is made */
};

/* The casualty and displacement figures summed over records. */
enum { EW_FIG_KILLED, EW_FIG_INJURED, EW_FIG_ABDUCTED, EW_FIG_DISPLACED,
	EW_NFIGS };

struct ew_report_cercle {
	const char *name;      /* borrowed from the gazetteer, or "" */
	double lat, lon;
	int located;           /* lat and lon are known */
	long incidents;
	long fig[EW_NFIGS];
	long *by_cat;          /* incidents per category (taxonomy order, then
	                          one for codes the taxonomy lacks); owned */
	int level;             /* highest level of its open alerts, or -1 */
};

struct ew_report_alert {
	const struct ew_alert *a;  /* borrowed from the state */
	const char *raised;        /* time of its first row */
	char *cercles;             /* the cercles it stands for, ", "-joined;
	                              owned */
	unsigned char *in;         /* in[k]: it stands for cercle k; owned */
};

struct ew_report {
	struct ew_report_opts o;
	const char *region;             /* the gazetteer's region, or NULL */
	const struct ew_taxonomy *tax;  /* borrowed */
	size_t ncat;                    /* tax->n, plus one for other codes */
	struct ew_report_cercle *c;     /* the gazetteer's cercles, then one
	                                   for records in none of them */
	size_t nc;
	long incidents, fig[EW_NFIGS];
	long hidden;                    /* confidential incidents whose
	                                   figures are left out */
	long week_start[EW_REPORT_WEEKS]; /* first day of each week */
	long week_incidents[EW_REPORT_WEEKS], week_killed[EW_REPORT_WEEKS];
	struct ew_record **late;        /* late reports listed, owned, in
	                                   shard order: the last
	                                   EW_REPORT_LATE_MAX of them */
	size_t nlate;
	long late_total;                /* late reports, listed or not */
	struct ew_alog log;
	struct ew_astate st;
	struct ew_report_alert *alerts; /* the open alerts, in log order */
	size_t nalerts;
	struct ew_report_want *want;    /* record ids that place alerts */
	size_t nwant;
};

/*
 * Reads the records of repo's work tree (opened with EW_OPEN_CATALOGS),
 * alerts.csv and rules.conf as HEAD and the work tree have them, into
 * rp. Free with ew_report_free, whatever it returns.
 */
int ew_report_gather(struct ew_report *rp, struct ew_repo *repo,
	const struct ew_report_opts *o, struct ew_err *e);
void ew_report_free(struct ew_report *rp);

/* Appends the report as an HTML5 page. */
void ew_report_html(const struct ew_report *rp, struct ew_buf *out);
/* Appends the report as GitHub-flavoured Markdown. */
void ew_report_markdown(const struct ew_report *rp, struct ew_buf *out);

/*
 * Appends s as the text of an HTML element or attribute: neutralised as
 * for a terminal (ew_neutralise: controls and bidirectional overrides
 * shown as escapes, invalid UTF-8 as U+FFFD; line breaks kept with
 * EW_TEXT_LINES), then with & < > " ' escaped.
 */
void ew_html_text(struct ew_buf *out, const char *s, int flags);
/*
 * Appends s as the text of a Markdown table cell: one line, controls
 * escaped, and every character Markdown or GitHub's tables give a meaning
 * to (| \ ` * _ [ ] < > & ~ ! and # + - = at the start) escaped with a
 * backslash.
 */
void ew_md_text(struct ew_buf *out, const char *s);

#endif
