/* idcard.h - resident identity card numbers (GB 11643-1999).
 *
 * An 18-character number is 6 digits of region, 8 of birth date
 * (YYYYMMDD), 3 of sequence (odd for men, even for women) and a check
 * character computed over the first 17 (ISO 7064 MOD 11-2; 'X' for 10).
 * Legacy 15-digit numbers (YYMMDD, born 19xx, no check) are converted.
 */
#ifndef FK_IDCARD_H
#define FK_IDCARD_H

#include <stddef.h>

typedef struct fk_idcard {
	char number[19]; /* normalised: 18 characters, upper-case X */
	int birth_year, birth_month, birth_day;
	char sex;        /* 'M' or 'F' from the sequence digit */
} fk_idcard;

/* Validates and normalises s (15 or 18 characters; a lower-case x is
 * accepted).  today bounds plausible birth dates (from 1900 to today): a
 * date as YYYYMMDD, or only a year (then the whole year is allowed).
 * Returns 0, or -1 with a reason in why (a static string). */
int fk_idcard_parse(const char *s, int today, fk_idcard *out, const char **why);

/* The check character for the first 17 digits of d. */
char fk_idcard_check_char(const char *d17);

#endif
