/*
 * replay - runs a fuzz harness on saved inputs, without libFuzzer.
 *
 * usage: replay-HARNESS PATH...
 *
 * Calls LLVMFuzzerTestOneInput once on each file given and on each file
 * of each directory given (not recursively, in name order), so that a
 * harness's corpus and its past crashes run as regression tests in an
 * ordinary sanitizer build. Prints the number of inputs run on stdout
 * and exits 0; a harness that finds a fault aborts, and the name of the
 * input it was running goes to stderr first.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* The sanitizers' hook for their fatal reports, when they are linked in. */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static const char *current;

/* Names the input being run; safe in a signal handler. */
static void
name_input(void)
{
	static const char what[] = "replay: the failing input is ";

	if (!current)
		return;
	if (write(2, what, sizeof what - 1) < 0 ||
	    write(2, current, strlen(current)) < 0 || write(2, "\n", 1) < 0)
		return;
}

static void
on_fatal(int sig)
{
	name_input();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
run_file(const char *path)
{
	size_t len;
	char *buf = ew_read_file(path, &len);

	if (!buf) {
		fprintf(stderr, "replay: cannot read '%s': %s\n", path, strerror(errno));
		return -1;
	}
	/* a copy of exactly len bytes, so reading past the input is caught */
	uint8_t *data = ew_xmalloc(len ? len : 1);
	memcpy(data, buf, len);
	free(buf);
	current = path;
	LLVMFuzzerTestOneInput(data, len);
	current = NULL;
	free(data);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of dir; adds how many to *n. */
static int
run_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct ew_strv paths = {0};
	struct dirent *ent;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	while ((ent = readdir(d)) != NULL) {
		struct stat st;
		if (ent->d_name[0] == '.')
			continue;
		char *path = ew_xasprintf("%s/%s", dir, ent->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			ew_strv_push(&paths, path);
		else
			free(path);
	}
	closedir(d);
	if (paths.n > 1)
		qsort(paths.v, paths.n, sizeof *paths.v, by_name);
	for (size_t i = 0; rc == 0 && i < paths.n; i++, (*n)++)
		rc = run_file(paths.v[i]);
	ew_strv_free(&paths);
	return rc;
}

int
main(int argc, char **argv)
{
	size_t n = 0;
	int rc = 0;

	if (argc < 2) {
		fputs("usage: replay PATH...\n", stderr);
		return 2;
	}
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(name_input);
	/* a failed property aborts; faults are the sanitizers' to report */
	signal(SIGABRT, on_fatal);
	for (int i = 1; rc == 0 && i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: cannot read '%s': %s\n", argv[i], strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = run_dir(argv[i], &n);
		} else {
			rc = run_file(argv[i]);
			n++;
		}
	}
	if (rc < 0)
		return 2;
	printf("%zu\n", n);
	return 0;
}
