/* pii.c - secretbox sealing, keyed hashes and masks (see pii.h). */
#include "util/pii.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

fk_pii_keys fk_pii_global;

int fk_pii_load(const char *db_path, fk_pii_keys *k)
{
	char path[4096];
	unsigned char master[crypto_kdf_KEYBYTES];
	snprintf(path, sizeof(path), "%s.key", db_path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fk_log_err("%s: cannot open the key file (it is created by 'fangkong init')", path);
	ssize_t n = read(fd, master, sizeof(master));
	close(fd);
	if (n != (ssize_t)sizeof(master))
		return fk_log_err("%s: the key file must hold %zu bytes", path, sizeof(master));
	crypto_kdf_derive_from_key(k->enc, sizeof(k->enc), 1, "fkpiienc", master);
	crypto_kdf_derive_from_key(k->mac, sizeof(k->mac), 2, "fkpiimac", master);
	sodium_memzero(master, sizeof(master));
	return 0;
}

int fk_key_file_create(const char *path, const void *key, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 1 : fk_log_err("%s: %s", path, strerror(errno));
	ssize_t w = write(fd, key, n);
	if (w != (ssize_t)n || fsync(fd) < 0) {
		close(fd);
		unlink(path);
		return fk_log_err("%s: cannot write the key", path);
	}
	close(fd);
	return 0;
}

/* Nonces: 16 random bytes drawn once per process and an 8-byte counter, so
 * no two seals under one key share a nonce, without a system call each
 * (getrandom was a twentieth of a bulk import). */
static unsigned char nonce_base[16];
static _Atomic unsigned long long nonce_counter;
static pthread_once_t nonce_once = PTHREAD_ONCE_INIT;

static void nonce_init(void)
{
	randombytes_buf(nonce_base, sizeof(nonce_base));
	nonce_counter = randombytes_random();
}

size_t fk_pii_seal(const fk_pii_keys *k, const char *plain, unsigned char *out)
{
	size_t n = strlen(plain);
	pthread_once(&nonce_once, nonce_init);
	unsigned long long c = nonce_counter++;
	memcpy(out, nonce_base, sizeof(nonce_base));
	memcpy(out + sizeof(nonce_base), &c, sizeof(c));
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, out, k->enc);
	return n + FK_PII_OVERHEAD;
}

int fk_pii_open(const fk_pii_keys *k, const unsigned char *in, size_t n, char *out, size_t cap)
{
	if (n < FK_PII_OVERHEAD || n - FK_PII_OVERHEAD + 1 > cap)
		return -1;
	if (crypto_secretbox_open_easy((unsigned char *)out, in + crypto_secretbox_NONCEBYTES,
				       n - crypto_secretbox_NONCEBYTES, in, k->enc) != 0)
		return -1;
	out[n - FK_PII_OVERHEAD] = '\0';
	return 0;
}

void fk_pii_hash(const fk_pii_keys *k, const char *domain, const char *value, unsigned char out[FK_PII_HASH_LEN])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, k->mac, sizeof(k->mac), FK_PII_HASH_LEN);
	crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain) + 1);
	crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
	crypto_generichash_final(&st, out, FK_PII_HASH_LEN);
}

static void mask_keep(const char *v, size_t head, size_t tail, char *out)
{
	size_t n = strlen(v);
	if (head + tail >= n) {
		/* too short to show both ends: keep only the last character */
		head = 0;
		tail = n > 1 ? 1 : 0;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = i < head || i >= n - tail ? v[i] : '*';
	out[n] = '\0';
}

void fk_mask_doc(const char *value, char *out)
{
	size_t n = strlen(value);
	mask_keep(value, n == 18 ? 6 : 0, n == 18 ? 4 : 2, out);
}

void fk_mask_phone(const char *value, char *out)
{
	size_t n = strlen(value);
	mask_keep(value, n == 11 ? 3 : 0, 4, out);
}
