/* rows.c - rows to JSON and keyset pages (see rows.h). */
#include "core/base/rows.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "util/pii.h"
#include "util/text.h"

json_t *fk_row_json(fk_stmt *st)
{
	json_t *o = json_object();
	int n = fk_stmt_columns(st);
	for (int i = 0; i < n; i++) {
		const char *name = fk_stmt_name(st, i);
		if (name[0] == '_')
			continue;
		json_t *v;
		switch (fk_stmt_type(st, i)) {
		case FK_COL_INT:
			v = json_integer(fk_stmt_int64(st, i));
			break;
		case FK_COL_FLOAT:
			v = json_real(fk_stmt_double(st, i));
			break;
		case FK_COL_TEXT:
			v = json_string(fk_stmt_text(st, i));
			break;
		default: /* blobs are internal (hashes, ciphertext): never rendered */
			v = json_null();
		}
		json_object_set_new(o, name, v);
	}
	return o;
}

int fk_page_int(const fk_page *page, int64_t none, int64_t *out, fk_err *e)
{
	*out = none;
	if (!page->after)
		return 0;
	char *end;
	long long v = strtoll(page->after, &end, 10);
	if (*end || v <= 0)
		return fk_err_invalid(e, "after", "after: not a cursor from this list");
	*out = v;
	return 0;
}

json_t *fk_rows_page(fk_stmt *st, const fk_page *page)
{
	return fk_rows_page_ex(st, page, 1, NULL, NULL);
}

json_t *fk_rows_page_ex(fk_stmt *st, const fk_page *page, int nkeys, fk_row_fn fn, void *ctx)
{
	json_t *items = json_array();
	char last[512] = "";
	bool more = false;
	int rc;
	while ((rc = fk_stmt_step(st)) == FK_ROW) {
		if ((int)json_array_size(items) == page->limit) {
			more = true;
			break;
		}
		size_t n = 0;
		for (int k = 0; k < nkeys && n < sizeof(last); k++)
			n += (size_t)snprintf(last + n, sizeof(last) - n, "%s%s", k ? "|" : "", fk_stmt_text(st, k));
		json_array_append_new(items, fn ? fn(st, ctx) : fk_row_json(st));
	}
	fk_stmt_done(st);
	if (rc < 0) {
		json_decref(items);
		return NULL;
	}
	json_t *next = json_null();
	if (more) {
		fk_arena a = { 0 };
		next = json_string(fk_cursor_encode(&a, last));
		fk_arena_release(&a);
	}
	return json_pack("{s:o, s:o}", "items", items, "next", next);
}

char *fk_cursor_encode(fk_arena *a, const char *key)
{
	size_t n = strlen(key);
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = fk_arena_alloc(a, cap);
	sodium_bin2base64(out, cap, (const unsigned char *)key, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

char *fk_cursor_decode(fk_arena *a, const char *cursor)
{
	size_t n = strlen(cursor), len = 0;
	if (n == 0 || n > 1024)
		return NULL;
	unsigned char *out = fk_arena_alloc(a, n + 1);
	if (sodium_base642bin(out, n, cursor, n, NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return NULL;
	out[len] = '\0';
	/* cursors are made of text the database gave: anything else (a NUL,
	 * bytes that are not UTF-8, which PostgreSQL refuses as text) is not one */
	if (memchr(out, '\0', len) || fk_utf8_valid((const char *)out, len) != len)
		return NULL;
	return (char *)out;
}

int fk_key_split(const char *key, int n, char (*parts)[FK_KEY_PART])
{
	const char *end = key + strlen(key);
	for (int i = n - 1; i > 0; i--) {
		const char *bar = end;
		while (bar > key && bar[-1] != '|')
			bar--;
		if (bar == key || end - bar >= FK_KEY_PART)
			return -1;
		snprintf(parts[i], FK_KEY_PART, "%.*s", (int)(end - bar), bar);
		end = bar - 1;
	}
	if (end - key >= FK_KEY_PART)
		return -1;
	snprintf(parts[0], FK_KEY_PART, "%.*s", (int)(end - key), key);
	return 0;
}

int64_t fk_key_floor(char (*key)[FK_KEY_PART], const char *floor)
{
	if (strcmp(key[0], floor) < 0) {
		snprintf(key[0], FK_KEY_PART, "%s", floor);
		return 0;
	}
	return strtoll(key[1], NULL, 10);
}

json_t *fk_bits_to_json(int64_t bits, const char *const *names)
{
	json_t *a = json_array();
	for (int i = 0; names[i]; i++)
		if (bits & ((int64_t)1 << i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

int fk_bits_from_json(const json_t *arr, const char *const *names, const char *field, int64_t *out, fk_err *e)
{
	*out = 0;
	if (!json_is_array(arr))
		return fk_err_invalid(e, field, "%s: must be an array of names", field);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		int k = 0;
		while (s && names[k] && strcmp(names[k], s) != 0)
			k++;
		if (!s || !names[k]) {
			char all[256] = "";
			size_t n = 0;
			for (int j = 0; names[j] && n < sizeof(all); j++)
				n += (size_t)snprintf(all + n, sizeof(all) - n, "%s%s", j ? ", " : "", names[j]);
			return fk_err_invalid(e, field, "%s[%zu]: one of %s", field, i, all);
		}
		*out |= (int64_t)1 << k;
	}
	return 0;
}

json_t *fk_row_render(fk_stmt *st, void *ctx)
{
	const fk_render *r = ctx;
	json_t *o = json_object();
	for (int i = 0; r->cols[i].name; i++) {
		const fk_column *c = &r->cols[i];
		int col = r->first + i;
		json_t *v = NULL;
		bool null = fk_stmt_is_null(st, col);
		switch (c->kind) {
		case FK_C_INT:
			v = null ? json_null() : json_integer(fk_stmt_int64(st, col));
			break;
		case FK_C_TEXT:
			v = null ? json_null() : json_string(fk_stmt_text(st, col));
			break;
		case FK_C_BOOL:
			v = json_boolean(fk_stmt_int64(st, col) != 0);
			break;
		case FK_C_DATE: {
			char d[11];
			if (!null)
				fk_date_format(fk_stmt_int64(st, col), d);
			v = null ? json_null() : json_string(d);
			break;
		}
		case FK_C_BITS:
			v = fk_bits_to_json(fk_stmt_int64(st, col), c->bits);
			break;
		case FK_C_TEMP:
			v = null ? json_null() : json_real((double)fk_stmt_int64(st, col) / 10.0);
			break;
		case FK_C_JSON:
			v = null ? json_null() : json_loads(fk_stmt_text(st, col), JSON_DECODE_ANY, NULL);
			if (!v)
				v = json_null();
			break;
		case FK_C_DOC:
		case FK_C_PHONE: {
			size_t n;
			const unsigned char *p = fk_stmt_blob(st, col, &n);
			char plain[256], masked[256];
			if (null || !p || fk_pii_open(&fk_pii_global, p, n, plain, sizeof(plain)) < 0) {
				v = null ? json_null() : json_string("(unreadable)");
				break;
			}
			if (r->flags & FK_RENDER_REVEAL) {
				v = json_string(plain);
			} else {
				(c->kind == FK_C_DOC ? fk_mask_doc : fk_mask_phone)(plain, masked);
				v = json_string(masked);
			}
			sodium_memzero(plain, sizeof(plain));
			break;
		}
		}
		json_object_set_new(o, c->name, v);
	}
	return o;
}

static void csv_cell(fk_strbuf *out, const char *v)
{
	bool quote = strpbrk(v, ",\"\r\n") != NULL;
	bool formula = v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@';
	if (quote)
		fk_strbuf_addch(out, '"');
	if (formula)
		fk_strbuf_addch(out, '\'');
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			fk_strbuf_addch(out, '"');
		fk_strbuf_addch(out, *p);
	}
	if (quote)
		fk_strbuf_addch(out, '"');
}

void fk_csv_line(fk_strbuf *out, const json_t *row, bool header)
{
	const char *k;
	json_t *v;
	bool first = true;
	json_object_foreach((json_t *)row, k, v) {
		if (!first)
			fk_strbuf_addch(out, ',');
		first = false;
		if (header) {
			csv_cell(out, k);
			continue;
		}
		char num[32];
		if (json_is_string(v)) {
			csv_cell(out, json_string_value(v));
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
			fk_strbuf_adds(out, num);
		} else if (json_is_real(v)) {
			snprintf(num, sizeof(num), "%.1f", json_real_value(v));
			fk_strbuf_adds(out, num);
		} else if (json_is_boolean(v)) {
			fk_strbuf_adds(out, json_is_true(v) ? "true" : "false");
		} else if (json_is_array(v)) {
			fk_strbuf s = FK_STRBUF_INIT;
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x) {
				if (i)
					fk_strbuf_addch(&s, ';');
				fk_strbuf_adds(&s, json_is_string(x) ? json_string_value(x) : "");
			}
			csv_cell(out, s.buf);
			fk_strbuf_release(&s);
		}
	}
	fk_strbuf_adds(out, "\r\n");
}

void fk_csv_header(fk_strbuf *out, const fk_column *cols)
{
	for (int i = 0; cols[i].name; i++) {
		if (i)
			fk_strbuf_addch(out, ',');
		csv_cell(out, cols[i].name);
	}
	fk_strbuf_adds(out, "\r\n");
}
