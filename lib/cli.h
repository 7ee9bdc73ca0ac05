/*
 * cli.h - what every program's main shares: its name in messages, the
 * common options, FIELD=VALUE arguments, and a careful end of output.
 *
 * Unlike the rest of lib/, these functions print to stderr: they are the
 * programs' side of the library's error values.
 */
#ifndef EW_CLI_H
#define EW_CLI_H

#include "check.h"
#include "err.h"
#include "record.h"
#include "repo.h"

#ifndef EW_VERSION
#define EW_VERSION "0.1.0"
#endif

extern const char *ew_progname;

/*
 * "PROG: message" on stderr, as one line: control and bidirectional
 * characters, line breaks included, are shown escaped (ew_neutralise).
 */
void ew_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports e and returns 2, the exit status of an error. */
int ew_fail(const struct ew_err *e);
/* Prints each message of errs as "PROG: message"; returns 2. */
int ew_fail_all(const struct ew_strv *errs);

/* Prints "PROG (ew) VERSION" and returns 0. */
int ew_print_version(void);

/*
 * Applies -C DIR the way git does: the program runs in DIR, and EW_DIR no
 * longer applies. Returns 0 or 2 after reporting.
 */
int ew_chdir(const char *dir);

/*
 * Splits "field=value" at the first '='. Returns 0, or -1 when arg has no
 * '=' or an empty field name. field and value point into a copy the
 * caller frees through *copy.
 */
int ew_assignment(const char *arg, char **copy, char **field, char **value);

/* Fills a check context from an opened repository. */
int ew_check_init(struct ew_check *c, const struct ew_repo *r,
	struct ew_err *e);

/*
 * Flushes stdout. Returns 0, or 2 after reporting a write error (a closed
 * pipe is not one).
 */
int ew_finish_stdout(void);

#endif
