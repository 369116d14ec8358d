/* main.c - the fangkong binary: subcommand dispatch. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "util/date.h"
#include "util/log.h"
#include "version.h"

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *help;
} commands[] = {
	{ "serve", cmd_serve, "serve the JSON API and the web UI" },
	{ "init", cmd_init, "create or migrate a database and its key file" },
	{ "user", cmd_user, "add, list, change the password of, or disable users" },
	{ "regions", cmd_regions, "import the national division tables" },
	{ "import", cmd_import, "import persons from a CSV file" },
	{ "demo", cmd_demo, "build the demonstration district (武汉市武昌区)" },
	{ "audit", cmd_audit, "verify the audit log's hash chain" },
	{ "purge", cmd_purge, "erase personal data past its retention (FK_RETENTION_DAYS)" },
	{ "ledger", cmd_ledger, "verify the public ledger against a saved checkpoint" },
	{ "backup", cmd_backup, "copy a SQLite database while it is in use" },
	{ "routes", cmd_routes, "list the API's routes and their permissions" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: fangkong COMMAND [OPTIONS]\n\n"
		   "fangkong is a platform for community-level epidemic prevention and control.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "  %-9s %s\n\n"
		   "Run 'fangkong COMMAND --help' for a command's options.\n"
		   "Environment: FK_DB (database path), FK_LISTEN (HOST:PORT), FK_WEB (web directory),\n"
		   "FK_THREADS, FK_TZ (the deployment's time zone, default Asia/Shanghai; it, not TZ, decides\n"
		   "\"today\"), FK_QUIET=1 (no request log).\n",
		"version", "print the version");
}

int main(int argc, char **argv)
{
	umask(077); /* databases, key files and logs hold personal data */
	if (sodium_init() < 0) {
		fprintf(stderr, "fangkong: libsodium could not start\n");
		return 1;
	}
	/* The deployment's zone, before anything computes a date (serve --tz
	 * may replace it before its threads start). */
	const char *tz = getenv("FK_TZ");
	if (fk_zone_set(tz && *tz ? tz : "Asia/Shanghai") < 0) {
		fprintf(stderr, "fangkong: FK_TZ=%s: not a time zone of the tz database (e.g. Asia/Shanghai, UTC)\n", tz);
		return 2;
	}
	/* Test only: FK_NOW (Unix seconds) starts the clock there, so tests do
	 * not depend on the wall clock.  Refused without FK_TEST=1. */
	const char *now = getenv("FK_NOW");
	if (now && *now) {
		const char *test = getenv("FK_TEST");
		char *end;
		long long t = strtoll(now, &end, 10);
		if (!test || strcmp(test, "1") != 0 || *end || t <= 0) {
			fprintf(stderr, "fangkong: FK_NOW=%s: a test-only setting (Unix seconds, with FK_TEST=1)\n", now);
			return 2;
		}
		fk_clock_set(t);
	}
	const char *q = getenv("FK_QUIET");
	fk_log_set_quiet(q && strcmp(q, "1") == 0);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("fangkong %s\n", FK_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "fangkong: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
