/* date.h - calendar days as integers (days since 1970-01-01), the form
 * dates take in the database, and ISO "YYYY-MM-DD" text, the form they take
 * in the API; the deployment's time zone and the process's clock.
 *
 * "Today", the follow-up slots (noon, midnight), the report hour and every
 * date the server shows follow the deployment's zone: the setting FK_TZ
 * (serve --tz), Asia/Shanghai by default, never the TZ the process was
 * started with (fk_zone_set replaces it). */
#ifndef FK_DATE_H
#define FK_DATE_H

#include <stdint.h>

/* Parses YYYY-MM-DD (a real date from 1900 to 2999).  Returns 0 or -1. */
int fk_date_parse(const char *s, int64_t *day);
/* Writes YYYY-MM-DD for day into out (11 bytes). */
void fk_date_format(int64_t day, char out[11]);
/* Makes name (a tz database name such as "Asia/Shanghai" or "UTC") the
 * zone of every local time the process computes.  Call before any thread
 * starts.  Returns 0, or -1 (nothing changed) when name is not a zone in
 * the system's tz database ($TZDIR or /usr/share/zoneinfo). */
int fk_zone_set(const char *name);
/* The zone in force ("" before fk_zone_set). */
const char *fk_zone_name(void);
/* Seconds east of UTC of the zone at Unix time t (28800 in Shanghai). */
int fk_zone_offset(int64_t t);

/* Unix seconds now: the wall clock, shifted by fk_clock_set. */
int64_t fk_now(void);
/* Test clock: from now on fk_now() runs from t (it keeps ticking).  Only
 * main calls it, for the test-only setting FK_NOW, and the demo, which
 * replays its weeks of supplies day by day and sets it back. */
void fk_clock_set(int64_t t);

/* Today's day number in local time. */
int64_t fk_today(void);
/* The day number of a Unix time, in local time. */
int64_t fk_day_of(int64_t unix_time);
/* The follow-up slot holding Unix time t: day * 2 for the morning (until
 * noon local time), day * 2 + 1 for the afternoon and evening. */
int64_t fk_slot_of(int64_t t);
/* The Unix time of hour:00 local time on day (hour 24: the next midnight). */
int64_t fk_local_time(int64_t day, int hour);
/* Days from civil date (proleptic Gregorian). */
int64_t fk_days_from_civil(int y, int m, int d);

#endif
