/*
 * rules.h - alert rules (rules.conf) and their evaluation over records.
 *
 * A rule counts the records that match a jq condition within a time
 * window, grouped by one or more columns, and fires for a group whose
 * count (or sum of a column) reaches its threshold; higher thresholds
 * may raise the level. See ew-rules(5).
 *
 * The jq conditions are untrusted. They run in a child process confined
 * by jqf.h (CPU time per rule, memory for the process); a rule that fails
 * or goes past a limit is reported as failed and the others still run.
 */
#ifndef EW_RULES_H
#define EW_RULES_H

#include <time.h>

#include "err.h"
#include "record.h"
#include "util.h"

enum ew_level { EW_INFO, EW_YELLOW, EW_ORANGE, EW_RED, EW_NLEVELS };

/* "info", "yellow", "orange", "red". */
const char *ew_level_name(int level);
/* The level called s, or -1. */
int ew_level_parse(const char *s);

struct ew_rule {
	char *name, *where, *description;
	int level;                    /* the level at threshold */
	long threshold;
	int esc_level[EW_NLEVELS];    /* escalations, rising */
	long esc_at[EW_NLEVELS];
	size_t nesc;
	long window, repeat;          /* seconds; repeat 0: never */
	char *window_text;            /* as written, for messages */
	size_t *group;                /* columns of the group key */
	size_t ngroup;
	int sum;                      /* column summed, or -1: count */
	struct ew_strv notify;        /* notifier names */
	char *broken;                 /* why it cannot be evaluated, or NULL */
};

struct ew_rules {
	struct ew_rule *v;
	size_t n;
	long max_window;
};

/*
 * Reads the rules in the git-config file at path (label names it in
 * messages, e.g. "rules.conf"). A file that cannot be read or parsed
 * gives -1. A rule with a problem is kept, marked broken, so that the
 * others still run; every problem goes to problems as
 * "LABEL: rule 'NAME': what".
 */
int ew_rules_load(struct ew_rules *rs, const char *path, const char *label,
	const struct ew_schema *s, struct ew_strv *problems, struct ew_err *e);
void ew_rules_free(struct ew_rules *rs);
/* The index of the rule called name, or -1. */
int ew_rules_find(const struct ew_rules *rs, const char *name);

/* The level a value reaches under rule r, or -1 below its threshold. */
int ew_rule_level(const struct ew_rule *r, long value);

/* 1 when a record is counted at all: its status is not false or duplicate. */
int ew_rule_counts(const struct ew_record *rec);

/* One group of the records a rule matched. */
struct ew_hit {
	char *key;                /* values of the group-by columns, '/'-joined
	                             (see ew_rule_key) */
	long value;               /* count, or sum */
	int level;                /* -1: below the threshold */
	struct ew_strv ids;       /* the records counted, in shard order */
};

/* What one rule gave. */
struct ew_result {
	int failed;               /* the rule could not be evaluated */
	char *why;                /* and why */
	struct ew_hit *hits;      /* sorted by key */
	size_t nhits;
};

/*
 * Evaluates every rule at now over recs[0..n) (sorted by event_date and
 * id, those the rules' windows may need). res gets rs->n results. Returns
 * 0, or -1 when evaluation could not happen at all (not for a failed
 * rule, which its result says).
 */
int ew_rules_eval(const struct ew_rules *rs, struct ew_record *const *recs,
	size_t n, const struct ew_schema *s, time_t now, struct ew_result *res,
	struct ew_err *e);
void ew_results_free(struct ew_result *res, size_t n);

/*
 * The group key of a record under rule r (caller frees). A confidential
 * record gives EW_CONFIDENTIAL for a column it does not show (see
 * record.h): its group key names only its category and place.
 */
char *ew_rule_key(const struct ew_rule *r, const struct ew_record *rec);

#endif
