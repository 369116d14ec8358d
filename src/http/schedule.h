/* schedule.h - duties the server does by the clock, not on request.
 *
 * The serve loop calls fk_schedule_tick about once a second; a duty whose
 * time has come is handed to the writer as a job.  Today's one duty: when a
 * follow-up slot ends (noon, midnight) the observations that owed it and
 * have none raise followup_missed alerts (fk_followup_sweep); at start the
 * slot that ended last is swept, so a restart misses nothing. */
#ifndef FK_SCHEDULE_H
#define FK_SCHEDULE_H

#include <stdint.h>

#include "store/writer.h"

void fk_schedule_tick(fk_writer *w, int64_t now);

#endif
