/* scope.c - region scope (see scope.h). */
#include "core/base/scope.h"

#include <stdio.h>
#include <string.h>

#include "core/base/region.h"

bool fk_scope_contains(const char *scope, const char *code)
{
	return strncmp(scope, code, strlen(scope)) == 0;
}

void fk_scope_upper(const char *scope, char *hi, int hilen)
{
	size_t n = strlen(scope);
	if (n == 0) {
		snprintf(hi, (size_t)hilen, "~");
		return;
	}
	if ((int)n + 1 > hilen) {
		/* no room: an empty range (nothing matches), never a wider one */
		if (hilen > 0)
			hi[0] = '\0';
		return;
	}
	memcpy(hi, scope, n + 1);
	hi[n - 1]++;
}

bool fk_scope_has(const fk_actor *who, const char *code)
{
	return code && fk_scope_contains(who->region, code);
}

const char *fk_scope_region(const fk_actor *who, const char *region, fk_err *e)
{
	const char *base = region ? region : who->region;
	if (fk_region_level_of(base) < 0 || !fk_scope_contains(who->region, base)) {
		fk_err_not_found(e, "region %s not found", *base ? base : "root");
		return NULL;
	}
	return base;
}

int fk_scope_range(const fk_actor *who, const char *region, fk_range *out, fk_err *e)
{
	out->base = fk_scope_region(who, region, e);
	if (!out->base)
		return -1;
	fk_scope_upper(out->base, out->hi, sizeof(out->hi));
	return 0;
}

int fk_scope_row(const fk_actor *who, const char *code, const char *what, fk_err *e)
{
	if (fk_scope_has(who, code))
		return 0;
	return fk_err_not_found(e, "%s not found", what);
}
