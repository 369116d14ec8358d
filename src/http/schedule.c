/* schedule.c - clock-driven duties (see schedule.h). */
#include "http/schedule.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/base/audit.h"
#include "core/base/checkpoint.h"
#include "core/command/bulletin.h"
#include "core/epi/contacts.h"
#include "core/ledger/ledger.h"
#include "core/mobilise/mobilise.h"
#include "core/supervise/supervise.h"
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
	fk_ledger_key_remember(&cp.key);
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

/* The public ledger's duties (core/ledger/ledger.h): a checkpoint signed
 * on the serve loop's thread, from its reader connection, whenever the log
 * has grown (appends never wait for it), stored by a light writer job; and
 * the audit log's head appended once a day.  One job of each kind at a
 * time. */
typedef struct ledger_job {
	fk_write write;
	fk_ledger_cp cp;
	int64_t day, now;
	atomic_int *busy;
} ledger_job;

static atomic_int cp_busy, head_busy;
static int64_t head_day = -1;

static int ledger_store_run(fk_db *db, void *arg)
{
	ledger_job *j = arg;
	return fk_ledger_checkpoint_store(db, &j->cp, j->now);
}

static int ledger_head_run(fk_db *db, void *arg)
{
	ledger_job *j = arg;
	return fk_ledger_audit_head(db, j->day, j->now);
}

static void ledger_done(void *arg, int rc)
{
	ledger_job *j = arg;
	if (rc < 0)
		fk_log_err("ledger: %s failed; tried again", j->write.run == ledger_head_run ? "the audit head" : "storing a checkpoint");
	else if (j->write.run == ledger_store_run)
		fk_log_info("ledger checkpoint: %" PRId64 " entries signed", j->cp.size);
	if (rc < 0 && j->write.run == ledger_head_run)
		head_day = -1;
	atomic_store(j->busy, 0);
	free(j);
}

static void ledger_submit(fk_writer *w, int (*run)(fk_db *, void *), atomic_int *busy, ledger_job *j, int64_t now)
{
	j->now = now;
	j->busy = busy;
	j->write = (fk_write){ .run = run, .done = ledger_done, .arg = j };
	atomic_store(busy, 1);
	fk_writer_submit(w, &j->write);
}

static void ledger_tick(fk_writer *w, int64_t now)
{
	int64_t today = fk_day_of(now);
	if (head_day != today && !atomic_load(&head_busy)) {
		ledger_job *j = calloc(1, sizeof(*j));
		if (j) {
			head_day = today;
			j->day = today;
			ledger_submit(w, ledger_head_run, &head_busy, j, now);
		}
	}
	if (atomic_load(&cp_busy))
		return;
	ledger_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	if (fk_ledger_checkpoint_make(cp.db, &cp.key, &j->cp) != 0) {
		free(j); /* nothing new, or refused (logged) */
		return;
	}
	ledger_submit(w, ledger_store_run, &cp_busy, j, now);
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

/* Forgotten check-outs: closed at their shift's end, once a minute; and
 * overdue rectifications chased, once a day (the minute's job finds none
 * left to chase after the first). */
typedef struct close_job {
	fk_write write;
	int64_t now, closed, chased;
} close_job;

static int close_run(fk_db *db, void *arg)
{
	close_job *j = arg;
	if (fk_mob_close_forgotten(db, j->now, &j->closed) < 0)
		return -1;
	/* overdue rectifications are chased once a day, from 9:00 */
	int64_t today = fk_day_of(j->now);
	if (j->now >= fk_local_time(today, 9) && fk_sv_chase_overdue(db, today, &j->chased) < 0)
		return -1;
	return 0;
}

static void close_done(void *arg, int rc)
{
	close_job *j = arg;
	if (rc < 0)
		fk_log_err("closing forgotten check-outs or chasing overdue rectifications failed; tried again in a minute");
	if (rc >= 0 && j->closed)
		fk_log_info("%lld forgotten check-out(s) closed at their shift's end", (long long)j->closed);
	if (rc >= 0 && j->chased)
		fk_log_info("%lld overdue rectification(s) chased", (long long)j->chased);
	free(j);
}

static int64_t closed_minute = -1;

static void close_forgotten(fk_writer *w, int64_t now)
{
	if (now / 60 == closed_minute)
		return;
	close_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	closed_minute = now / 60;
	j->now = now;
	j->write = (fk_write){ .run = close_run, .done = close_done, .arg = j };
	fk_writer_submit(w, &j->write);
}

/* Only the serve loop's thread calls tick. */
static int64_t swept = -1;

/* The daily bulletins' drafts: the day before, once fk_bulletin_hour has
 * come (at start too, so a restart catches up). */
typedef struct bulletin_job {
	fk_write write;
	int64_t day, drafted;
} bulletin_job;

static int64_t bulletins_drafted = -1;

static int bulletin_run(fk_db *db, void *arg)
{
	bulletin_job *j = arg;
	return fk_bulletin_draft_due(db, j->day, &j->drafted);
}

static void bulletin_done(void *arg, int rc)
{
	bulletin_job *j = arg;
	char d[11];
	fk_date_format(j->day, d);
	if (rc < 0)
		fk_log_err("bulletins of %s: drafting failed; it runs again at the next start", d);
	else if (j->drafted)
		fk_log_info("bulletins of %s: %lld drafted for approval", d, (long long)j->drafted);
	free(j);
}

static void bulletin_tick(fk_writer *w, int64_t now)
{
	int64_t today = fk_day_of(now);
	int64_t day = now >= fk_local_time(today, fk_bulletin_hour) ? today - 1 : today - 2;
	if (day == bulletins_drafted)
		return;
	bulletin_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	bulletins_drafted = day;
	j->day = day;
	j->write = (fk_write){ .run = bulletin_run, .done = bulletin_done, .arg = j, .heavy = true };
	fk_writer_submit(w, &j->write);
}

void fk_schedule_tick(fk_writer *w, int64_t now)
{
	if (cp.state == 0)
		checkpoint_start();
	if (cp.state == 1 && now >= cp.next) {
		checkpoint(now, cp.size < 0);
		cp.next = now + (int64_t)fk_checkpoint_settings.minutes * 60;
	}
	if (cp.state == 1)
		ledger_tick(w, now);
	close_forgotten(w, now);

	bulletin_tick(w, now);
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
