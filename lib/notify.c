/* notify.c - see notify.h */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"

int
ew_notifier_command(struct ew_repo *r, const char *name, char **cmd,
	struct ew_err *e)
{
	char *key = ew_xasprintf("notifier.%s.command", name);
	int rc = ew_repo_setting(r, key, "ew.shared-notifiers", cmd, e);
	free(key);
	return rc;
}

static void
upper(struct ew_buf *b, const char *s)
{
	for (; *s; s++)
		ew_buf_addc(b, *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s);
}

char *
ew_alert_summary(const struct ew_arow *row, const struct ew_rule *rule,
	const struct ew_schema *s)
{
	char *const *v = row->v;
	struct ew_buf b = {0};

	/* the level, rule and group are codes: as they are */
	upper(&b, v[EW_A_LEVEL]);
	ew_buf_addf(&b, " %s", v[EW_A_RULE]);
	if (*v[EW_A_GROUP])
		ew_buf_addf(&b, " %s", v[EW_A_GROUP]);
	char *head = ew_buf_detach(&b), *what;
	if (rule && rule->sum >= 0)
		what = ew_xasprintf("%s %s", s->cols[rule->sum].name, v[EW_A_COUNT]);
	else
		what = ew_xasprintf(ngettext("%s record", "%s records",
			strtoul(v[EW_A_COUNT], NULL, 10)), v[EW_A_COUNT]);
	if (rule && rule->window_text)
		/* TRANSLATORS: an alert's summary, the subject of its
		   notification: the alert's level, rule and group; what was
		   counted ("2 records"); the rule's window ("7d"); the alert's
		   state ("raised"), e.g. "YELLOW attacks Niono: 2 records in 7d
		   (raised)" */
		ew_buf_addf(&b, _("%s: %s in %s (%s)"), head, what,
			rule->window_text, v[EW_A_STATE]);
	else
		/* TRANSLATORS: an alert's summary without a window, e.g.
		   "RED deaths: 12 records (escalated)" */
		ew_buf_addf(&b, _("%s: %s (%s)"), head, what, v[EW_A_STATE]);
	free(head);
	free(what);
	return ew_buf_detach(&b);
}

static void
json_field(struct ew_buf *b, const char *name, const char *v, int first)
{
	if (!first)
		ew_buf_addc(b, ',');
	ew_json_string(b, name, strlen(name));
	ew_buf_addc(b, ':');
	ew_json_string(b, v, strlen(v));
}

char *
ew_alert_json(const struct ew_arow *row, const struct ew_rule *rule,
	const char *summary, const char *notifier, const char *repo)
{
	char *const *v = row->v;
	struct ew_buf b = {0};

	ew_buf_addc(&b, '{');
	json_field(&b, "alert", v[EW_A_ALERT], 1);
	json_field(&b, "rule", v[EW_A_RULE], 0);
	json_field(&b, "group", v[EW_A_GROUP], 0);
	json_field(&b, "level", v[EW_A_LEVEL], 0);
	json_field(&b, "state", v[EW_A_STATE], 0);
	json_field(&b, "time", v[EW_A_TIME], 0);
	ew_buf_addf(&b, ",\"count\":%ld", strtol(v[EW_A_COUNT], NULL, 10));
	ew_buf_adds(&b, ",\"records\":[");
	const char *p = v[EW_A_RECORDS];
	for (int first = 1; *p; first = 0) {
		const char *q = strchr(p, ';');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		if (!first)
			ew_buf_addc(&b, ',');
		ew_json_string(&b, p, n);
		p += n + (q != NULL);
	}
	ew_buf_addc(&b, ']');
	json_field(&b, "who", v[EW_A_WHO], 0);
	json_field(&b, "note", v[EW_A_NOTE], 0);
	json_field(&b, "description", rule && rule->description ? rule->description : "", 0);
	json_field(&b, "summary", summary, 0);
	json_field(&b, "notifier", notifier, 0);
	json_field(&b, "repository", repo, 0);
	ew_buf_adds(&b, "}\n");
	return ew_buf_detach(&b);
}

/* In the child: the alert's variables. */
static void
set_env(const struct ew_arow *row, const char *summary, const char *notifier)
{
	static const struct {
		const char *name;
		int col;
	} vars[] = {
		{"EW_ALERT_ID", EW_A_ALERT}, {"EW_ALERT_RULE", EW_A_RULE},
		{"EW_ALERT_GROUP", EW_A_GROUP}, {"EW_ALERT_LEVEL", EW_A_LEVEL},
		{"EW_ALERT_STATE", EW_A_STATE}, {"EW_ALERT_TIME", EW_A_TIME},
		{"EW_ALERT_COUNT", EW_A_COUNT}, {"EW_ALERT_RECORDS", EW_A_RECORDS},
		{"EW_ALERT_NOTE", EW_A_NOTE},
	};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = row->v[vars[i].col];
		char *cut = NULL;
		/* a variable must fit the kernel's limit on one string: the
		   first ids only (the JSON on stdin has them all) */
		if (vars[i].col == EW_A_RECORDS && strlen(v) > EW_ALERT_RECORDS_MAX) {
			cut = ew_xstrndup(v, EW_ALERT_RECORDS_MAX);
			char *semi = strrchr(cut, ';');
			if (semi)
				*semi = '\0';
			v = cut;
		}
		setenv(vars[i].name, v, 1);
		free(cut);
	}
	setenv("EW_ALERT_SUMMARY", summary, 1);
	setenv("EW_NOTIFIER", notifier, 1);
}

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int
ew_notify_run(const char *cmd, const char *dir, const struct ew_arow *row,
	const char *json, const char *summary, const char *notifier,
	long timeout, struct ew_err *e)
{
	int fds[2], status = 0;
	struct sigaction ign, old;
	struct timespec t0;
	pid_t pid;

	int report[2]; /* the child's errno, should it fail to start the command */
	if (pipe2(report, O_CLOEXEC) < 0)
		return ew_errf(e, "cannot run notifier: %s", strerror(errno));
	if ((pid = ew_fork_pipe(fds)) < 0) {
		close(report[0]);
		close(report[1]);
		return ew_errf(e, "cannot run notifier: %s", strerror(errno));
	}
	if (pid == 0) {
		int err;
		close(report[0]);
		setpgid(0, 0);
		if (dup2(fds[0], 0) < 0 || dup2(2, 1) < 0 || chdir(dir) < 0) {
			err = errno;
		} else {
			set_env(row, summary, notifier);
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			err = errno;
		}
		ssize_t w = write(report[1], &err, sizeof err);
		(void)w;
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[0]);
	close(report[1]);
	int child_err = 0;
	ssize_t got;
	while ((got = read(report[0], &child_err, sizeof child_err)) < 0 && errno == EINTR)
		;
	close(report[0]);
	if (got != (ssize_t)sizeof child_err)
		child_err = 0; /* closed by exec: the command started */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t left = strlen(json);
	int wfd = fds[1], done = 0, timed_out = 0;
	while (!done) {
		if (wfd >= 0 && left) {
			struct pollfd p = {wfd, POLLOUT, 0};
			if (poll(&p, 1, 20) > 0) {
				ssize_t n = write(wfd, json, left);
				if (n > 0) {
					json += n;
					left -= (size_t)n;
				} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
					left = 0; /* it does not read its input */
				}
			}
		} else {
			if (wfd >= 0) {
				close(wfd);
				wfd = -1;
			}
			struct timespec nap = {0, 10 * 1000 * 1000};
			nanosleep(&nap, NULL);
		}
		if (wfd >= 0 && !left) {
			close(wfd);
			wfd = -1;
		}
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			done = 1;
		else if (elapsed_ms(&t0) > timeout * 1000) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			timed_out = done = 1;
		}
	}
	if (wfd >= 0)
		close(wfd);
	sigaction(SIGPIPE, &old, NULL);
	if (timed_out)
		return ew_errf(e, "ran past EW_NOTIFY_TIMEOUT (%ld s) and was stopped", timeout);
	if (WIFSIGNALED(status))
		return ew_errf(e, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	if (child_err)
		return ew_errf(e, "cannot start /bin/sh for it: %s", strerror(child_err));
	if (WEXITSTATUS(status) != 0)
		return ew_errf(e, "exit status %d", WEXITSTATUS(status));
	return 0;
}
