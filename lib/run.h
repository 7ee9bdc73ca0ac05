/*
 * run.h - running another program with data on its stdin and its stdout
 * and stderr collected.
 */
#ifndef EW_RUN_H
#define EW_RUN_H

#include <stddef.h>

#include "err.h"
#include "util.h"

/*
 * Runs argv[0] (found on PATH) with argv and env (NULL: this process's
 * environment), writing in[0..inlen) to its stdin (in NULL: /dev/null)
 * and collecting its stdout into out and its stderr into err (either may
 * be NULL to discard). *status is its exit status, or 128 + the signal
 * that ended it; 127 when it could not be started. Returns -1 (with e)
 * only when it could not be run at all.
 */
int ew_run(const char *const *argv, char *const *env, const char *in,
	size_t inlen, struct ew_buf *out, struct ew_buf *err, int *status,
	struct ew_err *e);

#endif
