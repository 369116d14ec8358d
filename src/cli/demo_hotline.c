/* demo_hotline.c - a month of the hotline in the demo district: family
 * doctor teams in every community with a week's roster either side of
 * today, about thirty standard answers of February 2020 (some replaced by
 * a later policy), and tickets over the last 30 days in the Xiangyang mix
 * (80% consultations, 10% suggestions, 5% complaints, the rest requests
 * for help and reports; 73% answered directly, the rest dispatched), each
 * taken and moved through the hotline module's own functions as the
 * operator and the handling unit's officer or doctor would: some
 * returned, some waiting, some reopened after an unsatisfied callback,
 * some overdue (one unsigned dispatch in every street).  The questions and
 * answers are written for the demo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/demo.h"
#include "core/base/actor.h"
#include "core/hotline/answers.h"
#include "core/hotline/doctors.h"
#include "core/hotline/tickets.h"
#include "util/date.h"
#include "util/log.h"

static const struct {
	const char *category, *question, *answer;
} faq[] = {
	{ "consultation.pass", "小区封闭管理后，家里怎样外出买菜？",
	  "封闭管理期间每户凭出入证每三天可派一人外出采购生活物资，进出须测体温、戴口罩。" },
	{ "consultation.pass", "出入证在哪里办理？", "向所在社区居委会申请，凭户籍或租住证明登记后发放，一户一证。" },
	{ "consultation.pass", "在外地滞留的居民可以返回小区吗？",
	  "目前暂停非必要返城。确需返回的，须提前向社区报备，返回后居家隔离观察14天。" },
	{ "consultation.pass", "上班需要出行怎么办？", "保障运行单位的职工凭单位开具的通行证明和工作证出入，其他人员暂不外出。" },
	{ "consultation.health_code", "健康码是什么，怎么申领？",
	  "健康码通过手机政务服务小程序按实际情况填报申领，绿码可凭码通行，红码黄码须按要求隔离观察。" },
	{ "consultation.health_code", "健康码显示黄码怎么办？", "黄码人员须居家观察，连续按要求健康打卡且无异常后转为绿码。" },
	{ "consultation.health_code", "老人没有智能手机，怎么出示健康证明？",
	  "可由家属代为申领，或到社区开具纸质健康证明，社区工作人员可协助办理。" },
	{ "consultation.supplies", "社区团购的蔬菜怎么下单？",
	  "各小区已组织团购，由楼栋长收集需求后统一配送到小区门口，居民按楼栋分时领取。" },
	{ "consultation.supplies", "独居老人买不到菜怎么办？", "请联系社区，网格员和志愿者为独居、高龄、残疾居民送菜送药上门。" },
	{ "consultation.supplies", "哪里可以买到口罩？", "定点药店按预约限量供应口罩，可通过预约平台登记后到指定药店购买。" },
	{ "consultation.supplies", "药店为什么不卖退烧药了？",
	  "购买退烧、止咳药须实名登记体温和联系方式，发热人员请到发热门诊就诊，不要自行用药。" },
	{ "consultation.medical", "透析病人现在去哪里做透析？",
	  "原定点医院继续为规律透析患者提供服务；交通困难的，社区联系专车接送，请提前一天预约。" },
	{ "consultation.medical", "肿瘤病人化疗能按时做吗？", "请联系原就诊医院确认安排，或由家庭医生协助转介到可接诊的医院。" },
	{ "consultation.medical", "慢性病的药吃完了怎么续方？",
	  "慢性病长期处方可一次开具最长三个月用量，社区可集中代购代送，家庭医生可提供线上续方。" },
	{ "consultation.medical", "孕妇产检还能去医院吗？", "孕产妇可到指定的产检医院就诊，出行前联系社区安排车辆，全程做好防护。" },
	{ "consultation.medical", "家里有人发烧怎么办？",
	  "请先测量体温并联系社区，由社区安排车辆送往发热门诊，不要乘坐公共交通，不要自行前往。" },
	{ "consultation.psychological", "长期居家心情焦虑，有人可以聊聊吗？",
	  "心理援助热线24小时免费接听，也可联系家庭医生转介专业心理咨询。" },
	{ "consultation.policy", "从武汉返回的人员需要报告吗？", "须主动向社区报告，接受健康监测并居家隔离14天，每日报告体温。" },
	{ "consultation.policy", "密切接触者需要隔离多久？", "密切接触者自最后一次接触之日起集中隔离医学观察14天。" },
	{ "consultation.policy", "房租可以减免吗？",
	  "承租国有企业经营用房的中小企业和个体工商户，可按规定申请减免房租，详情咨询出租单位。" },
	{ "consultation.policy", "小区里能遛狗吗？", "封闭管理期间请尽量居家饲养宠物，遛狗须戴口罩、避开人群、即时清理。" },
	{ "consultation.policy", "主人被隔离了，家里的宠物谁来照顾？",
	  "可联系社区登记，由志愿者或宠物救助组织协助上门喂养，宠物不需要隔离。" },
	{ "consultation.policy", "快递还能送到小区吗？", "快递可送到小区门口的集中收发点，居民戴口罩领取，外包装消毒后再拆开。" },
	{ "consultation.policy", "水电燃气费逾期会停吗？", "疫情期间欠费不停水、不停电、不停气，缓交期间免收滞纳金。" },
	{ "consultation.policy", "企业什么时候可以复工？", "按当地指挥部公告分批有序复工，复工须制定防控方案并报属地街道备案。" },
	{ "consultation.policy", "孩子开学时间推迟了吗？", "各级学校推迟开学，学生居家通过线上课程学习，开学时间另行通知。" },
	{ "consultation.policy", "想当志愿者怎么报名？", "可向所在社区或志愿服务平台报名，经培训后参加送菜送药、值守卡口等服务。" },
	{ "consultation.policy", "想给社区捐赠物资该找谁？", "请联系街道或慈善组织的接收点，捐赠物资登记入账并向社会公示。" },
	{ "help.daily_needs", "家里煤气用完了怎么办？", "请联系社区登记，燃气公司在做好防护的前提下安排上门服务。" },
	{ "help.medical", "行动不便的老人需要上门看病怎么办？", "请联系家庭医生团队，医生电话评估后安排上门或转介就医。" },
};

/* Policies that changed: the answer that replaced faq[k] from a later day. */
static const struct {
	int k, days_after;
	const char *answer;
} changed[] = {
	{ 0, 7, "全面封闭管理后，小区居民原则上不外出，生活物资由社区组织配送到小区门口。" },
	{ 3, 14, "复工人员凭单位复工证明和绿色健康码出行，须全程佩戴口罩。" },
	{ 2, 21, "滞留人员凭目的地社区接收证明和绿色健康码有序返回，返回后报社区备案。" },
};

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "胡", "朱", "高", "林" };

static const char *pick(const char *const *a, size_t n)
{
	return a[demo_rand() % n];
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

typedef struct comm {
	char code[16], street[16];
	int64_t doctor; /* the first doctor of its team */
} comm;

static int move(fk_db *db, const fk_actor *who, int64_t id, fk_move_in m)
{
	fk_err e = { 0 };
	json_t *t = fk_ticket_move_make(db, who, id, &m, &e);
	if (!t) {
		fk_log_err("demo: ticket %lld %s: %s", (long long)id, m.move, e.message);
		return -1;
	}
	json_decref(t);
	return 0;
}

/* Doctor teams, doctors and a roster of 7 days either side of today. */
static int doctors(fk_db *db, comm *cs, int nc, int64_t doctor_user, int64_t *nteams)
{
	fk_err e = { 0 };
	int64_t today = fk_today();
	for (int i = 0; i < nc; i++) {
		char name[64];
		snprintf(name, sizeof(name), "家庭医生团队%d", i + 1);
		json_t *t = fk_team_create(db, &fk_actor_cli, &(fk_team_in){ cs[i].code, name }, &e);
		if (!t)
			goto fail;
		int64_t team = json_integer_value(json_object_get(t, "id"));
		json_decref(t);
		int64_t ids[2];
		for (int d = 0; d < 2; d++) {
			char dn[32], phone[24];
			/* two surnames apart, so the team's two doctors are told apart */
			size_t ns = sizeof(surnames) / sizeof(*surnames), k = (size_t)(demo_rand() % (ns / 2));
			snprintf(dn, sizeof(dn), "%s医生", surnames[d ? k + ns / 2 : k]);
			snprintf(phone, sizeof(phone), "027-8%07d", demo_between(0, 9999999));
			fk_doctor_in in = { team, dn, phone, i == 0 && d == 0 && doctor_user ? "doctor" : NULL };
			json_t *x = fk_doctor_create(db, &fk_actor_cli, &in, &e);
			if (!x)
				goto fail;
			ids[d] = json_integer_value(json_object_get(x, "id"));
			json_decref(x);
		}
		cs[i].doctor = ids[0];
		for (int64_t day = today - 7; day <= today + 7; day++)
			for (int half = 0; half < 2; half++) {
				fk_shift_in s = { ids[(day + half) % 2], fk_local_time(day, half ? 20 : 8),
						  fk_local_time(day, half ? 32 : 20) };
				json_t *x = fk_shift_create(db, &fk_actor_cli, &s, &e);
				if (!x)
					goto fail;
				json_decref(x);
			}
		(*nteams)++;
	}
	return 0;
fail:
	fk_log_err("demo: doctors: %s", e.message);
	return -1;
}

int demo_hotline(fk_db *db, const char *county, int tickets, demo_hotline_counts *out)
{
	int rc = -1;
	comm *cs = NULL;
	int nc = 0, cap = 0;
	int64_t *times = NULL, *answers = NULL, *phones = NULL;
	fk_stmt *st;
	char hi[16];
	snprintf(hi, sizeof(hi), "%s~", county);
	if (fk_db_query(db, &st, "SELECT code FROM regions WHERE level = 5 AND code >= $1 AND code < $2 ORDER BY code",
			"ss", county, hi) < 0)
		return -1;
	while (fk_stmt_step(st) == FK_ROW) {
		if (nc == cap) {
			cap = cap ? cap * 2 : 64;
			comm *n = realloc(cs, (size_t)cap * sizeof(*cs));
			if (!n)
				abort();
			cs = n;
		}
		snprintf(cs[nc].code, sizeof(cs[nc].code), "%s", fk_stmt_text(st, 0));
		snprintf(cs[nc].street, sizeof(cs[nc].street), "%.9s", cs[nc].code);
		nc++;
	}
	fk_stmt_done(st);
	if (nc == 0) {
		free(cs);
		return 0;
	}
	int64_t op_id = 0, off_id = 0, doc_id = 0, sup_id = 0;
	fk_db_int64(db, &op_id, "SELECT id FROM users WHERE username = 'operator'", "");
	fk_db_int64(db, &off_id, "SELECT id FROM users WHERE username = 'officer'", "");
	fk_db_int64(db, &doc_id, "SELECT id FROM users WHERE username = 'doctor'", "");
	fk_db_int64(db, &sup_id, "SELECT id FROM users WHERE username = 'supervisor'", "");
	const fk_actor op = { op_id, "operator", FK_ROLE_OPERATOR, county, "local" };
	const fk_actor sup = { sup_id, "supervisor", FK_ROLE_SUPERVISOR, county, "local" };
	if (doctors(db, cs, nc, doc_id, &out->teams) < 0)
		goto out;

	/* the answers, written on 1 February 2020; three replaced later */
	int nfaq = (int)(sizeof(faq) / sizeof(*faq));
	answers = calloc((size_t)nfaq, sizeof(*answers));
	int64_t feb1 = fk_days_from_civil(2020, 2, 1);
	fk_err e = { 0 };
	for (int k = 0; k < nfaq; k++) {
		fk_answer_in a = { NULL, faq[k].category, faq[k].question, faq[k].answer, feb1 + k % 5, 0 };
		json_t *x = fk_answer_create(db, &op, &a, &e);
		if (!x)
			goto fail;
		answers[k] = json_integer_value(json_object_get(x, "id"));
		json_decref(x);
		out->answers++;
	}
	for (size_t c = 0; c < sizeof(changed) / sizeof(*changed); c++) {
		int k = changed[c].k;
		fk_answer_in a = { NULL, faq[k].category, faq[k].question, changed[c].answer, feb1 + changed[c].days_after,
				   answers[k] };
		json_t *x = fk_answer_create(db, &op, &a, &e);
		if (!x)
			goto fail;
		answers[k] = json_integer_value(json_object_get(x, "id"));
		json_decref(x);
		out->answers++;
	}

	/* the tickets of the last 30 days, in time order */
	int64_t now = fk_now();
	times = malloc((size_t)tickets * sizeof(*times));
	phones = malloc((size_t)tickets * sizeof(*phones));
	for (int i = 0; i < tickets; i++)
		times[i] = now - 30 * 86400 + (int64_t)(demo_unit() * (30 * 86400 - 3 * 3600));
	qsort(times, (size_t)tickets, sizeof(*times), cmp_i64);
	for (int i = 0; i < tickets; i++) {
		comm *c = &cs[demo_rand() % (uint64_t)nc];
		const fk_actor off = { off_id, "officer", FK_ROLE_OFFICER, c->street, "local" };
		const fk_actor doc = { doc_id, "doctor", FK_ROLE_DOCTOR, c->code, "local" };
		int64_t at = times[i];
		double mix = demo_unit();
		int k = (int)(demo_rand() % (uint64_t)nfaq);
		const char *category = mix < 0.80 ? faq[k].category : mix < 0.90 ? "suggestion" : mix < 0.95 ? "complaint"
							 : mix < 0.98 ? "help.daily_needs" : "report";
		bool consult = mix < 0.80;
		const char *text = consult ? faq[k].question
			: strcmp(category, "suggestion") == 0 ? "建议增加小区蔬菜配送点，减少排队聚集。"
			: strcmp(category, "complaint") == 0 ? (demo_unit() < 0.5 ? "药店口罩限购登记后仍买不到，要求核实。"
										   : "网格员上门登记态度生硬，要求改进。")
			: strcmp(category, "report") == 0 ? "楼上有从外地返回的人员未报备，请社区核实。"
							    : "独居老人家中断粮，请社区帮助。";
		char name[32], phone[16];
		snprintf(name, sizeof(name), "%s%s", pick(surnames, sizeof(surnames) / sizeof(*surnames)),
			 demo_unit() < 0.5 ? "先生" : "女士");
		phones[i] = i > 10 && demo_unit() < 0.1 ? phones[demo_rand() % (uint64_t)i]
							: 13000000000LL + (int64_t)(demo_rand() % 999999999ULL);
		snprintf(phone, sizeof(phone), "%lld", (long long)phones[i]);
		fk_ticket_in t = { .channel = demo_unit() < 0.85 ? "phone" : "message", .category = category,
				   .urgency = demo_unit() < 0.04 ? "utilities" : demo_unit() < 0.05 ? "complex" : "general",
				   .caller_name = name, .text = text, .region = c->code, .at = at };
		snprintf(t.phone, sizeof(t.phone), "%s", phone);
		json_t *x = fk_ticket_create(db, &op, &t, &e);
		if (!x)
			goto fail;
		int64_t id = json_integer_value(json_object_get(x, "id"));
		json_decref(x);
		out->tickets++;
		int64_t age = now - at;
		at += demo_between(30, 600);
		if (consult && demo_unit() < 0.9125) { /* 73% of all: answered from the knowledge base */
			if (move(db, &op, id, (fk_move_in){ .move = "answer", .note = "", .text = "", .answer_id = answers[k],
							    .at = at }) < 0)
				goto out;
			out->direct++;
			continue;
		}
		bool medical = fk_ticket_medical(category) && demo_unit() < 0.7;
		const fk_actor *h = medical ? &doc : &off;
		if (move(db, &op, id, (fk_move_in){ .move = "dispatch", .note = "", .text = "",
						    .unit = medical ? c->code : c->street,
						    .unit_kind = medical ? "doctors" : "office", .at = at }) < 0)
			goto out;
		out->dispatched++;
		double fate = demo_unit();
		if (age < 3600 * 6 || fate < 0.06) /* not yet signed (the old ones are overdue) */
			continue;
		at += demo_between(600, 4 * 3600);
		if (!medical && fate < 0.11) { /* a wrong dispatch, returned and sent to the community */
			if (move(db, &off, id, (fk_move_in){ .move = "return", .note = "该事项属社区职责，请改派社区", .text = "",
							     .at = at }) < 0 ||
			    move(db, &op, id, (fk_move_in){ .move = "dispatch", .note = "", .text = "", .unit = c->code,
							    .unit_kind = "office", .at = at + 1800 }) < 0)
				goto out;
			out->returned++;
			at += 3600;
		}
		if (move(db, h, id, (fk_move_in){ .move = "sign", .note = "", .text = "", .at = at }) < 0)
			goto out;
		if (age < 86400 * 2 || fate < 0.16) /* being handled (some past their deadline) */
			continue;
		if (fate < 0.22) {
			at += demo_between(3600, 86400);
			if (move(db, h, id, (fk_move_in){ .move = "wait", .note = "等待相关部门答复", .text = "", .at = at }) < 0 ||
			    move(db, h, id, (fk_move_in){ .move = "resume", .note = "", .text = "", .at = at + 86400 }) < 0)
				goto out;
			at += 86400;
		}
		at += demo_between(3600, age > 8 * 86400 ? 4 * 86400 : 86400);
		if (move(db, h, id, (fk_move_in){ .move = "reply", .note = "", .text = "已联系来电人并协调解决。", .at = at }) < 0)
			goto out;
		if (now - at < 86400 + 3600)
			continue;
		at += demo_between(3600, 20 * 3600);
		bool unsat = demo_unit() < 0.12;
		if (move(db, &op, id, (fk_move_in){ .move = "callback", .note = "", .text = "",
						    .satisfaction = unsat ? "unsatisfied"
								    : demo_unit() < 0.8 ? "satisfied" : "basically_satisfied",
						    .at = at }) < 0)
			goto out;
		if (unsat) {
			out->reopened++;
			at += demo_between(3600, 86400);
			if (at > now - 3600)
				continue;
			if (move(db, h, id, (fk_move_in){ .move = "reply", .note = "", .text = "再次上门，问题已处理。", .at = at }) < 0)
				continue;
			at += 7200;
			if (at > now || move(db, &op, id, (fk_move_in){ .move = "callback", .note = "", .text = "",
									 .satisfaction = "basically_satisfied", .at = at }) < 0)
				continue;
		}
		at += 600;
		bool fixed = demo_unit() < 0.93;
		if (at < now && move(db, &op, id, (fk_move_in){ .move = "close", .text = "",
								.outcome = fixed ? "resolved" : "unresolved",
								.note = fixed ? "" : "需跨部门协调，已转交职能部门", .at = at }) < 0)
			goto out;
	}
	/* one unsigned dispatch in every street, ten days old: overdue, past
	 * its return window, and chased once */
	for (int i = 0; i < nc; i++) {
		if (i > 0 && strcmp(cs[i].street, cs[i - 1].street) == 0)
			continue;
		int64_t at = now - 10 * 86400 - demo_between(0, 86400);
		fk_ticket_in t = { .channel = "phone", .category = "complaint", .urgency = "general", .caller_name = "赵女士",
				   .text = "小区门口垃圾多日未清运。", .region = cs[i].code, .at = at };
		snprintf(t.phone, sizeof(t.phone), "1350000%04d", i);
		json_t *x = fk_ticket_create(db, &op, &t, &e);
		if (!x)
			goto fail;
		int64_t id = json_integer_value(json_object_get(x, "id"));
		json_decref(x);
		out->tickets++;
		if (move(db, &op, id, (fk_move_in){ .move = "dispatch", .note = "", .text = "", .unit = cs[i].street,
						    .unit_kind = "office", .at = at + 600 }) < 0 ||
		    move(db, &sup, id, (fk_move_in){ .move = "chase", .note = "逾期未签收，请立即办理", .text = "",
						     .at = now - 86400 }) < 0)
			goto out;
		out->dispatched++;
	}
	/* In the demo accounts' own community, whatever the draw gave: a call of
	 * last evening replied this morning, waiting for its callback, and a
	 * fever call this morning routed to the community's doctors, not yet
	 * signed (the callback list and the doctor's queue are never empty). */
	{
		const comm *c = &cs[0];
		const fk_actor off = { off_id, "officer", FK_ROLE_OFFICER, c->street, "local" };
		int64_t at = now - 14 * 3600;
		fk_ticket_in t = { .channel = "phone", .category = "help.daily_needs", .urgency = "general",
				   .caller_name = "钱先生", .text = "居家隔离，家中缺米面，请社区代购。", .region = c->code, .at = at };
		snprintf(t.phone, sizeof(t.phone), "13900000001");
		json_t *x = fk_ticket_create(db, &op, &t, &e);
		if (!x)
			goto fail;
		int64_t id = json_integer_value(json_object_get(x, "id"));
		json_decref(x);
		if (move(db, &op, id, (fk_move_in){ .move = "dispatch", .note = "", .text = "", .unit = c->street,
						    .unit_kind = "office", .at = at + 300 }) < 0 ||
		    move(db, &off, id, (fk_move_in){ .move = "sign", .note = "", .text = "", .at = at + 1800 }) < 0 ||
		    move(db, &off, id, (fk_move_in){ .move = "reply", .note = "", .text = "已安排志愿者代购送达。",
						     .at = now - 3 * 3600 }) < 0)
			goto out;
		t = (fk_ticket_in){ .channel = "phone", .category = "help.fever", .urgency = "general", .caller_name = "孙女士",
				    .text = "孩子发热38度，想请家庭医生回电指导。", .region = c->code, .at = now - 2 * 3600 };
		snprintf(t.phone, sizeof(t.phone), "13900000002");
		if (!(x = fk_ticket_create(db, &op, &t, &e)))
			goto fail;
		id = json_integer_value(json_object_get(x, "id"));
		json_decref(x);
		if (move(db, &op, id, (fk_move_in){ .move = "dispatch", .note = "", .text = "", .unit = c->code,
						    .unit_kind = "doctors", .at = now - 2 * 3600 + 300 }) < 0)
			goto out;
		out->tickets += 2;
		out->dispatched += 2;
	}
	rc = 0;
	goto out;
fail:
	fk_log_err("demo: hotline: %s", e.message);
out:
	free(cs);
	free(times);
	free(phones);
	free(answers);
	return rc;
}
