/* test_merkle.c - the RFC 9162 tree (core/ledger/merkle.h) against the
 * published vectors in tests/fixtures/merkle (transparency-dev/merkle, see
 * SOURCE.md): the reference tree's roots, every inclusion and consistency
 * vector (happy paths verify and are what we generate; every mutation
 * fails), then every proof of trees up to 70 leaves both ways. */
#include <dirent.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/ledger/merkle.h"

#define FIX "tests/fixtures/merkle"
#define MAXN 128

/* An in-memory tree: nodes[level][index]. */
typedef struct mem_tree {
	unsigned char nodes[8][MAXN][32];
	int64_t size;
} mem_tree;

static int mem_get(void *ctx, int level, int64_t index, unsigned char out[32])
{
	mem_tree *t = ctx;
	if (level >= 8 || index < 0 || index >= MAXN || (index + 1) << level > t->size)
		return -1;
	memcpy(out, t->nodes[level][index], 32);
	return 0;
}

static int mem_put(void *ctx, int level, int64_t index, const unsigned char h[32])
{
	mem_tree *t = ctx;
	if (level >= 8 || index >= MAXN)
		return -1;
	memcpy(t->nodes[level][index], h, 32);
	return 0;
}

static void mem_add(mem_tree *t, const void *data, size_t n)
{
	unsigned char leaf[32];
	fk_merkle_leaf(data, n, leaf);
	assert_int_equal(fk_merkle_append(mem_get, mem_put, t, t->size, leaf), 0);
	t->size++;
}

static void hex32(const char *hex, unsigned char out[32])
{
	size_t len = 0;
	assert_int_equal(sodium_hex2bin(out, 32, hex, strlen(hex), NULL, &len, NULL), 0);
	assert_int_equal(len, 32);
}

static mem_tree *reference_tree(json_t **doc)
{
	json_error_t err;
	*doc = json_load_file(FIX "/reference-tree.json", 0, &err);
	assert_non_null(*doc);
	mem_tree *t = calloc(1, sizeof(*t));
	json_t *leaves = json_object_get(*doc, "leaves");
	for (size_t i = 0; i < json_array_size(leaves); i++) {
		const char *hex = json_string_value(json_array_get(leaves, i));
		unsigned char buf[64];
		size_t n = 0;
		assert_int_equal(sodium_hex2bin(buf, sizeof(buf), hex, strlen(hex), NULL, &n, NULL), 0);
		mem_add(t, buf, n);
	}
	return t;
}

static void test_reference_roots(void **state)
{
	(void)state;
	json_t *doc;
	mem_tree *t = reference_tree(&doc);
	json_t *roots = json_object_get(doc, "roots");
	assert_int_equal(json_array_size(roots), 9);
	for (int64_t size = 0; size <= 8; size++) {
		unsigned char want[32], got[32];
		hex32(json_string_value(json_array_get(roots, (size_t)size)), want);
		assert_int_equal(fk_merkle_root(mem_get, t, size, got), 0);
		assert_memory_equal(got, want, 32);
	}
	free(t);
	json_decref(doc);
}

/* base64 of a hash into out; returns its decoded length (a vector may hold
 * garbage of another length), or -1. */
static int b64(const json_t *v, unsigned char *out, size_t cap)
{
	const char *s = json_string_value(v);
	size_t len = 0;
	if (!s || sodium_base642bin(out, cap, s, strlen(s), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	return (int)len;
}

/* The proof of a vector, or -1 when one element is not 32 bytes (such a
 * proof is malformed, which a verifier refuses). */
static int vector_proof(const json_t *v, unsigned char path[FK_MERKLE_MAX_PATH][32])
{
	const json_t *p = json_object_get(v, "proof");
	int n = 0;
	for (size_t i = 0; i < json_array_size(p); i++) {
		unsigned char h[64];
		if (n == FK_MERKLE_MAX_PATH || b64(json_array_get(p, i), h, sizeof(h)) != 32)
			return -1;
		memcpy(path[n++], h, 32);
	}
	return n;
}

/* A size or index of a vector; -1 past int64 (our verifier refuses those). */
static int64_t vector_int(const json_t *v, const char *key)
{
	double d = json_number_value(json_object_get(v, key));
	return d >= 9.2e18 ? -1 : (int64_t)d;
}

typedef int (*vector_fn)(const json_t *v, mem_tree *ref, int *happy);

/* Runs fn on every *.json under dir, at any depth; returns how many. */
static int each_vector(const char *dir, vector_fn fn, mem_tree *ref, int *happy)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int count = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		size_t len = strlen(de->d_name);
		if (de->d_type == DT_DIR) {
			count += each_vector(path, fn, ref, happy);
			continue;
		}
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		json_error_t err;
		/* some vectors hold uint64 values past int64: read as reals */
		json_t *v = json_load_file(path, JSON_DECODE_INT_AS_REAL, &err);
		if (!v)
			fail_msg("%s: %s", path, err.text);
		int rc = fn(v, ref, happy);
		int want_err = json_is_true(json_object_get(v, "wantErr"));
		if ((rc < 0) != want_err)
			fail_msg("%s: verification %s, the vector says %s", path, rc < 0 ? "failed" : "passed",
				 want_err ? "it must fail" : "it must pass");
		json_decref(v);
		count++;
	}
	closedir(d);
	return count;
}

static int inclusion_vector(const json_t *v, mem_tree *ref, int *happy)
{
	unsigned char path[FK_MERKLE_MAX_PATH][32], leaf[64], root[64];
	int n = vector_proof(v, path);
	int64_t index = vector_int(v, "leafIdx");
	int64_t size = vector_int(v, "treeSize");
	if (n < 0 || b64(json_object_get(v, "leafHash"), leaf, sizeof(leaf)) != 32 ||
	    b64(json_object_get(v, "root"), root, sizeof(root)) != 32)
		return -1;
	int rc = fk_merkle_verify_inclusion(leaf, index, size, (const unsigned char(*)[32])path, n, root);
	if (!json_is_true(json_object_get(v, "wantErr")) && size <= ref->size) {
		/* a happy path over the reference tree: we generate the same proof */
		unsigned char mine[FK_MERKLE_MAX_PATH][32], r[32];
		int m = 0;
		assert_int_equal(fk_merkle_root(mem_get, ref, size, r), 0);
		if (memcmp(r, root, 32) != 0 || memcmp(ref->nodes[0][index], leaf, 32) != 0)
			return rc; /* a vector over another tree */
		assert_int_equal(fk_merkle_inclusion(mem_get, ref, index, size, mine, &m), 0);
		assert_int_equal(m, n);
		for (int i = 0; i < n; i++)
			assert_memory_equal(mine[i], path[i], 32);
		(*happy)++;
	}
	return rc;
}

static int consistency_vector(const json_t *v, mem_tree *ref, int *happy)
{
	unsigned char path[FK_MERKLE_MAX_PATH][32], r1[32] = { 0 }, r2[32] = { 0 };
	int n = vector_proof(v, path);
	int64_t first = vector_int(v, "size1");
	int64_t second = vector_int(v, "size2");
	/* the edge cases hold short placeholder roots ("don't care"): zero-padded
	 * to 32 bytes, equal ones stay equal and different ones different */
	if (n < 0 || b64(json_object_get(v, "root1"), r1, sizeof(r1)) < 0 ||
	    b64(json_object_get(v, "root2"), r2, sizeof(r2)) < 0)
		return -1;
	int rc = fk_merkle_verify_consistency(first, second, r1, r2, (const unsigned char(*)[32])path, n);
	if (!json_is_true(json_object_get(v, "wantErr")) && second <= ref->size && first > 0) {
		unsigned char mine[FK_MERKLE_MAX_PATH][32], a[32], b[32];
		int m = 0;
		assert_int_equal(fk_merkle_root(mem_get, ref, first, a), 0);
		assert_int_equal(fk_merkle_root(mem_get, ref, second, b), 0);
		if (memcmp(a, r1, 32) != 0 || memcmp(b, r2, 32) != 0)
			return rc; /* a vector over another tree */
		assert_int_equal(fk_merkle_consistency(mem_get, ref, first, second, mine, &m), 0);
		assert_int_equal(m, n);
		for (int i = 0; i < n; i++)
			assert_memory_equal(mine[i], path[i], 32);
		(*happy)++;
	}
	return rc;
}

static void test_vectors(void **state)
{
	(void)state;
	json_t *doc;
	mem_tree *t = reference_tree(&doc);
	int happy = 0;
	int ni = each_vector(FIX "/inclusion", inclusion_vector, t, &happy);
	int hi = happy;
	int nc = each_vector(FIX "/consistency", consistency_vector, t, &happy);
	print_message("merkle: %d inclusion vectors (%d proofs generated alike), %d consistency vectors (%d alike)\n",
		      ni, hi, nc, happy - hi);
	assert_int_equal(ni, 98); /* every file copied */
	assert_int_equal(nc, 98);
	assert_true(hi >= 5);
	assert_true(happy - hi >= 4);
	free(t);
	json_decref(doc);
}

/* Every proof of every tree up to 70 leaves verifies, and fails once any
 * byte of it, the index or the size is changed. */
static void test_all_small_trees(void **state)
{
	(void)state;
	mem_tree *t = calloc(1, sizeof(*t));
	unsigned char roots[71][32];
	fk_merkle_root(mem_get, t, 0, roots[0]);
	for (int i = 0; i < 70; i++) {
		char entry[16];
		int len = snprintf(entry, sizeof(entry), "entry %d", i);
		mem_add(t, entry, (size_t)len);
		assert_int_equal(fk_merkle_root(mem_get, t, t->size, roots[t->size]), 0);
	}
	unsigned char path[FK_MERKLE_MAX_PATH][32];
	int n;
	for (int64_t size = 1; size <= 70; size++) {
		for (int64_t i = 0; i < size; i++) {
			assert_int_equal(fk_merkle_inclusion(mem_get, t, i, size, path, &n), 0);
			const unsigned char(*p)[32] = (const unsigned char(*)[32])path;
			assert_int_equal(fk_merkle_verify_inclusion(t->nodes[0][i], i, size, p, n, roots[size]), 0);
			if (size > 1)
				assert_int_equal(fk_merkle_verify_inclusion(t->nodes[0][i], (i + 1) % size, size, p, n,
									    roots[size]),
						 -1);
			if (n) {
				path[n - 1][5] ^= 1;
				assert_int_equal(fk_merkle_verify_inclusion(t->nodes[0][i], i, size, p, n, roots[size]),
						 -1);
			}
		}
		assert_int_equal(fk_merkle_inclusion(mem_get, t, size, size, path, &n), -1);
		for (int64_t first = 0; first <= size; first++) {
			assert_int_equal(fk_merkle_consistency(mem_get, t, first, size, path, &n), 0);
			const unsigned char(*p)[32] = (const unsigned char(*)[32])path;
			/* from the empty tree a proof proves nothing: refused, as the vectors say */
			assert_int_equal(fk_merkle_verify_consistency(first, size, roots[first], roots[size], p, n),
					 first == 0 ? -1 : 0);
			if (first > 0 && first < size) {
				assert_int_equal(
					fk_merkle_verify_consistency(first, size, roots[first - 1], roots[size], p, n), -1);
				path[0][0] ^= 0x80;
				assert_int_equal(fk_merkle_verify_consistency(first, size, roots[first], roots[size], p, n),
						 -1);
			}
		}
	}
	free(t);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_roots),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_all_small_trees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
