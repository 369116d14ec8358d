/* checkpoint.c - the audit key, signed checkpoint notes, the checkpoint
 * file (see checkpoint.h).  A checkpoint is signed every few minutes, so
 * nothing here is on a request's path but fk_checkpoint_latest. */
#include "core/base/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/audit.h"
#include "util/log.h"
#include "util/pii.h"

#define ORIGIN "fangkong audit log"
#define KEY_NAME "fangkong-audit"
#define SIG_PREFIX "\xe2\x80\x94 " /* "— ", an em dash and a space */

static void key_path(const char *db_path, char *out, size_t n)
{
	snprintf(out, n, "%s.audit-key", db_path);
}

void fk_note_key_id(const char *name, const unsigned char pk[32], unsigned char id[4])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES], sep[2] = { '\n', 0x01 }; /* 0x01: the type, Ed25519 */
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
	crypto_hash_sha256_update(&st, sep, 2);
	crypto_hash_sha256_update(&st, pk, 32);
	crypto_hash_sha256_final(&st, h);
	memcpy(id, h, 4);
}

int fk_audit_key_create(const char *db_path)
{
	char path[4096];
	key_path(db_path, path, sizeof(path));
	unsigned char pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	int rc = fk_key_file_create(path, sk, sizeof(sk));
	sodium_memzero(sk, sizeof(sk));
	return rc < 0 ? -1 : 0;
}

int fk_audit_key_load(const char *db_path, fk_audit_key *k)
{
	char path[4096];
	key_path(db_path, path, sizeof(path));
	memset(k, 0, sizeof(*k));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fk_log_err("%s: cannot open the audit key (it is created by 'fangkong init')", path);
	struct stat sb = { 0 };
	ssize_t got = -1;
	if (fstat(fd, &sb) == 0 && !(sb.st_mode & 077))
		got = read(fd, k->sk, sizeof(k->sk));
	close(fd);
	if (sb.st_mode & 077)
		return fk_log_err("%s: the audit key must not be readable by others (chmod 600)", path);
	if (got != (ssize_t)sizeof(k->sk)) {
		sodium_memzero(k->sk, sizeof(k->sk));
		return fk_log_err("%s: the audit key must hold %zu bytes", path, sizeof(k->sk));
	}
	crypto_sign_ed25519_sk_to_pk(k->pk, k->sk);
	fk_note_key_id(KEY_NAME, k->pk, k->id);
	return 0;
}

size_t fk_checkpoint_sign(const fk_audit_key *k, const fk_checkpoint *c, char *out)
{
	char h64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(h64, sizeof(h64), c->hash, 32, sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(out, FK_CHECKPOINT_MAX, ORIGIN "\n%" PRId64 "\n%s\ntime %" PRId64 "\n", c->size, h64,
			 c->time);
	unsigned char sig[4 + crypto_sign_BYTES];
	memcpy(sig, k->id, 4);
	crypto_sign_detached(sig + 4, NULL, (const unsigned char *)out, (unsigned long long)n, k->sk);
	char s64[sodium_base64_ENCODED_LEN(sizeof(sig), sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(s64, sizeof(s64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	n += snprintf(out + n, FK_CHECKPOINT_MAX - (size_t)n, "\n" SIG_PREFIX KEY_NAME " %s\n", s64);
	return (size_t)n;
}

/* Reads the body's four lines into c.  Returns 0 or -1. */
static int parse_body(const char *body, fk_checkpoint *c)
{
	char h64[64], tail;
	long long size, t;
	int n = 0;
	if (strncmp(body, ORIGIN "\n", sizeof(ORIGIN)) != 0)
		return -1;
	body += sizeof(ORIGIN);
	if (sscanf(body, "%lld\n%63[A-Za-z0-9+/=]\ntime %lld%c%n", &size, h64, &t, &tail, &n) != 4 ||
	    tail != '\n' || body[n] != '\0' || size < 0 || t < 0)
		return -1;
	size_t len = 0;
	if (sodium_base642bin(c->hash, 32, h64, strlen(h64), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    len != 32)
		return -1;
	c->size = size;
	c->time = t;
	return 0;
}

int fk_checkpoint_open(const fk_audit_key *k, const char *text, fk_checkpoint *c, size_t *used)
{
	const char *p = text;
	while (*p == '\n')
		p++;
	if (!*p)
		return 1;
	const char *blank = strstr(p, "\n\n");
	if (!blank || (size_t)(blank + 1 - p) >= FK_CHECKPOINT_MAX)
		return -1;
	size_t body_len = (size_t)(blank + 1 - p);
	char body[FK_CHECKPOINT_MAX];
	memcpy(body, p, body_len);
	body[body_len] = '\0';
	if (parse_body(body, c) < 0)
		return -1;
	const char *s = blank + 2;
	int sigs = 0, ok = 0;
	while (strncmp(s, SIG_PREFIX, strlen(SIG_PREFIX)) == 0) {
		const char *eol = strchr(s, '\n');
		const char *end = eol ? eol : s + strlen(s);
		const char *name = s + strlen(SIG_PREFIX), *sp = memchr(name, ' ', (size_t)(end - name));
		if (!sp)
			return -1;
		sigs++;
		unsigned char sig[4 + crypto_sign_BYTES];
		size_t len = 0;
		if ((size_t)(sp - name) == strlen(KEY_NAME) && memcmp(name, KEY_NAME, strlen(KEY_NAME)) == 0 &&
		    sodium_base642bin(sig, sizeof(sig), sp + 1, (size_t)(end - sp - 1), NULL, &len, NULL,
				      sodium_base64_VARIANT_ORIGINAL) == 0 &&
		    len == sizeof(sig) && memcmp(sig, k->id, 4) == 0 &&
		    crypto_sign_verify_detached(sig + 4, (const unsigned char *)body, body_len, k->pk) == 0)
			ok = 1;
		s = eol ? eol + 1 : end;
	}
	if (!sigs)
		return -1;
	*used = (size_t)(s - text);
	return ok ? 0 : -2;
}

int fk_checkpoint_append(const char *file, const char *note)
{
	int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return fk_log_err("%s: %s", file, strerror(errno));
	size_t n = strlen(note);
	/* one write: a note is never interleaved with another writer's */
	char buf[FK_CHECKPOINT_MAX + 1];
	memcpy(buf, note, n);
	buf[n] = '\n'; /* the blank line that ends a note in the file */
	ssize_t w = write(fd, buf, n + 1);
	int rc = w == (ssize_t)(n + 1) && fsync(fd) == 0 ? 0 : -1;
	close(fd);
	return rc < 0 ? fk_log_err("%s: cannot append the checkpoint: %s", file, strerror(errno)) : 0;
}

static pthread_mutex_t latest_lock = PTHREAD_MUTEX_INITIALIZER;
static char latest[FK_CHECKPOINT_MAX];
static fk_checkpoint latest_cp;

void fk_checkpoint_remember(const char *note, const fk_checkpoint *c)
{
	pthread_mutex_lock(&latest_lock);
	snprintf(latest, sizeof(latest), "%s", note);
	latest_cp = *c;
	pthread_mutex_unlock(&latest_lock);
}

int fk_checkpoint_latest(char note[FK_CHECKPOINT_MAX], fk_checkpoint *c)
{
	pthread_mutex_lock(&latest_lock);
	memcpy(note, latest, FK_CHECKPOINT_MAX);
	*c = latest_cp;
	pthread_mutex_unlock(&latest_lock);
	return note[0] ? 0 : -1;
}

/* Checkpoints by size, and the first one the log fails. */
typedef struct walk {
	fk_checkpoint *cps;
	size_t n, next;
	int64_t good_below;
	const fk_checkpoint *bad;
} walk;

static void walk_head(int64_t id, const unsigned char hash[32], void *arg)
{
	walk *w = arg;
	for (; w->next < w->n && w->cps[w->next].size <= id; w->next++) {
		const fk_checkpoint *c = &w->cps[w->next];
		if (w->bad)
			continue;
		if (c->size == id && sodium_memcmp(c->hash, hash, 32) == 0)
			w->good_below = id;
		else
			w->bad = c;
	}
}

static int by_size(const void *a, const void *b)
{
	const fk_checkpoint *x = a, *y = b;
	return x->size < y->size ? -1 : x->size > y->size;
}

int fk_checkpoint_verify(fk_db *db, const fk_audit_key *k, const char *text, fk_checkpoint_check *out)
{
	memset(out, 0, sizeof(*out));
	walk w = { 0 };
	size_t cap = 0;
	int rc = FK_CP_INTACT;
	for (const char *p = text;;) {
		fk_checkpoint c;
		size_t used = 0;
		int r = fk_checkpoint_open(k, p, &c, &used);
		if (r == 1)
			break;
		out->note++;
		if (r < 0) {
			out->bad_signature = r == -2;
			rc = FK_CP_BAD_NOTE;
			goto out;
		}
		if (w.n == cap) {
			cap = cap ? cap * 2 : 64;
			fk_checkpoint *grown = realloc(w.cps, cap * sizeof(*grown));
			if (!grown) {
				rc = FK_CP_DB_ERROR;
				goto out;
			}
			w.cps = grown;
		}
		w.cps[w.n++] = c;
		if (c.size >= out->latest.size)
			out->latest = c;
		p += used;
	}
	out->notes = (int64_t)w.n;
	out->note = 0;
	if (w.n)
		qsort(w.cps, w.n, sizeof(*w.cps), by_size);
	/* an empty log's head: the 32 zero bytes */
	static const unsigned char zero[32];
	walk_head(0, zero, &w);
	int64_t n = fk_audit_verify_each(db, &out->bad_id, walk_head, &w);
	if (n == -1) {
		rc = FK_CP_DB_ERROR;
		goto out;
	}
	if (n == -2) {
		rc = FK_CP_CHAIN;
		goto out;
	}
	out->entries = n;
	out->good_below = w.good_below;
	if (w.bad) {
		out->first_bad = *w.bad;
		out->bad_id = w.bad->size;
		rc = FK_CP_REWRITTEN;
	} else if (w.next < w.n) {
		out->first_bad = w.cps[w.next];
		out->bad_id = n + 1;
		rc = FK_CP_TRUNCATED;
	}
out:
	free(w.cps);
	return rc;
}
