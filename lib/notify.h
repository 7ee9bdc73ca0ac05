/*
 * notify.h - notifiers: commands that carry an alert to people.
 *
 * A notifier is configured as [notifier "NAME"] command = ... in the
 * repository's .git/config (local, for commands with secrets) or in
 * ew.conf (committed), unless .git/config says ew.shared-notifiers =
 * false: ew.conf travels with sync, and its commands are run. It runs under /bin/sh -c with the alert as one
 * JSON object on stdin and EW_ALERT_* variables; its stdout goes to
 * stderr. Exit status 0 means delivered.
 */
#ifndef EW_NOTIFY_H
#define EW_NOTIFY_H

#include "alert.h"
#include "err.h"
#include "repo.h"
#include "rules.h"

/*
 * EW_ALERT_RECORDS holds at most this many bytes of ids (whole ids), so
 * that it fits the kernel's limit on one environment string.
 */
#define EW_ALERT_RECORDS_MAX 32768

/* The command of notifier name; *cmd is NULL when it is not configured. */
int ew_notifier_command(struct ew_repo *r, const char *name, char **cmd,
	struct ew_err *e);

/*
 * One line about a transition row, for people: "RED attacks-cercle Niono:
 * 5 records in 7d (escalated)". rule may be NULL (no longer defined).
 */
char *ew_alert_summary(const struct ew_arow *row, const struct ew_rule *rule,
	const struct ew_schema *s);

/* The JSON object a notifier reads. */
char *ew_alert_json(const struct ew_arow *row, const struct ew_rule *rule,
	const char *summary, const char *notifier, const char *repo);

/*
 * Runs cmd in dir for a transition row, waiting at most timeout seconds.
 * Returns 0 when it exited 0, else -1 with what happened in e.
 */
int ew_notify_run(const char *cmd, const char *dir, const struct ew_arow *row,
	const char *json, const char *summary, const char *notifier,
	long timeout, struct ew_err *e);

#endif
