/* rules.c - see rules.h */
#include "rules.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "date.h"
#include "i18n.h"
#include "jqf.h"

static const char *const level_names[EW_NLEVELS] = {"info", "yellow",
	"orange", "red"};

const char *
ew_level_name(int level)
{
	return level >= 0 && level < EW_NLEVELS ? level_names[level] : "";
}

int
ew_level_parse(const char *s)
{
	for (int i = 0; i < EW_NLEVELS; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

int
ew_rule_level(const struct ew_rule *r, long value)
{
	int level = value >= r->threshold ? r->level : -1;

	for (size_t i = 0; i < r->nesc; i++)
		if (value >= r->esc_at[i])
			level = r->esc_level[i];
	return level;
}

int
ew_rule_counts(const struct ew_record *rec)
{
	const char *st = rec->v[EW_C_STATUS];
	return strcmp(st, "false") != 0 && strcmp(st, "duplicate") != 0;
}

int
ew_rules_find(const struct ew_rules *rs, const char *name)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
valid_name(const char *s)
{
	if (!*s || strchr(".-_", *s))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._-", *s)))
			return 0;
	return 1;
}

static void
free_rule(struct ew_rule *r)
{
	free(r->name);
	free(r->where);
	free(r->description);
	free(r->window_text);
	free(r->broken);
	free(r->group);
	ew_strv_free(&r->notify);
}

void
ew_rules_free(struct ew_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free_rule(&rs->v[i]);
	free(rs->v);
	memset(rs, 0, sizeof *rs);
}

static const char *const keys[] = {"description", "level", "threshold",
	"escalate", "where", "window", "group-by", "sum", "repeat", "notify",
	NULL};

/* Splits a list on commas and blanks into out. */
static void
split_words(const char *v, struct ew_strv *out)
{
	char *copy = ew_xstrdup(v), *save = NULL;

	for (char *w = strtok_r(copy, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save))
		ew_strv_push(out, ew_xstrdup(w));
	free(copy);
}

/* The rule being read, and where its problems go. */
struct loader {
	const char *label;
	const struct ew_schema *schema;
	struct ew_strv *errs;
	int level_set;
};

static int
problem(struct loader *L, struct ew_rule *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Notes a problem of rule r, which will not be evaluated. */
static int
problem(struct loader *L, struct ew_rule *r, const char *fmt, ...)
{
	struct ew_buf b = {0};
	va_list ap;

	va_start(ap, fmt);
	ew_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	ew_strv_push(L->errs, ew_xasprintf(_("%s: rule '%s': %s"), L->label, r->name, b.s));
	if (!r->broken)
		r->broken = ew_buf_detach(&b);
	ew_buf_free(&b);
	return -1;
}

static int
column_hint(struct loader *L, struct ew_rule *r, const char *key,
	const char *name)
{
	struct ew_near near;

	ew_near_init(&near, name);
	for (size_t i = 0; i < L->schema->n; i++)
		ew_near_consider(&near, L->schema->cols[i].name);
	const char *best = ew_near_done(&near);
	if (best)
		return problem(L, r, _("unknown column '%s' in %s (did you mean '%s'?)"), name, key, best);
	return problem(L, r, _("unknown column '%s' in %s (see ew-data(5) for the columns)"), name, key);
}

static int
set_duration(struct loader *L, struct ew_rule *r, const char *key,
	const char *v, long *out)
{
	if (ew_duration_parse(v, out) < 0 || *out <= 0)
		return problem(L, r, _("invalid %s '%s' (expected a duration such as 30m, 24h, 7d, 2w)"), key, v);
	return 0;
}

static int
set_key(struct loader *L, struct ew_rule *r, const char *key, const char *v)
{
	long n;

	if (strcmp(key, "description") == 0) {
		if (strchr(v, '\n'))
			return problem(L, r, _("description must be one line"));
		free(r->description);
		r->description = ew_xstrdup(v);
	} else if (strcmp(key, "level") == 0) {
		L->level_set = 1; /* given: a bad one is not also missing */
		if ((r->level = ew_level_parse(v)) < 0)
			return problem(L, r, _("invalid level '%s' (expected one of: info, yellow, orange, red)"), v);
	} else if (strcmp(key, "threshold") == 0) {
		if (!ew_parse_int(v, 1, LONG_MAX / 2, &n))
			return problem(L, r, _("invalid threshold '%s' (expected a whole number, 1 or more)"), v);
		r->threshold = n;
	} else if (strcmp(key, "escalate") == 0) {
		struct ew_strv w = {0};
		int lv = -1, rc = 0;
		split_words(v, &w);
		if (w.n != 2 || (lv = ew_level_parse(w.v[0])) < 0 ||
		    !ew_parse_int(w.v[1], 1, LONG_MAX / 2, &n))
			rc = problem(L, r, _("invalid escalate '%s' (expected a level and a number, e.g. 'red 5')"), v);
		ew_strv_free(&w);
		if (rc < 0)
			return rc;
		if (r->nesc == EW_NLEVELS)
			return problem(L, r, _("too many escalate lines"));
		r->esc_level[r->nesc] = lv;
		r->esc_at[r->nesc] = n;
		r->nesc++;
	} else if (strcmp(key, "where") == 0) {
		free(r->where);
		r->where = ew_xstrdup(v);
	} else if (strcmp(key, "window") == 0) {
		if (set_duration(L, r, key, v, &r->window) < 0) {
			r->window = -1; /* given: a bad one is not also missing */
			return -1;
		}
		free(r->window_text);
		r->window_text = ew_xstrdup(v);
	} else if (strcmp(key, "repeat") == 0) {
		return set_duration(L, r, key, v, &r->repeat);
	} else if (strcmp(key, "group-by") == 0) {
		struct ew_strv w = {0};
		int rc = 0;
		split_words(v, &w);
		free(r->group);
		r->group = ew_xcalloc(w.n + 1, sizeof *r->group);
		r->ngroup = 0;
		for (size_t i = 0; rc == 0 && i < w.n; i++) {
			int c = ew_schema_col(L->schema, w.v[i]);
			if (c < 0)
				rc = column_hint(L, r, key, w.v[i]);
			else
				r->group[r->ngroup++] = (size_t)c;
		}
		ew_strv_free(&w);
		return rc;
	} else if (strcmp(key, "sum") == 0) {
		int c = ew_schema_col(L->schema, v);
		if (c < 0)
			return column_hint(L, r, key, v);
		enum ew_coltype t = L->schema->cols[c].type;
		if (t != EW_T_COUNT && t != EW_T_SEVERITY)
			return problem(L, r, _("cannot sum '%s' (expected a count such as killed, injured, abducted, displaced, or severity)"), v);
		r->sum = c;
	} else if (strcmp(key, "notify") == 0) {
		struct ew_strv w = {0};
		int rc = 0;
		split_words(v, &w);
		for (size_t i = 0; i < w.n; i++) {
			if (!valid_name(w.v[i])) {
				rc = problem(L, r, _("invalid notifier name '%s' (letters, digits, '.', '_' and '-')"), w.v[i]);
				continue;
			}
			size_t k;
			for (k = 0; k < r->notify.n && strcmp(r->notify.v[k], w.v[i]) != 0; k++)
				;
			if (k < r->notify.n)
				continue; /* named twice: notified once */
			ew_strv_push(&r->notify, w.v[i]);
			w.v[i] = NULL;
		}
		ew_strv_free(&w);
		return rc;
	} else {
		struct ew_near near;
		ew_near_init(&near, key);
		for (size_t i = 0; keys[i]; i++)
			ew_near_consider(&near, keys[i]);
		const char *best = ew_near_done(&near);
		if (best)
			return problem(L, r, _("unknown key '%s' (did you mean '%s'?)"), key, best);
		return problem(L, r, _("unknown key '%s' (see ew-rules(5))"), key);
	}
	return 0;
}

static int
cmp_esc(const struct ew_rule *r, size_t a, size_t b)
{
	return r->esc_at[a] < r->esc_at[b] ? -1 : r->esc_at[a] > r->esc_at[b];
}

/* What must hold once every key of a rule is read. */
static int
finish_rule(struct loader *L, struct ew_rule *r)
{
	int rc = 0;

	if (!L->level_set)
		rc = problem(L, r, _("no level (add 'level = yellow', or info, orange, red)"));
	if (!r->window)
		rc = problem(L, r, _("no window (add e.g. 'window = 7d')"));
	/* escalations in rising order of threshold (a few: insertion sort) */
	for (size_t i = 1; i < r->nesc; i++)
		for (size_t j = i; j > 0 && cmp_esc(r, j - 1, j) > 0; j--) {
			int lv = r->esc_level[j];
			long at = r->esc_at[j];
			r->esc_level[j] = r->esc_level[j - 1];
			r->esc_at[j] = r->esc_at[j - 1];
			r->esc_level[j - 1] = lv;
			r->esc_at[j - 1] = at;
		}
	int prev = r->level;
	long prev_at = r->threshold;
	for (size_t i = 0; rc == 0 && L->level_set && i < r->nesc; i++) {
		if (r->esc_at[i] <= prev_at || r->esc_level[i] <= prev)
			rc = problem(L, r, _("escalate '%s %ld' must be a higher level at a higher number than %s at %ld"),
				ew_level_name(r->esc_level[i]), r->esc_at[i],
				ew_level_name(prev), prev_at);
		prev = r->esc_level[i];
		prev_at = r->esc_at[i];
	}
	return rc;
}

int
ew_rules_load(struct ew_rules *rs, const char *path, const char *label,
	const struct ew_schema *s, struct ew_strv *errs, struct ew_err *e)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *ent;
	struct loader L = {label, s, errs, 0};
	/* per rule: whether its level was set */
	int *level_set = NULL;
	int rc;

	memset(rs, 0, sizeof *rs);
	if (access(path, R_OK) < 0)
		return ew_errf(e, "%s: cannot read: %s", label, strerror(errno));
	if (git_config_open_ondisk(&cfg, path) < 0 ||
	    git_config_iterator_new(&it, cfg) < 0) {
		const git_error *ge = git_error_last();
		ew_errf(e, "%s: %s", label, ge ? ge->message : _("cannot parse"));
		git_config_free(cfg);
		return -1;
	}
	while ((rc = git_config_next(&ent, it)) == 0) {
		const char *name = ent->name, *dot1 = strchr(name, '.');
		const char *dot2 = strrchr(name, '.');
		if (!dot1 || strncmp(name, "rule.", 5) != 0) {
			int len = dot1 ? (int)(dot1 - name) : (int)strlen(name);
			char *msg = ew_xasprintf(_("%s: unknown section '%.*s' (only [rule \"NAME\"] sections belong here)"), label, len, name);
			size_t k; /* once a section, not once a key */
			for (k = 0; k < errs->n && strcmp(errs->v[k], msg) != 0; k++)
				;
			if (k < errs->n)
				free(msg);
			else
				ew_strv_push(errs, msg);
			continue;
		}
		if (dot2 == dot1) {
			ew_strv_push(errs, ew_xasprintf(_("%s: '%s' is outside a rule (write [rule \"NAME\"])"), label, name));
			continue;
		}
		char *rname = ew_xstrndup(dot1 + 1, (size_t)(dot2 - dot1 - 1));
		int k = ew_rules_find(rs, rname);
		if (k < 0) {
			rs->v = ew_xrealloc(rs->v, (rs->n + 1) * sizeof *rs->v);
			level_set = ew_xrealloc(level_set, (rs->n + 1) * sizeof *level_set);
			struct ew_rule *r = &rs->v[rs->n];
			memset(r, 0, sizeof *r);
			r->name = rname;
			r->threshold = 1;
			r->sum = -1;
			level_set[rs->n] = 0;
			k = (int)rs->n++;
			if (!valid_name(rname))
				problem(&L, r, _("invalid rule name (letters, digits, '.', '_' and '-', not first)"));
		} else {
			free(rname);
		}
		L.level_set = level_set[k];
		if (!ent->value) {
			struct ew_rule *r = &rs->v[k];
			problem(&L, r, _("'%s' has no value"), dot2 + 1);
		} else {
			set_key(&L, &rs->v[k], dot2 + 1, ent->value);
		}
		level_set[k] = L.level_set;
	}
	git_config_iterator_free(it);
	git_config_free(cfg);
	if (rc != GIT_ITEROVER) {
		const git_error *ge = git_error_last();
		ew_errf(e, "%s: %s", label, ge ? ge->message : _("cannot parse"));
		free(level_set);
		ew_rules_free(rs);
		return -1;
	}
	for (size_t i = 0; i < rs->n; i++) {
		L.level_set = level_set[i];
		finish_rule(&L, &rs->v[i]);
		if (!rs->v[i].broken && rs->v[i].window > rs->max_window)
			rs->max_window = rs->v[i].window;
	}
	free(level_set);
	return 0;
}

char *
ew_rule_key(const struct ew_rule *r, const struct ew_record *rec)
{
	struct ew_buf b = {0};
	int hide = ew_record_confidential(rec);

	ew_buf_adds(&b, "");
	for (size_t i = 0; i < r->ngroup; i++) {
		if (i)
			ew_buf_adds(&b, "/");
		ew_buf_adds(&b, ew_confidential_value(hide, r->group[i], rec->v[r->group[i]]));
	}
	return ew_buf_detach(&b);
}

/* ---- evaluation ---- */

/* Messages from the child that runs the jq conditions. */
enum { M_START = 1, M_MATCH, M_DONE, M_ERROR };

struct msg {
	int32_t kind, rule, idx, len; /* len: bytes of text after an error */
};

/* What the evaluation of one rule needs and gives. */
struct job {
	size_t lo, hi;          /* candidate records */
	size_t *match;          /* matching record indexes */
	size_t nmatch, cap;
	int state;              /* 0 to do, 1 done, 2 failed */
	char *why;
};

static void
push_match(struct job *j, size_t i)
{
	if (j->nmatch == j->cap) {
		j->cap = j->cap ? 2 * j->cap : 64;
		j->match = ew_xrealloc(j->match, j->cap * sizeof *j->match);
	}
	j->match[j->nmatch++] = i;
}

static void
send_msg(FILE *out, int kind, size_t rule, size_t idx, const char *text)
{
	struct msg m = {kind, (int32_t)rule, (int32_t)idx, 0};

	if (text)
		m.len = (int32_t)strlen(text);
	fwrite(&m, sizeof m, 1, out);
	if (text)
		fwrite(text, 1, (size_t)m.len, out);
}

/* The child: runs the conditions of rules from..n, reporting on fd. */
static void __attribute__((noreturn))
child(const struct ew_rules *rs, struct job *jobs, size_t from,
	struct ew_record *const *recs, const struct ew_schema *s, int fd,
	long secs, long mib)
{
	FILE *out = fdopen(fd, "w");
	jv *cache;

	if (!out)
		_exit(1);
	/* no orphan: this process holds the parent's locks too */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	size_t lo = SIZE_MAX, hi = 0;
	for (size_t k = from; k < rs->n; k++)
		if (rs->v[k].where && !jobs[k].state) {
			lo = jobs[k].lo < lo ? jobs[k].lo : lo;
			hi = jobs[k].hi > hi ? jobs[k].hi : hi;
		}
	cache = calloc(hi + 1, sizeof *cache);
	if (!cache)
		_exit(EW_JQ_EXIT_MEMORY);
	/* The records as jq values, made once for every rule, and before the
	   limits: this is ew's own work, not any rule's. */
	for (size_t i = lo; i < hi; i++)
		cache[i] = ew_record_jv(recs[i], s);
	ew_jq_confine(mib);
	for (size_t k = from; k < rs->n; k++) {
		const struct ew_rule *r = &rs->v[k];
		struct job *j = &jobs[k];
		struct ew_err e = {{0}};
		if (!r->where || j->state)
			continue;
		ew_jq_budget(secs);
		send_msg(out, M_START, k, 0, NULL);
		fflush(out);
		struct ew_jq *q = ew_jq_new(r->where, &e);
		if (!q) {
			ew_jq_budget(0);
			send_msg(out, M_ERROR, k, 0, e.msg);
			fflush(out);
			continue;
		}
		char *failed = NULL;
		size_t at = 0;
		for (size_t i = j->lo; !failed && i < j->hi; i++) {
			if (!ew_rule_counts(recs[i]))
				continue;
			int m = ew_jq_test(q, jv_copy(cache[i]), &e);
			if (m < 0) {
				/* jq's messages quote values: not those of a confidential record */
				failed = ew_record_confidential(recs[i])
					? ew_xasprintf(_("jq error on a confidential record; the message is not shown (record %s)"), recs[i]->v[EW_C_ID])
					: ew_xasprintf(_("%.300s (record %s)"), e.msg, recs[i]->v[EW_C_ID]);
				at = i;
			} else if (m > 0) {
				send_msg(out, M_MATCH, k, i, NULL);
			}
		}
		/* the rule's time is up: what follows is not its to pay */
		ew_jq_budget(0);
		if (failed)
			send_msg(out, M_ERROR, k, at, failed);
		else
			send_msg(out, M_DONE, k, 0, NULL);
		free(failed);
		fflush(out);
		ew_jq_free(q);
	}
	fflush(out);
	_exit(0);
}

static int
read_full(FILE *in, void *buf, size_t n)
{
	return n == 0 || fread(buf, 1, n, in) == n;
}

/* Runs a child from rule from on; fills jobs; returns the rule it was on
 * when it ended early, or -1 when it finished. */
static long
run_child(const struct ew_rules *rs, struct job *jobs, size_t from,
	struct ew_record *const *recs, const struct ew_schema *s, long secs,
	long mib, struct ew_err *e)
{
	int fds[2];
	pid_t pid;
	long current = -1;
	int status = 0;

	if ((pid = ew_fork_pipe(fds)) < 0)
		return ew_errf(e, "cannot start rule evaluation: %s", strerror(errno)), -2;
	if (pid == 0) {
		close(fds[0]);
		child(rs, jobs, from, recs, s, fds[1], secs, mib);
	}
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	struct msg m;
	while (in && read_full(in, &m, sizeof m)) {
		if (m.rule < (int32_t)from || (size_t)m.rule >= rs->n)
			break;
		struct job *j = &jobs[m.rule];
		if (m.kind != M_START && m.rule != current)
			break; /* out of step: the rule it was on is blamed */
		if (m.kind == M_START) {
			current = m.rule;
			j->nmatch = 0;
		} else if (m.kind == M_MATCH && m.idx >= 0 && (size_t)m.idx >= j->lo &&
		    (size_t)m.idx < j->hi) {
			push_match(j, (size_t)m.idx);
		} else if (m.kind == M_DONE) {
			j->state = 1;
			current = -1;
		} else if (m.kind == M_ERROR && m.len >= 0 && m.len < 4096) {
			char text[4096];
			if (!read_full(in, text, (size_t)m.len))
				break;
			text[m.len] = '\0';
			j->state = 2;
			j->why = ew_xstrdup(text);
			current = -1;
		} else {
			break;
		}
	}
	if (in)
		fclose(in);
	else
		close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (current < 0) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			return -1;
		/* ended between rules: blame the next one not done */
		for (size_t k = from; k < rs->n; k++)
			if (rs->v[k].where && !jobs[k].state) {
				current = (long)k;
				break;
			}
		if (current < 0)
			return -1;
	}
	struct job *j = &jobs[current];
	j->state = 2;
	if (WIFEXITED(status) && WEXITSTATUS(status) == EW_JQ_EXIT_TIME)
		j->why = ew_xasprintf(_("ran past its time limit (EW_JQ_TIMEOUT=%ld s of CPU)"), secs);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == EW_JQ_EXIT_MEMORY)
		j->why = ew_xasprintf(_("ran past its memory limit (EW_JQ_MEMORY=%ld MiB)"), mib);
	else if (WIFSIGNALED(status))
		j->why = ew_xasprintf(_("evaluation was stopped by signal %d (%s)"), WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		j->why = ew_xasprintf(_("evaluation ended unexpectedly (exit status %d)"), WEXITSTATUS(status));
	return current;
}

/* A record's place in a group: its key, then its position. */
struct keyed {
	char *key;
	size_t idx;
};

static int
cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static void
group_hits(const struct ew_rule *r, const struct job *j,
	struct ew_record *const *recs, struct ew_result *res)
{
	struct keyed *kv = ew_xcalloc(j->nmatch + 1, sizeof *kv);

	for (size_t i = 0; i < j->nmatch; i++) {
		kv[i].key = ew_rule_key(r, recs[j->match[i]]);
		kv[i].idx = j->match[i];
	}
	qsort(kv, j->nmatch, sizeof *kv, cmp_keyed);
	for (size_t a = 0, b; a < j->nmatch; a = b) {
		long value = 0;
		for (b = a; b < j->nmatch && strcmp(kv[a].key, kv[b].key) == 0; b++) {
			if (r->sum >= 0) {
				const char *v = recs[kv[b].idx]->v[r->sum];
				long x = *v ? strtol(v, NULL, 10) : 0;
				if (x > 0 && value < LONG_MAX - x)
					value += x;
			} else {
				value++;
			}
		}
		int level = ew_rule_level(r, value);
		res->hits = ew_xrealloc(res->hits, (res->nhits + 1) * sizeof *res->hits);
		struct ew_hit *h = &res->hits[res->nhits++];
		memset(h, 0, sizeof *h);
		h->key = ew_xstrdup(kv[a].key);
		h->value = value;
		h->level = level;
		for (size_t i = a; i < b; i++)
			ew_strv_push(&h->ids, ew_xstrdup(recs[kv[i].idx]->v[EW_C_ID]));
	}
	for (size_t i = 0; i < j->nmatch; i++)
		free(kv[i].key);
	free(kv);
}

/* The first record whose event_date is on or after day (recs sorted). */
static size_t
first_on_or_after(const long *days, size_t n, long day)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (days[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
ew_rules_eval(const struct ew_rules *rs, struct ew_record *const *recs,
	size_t n, const struct ew_schema *s, time_t now, struct ew_result *res,
	struct ew_err *e)
{
	struct job *jobs = ew_xcalloc(rs->n + 1, sizeof *jobs);
	long *days = ew_xcalloc(n + 1, sizeof *days);
	long today = ew_day_of(now), secs, mib;
	int rc = 0, need_child = 0;

	memset(res, 0, rs->n * sizeof *res);
	if (ew_jq_limits(&secs, &mib, e) < 0) {
		free(jobs);
		free(days);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (ew_date_parse(recs[i]->v[EW_C_EVENT_DATE], &days[i]) < 0)
			days[i] = LONG_MIN;
	size_t end = first_on_or_after(days, n, today + 1);
	for (size_t k = 0; k < rs->n; k++) {
		const struct ew_rule *r = &rs->v[k];
		struct job *j = &jobs[k];
		j->lo = first_on_or_after(days, end, ew_day_of(now - (time_t)r->window));
		j->hi = end;
		if (r->broken) {
			j->state = 2;
			j->why = ew_xstrdup(r->broken);
			continue;
		}
		if (r->where) {
			need_child = 1;
			continue;
		}
		for (size_t i = j->lo; i < j->hi; i++)
			if (ew_rule_counts(recs[i]))
				push_match(j, i);
		j->state = 1;
	}
	for (size_t from = 0; need_child && from < rs->n;) {
		long stop = run_child(rs, jobs, from, recs, s, secs, mib, e);
		if (stop == -2) {
			rc = -1;
			break;
		}
		if (stop < 0)
			break;
		from = (size_t)stop + 1;
	}
	for (size_t k = 0; rc == 0 && k < rs->n; k++) {
		struct job *j = &jobs[k];
		if (j->state == 1) {
			group_hits(&rs->v[k], j, recs, &res[k]);
		} else {
			res[k].failed = 1;
			res[k].why = j->why ? j->why : ew_xstrdup(_("was not evaluated"));
			j->why = NULL;
		}
	}
	for (size_t k = 0; k < rs->n; k++) {
		free(jobs[k].match);
		free(jobs[k].why);
	}
	free(jobs);
	free(days);
	if (rc < 0)
		ew_results_free(res, rs->n);
	return rc;
}

void
ew_results_free(struct ew_result *res, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < res[k].nhits; i++) {
			free(res[k].hits[i].key);
			ew_strv_free(&res[k].hits[i].ids);
		}
		free(res[k].hits);
		free(res[k].why);
		memset(&res[k], 0, sizeof res[k]);
	}
}
