/* date.c - day numbers and ISO dates, the deployment's zone and the clock
 * (see date.h).  The civil-date arithmetic is the standard era/day-of-era
 * computation.
 *
 * The zone: fk_zone_set checks that the name is a TZif file of the system's
 * tz database and then sets TZ to it and calls tzset(), once, at start and
 * before any thread exists; from then on localtime_r and mktime follow the
 * setting and not the environment the process inherited.  We chose that
 * over parsing TZif files ourselves: glibc's reader already handles every
 * rule and transition the database carries (and its tzset cost is paid
 * once), while our own parser would be a second copy of that code to keep
 * right.  The check is ours because glibc takes an unknown name silently as
 * UTC, the very mistake the setting exists to prevent.
 */
#include "util/date.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t fk_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void fk_date_format(int64_t day, char out[11])
{
	day += 719468;
	int64_t era = (day >= 0 ? day : day - 146096) / 146097;
	int64_t doe = day - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

int fk_date_parse(const char *s, int64_t *day)
{
	int y, m, d, n = 0;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || s[4] != '-' ||
	    s[7] != '-')
		return -1;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	int64_t v = fk_days_from_civil(y, m, d);
	char back[11];
	fk_date_format(v, back);
	if (strcmp(back, s) != 0) /* 2026-02-30 and the like */
		return -1;
	*day = v;
	return 0;
}

static char zone[128];
static _Atomic int64_t clock_shift;

int fk_zone_set(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= sizeof(zone) || name[0] == '/' || strstr(name, ".."))
		return -1;
	if (name[strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-")])
		return -1;
	const char *dir = getenv("TZDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	FILE *f = fopen(path, "rb");
	char magic[4] = { 0 };
	size_t got = f ? fread(magic, 1, 4, f) : 0;
	if (f)
		fclose(f);
	if (got != 4 || memcmp(magic, "TZif", 4) != 0)
		return -1;
	snprintf(zone, sizeof(zone), "%s", name);
	setenv("TZ", zone, 1);
	tzset();
	return 0;
}

const char *fk_zone_name(void)
{
	return zone;
}

int fk_zone_offset(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return (int)tm.tm_gmtoff;
}

int64_t fk_now(void)
{
	return (int64_t)time(NULL) + atomic_load_explicit(&clock_shift, memory_order_relaxed);
}

void fk_clock_set(int64_t t)
{
	atomic_store(&clock_shift, t - (int64_t)time(NULL));
}

int64_t fk_day_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return fk_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int64_t fk_slot_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return fk_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 2 + (tm.tm_hour >= 12);
}

int64_t fk_today(void)
{
	return fk_day_of(fk_now());
}

int64_t fk_local_time(int64_t day, int hour)
{
	char d[11];
	fk_date_format(day, d);
	struct tm tm = { 0 };
	sscanf(d, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = hour; /* mktime normalises 24:00 to the next day */
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}
