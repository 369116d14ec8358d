/* demo_mobilise.c - the demo's mobilisation, supervision and announcements,
 * written through the modules' own functions (core/mobilise,
 * core/supervise, core/announce) as the accounts that would do the work:
 * each street's coordinator organises, the district's supervisor inspects,
 * the commander and the street officers announce.
 *
 * In every community of the county (the first community of the first two
 * streets only, below 1,000 residents): volunteers and party members (one
 * per 4,000 residents per community, at least 3, at most 40), a
 * temporary party branch, a gate post and a risky delivery post, their
 * 双报到 reports; a pledge per street; shifts over the last six weeks
 * (three days below 20,000 residents, one below 1,000) with check-ins and
 * check-outs at their times in the past (the records say when; the audit
 * log, when the demo wrote them), a few forgotten check-outs closed at the
 * shift's end, the older shifts certified, some corrections; delivery tasks for the households under home observation;
 * inspections with findings, rectifications, notices, an interview and a
 * commendation; a dozen announcements with their receipts read and
 * acknowledged by part of their recipients. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/demo.h"
#include "core/announce/announce.h"
#include "core/base/list.h"
#include "core/epi/contacts.h"
#include "core/mobilise/mobilise.h"
#include "core/supervise/supervise.h"
#include "util/date.h"
#include "util/log.h"

static const char *const family[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高" };
static const char *const given[] = { "建国", "秀英", "志强", "丽华", "海燕", "伟", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛" };
static const char *const units[] = { "武昌区人民法院", "湖北省图书馆", "武汉大学", "武昌区税务局", "湖北日报社",
				     "武昌区教育局", "中建三局", "武汉市第七医院" };
static const char *const skills[] = { "驾驶", "医护", "心理疏导", "物资配送", "测温登记", "宣传" };

#define ARRAY_N(a) ((int)(sizeof(a) / sizeof((a)[0])))

typedef struct comm {
	char code[16], street[16], name[64];
	int64_t team, gate, delivery;
	int64_t vol[40];
	int nvol;
} comm;

/* An id from a created record (taken), 0 when creation failed (logged). */
static int64_t id_of(json_t *o, const fk_err *e, const char *what)
{
	if (!o) {
		fk_log_err("demo: %s: %s", what, e->message);
		return 0;
	}
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	return id;
}

static int64_t user_id(fk_db *db, const char *name)
{
	int64_t id = 0;
	fk_db_int64(db, &id, "SELECT id FROM users WHERE username = $1", "s", name);
	return id;
}

int demo_mobilise(fk_db *db, const char *county, int people, demo_mobilise_counts *out)
{
	memset(out, 0, sizeof(*out));
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t real_now = fk_now(), today = fk_today();
	int per = people / 4000;
	per = per < 3 ? 3 : per > 40 ? 40 : per;
	int days = people >= 20000 ? 42 : people >= 1000 ? 3 : 1;
	fk_err e = { 0 };

	/* the communities, with their street and name */
	comm *cs = NULL;
	int nc = 0, cap = 0;
	fk_stmt *st;
	char hi[16];
	snprintf(hi, sizeof(hi), "%.5s%c", county, county[5] + 1);
	if (fk_db_query(db, &st, "SELECT code, parent, name FROM regions WHERE level = 5 AND code >= $1 AND code < $2 ORDER BY code",
			"ss", county, hi) < 0)
		return -1;
	while (fk_stmt_step(st) == FK_ROW) {
		if (nc == cap) {
			cap = cap ? cap * 2 : 256;
			cs = realloc(cs, (size_t)cap * sizeof(*cs));
			if (!cs)
				abort();
		}
		memset(&cs[nc], 0, sizeof(cs[nc]));
		snprintf(cs[nc].code, sizeof(cs[nc].code), "%s", fk_stmt_text(st, 0));
		snprintf(cs[nc].street, sizeof(cs[nc].street), "%s", fk_stmt_text(st, 1));
		snprintf(cs[nc].name, sizeof(cs[nc].name), "%s", fk_stmt_text(st, 2));
		nc++;
	}
	fk_stmt_done(st);
	/* a small demo (the tests' few hundred residents) keeps to the first
	 * community of the first two streets: a few hundred records in all */
	if (people < 1000 && nc > 0) {
		int k = 1;
		for (int c = 1; c < nc && k < 2; c++)
			if (strcmp(cs[c].street, cs[0].street) != 0)
				cs[k++] = cs[c];
		nc = k;
	}
	int64_t coord_id = user_id(db, "coordinator"), sup_id = user_id(db, "supervisor"), cmd_id = user_id(db, "commander"),
		vol_user = user_id(db, "volunteer");
	const fk_actor supervisor = { sup_id, "supervisor", FK_ROLE_SUPERVISOR, county, "local" };
	const fk_actor commander = { cmd_id, "commander", FK_ROLE_COMMANDER, county, "local" };
	char vol_home[16] = "";
	if (fk_db_query(db, &st, "SELECT region FROM users WHERE id = $1", "i", vol_user) == 0 && fk_stmt_step(st) == FK_ROW)
		snprintf(vol_home, sizeof(vol_home), "%s", fk_stmt_text(st, 0));
	fk_stmt_done(st);

	/* people, teams, posts, reports */
	char street_done[32][16];
	int nstreets = 0;
	for (int c = 0; c < nc; c++) {
		comm *m = &cs[c];
		const fk_actor org = { coord_id, "coordinator", FK_ROLE_COORDINATOR, m->street, "local" };
		char name[128];
		snprintf(name, sizeof(name), "%s临时党支部", m->name);
		fk_mob_team_in t = { m->code, name, "party_branch", "" };
		char sec[32];
		snprintf(sec, sizeof(sec), "%s%s", family[demo_between(0, ARRAY_N(family) - 1)], given[demo_between(0, ARRAY_N(given) - 1)]);
		t.secretary = sec;
		m->team = id_of(fk_mob_team_create(db, &org, &t, &e), &e, "team");
		snprintf(name, sizeof(name), "%s 1号门岗（党员先锋岗）", m->name);
		fk_post_in gp = { m->code, name, "gate", m->team, 2, false };
		m->gate = id_of(fk_post_create(db, &org, &gp, &e), &e, "gate post");
		snprintf(name, sizeof(name), "%s 居家观察户配送", m->name);
		fk_post_in dp = { m->code, name, "delivery", m->team, 1, true };
		m->delivery = id_of(fk_post_create(db, &org, &dp, &e), &e, "delivery post");
		if (!m->team || !m->gate || !m->delivery)
			goto fail;
		for (int i = 0; i < per; i++) {
			fk_volunteer_in v = { 0 };
			char vname[32];
			snprintf(vname, sizeof(vname), "%s%s", family[demo_between(0, ARRAY_N(family) - 1)],
				 given[demo_between(0, ARRAY_N(given) - 1)]);
			snprintf(v.phone, sizeof(v.phone), "13%09d", demo_between(0, 999999999));
			v.region = m->code;
			v.name = vname;
			v.skills = skills[demo_between(0, ARRAY_N(skills) - 1)];
			v.availability = i % 2 ? "工作日晚间、周末" : "全天";
			v.party_member = i == 0 || demo_unit() < 0.6;
			v.cadre = i == 0;
			v.work_unit = v.party_member && i > 0 ? units[demo_between(0, ARRAY_N(units) - 1)] : "";
			v.insured_until = demo_unit() < 0.8 ? today + 60 : -1;
			v.team_id = m->team;
			/* the demo's volunteer account serves in its own community */
			bool linked = i == 1 && strcmp(m->code, vol_home) == 0;
			v.username = linked ? "volunteer" : NULL;
			int64_t id = id_of(fk_volunteer_create(db, &org, &v, &e), &e, "volunteer");
			if (!id)
				goto fail;
			m->vol[m->nvol++] = id;
			out->volunteers++;
			if (v.party_member)
				out->party_members++;
			if (v.party_member && i > 0) {
				fk_duty_report_in d = { m->code, v.work_unit, "门岗值守、代购配送", id, today - days - demo_between(0, 5) };
				if (!id_of(fk_duty_report_create(db, &org, &d, &e), &e, "duty report"))
					goto fail;
				out->reports++;
			}
		}
		/* one unit's report with no task taken yet, and a registration waiting */
		fk_duty_report_in u = { m->code, units[c % ARRAY_N(units)], "", 0, today - 1 };
		if (c % 3 == 0 && !id_of(fk_duty_report_create(db, &org, &u, &e), &e, "unit report"))
			goto fail;
		if (c % 4 == 0) {
			fk_volunteer_in f = { .region = m->code, .name = "刘晓", .skills = "外语", .form = true,
					      .party_member = 0, .cadre = -1, .insured_until = -1 };
			snprintf(f.phone, sizeof(f.phone), "139%08d", demo_between(0, 99999999));
			const fk_actor anon = { 0, "", FK_ROLE_NONE, "", "local" };
			if (!id_of(fk_volunteer_register(db, &anon, &f, &e), &e, "registration"))
				goto fail;
		}
		/* a pledge per street, signed by the street's first party members */
		bool seen = false;
		for (int s = 0; s < nstreets; s++)
			seen |= strcmp(street_done[s], m->street) == 0;
		if (!seen && nstreets < 32) {
			snprintf(street_done[nstreets++], 16, "%s", m->street);
			fk_pledge_in p = { .region = m->street, .day = today - days - 3,
					   .text = "疫情就是命令，防控就是责任。我们志愿到社区防控一线，服从安排，坚守岗位，不获全胜决不收兵！",
					   .assignment = "编入社区临时党支部，承担小区门岗值守" };
			for (int i = 0; i < m->nvol && p.nsigners < 5; i++)
				p.signers[p.nsigners++] = m->vol[i];
			if (!id_of(fk_pledge_create(db, &org, &p, &e), &e, "pledge"))
				goto fail;
			out->pledges++;
		}
	}

	/* six weeks of shifts, replayed at their times */
	for (int64_t d = today - days; d <= today; d++) {
		for (int c = 0; c < nc; c++) {
			comm *m = &cs[c];
			const fk_actor org = { coord_id, "coordinator", FK_ROLE_COORDINATOR, m->street, "local" };
			for (int k = 0; k < 3; k++) {
				bool delivery = k == 2;
				fk_mob_shift_in s = { delivery ? m->delivery : m->gate, d, 0, 0 };
				s.start_min = delivery ? 9 * 60 : k == 0 ? 8 * 60 : 14 * 60;
				s.end_min = delivery ? 12 * 60 : k == 0 ? 12 * 60 : 18 * 60;
				int64_t sid = id_of(fk_mob_shift_create(db, &org, &s, &e), &e, "shift");
				if (!sid)
					goto fail;
				out->shifts++;
				int want = delivery ? 1 : 2, got = 0;
				int64_t people_on[4];
				/* a gap now and then: a shift left short */
				if (demo_unit() < 0.04)
					want--;
				for (int tries = 0; tries < 6 && got < want; tries++) {
					fk_assign_in a = { m->vol[demo_between(0, m->nvol - 1)] };
					fk_err ae = { 0 };
					json_t *sp = fk_shift_assign(db, &org, sid, &a, &ae);
					if (!sp)
						continue; /* a rule said no: another person */
					people_on[got++] = json_integer_value(json_object_get(sp, "id"));
					json_decref(sp);
				}
				int64_t start = fk_local_time(d, 0) + s.start_min * 60, end = fk_local_time(d, 0) + s.end_min * 60;
				for (int i = 0; i < got; i++) {
					if (start > real_now)
						continue; /* not begun yet */
					int64_t in = start + demo_between(-600, 600);
					fk_clock_in ci = { in };
					json_t *r = fk_shift_checkin(db, &org, people_on[i], &ci, &e);
					if (!r)
						continue; /* unwell that day */
					json_decref(r);
					out->checkins++;
					if (end > real_now || demo_unit() < 0.03)
						continue; /* on duty now, or a check-out forgotten */
					int64_t o = end + demo_between(-900, 300);
					fk_clock_in co = { o };
					if (!id_of(fk_shift_checkout(db, &org, people_on[i], &co, &e), &e, "check-out"))
						goto fail;
				}
				if (d < today - 2) {
					json_t *r = fk_shift_certify(db, &org, sid, &e);
					json_decref(r); /* nothing to certify when no one came */
				}
			}
		}
		/* the forgotten check-outs of the day, closed at their ends */
		int64_t closed = 0;
		if (fk_mob_close_forgotten(db, fk_local_time(d + 1, 0) < real_now ? fk_local_time(d + 1, 0) : real_now,
					   &closed) < 0)
			goto fail;
		out->forgotten += closed;
	}

	/* corrections: asked for the day before yesterday, half answered */
	for (int c = 0; c < nc; c += (c < 40 ? 1 : 9)) {
		const fk_actor org = { coord_id, "coordinator", FK_ROLE_COORDINATOR, cs[c].street, "local" };
		char vid[24];
		snprintf(vid, sizeof(vid), "%lld", (long long)cs[c].vol[0]);
		const char *const args[] = { "volunteer_id", vid, "state", "done", NULL };
		fk_page page = { .limit = 1 };
		json_t *l = fk_list_run(db, &org, &fk_shift_person_list, fk_list_arg, (void *)args, &page, 0, &e);
		json_t *sp = l ? json_array_get(json_object_get(l, "items"), 0) : NULL;
		if (sp) {
			int64_t len = (json_integer_value(json_object_get(sp, "end_at")) - json_integer_value(json_object_get(sp, "start_at"))) / 60;
			int64_t want = json_integer_value(json_object_get(sp, "minutes")) + 30;
			fk_correction_in ci = { want < len ? want : len,
						"下岗时帮助登记晚到的居民，多服务了半小时" };
			int64_t cid = id_of(fk_correction_request(db, &org, json_integer_value(json_object_get(sp, "id")), &ci, &e),
					    &e, "correction");
			if (cid && c % 2 == 0) {
				fk_decide_in di = { c % 4 == 0, c % 4 == 0 ? "" : "与门岗登记簿核对不符" };
				json_decref(fk_correction_decide(db, &org, cid, &di, &e));
			}
			out->corrections += cid != 0;
		}
		json_decref(l);
	}

	/* deliveries to households under home observation */
	for (int s = 0; s < nstreets; s++) {
		const fk_actor org = { coord_id, "coordinator", FK_ROLE_COORDINATOR, street_done[s], "local" };
		const char *const args[] = { "region", street_done[s], "state", "active", NULL };
		fk_page page = { .limit = 40 };
		json_t *l = fk_list_run(db, &org, &fk_observation_list, fk_list_arg, (void *)args, &page, 0, &e);
		size_t i;
		json_t *o;
		json_array_foreach(l ? json_object_get(l, "items") : NULL, i, o) {
			if (strcmp(fk_json_str_or(o, "mode"), "home") != 0)
				continue;
			const char *region = fk_json_str_or(o, "region");
			comm *m = NULL;
			for (int c = 0; c < nc; c++)
				if (strncmp(cs[c].code, region, 12) == 0)
					m = &cs[c];
			if (!m)
				continue;
			char title[200];
			snprintf(title, sizeof(title), "为居家观察户 %s%s%s 配送生活物资和药品", fk_json_str_or(o, "building"),
				 fk_json_str_or(o, "unit"), fk_json_str_or(o, "room"));
			fk_task_in t = { .region = m->code, .kind = "delivery", .title = title, .ticket_ref = "",
					 .volunteer_id = m->vol[demo_between(0, m->nvol - 1)],
					 .observation_id = json_integer_value(json_object_get(o, "id")),
					 .due_at = real_now + demo_between(-6, 20) * 3600 };
			if (!id_of(fk_task_create(db, &org, &t, &e), &e, "task"))
				goto fail;
			out->tasks++;
		}
		json_decref(l);
	}
	/* gate duty and sweeps for each community's team; some done, some not */
	for (int c = 0; c < nc; c++) {
		const fk_actor org = { coord_id, "coordinator", FK_ROLE_COORDINATOR, cs[c].street, "local" };
		fk_task_in t = { .region = cs[c].code, .kind = c % 2 ? "sweep" : "gate", .ticket_ref = "", .team_id = cs[c].team,
				 .title = c % 2 ? "配合网格员逐户排查未报告户" : "夜间加岗：小区北门临时封闭值守",
				 .due_at = real_now + demo_between(-30, 30) * 3600 };
		if (!id_of(fk_task_create(db, &org, &t, &e), &e, "task"))
			goto fail;
		out->tasks++;
	}

	/* supervision: three inspections per street */
	static const char *const problems[] = { "门岗测温登记不全，缺少出入时间", "未见当日零报告记录", "体温枪电量不足，备用电池缺",
						"居家观察户门口无标识，配送记录不全" };
	for (int c = 0, k = 0; c < nc; c++) {
		if (c % 4 != 0 && !(c < 12))
			continue;
		comm *m = &cs[c];
		fk_inspection_in in = { .region = m->code, .post_id = m->gate, .day = today - (k % 10), .note = "" };
		char target[128];
		snprintf(target, sizeof(target), "%s 1号门岗", m->name);
		in.target = target;
		json_t *cl = json_pack("{s:b, s:b, s:b, s:b, s:b}", "gate_duty", 1, "registration", k % 3 != 0, "temperature", 1,
				       "zero_report", k % 4 != 1, "supplies", k % 5 != 2);
		in.checklist = cl;
		int nf = k % 3 == 0 ? 2 : 1;
		for (int f = 0; f < nf; f++)
			in.findings[in.nfindings++] = (fk_finding_in){ problems[(k + f) % 4], "现场查看登记簿", "社区书记",
								       in.day + 3, m->vol[0] };
		json_t *r = fk_inspection_create(db, &supervisor, &in, &e);
		json_decref(cl);
		if (!r) {
			fk_log_err("demo: inspection: %s", e.message);
			goto fail;
		}
		out->inspections++;
		size_t i;
		json_t *f;
		json_array_foreach(json_object_get(r, "findings"), i, f) {
			int64_t fid = json_integer_value(json_object_get(f, "id"));
			out->findings++;
			const fk_actor org = { coord_id, "coordinator", FK_ROLE_COORDINATOR, m->street, "local" };
			if ((k + (int)i) % 3 == 2)
				continue; /* left open */
			fk_rectify_in rr = { "已补齐登记，专人负责，每日复核" };
			json_decref(fk_finding_rectify(db, &org, fid, &rr, &e));
			if ((k + (int)i) % 3 == 0) {
				fk_verify_in vv = { true, "" };
				json_decref(fk_finding_verify(db, &supervisor, fid, &vv, &e));
				out->fixed++;
			}
		}
		json_decref(r);
		if (k % 4 == 0) {
			fk_notice_in n = { .region = m->street, .kind = "notice", .subject = m->name, .day = today - 1,
					   .text = "督导组检查发现门岗登记不全、零报告未按时报送，予以通报，限期整改。", .outcome = "" };
			json_decref(fk_notice_create(db, &supervisor, &n, &e));
		}
		if (k % 6 == 1) {
			fk_notice_in n = { .region = m->street, .kind = "interview", .subject = "社区书记", .volunteer_id = m->vol[0],
					   .day = today - 1, .text = "就整改逾期约谈社区负责人", .outcome = "表态三日内整改到位，每日报告进展" };
			json_decref(fk_notice_create(db, &supervisor, &n, &e));
		}
		if (k % 5 == 0) {
			fk_notice_in n = { .region = m->street, .kind = "commendation", .subject = "党员先锋岗",
					   .volunteer_id = m->vol[0], .day = today - 2,
					   .text = "坚守门岗四十余天，登记规范，表现突出，予以表彰。", .outcome = "" };
			json_decref(fk_notice_create(db, &supervisor, &n, &e));
		}
		k++;
	}

	/* a dozen announcements, read and acknowledged by part of their recipients */
	static const struct {
		const char *title, *body;
		bool urgent;
	} ann[] = {
		{ "关于进一步加强小区封闭管理的通知", "各小区实行封闭管理，只保留一个出入口，24小时值守，进出人员一律测温登记。", true },
		{ "志愿者上岗须知", "上岗前请确认当日体温正常；佩戴口罩和手套；每班不超过4小时，按时交接。", false },
		{ "生活物资配送安排", "本周起每日上午9时至12时为居家观察户集中配送，请配送志愿者按时到岗。", false },
		{ "紧急：发热居民转运流程", "发现发热居民立即报告社区卫生服务中心，不得自行送医。", true },
		{ "零报告时间调整", "自明日起，各网格零报告截止时间为每日20时。", false },
		{ "防护物资领取", "各社区请于本周五前到街道领取口罩、消毒液。", false },
	};
	int nann = 0;
	for (int s = 0; s < nstreets && nann < 12; s++) {
		for (int j = 0; j < 2 && nann < 12; j++, nann++) {
			int a = (s * 2 + j) % ARRAY_N(ann);
			fk_announce_in in = { .region = s == 0 && j == 0 ? county : street_done[s], .title = ann[a].title,
					      .body = ann[a].body, .urgent = ann[a].urgent,
					      .roles = (1u << FK_ROLE_OFFICER) | (1u << FK_ROLE_COORDINATOR) |
						       (1u << FK_ROLE_GRIDWORKER) | (1u << FK_ROLE_VOLUNTEER) | (1u << FK_ROLE_DOCTOR) };
			int64_t aid = id_of(fk_announce_send(db, &commander, &in, &e), &e, "announcement");
			if (!aid)
				goto fail;
			out->announcements++;
			/* the accounts under it read most, acknowledge some */
			fk_stmt *us;
			char uhi[32];
			fk_scope_upper(in.region, uhi, sizeof(uhi));
			if (fk_db_query(db, &us, "SELECT id, username, role, region FROM users WHERE region >= $1 AND region < $2",
					"ss", in.region, uhi) < 0)
				goto fail;
			int64_t ids[64];
			int nu = 0;
			while (nu < 64 && fk_stmt_step(us) == FK_ROW)
				ids[nu++] = fk_stmt_int64(us, 0);
			fk_stmt_done(us);
			for (int u = 0; u < nu; u++) {
				if (demo_unit() < 0.3 || ids[u] == vol_user)
					continue; /* the demo's volunteer has theirs to read */
				const fk_actor reader = { ids[u], "reader", FK_ROLE_OFFICER, "", "local" };
				fk_err me = { 0 };
				json_t *r = fk_announce_mark(db, &reader, aid, demo_unit() < 0.5, &me);
				out->receipts_read += r != NULL;
				json_decref(r);
			}
		}
	}
	free(cs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return 0;
fail:
	free(cs);
	return -1;
}
