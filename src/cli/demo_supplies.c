/* demo_supplies.c - the district's six weeks of supplies, donations and
 * special funds, through the modules' own functions (stock.h,
 * donations.h, funds.h), each act done by the account whose work it is
 * within its home region: the keeper (district) runs the central
 * warehouse and the street stores, the coordinators of the two streets
 * keep the donation desks, finance (district) passes the funds down.
 *
 * The weeks are replayed on the clock (fk_clock_set): each day's acts are
 * recorded at that day's time, so stock moves, days of supply, ledger
 * entries and audit entries carry the day they happened; the clock is put
 * back at the end.  Quantities come from the seeded generator. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/demo.h"
#include "core/base/region.h"
#include "core/supplies/donations.h"
#include "core/supplies/funds.h"
#include "core/supplies/requests.h"
#include "core/supplies/stock.h"
#include "util/date.h"
#include "util/log.h"

#define WEEKS 6

typedef struct ctx {
	fk_db *db;
	fk_actor keeper, desk1, desk2, finance, doctor, officer2;
	int64_t item[8], central, store1, store2;
	const char *county, *street1, *street2, *comm1, *comm2;
	demo_supplies_counts *out;
	fk_err e;
} ctx;

/* Checks a module call: logs and fails the demo on NULL. */
static int ok(ctx *c, json_t *v, const char *what)
{
	if (!v) {
		fk_log_err("demo supplies: %s: %s", what, c->e.message);
		return -1;
	}
	json_decref(v);
	return 0;
}

/* A call whose answer's "id" (or "ledger_index") the demo needs. */
static int64_t id_of(ctx *c, json_t *v, const char *key, const char *what)
{
	if (!v) {
		fk_log_err("demo supplies: %s: %s", what, c->e.message);
		return -1;
	}
	int64_t id = json_integer_value(json_object_get(v, key));
	json_decref(v);
	return id;
}

static const struct {
	const char *code, *name, *category, *standard, *grade, *method, *unit;
	int pack, tests, low_days;
} ITEMS[] = {
	{ "N95-1860", "N95医用防护口罩", "mask", "GB 19083-2010", "medical", NULL, "只", 20, 0, 14 },
	{ "KN95-9501", "KN95防护口罩", "mask", "GB 2626-2019", "civilian", NULL, "只", 50, 0, 14 },
	{ "SM-0469", "一次性使用医用外科口罩", "mask", "YY 0469-2011", "medical", NULL, "只", 50, 0, 14 },
	{ "GOWN-19082", "医用一次性防护服", "gown", "GB 19082-2009", "medical", NULL, "件", 10, 0, 10 },
	{ "GOG-01", "医用隔离眼罩", "goggles", "GB 14866-2006", "medical", NULL, "副", 20, 0, 10 },
	{ "THERM-IR", "红外额温计", "thermometer", "GB/T 21417.1-2008", "medical", NULL, "支", 10, 0, 7 },
	{ "KIT-PCR", "新型冠状病毒核酸检测试剂盒（荧光PCR法）", "test_kit", NULL, "medical", "pcr", "盒", 1, 48, 7 },
	{ "KIT-AG", "新型冠状病毒抗原检测试剂盒（胶体金法）", "test_kit", NULL, "medical", "antigen", "人份", 20, 1,
	  7 },
};

/* "<street name>防疫物资储备点" into out. */
static void store_name(fk_db *db, const char *street, char *out, size_t cap)
{
	char name[128];
	if (fk_region_name(db, street, name, sizeof(name)) == 1)
		snprintf(out, cap, "%s防疫物资储备点", name);
	else
		snprintf(out, cap, "街道防疫物资储备点");
}

static int setup(ctx *c)
{
	for (int i = 0; i < 8; i++) {
		fk_item_in it = { .code = ITEMS[i].code, .name = ITEMS[i].name, .category = ITEMS[i].category,
				  .standard = ITEMS[i].standard, .grade = ITEMS[i].grade, .method = ITEMS[i].method,
				  .unit = ITEMS[i].unit, .pack_size = ITEMS[i].pack, .tests_per_unit = ITEMS[i].tests,
				  .low_days = ITEMS[i].low_days };
		if ((c->item[i] = id_of(c, fk_item_create(c->db, &c->keeper, &it, &c->e), "id", "item")) < 0)
			return -1;
	}
	/* each street's store named after its street */
	char n1[160], n2[160];
	store_name(c->db, c->street1, n1, sizeof(n1));
	store_name(c->db, c->street2, n2, sizeof(n2));
	fk_warehouse_in w[3] = { { c->county, "武昌区防疫物资中心仓库", "district" }, { c->street1, n1, "street" },
				 { c->street2, n2, "street" } };
	int64_t *ids[3] = { &c->central, &c->store1, &c->store2 };
	for (int i = 0; i < 3; i++)
		if ((*ids[i] = id_of(c, fk_warehouse_create(c->db, &c->keeper, &w[i], &c->e), "id", "warehouse")) < 0)
			return -1;
	return 0;
}

/* A receipt of qty of item i in lot lot_no expiring expiry (-1: never). */
static int receive(ctx *c, int64_t wh, int i, const char *lot_no, int64_t expiry, int64_t qty, const char *ref)
{
	fk_receipt_in r = { .warehouse_id = wh, .item_id = c->item[i], .qty = qty, .expiry = expiry, .lot_no = lot_no,
			    .ref = ref };
	c->out->moves++;
	return ok(c, fk_stock_receive(c->db, &c->keeper, &r, &c->e), "receipt");
}

/* Issues qty of item i from wh to whom; the lots picked (FEFO) are
 * received at store when store is not 0.  A shortfall is not an error of
 * the demo (stock runs low): it issues what it can. */
static int issue(ctx *c, int64_t wh, int i, int64_t qty, const char *whom, int64_t store)
{
	fk_issue_in s = { .warehouse_id = wh, .item_id = c->item[i], .qty = qty, .to = whom };
	json_t *v = fk_stock_issue(c->db, &c->keeper, &s, &c->e);
	if (!v)
		return c->e.status == 409 ? 0 : ok(c, v, "issue");
	c->out->moves++;
	size_t k;
	json_t *lot;
	json_array_foreach(json_object_get(v, "lots"), k, lot)
	{
		if (!store)
			continue;
		/* the same lot, its expiry as the central warehouse has it */
		int64_t exp = -1;
		fk_db_int64(c->db, &exp, "SELECT COALESCE(expiry_day, -1) FROM lots WHERE id = $1", "i",
			    (int64_t)json_integer_value(json_object_get(lot, "lot_id")));
		if (receive(c, store, i, json_string_value(json_object_get(lot, "lot_no")), exp,
			    json_integer_value(json_object_get(lot, "qty")), "transfer") < 0) {
			json_decref(v);
			return -1;
		}
	}
	json_decref(v);
	return 0;
}

static int donations(ctx *c, int day)
{
	char rec[32], slip[32], received[11];
	snprintf(rec, sizeof(rec), "JZ2020-%04d", (int)c->out->donations + 1);
	snprintf(slip, sizeof(slip), "YH%08d", demo_between(10000000, 99999999));
	fk_date_format(fk_today(), received);
	int64_t today = fk_today();
	if (day == 2) {
		/* the designated gift: money for the first street's front line */
		fk_donation_in d = { .region = c->street1, .donor_kind = "organisation", .donor_name = "武汉某医药有限公司",
				     .donor_public = true, .kind = "money", .amount_fen = 50000000,
				     .designated_region = c->street1, .designated_purpose = "一线防护物资",
				     .voucher = slip, .receipt_no = rec, .received_on = today, .emergency = true,
				     .expiry = -1, .value_fen = -1 };
		int64_t id = id_of(c, fk_donation_receive(c->db, &c->desk1, &d, &c->e), "id", "designated gift");
		if (id < 0)
			return -1;
		c->out->donations++;
		fk_allocation_in a = { .donation_id = id, .amount = 30000000, .to_region = c->comm1,
				       .recipient = "社区卫生服务中心", .purpose = "一线防护物资" };
		int64_t al = id_of(c, fk_donation_allocate(c->db, &c->desk1, &a, &c->e), "id", "allocation");
		if (al < 0)
			return -1;
		c->out->allocations++;
		fk_delivery_in dv = { .id = al, .delivered_on = today, .signed_by = "社区卫生服务中心" };
		return ok(c, fk_donation_deliver(c->db, &c->desk1, &dv, &c->e), "delivery");
	}
	if (day == 5) {
		/* masks from a firm into the central warehouse via the street desk;
		 * an allocation published with the wrong quantity, corrected by a
		 * reversing entry and allocated again */
		snprintf(rec, sizeof(rec), "JZ2020-%04d", (int)c->out->donations + 1);
		fk_donation_in d = { .region = c->street1, .donor_kind = "organisation", .donor_name = "某电子科技有限公司",
				     .donor_public = true, .kind = "goods", .item_id = c->item[1], .qty = 36000,
				     .value_fen = 36000 * 350, .warehouse_id = c->store1, .lot_no = "JZ-KN95-0131",
				     .expiry = today + 720, .voucher = "YD20200131001", .receipt_no = rec,
				     .received_on = today, .emergency = true };
		int64_t id = id_of(c, fk_donation_receive(c->db, &c->desk1, &d, &c->e), "id", "goods donation");
		if (id < 0)
			return -1;
		c->out->donations++;
		fk_allocation_in a = { .donation_id = id, .amount = 16000, .to_region = c->comm1,
				       .recipient = "社区卫生服务中心发热哨点", .purpose = "一线防护" };
		int64_t wrong = id_of(c, fk_donation_allocate(c->db, &c->desk1, &a, &c->e), "id", "allocation");
		if (wrong < 0)
			return -1;
		fk_reversal_in rv = { .id = wrong, .reason = "数量登记有误：应为18000只，冲销后重新分配" };
		if (ok(c, fk_donation_reverse(c->db, &c->desk1, &rv, &c->e), "reversal") < 0)
			return -1;
		a.amount = 18000;
		int64_t right = id_of(c, fk_donation_allocate(c->db, &c->desk1, &a, &c->e), "id", "allocation");
		if (right < 0)
			return -1;
		c->out->allocations += 3;
		c->out->reversals++;
		fk_delivery_in dv = { .id = right, .delivered_on = today, .signed_by = "发热哨点护士长" };
		return ok(c, fk_donation_deliver(c->db, &c->desk1, &dv, &c->e), "delivery");
	}
	if (day % 4 == 1) {
		/* gifts from people, published without their names; and a firm's in the second street */
		int street2 = day % 8 == 1;
		char name[32];
		snprintf(name, sizeof(name), "捐赠人%03d", demo_between(1, 999));
		fk_donation_in d = { .region = street2 ? c->street2 : c->street1, .donor_kind = street2 ? "organisation" : "person",
				     .donor_name = street2 ? "某建设集团" : name, .donor_public = street2, .kind = "money",
				     .amount_fen = (int64_t)demo_between(1, 200) * 10000, .voucher = slip, .receipt_no = rec,
				     .received_on = today, .emergency = true, .expiry = -1, .value_fen = -1 };
		const fk_actor *desk = street2 ? &c->desk2 : &c->desk1;
		int64_t id = id_of(c, fk_donation_receive(c->db, desk, &d, &c->e), "id", "donation");
		if (id < 0)
			return -1;
		c->out->donations++;
		fk_allocation_in a = { .donation_id = id, .amount = d.amount_fen / 2,
				       .to_region = street2 ? c->comm2 : c->comm1, .recipient = "社区居委会",
				       .purpose = "困难群众生活物资" };
		if (ok(c, fk_donation_allocate(c->db, desk, &a, &c->e), "allocation") < 0)
			return -1;
		c->out->allocations++;
	}
	return 0;
}

/* Funds: the city's appropriation into the district on day 1, passed down
 * to both streets on day 3, spent every few days. */
static int funds(ctx *c, int day, int64_t alloc[4])
{
	if (day == 1) {
		fk_fund_alloc_in a = { .region = c->county, .purpose = "subsidy", .amount_fen = 200000000,
				       .doc_no = "武财社〔2020〕12号" };
		fk_fund_alloc_in t = { .region = c->county, .purpose = "treatment", .amount_fen = 500000000,
				       .doc_no = "武财社〔2020〕13号" };
		if ((alloc[0] = id_of(c, fk_fund_allocate(c->db, &c->finance, &a, &c->e), "id", "appropriation")) < 0 ||
		    (alloc[3] = id_of(c, fk_fund_allocate(c->db, &c->finance, &t, &c->e), "id", "appropriation")) < 0)
			return -1;
		c->out->fund_allocations += 2;
	}
	if (day == 3) {
		const char *streets[2] = { c->street1, c->street2 };
		for (int i = 0; i < 2; i++) {
			fk_fund_alloc_in a = { .region = streets[i], .parent_id = alloc[0], .purpose = "subsidy",
					       .amount_fen = 40000000, .doc_no = "武昌财〔2020〕7号" };
			if ((alloc[1 + i] = id_of(c, fk_fund_allocate(c->db, &c->finance, &a, &c->e), "id", "allocation")) <
			    0)
				return -1;
			c->out->fund_allocations++;
		}
	}
	if (day > 3 && day % 3 == 0) {
		for (int i = 0; i < 2; i++) {
			int64_t persons = demo_between(20, 60), rate = i ? 20000 : 30000;
			char voucher[32];
			snprintf(voucher, sizeof(voucher), "PZ2020-%04d", (int)c->out->fund_entries + 1);
			fk_disburse_in d = { .allocation_id = alloc[1 + i], .purpose = "subsidy", .amount_fen = persons * rate,
					     .persons = persons, .rate_fen = rate,
					     .payee = i ? "街道社区卫生服务中心" : "社区工作者（名单存档）",
					     .payee_kind = i ? "organisation" : "person", .voucher = voucher,
					     .approver = "街道财政所" };
			json_t *v = fk_fund_disburse(c->db, &c->finance, &d, &c->e);
			if (!v && c->e.status == 409)
				continue; /* the allocation is spent */
			int64_t id = id_of(c, v, "id", "disbursement");
			if (id < 0)
				return -1;
			c->out->fund_entries++;
			if (day == 9 && i == 0) {
				/* paid twice from one voucher list: reversed */
				fk_fund_reversal_in rv = { .id = id, .reason = "重复发放，冲销" };
				if (ok(c, fk_fund_reverse(c->db, &c->finance, &rv, &c->e), "fund reversal") < 0)
					return -1;
				c->out->fund_entries++;
			}
		}
	}
	return 0;
}

/* A request moved to state to (lines: what was approved or arrived). */
static int move(ctx *c, const fk_actor *who, int64_t id, const char *to, fk_request_line *lines, int n,
		const char *note)
{
	fk_request_move_in m = { .id = id, .to = to, .lines = lines, .n = n, .note = note };
	return ok(c, fk_request_move(c->db, who, &m, &c->e), to);
}

/* Every fourth day a community asks its street for masks, gowns and test
 * kits: approved in part by the street, picked and shipped from the street
 * store, received with a box short or damaged now and then; the second
 * street's every eighth day, and one of its requests rejected. */
static int requests(ctx *c, int day)
{
	if (day % 4 != 2 || day < 2)
		return 0;
	int second = day % 8 == 6;
	const fk_actor *asker = second ? &c->officer2 : &c->doctor, *approver = second ? &c->desk2 : &c->desk1;
	fk_request_line lines[3] = { { c->item[2], demo_between(10, 40) * 10, 0 },
				     { c->item[3], demo_between(2, 8) * 5, 0 },
				     { c->item[6], demo_between(1, 4), 0 } };
	fk_request_in q = { .region = second ? c->comm2 : c->comm1, .reason = "发热门诊和入户排查消耗",
			    .warehouse_id = second ? c->store2 : c->store1, .needed_by = fk_today() + 2, .lines = lines,
			    .n = 3 };
	int64_t id = id_of(c, fk_request_create(c->db, asker, &q, &c->e), "id", "request");
	if (id < 0)
		return -1;
	c->out->requests++;
	if (second && day == 14)
		return move(c, approver, id, "rejected", NULL, 0, "本周已足额下发，请先使用库存");
	fk_request_line approved[1] = { { c->item[2], lines[0].qty / 2, 0 } }; /* masks: half */
	if (move(c, approver, id, "approved", approved, 1, "口罩按库存减半批准") < 0)
		return -1;
	json_t *v = NULL;
	fk_request_move_in pick = { .id = id, .to = "picked" };
	if (!(v = fk_request_move(c->db, &c->keeper, &pick, &c->e)))
		return c->e.status == 409 ? 0 : ok(c, v, "pick"); /* the store ran short: waits */
	json_decref(v);
	if (move(c, &c->keeper, id, "shipped", NULL, 0, NULL) < 0)
		return -1;
	fk_request_line got[3] = { { c->item[2], approved[0].qty, 0 }, { c->item[3], lines[1].qty, 0 },
				   { c->item[6], lines[2].qty, 0 } };
	if (day % 12 == 2) {
		got[1].qty -= 5; /* a box of gowns arrived damaged */
		got[1].damaged = 5;
	}
	if (day % 16 == 10)
		got[0].qty -= 10; /* ten masks short: stays partially received */
	if (move(c, asker, id, "received", got, 3, NULL) < 0)
		return -1;
	fk_kit_tests_in t = { .region = q.region, .item_id = c->item[6], .day = fk_today(),
			      .tests = lines[2].qty * 48 - demo_between(0, 20) };
	return ok(c, fk_kit_tests_record(c->db, asker, &t, &c->e), "kit tests");
}

/* One day: receipts at the central warehouse weekly, transfers to the
 * street stores, the stores' consumption, donations and funds. */
static int one_day(ctx *c, int day, int64_t alloc[4])
{
	int64_t today = fk_today();
	if (day % 7 == 0) {
		char lot[32];
		for (int i = 0; i < 8; i++) {
			snprintf(lot, sizeof(lot), "L%02d%02d", day / 7 + 1, i);
			/* the first week's gowns expire at the end of the demo (an expiring lot) */
			int64_t exp = i == 3 && day == 0 ? today + WEEKS * 7 + 20 : today + demo_between(180, 720);
			if (receive(c, c->central, i, lot, i == 5 ? -1 : exp, (int64_t)demo_between(20, 60) * 100, NULL) < 0)
				return -1;
		}
		if (day == 0 && receive(c, c->central, 6, "L00-OLD", today + 10, 40, "调拨") < 0)
			return -1; /* a lot that will have expired: never issued */
	}
	if (day % 3 == 0)
		for (int i = 0; i < 8; i++)
			if (issue(c, c->central, i, demo_between(5, 15) * 20, "街道储备点", c->store1) < 0 ||
			    issue(c, c->central, i, demo_between(5, 15) * 20, "街道储备点", c->store2) < 0)
				return -1;
	for (int i = 0; i < 8; i++)
		if (issue(c, c->store1, i, demo_between(1, 10) * 5, "社区卫生服务中心", 0) < 0 ||
		    issue(c, c->store2, i, demo_between(1, 10) * 5, "社区卫生服务中心", 0) < 0)
			return -1;
	if (day == WEEKS * 7 - 2) {
		/* a stock count at the first street's store: the surgical masks short by a box */
		int64_t lot = 0;
		if (fk_db_int64(c->db, &lot,
				"SELECT lot_id FROM stock_lots WHERE warehouse_id = $1 AND item_id = $2 AND on_hand >= 50"
				" ORDER BY lot_id LIMIT 1",
				"ii", c->store1, c->item[2]) == FK_ROW) {
			int64_t have = 0;
			fk_db_int64(c->db, &have, "SELECT on_hand FROM stock_lots WHERE warehouse_id = $1 AND lot_id = $2",
				    "ii", c->store1, lot);
			fk_count_line line = { .lot_id = lot, .counted = have - 50 };
			fk_count_in cnt = { .warehouse_id = c->store1, .lines = &line, .n = 1 };
			if (ok(c, fk_stock_count(c->db, &c->keeper, &cnt, &c->e), "count") < 0)
				return -1;
		}
	}
	return donations(c, day) < 0 || funds(c, day, alloc) < 0 || requests(c, day) < 0 ? -1 : 0;
}

/* The id of the demo account username, or -1. */
static int64_t user_id(fk_db *db, const char *username)
{
	int64_t id = -1;
	return fk_db_int64(db, &id, "SELECT id FROM users WHERE username = $1", "s", username) == FK_ROW ? id : -1;
}

/* The first community under street into out (16 bytes).  0 or -1. */
static int first_community(fk_db *db, const char *street, char out[16])
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT code FROM regions WHERE parent = $1 ORDER BY code LIMIT 1", "s", street) < 0)
		return -1;
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW)
		snprintf(out, 16, "%s", fk_stmt_text(st, 0));
	fk_stmt_done(st);
	return rc == FK_ROW ? 0 : -1;
}

int demo_supplies(fk_db *db, const char *county, const char *street1, const char *street2, demo_supplies_counts *out)
{
	char comm1[16], comm2[16];
	ctx c = { .db = db, .out = out, .county = county, .street1 = street1, .street2 = street2, .comm1 = comm1,
		  .comm2 = comm2 };
	c.keeper = (fk_actor){ user_id(db, "keeper"), "keeper", FK_ROLE_KEEPER, county, "local" };
	c.desk1 = (fk_actor){ user_id(db, "coordinator"), "coordinator", FK_ROLE_COORDINATOR, street1, "local" };
	c.desk2 = (fk_actor){ user_id(db, "coordinator2"), "coordinator2", FK_ROLE_COORDINATOR, street2, "local" };
	c.finance = (fk_actor){ user_id(db, "finance"), "finance", FK_ROLE_FINANCE, county, "local" };
	c.doctor = (fk_actor){ user_id(db, "doctor"), "doctor", FK_ROLE_DOCTOR, comm1, "local" };
	c.officer2 = (fk_actor){ user_id(db, "officer2"), "officer2", FK_ROLE_OFFICER, street2, "local" };
	memset(out, 0, sizeof(*out));
	if (c.keeper.user_id < 0 || c.doctor.user_id < 0 || c.officer2.user_id < 0 || c.desk1.user_id < 0 || c.desk2.user_id < 0 || c.finance.user_id < 0 ||
	    first_community(db, street1, comm1) < 0 || first_community(db, street2, comm2) < 0) {
		fk_log_err("demo supplies: the demo accounts or the streets' communities are missing");
		return -1;
	}
	/* replay: day 0 is six weeks ago, at ten in the morning */
	int64_t shift = fk_now() - (int64_t)time(NULL);
	int64_t start = fk_local_time(fk_today() - WEEKS * 7, 10);
	int rc = -1;
	int64_t alloc[4] = { 0 };
	fk_clock_set(start);
	if (setup(&c) < 0)
		goto out;
	for (int day = 0; day < WEEKS * 7; day++) {
		fk_clock_set(start + (int64_t)day * 86400);
		if (one_day(&c, day, alloc) < 0)
			goto out;
	}
	rc = 0;
out:
	fk_clock_set((int64_t)time(NULL) + shift);
	return rc;
}
