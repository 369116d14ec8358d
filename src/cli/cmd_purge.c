/* cmd_purge.c - `fangkong purge`: personal data past its retention. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/retention/purge.h"
#include "util/date.h"
#include "util/log.h"

static const char usage[] =
	"usage: fangkong purge [--before DATE] [--dry-run] [--db PATH]\n\n"
	"Erases personal data whose records closed before DATE (YYYY-MM-DD; default: today less\n"
	"FK_RETENTION_DAYS): the names, ID and phone numbers, birth years, origins and tags of\n"
	"persons with no record on or after DATE; screening findings (temperatures, symptoms,\n"
	"notes) and the follow-ups of closed observations from before DATE; the temperatures of\n"
	"closed alerts; the reasons in the history of those persons' cases.  Every row that counts\n"
	"stays, and so every figure of the response.  Nothing of a person with an open case, an\n"
	"active observation or an open alert is touched.  One transaction, audited as \"purge\"\n"
	"with the counts (never the data); deleted content is overwritten in the database file\n"
	"and the write-ahead log is emptied.\n\n"
	"  --before DATE  the cutoff; refused when later than today less FK_RETENTION_DAYS\n"
	"  --dry-run      count what would be erased, table by table; change nothing\n\n"
	"Environment: FK_RETENTION_DAYS (days personal data is kept after its record closes,\n"
	"default 180, from 14 to 3650).\n";

int cmd_purge(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, usage))
		return 0;
	const char *db_opt = NULL, *before = NULL;
	int dry = 0;
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },
		{ "before", required_argument, 0, 'b' },
		{ "dry-run", no_argument, 0, 'n' },
		{ 0 },
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'b': before = optarg; break;
		case 'n': dry = 1; break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	long keep = 180;
	const char *v = getenv("FK_RETENTION_DAYS");
	if (v && *v) {
		char *end;
		errno = 0;
		keep = strtol(v, &end, 10);
		if (*end || errno || keep < 14 || keep > 3650) {
			fk_log_err("FK_RETENTION_DAYS=%s: expected a whole number from 14 to 3650", v);
			return 1;
		}
	}
	int64_t latest = fk_today() - keep, cutoff = latest;
	char latest_text[11];
	fk_date_format(latest, latest_text);
	if (before && fk_date_parse(before, &cutoff) < 0) {
		fk_log_err("--before %s: expected a date YYYY-MM-DD", before);
		return 2;
	}
	if (cutoff > latest) {
		fk_log_err("--before %s: personal data is kept for FK_RETENTION_DAYS=%ld days; the latest "
			   "cutoff today is %s",
			   before, keep, latest_text);
		return 1;
	}
	const char *path = cli_db_path(db_opt);
	fk_db *db;
	if (cli_open_db(path, 0, &db) < 0)
		return 1;
	/* SQLite: overwrite what is deleted, in the file and its log, rather
	 * than leave it in free pages */
	if (!dry && fk_db_exec(db, "PRAGMA secure_delete=ON") < 0) {
		fk_db_close(db);
		return 1;
	}
	fk_purge_counts n;
	int rc = fk_purge(db, cutoff, dry, &n);
	if (rc == 0 && !dry && fk_db_checkpoint(db, FK_CKPT_TRUNCATE, 10000) != 1)
		fk_log_err("purge: the write-ahead log could not be emptied now (a reader holds it); the "
			   "server empties it once idle");
	fk_db_close(db);
	if (rc < 0)
		return 1;
	char cut[11];
	fk_date_format(cutoff, cut);
	printf("%s before %s\n", dry ? "would purge (dry run, nothing changed)" : "purged", cut);
	printf("  %-12s %10" PRId64 "  personal fields erased\n", "persons", n.persons);
	printf("  %-12s %10" PRId64 "  deleted\n", "findings", n.findings);
	printf("  %-12s %10" PRId64 "  deleted\n", "followups", n.followups);
	printf("  %-12s %10" PRId64 "  temperatures erased\n", "alerts", n.alerts);
	printf("  %-12s %10" PRId64 "  reasons erased\n", "case_events", n.case_events);
	printf("  %-12s %10" PRId64 "  persons kept: an open case, observation or alert\n", "kept", n.kept_open);
	return 0;
}
