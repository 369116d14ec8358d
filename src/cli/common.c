/* common.c - what the subcommands share: the database, the key file,
 * reading a password from standard input, help. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/base/checkpoint.h"
#include "store/migrate.h"
#include "util/log.h"
#include "util/pii.h"

const char *cli_db_path(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *env = getenv("FK_DB");
	return env && *env ? env : "var/fangkong.db";
}

static const char *key_opt;

void cli_set_key(const char *path)
{
	key_opt = path;
}

/* The key files' common stem: --key PATH (or FK_KEY) names the personal-data
 * key PATH, which must end in ".key"; the audit key sits beside it as
 * STEM.audit-key.  Without it, a database file's keys sit beside the file
 * (DB.key, DB.audit-key); a database server has no file to sit beside, so
 * the key must be named.  Returns 0 or -1 (reported). */
int cli_key_stem(const char *db, char *out, size_t n)
{
	const char *k = key_opt && *key_opt ? key_opt : getenv("FK_KEY");
	if (k && *k) {
		size_t len = strlen(k);
		if (len < 5 || strcmp(k + len - 4, ".key") != 0)
			return fk_log_err("--key %s: the key file's name must end in .key (the audit key sits beside it "
					  "as NAME.audit-key)", k);
		snprintf(out, n, "%.*s", (int)(len - 4), k);
		return 0;
	}
	if (fk_db_is_server(db))
		return fk_log_err("a database server needs the key file that seals personal data: --key PATH or "
				  "FK_KEY (every instance of one database uses the same key)");
	snprintf(out, n, "%s", db);
	return 0;
}

/* Creates STEM.key (32 random bytes, mode 0600) when it does not exist: the
 * key that encrypts personal data at rest.  Returns 0 or -1. */
static int ensure_key_file(const char *stem)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s.key", stem);
	unsigned char key[32];
	randombytes_buf(key, sizeof(key));
	int rc = fk_key_file_create(path, key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	struct stat sb;
	if (rc == 1 && stat(path, &sb) == 0 && (sb.st_mode & 077))
		return fk_log_err("%s: key file must not be readable by others (chmod 600)", path);
	return rc < 0 ? -1 : 0;
}

/* Creates the directory holding path, one level, when missing. */
static void ensure_parent_dir(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	mkdir(dir, 0750);
}

/* The keyed hash of a fixed text under the personal-data key, kept in
 * settings: a key file that is not the one the database's fields were
 * sealed with is refused at start, not found out at the first reveal. */
static int check_key(fk_db *db, const char *shown, const char *stem)
{
	unsigned char h[FK_PII_HASH_LEN];
	char hex[2 * FK_PII_HASH_LEN + 1];
	fk_pii_hash(&fk_pii_global, "key-check", "fangkong", h);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if (fk_db_run(db, "INSERT INTO settings (key, value) VALUES ('key_check', $1) ON CONFLICT (key) DO NOTHING",
		      "s", hex) < 0)
		return -1;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT value FROM settings WHERE key = 'key_check'", "") < 0)
		return -1;
	bool same = fk_stmt_step(st) == FK_ROW && strcmp(fk_stmt_text(st, 0), hex) == 0;
	fk_stmt_done(st);
	if (!same)
		return fk_log_err("%s.key is not the key of %s: its personal fields were sealed with another key "
				  "(give the right one with --key PATH or FK_KEY)", stem, shown);
	return 0;
}

int cli_open_db(const char *path, int create, fk_db **out)
{
	*out = NULL;
	bool server = fk_db_is_server(path);
	char shown[1024], stem[4096];
	fk_db_redact(path, shown, sizeof(shown));
	if (cli_key_stem(path, stem, sizeof(stem)) < 0)
		return -1;
	if (!server && !create && access(path, F_OK) != 0)
		return fk_log_err("%s: no such database (create it with 'fangkong init --db %s')", path, path);
	if (create) {
		if (!server)
			ensure_parent_dir(path);
		ensure_parent_dir(stem);
		if (ensure_key_file(stem) < 0 || fk_audit_key_create(stem) < 0)
			return -1;
	}
	fk_db *db;
	if (fk_db_open(&db, path, false) < 0)
		return fk_log_err("%s: cannot be opened as a fangkong database (the reason is above); "
				  "check the path, or restore the file from a backup", shown);
	if (create) {
		int applied = 0;
		if (fk_migrate(db, &applied) < 0) {
			fk_db_close(db);
			return -1;
		}
		if (applied)
			fk_log_info("%s: applied %d migration(s); schema version %d", shown, applied,
				    fk_schema_latest());
	} else {
		int v = fk_schema_version(db);
		if (v > fk_schema_latest()) {
			fk_db_close(db);
			return fk_log_err("%s: schema version %d was written by a newer fangkong; this binary knows "
					  "versions up to %d: run the newer binary (the database is left unchanged)",
					  shown, v, fk_schema_latest());
		}
		if (v != fk_schema_latest()) {
			fk_db_close(db);
			return fk_log_err("%s: schema version %d, this binary needs %d: run 'fangkong init --db %s'",
					  shown, v, fk_schema_latest(), shown);
		}
	}
	if (fk_pii_load(stem, &fk_pii_global) < 0 || check_key(db, shown, stem) < 0) {
		fk_db_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

int cli_check_db(fk_db *db, const char *path)
{
	char problem[512];
	if (fk_db_check(db, problem, sizeof(problem)) == 0)
		return 0;
	for (char *c = problem; *c; c++) /* one line in the log */
		if (*c == '\n')
			*c = ' ';
	return fk_log_err("%s: the database is damaged (%s); not starting: restore it from a backup "
			  "(then 'fangkong audit verify --db %s')", path, problem, path);
}

int cli_read_secret(char *buf, size_t n)
{
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password: ");
	if (!fgets(buf, (int)n, stdin))
		return fk_log_err("no password on standard input");
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

int cli_wants_help(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		}
	return 0;
}

/* Reads the whole of path into a NUL-terminated buffer (free it). */
char *cli_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t n = 0, cap = 4096;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			char *grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
			cap *= 2;
		}
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}
