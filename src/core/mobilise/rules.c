/* rules.c - the shift rules and the hours served, as pure functions (see
 * mobilise.h): no database, so the unit tests drive them directly.  A
 * person holds a few shifts a day; every check is linear in them. */
#include "core/mobilise/mobilise.h"

int fk_mob_hours_per_day = 8;
int fk_mob_back_to_back = 2;

/* The length of the chain of shifts back to back through add: the shifts
 * of have (plus add) joined by gaps under FK_MOB_REST_SECONDS.  *which is
 * set to one shift of have in the chain (-1 when add stands alone). */
static int chain_through(const fk_mob_span *have, int n, fk_mob_span add, int *which)
{
	int64_t lo = add.start, hi = add.end;
	int len = 1;
	*which = -1;
	bool grew = true;
	/* grow the chain both ways until nothing joins (n is small) */
	char used[256] = { 0 };
	while (grew) {
		grew = false;
		for (int i = 0; i < n && i < 256; i++) {
			if (used[i])
				continue;
			bool before = have[i].end <= lo && lo - have[i].end < FK_MOB_REST_SECONDS;
			bool after = have[i].start >= hi && have[i].start - hi < FK_MOB_REST_SECONDS;
			if (before || after) {
				used[i] = 1;
				len++;
				if (before)
					lo = have[i].start;
				else
					hi = have[i].end;
				*which = i;
				grew = true;
			}
		}
	}
	return len;
}

fk_mob_rule fk_mob_rule_check(const fk_mob_span *have, int n, fk_mob_span add, int hours_max, int chain_max,
			      int *which)
{
	*which = -1;
	for (int i = 0; i < n; i++)
		if (have[i].start < add.end && add.start < have[i].end) {
			*which = i;
			return FK_MOB_OVERLAP;
		}
	int64_t day = add.end - add.start;
	for (int i = 0; i < n; i++)
		if (have[i].day == add.day)
			day += have[i].end - have[i].start;
	if (day > (int64_t)hours_max * 3600)
		return FK_MOB_HOURS;
	if (chain_through(have, n, add, which) > chain_max)
		return FK_MOB_BACK_TO_BACK;
	*which = -1;
	return FK_MOB_OK;
}

int64_t fk_mob_served(const fk_mob_event *ev, int n, int64_t start, int64_t end)
{
	int64_t total = 0, open = 0;
	bool on = false;
	for (int i = 0; i < n; i++) {
		if (ev[i].in) {
			if (!on) {
				on = true;
				open = ev[i].at;
			}
			continue;
		}
		if (!on)
			continue;
		on = false;
		int64_t a = open > start ? open : start;
		int64_t b = ev[i].at < end ? ev[i].at : end;
		if (b > a)
			total += b - a;
	}
	return total;
}
