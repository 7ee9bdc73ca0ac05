/*
 * alert.h - the alert log (alerts.csv), the state of each alert it
 * records, and the transitions an evaluation of the rules makes.
 *
 * alerts.csv is append-only: one row per event (raised, escalated,
 * renotified, resolved, acknowledged, silence, notified), in the order
 * they happened. The state of an alert is what its rows say, read in
 * order. See ew-alert(1).
 */
#ifndef EW_ALERT_H
#define EW_ALERT_H

#include <time.h>

#include "err.h"
#include "rules.h"
#include "ulid.h"
#include "util.h"

enum ew_acol {
	EW_A_ID, EW_A_ALERT, EW_A_RULE, EW_A_GROUP, EW_A_LEVEL, EW_A_STATE,
	EW_A_TIME, EW_A_COUNT, EW_A_RECORDS, EW_A_WHO, EW_A_NOTE, EW_A_UNTIL,
	EW_A_NOTIFY, EW_A_NCOLS
};

/*
 * The notes of the resolutions ew alert makes itself; any other resolution
 * was made by someone (ew alert resolve).
 */
#define EW_NOTE_GONE "condition no longer holds"
#define EW_NOTE_REMOVED "rule removed"

/* The column names, in file order. */
extern const char *const ew_alert_columns[EW_A_NCOLS];

struct ew_arow {
	char *v[EW_A_NCOLS]; /* owned; "" when empty */
};

struct ew_alog {
	struct ew_arow *v;
	size_t n, cap;
	struct ew_ulid_gen gen; /* ids of new rows */
};

/*
 * Reads alerts.csv from buf (NULL or empty: no rows yet); name is used in
 * messages. Rows must have the header's columns.
 */
int ew_alog_parse(struct ew_alog *log, const char *buf, size_t len,
	const char *name, struct ew_err *e);
/* The file's bytes: the header, then every row. */
void ew_alog_format(const struct ew_alog *log, struct ew_buf *out);
/*
 * Appends a row with a new id, the given state and time (now); the other
 * columns are empty. The row is valid until the next append.
 */
struct ew_arow *ew_alog_append(struct ew_alog *log, const char *state,
	time_t now, struct ew_err *e);
void ew_arow_set(struct ew_arow *r, int col, const char *v);
void ew_alog_free(struct ew_alog *log);

/* One alert, as its rows say. Strings are borrowed from the log. */
struct ew_alert {
	const char *id, *rule, *group;
	int level;
	int open, acked, manual;   /* manual: resolved by someone */
	size_t first;              /* the row that raised it */
	size_t changed;            /* its latest row other than a delivery */
	size_t resolve_row;        /* the row that resolved it (when closed) */
	size_t notify_row;         /* latest row that asked for notifiers, or
	                              (size_t)-1 */
	int unnotified;            /* its latest raise, escalation or repeat
	                              was silenced */
	time_t last_notify;        /* time of notify_row, or 0 */
	struct ew_strv delivered;  /* notifiers that delivered notify_row */
};

struct ew_silence {
	const char *id, *rule, *group; /* group "": every group */
	time_t until;
};

/*
 * Two offices that evaluate the same records raise the same alert, each
 * with its own id; once their logs are merged, the later raise of a
 * (rule, group) that is already open is an alias of the open alert.
 */
struct ew_alias {
	const char *id;
	size_t to; /* index in v */
};

struct ew_astate {
	struct ew_alert *v;
	size_t n;
	struct ew_silence *s;
	size_t ns;
	struct ew_alias *alias;
	size_t nalias;
};

int ew_astate_build(struct ew_astate *st, const struct ew_alog *log,
	struct ew_err *e);
void ew_astate_free(struct ew_astate *st);
/* The open alert of (rule, group), or NULL. */
struct ew_alert *ew_astate_open(const struct ew_astate *st, const char *rule,
	const char *group);
/*
 * The alert whose id starts with prefix (any case). NULL with a message
 * when none or several do.
 */
struct ew_alert *ew_astate_find(const struct ew_astate *st,
	const char *prefix, struct ew_err *e);
/* The silence that covers (rule, group) at now, or NULL. */
const struct ew_silence *ew_astate_silence(const struct ew_astate *st,
	const char *rule, const char *group, time_t now);

/*
 * Appends the transitions that the results of the rules make at now to
 * the log, as who. When rules_complete is set, open alerts of rules that
 * no longer exist are resolved. Returns the number of rows added, or -1.
 */
long ew_alert_transitions(struct ew_alog *log, const struct ew_rules *rs,
	const struct ew_result *res, int rules_complete, time_t now,
	const char *who, struct ew_err *e);

/* A notification still to deliver: alert a's row through a notifier. */
struct ew_pending {
	const struct ew_alert *alert;
	size_t row;
	char *notifier;
};

/* The notifications not yet delivered. The caller frees *out. */
size_t ew_astate_pending(const struct ew_astate *st, const struct ew_alog *log,
	struct ew_pending **out);
void ew_pending_free(struct ew_pending *p, size_t n);

#endif
