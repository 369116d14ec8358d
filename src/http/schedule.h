/* schedule.h - duties the server does by the clock, not on request.
 *
 * The serve loop calls fk_schedule_tick about once a second; a duty whose
 * time has come is handed to the writer as a job.  Today's one duty: when a
 * follow-up slot ends (noon, midnight) the observations that owed it and
 * have none raise followup_missed alerts (fk_followup_sweep); at start the
 * slot that ended last is swept, so a restart misses nothing.  Once a
 * minute, check-ins left open past their shift's end are closed at that end
 * (fk_mob_close_forgotten, core/mobilise), and from 9:00 each open
 * finding past its deadline is chased once that day (fk_sv_chase_overdue,
 * core/supervise).
 *
 * Once fk_bulletin_hour has come, the day before's bulletin is drafted for
 * each commander's home region that has none (fk_bulletin_draft_due), for
 * the commander to review and approve; at start too.
 *
 * And the audit log's checkpoints (core/base/checkpoint.h): one at the
 * first tick, one every fk_checkpoint_settings.minutes when the log has
 * grown, and one at fk_schedule_stop; each is signed with the audit key,
 * appended to the checkpoint file and logged.  Without the key (a database
 * made before it existed) they are off, and the start says so. */
#ifndef FK_SCHEDULE_H
#define FK_SCHEDULE_H

#include <stdint.h>

#include "store/writer.h"

void fk_schedule_tick(fk_writer *w, int64_t now);

/* The last duties at a clean stop (a final checkpoint); call after the
 * writer has stopped. */
void fk_schedule_stop(void);

typedef struct fk_checkpoint_config {
	const char *db_path; /* NULL: no checkpoints */
	const char *key_stem; /* the audit key is KEY_STEM.audit-key (NULL: DB_PATH) */
	const char *file;    /* NULL: KEY_STEM.audit-checkpoints; a directory: its audit-checkpoints */
	int minutes;         /* between checkpoints while the log grows */
} fk_checkpoint_config;

/* Set before fk_server_run. */
extern fk_checkpoint_config fk_checkpoint_settings;

#endif
