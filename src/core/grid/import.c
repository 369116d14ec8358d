/* import.c - persons from CSV, .xlsx and .xls (see import.h).  Expected load: a district's
 * registry, up to ~1.2 M rows in one file; per row one insert in the common
 * case (new person, household already seen on the previous row). */
#include "core/grid/import.h"

#include <csv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/scope.h"
#include "core/base/region.h"
#include "core/grid/registry.h"
#include "util/date.h"
#include "util/csvlines.h"
#include "util/pii.h"
#include "util/sheet.h"
#include "util/text.h"

enum col {
	C_NAME, C_SEX, C_BIRTH, C_DOCTYPE, C_DOC, C_PHONE, C_GRID, C_BUILDING, C_UNIT, C_ROOM, C_ADDRESS,
	C_TAGS, C_ORIGIN, C_ARRIVAL, C_HISTORY, C_COUNT
};

/* Header spellings, Chinese and English, for each column. */
static const struct {
	const char *field; /* the person field it fills (for error columns) */
	const char *names[8];
} headers[C_COUNT] = {
	[C_NAME] = { "name", { "姓名", "name", "名字" } },
	[C_SEX] = { "sex", { "性别", "sex", "gender" } },
	[C_BIRTH] = { "birth_year", { "出生年份", "出生年", "birth_year" } },
	[C_DOCTYPE] = { "doc_type", { "证件类型", "doc_type" } },
	[C_DOC] = { "doc_number", { "身份证号", "身份证号码", "证件号码", "证件号", "id_number", "doc_number", "id_card" } },
	[C_PHONE] = { "phone", { "手机", "手机号", "手机号码", "联系电话", "电话", "phone", "mobile" } },
	[C_GRID] = { "grid", { "网格", "网格编码", "网格代码", "grid", "region" } },
	[C_BUILDING] = { "building", { "楼栋", "楼号", "楼栋号", "building" } },
	[C_UNIT] = { "unit", { "单元", "单元号", "unit" } },
	[C_ROOM] = { "room", { "房号", "门牌号", "室号", "room" } },
	[C_ADDRESS] = { "address", { "地址", "住址", "现住址", "居住地址", "address" } },
	[C_TAGS] = { "tags", { "标签", "关爱对象", "tags" } },
	[C_ORIGIN] = { "origin", { "来源地", "从何地来", "origin" } },
	[C_ARRIVAL] = { "arrival_date", { "抵达日期", "到达日期", "返回日期", "arrival_date" } },
	[C_HISTORY] = { "history", { "14天内经历", "流行病学史", "history" } },
};

int fk_import_column(int i, const char **zh, const char **en)
{
	if (i < 0 || i >= C_COUNT)
		return -1;
	*zh = headers[i].names[0];
	*en = headers[i].field;
	return 0;
}

static const struct {
	const char *label, *code;
} value_names[] = {
	{ "男", "M" }, { "male", "M" }, { "m", "M" }, { "女", "F" }, { "female", "F" }, { "f", "F" },
	{ "身份证", "id_card" }, { "居民身份证", "id_card" }, { "护照", "passport" }, { "其他", "other" },
	{ "独居老人", "elderly_alone" }, { "慢性病", "chronic" }, { "孕妇", "pregnant" }, { "残疾人", "disabled" },
	{ "残疾", "disabled" }, { "来自重点地区", "from_key_area" }, { "重点地区返回", "from_key_area" },
	{ "接触重点地区人员", "contact_key_area" }, { "接触病例", "contact_case" },
};

static const char *value_code(const char *v)
{
	for (size_t i = 0; i < sizeof(value_names) / sizeof(value_names[0]); i++)
		if (strcasecmp(value_names[i].label, v) == 0)
			return value_names[i].code;
	return v;
}

/* The reasons a row is rejected, as codes the UI labels (web/i18n,
 * "importReason.<code>") with the English message beside them.  A check
 * of the person validator is told by its field and a word of its message;
 * an entry without a word is the field's catch-all. */
static const struct {
	const char *code, *field, *word;
} reasons[] = {
	/* a control or bidirectional character, in any column (checked first) */
	{ "text.control_char", "*", "bidirectional-override" },
	{ "name.missing", "name", NULL },
	{ "grid.missing", NULL, NULL },
	{ "grid.unknown", NULL, NULL },
	{ "address.missing", NULL, NULL },
	{ "address.conflict", "address", NULL },
	{ "doc_number.excel_number", NULL, NULL },
	{ "doc_number.invalid_checksum", "doc_number", "check digit" },
	{ "doc_number.invalid_date", "doc_number", "birth date" },
	{ "doc_number.duplicate", "doc_number", "already registered" },
	{ "doc_number.too_short", "doc_number", "at least" },
	{ "doc_number.invalid", "doc_number", NULL },
	{ "doc_type.invalid", "doc_type", NULL },
	{ "sex.mismatch", "sex", "does not match" },
	{ "sex.invalid", "sex", NULL },
	{ "birth_year.mismatch", "birth_year", "does not match" },
	{ "birth_year.future", "birth_year", "in the future" },
	{ "birth_year.invalid", "birth_year", NULL },
	{ "phone.invalid", "phone", NULL },
	{ "tags.invalid", "tags", NULL },
	{ "history.invalid", "history", NULL },
	{ "origin.invalid", "origin", NULL },
	{ "arrival_date.future", "arrival_date", "in the future" },
	{ "arrival_date.invalid", "arrival_date", NULL },
	{ "row.invalid", NULL, NULL }, /* anything else the validator says */
};
#define NREASONS (sizeof(reasons) / sizeof(reasons[0]))

const char *const *fk_import_reason_codes(void)
{
	static const char *codes[NREASONS + 1];
	if (!codes[0])
		for (size_t i = 0; i < NREASONS; i++)
			codes[i] = reasons[i].code;
	return codes;
}

/* The code of a validator's error: by field (or "*", any field) and
 * word, else the field's catch-all, else row.invalid.  (tags[0] is the
 * field tags.) */
static const char *reason_code(const char *field, const char *message)
{
	size_t flen = strcspn(field, "[");
	for (size_t i = 0; i < NREASONS; i++) {
		const char *f = reasons[i].field;
		bool any = f && strcmp(f, "*") == 0;
		if (f && (any || (strlen(f) == flen && strncmp(f, field, flen) == 0)) &&
		    (!reasons[i].word || strstr(message, reasons[i].word)))
			return reasons[i].code;
	}
	return "row.invalid";
}

/* ---- progress ---- */

struct fk_import_progress {
	char id[65], user[64];
	int state; /* 0 free, 1 queued, 2 running, 3 done, 4 failed */
	int64_t total, read, stored, rejected;
	uint64_t seq; /* age: the oldest goes first */
};

static struct {
	pthread_mutex_t lock;
	fk_import_progress e[64];
	uint64_t seq;
} progress = { .lock = PTHREAD_MUTEX_INITIALIZER };

fk_import_progress *fk_import_progress_open(const char *id, const char *user)
{
	size_t n = strlen(id);
	if (n < 8 || n > 64 || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return NULL;
	pthread_mutex_lock(&progress.lock);
	fk_import_progress *slot = NULL;
	for (int i = 0; i < 64; i++) {
		fk_import_progress *p = &progress.e[i];
		if (p->state && strcmp(p->id, id) == 0) {
			slot = p->state >= 3 ? p : NULL; /* a queued or running one keeps its id */
			break;
		}
		if (p->state == 1 || p->state == 2)
			continue;
		/* a free entry, else the oldest finished one */
		if (!slot || (slot->state && (!p->state || p->seq < slot->seq)))
			slot = p;
	}
	if (slot) {
		memset(slot, 0, sizeof(*slot));
		snprintf(slot->id, sizeof(slot->id), "%s", id);
		snprintf(slot->user, sizeof(slot->user), "%s", user);
		slot->state = 1;
		slot->total = -1;
		slot->seq = ++progress.seq;
	}
	pthread_mutex_unlock(&progress.lock);
	return slot;
}

/* Sets an entry's state and counts (total < 0: unchanged). */
static void progress_update(fk_import_progress *p, int state, int64_t total, int64_t read, int64_t stored,
			    int64_t rejected)
{
	if (!p)
		return;
	pthread_mutex_lock(&progress.lock);
	p->state = state;
	if (total >= 0)
		p->total = total;
	p->read = read, p->stored = stored, p->rejected = rejected;
	pthread_mutex_unlock(&progress.lock);
}

void fk_import_progress_done(fk_import_progress *p, bool ok)
{
	if (!p)
		return;
	pthread_mutex_lock(&progress.lock);
	p->state = ok ? 3 : 4;
	pthread_mutex_unlock(&progress.lock);
}

json_t *fk_import_progress_get(const char *id, const char *user)
{
	static const char *const states[] = { "", "queued", "running", "done", "failed" };
	json_t *out = NULL;
	pthread_mutex_lock(&progress.lock);
	for (int i = 0; i < 64 && !out; i++) {
		const fk_import_progress *p = &progress.e[i];
		if (p->state && strcmp(p->id, id) == 0 && strcmp(p->user, user) == 0)
			out = json_pack("{s:s, s:s, s:o, s:I, s:I, s:I}", "id", p->id, "state", states[p->state], "rows_total",
					p->total >= 0 ? json_integer(p->total) : json_null(), "rows_read",
					(json_int_t)p->read, "stored", (json_int_t)p->stored, "rejected",
					(json_int_t)p->rejected);
	}
	pthread_mutex_unlock(&progress.lock);
	return out;
}

typedef struct imp {
	fk_db *db;
	const fk_actor *who;
	const char *default_grid;
	int colmap[64];           /* file column → enum col, or -1 */
	char *collabel[64];       /* file column → its header text */
	int ncols;
	unsigned numeric;         /* the current row's cells stored as numbers (bit per enum col) */
	int title_rows;           /* rows above the headers skipped as a title */
	bool header_done, colmap_has_tags, colmap_has_history;
	int64_t line;     /* the parser's line */
	int64_t row_line; /* the line of the row being stored (rejects name it) */
	/* the current row's cells */
	char *cell[C_COUNT];
	int field;
	/* outcome */
	int64_t rows, imported, updated, unchanged, rejected, households;
	json_t *rejects, *ignored;
	fk_rollup *stats;
	/* caches: last household, last grid checked */
	char hh_key[600];
	int64_t hh_id;
	bool hh_fresh;
	char grid_ok[16], grid_bad[16];
	bool fatal;
	fk_err *e;
	fk_import_progress *prog;
	int64_t read; /* rows read from the file (after the header) */
	json_t *columns;          /* the labels of the mapped columns, in file order (rejects' cells) */
	struct chunk *filling, *ready; /* see pipeline_step */
} imp;

/* Records a rejected row: its line, the column at fault, the reason's code
 * and English message, and its cells (of the mapped columns, in file
 * order) with the document and phone numbers masked. */
static void reject(imp *m, char *const *cell, int col, const char *code, const char *reason)
{
	m->rejected++;
	if (json_array_size(m->rejects) >= FK_IMPORT_MAX_REPORTED)
		return;
	const char *label = "";
	json_t *cells = json_array();
	for (int i = 0; i < m->ncols; i++) {
		int c = m->colmap[i];
		if (c < 0)
			continue;
		if (c == col)
			label = m->collabel[i];
		const char *v = cell[c] ? cell[c] : "";
		char masked[256];
		if ((c == C_DOC || c == C_PHONE) && strlen(v) < sizeof(masked)) {
			(c == C_DOC ? fk_mask_doc : fk_mask_phone)(v, masked);
			v = masked;
		}
		json_array_append_new(cells, json_string(v));
	}
	json_array_append_new(m->rejects, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "line", (json_int_t)m->row_line,
						    "column", label, "code", code, "message", reason, "reason", reason,
						    "cells", cells));
}

static int col_of_field(const char *field)
{
	for (int c = 0; c < C_COUNT; c++)
		if (strcmp(headers[c].field, field) == 0)
			return c;
	return -1;
}

/* Splits a list cell ("独居老人;慢性病") into a JSON array of codes. */
static json_t *list_cell(const char *s)
{
	json_t *a = json_array();
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", s);
	/* ASCII separators and the Chinese ones (；，、), the latter as bytes */
	for (char *p = buf; *p; p++) {
		if (*p == ';' || *p == ',' || *p == '|' || *p == '/')
			*p = ' ';
		else if (!strncmp(p, "；", 3) || !strncmp(p, "，", 3) || !strncmp(p, "、", 3))
			memset(p, ' ', 3), p += 2;
	}
	char *save = NULL;
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		json_array_append_new(a, json_string(value_code(t)));
	return a;
}

/* Excel writes dates as 2020/1/23 or 2020.1.23: normalise to 2020-01-23. */
static void date_cell(const char *s, char out[16])
{
	int y, mo, d;
	char sep1, sep2;
	if (sscanf(s, "%d%c%d%c%d", &y, &sep1, &mo, &sep2, &d) == 5 && sep1 == sep2 &&
	    (sep1 == '/' || sep1 == '.' || sep1 == '-'))
		snprintf(out, 16, "%04d-%02d-%02d", y, mo, d);
	else
		snprintf(out, 16, "%.15s", s);
}

/* A number Excel wrote in scientific notation (1.10101E+17): what a CSV
 * saved from a sheet whose ID column was a number holds. */
static bool excel_number(const char *s)
{
	char *end;
	(void)strtod(s, &end);
	return !*end && (strstr(s, "E+") || strstr(s, "e+"));
}

/* The grid of a row: exists, is a grid, in scope (cached by last result). */
static int check_grid(imp *m, const char *grid)
{
	if (strcmp(grid, m->grid_ok) == 0)
		return 0;
	if (strcmp(grid, m->grid_bad) == 0)
		return -1;
	fk_err scratch = { 0 }; /* one reason for every failure, given by the caller */
	bool ok = fk_scope_grid(m->db, m->who, grid, "grid", &scratch) == 0;
	snprintf(ok ? m->grid_ok : m->grid_bad, 16, "%s", grid);
	return ok ? 0 : -1;
}

/* A row read from the file, prepared away from the database: its checks
 * that need no lookup, the person object and the sealed personal values.
 * Rows are prepared a chunk at a time on a second thread while the previous
 * chunk is stored (fk_person_seal's hashing and encryption, and building
 * and checking the person object, are a fifth of a bulk load's time). */
typedef struct prow {
	int64_t line;
	char *cell[C_COUNT];
	bool empty;
	/* the first failure before the grid check, and the first after it
	 * (col -1: none), so the reasons come in the order the checks do */
	int early_col, late_col;
	const char *early_code, *late_code;
	char early[200], late[200];
	unsigned numeric; /* cells the workbook stored as numbers */
	const char *grid;
	json_t *o;           /* the person object; p's strings point into it */
	fk_person_in p;
	fk_person_sealed sealed;
} prow;

#define CHUNK_ROWS 4096

typedef struct chunk {
	prow rows[CHUNK_ROWS];
	int n;
	const imp *m;
} chunk;

static void prepare_row(const imp *m, prow *r)
{
	const char *c[C_COUNT];
	for (int i = 0; i < C_COUNT; i++)
		c[i] = r->cell[i] ? r->cell[i] : "";
	r->early_col = r->late_col = -1;
	r->empty = true;
	for (int i = 0; i < C_COUNT; i++)
		if (*c[i])
			r->empty = false;
	if (r->empty)
		return; /* blank lines at the end of Excel files */
	if (!*c[C_NAME]) {
		r->early_col = C_NAME;
		r->early_code = "name.missing";
		snprintf(r->early, sizeof(r->early), "name: required");
		return;
	}
	r->grid = *c[C_GRID] ? c[C_GRID] : m->default_grid;
	if (!r->grid || !*r->grid) {
		r->early_col = C_GRID;
		r->early_code = "grid.missing";
		snprintf(r->early, sizeof(r->early), "grid: give a grid column or import with a default grid");
		return;
	}
	if (!*c[C_ADDRESS] && !*c[C_BUILDING] && !*c[C_ROOM]) {
		r->late_col = C_ADDRESS;
		r->late_code = "address.missing";
		snprintf(r->late, sizeof(r->late), "address: give the address, or the building and room");
		return;
	}
	if (*c[C_DOC] && ((r->numeric & 1u << C_DOC) || excel_number(c[C_DOC]))) {
		r->late_col = C_DOC;
		r->late_code = "doc_number.excel_number";
		snprintf(r->late, sizeof(r->late), "doc_number: Excel stored this number as a number and lost its last "
						   "digits (%s); format the column as Text and type the numbers again", c[C_DOC]);
		return;
	}
	/* The row as the API's person object, so one validator serves both. */
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(c[C_NAME]));
	if (*c[C_SEX])
		json_object_set_new(o, "sex", json_string(value_code(c[C_SEX])));
	if (*c[C_BIRTH]) {
		char *end;
		long long y = strtoll(c[C_BIRTH], &end, 10);
		json_object_set_new(o, "birth_year", *end ? json_string(c[C_BIRTH]) : json_integer(y));
	}
	if (*c[C_DOCTYPE])
		json_object_set_new(o, "doc_type", json_string(value_code(c[C_DOCTYPE])));
	if (*c[C_DOC])
		json_object_set_new(o, "doc_number", json_string(c[C_DOC]));
	if (*c[C_PHONE])
		json_object_set_new(o, "phone", json_string(c[C_PHONE]));
	if (m->colmap_has_tags)
		json_object_set_new(o, "tags", list_cell(c[C_TAGS]));
	if (m->colmap_has_history)
		json_object_set_new(o, "history", list_cell(c[C_HISTORY]));
	if (*c[C_ORIGIN])
		json_object_set_new(o, "origin", json_string(c[C_ORIGIN]));
	if (*c[C_ARRIVAL]) {
		char d[16];
		if (!(r->numeric & 1u << C_ARRIVAL) || fk_sheet_serial_date(c[C_ARRIVAL], d) < 0)
			date_cell(c[C_ARRIVAL], d);
		json_object_set_new(o, "arrival_date", json_string(d));
	}
	fk_err e = { 0 };
	if (fk_person_parse(o, false, &r->p, &e) < 0) {
		r->late_col = col_of_field(e.field);
		r->late_code = reason_code(e.field, e.message);
		snprintf(r->late, sizeof(r->late), "%s", e.message);
		json_decref(o);
		return;
	}
	r->o = o;
	fk_person_seal(&r->p, &r->sealed);
	r->p.sealed = &r->sealed;
}

static void *prepare_chunk(void *arg)
{
	chunk *k = arg;
	for (int i = 0; i < k->n; i++)
		prepare_row(k->m, &k->rows[i]);
	return NULL;
}

/* Stores one prepared row, in file order, on the caller's thread. */
static void store_row(imp *m, prow *r)
{
	if (r->empty)
		return;
	m->row_line = r->line;
	m->rows++;
	const char *c[C_COUNT];
	for (int i = 0; i < C_COUNT; i++)
		c[i] = r->cell[i] ? r->cell[i] : "";
	if (r->early_col >= 0) {
		reject(m, r->cell, r->early_col, r->early_code, r->early);
		return;
	}
	const char *grid = r->grid;
	if (check_grid(m, grid) < 0) {
		reject(m, r->cell, C_GRID, "grid.unknown", "grid: no such grid in your area (a 15-digit grid code)");
		return;
	}
	if (r->late_col >= 0 || !r->o) {
		reject(m, r->cell, r->late_col, r->late_code ? r->late_code : "row.invalid", r->late);
		return;
	}
	fk_person_in p = r->p;
	fk_err e = { 0 };
	/* the household: the previous row's, or found or created */
	char key[600];
	snprintf(key, sizeof(key), "%s\x1f%s\x1f%s\x1f%s\x1f%s", grid, c[C_BUILDING], c[C_UNIT], c[C_ROOM], c[C_ADDRESS]);
	bool created = false;
	if (strcmp(key, m->hh_key) != 0) {
		int64_t hid = fk_household_ensure(m->db, grid, c[C_BUILDING], c[C_UNIT], c[C_ROOM], c[C_ADDRESS],
						  &created, &e);
		if (hid < 0) {
			m->fatal = true;
			return;
		}
		snprintf(m->hh_key, sizeof(m->hh_key), "%s", key);
		m->hh_id = hid;
		m->hh_fresh = created; /* its later rows join a household new to this file */
	}
	p.household_id = m->hh_id;
	p.given |= FK_PF_HOUSEHOLD;
	p.fresh_household = created || m->hh_fresh;
	int64_t id;
	char old_grid[16];
	int rc = fk_person_upsert(m->db, m->who, &p, grid, &id, old_grid, &e);
	if (rc < 0) {
		if (e.status >= 500) {
			m->fatal = true;
		} else {
			reject(m, r->cell, col_of_field(e.field), reason_code(e.field, e.message), e.message);
			/* a household made only for this row goes again */
			if (created && fk_db_run(m->db, "DELETE FROM households WHERE id = $1", "i", m->hh_id) < 0)
				m->fatal = true;
			if (created)
				m->hh_key[0] = '\0';
		}
		return;
	}
	if (created) {
		m->households++;
		fk_stats_add(m->stats, grid, 1, 0);
	}
	if (rc == FK_UPSERT_CREATED) {
		m->imported++;
		fk_stats_add(m->stats, grid, 0, 1);
	} else if (rc == FK_UPSERT_UPDATED) {
		m->updated++;
		if (strcmp(old_grid, grid) != 0) {
			fk_stats_add(m->stats, old_grid, 0, -1);
			fk_stats_add(m->stats, grid, 0, 1);
		}
	} else {
		m->unchanged++;
	}
}

static void chunk_clear(chunk *k)
{
	for (int i = 0; i < k->n; i++) {
		json_decref(k->rows[i].o);
		for (int c = 0; c < C_COUNT; c++)
			free(k->rows[i].cell[c]);
	}
	memset(k->rows, 0, sizeof(k->rows[0]) * (size_t)k->n);
	k->n = 0;
}

/* The pipeline: the chunk being filled, and the one prepared and waiting to
 * be stored.  Preparing the new one on a second thread while the waiting
 * one is stored keeps both cores busy. */
static void pipeline_step(imp *m, bool last)
{
	chunk *fill = m->filling, *ready = m->ready;
	pthread_t t;
	bool threaded = fill->n > 0 && pthread_create(&t, NULL, prepare_chunk, fill) == 0;
	if (!threaded)
		prepare_chunk(fill);
	if (ready->n) {
		for (int i = 0; i < ready->n && !m->fatal; i++)
			store_row(m, &ready->rows[i]);
		chunk_clear(ready);
	}
	if (threaded)
		pthread_join(t, NULL);
	/* the prepared chunk waits for the next step (or is stored now, at the end) */
	m->filling = ready;
	m->ready = fill;
	if (last) {
		for (int i = 0; i < fill->n && !m->fatal; i++)
			store_row(m, &fill->rows[i]);
		chunk_clear(fill);
	}
	progress_update(m->prog, 2, -1, m->read, m->imported + m->updated + m->unchanged, m->rejected);
}

static void on_field(void *data, size_t len, void *p)
{
	imp *m = p;
	int f = m->field++;
	if (!m->header_done) {
		if (f >= 64)
			return;
		char *label = malloc(len + 1);
		if (!label)
			abort();
		memcpy(label, data, len);
		label[len] = '\0';
		/* trim spaces Excel users leave in headers */
		char *b = label;
		while (*b == ' ')
			b++;
		size_t n = strlen(b);
		while (n && b[n - 1] == ' ')
			b[--n] = '\0';
		memmove(label, b, n + 1);
		m->collabel[f] = label;
		m->colmap[f] = -1;
		for (int c = 0; c < C_COUNT && m->colmap[f] < 0; c++)
			for (int k = 0; k < 8 && headers[c].names[k]; k++)
				if (strcasecmp(label, headers[c].names[k]) == 0)
					m->colmap[f] = c;
		if (m->colmap[f] < 0)
			json_array_append_new(m->ignored, json_string(label));
		else if (m->colmap[f] == C_TAGS)
			m->colmap_has_tags = true;
		else if (m->colmap[f] == C_HISTORY)
			m->colmap_has_history = true;
		m->ncols = f + 1;
		if (m->colmap[f] >= 0)
			json_array_append_new(m->columns, json_string(label));
		return;
	}
	if (f >= m->ncols || m->colmap[f] < 0)
		return;
	char *v = malloc(len + 1);
	if (!v)
		abort();
	memcpy(v, data, len);
	v[len] = '\0';
	int c = m->colmap[f];
	free(m->cell[c]);
	m->cell[c] = v;
}

/* A title above the headers ("XX社区居民花名册", often a merged cell):
 * a first row of at most two non-empty cells, none of them a known
 * header, is forgotten, and the next row is read as the headers (up to
 * three such rows). */
static bool title_row(imp *m)
{
	int filled = 0;
	bool known = false;
	for (int i = 0; i < m->ncols; i++) {
		filled += m->collabel[i][0] != '\0';
		known |= m->colmap[i] >= 0;
	}
	if (known || filled > 2 || m->title_rows >= 3)
		return false;
	m->title_rows++;
	for (int i = 0; i < m->ncols; i++)
		free(m->collabel[i]);
	m->ncols = 0;
	json_array_clear(m->ignored);
	json_array_clear(m->columns);
	return true;
}

static void on_row(int term, void *p)
{
	(void)term;
	imp *m = p;
	m->field = 0;
	unsigned numeric = m->numeric;
	m->numeric = 0;
	if (!m->header_done) {
		if (title_row(m))
			return; /* the next row may be the headers */
		m->header_done = true;
		return;
	}
	if (m->fatal) {
		for (int i = 0; i < C_COUNT; i++) {
			free(m->cell[i]);
			m->cell[i] = NULL;
		}
		return;
	}
	/* the row's cells go to the chunk being filled */
	struct chunk *k = m->filling;
	m->read++;
	prow *r = &k->rows[k->n++];
	r->line = m->line;
	r->numeric = numeric;
	for (int i = 0; i < C_COUNT; i++) {
		r->cell[i] = m->cell[i];
		m->cell[i] = NULL;
	}
	if (k->n == CHUNK_ROWS)
		pipeline_step(m, false);
}

/* The workbook readers' rows go the CSV parser's way: a cell is a field
 * (the empty cells before it too), the end of a row a record. */
static void sheet_cell(void *ctx, int col, const char *s, size_t len, bool number)
{
	imp *m = ctx;
	if (col >= 64)
		return;
	while (m->field < col)
		on_field((void *)"", 0, m);
	int f = m->field;
	if (number && m->header_done && f < m->ncols && m->colmap[f] >= 0)
		m->numeric |= 1u << m->colmap[f];
	on_field((void *)s, len, m);
}

static void sheet_row(void *ctx, int64_t line)
{
	imp *m = ctx;
	m->line = line;
	on_row('\n', m);
}

/* The persons indexes a bulk load does not read (schema/002): for a file
 * larger than the registry it joins, they are dropped and built again at
 * the end — a sorted build is several times faster than a million random
 * inserts.  All inside the caller's one transaction. */
static const struct {
	const char *name, *create;
} bulk_indexes[] = {
	{ "persons_region", "CREATE INDEX persons_region ON persons (region, id)" },
	{ "persons_name", "CREATE INDEX persons_name ON persons (name, id)" },
	{ "persons_doc_sfx", "CREATE INDEX persons_doc_sfx ON persons (doc_sfx)" },
	{ "persons_phone_sfx", "CREATE INDEX persons_phone_sfx ON persons (phone_sfx)" },
};
#define BULK_ROWS 50000

static int bulk_indexes_drop(fk_db *db)
{
	char sql[128];
	for (size_t i = 0; i < sizeof(bulk_indexes) / sizeof(bulk_indexes[0]); i++) {
		snprintf(sql, sizeof(sql), "DROP INDEX %s", bulk_indexes[i].name);
		if (fk_db_exec(db, sql) < 0)
			return -1;
	}
	return 0;
}

static int bulk_indexes_create(fk_db *db)
{
	/* the sorts that build them may use a second core */
	if (fk_db_exec(db, "PRAGMA threads=2") < 0)
		return -1;
	for (size_t i = 0; i < sizeof(bulk_indexes) / sizeof(bulk_indexes[0]); i++)
		if (fk_db_exec(db, bulk_indexes[i].create) < 0)
			return -1;
	return fk_db_exec(db, "PRAGMA threads=0");
}

/* Files that are neither text nor a workbook, named by their first bytes. */
static int refuse_unknown(const char *data, size_t len, fk_err *e)
{
	static const struct {
		const char *magic, *what;
	} kinds[] = {
		{ "%PDF", "a PDF document" }, { "\x89PNG", "a PNG image" }, { "\xFF\xD8\xFF", "a JPEG image" },
		{ "GIF8", "a GIF image" }, { "Rar!", "a RAR archive" }, { "7z\xBC\xAF", "a 7-Zip archive" },
		{ "\x1F\x8B", "a gzip archive" }, { "{\\rtf", "an RTF document" },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (len >= strlen(kinds[i].magic) && memcmp(data, kinds[i].magic, strlen(kinds[i].magic)) == 0)
			return fk_err_invalid(e, "file", "the file type is not recognised: this is %s; send a CSV, .xlsx or "
							 ".xls file", kinds[i].what);
	bool utf16 = len >= 2 && ((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE);
	const char *nul = utf16 ? NULL : memchr(data, '\0', len);
	if (nul) {
		const unsigned char *b = (const unsigned char *)data;
		return fk_err_invalid(e, "file", "the file type is not recognised: it is not text (a NUL byte at position "
						 "%zu; it starts with the bytes %02X %02X %02X %02X) and not an Excel workbook; "
						 "send a CSV, .xlsx or .xls file", (size_t)(nul - data),
				      len > 0 ? b[0] : 0, len > 1 ? b[1] : 0, len > 2 ? b[2] : 0, len > 3 ? b[3] : 0);
	}
	return 0;
}

json_t *fk_person_import(fk_db *db, const fk_actor *who, const char *data, size_t len, const char *grid,
			 const char *sheet, fk_import_progress *prog, fk_err *e)
{
	char *text = NULL;
	size_t tlen = 0;
	const char *encoding = "";
	json_t *out = NULL;
	char sheet_name[64] = "";
	fk_sheet_kind kind = fk_sheet_detect(data, len);
	if (kind == FK_SHEET_ENCRYPTED) {
		fk_err_invalid(e, "file", "the workbook is encrypted (protected with a password): open it in Excel or WPS, "
					  "remove the password and save it again");
		return NULL;
	}
	if (kind == FK_SHEET_TEXT && (refuse_unknown(data, len, e) < 0 || fk_text_utf8(data, len, &text, &tlen, &encoding, e) < 0))
		return NULL;
	if (kind == FK_SHEET_XLSX)
		encoding = "xlsx";
	else if (kind == FK_SHEET_XLS)
		encoding = "xls";
	if (grid && *grid && fk_region_level_of(grid) != FK_LEVEL_GRID) {
		free(text);
		fk_err_invalid(e, "grid", "grid: a 15-digit grid code");
		return NULL;
	}
	imp m = { .db = db, .who = who, .default_grid = grid, .e = e, .prog = prog };
	m.rejects = json_array();
	m.ignored = json_array();
	m.columns = json_array();
	m.stats = fk_rollup_new();
	struct csv_parser p;
	csv_init(&p, CSV_APPEND_NULL | CSV_STRICT_FINI);
	/* a big file into a smaller registry: build the read indexes after */
	int64_t lines = 0, existing = 0;
	for (size_t i = 0; i < tlen; i++)
		lines += text[i] == '\n';
	if (kind != FK_SHEET_TEXT)
		lines = (int64_t)(len / 40); /* a compressed workbook row is ~40 bytes or more: an upper bound */
	/* the rows of a CSV file: about its lines less the header */
	int64_t total = lines + (tlen && text[tlen - 1] != '\n') - 1;
	progress_update(prog, 2, kind == FK_SHEET_TEXT ? (total > 0 ? total : 0) : -1, 0, 0, 0);
	bool bulk = lines >= BULK_ROWS &&
		    fk_db_int64(db, &existing, "SELECT count(*) FROM persons", "") == FK_ROW && lines > existing;
	if (bulk && bulk_indexes_drop(db) < 0) {
		fk_err_internal(e);
		goto out;
	}
	m.filling = calloc(1, sizeof(*m.filling));
	m.ready = calloc(1, sizeof(*m.ready));
	if (!m.filling || !m.ready)
		abort();
	m.filling->m = m.ready->m = &m;
	fk_sheet_sink sink = { sheet_cell, sheet_row, &m };
	if (kind == FK_SHEET_XLSX ? fk_xlsx_read(data, len, sheet, &sink, sheet_name, e) < 0
	    : kind == FK_SHEET_XLS ? fk_xls_read(data, len, sheet, &sink, sheet_name, e) < 0
				   : false)
		goto out;
	if (kind == FK_SHEET_TEXT && fk_csv_parse_text(&p, text, tlen, &m.line, on_field, on_row, &m) < 0) {
		fk_err_invalid(e, "file", "line %lld: %s", (long long)m.line, csv_strerror(csv_error(&p)));
		goto out;
	}
	pipeline_step(&m, true); /* the last rows */
	/* and refresh the planner's statistics, so searches pick the right index */
	if (bulk && (bulk_indexes_create(db) < 0 || fk_db_exec(db, "ANALYZE persons") < 0)) {
		fk_err_internal(e);
		goto out;
	}
	if (m.fatal) {
		fk_err_internal(e);
		goto out;
	}
	if (!m.header_done && !m.title_rows) {
		if (kind == FK_SHEET_TEXT)
			fk_err_invalid(e, "file", "the file is empty");
		else
			fk_err_invalid(e, "file", "sheet %s is empty: it has no header row", sheet_name);
		goto out;
	}
	bool has_name = false;
	for (int i = 0; i < m.ncols; i++)
		has_name |= m.colmap[i] == C_NAME;
	if (!has_name) {
		fk_err_invalid(e, "file", "no name column: the first %s must be the headers, e.g. 姓名,性别,身份证号,手机,网格,地址",
			       kind == FK_SHEET_TEXT ? "line" : "row of the sheet");
		goto out;
	}
	int rc = fk_rollup_apply(db, m.stats);
	m.stats = NULL;
	if (rc < 0) {
		fk_err_internal(e);
		goto out;
	}
	json_t *d = json_pack("{s:I, s:I, s:I, s:I}", "rows", (json_int_t)m.rows, "imported", (json_int_t)m.imported,
			      "updated", (json_int_t)m.updated, "rejected", (json_int_t)m.rejected);
	rc = fk_audit_append(db, who, "person.import", "persons", grid && *grid ? grid : who->region, d);
	json_decref(d);
	if (rc < 0) {
		fk_err_internal(e);
		goto out;
	}
	out = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:O, s:O, s:O}", "encoding", encoding, "rows",
			(json_int_t)m.rows, "imported", (json_int_t)m.imported, "updated", (json_int_t)m.updated,
			"unchanged", (json_int_t)m.unchanged, "households_created", (json_int_t)m.households,
			"rejected_count", (json_int_t)m.rejected, "rejected", m.rejects, "ignored_columns", m.ignored,
			"columns", m.columns);
	if (sheet_name[0])
		json_object_set_new(out, "sheet", json_string(sheet_name));
out:
	csv_free(&p);
	if (m.filling)
		chunk_clear(m.filling);
	if (m.ready)
		chunk_clear(m.ready);
	free(m.filling);
	free(m.ready);
	fk_rollup_free(m.stats);
	for (int i = 0; i < C_COUNT; i++)
		free(m.cell[i]);
	for (int i = 0; i < m.ncols; i++)
		free(m.collabel[i]);
	json_decref(m.rejects);
	json_decref(m.ignored);
	json_decref(m.columns);
	free(text);
	return out;
}
