/* err.c - filling an fk_err (see err.h). */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

int fk_err_set(fk_err *e, int status, const char *code, const char *field, const char *fmt, ...)
{
	if (!e)
		return -1;
	e->status = status;
	e->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	e->allowed[0] = '\0';
	return -1;
}

int fk_err_allowed(fk_err *e, const char *list)
{
	if (e)
		snprintf(e->allowed, sizeof(e->allowed), "%s", list);
	return -1;
}
