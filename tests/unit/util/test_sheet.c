/* test_sheet.c - the workbook readers (util/sheet.h) on small workbooks
 * written here with libxlsxwriter: shared and inline strings, numbers
 * (an ID number stored as one), dates, two sheets, an empty sheet, and
 * files that only look like workbooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>

#include "util/sheet.h"

/* What the reader reported, one line per row: "N: col=text|col=#number". */
typedef struct got {
	char buf[4096];
	size_t len;
} got;

static void on_cell(void *ctx, int col, const char *s, size_t len, bool number)
{
	got *g = ctx;
	g->len += (size_t)snprintf(g->buf + g->len, sizeof(g->buf) - g->len, "%d=%s%.*s|", col, number ? "#" : "",
				   (int)len, s);
}

static void on_row(void *ctx, int64_t line)
{
	got *g = ctx;
	g->len += (size_t)snprintf(g->buf + g->len, sizeof(g->buf) - g->len, "@%lld\n", (long long)line);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	char *d = malloc(*n + 1);
	assert_int_equal(fread(d, 1, *n, f), *n);
	fclose(f);
	return d;
}

/* Writes the test workbook (inline strings when constant_memory) and reads
 * it back into memory. */
static char *workbook(bool constant_memory, size_t *n)
{
	char path[] = "/tmp/fk-test-sheet-XXXXXX.xlsx";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	close(fd);
	lxw_workbook_options o = { .constant_memory = constant_memory };
	lxw_workbook *wb = workbook_new_opt(path, &o);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "居民");
	worksheet_write_string(ws, 0, 0, "姓名", NULL);
	worksheet_write_string(ws, 0, 1, "身份证号", NULL);
	worksheet_write_string(ws, 0, 3, "抵达日期", NULL); /* column C left empty */
	worksheet_write_string(ws, 1, 0, "张三", NULL);
	worksheet_write_number(ws, 1, 1, 110101199003077000.0, NULL); /* Excel's fate of an ID typed as a number */
	lxw_datetime dt = { 2020, 1, 23, 0, 0, 0 };
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	worksheet_write_datetime(ws, 1, 3, &dt, date);
	worksheet_write_string(ws, 3, 0, "李四", NULL); /* row 3 empty */
	worksheet_write_number(ws, 3, 1, 13800138000.0, NULL);
	worksheet_write_boolean(ws, 3, 3, 1, NULL);
	lxw_worksheet *two = workbook_add_worksheet(wb, "Second");
	worksheet_write_string(two, 0, 0, "name", NULL);
	worksheet_write_string(two, 1, 0, "Wang", NULL);
	workbook_add_worksheet(wb, "Empty");
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	char *d = slurp(path, n);
	unlink(path);
	return d;
}

static void read_sheet(const char *d, size_t n, const char *sheet, int want, got *g, char *name, fk_err *e)
{
	memset(g, 0, sizeof(*g));
	fk_sheet_sink k = { on_cell, on_row, g };
	assert_int_equal(fk_xlsx_read(d, n, sheet, &k, name, e), want);
}

static const char first_sheet[] = "0=姓名|1=身份证号|3=抵达日期|@1\n"
				  "0=张三|1=#1.10101199003077E+17|3=#43853|@2\n"
				  "0=李四|1=#13800138000|3=TRUE|@4\n";

static void test_shared_strings(void **state)
{
	(void)state;
	size_t n;
	char *d = workbook(false, &n);
	assert_int_equal(fk_sheet_detect(d, n), FK_SHEET_XLSX);
	got g;
	char name[64];
	fk_err e = { 0 };
	read_sheet(d, n, NULL, 0, &g, name, &e);
	assert_string_equal(name, "居民");
	assert_string_equal(g.buf, first_sheet);
	free(d);
}

static void test_inline_strings(void **state)
{
	(void)state;
	size_t n;
	char *d = workbook(true, &n);
	got g;
	fk_err e = { 0 };
	read_sheet(d, n, NULL, 0, &g, NULL, &e);
	assert_string_equal(g.buf, first_sheet);
	free(d);
}

static void test_sheets_by_name(void **state)
{
	(void)state;
	size_t n;
	char *d = workbook(false, &n);
	got g;
	char name[64];
	fk_err e = { 0 };
	read_sheet(d, n, "Second", 0, &g, name, &e);
	assert_string_equal(name, "Second");
	assert_string_equal(g.buf, "0=name|@1\n0=Wang|@2\n");
	read_sheet(d, n, "Empty", 0, &g, name, &e);
	assert_string_equal(g.buf, "");
	read_sheet(d, n, "Sheet9", -1, &g, name, &e);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "sheet");
	assert_non_null(strstr(e.message, "its sheets: 居民, Second, Empty"));
	free(d);
}

static void test_not_workbooks(void **state)
{
	(void)state;
	/* an OLE compound file naming EncryptionInfo: a password-protected .xlsx */
	char ole[512] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
	memcpy(ole + 200, "E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0", 28);
	assert_int_equal(fk_sheet_detect(ole, sizeof(ole)), FK_SHEET_ENCRYPTED);
	memset(ole + 200, 0, 28);
	assert_int_equal(fk_sheet_detect(ole, sizeof(ole)), FK_SHEET_XLS);
	assert_int_equal(fk_sheet_detect("姓名,name\n", 10), FK_SHEET_TEXT);
	/* a zip that is no workbook, and one cut short */
	char path[] = "/tmp/fk-test-zip-XXXXXX.xlsx";
	int fd = mkstemps(path, 5);
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	workbook_add_worksheet(wb, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	size_t n;
	char *d = slurp(path, &n);
	unlink(path);
	got g;
	fk_err e = { 0 };
	read_sheet(d, n / 2, NULL, -1, &g, NULL, &e);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.message, "cannot be opened"));
	free(d);
}

static void test_serial_dates(void **state)
{
	(void)state;
	char out[16];
	assert_int_equal(fk_sheet_serial_date("43853", out), 0);
	assert_string_equal(out, "2020-01-23");
	assert_int_equal(fk_sheet_serial_date("25569", out), 0);
	assert_string_equal(out, "1970-01-01");
	assert_int_equal(fk_sheet_serial_date("59", out), 0);
	assert_string_equal(out, "1900-02-28");
	assert_int_equal(fk_sheet_serial_date("61", out), 0);
	assert_string_equal(out, "1900-03-01");
	assert_int_equal(fk_sheet_serial_date("1", out), 0);
	assert_string_equal(out, "1900-01-01");
	assert_int_equal(fk_sheet_serial_date("43853.5", out), 0); /* a time of day is dropped */
	assert_string_equal(out, "2020-01-23");
	assert_int_equal(fk_sheet_serial_date("0", out), -1);
	assert_int_equal(fk_sheet_serial_date("2020-01-23", out), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_strings), cmocka_unit_test(test_inline_strings),
		cmocka_unit_test(test_sheets_by_name), cmocka_unit_test(test_not_workbooks),
		cmocka_unit_test(test_serial_dates),
	};
	return cmocka_run_group_tests_name("util/sheet", tests, NULL, NULL);
}
