/* cmd_serve.c - `fangkong serve`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mobilise/mobilise.h"
#include "cli/cli.h"
#include "core/base/account.h"
#include "core/command/bulletin.h"
#include "core/epi/cases.h"
#include "core/epi/contacts.h"
#include "core/supplies/donations.h"
#include "http/handlers.h"
#include "http/metrics.h"
#include "http/schedule.h"
#include "http/server.h"
#include "store/writer.h"
#include "util/date.h"
#include "util/log.h"

static const char usage[] =
	"usage: fangkong serve [--db PATH|URL] [--key FILE.key] [--listen HOST:PORT] [--web DIR] [--threads N]\n\n"
	"Serves the JSON API under /api/v1/ and the web UI from DIR.\n\n"
	"  --db PATH|URL       database (env FK_DB; default var/fangkong.db): a SQLite file, or a\n"
	"                      PostgreSQL server as a postgresql:// URI or libpq keywords\n"
	"                      (\"host=/run/postgresql dbname=fk\")\n"
	"  --key FILE.key      the key that seals personal data (env FK_KEY; default PATH.key beside\n"
	"                      a SQLite file; required with a server); its audit key is FILE.audit-key\n"
	"  --listen HOST:PORT  address to listen on (env FK_LISTEN; default 127.0.0.1:8080;\n"
	"                      IPv6 as [::1]:8080)\n"
	"  --web DIR           static files (env FK_WEB; default web)\n"
	"  --threads N         request threads (env FK_THREADS; default: cores)\n"
	"  --tz ZONE           the deployment's time zone: today, follow-up slots, the report hour\n"
	"                      (env FK_TZ; default Asia/Shanghai; wins over TZ)\n\n"
	"Environment: FK_MAX_BODY (bytes, default 1048576), FK_MAX_UPLOAD (bytes of a CSV import,\n"
	"default 268435456), FK_REPORT_HOUR (zero reports are late after it, default 20), FK_EDITION\n"
	"(the diagnosis and treatment protocol edition in force, default 7; 5 allows clinical diagnosis),\n"
	"FK_OBSERVATION_DAYS (medical observation after the last exposure, default 14),\n"
	"FK_DONATION_RECEIPT_DAYS, FK_DONATION_RECEIPT_DAYS_NORMAL, FK_DONATION_USE_DAYS (days to publish\n"
	"a donation received in an emergency, otherwise, and its use after delivery: 1, 7, 30),\n"
	"FK_LEDGER_ORIGIN (the public ledger's name in its checkpoints, default fangkong/ledger),\n"
	"FK_SI_MEAN and FK_SI_SD (the serial interval for Rt in tenths of a day, default 47 and 29),\n"
	"FK_SESSION_TTL (seconds a session lives, default 43200), FK_SESSION_IDLE (seconds a session\n"
	"lives unused, default 7200), FK_MAX_SESSIONS (sessions one user holds at once, default 100;\n"
	"a sign-in beyond ends the least recently used),\n"
	"sign-in throttling: failures within FK_LOGIN_WINDOW (seconds, default 900) before a lock,\n"
	"FK_LOGIN_MAX_FAILURES per account (default 10), FK_LOGIN_MAX_USER_ADDR_FAILURES per account\n"
	"and address (default 5), FK_LOGIN_MAX_ADDR_FAILURES per address (default 200: a street may\n"
	"share one carrier-NAT address); a lock lasts FK_LOGIN_DELAY seconds (default 60), doubled by\n"
	"each further failure up to the window;\n"
	"FK_REQUEST_DEADLINE (seconds for a request, head and body, to arrive, default 30),\n"
	"FK_UPLOAD_DEADLINE (the same for a CSV import, default 600), FK_MAX_CONN_PER_ADDR (connections\n"
	"from one address at once, default 256, 0 for no limit),\n"
	"FK_COOKIE_SECURE=1 behind TLS, FK_QUIET=1 to drop the request log,\n"
	"FK_AUDIT_CHECKPOINTS (the file, or a directory, the signed audit checkpoints are appended to;\n"
	"default PATH.audit-checkpoints) and FK_AUDIT_CHECKPOINT_MINUTES (default 15),\n"
	"FK_WAL_LIMIT (bytes the database's write-ahead log may hold, default 268435456),\n"
	"GET /metrics (Prometheus text format) for FK_METRICS_ALLOW (client addresses, comma separated)\n"
	"and for FK_METRICS_TOKEN (sent as Authorization: Bearer TOKEN); nobody when neither is set.\n"
	"A numeric setting out of its range stops the server at start (exit status 1), and so does a\n"
	"database that is missing, damaged (the whole file is read first: seconds per GB)\n"
	"or written by a newer fangkong.\n"
	"Stops on SIGINT or SIGTERM after finishing the requests in flight.\n";

static int bad_settings;

/* A numeric setting from the environment: def when unset or empty.  A value
 * that is not a whole number in [min, max] is reported, naming the setting,
 * and counted in bad_settings: the server then refuses to start rather than
 * run on a value nobody chose. */
static long env_long(const char *name, long def, long min, long max)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (*end || errno || n < min || n > max) {
		fk_log_err("%s=%s: expected a whole number from %ld to %ld", name, v, min, max);
		bad_settings++;
		return def;
	}
	return n;
}

/* Splits HOST:PORT ([v6]:PORT).  Returns 0 or -1. */
static int parse_listen(const char *s, char *host, size_t hn, int *port)
{
	const char *colon;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -1;
		snprintf(host, hn, "%.*s", (int)(end - s - 1), s + 1);
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		snprintf(host, hn, "%.*s", (int)(colon - s), s);
	}
	char *e;
	long p = strtol(colon + 1, &e, 10);
	if (*e || p < 0 || p > 65535 || !host[0])
		return -1;
	*port = (int)p;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, usage))
		return 0;
	const char *db = NULL, *listen = getenv("FK_LISTEN"), *web = getenv("FK_WEB");
	long threads = env_long("FK_THREADS", sysconf(_SC_NPROCESSORS_ONLN), 1, 64);
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },
		{ "listen", required_argument, 0, 'l' },
		{ "web", required_argument, 0, 'w' },
		{ "threads", required_argument, 0, 't' },
		{ "tz", required_argument, 0, 'z' },
		{ "key", required_argument, 0, 'k' },
		{ 0 },
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': listen = optarg; break;
		case 'w': web = optarg; break;
		case 't': threads = strtol(optarg, NULL, 10); break;
		case 'k': cli_set_key(optarg); break;
		case 'z':
			if (fk_zone_set(optarg) < 0) {
				fk_log_err("--tz %s: not a time zone of the tz database (e.g. Asia/Shanghai, UTC)", optarg);
				return 2;
			}
			break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind < argc || threads < 1 || threads > 64) {
		fputs(usage, stderr);
		return 2;
	}
	char host[128];
	int port;
	if (parse_listen(listen && *listen ? listen : "127.0.0.1:8080", host, sizeof(host), &port) < 0) {
		fk_log_err("--listen %s: expected HOST:PORT", listen);
		return 2;
	}
	fk_server_config cfg = {
		.db_path = cli_db_path(db),
		.host = host,
		.port = port,
		.web_dir = web && *web ? web : "web",
		.threads = (int)threads,
		.max_body = (size_t)env_long("FK_MAX_BODY", 1 << 20, 1024, 1L << 30),
		.max_upload = (size_t)env_long("FK_MAX_UPLOAD", 256L << 20, 1024, 4L << 30),
		.conn_timeout = 30,
		.request_deadline = (int)env_long("FK_REQUEST_DEADLINE", 30, 1, 3600),
		.upload_deadline = (int)env_long("FK_UPLOAD_DEADLINE", 600, 1, 86400),
		.max_conn_per_addr = (int)env_long("FK_MAX_CONN_PER_ADDR", 256, 0, 100000),
		.cookie_secure = env_long("FK_COOKIE_SECURE", 0, 0, 1) == 1,
	};
	fk_account_config.session_ttl = env_long("FK_SESSION_TTL", 12 * 3600, 60, 30L * 86400);
	fk_account_config.session_idle = env_long("FK_SESSION_IDLE", 2 * 3600, 60, 30L * 86400);
	fk_account_config.max_sessions = (int)env_long("FK_MAX_SESSIONS", 100, 1, 10000);
	fk_account_config.max_failures = (int)env_long("FK_LOGIN_MAX_FAILURES", 10, 1, 1000);
	fk_account_config.max_pair_failures = (int)env_long("FK_LOGIN_MAX_USER_ADDR_FAILURES", 5, 1, 1000);
	fk_account_config.max_addr_failures = (int)env_long("FK_LOGIN_MAX_ADDR_FAILURES", 200, 1, 100000);
	fk_account_config.fail_window = env_long("FK_LOGIN_WINDOW", 900, 1, 86400);
	fk_account_config.lock_delay = env_long("FK_LOGIN_DELAY", 60, 1, 86400);
	fk_writer_wal_limit = env_long("FK_WAL_LIMIT", FK_WAL_LIMIT_DEFAULT, 1L << 20, 64L << 30);
	fk_report_hour = (int)env_long("FK_REPORT_HOUR", 20, 0, 24);
	fk_bulletin_hour = (int)env_long("FK_BULLETIN_HOUR", 0, 0, 23);
	fk_wall_cache_seconds = (int)env_long("FK_WALL_CACHE", 5, 0, 60);
	fk_protocol_edition = (int)env_long("FK_EDITION", 7, 2, 9);
	fk_observation_days = (int)env_long("FK_OBSERVATION_DAYS", 14, 1, 60);
	fk_donation_settings.receipt_days = env_long("FK_DONATION_RECEIPT_DAYS", 1, 1, 30);
	fk_donation_settings.receipt_days_normal = env_long("FK_DONATION_RECEIPT_DAYS_NORMAL", 7, 1, 60);
	fk_donation_settings.use_days = env_long("FK_DONATION_USE_DAYS", 30, 1, 366);
	/* the serial interval in tenths of a day: FK_SI_MEAN=47 is 4.7 days */
	fk_rt_settings.si_mean = (double)env_long("FK_SI_MEAN", 47, 11, 300) / 10.0;
	fk_rt_settings.si_sd = (double)env_long("FK_SI_SD", 29, 1, 300) / 10.0;
	fk_mob_hours_per_day = (int)env_long("FK_MOB_HOURS_PER_DAY", 8, 1, 24);
	fk_mob_back_to_back = (int)env_long("FK_MOB_BACK_TO_BACK", 2, 1, 12);
	/* read by main() and the database driver; checked here so that a typo
	 * does not quietly keep the log on or change durability */
	env_long("FK_QUIET", 0, 0, 1);
	const char *sync = getenv("FK_SYNC");
	if (sync && *sync && strcmp(sync, "FULL") != 0 && strcmp(sync, "NORMAL") != 0) {
		fk_log_err("FK_SYNC=%s: expected FULL or NORMAL", sync);
		bad_settings++;
	}
	static char stem[4096];
	if (cli_key_stem(cfg.db_path, stem, sizeof(stem)) < 0)
		return 1;
	fk_metrics_settings = (fk_metrics_config){ .allow = getenv("FK_METRICS_ALLOW"), .token = getenv("FK_METRICS_TOKEN") };
	fk_checkpoint_settings = (fk_checkpoint_config){
		.db_path = cfg.db_path,
		.key_stem = stem,
		.file = getenv("FK_AUDIT_CHECKPOINTS"),
		.minutes = (int)env_long("FK_AUDIT_CHECKPOINT_MINUTES", 15, 1, 1440),
	};
	if (bad_settings) {
		fk_log_err("serve: %d setting(s) out of range; not starting", bad_settings);
		return 1;
	}

	/* Refuse to start on a missing, old, newer or damaged database rather
	 * than fail later, part-way through someone's work. */
	fk_db *h;
	if (cli_open_db(cfg.db_path, 0, &h) < 0)
		return 1;
	int damaged = cli_check_db(h, cfg.db_path);
	fk_db_close(h);
	if (damaged < 0)
		return 1;
	return fk_server_run(&cfg) < 0 ? 1 : 0;
}
