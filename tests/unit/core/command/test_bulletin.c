/* test_bulletin.c - the published forms of a bulletin (core/command/
 * bulletin.h) from hand-written figures: the text's official wording and
 * order with the numbers given, the corrections and the audit head; a PDF
 * with the CJK font embedded; a workbook the project's own reader
 * (util/xlsx.c) opens, a sheet per table, numbers stored as numbers; and
 * the parse function's errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/command/bulletin.h"
#include "util/sheet.h"

#define HEAD "5d62a0f8dfc3a279e34bb5939bad8f1c55a65173eb20a4ae7741fc08457ac94d"

/* An approved bulletin of a district with two streets (figures invented for
 * the test, each distinct so a swapped column shows). */
static json_t *bulletin(void)
{
	const char *j =
		"{\"id\": 7, \"region\": \"420106\", \"name\": \"武昌区\", \"date\": \"2020-02-14\", \"state\": \"approved\","
		" \"approved_by\": \"区指挥部\", \"approved_at\": 1581724800, \"audit_size\": 4321, \"audit_head\": \"" HEAD "\","
		" \"figures\": {\"region\": {\"code\": \"420106\", \"name\": \"武昌区\", \"level\": 3}, \"date\": \"2020-02-14\","
		"  \"totals\": {\"new_confirmed\": 11, \"new_suspected\": 12, \"new_asymptomatic\": 13, \"new_discharged\": 14,"
		"   \"new_deceased\": 1, \"cum_confirmed\": 301, \"cum_discharged\": 52, \"cum_deceased\": 3, \"cur_confirmed\": 246,"
		"   \"cur_suspected\": 37, \"cur_asymptomatic\": 18, \"under_observation\": 905, \"households\": 4000,"
		"   \"screened\": 3900, \"unvisited\": 100, \"abnormal\": 9},"
		"  \"children\": [{\"code\": \"420106001\", \"name\": \"积玉桥街道\", \"new_confirmed\": 4, \"cur_confirmed\": 100,"
		"   \"cum_confirmed\": 120, \"cur_suspected\": 10, \"under_observation\": 300, \"households\": 1500, \"screened\": 1490,"
		"   \"unvisited\": 10},"
		"   {\"code\": \"420106002\", \"name\": \"杨园街道\", \"new_confirmed\": 7, \"cur_confirmed\": 146, \"cum_confirmed\": 181,"
		"   \"cur_suspected\": 27, \"under_observation\": 605, \"households\": 2500, \"screened\": 2410, \"unvisited\": 90}],"
		"  \"days\": [{\"date\": \"2020-02-13\", \"new_confirmed\": 9, \"new_suspected\": 8, \"new_asymptomatic\": 2,"
		"   \"cur_confirmed\": 240, \"cum_confirmed\": 290, \"new_discharged\": 5, \"under_observation\": 880},"
		"   {\"date\": \"2020-02-14\", \"new_confirmed\": 11, \"new_suspected\": 12, \"new_asymptomatic\": 13,"
		"   \"cur_confirmed\": 246, \"cum_confirmed\": 301, \"new_discharged\": 14, \"under_observation\": 905}],"
		"  \"corrections\": [{\"bulletin_id\": 6, \"date\": \"2020-02-13\", \"figure\": \"cum_confirmed\", \"was\": 289,"
		"   \"now\": 290}]}}";
	json_error_t err;
	json_t *b = json_loads(j, 0, &err);
	assert_non_null(b);
	return b;
}

static void test_text_official_wording_and_order(void **state)
{
	(void)state;
	json_t *b = bulletin();
	fk_strbuf out = FK_STRBUF_INIT;
	assert_int_equal(fk_bulletin_text(b, &out), 0);
	const char *s = out.buf;
	assert_non_null(strstr(s, "武昌区新冠肺炎疫情通报\n（2020年2月14日）\n"));
	const char *a = strstr(s, "截至2月14日24时，全区累计报告确诊病例301例，现有确诊病例246例，累计治愈出院52例，累计死亡3例。");
	const char *n = strstr(s, "2月14日0—24时，全区新增确诊病例11例，新增疑似病例12例，新增无症状感染者13例，新增治愈出院14例，新增死亡1例。");
	const char *c = strstr(s, "目前，现有疑似病例37例，现有无症状感染者18例，尚在医学观察905人。");
	const char *k = strstr(s, "2月14日全区开展入户排查：应排查4000户，已排查3900户，未排查100户，发现异常9人。");
	const char *corr = strstr(s, "更正：经核实，2月13日累计报告确诊病例由289例更正为290例。");
	const char *street = strstr(s, "分街道情况：\n积玉桥街道：新增确诊4例，现有确诊100例，累计确诊120例，尚在医学观察300人；排查1490/1500户。");
	const char *sig = strstr(s, "审核签发：区指挥部，");
	assert_non_null(a);
	assert_non_null(n);
	assert_non_null(c);
	assert_non_null(k);
	assert_non_null(corr);
	assert_non_null(street);
	assert_non_null(sig);
	/* the official order: cumulative, the day's new, current, screening, corrections, by street, approval */
	assert_true(a < n && n < c && c < k && k < corr && corr < street && street < sig);
	assert_non_null(strstr(s, "审计日志第4321条，哈希 " HEAD));
	fk_strbuf_release(&out);
	json_decref(b);
}

static int count(const char *hay, size_t n, const char *needle)
{
	int k = 0;
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			k++;
	return k;
}

static void test_pdf_is_a_pdf_with_the_cjk_font(void **state)
{
	(void)state;
	json_t *b = bulletin();
	fk_strbuf out = FK_STRBUF_INIT;
	assert_int_equal(fk_bulletin_pdf(b, &out), 0);
	assert_true(out.len > 5000);
	assert_memory_equal(out.buf, "%PDF-", 5);
	assert_non_null(strstr(out.buf + out.len - 64, "%%EOF"));
	assert_true(count(out.buf, out.len, "NotoSansCJK") > 0);
	fk_strbuf_release(&out);
	json_decref(b);
}

/* The cells the reader gives, one line per row: "col=text|col=#number|". */
typedef struct got {
	char buf[8192];
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
	(void)line;
	g->len += (size_t)snprintf(g->buf + g->len, sizeof(g->buf) - g->len, "\n");
}

static void sheet(const fk_strbuf *x, const char *name, got *g)
{
	memset(g, 0, sizeof(*g));
	fk_sheet_sink k = { on_cell, on_row, g };
	char read[64];
	fk_err e = { 0 };
	assert_int_equal(fk_xlsx_read(x->buf, x->len, name, &k, read, &e), 0);
	assert_string_equal(read, name);
}

static void test_workbook_opens_with_our_reader(void **state)
{
	(void)state;
	json_t *b = bulletin();
	fk_strbuf x = FK_STRBUF_INIT;
	assert_int_equal(fk_bulletin_xlsx(b, &x), 0);
	assert_int_equal(fk_sheet_detect(x.buf, x.len), FK_SHEET_XLSX);
	got g;
	sheet(&x, "主要指标", &g);
	assert_memory_equal(g.buf, "0=指标|1=数值|2=单位|\n0=累计报告确诊病例|1=#301|2=例|\n",
			    strlen("0=指标|1=数值|2=单位|\n0=累计报告确诊病例|1=#301|2=例|\n"));
	assert_non_null(strstr(g.buf, "0=尚在医学观察|1=#905|2=人|\n"));
	sheet(&x, "分街道", &g);
	assert_string_equal(g.buf, "0=区域|1=新增确诊|2=现有确诊|3=累计确诊|4=现有疑似|5=医学观察|6=应排查户|7=已排查户|8=未排查户|\n"
				   "0=积玉桥街道|1=#4|2=#100|3=#120|4=#10|5=#300|6=#1500|7=#1490|8=#10|\n"
				   "0=杨园街道|1=#7|2=#146|3=#181|4=#27|5=#605|6=#2500|7=#2410|8=#90|\n");
	sheet(&x, "逐日", &g);
	assert_non_null(strstr(g.buf, "0=2020-02-14|1=#11|2=#12|3=#13|4=#246|5=#301|6=#14|7=#905|\n"));
	sheet(&x, "更正", &g);
	assert_string_equal(g.buf, "0=日期|1=指标|2=原数|3=更正为|\n0=2020-02-13|1=累计报告确诊病例|2=#289|3=#290|\n");
	sheet(&x, "通报", &g);
	assert_non_null(strstr(g.buf, "0=武昌区新冠肺炎疫情通报|\n0=（2020年2月14日）|\n0=截至2月14日24时"));
	assert_non_null(strstr(g.buf, HEAD));
	fk_strbuf_release(&x);
	json_decref(b);
}

static void bad(const char *text, const char *field)
{
	json_t *in = json_loads(text, 0, NULL);
	assert_non_null(in);
	fk_bulletin_in b;
	fk_err e = { 0 };
	assert_int_equal(fk_bulletin_parse(in, &b, &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, field);
	json_decref(in);
}

static void test_parse(void **state)
{
	(void)state;
	json_t *in = json_loads("{\"region\": \"420106001\", \"date\": \"2020-02-14\"}", 0, NULL);
	fk_bulletin_in b;
	fk_err e = { 0 };
	assert_int_equal(fk_bulletin_parse(in, &b, &e), 0);
	assert_string_equal(b.region, "420106001");
	json_decref(in);
	bad("{\"date\": \"2020-02-14\"}", "region");
	bad("{\"region\": \"4201060\", \"date\": \"2020-02-14\"}", "region");
	bad("{\"region\": \"42010a\", \"date\": \"2020-02-14\"}", "region");
	bad("{\"region\": \"420106\"}", "date");
	bad("{\"region\": \"420106\", \"date\": \"2020-02-30\"}", "date");
	bad("{\"region\": \"420106\", \"date\": \"2020-02-14\", \"extra\": 1}", "extra");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_official_wording_and_order),
		cmocka_unit_test(test_pdf_is_a_pdf_with_the_cjk_font),
		cmocka_unit_test(test_workbook_opens_with_our_reader),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
