/*
 * err.h - errors returned by library code.
 *
 * Library functions never print or exit: they return -1 and describe the
 * problem in a struct ew_err, which the program reports as "PROG: MESSAGE".
 */
#ifndef EW_ERR_H
#define EW_ERR_H

struct ew_err {
	char msg[1024];
};

/* Formats the message into e (when e is not NULL); always returns -1. */
int ew_errf(struct ew_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
