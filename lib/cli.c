/* cli.c - see cli.h */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"

const char *ew_progname = "ew";

void
ew_warn(const char *fmt, ...)
{
	struct ew_buf b = {0};
	va_list ap;

	va_start(ap, fmt);
	ew_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	/*
	 * One message, one line: control characters from the input (or from
	 * a library's message), and any byte of a message that is not valid
	 * UTF-8, are shown escaped, never sent to the terminal.
	 */
	int raw = ew_utf8_valid(b.s, b.len);
	fprintf(stderr, "%s: ", ew_progname);
	for (size_t i = 0; i < b.len;) {
		unsigned char c = (unsigned char)b.s[i];
		if (c >= 0x80 && raw) {
			/* C1 controls and bidirectional controls, escaped too */
			unsigned cp;
			size_t n = ew_utf8_decode(b.s + i, &cp);
			if ((cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
			    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
			    cp == 0x061c)
				fprintf(stderr, "\\u%04x", cp);
			else
				fwrite(b.s + i, 1, n, stderr);
			i += n;
			continue;
		}
		if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '\t')
			fputs("\\t", stderr);
		else if (c < 0x20 || c == 0x7f || c >= 0x80)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
		i++;
	}
	fputc('\n', stderr);
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
