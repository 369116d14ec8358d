/* schedule.c - clock-driven duties (see schedule.h). */
#include "http/schedule.h"

#include <stdlib.h>

#include "core/epi/contacts.h"
#include "util/date.h"
#include "util/log.h"

typedef struct sweep_job {
	fk_write write;
	int64_t day, raised;
	int pm;
} sweep_job;

static int sweep_run(fk_db *db, void *arg)
{
	sweep_job *j = arg;
	return fk_followup_sweep(db, j->day, j->pm, &j->raised);
}

static void sweep_done(void *arg, int rc)
{
	sweep_job *j = arg;
	char d[11];
	fk_date_format(j->day, d);
	if (rc < 0)
		fk_log_err("follow-up sweep of %s %s failed; it runs again at the next start", d, j->pm ? "pm" : "am");
	else if (j->raised)
		fk_log_info("follow-ups missed on %s %s: %lld alert(s) raised", d, j->pm ? "pm" : "am",
			    (long long)j->raised);
	free(j);
}

/* The slot that ended last before now: day * 2 + (1 for the evening). */
static int64_t last_ended_slot(int64_t now)
{
	return fk_slot_of(now) - 1;
}

/* Only the serve loop's thread calls tick. */
static int64_t swept = -1;

void fk_schedule_tick(fk_writer *w, int64_t now)
{
	int64_t slot = last_ended_slot(now);
	if (slot == swept)
		return;
	sweep_job *j = calloc(1, sizeof(*j));
	if (!j)
		return; /* tried again next second */
	swept = slot;
	j->day = slot / 2;
	j->pm = (int)(slot % 2);
	j->write = (fk_write){ .run = sweep_run, .done = sweep_done, .arg = j, .heavy = true };
	fk_writer_submit(w, &j->write);
}
