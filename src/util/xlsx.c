/* xlsx.c - the rows of an .xlsx workbook (see sheet.h).
 *
 * libzip opens the archive and expat parses the XML, but neither knows
 * SpreadsheetML: the small reader of the workbook, its relationships, the
 * shared strings and the sheet XML below is written here, because none of
 * the libraries packaged for Debian reads it for us (libxlsxwriter only
 * writes).  It reads what Excel, WPS and LibreOffice write: shared strings
 * (t="s"), inline strings (t="inlineStr"), formula results (t="str", and a
 * number's <v> after its <f>), booleans, numbers; phonetic runs (<rPh>)
 * are left out of a string.  Element names are compared without their
 * namespace prefix (some writers use x:row).
 */
#include "util/sheet.h"

#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util/strbuf.h"

/* The element name without a namespace prefix. */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

/* Feeds the archive member name to parser p in chunks.  Returns 0, -1 when
 * the member is missing, -2 when the XML is broken. */
static int parse_member(zip_t *z, const char *name, XML_Parser p)
{
	zip_file_t *f = zip_fopen(z, name, 0);
	if (!f)
		return -1;
	char buf[65536];
	int rc = 0;
	for (;;) {
		zip_int64_t got = zip_fread(f, buf, sizeof(buf));
		if (got < 0) {
			rc = -2;
			break;
		}
		if (XML_Parse(p, buf, (int)got, got == 0) != XML_STATUS_OK) {
			rc = -2;
			break;
		}
		if (got == 0)
			break;
	}
	zip_fclose(f);
	return rc;
}

/* ---- the workbook: sheet names and their parts ---- */

typedef struct book {
	char names[64][64], rids[64][32];
	int nsheets;
	const char *want_rid;
	char target[256];
} book;

static void book_start(void *ud, const char *el, const char **atts)
{
	book *b = ud;
	if (strcmp(local(el), "sheet") != 0 || b->nsheets >= 64)
		return;
	const char *name = attr(atts, "name"), *rid = attr(atts, "id");
	snprintf(b->names[b->nsheets], 64, "%s", name ? name : "");
	snprintf(b->rids[b->nsheets], 32, "%s", rid ? rid : "");
	b->nsheets++;
}

static void rels_start(void *ud, const char *el, const char **atts)
{
	book *b = ud;
	const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
	if (strcmp(local(el), "Relationship") != 0 || !id || !target || strcmp(id, b->want_rid) != 0)
		return;
	if (target[0] == '/')
		snprintf(b->target, sizeof(b->target), "%s", target + 1);
	else
		snprintf(b->target, sizeof(b->target), "xl/%s", target);
}

static int parse_with(zip_t *z, const char *name, void *ud, XML_StartElementHandler start,
		      XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p)
		abort();
	XML_SetUserData(p, ud);
	XML_SetElementHandler(p, start, end);
	if (text)
		XML_SetCharacterDataHandler(p, text);
	int rc = parse_member(z, name, p);
	XML_ParserFree(p);
	return rc;
}

/* ---- shared strings ---- */

/* The shared strings a workbook may hold in all (a zip of a few MB can
 * unpack to gigabytes): past it the workbook is refused. */
#define SST_MAX_BYTES ((size_t)512 << 20)

typedef struct sst {
	char **s;
	size_t n, cap, bytes;
	bool too_big;
	fk_strbuf cur;
	bool in_t;
	int in_rph;
} sst;

static void sst_start(void *ud, const char *el, const char **atts)
{
	sst *t = ud;
	const char *l = local(el);
	if (strcmp(l, "si") == 0)
		fk_strbuf_reset(&t->cur);
	else if (strcmp(l, "rPh") == 0)
		t->in_rph++;
	else if (strcmp(l, "t") == 0)
		t->in_t = true;
}

static void sst_end(void *ud, const char *el)
{
	sst *t = ud;
	const char *l = local(el);
	if (strcmp(l, "t") == 0) {
		t->in_t = false;
	} else if (strcmp(l, "rPh") == 0) {
		t->in_rph--;
	} else if (strcmp(l, "si") == 0) {
		t->bytes += t->cur.len + sizeof(char *);
		if (t->bytes > SST_MAX_BYTES) {
			t->too_big = true;
			return;
		}
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 1024;
			t->s = realloc(t->s, t->cap * sizeof(*t->s));
			if (!t->s)
				abort();
		}
		t->s[t->n++] = strdup(t->cur.buf);
	}
}

static void sst_text(void *ud, const char *s, int len)
{
	sst *t = ud;
	if (t->in_t && !t->in_rph && !t->too_big && t->cur.len < SST_MAX_BYTES)
		fk_strbuf_add(&t->cur, s, (size_t)len);
}

/* ---- the sheet ---- */

typedef struct sheet {
	const fk_sheet_sink *k;
	const sst *strings;
	int64_t row, next_row;
	int col, next_col;
	char type[16];
	bool in_v, in_is_t, in_cell;
	int in_rph;
	fk_strbuf v;
	bool bad_index;
} sheet;

/* "AB12" → column 27 (0-based); -1 when the reference has no letters. */
static int ref_col(const char *ref)
{
	int c = 0, n = 0;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++, n++)
		c = c * 26 + (*ref - 'A' + 1);
	return n ? c - 1 : -1;
}

static void sheet_start(void *ud, const char *el, const char **atts)
{
	sheet *s = ud;
	const char *l = local(el);
	if (strcmp(l, "row") == 0) {
		const char *r = attr(atts, "r");
		s->row = r ? strtoll(r, NULL, 10) : s->next_row;
		s->next_row = s->row + 1;
		s->next_col = 0;
	} else if (strcmp(l, "c") == 0) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t");
		int c = r ? ref_col(r) : -1;
		s->col = c >= 0 ? c : s->next_col;
		s->next_col = s->col + 1;
		snprintf(s->type, sizeof(s->type), "%s", t ? t : "n");
		fk_strbuf_reset(&s->v);
		s->in_cell = true;
	} else if (s->in_cell && strcmp(l, "v") == 0) {
		s->in_v = true;
		fk_strbuf_reset(&s->v); /* a formula's cached value */
	} else if (s->in_cell && strcmp(l, "rPh") == 0) {
		s->in_rph++;
	} else if (s->in_cell && strcmp(l, "t") == 0) {
		s->in_is_t = true;
	}
}

/* A number as the importer wants it: integers below 10^15 in full
 * (a phone or grid code stored as a number), others as written. */
static void number_text(const char *raw, char *out, size_t size)
{
	char *end;
	double d = strtod(raw, &end);
	if (*raw && !*end && isfinite(d) && fabs(d) < 1e15 && d == floor(d))
		snprintf(out, size, "%.0f", d);
	else
		snprintf(out, size, "%s", raw);
}

static void cell_end(sheet *s)
{
	const char *v = s->v.buf;
	bool number = false;
	char num[64];
	if (strcmp(s->type, "s") == 0) {
		char *end;
		unsigned long long i = strtoull(v, &end, 10);
		if (!*v || *end || i >= s->strings->n) {
			s->bad_index = true;
			return;
		}
		v = s->strings->s[i];
	} else if (strcmp(s->type, "b") == 0) {
		v = strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
	} else if (strcmp(s->type, "n") == 0 && *v) {
		number_text(v, num, sizeof(num));
		v = num;
		number = true;
	} /* inlineStr, str (a formula's text), e (an error: its text, #N/A) as they are */
	if (*v)
		s->k->cell(s->k->ctx, s->col, v, strlen(v), number);
}

static void sheet_end(void *ud, const char *el)
{
	sheet *s = ud;
	const char *l = local(el);
	if (strcmp(l, "row") == 0) {
		s->k->row_end(s->k->ctx, s->row);
	} else if (strcmp(l, "c") == 0) {
		cell_end(s);
		s->in_cell = false;
	} else if (strcmp(l, "v") == 0) {
		s->in_v = false;
	} else if (strcmp(l, "rPh") == 0 && s->in_rph) {
		s->in_rph--;
	} else if (strcmp(l, "t") == 0) {
		s->in_is_t = false;
	}
}

static void sheet_text(void *ud, const char *t, int len)
{
	sheet *s = ud;
	if (s->in_v || (s->in_is_t && !s->in_rph))
		fk_strbuf_add(&s->v, t, (size_t)len);
}

int fk_xlsx_read(const char *data, size_t n, const char *want, const fk_sheet_sink *k, char *sheet_name,
		 fk_err *e)
{
	int rc = -1;
	zip_error_t zerr;
	zip_error_init(&zerr);
	zip_t *z = NULL;
	book b = { 0 };
	sst strings = { 0 };
	sheet s = { .k = k, .strings = &strings, .next_row = 1 };
	fk_strbuf_init(&strings.cur);
	fk_strbuf_init(&s.v);
	zip_source_t *src = zip_source_buffer_create(data, n, 0, &zerr);
	if (src && !(z = zip_open_from_source(src, ZIP_RDONLY, &zerr)))
		zip_source_free(src);
	if (!z) {
		fk_err_invalid(e, "file", "the file starts like a zip archive (.xlsx) but cannot be opened: %s",
			       zip_error_strerror(&zerr));
		goto out;
	}
	int got = parse_with(z, "xl/workbook.xml", &b, book_start, NULL, NULL);
	if (got == -1) {
		const char *first = zip_get_num_entries(z, 0) > 0 ? zip_get_name(z, 0, 0) : NULL;
		fk_err_invalid(e, "file", "a zip archive but not an Excel workbook: it has no xl/workbook.xml (its first "
					  "entry is %s)", first ? first : "none");
		goto out;
	}
	if (got < 0 || b.nsheets == 0) {
		fk_err_invalid(e, "file", "the workbook's list of sheets (xl/workbook.xml) cannot be read");
		goto out;
	}
	int pick = 0;
	if (want && *want) {
		for (pick = 0; pick < b.nsheets && strcmp(b.names[pick], want) != 0; pick++)
			;
		if (pick == b.nsheets) {
			fk_strbuf all;
			fk_strbuf_init(&all);
			for (int i = 0; i < b.nsheets; i++)
				fk_strbuf_addf(&all, "%s%s", i ? ", " : "", b.names[i]);
			fk_err_invalid(e, "sheet", "the workbook has no sheet named %s (its sheets: %s)", want,
				       all.buf);
			fk_strbuf_release(&all);
			goto out;
		}
	}
	if (sheet_name)
		snprintf(sheet_name, 64, "%s", b.names[pick]);
	b.want_rid = b.rids[pick];
	if (parse_with(z, "xl/_rels/workbook.xml.rels", &b, rels_start, NULL, NULL) < 0 || !b.target[0]) {
		fk_err_invalid(e, "file", "the workbook does not say where sheet %s is (xl/_rels/workbook.xml.rels)",
			       b.names[pick]);
		goto out;
	}
	/* a workbook of numbers only has no shared strings */
	if (parse_with(z, "xl/sharedStrings.xml", &strings, sst_start, sst_end, sst_text) == -2) {
		fk_err_invalid(e, "file", "the workbook's shared strings (xl/sharedStrings.xml) are not valid XML");
		goto out;
	}
	if (strings.too_big) {
		fk_err_invalid(e, "file", "the workbook's shared strings unpack to more than %zu MB: split the file",
			       SST_MAX_BYTES >> 20);
		goto out;
	}
	got = parse_with(z, b.target, &s, sheet_start, sheet_end, sheet_text);
	if (got == -1) {
		fk_err_invalid(e, "file", "the workbook has no part %s for sheet %s", b.target, b.names[pick]);
		goto out;
	}
	if (got < 0 || s.bad_index) {
		fk_err_invalid(e, "file", "sheet %s: %s near row %lld", b.names[pick],
			       s.bad_index ? "a cell refers to a shared string that does not exist" : "the XML is broken",
			       (long long)s.row);
		goto out;
	}
	rc = 0;
out:
	if (z)
		zip_discard(z);
	for (size_t i = 0; i < strings.n; i++)
		free(strings.s[i]);
	free(strings.s);
	fk_strbuf_release(&strings.cur);
	fk_strbuf_release(&s.v);
	return rc;
}

int fk_sheet_serial_date(const char *s, char out[16])
{
	char *end;
	double d = strtod(s, &end);
	if (!*s || *end || !(d >= 1 && d < 2958466))
		return -1;
	long serial = (long)floor(d);
	/* Excel counts 1900-02-29, which did not exist: serials from 61 on are
	 * one day ahead of the days since 1899-12-31. */
	long days = serial >= 61 ? serial - 25569 : serial - 25568; /* since 1970-01-01 */
	/* the civil date (Howard Hinnant's days_from_civil, inverted) */
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	long dd = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(out, 16, "%04ld-%02ld-%02ld", y + (m <= 2), m, dd);
	return 0;
}
