/* idcard.c - GB 11643-1999 check and 15→18 conversion (see idcard.h).
 * Written by hand: no Debian library validates these numbers. */
#include "util/idcard.h"

#include <stdio.h>
#include <string.h>

char fk_idcard_check_char(const char *d17)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char map[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (d17[i] - '0') * w[i];
	return map[sum % 11];
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int fk_idcard_parse(const char *s, int today_ymd, fk_idcard *out, const char **why)
{
	size_t n = strlen(s);
	char num[19];
	if (n == 15) {
		if (!all_digits(s, 15)) {
			*why = "a 15-digit number must be all digits";
			return -1;
		}
		/* region(6) + "19" + YYMMDD + seq(3), then the check character */
		snprintf(num, sizeof(num), "%.6s19%.9s", s, s + 6);
		num[17] = fk_idcard_check_char(num);
		num[18] = '\0';
	} else if (n == 18) {
		if (!all_digits(s, 17)) {
			*why = "the first 17 characters must be digits";
			return -1;
		}
		memcpy(num, s, 18);
		num[18] = '\0';
		if (num[17] == 'x')
			num[17] = 'X';
		if (!((num[17] >= '0' && num[17] <= '9') || num[17] == 'X')) {
			*why = "the last character must be a digit or X";
			return -1;
		}
		if (fk_idcard_check_char(num) != num[17]) {
			*why = "check digit does not match (GB 11643)";
			return -1;
		}
	} else {
		*why = "must have 18 characters (or 15 for an old card)";
		return -1;
	}
	int y, m, d;
	/* today_ymd: a year (2026) or a whole date (20261129) */
	int limit = today_ymd < 10000 ? today_ymd * 10000 + 1231 : today_ymd;
	if (sscanf(num + 6, "%4d%2d%2d", &y, &m, &d) != 3 || y < 1900 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m) || y * 10000 + m * 100 + d > limit) {
		*why = "birth date is not a plausible date";
		return -1;
	}
	memcpy(out->number, num, sizeof(num));
	out->birth_year = y;
	out->birth_month = m;
	out->birth_day = d;
	out->sex = ((num[16] - '0') % 2) ? 'M' : 'F';
	return 0;
}
