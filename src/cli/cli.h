/* cli.h - the subcommands of the fangkong binary and what they share. */
#ifndef FK_CLI_H
#define FK_CLI_H

#include "store/db.h"

/* Each returns the process exit code: 0 ok, 1 failure, 2 usage error. */
int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_regions(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_ledger(int argc, char **argv);

/* The database path: --db, else $FK_DB, else var/fangkong.db. */
const char *cli_db_path(const char *opt);

/* --key PATH: the key file of a database server (see cli_key_stem). */
void cli_set_key(const char *path);
/* The stem of the key files (STEM.key, STEM.audit-key) of database db.
 * Returns 0 or -1 (reported). */
int cli_key_stem(const char *db, char *out, size_t n);

/* Opens the database, creating or migrating it and its key file when
 * create is set; otherwise it must exist and be at the newest schema.
 * Returns 0 or -1 (reported on stderr). */
int cli_open_db(const char *path, int create, fk_db **out);
/* Reads the whole database (fk_db_check); a damaged one is reported, naming
 * path, what is damaged and what to do.  Returns 0 or -1. */
int cli_check_db(fk_db *db, const char *path);

/* Reads one line (the password) from standard input, without its newline.
 * Returns 0 or -1. */
int cli_read_secret(char *buf, size_t n);

/* Reads the whole of path into a NUL-terminated buffer (free it); NULL
 * with errno set when it cannot. */
char *cli_read_file(const char *path);

/* True when argv holds -h or --help; prints usage. */
int cli_wants_help(int argc, char **argv, const char *usage);

#endif
