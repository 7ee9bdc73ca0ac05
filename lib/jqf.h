/*
 * jqf.h - jq conditions over records (--where), through libjq.
 *
 * Programs are user input and treated as untrusted: modules (import,
 * include), the environment ($ENV, env) and input/debug builtins are
 * refused before compiling (and redefined as errors, should one slip
 * past). One run may take EW_JQ_TIMEOUT seconds (default 10, measured in
 * whole seconds by a SIGALRM clock the first run starts); past that the
 * process reports it and exits with status 2, since libjq cannot be
 * interrupted. Likewise, when the process grows by more than EW_JQ_MEMORY
 * MiB (default 512) from what it had at the first run, a run in progress
 * stops it with a message and status 2 (looked at every 100 ms of CPU).
 *
 * A process that evaluates several untrusted programs and must survive
 * each one's failure forks a child and calls ew_jq_confine in it: then
 * each program gets a CPU time budget (ew_jq_budget) and the process a
 * memory bound, and going past either ends the child with one of the
 * EW_JQ_EXIT_* statuses for the parent to report.
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

/*
 * The limits from the environment: EW_JQ_TIMEOUT seconds (default 10) and,
 * when mib is set, EW_JQ_MEMORY MiB (default 512).
 */
int ew_jq_limits(long *secs, long *mib, struct ew_err *e);

#define EW_JQ_EXIT_TIME 124   /* a confined run used up its CPU budget */
#define EW_JQ_EXIT_MEMORY 125 /* a confined process went past its memory */

/* Confines this process (a child): memory may grow by at most mem_mib. */
void ew_jq_confine(long mem_mib);
/* Gives the next runs cpu_secs of CPU time in all (0: no limit). */
void ew_jq_budget(long cpu_secs);

#endif
