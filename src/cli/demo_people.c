/* demo_people.c - a living district for the demo: residents with realistic
 * households, ages, names, ID numbers and care tags, and two weeks of daily
 * screening with realistic visit and abnormal rates.  Everything is drawn
 * from the seeded generator, so a seed always gives the same district. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/demo.h"
#include "core/grid/registry.h"
#include "core/grid/alerts.h"
#include "core/grid/screening.h"
#include "util/date.h"
#include "util/idcard.h"
#include "util/log.h"

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
	"高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
	"董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "吕", "丁", "沈", "姚", "卢", "熊",
};
static const char *const given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
	"秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "红", "玉", "兰", "志", "海", "波", "辉",
	"鹏", "宇", "浩", "婷", "雪", "梅", "琳", "晨", "欣", "怡", "子", "轩", "涵", "博", "然", "思",
};
/* Birthplaces: mostly the district, then the rest of Wuhan and Hubei. */
static const char *const birthplaces[] = { "420106", "420106", "420106", "420106", "420102", "420103", "420104",
					   "420105", "420111", "420115", "421002", "420502", "429004", "420902" };
static const char *const origins[] = { "武汉市江汉区", "孝感市", "黄冈市", "荆州市", "北京市", "广东省深圳市",
				       "上海市", "浙江省温州市" };

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* An age drawn from a rough pyramid of an old inner-city district. */
static int draw_age(void)
{
	static const int bands[] = { 8, 7, 9, 13, 15, 15, 14, 11, 6, 2 }; /* per decade, percent */
	int r = demo_between(0, 99), acc = 0;
	for (int d = 0; d < 10; d++) {
		acc += bands[d];
		if (r < acc)
			return d * 10 + demo_between(0, 9);
	}
	return 40;
}

static int draw_household_size(void)
{
	static const int pct[] = { 16, 30, 27, 15, 8, 4 }; /* 1..6 persons */
	int r = demo_between(0, 99), acc = 0;
	for (int i = 0; i < 6; i++) {
		acc += pct[i];
		if (r < acc)
			return i + 1;
	}
	return 3;
}

static void make_name(char *out, size_t n)
{
	const char *s = surnames[demo_rand() % NELEM(surnames)];
	const char *g1 = given[demo_rand() % NELEM(given)];
	if (demo_between(0, 9) < 6)
		snprintf(out, n, "%s%s%s", s, g1, given[demo_rand() % NELEM(given)]);
	else
		snprintf(out, n, "%s%s", s, g1);
}

/* An ID number for someone born in year (month and day drawn), of sex. */
static void make_id(int year, char sex, char out[19])
{
	int m = demo_between(1, 12), d = demo_between(1, 28);
	int seq = demo_between(0, 499) * 2 + (sex == 'M' ? 1 : 0);
	char d17[18];
	snprintf(d17, sizeof(d17), "%s%04d%02d%02d%03d", birthplaces[demo_rand() % NELEM(birthplaces)], year, m, d,
		 seq);
	snprintf(out, 19, "%s%c", d17, fk_idcard_check_char(d17));
}

typedef struct community {
	char code[16];
	char grids[8][16];
	int households[8]; /* by grid */
	int ngrids;
} community;

static int load_communities(fk_db *db, const char *county, community **out, int *n)
{
	char hi[16];
	snprintf(hi, sizeof(hi), "%s", county);
	hi[strlen(hi) - 1]++;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT code FROM regions WHERE level = 6 AND code >= $1 AND code < $2 ORDER BY code",
			"ss", county, hi) < 0)
		return -1;
	community *c = NULL;
	int k = 0, cap = 0;
	while (fk_stmt_step(st) == FK_ROW) {
		const char *g = fk_stmt_text(st, 0);
		if (k == 0 || strncmp(c[k - 1].code, g, 12) != 0) {
			if (k == cap) {
				cap = cap ? cap * 2 : 256;
				c = realloc(c, (size_t)cap * sizeof(*c));
				if (!c)
					abort();
			}
			memset(&c[k], 0, sizeof(c[k]));
			snprintf(c[k].code, sizeof(c[k].code), "%.12s", g);
			k++;
		}
		if (c[k - 1].ngrids < 8)
			snprintf(c[k - 1].grids[c[k - 1].ngrids++], 16, "%s", g);
	}
	fk_stmt_done(st);
	*out = c;
	*n = k;
	return 0;
}

typedef struct hh {
	int64_t id;
	int grid_idx;
	int size;
	int64_t first_person;
} hh;

/* Creates one person; retries the ID sequence on the rare clash. */
static int64_t add_person(fk_db *db, int64_t hid, const char *grid, int age, bool alone, int64_t today_year)
{
	fk_person_in p;
	memset(&p, 0, sizeof(p));
	char name[32];
	make_name(name, sizeof(name));
	p.household_id = hid;
	p.name = name;
	p.sex = demo_between(0, 1) ? 'M' : 'F';
	p.birth_year = today_year - age;
	p.doc_type = "id_card";
	p.given = FK_PF_HOUSEHOLD | FK_PF_NAME | FK_PF_SEX | FK_PF_BIRTH | FK_PF_DOCTYPE | FK_PF_DOC;
	if (age >= 16 && demo_between(0, 99) < 88) {
		static const char pre[] = "35789";
		snprintf(p.phone, sizeof(p.phone), "1%c%09d", pre[demo_rand() % 5], demo_between(0, 999999999));
		p.given |= FK_PF_PHONE;
	}
	if (alone && age >= 70)
		p.tags |= 1; /* elderly_alone */
	if (age >= 50 && demo_between(0, 99) < 18)
		p.tags |= 2; /* chronic */
	if (p.sex == 'F' && age >= 22 && age <= 40 && demo_between(0, 99) < 4)
		p.tags |= 4; /* pregnant */
	if (demo_between(0, 99) < 2)
		p.tags |= 8; /* disabled */
	if (demo_between(0, 99) < 3) {
		p.origin = origins[demo_rand() % NELEM(origins)];
		p.arrival_day = fk_today() - demo_between(1, 20);
		p.history = 1; /* from_key_area */
		p.given |= FK_PF_ORIGIN | FK_PF_ARRIVAL | FK_PF_HISTORY;
	}
	for (int attempt = 0; attempt < 20; attempt++) {
		make_id((int)p.birth_year, p.sex, p.doc_number);
		int64_t id = fk_person_insert(db, &p, grid);
		if (id != 0)
			return id;
	}
	return -1;
}

/* A UUID drawn from the generator (the demo's records are never replayed). */
static void make_uuid(char out[37])
{
	uint64_t a = demo_rand(), b = demo_rand();
	snprintf(out, 37, "%08x-%04x-4%03x-a%03x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
		 (unsigned)a & 0xfff, (unsigned)(b >> 48) & 0xfff, (unsigned long long)(b & 0xffffffffffffULL));
}

/* A street's records of a day, waiting to be sent as one batch, and for
 * each abnormal finding in order whether a doctor has since closed its
 * alert. */
typedef struct batch {
	char street[16];
	json_t *records;
	bool *close;
	size_t nclose, cap;
} batch;

static void batch_close_later(batch *b, bool close)
{
	if (b->nclose == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->close = realloc(b->close, b->cap * sizeof(*b->close));
		if (!b->close)
			abort();
	}
	b->close[b->nclose++] = close;
}

/* Closes the alerts of screening sid marked to close (from b->close[*k]
 * on), each as the doctor of the alert's community would, as followed up.
 * Returns 0 or -1. */
static int close_alerts(fk_db *db, int64_t sid, int64_t doctor_id, batch *b, size_t *k)
{
	struct {
		int64_t id;
		char comm[16];
	} al[64];
	int n = 0, rc = 0;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT id, grid FROM alerts WHERE screening_id = $1 ORDER BY id", "i", sid) < 0)
		return -1;
	while (fk_stmt_step(st) == FK_ROW && n < 64) {
		al[n].id = fk_stmt_int64(st, 0);
		snprintf(al[n].comm, sizeof(al[n].comm), "%.12s", fk_stmt_text(st, 1));
		n++;
	}
	fk_stmt_done(st);
	const fk_alert_close_in outcome = { "normal_on_recheck", "" };
	for (int a = 0; a < n && *k < b->nclose && rc == 0; a++) {
		if (!b->close[(*k)++])
			continue;
		const fk_actor doctor = { doctor_id, "doctor", FK_ROLE_DOCTOR, al[a].comm, "local" };
		fk_err e = { 0 };
		json_t *c = fk_alert_close(db, &doctor, al[a].id, &outcome, &e);
		if (!c)
			rc = fk_log_err("demo: closing alert %lld: %s", (long long)al[a].id, e.message);
		json_decref(c);
	}
	return rc;
}

/* Sends b as the API takes a batch, through its check and store (which
 * keep coverage and raise the alerts), with a grid worker's role scoped to
 * the street; then closes the alerts marked to close.  Empties b.
 * Returns 0 or -1. */
static int batch_send(fk_db *db, const demo_accounts *who, batch *b, demo_counts *out)
{
	if (json_array_size(b->records) == 0)
		return 0;
	const fk_actor worker = { who->worker, "gridworker", FK_ROLE_GRIDWORKER, b->street, "local" };
	fk_err e = { 0 };
	int rc = -1;
	json_t *res = NULL;
	if (fk_screening_check(b->records, &e) < 0 || !(res = fk_screening_store(db, &worker, b->records, &e))) {
		fk_log_err("demo: screenings in %s: %s", b->street, e.message);
		goto out;
	}
	size_t i, k = 0;
	json_t *r;
	json_array_foreach(res, i, r) {
		int64_t na = json_integer_value(json_object_get(r, "alerts"));
		out->screenings++;
		out->alerts += na;
		if (na > 0 && close_alerts(db, json_integer_value(json_object_get(r, "id")), who->doctor, b, &k) < 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(res);
	json_array_clear(b->records);
	b->nclose = 0;
	return rc;
}

/* A visited household's findings: each member present, with the simulated
 * thermometer reading the grid worker took and, rarely, a symptom; whether
 * each abnormal finding's alert has been closed since is noted in b. */
static json_t *draw_findings(const hh *h, int64_t day, int64_t today, batch *b)
{
	json_t *persons = json_array();
	for (int k = 0; k < h->size; k++) {
		/* a household's members were inserted one after another */
		int64_t pid = h->first_person + k;
		int dc = demo_reading(false), sym = 0, a = demo_between(0, 3999);
		if (a < 6)
			dc = demo_reading(true); /* a fever */
		if (a >= 6 && a < 10)
			sym = demo_between(1, 3); /* cough, fatigue or short breath */
		json_t *f = json_pack("{s:I, s:f}", "person_id", (json_int_t)pid, "temperature", dc / 10.0);
		if (sym)
			json_object_set_new(f, "symptoms", json_pack("[s]", fk_symptom_names[sym]));
		json_array_append_new(persons, f);
		/* older alerts have been followed up; recent ones are open */
		if (dc >= FK_FEVER_DC || sym)
			batch_close_later(b, day < today - 1 && demo_between(0, 9) < 9);
	}
	return persons;
}

int demo_people(fk_db *db, const char *county, int people, int days, const demo_accounts *who, demo_counts *out)
{
	memset(out, 0, sizeof(*out));
	community *cs = NULL;
	int nc = 0;
	if (load_communities(db, county, &cs, &nc) < 0 || nc == 0) {
		free(cs);
		return fk_log_err("demo: no grids under %s", county);
	}
	time_t now_t = (time_t)fk_now();
	struct tm tm;
	localtime_r(&now_t, &tm);
	int64_t year = tm.tm_year + 1900, now = (int64_t)now_t, today = fk_today();
	/* Community sizes vary by a factor of three. */
	double *w = malloc((size_t)nc * sizeof(double)), wsum = 0;
	for (int i = 0; i < nc; i++)
		wsum += (w[i] = 0.5 + demo_unit());
	hh *hs = NULL;
	size_t nh = 0, hcap = 0;
	fk_stats_acc *stats = fk_stats_new();
	batch pending = { .records = json_array() };
	int rc = -1;
	for (int c = 0; c < nc; c++) {
		int target = (int)((double)people * w[c] / wsum + 0.5), made = 0, building = 1, unit = 1, floor = 1, room = 1;
		while (made < target) {
			int size = draw_household_size();
			if (size > target - made)
				size = target - made;
			char b[16], u[16], r[16];
			snprintf(b, sizeof(b), "%d栋", building);
			snprintf(u, sizeof(u), "%d单元", unit);
			snprintf(r, sizeof(r), "%d%02d", floor, room);
			/* the units (28 households each) are shared out among the
			 * grids in turn, so a community's every grid has residents */
			int gi = ((building - 1) * 3 + unit - 1) % cs[c].ngrids;
			if (++room > 4) {
				room = 1;
				if (++floor > 7) {
					floor = 1;
					if (++unit > 3) {
						unit = 1;
						building++;
					}
				}
			}
			fk_err e;
			bool created;
			int64_t hid = fk_household_ensure(db, cs[c].grids[gi], b, u, r, "", &created, &e);
			if (hid < 0)
				goto out;
			fk_stats_add(stats, cs[c].grids[gi], 1, 0);
			cs[c].households[gi]++;
			if (nh == hcap) {
				hcap = hcap ? hcap * 2 : 4096;
				hs = realloc(hs, hcap * sizeof(*hs));
				if (!hs)
					abort();
			}
			hh *h = &hs[nh++];
			h->id = hid;
			h->grid_idx = c * 8 + gi;
			h->size = size;
			for (int k = 0; k < size; k++) {
				int age = k == 0 ? demo_between(25, 85) : draw_age();
				int64_t pid = add_person(db, hid, cs[c].grids[gi], age, size == 1, year);
				if (pid < 0)
					goto out;
				if (k == 0)
					h->first_person = pid;
				fk_stats_add(stats, cs[c].grids[gi], 0, 1);
			}
			made += size;
			out->households++;
			out->persons += size;
		}
	}
	if (fk_stats_flush(db, stats) < 0) {
		stats = NULL;
		goto out;
	}
	stats = NULL;

	/* Screening history: most households visited every day, a few not at
	 * home or refusing; today only part done.  About 1 in 400 persons
	 * shows something abnormal on a given day.  A street's records of a
	 * day go in as batches of up to 1,000, as the API takes them (the
	 * streets' households are consecutive in hs). */
	static const char *const status[] = { "visited", "not_home", "refused" };
	for (int64_t day = today - days + 1; day <= today; day++) {
		bool is_today = day == today;
		char date[11];
		fk_date_format(day, date);
		for (size_t i = 0; i <= nh; i++) {
			const char *grid = i < nh ? cs[hs[i].grid_idx / 8].grids[hs[i].grid_idx % 8] : "";
			/* a new street, or the batch full: send */
			if ((strncmp(grid, pending.street, 9) != 0 ||
			     json_array_size(pending.records) == FK_SCREEN_BATCH_MAX) &&
			    batch_send(db, who, &pending, out) < 0)
				goto out;
			if (i == nh)
				break;
			snprintf(pending.street, sizeof(pending.street), "%.9s", grid);
			hh *h = &hs[i];
			if (is_today && demo_between(0, 99) >= 62)
				continue; /* not yet visited today */
			int r = demo_between(0, 999), st = r < 935 ? 0 : r < 985 ? 1 : 2;
			char uuid[37];
			make_uuid(uuid);
			/* when the phone recorded it: that day, some hours before now's time of day */
			int64_t at = now - (today - day) * 86400 - demo_between(3600, 8 * 3600);
			json_t *rec = json_pack("{s:s, s:I, s:s, s:s, s:I}", "uuid", uuid, "household_id",
						(json_int_t)h->id, "date", date, "status", status[st], "recorded_at",
						(json_int_t)at);
			if (st == 0)
				json_object_set_new(rec, "persons", draw_findings(h, day, today, &pending));
			json_array_append_new(pending.records, rec);
		}
	}
	/* Zero reports: the worker of every grid with residents reported on
	 * the past days (a few late ones missing two days ago), none yet
	 * today.  Every household has a record on those days, so no report
	 * needs a reason for one unvisited. */
	for (int64_t day = today - days + 1; day < today; day++) {
		for (int c = 0; c < nc; c++)
			for (int g = 0; g < cs[c].ngrids; g++) {
				if (!cs[c].households[g] || (day == today - 2 && demo_between(0, 99) < 3))
					continue;
				const fk_actor worker = { who->worker, "gridworker", FK_ROLE_GRIDWORKER, cs[c].grids[g],
							  "local" };
				fk_err e = { 0 };
				const fk_report_in in = { .grid = cs[c].grids[g], .day = day, .note = "" };
				json_t *rep = fk_report_submit(db, &worker, &in, &e);
				if (!rep) {
					fk_log_err("demo: report of %s: %s", cs[c].grids[g], e.message);
					goto out;
				}
				json_decref(rep);
				out->reports++;
			}
	}
	rc = 0;
out:
	json_decref(pending.records);
	free(pending.close);
	fk_stats_free(stats);
	free(hs);
	free(w);
	free(cs);
	return rc;
}
