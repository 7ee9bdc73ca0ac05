/* err.c - see err.h */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

#include "i18n.h"

int
ew_errf(struct ew_err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	/* the message in the user's language (i18n.h) */
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, gettext(fmt), ap);
	va_end(ap);
	return -1;
}
