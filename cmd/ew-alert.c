/* ew-alert - evaluate the rules, raise and resolve alerts once, notify. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "cli.h"
#include "date.h"
#include "i18n.h"
#include "input.h"
#include "notify.h"
#include "output.h"
#include "rules.h"

static const char usage_text[] = N_(
	"usage: ew-alert [-C DIR] [--now TIME] [--dry-run] [--rules FILE] [--author WHO]\n"
	"                [--format csv|tsv|json|table] [--json] [-]\n"
	"       ew-alert [-C DIR] --dry-run --at REV|DATE [--now TIME] [--rules FILE]\n"
	"                [--format csv|tsv|json|table] [--json]\n"
	"       ew-alert [-C DIR] [--now TIME] [--rules FILE] [--at REV|DATE] --nagios\n"
	"       ew-alert [-C DIR] [--now TIME] ack ID [--note TEXT] [--author WHO]\n"
	"       ew-alert [-C DIR] [--now TIME] resolve ID [--note TEXT] [--author WHO]\n"
	"       ew-alert [-C DIR] [--now TIME] silence RULE[:GROUP] --for DURATION\n"
	"                --reason TEXT [--author WHO]\n"
	"       ew-alert [-C DIR] list [--open] [--format csv|tsv|json|table] [--json]\n");

enum { O_NOW = 256, O_DRY, O_RULES, O_AUTHOR, O_FORMAT, O_JSON, O_NAGIOS,
	O_NOTE, O_FOR, O_REASON, O_OPEN, O_AT, O_VERSION };

static const struct option longopts[] = {
	{"at", required_argument, NULL, O_AT},
	{"author", required_argument, NULL, O_AUTHOR},
	{"dry-run", no_argument, NULL, O_DRY},
	{"for", required_argument, NULL, O_FOR},
	{"format", required_argument, NULL, O_FORMAT},
	{"help", no_argument, NULL, 'h'},
	{"json", no_argument, NULL, O_JSON},
	{"nagios", no_argument, NULL, O_NAGIOS},
	{"note", required_argument, NULL, O_NOTE},
	{"now", required_argument, NULL, O_NOW},
	{"open", no_argument, NULL, O_OPEN},
	{"reason", required_argument, NULL, O_REASON},
	{"rules", required_argument, NULL, O_RULES},
	{"version", no_argument, NULL, O_VERSION},
	{NULL, 0, NULL, 0},
};

struct opts {
	const char *now, *rules, *author, *format, *note, *dur, *reason, *at;
	int dry, nagios, open, from_stdin;
	const char *cmd;   /* NULL: evaluate */
	const char *arg;   /* ID or RULE[:GROUP] */
};

static const char alerts_path[] = "alerts.csv";

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	return status;
}

/* Messages of several lines become one warning each. */
static void
warn_lines(const char *msg)
{
	const char *p = msg;

	while (*p) {
		const char *q = strchr(p, '\n');
		int n = q ? (int)(q - p) : (int)strlen(p);
		ew_warn("%.*s", n, p);
		p += n + (q != NULL);
	}
}

/* Reads alerts.csv as the commit at (NULL: HEAD) has it. */
static int
read_log_at(struct ew_repo *repo, const git_oid *at, struct ew_alog *log,
	struct ew_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = ew_repo_read_at(repo, at, alerts_path, &buf, &len, e);

	if (rc == 0)
		rc = ew_alog_parse(log, buf, len, alerts_path, e);
	free(buf);
	return rc;
}

/* alerts.csv as HEAD has it. */
static int
read_log(struct ew_repo *repo, struct ew_alog *log, struct ew_err *e)
{
	return read_log_at(repo, NULL, log, e);
}

/*
 * --at: the commit, and the moment it stands for (unless --now says
 * otherwise): the end of the day or the time given, else the commit's
 * time.
 */
static int
resolve_at(struct ew_repo *repo, const struct opts *o, git_oid *at,
	time_t *now, struct ew_err *e)
{
	long day;
	git_commit *c = NULL;

	if (ew_repo_resolve_at(repo, o->at, at, e) < 0)
		return -1;
	if (o->now)
		return 0;
	if (ew_date_parse(o->at, &day) == 0)
		*now = (time_t)(day + 1) * 86400 - 1;
	else if (ew_time_parse(o->at, now) < 0) {
		if (git_commit_lookup(&c, repo->git, at) < 0)
			return ew_git_err(e, o->at);
		*now = (time_t)git_commit_time(c);
		git_commit_free(c);
	}
	return 0;
}

/* Replaces in msg (of size bytes) the name of the file read with label. */
static void
rename_in(char *msg, size_t size, const char *name, const char *label)
{
	char *at = strstr(msg, name);
	if (!at)
		return;
	char *rest = ew_xstrdup(at + strlen(name));
	snprintf(at, size - (size_t)(at - msg), "%s%s", label, rest);
	free(rest);
}

/* rules.conf as the commit at has it, loaded through a temporary file. */
static int
rules_at(struct ew_repo *repo, const git_oid *at, const char *spec,
	struct ew_rules *rs, const struct ew_schema *schema,
	struct ew_strv *problems, struct ew_err *e)
{
	char *buf = NULL, *path = NULL, *label = NULL;
	size_t len = 0;
	int rc = -1;

	if (ew_repo_read_at(repo, at, "rules.conf", &buf, &len, e) < 0)
		return -1;
	if (!buf) {
		free(buf);
		return ew_errf(e, "%s has no rules.conf", spec);
	}
	if (!(path = ew_temp_file("ew-rules", buf, len, e)))
		goto out;
	label = ew_xasprintf("%s:rules.conf", spec);
	rc = ew_rules_load(rs, path, label, schema, problems, e);
	unlink(path);
	/* git's parser names the file it read: the temporary one */
	rename_in(e->msg, sizeof e->msg, path, label);
	for (size_t i = 0; i < problems->n; i++) {
		size_t size = strlen(problems->v[i]) + strlen(label) + 1;
		problems->v[i] = ew_xrealloc(problems->v[i], size);
		rename_in(problems->v[i], size, path, label);
	}
out:
	free(buf);
	free(path);
	free(label);
	return rc;
}

/* Commits the log as alerts.csv. */
static int
commit_log(struct ew_repo *repo, const struct ew_alog *log, const char *msg,
	const char *author, struct ew_err *e)
{
	struct ew_buf data = {0};

	ew_alog_format(log, &data);
	struct ew_change ch = {alerts_path, data.s, data.len};
	int rc = ew_repo_commit(repo, &ch, 1, msg, author, NULL, e);
	ew_buf_free(&data);
	return rc;
}

/* ---- printing rows ---- */

static const int row_numeric[EW_A_NCOLS] = {[EW_A_COUNT] = 1};
static const size_t row_table[] = {EW_A_ALERT, EW_A_RULE, EW_A_GROUP,
	EW_A_LEVEL, EW_A_STATE, EW_A_COUNT, EW_A_NOTE};

/* The columns a form prints: all of them, or the few a table shows. */
struct columns {
	const char *const *names;
	const int *numeric;
	size_t n;
	const size_t *table;
	size_t ntable;
};

/*
 * Starts printing the columns that fmt shows; their indexes go to cols,
 * their names and kinds to names and numeric (which out borrows, each
 * of c->n entries). Returns how many columns.
 */
static size_t
begin_columns(struct ew_out *out, enum ew_format fmt, const struct columns *c,
	size_t *cols, const char **names, int *numeric)
{
	size_t n = fmt == EW_FMT_TABLE ? c->ntable : c->n;

	for (size_t i = 0; i < n; i++) {
		cols[i] = fmt == EW_FMT_TABLE ? c->table[i] : i;
		names[i] = c->names[cols[i]];
		numeric[i] = c->numeric[cols[i]];
	}
	ew_out_begin(out, fmt, stdout, names, numeric, n);
	return n;
}

static const struct columns row_columns = {ew_alert_columns, row_numeric,
	EW_A_NCOLS, row_table, sizeof row_table / sizeof row_table[0]};

static void
print_rows(const struct ew_alog *log, size_t from, enum ew_format fmt)
{
	const char *names[EW_A_NCOLS];
	int numeric[EW_A_NCOLS];
	const char *vals[EW_A_NCOLS];
	size_t cols[EW_A_NCOLS], n;
	struct ew_out out;

	if (from >= log->n)
		return; /* nothing new: not even a header, so cron stays quiet */
	n = begin_columns(&out, fmt, &row_columns, cols, names, numeric);
	for (size_t r = from; r < log->n; r++) {
		for (size_t i = 0; i < n; i++)
			vals[i] = log->v[r].v[cols[i]];
		ew_out_row(&out, vals);
	}
	ew_out_end(&out);
}

/* ---- evaluation ---- */

struct loaded {
	struct ew_record **v;
	size_t n, cap;
	long from_day, today;
};

static int
keep(struct ew_record *rec, void *ctx, struct ew_err *e)
{
	struct loaded *L = ctx;
	long day;

	(void)e;
	if (ew_date_parse(rec->v[EW_C_EVENT_DATE], &day) < 0 ||
	    day < L->from_day || day > L->today || !ew_rule_counts(rec)) {
		ew_record_free(rec);
		return 0;
	}
	if (L->n == L->cap) {
		L->cap = L->cap ? 2 * L->cap : 1024;
		L->v = ew_xrealloc(L->v, L->cap * sizeof *L->v);
	}
	L->v[L->n++] = rec;
	return 0;
}

static int
cmp_rec(const void *a, const void *b)
{
	return ew_record_cmp(*(struct ew_record *const *)a, *(struct ew_record *const *)b);
}

/* Records from stdin, checked as ew list - checks them. */
static int
load_stdin(struct loaded *L, struct ew_repo *repo, const struct ew_schema *s,
	time_t now, struct ew_err *e)
{
	struct ew_check check = {s, repo && repo->places.n ? &repo->places : NULL,
		repo && repo->tax.n ? &repo->tax : NULL, now};
	struct ew_input *in = ew_input_open_file(stdin, "stdin", s);
	struct ew_record *r;
	int got;

	while ((got = ew_input_next(in, &r, e)) > 0) {
		if (ew_check_read(&check, r, "stdin", e) < 0) {
			ew_record_free(r);
			got = -1;
			break;
		}
		keep(r, L, e);
	}
	ew_input_close(in);
	return got < 0 ? -1 : 0;
}

static void
loaded_free(struct loaded *L)
{
	for (size_t i = 0; i < L->n; i++)
		ew_record_free(L->v[i]);
	free(L->v);
}

/* "Alerts: 2 raised, 1 resolved" and a trailer per alert. */
static char *
run_message(const struct ew_alog *log, size_t from)
{
	static const char *const states[] = {"raised", "escalated",
		"renotified", "resolved", NULL};
	struct ew_buf m = {0};
	int first = 1;

	ew_buf_adds(&m, "Alerts:");
	for (size_t s = 0; states[s]; s++) {
		size_t n = 0;
		for (size_t i = from; i < log->n; i++)
			n += strcmp(log->v[i].v[EW_A_STATE], states[s]) == 0;
		if (n) {
			ew_buf_addf(&m, "%s %zu %s", first ? "" : ",", n, states[s]);
			first = 0;
		}
	}
	ew_buf_adds(&m, "\n\nEw-Action: alert\n");
	for (size_t i = from; i < log->n && i - from < 1000; i++)
		ew_buf_addf(&m, "Ew-Alert: %s\n", log->v[i].v[EW_A_ALERT]);
	return ew_buf_detach(&m);
}

/*
 * A rule name or an alert group as a commit message shows it: one line,
 * control and bidirectional characters escaped (ew_neutralise), its first
 * 64 bytes only, so that no record value grouped by can add lines,
 * paragraphs or trailers to the message.
 */
static char *
subject_text(const char *s)
{
	struct ew_buf b = {0};
	size_t n = strlen(s), k = n;

	if (k > 64)
		for (k = 64; k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80; k--)
			;
	ew_neutralise(&b, s, k, 0);
	if (k < n)
		ew_buf_adds(&b, "...");
	return ew_buf_detach(&b);
}

/*
 * Text for the Nagios line: neutralised (one line, controls escaped), and
 * no '|', which would start the performance data.
 */
static char *
nagios_text(const char *s)
{
	struct ew_buf b = {0};

	ew_neutralise(&b, s, strlen(s), 0);
	for (char *p = b.s; *p; p++)
		if (*p == '|')
			*p = ' ';
	return ew_buf_detach(&b);
}

/* The Nagios line of an error: one line, whatever the message. */
static void
nagios_unknown(const char *msg)
{
	char *text = nagios_text(msg);

	printf("EW UNKNOWN - %s\n", text);
	free(text);
	fflush(stdout);
}

/* The Nagios line, and its exit status. */
static int
nagios(const struct ew_alog *log, int failed, const char *why)
{
	static const char *const status[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
	struct ew_astate st;
	struct ew_err e = {{0}};
	size_t count[EW_NLEVELS] = {0};
	int code = 0;

	if (ew_astate_build(&st, log, &e) < 0) {
		nagios_unknown(e.msg);
		return 3;
	}
	for (size_t i = 0; i < st.n; i++)
		if (st.v[i].open)
			count[st.v[i].level]++;
	ew_astate_free(&st);
	if (count[EW_RED])
		code = 2;
	else if (count[EW_ORANGE] || count[EW_YELLOW])
		code = 1;
	if (failed && code < 2)
		code = 3;
	printf("EW %s - ", status[code]);
	size_t total = 0;
	for (int l = EW_RED; l >= 0; l--) {
		if (!count[l])
			continue;
		printf("%s%zu %s", total ? ", " : "", count[l], ew_level_name(l));
		total += count[l];
	}
	if (total)
		printf(" alert%s open", total == 1 ? "" : "s");
	else
		printf("no alerts open");
	if (failed) {
		char *text = nagios_text(why);
		printf("; %d rule%s failed (%s)", failed, failed == 1 ? "" : "s", text);
		free(text);
	}
	printf(" |");
	for (int l = EW_RED; l >= 0; l--)
		printf(" %s=%zu;;;0", ew_level_name(l), count[l]);
	printf("\n");
	return code;
}

/* Deliveries made and not yet recorded. */
struct done {
	struct ew_strv alert, via;
};

/*
 * Records the deliveries as notified rows, on what HEAD is now (someone may
 * have acknowledged an alert meanwhile), in one commit. Returns 0 or 2.
 */
static int
record_done(struct ew_repo *repo, struct done *d, const char *who,
	const char *author, time_t now)
{
	struct ew_alog log = {0};
	struct ew_astate st = {0};
	struct ew_buf msg = {0};
	struct ew_err e = {{0}};
	int rc = 0;

	if (d->alert.n == 0)
		return 0;
	if (ew_repo_lock(repo, &e) < 0 || read_log(repo, &log, &e) < 0 ||
	    ew_astate_build(&st, &log, &e) < 0)
		goto out;
	ew_buf_addf(&msg, "Notify: %zu delivered\n\nEw-Action: notify\n", d->alert.n);
	for (size_t i = 0; i < d->alert.n; i++) {
		const struct ew_alert *a = ew_astate_find(&st, d->alert.v[i], &e);
		struct ew_arow *r;
		if (!a || !(r = ew_alog_append(&log, "notified", now, &e)))
			goto out;
		ew_arow_set(r, EW_A_ALERT, a->id);
		ew_arow_set(r, EW_A_RULE, a->rule);
		ew_arow_set(r, EW_A_GROUP, a->group);
		ew_arow_set(r, EW_A_LEVEL, ew_level_name(a->level));
		ew_arow_set(r, EW_A_WHO, who);
		ew_arow_set(r, EW_A_NOTIFY, d->via.v[i]);
		if (i < 1000)
			ew_buf_addf(&msg, "Ew-Alert: %s\n", a->id);
	}
	commit_log(repo, &log, msg.s, author, &e);
out:
	if (*e.msg) {
		char *m = ew_xasprintf(ngettext("%s; %zu delivered notification not recorded",
			"%s; %zu delivered notifications not recorded", d->alert.n),
			e.msg, d->alert.n);
		ew_warn("%s", m);
		free(m);
		rc = 2;
	}
	ew_repo_unlock(repo);
	ew_buf_free(&msg);
	ew_astate_free(&st);
	ew_alog_free(&log);
	ew_strv_free(&d->alert);
	ew_strv_free(&d->via);
	return rc;
}

/* Deliveries are recorded when this many are waiting, or this often. */
enum { RECORD_EVERY = 20, RECORD_SECONDS = 10 };

/*
 * Runs the notifiers of every pending notification, the newest alerts
 * first, and records the deliveries as it goes. A notifier that fails is
 * not run again in this run (its notifications wait for the next one); a
 * notification whose rule and group are silenced now waits too.
 */
static int
deliver(struct ew_repo *repo, const struct ew_rules *rs,
	const struct opts *o, const char *who, time_t now)
{
	struct ew_alog log;
	struct ew_astate st;
	struct ew_pending *p = NULL;
	struct ew_err e = {{0}};
	struct ew_strv failed = {0};
	struct done d = {{0}};
	long timeout = 60;
	const char *env = getenv("EW_NOTIFY_TIMEOUT");
	time_t last = time(NULL);
	int rc = 0;

	if (env && *env && !ew_parse_int(env, 1, 86400, &timeout)) {
		ew_warn("invalid EW_NOTIFY_TIMEOUT '%s' (expected seconds, 1 to 86400)", env);
		return 2;
	}
	if (read_log(repo, &log, &e) < 0)
		return ew_fail(&e);
	if (ew_astate_build(&st, &log, &e) < 0) {
		ew_alog_free(&log);
		return ew_fail(&e);
	}
	size_t n = ew_astate_pending(&st, &log, &p);
	/* the newest alert first, each alert's notifiers in the rule's order */
	size_t *order = ew_xcalloc(n + 1, sizeof *order), no = 0;
	for (size_t end = n; end > 0;) {
		size_t start = end - 1;
		while (start > 0 && p[start - 1].alert == p[end - 1].alert)
			start--;
		for (size_t j = start; j < end; j++)
			order[no++] = j;
		end = start;
	}
	for (size_t oi = 0; oi < no; oi++) {
		size_t i = order[oi];
		const struct ew_arow *row = &log.v[p[i].row];
		const char *name = p[i].notifier;
		int k = ew_rules_find(rs, row->v[EW_A_RULE]);
		const struct ew_rule *rule = k >= 0 ? &rs->v[k] : NULL;
		char *cmd = NULL;
		struct ew_err why = {{0}};
		size_t f;
		for (f = 0; f < failed.n && strcmp(failed.v[f], name) != 0; f++)
			;
		if (f < failed.n ||
		    ew_astate_silence(&st, p[i].alert->rule, p[i].alert->group, now))
			continue;
		if (ew_notifier_command(repo, name, &cmd, &why) < 0) {
			ew_warn("%s", why.msg);
		} else if (!cmd) {
			ew_warn("notifier '%s' is not configured (add [notifier \"%s\"] command = ... to ew.conf or .git/config); alert %s stays pending",
				name, name, p[i].alert->id);
		} else {
			char *summary = ew_alert_summary(row, rule, &repo->schema);
			char *json = ew_alert_json(row, rule, summary, name, repo->root);
			if (ew_notify_run(cmd, repo->root, row, json, summary, name, timeout, &why) < 0) {
				ew_warn("notifier '%s' failed for alert %s: %s; will retry on the next run",
					name, p[i].alert->id, why.msg);
			} else {
				ew_strv_push(&d.alert, ew_xstrdup(p[i].alert->id));
				ew_strv_push(&d.via, ew_xstrdup(name));
				why.msg[0] = '\0';
			}
			free(summary);
			free(json);
			free(cmd);
		}
		if (*why.msg || !cmd) {
			rc = 2;
			ew_strv_push(&failed, ew_xstrdup(name));
		}
		if (d.alert.n >= RECORD_EVERY || time(NULL) - last >= RECORD_SECONDS) {
			if (record_done(repo, &d, who, o->author, now))
				rc = 2;
			last = time(NULL);
		}
	}
	if (record_done(repo, &d, who, o->author, now))
		rc = 2;
	free(order);
	ew_strv_free(&failed);
	ew_pending_free(p, n);
	ew_astate_free(&st);
	ew_alog_free(&log);
	return rc;
}

static int
evaluate(const struct opts *o)
{
	struct ew_repo repo;
	struct ew_schema own = {0};
	const struct ew_schema *schema;
	struct ew_rules rs = {0};
	struct ew_strv problems = {0};
	struct ew_result *res = NULL;
	struct ew_alog log = {0};
	struct loaded L = {0};
	struct ew_err e = {{0}};
	enum ew_format fmt = ew_format_default(stdout);
	char *who = NULL, *rules_path = NULL;
	int have_repo = 0, status = 0, alert_lock = -1, failed = 0, nagios_said = 0;
	time_t now;
	git_oid at;
	int rc = 2;

	if (o->format && ew_format_parse(o->format, &fmt, &e) < 0)
		goto out;
	if (ew_now(&now, &e) < 0)
		goto out;
	have_repo = ew_repo_open(&repo, NULL, EW_OPEN_CATALOGS, &e) == 0;
	if (!have_repo && !(o->from_stdin && o->rules))
		goto out;
	e.msg[0] = '\0';
	if (!have_repo && ew_schema_init(&own, NULL, &e) < 0)
		goto out;
	schema = have_repo ? &repo.schema : &own;
	if (o->at && resolve_at(&repo, o, &at, &now, &e) < 0)
		goto out;
	rules_path = o->rules ? ew_xstrdup(o->rules) : ew_xasprintf("%srules.conf", repo.root);
	if (o->at && !o->rules) {
		if (rules_at(&repo, &at, o->at, &rs, schema, &problems, &e) < 0)
			goto out;
	} else if (ew_rules_load(&rs, rules_path, o->rules ? o->rules : "rules.conf", schema, &problems, &e) < 0) {
		goto out;
	}
	for (size_t i = 0; i < problems.n; i++)
		ew_warn("%s", problems.v[i]);
	if (problems.n)
		status = 2;
	if (have_repo && ew_repo_who(&repo, o->author, &who, &e) < 0) {
		if (!o->dry)
			goto out;
		e.msg[0] = '\0';
	}
	if (!who)
		who = ew_xstrdup(getenv("EW_AUTHOR") ? getenv("EW_AUTHOR") : "");
	/* one run at a time evaluates and notifies */
	if (!o->dry && ew_repo_flock(&repo, "ew-alert.lock",
			_("another ew alert is running"), &alert_lock, &e) < 0)
		goto out;
	L.today = ew_day_of(now);
	L.from_day = ew_day_of(now - (time_t)rs.max_window);
	if (o->from_stdin) {
		if (load_stdin(&L, have_repo ? &repo : NULL, schema, now, &e) < 0)
			goto out;
	} else {
		char since[11], until[11];
		ew_date_format(L.from_day, since);
		ew_date_format(L.today, until);
		if ((o->at ? ew_repo_each_record_at(&repo, &at, since, until, keep, &L, &e)
			: ew_repo_each_record(&repo, since, until, keep, &L, &e)) < 0)
			goto out;
	}
	/* the rules find their windows by date: sorted, whatever the input
	   (ew sorts the shards it writes, a hand edit may not) */
	if (L.n)
		qsort(L.v, L.n, sizeof *L.v, cmp_rec);
	res = ew_xcalloc(rs.n + 1, sizeof *res);
	if (ew_rules_eval(&rs, L.v, L.n, schema, now, res, &e) < 0)
		goto out;
	const char *first_failed = NULL;
	for (size_t k = 0; k < rs.n; k++)
		if (res[k].failed) {
			if (!rs.v[k].broken) /* broken ones were reported */
				ew_warn("%s: rule '%s': %s; its alerts are unchanged",
					o->rules ? o->rules : "rules.conf", rs.v[k].name, res[k].why);
			if (!failed++)
				first_failed = rs.v[k].name;
			status = 2;
		}
	/* the state, and the commit, under the writer's lock */
	if (!o->dry && ew_repo_lock(&repo, &e) < 0)
		goto out;
	if (have_repo && read_log_at(&repo, o->at ? &at : NULL, &log, &e) < 0)
		goto out;
	size_t before = log.n;
	/* only a rules.conf read without a problem says which rules are gone */
	long added = ew_alert_transitions(&log, &rs, res,
		have_repo && !o->rules && problems.n == 0, now, who, &e);
	if (added < 0)
		goto out;
	if (!o->dry && added > 0) {
		char *msg = run_message(&log, before);
		int c = commit_log(&repo, &log, msg, o->author, &e);
		free(msg);
		if (c < 0)
			goto out;
	}
	if (have_repo)
		ew_repo_unlock(&repo);
	if (o->nagios) {
		/* problems of rules.conf outside any rule count as a failure */
		rc = nagios(&log, failed ? failed : problems.n > 0,
			first_failed ? first_failed : o->rules ? o->rules : "rules.conf");
		nagios_said = 1;
		goto out;
	}
	print_rows(&log, before, fmt);
	if (ew_finish_stdout())
		status = 2;
	if (!o->dry) {
		int d = deliver(&repo, &rs, o, who, now);
		if (d)
			status = d;
	}
	rc = status ? status : added > 0 ? 0 : 1;
out:
	if (rc == 2 && *e.msg)
		warn_lines(e.msg);
	if (o->nagios && !nagios_said && rc == 2) {
		nagios_unknown(*e.msg ? e.msg : "evaluation failed");
		rc = 3;
	}
	if (alert_lock >= 0)
		close(alert_lock);
	ew_results_free(res, res ? rs.n : 0);
	free(res);
	ew_alog_free(&log);
	loaded_free(&L);
	ew_rules_free(&rs);
	ew_strv_free(&problems);
	free(rules_path);
	free(who);
	if (have_repo)
		ew_repo_close(&repo);
	ew_schema_free(&own);
	return rc;
}

/* ---- the response loop ---- */

/* Who is changing the log, under the writer's lock, and the log itself. */
static int
begin_change(const struct opts *o, struct ew_repo *repo, struct ew_alog *log,
	char **who, struct ew_err *e)
{
	if (ew_repo_who(repo, o->author, who, e) < 0 || ew_repo_lock(repo, e) < 0)
		return -1;
	return read_log(repo, log, e);
}

static int
respond(const struct opts *o)
{
	struct ew_repo repo;
	struct ew_alog log = {0};
	struct ew_astate st = {0};
	struct ew_err e = {{0}};
	struct ew_buf msg = {0};
	char *who = NULL;
	time_t now;
	int rc = 2, ack = strcmp(o->cmd, "ack") == 0;

	if (ew_now(&now, &e) < 0 || ew_repo_open(&repo, NULL, 0, &e) < 0)
		return ew_fail(&e);
	if (begin_change(o, &repo, &log, &who, &e) < 0 ||
	    ew_astate_build(&st, &log, &e) < 0)
		goto out;
	struct ew_alert *a = ew_astate_find(&st, o->arg, &e);
	if (!a)
		goto out;
	if (!a->open) {
		ew_errf(&e, "alert %s (%s%s%s) is already resolved", a->id, a->rule,
			*a->group ? " " : "", a->group);
		goto out;
	}
	if (ack && a->acked) {
		ew_errf(&e, "alert %s is already acknowledged (see 'ew alert list')", a->id);
		goto out;
	}
	char *id = ew_xstrdup(a->id), *rule = ew_xstrdup(a->rule), *group = ew_xstrdup(a->group);
	int level = a->level;
	/* the count and records of its latest change */
	char *count_c = ew_xstrdup(log.v[a->changed].v[EW_A_COUNT]);
	char *records_c = ew_xstrdup(log.v[a->changed].v[EW_A_RECORDS]);
	struct ew_arow *row = ew_alog_append(&log, ack ? "acknowledged" : "resolved", now, &e);
	if (row) {
		ew_arow_set(row, EW_A_ALERT, id);
		ew_arow_set(row, EW_A_RULE, rule);
		ew_arow_set(row, EW_A_GROUP, group);
		ew_arow_set(row, EW_A_LEVEL, ew_level_name(level));
		ew_arow_set(row, EW_A_COUNT, count_c);
		ew_arow_set(row, EW_A_RECORDS, records_c);
		ew_arow_set(row, EW_A_WHO, who);
		const char *note = o->note ? o->note : ack ? "" : "resolved by hand";
		char *own = NULL;
		/* the notes of automatic resolutions are ew alert's alone */
		if (!ack && (strcmp(note, EW_NOTE_GONE) == 0 || strcmp(note, EW_NOTE_REMOVED) == 0))
			note = own = ew_xasprintf("resolved by hand: %s", note);
		ew_arow_set(row, EW_A_NOTE, note);
		free(own);
		char *srule = subject_text(rule), *sgroup = subject_text(group);
		ew_buf_addf(&msg, "%s alert %s (%s%s%s)\n\nEw-Action: %s\nEw-Alert: %s\n",
			ack ? "Acknowledge" : "Resolve", id, srule, *sgroup ? " " : "", sgroup,
			ack ? "ack" : "resolve", id);
		free(srule);
		free(sgroup);
		if (commit_log(&repo, &log, msg.s, o->author, &e) == 0)
			rc = 0;
	}
	free(id);
	free(rule);
	free(group);
	free(count_c);
	free(records_c);
out:
	if (rc)
		warn_lines(e.msg);
	ew_buf_free(&msg);
	ew_astate_free(&st);
	ew_alog_free(&log);
	free(who);
	ew_repo_close(&repo);
	return rc;
}

static int
silence(const struct opts *o)
{
	struct ew_repo repo;
	struct ew_rules rs = {0};
	struct ew_strv problems = {0};
	struct ew_alog log = {0};
	struct ew_err e = {{0}};
	struct ew_buf msg = {0};
	char *who = NULL, *path = NULL, *rule = ew_xstrdup(o->arg);
	char *group = strchr(rule, ':');
	long secs = 0;
	time_t now;
	int rc = 2;

	if (group)
		*group++ = '\0';
	if (!o->dur || ew_duration_parse(o->dur, &secs) < 0 || secs <= 0) {
		if (o->dur)
			ew_warn("invalid --for (expected a duration such as 30m, 24h, 3d, 2w)");
		else
			ew_warn("silence needs --for DURATION (e.g. --for 3d)");
		free(rule);
		return 2;
	}
	if (!o->reason || !*o->reason) {
		ew_warn("silence needs --reason TEXT: say why, for whoever reads the alert log");
		free(rule);
		return 2;
	}
	if (ew_now(&now, &e) < 0 || ew_repo_open(&repo, NULL, 0, &e) < 0) {
		free(rule);
		return ew_fail(&e);
	}
	path = ew_xasprintf("%srules.conf", repo.root);
	if (ew_rules_load(&rs, path, "rules.conf", &repo.schema, &problems, &e) < 0)
		goto out;
	if (ew_rules_find(&rs, rule) < 0) {
		struct ew_near near;
		ew_near_init(&near, rule);
		for (size_t i = 0; i < rs.n; i++)
			ew_near_consider(&near, rs.v[i].name);
		const char *best = ew_near_done(&near);
		if (best)
			ew_errf(&e, "no rule '%s' in rules.conf (did you mean '%s'?)", rule, best);
		else
			ew_errf(&e, "no rule '%s' in rules.conf", rule);
		goto out;
	}
	if (begin_change(o, &repo, &log, &who, &e) < 0)
		goto out;
	struct ew_arow *row = ew_alog_append(&log, "silence", now, &e);
	if (!row)
		goto out;
	char until[21];
	ew_time_format(now + (time_t)secs, until);
	ew_arow_set(row, EW_A_RULE, rule);
	ew_arow_set(row, EW_A_GROUP, group ? group : "");
	ew_arow_set(row, EW_A_UNTIL, until);
	ew_arow_set(row, EW_A_WHO, who);
	ew_arow_set(row, EW_A_NOTE, o->reason);
	char *srule = subject_text(rule), *sgroup = subject_text(group ? group : "");
	ew_buf_addf(&msg, "Silence %s%s%s until %s\n\nEw-Action: silence\nEw-Silence: %s\n",
		srule, *sgroup ? " " : "", sgroup, until, row->v[EW_A_ID]);
	free(srule);
	free(sgroup);
	if (commit_log(&repo, &log, msg.s, o->author, &e) == 0)
		rc = 0;
out:
	if (rc)
		warn_lines(e.msg);
	ew_buf_free(&msg);
	ew_alog_free(&log);
	ew_rules_free(&rs);
	ew_strv_free(&problems);
	free(who);
	free(path);
	free(rule);
	ew_repo_close(&repo);
	return rc;
}

/* ---- list ---- */

enum { L_ALERT, L_RULE, L_GROUP, L_LEVEL, L_STATE, L_RAISED, L_TIME,
	L_COUNT, L_RECORDS, L_WHO, L_NOTE, L_PENDING, L_NCOLS };

static const char *const list_names[L_NCOLS] = {
	/* TRANSLATORS: the columns of ew alert list, shown translated only
	   as the short column headers of a table: keep them short */
	N_("alert"), N_("rule"), N_("group"), N_("level"), N_("state"),
	N_("raised"), N_("time"), N_("count"), N_("records"), N_("who"),
	N_("note"), N_("pending")};
static const int list_numeric[L_NCOLS] = {[L_COUNT] = 1};
static const size_t list_table[] = {L_ALERT, L_RULE, L_GROUP, L_LEVEL,
	L_STATE, L_RAISED, L_COUNT, L_WHO, L_NOTE, L_PENDING};
static const struct columns list_columns = {list_names, list_numeric,
	L_NCOLS, list_table, sizeof list_table / sizeof list_table[0]};

static int
list(const struct opts *o)
{
	struct ew_repo repo;
	struct ew_alog log = {0};
	struct ew_astate st = {0};
	struct ew_pending *p = NULL;
	struct ew_err e = {{0}};
	enum ew_format fmt = ew_format_default(stdout);
	size_t np = 0, shown = 0;
	int rc = 2;

	if (o->format && ew_format_parse(o->format, &fmt, &e) < 0)
		return ew_fail(&e);
	if (ew_repo_open(&repo, NULL, 0, &e) < 0)
		return ew_fail(&e);
	if (read_log(&repo, &log, &e) < 0 || ew_astate_build(&st, &log, &e) < 0)
		goto out;
	np = ew_astate_pending(&st, &log, &p);
	const char *names[L_NCOLS];
	int numeric[L_NCOLS];
	size_t cols[L_NCOLS];
	struct ew_out out;
	size_t n = begin_columns(&out, fmt, &list_columns, cols, names, numeric);
	for (size_t i = 0; i < st.n; i++) {
		const struct ew_alert *a = &st.v[i];
		if (o->open && !a->open)
			continue;
		const struct ew_arow *r = &log.v[a->changed];
		struct ew_buf pend = {0};
		for (size_t k = 0; k < np; k++)
			if (p[k].alert == a)
				ew_buf_addf(&pend, "%s%s", pend.len ? ";" : "", p[k].notifier);
		const char *v[L_NCOLS] = {a->id, a->rule, a->group,
			ew_level_name(a->level),
			!a->open ? "resolved" : a->acked ? "acknowledged" : "open",
			log.v[a->first].v[EW_A_TIME], r->v[EW_A_TIME], r->v[EW_A_COUNT],
			r->v[EW_A_RECORDS], r->v[EW_A_WHO], r->v[EW_A_NOTE],
			pend.s ? pend.s : ""};
		const char *vals[L_NCOLS];
		for (size_t c = 0; c < n; c++)
			vals[c] = v[cols[c]];
		ew_out_row(&out, vals);
		ew_buf_free(&pend);
		shown++;
	}
	ew_out_end(&out);
	rc = ew_finish_stdout();
	if (rc == 0 && shown == 0)
		rc = 1;
out:
	if (rc == 2 && *e.msg)
		warn_lines(e.msg);
	ew_pending_free(p, np);
	ew_astate_free(&st);
	ew_alog_free(&log);
	ew_repo_close(&repo);
	return rc;
}

/* Options that only some forms take. */
static int
check_options(const struct opts *o)
{
	const char *cmd = o->cmd ? o->cmd : "";
	int eval = !o->cmd, respond_cmd = strcmp(cmd, "ack") == 0 || strcmp(cmd, "resolve") == 0;
	struct {
		int given, allowed;
		const char *name;
	} rules[] = {
		{o->dry != 0, eval, "--dry-run"},
		/* TRANSLATORS: the options --at and - given together */
		{o->at != NULL, eval && !o->from_stdin, o->from_stdin ? _("--at with -") : "--at"},
		{o->rules != NULL, eval, "--rules"},
		{o->nagios != 0, eval, "--nagios"},
		{o->from_stdin != 0, eval, "-"},
		{o->format != NULL, eval || strcmp(cmd, "list") == 0, "--format"},
		{o->note != NULL, respond_cmd, "--note"},
		{o->dur != NULL, strcmp(cmd, "silence") == 0, "--for"},
		{o->reason != NULL, strcmp(cmd, "silence") == 0, "--reason"},
		{o->open != 0, strcmp(cmd, "list") == 0, "--open"},
		{o->author != NULL, strcmp(cmd, "list") != 0, "--author"},
		{o->now != NULL, strcmp(cmd, "list") != 0, "--now"},
	};
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].given && !rules[i].allowed) {
			if (o->cmd)
				ew_warn("%s cannot be used with %s", rules[i].name, o->cmd);
			else
				ew_warn("%s cannot be used when evaluating", rules[i].name);
			return -1;
		}
	if (o->at && !o->dry && !o->nagios) {
		ew_warn("--at evaluates the past: use it with --dry-run (or --nagios)");
		return -1;
	}
	if (o->from_stdin && !o->dry && !o->nagios) {
		ew_warn("records from stdin (-) can only be evaluated with --dry-run or --nagios: they are not the repository's");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	struct ew_strv args = {0};
	int c, rc;

	ew_progname = "ew-alert";
	ew_i18n_init();
	/* a Nagios check exits 3 on any error, a usage error too */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--nagios") == 0)
			o.nagios = 1;
	/* what a monitoring system reads is in English, whatever the locale */
	if (o.nagios)
		setlocale(LC_MESSAGES, "C");
	while ((c = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (ew_chdir(optarg)) {
				if (o.nagios)
					nagios_unknown("cannot change to the directory given with -C");
				return o.nagios ? 3 : 2;
			}
			break;
		case 'h': return usage(stdout, 0);
		case O_AT: o.at = optarg; break;
		case O_AUTHOR: o.author = optarg; break;
		case O_DRY: o.dry = 1; break;
		case O_FOR: o.dur = optarg; break;
		case O_FORMAT: o.format = optarg; break;
		case O_JSON: o.format = "json"; break;
		case O_NAGIOS: o.nagios = 1; break;
		case O_NOTE: o.note = optarg; break;
		case O_NOW: o.now = optarg; break;
		case O_OPEN: o.open = 1; break;
		case O_REASON: o.reason = optarg; break;
		case O_RULES: o.rules = optarg; break;
		case O_VERSION: return ew_print_version();
		default: goto usage;
		}
	}
	/* --now is "now" for everything: rows, ids and commit times alike */
	if (o.now) {
		time_t t;
		if (ew_time_parse(o.now, &t) < 0) {
			ew_warn("invalid --now '%s' (expected an RFC 3339 time such as 2026-11-28T12:00:00Z)", o.now);
			goto usage;
		}
		setenv("EW_NOW", o.now, 1);
	}
	for (int i = optind; i < argc; i++)
		ew_strv_push(&args, ew_xstrdup(argv[i]));
	rc = 2;
	size_t want = 0;
	if (args.n && (strcmp(args.v[0], "ack") == 0 || strcmp(args.v[0], "resolve") == 0 ||
	    strcmp(args.v[0], "silence") == 0)) {
		o.cmd = args.v[0];
		want = 2;
		if (args.n < 2) {
			if (strcmp(o.cmd, "silence") == 0)
				ew_warn("%s needs a RULE or RULE:GROUP", o.cmd);
			else
				ew_warn("%s needs an alert ID", o.cmd);
			goto usage;
		}
		o.arg = args.v[1];
	} else if (args.n && strcmp(args.v[0], "list") == 0) {
		o.cmd = args.v[0];
		want = 1;
	} else if (args.n && strcmp(args.v[0], "-") == 0) {
		o.from_stdin = 1;
		want = 1;
	}
	if (args.n > want) {
		ew_warn("unexpected argument '%s'", args.v[want]);
		goto usage;
	}
	if (check_options(&o) < 0)
		goto usage;
	if (o.nagios)
		o.dry = 1;
	if (!o.cmd)
		rc = evaluate(&o);
	else if (strcmp(o.cmd, "list") == 0)
		rc = list(&o);
	else if (strcmp(o.cmd, "silence") == 0)
		rc = silence(&o);
	else
		rc = respond(&o);
	ew_strv_free(&args);
	return rc;
usage:
	ew_strv_free(&args);
	if (o.nagios)
		nagios_unknown("usage error; see ew-alert --help");
	return usage(stderr, o.nagios ? 3 : 2);
}
