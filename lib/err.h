/*
 * err.h - errors returned by library code.
 *
 * Library functions never print or exit: they return -1 and describe the
 * problem in a struct ew_err, which the program reports as "PROG: MESSAGE"
 * on one line (ew_warn in cli.h). A message may quote values as they came
 * (a record's field, a remote's or jq's words): they are neutralised where
 * messages are printed, with ew_neutralise (util.h), not where they are
 * made.
 */
#ifndef EW_ERR_H
#define EW_ERR_H

struct ew_err {
	char msg[1024];
};

/*
 * Formats the message into e (when e is not NULL), translated: fmt is
 * looked up in the message catalogue (i18n.h). Always returns -1.
 */
int ew_errf(struct ew_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
