/*
 * jqf.h - jq conditions over records (--where), through libjq.
 *
 * Programs are user input and treated as untrusted: modules (import,
 * include), the environment ($ENV, env) and input/debug builtins are
 * refused before compiling (and redefined as errors, should one slip
 * past). One run may take EW_JQ_TIMEOUT seconds (default 10, measured in
 * whole seconds by a SIGALRM clock the first run starts); past that the
 * process reports it and exits with status 2, since libjq cannot be
 * interrupted. Its memory is not bounded.
 */
#ifndef EW_JQF_H
#define EW_JQF_H

#include <jv.h>

#include "err.h"

struct ew_jq;

/* Compiles prog; NULL with the reason in e. */
struct ew_jq *ew_jq_new(const char *prog, struct ew_err *e);
/*
 * Runs the program on input (consumed). Returns 1 when its first output
 * is neither false nor null, 0 when it is (or there is none), -1 on a jq
 * error.
 */
int ew_jq_test(struct ew_jq *q, jv input, struct ew_err *e);
void ew_jq_free(struct ew_jq *q);

#endif
