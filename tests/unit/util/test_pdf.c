/* test_pdf.c - printable documents (util/pdf.h): a complete PDF with the
 * CJK font embedded, pages broken when text runs past the page, tables and
 * chart boxes drawn without failing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/pdf.h"

static int count(const char *hay, size_t n, const char *needle)
{
	int k = 0;
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			k++;
	return k;
}

static void test_one_page_with_chinese_text(void **state)
{
	(void)state;
	fk_strbuf out = FK_STRBUF_INIT;
	fk_pdf *p = fk_pdf_open(&out, "疫情通报");
	assert_non_null(p);
	fk_pdf_text(p, FK_PDF_H1, "武昌区疫情防控工作通报");
	fk_pdf_text(p, FK_PDF_BODY, "截至2月14日24时，全区累计报告确诊病例12例。");
	const char *cells[] = { "街道", "户数", "覆盖率", "中华路街道", "1200", "98.5%", "粮道街道", "900", "100%" };
	const bool right[] = { false, true, true };
	fk_pdf_table(p, 3, NULL, right, cells, 3);
	double w = 0;
	cairo_t *cr = fk_pdf_box(p, 120, &w);
	assert_non_null(cr);
	assert_true(w > 400 && w < 595);
	fk_pdf_label(p, cr, 0, 0, FK_PDF_SMALL, "新增");
	fk_pdf_box_end(p);
	assert_int_equal(fk_pdf_close(p), 0);
	assert_true(out.len > 1000);
	assert_memory_equal(out.buf, "%PDF-", 5);
	assert_non_null(strstr(out.buf + out.len - 64, "%%EOF"));
	/* the CJK font is embedded (a subset), not substituted */
	assert_true(count(out.buf, out.len, "NotoSansCJK") > 0);
	assert_int_equal(count(out.buf, out.len, "/Type /Page\n") + count(out.buf, out.len, "/Type /Page "), 1);
	fk_strbuf_release(&out);
}

static void test_long_text_breaks_pages(void **state)
{
	(void)state;
	fk_strbuf out = FK_STRBUF_INIT;
	fk_pdf *p = fk_pdf_open(&out, "long");
	assert_non_null(p);
	char line[128];
	for (int i = 0; i < 200; i++) {
		snprintf(line, sizeof(line), "第%d行：居民健康监测情况正常。", i + 1);
		fk_pdf_text(p, FK_PDF_BODY, line);
	}
	assert_int_equal(fk_pdf_close(p), 0);
	int pages = count(out.buf, out.len, "/Type /Page\n") + count(out.buf, out.len, "/Type /Page ");
	/* 200 lines of about 20 pt do not fit on one A4 page, nor need ten */
	assert_true(pages >= 4 && pages <= 10);
	fk_strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_page_with_chinese_text),
		cmocka_unit_test(test_long_text_breaks_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
