/* schedule.c - clock-driven duties (see schedule.h). */
#include "http/schedule.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/base/audit.h"
#include "core/base/checkpoint.h"
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

static void sweep_again(void *arg)
{
	((sweep_job *)arg)->raised = 0;
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

fk_checkpoint_config fk_checkpoint_settings;

/* Checkpoints: only the serve loop's thread touches this. */
static struct {
	int state; /* 0 not started, 1 on, -1 off */
	fk_db *db; /* a read connection of its own */
	fk_audit_key key;
	char file[4096];
	int64_t next, size;
} cp;

static void checkpoint_start(void)
{
	const fk_checkpoint_config *s = &fk_checkpoint_settings;
	cp.state = -1;
	if (!s->db_path)
		return;
	const char *stem = s->key_stem ? s->key_stem : s->db_path;
	if (fk_audit_key_load(stem, &cp.key) < 0) {
		fk_log_err("audit checkpoints are off: run 'fangkong init' to make the audit key %s.audit-key", stem);
		return;
	}
	struct stat sb;
	if (s->file && *s->file && stat(s->file, &sb) == 0 && S_ISDIR(sb.st_mode))
		snprintf(cp.file, sizeof(cp.file), "%s/audit-checkpoints", s->file);
	else if (s->file && *s->file)
		snprintf(cp.file, sizeof(cp.file), "%s", s->file);
	else
		snprintf(cp.file, sizeof(cp.file), "%s.audit-checkpoints", stem);
	if (fk_db_open(&cp.db, s->db_path, true) < 0) {
		sodium_memzero(&cp.key, sizeof(cp.key));
		return;
	}
	cp.size = -1;
	cp.state = 1;
}

/* Signs the head and appends it to the file, unless the log is as it was
 * at the last checkpoint and force is 0. */
static void checkpoint(int64_t now, int force)
{
	fk_checkpoint c = { .time = now };
	if (fk_audit_head(cp.db, &c.size, c.hash) < 0) {
		fk_log_err("audit checkpoint: cannot read the head");
		return;
	}
	if (c.size == cp.size && !force)
		return;
	char note[FK_CHECKPOINT_MAX], h64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
	fk_checkpoint_sign(&cp.key, &c, note);
	if (fk_checkpoint_append(cp.file, note) < 0)
		return; /* tried again at the next one */
	cp.size = c.size;
	fk_checkpoint_remember(note, &c);
	sodium_bin2base64(h64, sizeof(h64), c.hash, 32, sodium_base64_VARIANT_ORIGINAL);
	fk_log_info("audit checkpoint: %" PRId64 " entries, head %s, signed into %s", c.size, h64, cp.file);
}

void fk_schedule_stop(void)
{
	if (cp.state == 1) {
		checkpoint(fk_now(), 1);
		fk_db_close(cp.db);
		sodium_memzero(&cp.key, sizeof(cp.key));
	}
	cp.state = 0;
}

/* Only the serve loop's thread calls tick. */
static int64_t swept = -1;

void fk_schedule_tick(fk_writer *w, int64_t now)
{
	if (cp.state == 0)
		checkpoint_start();
	if (cp.state == 1 && now >= cp.next) {
		checkpoint(now, cp.size < 0);
		cp.next = now + (int64_t)fk_checkpoint_settings.minutes * 60;
	}

	int64_t slot = last_ended_slot(now);
	if (slot == swept)
		return;
	sweep_job *j = calloc(1, sizeof(*j));
	if (!j)
		return; /* tried again next second */
	swept = slot;
	j->day = slot / 2;
	j->pm = (int)(slot % 2);
	j->write = (fk_write){ .run = sweep_run, .done = sweep_done, .again = sweep_again, .arg = j, .heavy = true };
	fk_writer_submit(w, &j->write);
}
