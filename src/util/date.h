/* date.h - calendar days as integers (days since 1970-01-01), the form
 * dates take in the database, and ISO "YYYY-MM-DD" text, the form they take
 * in the API.  "Today" is the deployment's local date (TZ). */
#ifndef FK_DATE_H
#define FK_DATE_H

#include <stdint.h>

/* Parses YYYY-MM-DD (a real date from 1900 to 2999).  Returns 0 or -1. */
int fk_date_parse(const char *s, int64_t *day);
/* Writes YYYY-MM-DD for day into out (11 bytes). */
void fk_date_format(int64_t day, char out[11]);
/* Today's day number in local time. */
int64_t fk_today(void);
/* The day number of a Unix time, in local time. */
int64_t fk_day_of(int64_t unix_time);
/* The Unix time of hour:00 local time on day (hour 24: the next midnight). */
int64_t fk_local_time(int64_t day, int hour);
/* Days from civil date (proleptic Gregorian). */
int64_t fk_days_from_civil(int y, int m, int d);

#endif
