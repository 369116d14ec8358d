/* log.h - one-line logs to stderr.
 *
 * fk_log_err() returns -1 so that `return fk_log_err(...)` reads naturally.
 * Never log passwords, tokens or personal fields.
 */
#ifndef FK_LOG_H
#define FK_LOG_H

int fk_log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fk_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Silences info lines (tests and benchmarks set FK_QUIET=1). */
void fk_log_set_quiet(int quiet);
/* Gathers info lines per thread and writes them in batches (the server's
 * request log); whoever turns it on calls fk_log_flush_all every second
 * and before exit. */
void fk_log_buffered(int on);
void fk_log_flush_all(void);

#endif
