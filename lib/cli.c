/* cli.c - see cli.h */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "i18n.h"

const char *ew_progname = "ew";

void
ew_warn(const char *fmt, ...)
{
	struct ew_buf b = {0};
	va_list ap;

	va_start(ap, fmt);
	ew_buf_vaddf(&b, gettext(fmt), ap);
	va_end(ap);
	/*
	 * One message, one line: whatever it quotes (a value from the input,
	 * a remote's or jq's words) is shown neutralised, never sent to the
	 * terminal as it is, and a line break in it shows as \n, so no value
	 * can forge a message of its own (see ew_neutralise). A list of
	 * problems is one message each (ew_fail_all).
	 */
	struct ew_buf line = {0};
	ew_buf_adds(&line, ew_progname);
	ew_buf_adds(&line, ": ");
	ew_neutralise(&line, b.s ? b.s : "", b.len, 0);
	ew_buf_addc(&line, '\n');
	fwrite(line.s, 1, line.len, stderr);
	ew_buf_free(&line);
	ew_buf_free(&b);
}

int
ew_fail(const struct ew_err *e)
{
	ew_warn("%s", e->msg);
	return 2;
}

int
ew_fail_all(const struct ew_strv *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		ew_warn("%s", errs->v[i]);
	return 2;
}

int
ew_print_version(void)
{
	printf("%s (ew) %s\n", ew_progname, EW_VERSION);
	return 0;
}

int
ew_chdir(const char *dir)
{
	if (chdir(dir) < 0) {
		ew_warn("cannot change to '%s': %s", dir, strerror(errno));
		return 2;
	}
	/* -C names the repository: it wins over EW_DIR */
	unsetenv("EW_DIR");
	return 0;
}

int
ew_assignment(const char *arg, char **copy, char **field, char **value)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return -1;
	*copy = ew_xstrdup(arg);
	(*copy)[eq - arg] = '\0';
	*field = *copy;
	*value = *copy + (eq - arg) + 1;
	return 0;
}

int
ew_check_init(struct ew_check *c, const struct ew_repo *r, struct ew_err *e)
{
	c->schema = &r->schema;
	c->places = r->places.n ? &r->places : NULL;
	c->tax = r->tax.n ? &r->tax : NULL;
	return ew_now(&c->now, e);
}

int
ew_finish_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (errno == EPIPE)
		return 0;
	ew_warn("cannot write to standard output: %s", strerror(errno));
	return 2;
}
