/* run.c - running another program; see run.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

extern char **environ;

/* The child: its stdin, stdout and stderr, then the program. */
static void
child(const char *const *argv, char *const *env, int in, int out, int err)
{
	if (in < 0)
		in = open("/dev/null", O_RDONLY);
	if (in >= 0)
		dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	signal(SIGPIPE, SIG_DFL);
	execvpe(argv[0], (char *const *)argv, env ? env : environ);
	/* in English whatever the language: ew_git_run looks for these words */
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void
close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
}

int
ew_run(const char *const *argv, char *const *env, const char *in,
	size_t inlen, struct ew_buf *out, struct ew_buf *err, int *status,
	struct ew_err *e)
{
	int pi[2] = {-1, -1}, po[2] = {-1, -1}, pe[2] = {-1, -1};

	if ((in && pipe2(pi, O_CLOEXEC) < 0) || pipe2(po, O_CLOEXEC) < 0 ||
	    pipe2(pe, O_CLOEXEC) < 0) {
		int errno_ = errno;
		close_pair(pi);
		close_pair(po);
		close_pair(pe);
		return ew_errf(e, "cannot run %s: %s", argv[0], strerror(errno_));
	}
	pid_t pid = ew_fork();
	if (pid == 0)
		child(argv, env, pi[0], po[1], pe[1]);
	int fork_errno = errno;
	if (pi[0] >= 0)
		close(pi[0]);
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		if (pi[1] >= 0)
			close(pi[1]);
		close(po[0]);
		close(pe[0]);
		return ew_errf(e, "cannot run %s: %s", argv[0], strerror(fork_errno));
	}
	if (pi[1] >= 0)
		fcntl(pi[1], F_SETFL, O_NONBLOCK);
	/* the child's stdin is closed once written (or when it stops reading) */
	if (pi[1] >= 0 && inlen == 0) {
		close(pi[1]);
		pi[1] = -1;
	}
	struct pollfd fds[3] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0},
		{pi[1], POLLOUT, 0}};
	struct ew_buf *bufs[2] = {out, err};
	size_t sent = 0;
	char chunk[8192];
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(fds[2].fd, in + sent, inlen - sent);
			if (w > 0)
				sent += (size_t)w;
			if ((w < 0 && errno != EINTR && errno != EAGAIN) || sent == inlen) {
				close(fds[2].fd);
				fds[2].fd = -1;
			}
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t got = read(fds[i].fd, chunk, sizeof chunk);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
			} else if (bufs[i]) {
				ew_buf_add(bufs[i], chunk, (size_t)got);
			}
		}
	}
	for (int i = 0; i < 3; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	signal(SIGPIPE, old_pipe);
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return ew_errf(e, "cannot wait for %s: %s", argv[0], strerror(errno));
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}
