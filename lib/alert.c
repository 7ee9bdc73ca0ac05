/* alert.c - see alert.h */
#include "alert.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "date.h"
#include "i18n.h"

/*
 * The header of alerts.csv. N_: a table (ew alert, ew alert list) shows
 * them translated.
 */
const char *const ew_alert_columns[EW_A_NCOLS] = {
	/* TRANSLATORS: the columns of an alert, shown translated only as the
	   short column headers of a table (ew alert list): keep them short */
	N_("id"), N_("alert"), N_("rule"), N_("group"), N_("level"),
	N_("state"), N_("time"), N_("count"), N_("records"), N_("who"),
	N_("note"), N_("until"), N_("notify")};

static void
free_row(struct ew_arow *r)
{
	for (int i = 0; i < EW_A_NCOLS; i++)
		free(r->v[i]);
}

void
ew_alog_free(struct ew_alog *log)
{
	for (size_t i = 0; i < log->n; i++)
		free_row(&log->v[i]);
	free(log->v);
	log->v = NULL;
	log->n = log->cap = 0;
}

static struct ew_arow *
new_row(struct ew_alog *log)
{
	if (log->n == log->cap) {
		log->cap = log->cap ? 2 * log->cap : 64;
		log->v = ew_xrealloc(log->v, log->cap * sizeof *log->v);
	}
	struct ew_arow *r = &log->v[log->n++];
	for (int i = 0; i < EW_A_NCOLS; i++)
		r->v[i] = ew_xstrdup("");
	return r;
}

void
ew_arow_set(struct ew_arow *r, int col, const char *v)
{
	free(r->v[col]);
	r->v[col] = ew_xstrdup(v ? v : "");
}

int
ew_alog_parse(struct ew_alog *log, const char *buf, size_t len,
	const char *name, struct ew_err *e)
{
	struct ew_csv *in;
	struct ew_row *row;
	int idx[EW_A_NCOLS], got, rc = 0, header = 1;

	memset(log, 0, sizeof *log);
	if (!buf || !len)
		return 0;
	in = ew_csv_open_mem(buf, len, name);
	while ((got = ew_csv_next(in, &row, e)) > 0) {
		if (header) {
			header = 0;
			for (int c = 0; c < EW_A_NCOLS; c++) {
				idx[c] = ew_row_index(row, ew_alert_columns[c]);
				if (idx[c] < 0) {
					rc = ew_errf(e, "%s:%lu: no column '%s' in the header", name, row->line, ew_alert_columns[c]);
					break;
				}
			}
			if (rc == 0 && row->n != EW_A_NCOLS)
				rc = ew_errf(e, "%s:%lu: expected the %d columns of an alert log", name, row->line, EW_A_NCOLS);
			if (rc < 0)
				break;
			continue;
		}
		if (row->n != EW_A_NCOLS) {
			rc = ew_errf(e, "%s:%lu: %zu fields, expected %d", name, row->line, row->n, EW_A_NCOLS);
			break;
		}
		struct ew_arow *r = new_row(log);
		for (int c = 0; c < EW_A_NCOLS; c++)
			ew_arow_set(r, c, row->f[idx[c]]);
	}
	ew_csv_close(in);
	if (got < 0)
		rc = -1;
	if (rc < 0)
		ew_alog_free(log);
	return rc;
}

void
ew_alog_format(const struct ew_alog *log, struct ew_buf *out)
{
	for (int c = 0; c < EW_A_NCOLS; c++) {
		if (c)
			ew_buf_addc(out, ',');
		ew_csv_put(out, ew_alert_columns[c], strlen(ew_alert_columns[c]));
	}
	ew_buf_addc(out, '\n');
	for (size_t i = 0; i < log->n; i++) {
		for (int c = 0; c < EW_A_NCOLS; c++) {
			if (c)
				ew_buf_addc(out, ',');
			ew_csv_put(out, log->v[i].v[c], strlen(log->v[i].v[c]));
		}
		ew_buf_addc(out, '\n');
	}
}

struct ew_arow *
ew_alog_append(struct ew_alog *log, const char *state, time_t now,
	struct ew_err *e)
{
	char id[27], when[21];

	if (ew_ulid_next(&log->gen, (uint64_t)now * 1000, id, e) < 0)
		return NULL;
	ew_time_format(now, when);
	struct ew_arow *r = new_row(log);
	ew_arow_set(r, EW_A_ID, id);
	ew_arow_set(r, EW_A_STATE, state);
	ew_arow_set(r, EW_A_TIME, when);
	return r;
}

/* ---- state ---- */

static void
split_list(const char *v, struct ew_strv *out)
{
	const char *p = v;

	while (*p) {
		const char *q = strchr(p, ';');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		if (n)
			ew_strv_push(out, ew_xstrndup(p, n));
		p += n + (q != NULL);
	}
}

static int
in_list(const struct ew_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

static struct ew_alert *
find_id(const struct ew_astate *st, const char *id)
{
	/* the latest first: the rows of recent alerts are the common case */
	for (size_t i = st->n; i-- > 0;)
		if (strcmp(st->v[i].id, id) == 0)
			return &st->v[i];
	for (size_t i = 0; i < st->nalias; i++)
		if (strcmp(st->alias[i].id, id) == 0)
			return &st->v[st->alias[i].to];
	return NULL;
}

void
ew_astate_free(struct ew_astate *st)
{
	for (size_t i = 0; i < st->n; i++)
		ew_strv_free(&st->v[i].delivered);
	free(st->v);
	free(st->s);
	free(st->alias);
	memset(st, 0, sizeof *st);
}

int
ew_astate_build(struct ew_astate *st, const struct ew_alog *log,
	struct ew_err *e)
{
	memset(st, 0, sizeof *st);
	for (size_t i = 0; i < log->n; i++) {
		char *const *v = log->v[i].v;
		const char *state = v[EW_A_STATE];
		time_t t;
		if (ew_time_parse(v[EW_A_TIME], &t) < 0) {
			ew_errf(e, "alerts.csv: row %zu: invalid time '%s'", i + 2, v[EW_A_TIME]);
			ew_astate_free(st);
			return -1;
		}
		if (strcmp(state, "silence") == 0) {
			time_t until;
			if (ew_time_parse(v[EW_A_UNTIL], &until) < 0) {
				ew_errf(e, "alerts.csv: row %zu: invalid until '%s'", i + 2, v[EW_A_UNTIL]);
				ew_astate_free(st);
				return -1;
			}
			st->s = ew_xrealloc(st->s, (st->ns + 1) * sizeof *st->s);
			st->s[st->ns++] = (struct ew_silence){v[EW_A_ID], v[EW_A_RULE], v[EW_A_GROUP], until};
			continue;
		}
		struct ew_alert *a = find_id(st, v[EW_A_ALERT]);
		struct ew_alert *twin = !a && strcmp(state, "raised") == 0
			? ew_astate_open(st, v[EW_A_RULE], v[EW_A_GROUP]) : NULL;
		if (twin) {
			/* raised elsewhere too (a merged log): the same alert */
			st->alias = ew_xrealloc(st->alias, (st->nalias + 1) * sizeof *st->alias);
			st->alias[st->nalias++] = (struct ew_alias){v[EW_A_ALERT], (size_t)(twin - st->v)};
			int lv = ew_level_parse(v[EW_A_LEVEL]);
			if (lv > twin->level)
				twin->level = lv;
			continue;
		}
		if (strcmp(state, "raised") == 0 || !a) {
			if (a || !*v[EW_A_ALERT]) {
				if (a)
					ew_errf(e, "alerts.csv: row %zu: duplicate alert id '%s'", i + 2, v[EW_A_ALERT]);
				else
					ew_errf(e, "alerts.csv: row %zu: missing alert id '%s'", i + 2, v[EW_A_ALERT]);
				ew_astate_free(st);
				return -1;
			}
			st->v = ew_xrealloc(st->v, (st->n + 1) * sizeof *st->v);
			a = &st->v[st->n++];
			memset(a, 0, sizeof *a);
			a->id = v[EW_A_ALERT];
			a->rule = v[EW_A_RULE];
			a->group = v[EW_A_GROUP];
			a->first = i;
			a->notify_row = (size_t)-1;
			a->open = 1;
		}
		if (strcmp(state, "notified") != 0)
			a->changed = i;
		int lv = ew_level_parse(v[EW_A_LEVEL]);
		if (lv >= 0)
			a->level = lv;
		if (strcmp(state, "raised") == 0 || strcmp(state, "escalated") == 0 ||
		    strcmp(state, "renotified") == 0 || strcmp(state, "resolved") == 0) {
			if (strcmp(state, "resolved") == 0) {
				a->open = 0;
				a->resolve_row = i;
				a->manual = strcmp(v[EW_A_NOTE], EW_NOTE_GONE) != 0 &&
					strcmp(v[EW_A_NOTE], EW_NOTE_REMOVED) != 0;
			} else {
				a->unnotified = !*v[EW_A_NOTIFY];
			}
			if (strcmp(state, "escalated") == 0)
				a->acked = 0;
			if (*v[EW_A_NOTIFY]) {
				a->notify_row = i;
				a->last_notify = t;
				ew_strv_free(&a->delivered);
			}
		} else if (strcmp(state, "acknowledged") == 0) {
			a->acked = 1;
		} else if (strcmp(state, "notified") == 0) {
			if (!in_list(&a->delivered, v[EW_A_NOTIFY]))
				ew_strv_push(&a->delivered, ew_xstrdup(v[EW_A_NOTIFY]));
		} else {
			ew_errf(e, "alerts.csv: row %zu: unknown state '%s'", i + 2, state);
			ew_astate_free(st);
			return -1;
		}
	}
	return 0;
}

struct ew_alert *
ew_astate_open(const struct ew_astate *st, const char *rule, const char *group)
{
	for (size_t i = st->n; i-- > 0;)
		if (st->v[i].open && strcmp(st->v[i].rule, rule) == 0 &&
		    strcmp(st->v[i].group, group) == 0)
			return &st->v[i];
	return NULL;
}

/* The latest alert of (rule, group), open or not. */
static struct ew_alert *
latest(const struct ew_astate *st, const char *rule, const char *group)
{
	for (size_t i = st->n; i-- > 0;)
		if (strcmp(st->v[i].rule, rule) == 0 && strcmp(st->v[i].group, group) == 0)
			return &st->v[i];
	return NULL;
}

struct ew_alert *
ew_astate_find(const struct ew_astate *st, const char *prefix, struct ew_err *e)
{
	struct ew_alert *found = NULL;
	size_t n = strlen(prefix), count = 0;

	if (!ew_ulid_prefix_valid(prefix)) {
		ew_errf(e, "invalid alert id '%s' (expected an id as 'ew alert list' prints it, or the start of one)", prefix);
		return NULL;
	}
	for (size_t i = 0; i < st->n; i++)
		if (strncasecmp(st->v[i].id, prefix, n) == 0) {
			found = &st->v[i];
			count++;
		}
	/* the id another office gave the same alert */
	for (size_t i = 0; i < st->nalias; i++)
		if (strncasecmp(st->alias[i].id, prefix, n) == 0 &&
		    found != &st->v[st->alias[i].to]) {
			found = &st->v[st->alias[i].to];
			count++;
		}
	if (count == 0)
		ew_errf(e, "no alert '%s' (see 'ew alert list')", prefix);
	else if (count > 1)
		ew_errf(e, "alert id '%s' is ambiguous: %zu alerts start with it; give more characters", prefix, count);
	return count == 1 ? found : NULL;
}

const struct ew_silence *
ew_astate_silence(const struct ew_astate *st, const char *rule,
	const char *group, time_t now)
{
	for (size_t i = st->ns; i-- > 0;) {
		const struct ew_silence *s = &st->s[i];
		if (s->until > now && strcmp(s->rule, rule) == 0 &&
		    (!*s->group || strcmp(s->group, group) == 0))
			return s;
	}
	return NULL;
}

/* ---- transitions ---- */

static char *
join_ids(const struct ew_strv *ids)
{
	struct ew_buf b = {0};

	for (size_t i = 0; i < ids->n; i++) {
		if (i)
			ew_buf_addc(&b, ';');
		ew_buf_adds(&b, ids->v[i]);
	}
	return ew_buf_detach(&b);
}


/* 1 when every id of ids is in the ';'-list have (n log n, not n * m). */
static int
all_in(const struct ew_strv *ids, const char *have)
{
	struct ew_strv h = {0};
	int ok = 1;

	split_list(have, &h);
	if (h.n)
		qsort(h.v, h.n, sizeof *h.v, ew_str_cmp);
	for (size_t i = 0; ok && i < ids->n; i++)
		ok = h.n && bsearch(&ids->v[i], h.v, h.n, sizeof *h.v, ew_str_cmp) != NULL;
	ew_strv_free(&h);
	return ok;
}

/* What a transition row carries besides its state. */
struct change {
	const char *alert, *rule, *group;
	int level;
	long value;
	const struct ew_strv *ids;
	const char *note, *notify;
};

static int
add_row(struct ew_alog *log, const char *state, const struct change *c,
	time_t now, const char *who, struct ew_err *e)
{
	char alert[27], count[32];
	struct ew_arow *r = ew_alog_append(log, state, now, e);

	if (!r)
		return -1;
	if (c->alert) {
		ew_arow_set(r, EW_A_ALERT, c->alert);
	} else {
		/* a new alert: its id is the id of the row that raises it */
		memcpy(alert, r->v[EW_A_ID], sizeof alert);
		ew_arow_set(r, EW_A_ALERT, alert);
	}
	ew_arow_set(r, EW_A_RULE, c->rule);
	ew_arow_set(r, EW_A_GROUP, c->group);
	ew_arow_set(r, EW_A_LEVEL, ew_level_name(c->level));
	snprintf(count, sizeof count, "%ld", c->value);
	ew_arow_set(r, EW_A_COUNT, count);
	if (c->ids) {
		char *ids = join_ids(c->ids);
		ew_arow_set(r, EW_A_RECORDS, ids);
		free(ids);
	}
	ew_arow_set(r, EW_A_WHO, who);
	ew_arow_set(r, EW_A_NOTE, c->note);
	ew_arow_set(r, EW_A_NOTIFY, c->notify);
	return 0;
}

static const struct ew_hit *
find_hit(const struct ew_result *res, const char *key)
{
	size_t lo = 0, hi = res->nhits;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(res->hits[mid].key, key);
		if (c == 0)
			return &res->hits[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The transitions of one rule that could be evaluated. */
static int
rule_transitions(struct ew_alog *log, const struct ew_astate *st,
	const struct ew_rule *r, const struct ew_result *res, time_t now,
	const char *who, struct ew_err *e)
{
	struct ew_buf notify = {0};

	for (size_t i = 0; i < r->notify.n; i++) {
		if (i)
			ew_buf_addc(&notify, ';');
		ew_buf_adds(&notify, r->notify.v[i]);
	}
	const char *all = notify.s ? notify.s : "";
	int rc = 0;
	for (size_t h = 0; rc == 0 && h < res->nhits; h++) {
		const struct ew_hit *hit = &res->hits[h];
		if (hit->level < 0)
			continue;
		const struct ew_silence *sil = ew_astate_silence(st, r->name, hit->key, now);
		char *note = NULL;
		if (sil) {
			char until[21];
			ew_time_format(sil->until, until);
			note = ew_xasprintf("silenced until %s (%s)", until, sil->id);
		}
		struct change c = {NULL, r->name, hit->key, hit->level, hit->value,
			&hit->ids, note ? note : "", sil ? "" : all};
		struct ew_alert *a = ew_astate_open(st, r->name, hit->key);
		if (a) {
			c.alert = a->id;
			if (hit->level > a->level) {
				rc = add_row(log, "escalated", &c, now, who, e);
			} else if (!a->acked && !sil && r->notify.n &&
			    (a->unnotified || a->notify_row == (size_t)-1 ||
			     (r->repeat && now - a->last_notify >= r->repeat))) {
				c.level = a->level;
				rc = add_row(log, "renotified", &c, now, who, e);
			}
		} else {
			struct ew_alert *prev = latest(st, r->name, hit->key);
			if (!(prev && prev->manual &&
			      all_in(&hit->ids, log->v[prev->resolve_row].v[EW_A_RECORDS])))
				rc = add_row(log, "raised", &c, now, who, e);
		}
		free(note);
	}
	/* open alerts whose condition is gone */
	for (size_t i = 0; rc == 0 && i < st->n; i++) {
		const struct ew_alert *a = &st->v[i];
		if (!a->open || strcmp(a->rule, r->name) != 0)
			continue;
		const struct ew_hit *hit = find_hit(res, a->group);
		if (hit && hit->level >= 0)
			continue;
		int silenced = ew_astate_silence(st, r->name, a->group, now) != NULL;
		struct change c = {a->id, a->rule, a->group, a->level,
			hit ? hit->value : 0, hit ? &hit->ids : NULL,
			EW_NOTE_GONE, silenced ? "" : all};
		rc = add_row(log, "resolved", &c, now, who, e);
	}
	ew_buf_free(&notify);
	return rc;
}

long
ew_alert_transitions(struct ew_alog *log, const struct ew_rules *rs,
	const struct ew_result *res, int rules_complete, time_t now,
	const char *who, struct ew_err *e)
{
	struct ew_astate st;
	size_t before = log->n;
	int rc = 0;

	if (ew_astate_build(&st, log, e) < 0)
		return -1;
	for (size_t k = 0; rc == 0 && k < rs->n; k++)
		if (!res[k].failed)
			rc = rule_transitions(log, &st, &rs->v[k], &res[k], now, who, e);
	for (size_t i = 0; rc == 0 && rules_complete && i < st.n; i++) {
		const struct ew_alert *a = &st.v[i];
		if (!a->open || ew_rules_find(rs, a->rule) >= 0)
			continue;
		struct change c = {a->id, a->rule, a->group, a->level, 0, NULL,
			EW_NOTE_REMOVED, ""};
		rc = add_row(log, "resolved", &c, now, who, e);
	}
	ew_astate_free(&st);
	return rc < 0 ? -1 : (long)(log->n - before);
}

size_t
ew_astate_pending(const struct ew_astate *st, const struct ew_alog *log,
	struct ew_pending **out)
{
	size_t n = 0;

	*out = NULL;
	for (size_t i = 0; i < st->n; i++) {
		const struct ew_alert *a = &st->v[i];
		if (a->notify_row == (size_t)-1)
			continue;
		/* a closed alert: only the news of its resolution is still due */
		if (!a->open && a->notify_row != a->resolve_row)
			continue;
		const char *list = log->v[a->notify_row].v[EW_A_NOTIFY];
		for (const char *p = list; *p;) {
			const char *q = strchr(p, ';');
			size_t len = q ? (size_t)(q - p) : strlen(p);
			int done = 0;
			for (size_t d = 0; d < a->delivered.n; d++)
				if (strlen(a->delivered.v[d]) == len &&
				    strncmp(a->delivered.v[d], p, len) == 0)
					done = 1;
			for (size_t d = 0; d < n; d++) /* named twice in the row */
				if ((*out)[d].alert == a && strlen((*out)[d].notifier) == len &&
				    strncmp((*out)[d].notifier, p, len) == 0)
					done = 1;
			if (len && !done) {
				*out = ew_xrealloc(*out, (n + 1) * sizeof **out);
				(*out)[n++] = (struct ew_pending){a, a->notify_row, ew_xstrndup(p, len)};
			}
			p += len + (q != NULL);
		}
	}
	return n;
}

void
ew_pending_free(struct ew_pending *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].notifier);
	free(p);
}
