/* jqf.c - see jqf.h */
#include "jqf.h"

#include <errno.h>
#include <jq.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

struct ew_jq {
	jq_state *jq;
	struct ew_buf msg; /* messages jq reported */
	long limit;        /* seconds one run may take */
	long mib;          /* MiB the process may grow by from the first run */
};

/*
 * libjq cannot be interrupted, so a run past its time ends the process. A
 * clock ticks once a second from the first program compiled on; a run
 * notes the tick it started at (two stores, no system call per record),
 * and the tick that finds a run older than its limit reports and exits
 * with status 2.
 */
static volatile sig_atomic_t ticks, run_start = -1, run_limit;

/*
 * What the handlers write after the program's name, translated before
 * any of them can run (ew_jq_new): a handler only writes.
 */
/* TRANSLATORS: follows the program's name; keep the ": " and the line end */
static const char *msg_time = N_(": jq program ran past its time limit (EW_JQ_TIMEOUT); stopped\n");
/* TRANSLATORS: follows the program's name; keep the ": " and the line end */
static const char *msg_memory = N_(": jq program ran past its memory limit (EW_JQ_MEMORY); stopped\n");
/* TRANSLATORS: follows the program's name; keep the ": " and the line end */
static const char *msg_nomem = N_(": jq program ran out of memory; stopped\n");

/* Calls handler on signal sig every interval of timer which. */
static void
tick_every(int sig, void (*handler)(int), int which,
	const struct itimerval *interval)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	setitimer(which, interval, NULL);
}

static void
on_tick(int sig)
{
	const char *name = program_invocation_short_name;

	(void)sig;
	ticks++;
	if (run_start < 0 || ticks - run_start <= run_limit)
		return;
	ssize_t r = write(2, name, strlen(name));
	r = write(2, msg_time, strlen(msg_time));
	(void)r;
	_exit(2);
}

/*
 * A confined process (ew_jq_confine) counts CPU time instead: a SIGPROF
 * tick every 100 ms of CPU, a budget of ticks per rule, and a look at the
 * resident size on each tick. Past either limit it exits at once with
 * EW_JQ_EXIT_TIME or EW_JQ_EXIT_MEMORY and no message; its parent reports.
 * A process that is not confined gets the same tick for memory only,
 * looked at during a run: past its limit (the resident size at the first
 * run, plus EW_JQ_MEMORY) it reports and exits with status 2.
 */
static volatile sig_atomic_t confined, prof_ticks, prof_budget;
static long mem_limit_pages;

/* The second field of /proc/self/statm (resident pages); async-signal-safe. */
static long
resident_pages(void)
{
	char buf[128];
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	long v = 0;
	int field = 0;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == ' ') {
			if (++field == 2)
				break;
			v = 0;
		} else if (buf[i] >= '0' && buf[i] <= '9') {
			v = v * 10 + (buf[i] - '0');
		}
	}
	return field >= 1 ? v : 0;
}

static void
on_prof(int sig)
{
	int saved = errno;

	(void)sig;
	if (!confined) {
		if (run_start >= 0 && mem_limit_pages && resident_pages() > mem_limit_pages) {
			const char *name = program_invocation_short_name;
			ssize_t r = write(2, name, strlen(name));
			r = write(2, msg_memory, strlen(msg_memory));
			(void)r;
			_exit(2);
		}
		errno = saved;
		return;
	}
	if (++prof_ticks > prof_budget)
		_exit(EW_JQ_EXIT_TIME);
	if (mem_limit_pages && resident_pages() > mem_limit_pages)
		_exit(EW_JQ_EXIT_MEMORY);
	errno = saved;
}

/* Whether this build runs under AddressSanitizer (which reserves far more
 * address space than any limit on it would allow). */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

void
ew_jq_confine(long mem_mib)
{
	struct itimerval every = {{0, 100000}, {0, 100000}};
	long page = sysconf(_SC_PAGESIZE);

	confined = 1;
	prof_budget = 100;
	mem_limit_pages = resident_pages() + mem_mib * (1024 * 1024 / page);
	if (!UNDER_ASAN) {
		/* a hard bound as well: the address space may grow by mem_mib */
		char buf[128];
		int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = '\0';
			long size = strtol(buf, NULL, 10);
			struct rlimit rl;
			rl.rlim_cur = rl.rlim_max =
				(rlim_t)size * (rlim_t)page + (rlim_t)mem_mib * 1024 * 1024;
			setrlimit(RLIMIT_AS, &rl);
		}
	}
	tick_every(SIGPROF, on_prof, ITIMER_PROF, &every);
}

void
ew_jq_budget(long cpu_secs)
{
	prof_budget = 0x7fffffff;
	prof_ticks = 0;
	if (cpu_secs > 0)
		prof_budget = (sig_atomic_t)(cpu_secs * 10);
}

/* libjq's allocator calls this when memory runs out: stop cleanly. */
static void
on_nomem(void *data)
{
	const char *name = program_invocation_short_name;

	(void)data;
	if (confined)
		_exit(EW_JQ_EXIT_MEMORY);
	ssize_t r = write(2, name, strlen(name));
	r = write(2, msg_nomem, strlen(msg_nomem));
	(void)r;
	_exit(2);
}

/* Starts the clock of the time limit and the tick of the memory limit. */
static void
start_clock(long mib)
{
	static int started;
	struct itimerval every = {{1, 0}, {1, 0}};
	struct itimerval prof = {{0, 100000}, {0, 100000}};

	if (started)
		return;
	started = 1;
	tick_every(SIGALRM, on_tick, ITIMER_REAL, &every);
	if (mib > 0) {
		mem_limit_pages = resident_pages() + mib * (1024 * 1024 / sysconf(_SC_PAGESIZE));
		tick_every(SIGPROF, on_prof, ITIMER_PROF, &prof);
	}
}

static void
on_error(void *data, jv msg)
{
	struct ew_jq *q = data;

	if (jv_get_kind(msg) == JV_KIND_STRING) {
		if (q->msg.len)
			ew_buf_adds(&q->msg, "; ");
		ew_buf_adds(&q->msg, jv_string_value(msg));
	}
	jv_free(msg);
}

static int
ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static int
ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

static const char *const deny[] = {"import", "include", "$ENV", "env",
	"input", "inputs", "debug", "stderr", "input_filename",
	"input_line_number", "$__loc__", "$__prog_args", "halt", "halt_error",
	"get_search_list", "modulemeta", "get_prog_origin", "get_jq_origin",
	"splits_with_input", NULL};

/*
 * Redefines the refused builtins (and hides $ENV) around the program, so
 * that a use the scan below missed still cannot reach them.
 */
static const char prelude[] =
	"def env: error(\"env is not allowed\"); "
	"def input: error(\"input is not allowed\"); "
	"def inputs: error(\"inputs is not allowed\"); "
	"def debug: error(\"debug is not allowed\"); "
	"def stderr: error(\"stderr is not allowed\"); "
	"def input_filename: error(\"input_filename is not allowed\"); "
	"def input_line_number: error(\"input_line_number is not allowed\"); "
	"def halt: error(\"halt is not allowed\"); "
	"def halt_error: error(\"halt_error is not allowed\"); "
	"def halt_error(f): error(\"halt_error is not allowed\"); "
	"def get_search_list: error(\"get_search_list is not allowed\"); "
	"def modulemeta: error(\"modulemeta is not allowed\"); "
	"null as $ENV | (";

static const char *
check_ident(const char *s, size_t n)
{
	for (size_t i = 0; deny[i]; i++)
		if (strlen(deny[i]) == n && strncmp(deny[i], s, n) == 0)
			return deny[i];
	return NULL;
}

/*
 * The first refused name in the code of prog, or NULL. String literals are
 * skipped, but the code in their \(...) interpolations is scanned.
 */
static const char *
refused(const char *prog, int *unbalanced)
{
	/* depth[k]: open parentheses of interpolation level k */
	int depth[64] = {0}, level = 0, in_string = 0;
	const char *p = prog, *bad;

	while (*p) {
		if (in_string) {
			if (*p == '\\' && p[1] == '(') {
				if (level + 1 >= 64)
					return _("(too deeply nested strings)");
				depth[++level] = 0;
				in_string = 0;
				p += 2;
			} else if (*p == '\\' && p[1]) {
				p += 2;
			} else {
				if (*p == '"')
					in_string = 0;
				p++;
			}
			continue;
		}
		if (*p == '"') {
			in_string = 1;
			p++;
		} else if (*p == '#') { /* a comment, to the end of the line */
			while (*p && *p != '\n')
				p++;
		} else if (*p == '(') {
			depth[level]++;
			p++;
		} else if (*p == ')') {
			if (level > 0 && depth[level] == 0) {
				level--; /* back in the string */
				in_string = 1;
			} else if (depth[level] > 0) {
				depth[level]--;
			} else {
				*unbalanced = 1;
			}
			p++;
		} else if (*p == '$') {
			/* jq reads "$ name" as "$name" */
			char name[64] = "$";
			size_t n = 1;
			for (p++;;) {
				if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
					p++;
				} else if (*p == '#') { /* a comment, to the end of the line */
					while (*p && *p != '\n')
						p++;
				} else {
					break;
				}
			}
			while (ident_char(*p) && *p != '$') {
				if (n + 1 < sizeof name)
					name[n++] = *p;
				p++;
			}
			if ((bad = check_ident(name, n)))
				return bad;
		} else if (ident_start(*p) && (p == prog || p[-1] != '.')) {
			const char *s = p;
			while (ident_char(*p))
				p++;
			if ((bad = check_ident(s, (size_t)(p - s))))
				return bad;
		} else {
			p++;
		}
	}
	if (depth[0] || level || in_string)
		*unbalanced = 1;
	return NULL;
}

/*
 * libjq 1.6 imports ~/.jq, found through $HOME, into every program it
 * compiles: a module no scan above sees, with the environment in reach,
 * and one whose mistakes would break every program. Compiling with HOME
 * unset loads no such file.
 */
static int
compile(jq_state *jq, const char *prog)
{
	const char *h = getenv("HOME");
	char *home = h ? ew_xstrdup(h) : NULL;

	if (home)
		unsetenv("HOME");
	int ok = jq_compile(jq, prog);
	if (home) {
		setenv("HOME", home, 1);
		free(home);
	}
	return ok;
}

int
ew_jq_limits(long *secs, long *mib, struct ew_err *e)
{
	const char *t = getenv("EW_JQ_TIMEOUT"), *m = getenv("EW_JQ_MEMORY");

	*secs = 10;
	if (t && *t && !ew_parse_int(t, 1, 86400, secs))
		return ew_errf(e, "invalid EW_JQ_TIMEOUT '%s' (expected seconds, 1 to 86400)", t);
	if (!mib)
		return 0;
	*mib = 512;
	if (m && *m && !ew_parse_int(m, 16, 1L << 20, mib))
		return ew_errf(e, "invalid EW_JQ_MEMORY '%s' (expected MiB, 16 or more)", m);
	return 0;
}

struct ew_jq *
ew_jq_new(const char *prog, struct ew_err *e)
{
	static int translated;
	int unbalanced = 0;
	const char *bad = refused(prog, &unbalanced);

	if (!translated) {
		msg_time = _(msg_time);
		msg_memory = _(msg_memory);
		msg_nomem = _(msg_nomem);
		translated = 1;
	}

	if (bad) {
		ew_errf(e, "jq program uses '%s', which is not allowed here", bad);
		return NULL;
	}
	struct ew_jq *q = ew_xcalloc(1, sizeof *q);
	q->jq = jq_init();
	if (!q->jq) {
		free(q);
		ew_errf(e, "cannot start jq");
		return NULL;
	}
	jq_set_error_cb(q->jq, on_error, q);
	jq_set_nomem_handler(q->jq, on_nomem, NULL);
	if (ew_jq_limits(&q->limit, &q->mib, e) < 0) {
		ew_jq_free(q);
		return NULL;
	}
	jq_set_attr(q->jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
	/*
	 * Compiling costs (libjq parses its builtins each time), so the
	 * program is compiled once, wrapped; its parentheses must balance so
	 * that it cannot close the wrapping. Errors are reported from the
	 * program compiled alone, so that they speak of the user's own lines.
	 */
	int ok = 0;
	if (!unbalanced) {
		char *wrapped = ew_xasprintf("%s%s\n)", prelude, prog);
		ok = compile(q->jq, wrapped);
		free(wrapped);
	}
	if (!ok) {
		ew_buf_reset(&q->msg);
		if (compile(q->jq, prog))
			ew_buf_adds(&q->msg, _("unbalanced parentheses"));
	}
	if (!ok) {
		ew_errf(e, "invalid jq program '%s': %s", prog,
			q->msg.len ? q->msg.s : _("compile error"));
		ew_jq_free(q);
		return NULL;
	}
	return q;
}

int
ew_jq_test(struct ew_jq *q, jv input, struct ew_err *e)
{
	int rc;

	ew_buf_reset(&q->msg);
	if (!confined)
		start_clock(q->mib);
	run_limit = (sig_atomic_t)q->limit;
	run_start = ticks;
	jq_start(q->jq, input, 0);
	jv out = jq_next(q->jq);
	run_start = -1;
	if (jv_is_valid(out)) {
		jv_kind k = jv_get_kind(out);
		rc = k != JV_KIND_FALSE && k != JV_KIND_NULL;
	} else if (jv_invalid_has_msg(jv_copy(out))) {
		jv msg = jv_invalid_get_msg(out);
		out = jv_null();
		jv s = jv_get_kind(msg) == JV_KIND_STRING ? msg : jv_dump_string(msg, 0);
		rc = ew_errf(e, "jq error: %s", jv_string_value(s));
		jv_free(s);
	} else {
		rc = 0;
	}
	jv_free(out);
	return rc;
}

void
ew_jq_free(struct ew_jq *q)
{
	if (!q)
		return;
	jq_teardown(&q->jq);
	ew_buf_free(&q->msg);
	free(q);
}
