/* ew - run an ew command: "ew add ..." runs "ew-add ...". */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"

static const char usage_text[] = N_(
	"usage: ew [-C DIR] COMMAND [ARGS...]\n"
	"       ew help [COMMAND]\n"
	"       ew --version\n");

/* The commands --help lists (bash completion reads their names). */
static const struct {
	const char *name, *what;
} commands[] = {
	{"init", N_("create a data repository")},
	{"add", N_("add reports from arguments or standard input")},
	{"update", N_("change fields of existing reports")},
	{"list", N_("select and print reports")},
	{"alert", N_("evaluate the alert rules, notify, acknowledge")},
	{"report", N_("a situation report of a week or period, as HTML or Markdown")},
	{"sync", N_("exchange reports with hubs: fetch, merge by id, push")},
	{"clone", N_("set up an office from a hub")},
	{"merge", N_("merge record files by id (git's merge driver)")},
	{"log", N_("the audit trail of the repository or of reports")},
	{"verify", N_("check the repository: files, history, signatures")},
};

static int
usage(FILE *fp, int status)
{
	fputs(_(usage_text), fp);
	fprintf(fp, "\n%s\n", _("commands:"));
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(fp, "   %-8s %s\n", commands[i].name, _(commands[i].what));
	fprintf(fp, "\n%s", _("Any ew-NAME program next to ew or on PATH is run as 'ew NAME'.\n"
		"'ew help COMMAND' shows a command's manual.\n"));
	return status;
}

/* The directory this program lives in, or NULL. */
static char *
self_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return ew_xstrdup(exe);
}

static int
valid_command(const char *s)
{
	if (!*s || *s == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

static int
is_exec(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Runs ew-NAME from beside this program, else from PATH. */
static int
run(const char *name, char **argv)
{
	char *prog = ew_xasprintf("ew-%s", name);
	char *dir = self_dir();
	char *beside = dir ? ew_xasprintf("%s/%s", dir, prog) : NULL;

	argv[0] = prog;
	if (beside && is_exec(beside))
		execv(beside, argv);
	else
		execvp(prog, argv);
	if (errno == ENOENT)
		ew_warn("'%s' is not an ew command; see 'ew --help'", name);
	else
		ew_warn("cannot run '%s': %s", prog, strerror(errno));
	free(beside);
	free(dir);
	free(prog);
	return 2;
}

/* Runs man with args; 1 when it showed the page. */
static int
man(char *const args[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return 0;
	if (pid == 0) {
		execvp("man", args);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Shows the manual page of a command (ew(7) without one). */
static int
help(const char *name)
{
	char *dir = self_dir();
	char *page = name ? ew_xasprintf("ew-%s", name) : ew_xstrdup("ew");
	const char *sec = name ? "1" : "7";
	char *paths[4] = {NULL, NULL, NULL, NULL};

	if (name && !valid_command(name)) {
		ew_warn("'%s' is not an ew command; see 'ew --help'", name);
		free(dir);
		free(page);
		return 2;
	}
	if (dir) {
		/* the build tree, then an installed tree; in French, the
		   French page first where there is one (ew(7)) */
		int k = 0;
		if (ew_i18n_french()) {
			paths[k++] = ew_xasprintf("%s/../man/fr/%s.%s", dir, page, sec);
			paths[k++] = ew_xasprintf("%s/../share/man/fr/man%s/%s.%s", dir, sec, page, sec);
		}
		paths[k++] = ew_xasprintf("%s/../man/%s.%s", dir, page, sec);
		paths[k++] = ew_xasprintf("%s/../share/man/man%s/%s.%s", dir, sec, page, sec);
	}
	int shown = 0;
	for (int i = 0; i < 4 && !shown; i++)
		if (paths[i] && access(paths[i], R_OK) == 0)
			shown = man((char *const[]){"man", "-l", paths[i], NULL});
	if (!shown)
		shown = man((char *const[]){"man", (char *)sec, page, NULL});
	for (int i = 0; i < 4; i++)
		free(paths[i]);
	free(page);
	free(dir);
	if (shown)
		return 0;
	/* no manual page here: the command's own help is better than nothing */
	if (name) {
		char *argv[] = {NULL, "--help", NULL};
		return run(name, argv);
	}
	return usage(stdout, 0);
}

int
main(int argc, char **argv)
{
	int i = 1;

	ew_progname = "ew";
	ew_i18n_init();
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-C") == 0 && i + 1 < argc) {
			if (ew_chdir(argv[i + 1]))
				return 2;
			i += 2;
		} else if (strncmp(argv[i], "-C", 2) == 0 && argv[i][2]) {
			if (ew_chdir(argv[i] + 2))
				return 2;
			i++;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			return usage(stdout, 0);
		} else if (!strcmp(argv[i], "--version")) {
			return ew_print_version();
		} else {
			ew_warn("unknown option '%s'", argv[i]);
			return usage(stderr, 2);
		}
	}
	if (i >= argc)
		return usage(stderr, 2);
	if (strcmp(argv[i], "help") == 0)
		return help(i + 1 < argc ? argv[i + 1] : NULL);
	if (!valid_command(argv[i])) {
		ew_warn("'%s' is not an ew command; see 'ew --help'", argv[i]);
		return 2;
	}
	return run(argv[i], argv + i);
}
