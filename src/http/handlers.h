/* handlers.h - every route handler, one group per module (h_*.c). */
#ifndef FK_HANDLERS_H
#define FK_HANDLERS_H

#include "core/base/fields.h"
#include "http/req.h"

/* h_list.c: every declared list (the route names it) */
int h_list(fk_req *r);
/* h_list.c: the record {id} that get answers (personal fields masked), the
 * read audited as "<noun>.view" on "<noun>:<id>" in the record's region:
 * a person's, a case's, a ticket's, a volunteer's page. */
int fk_req_reply_record(fk_req *r, json_t *(*get)(fk_db *db, const fk_actor *who, int64_t id, fk_err *e),
			const char *noun);

/* h_system.c */
int h_health(fk_req *r);
int h_openapi(fk_req *r);

/* h_vocab.c */
int h_vocab(fk_req *r);

/* h_session.c */
int h_session_create(fk_req *r);
extern const fk_field fk_login_fields[], fk_me_password_fields[]; /* their bodies */
int h_session_delete(fk_req *r);
int h_me(fk_req *r);
int h_me_password(fk_req *r);
int h_me_sessions(fk_req *r);
int h_me_session_delete(fk_req *r);
int h_me_sessions_delete(fk_req *r);
int h_roles(fk_req *r);

/* h_region.c */
int h_regions_search(fk_req *r);
int h_region_create(fk_req *r);
extern const fk_field fk_grid_fields[]; /* its body */
int h_region_get(fk_req *r);

/* h_user.c */
int h_user_create(fk_req *r);
extern const fk_field fk_user_fields[], fk_user_update_fields[], fk_user_bulk_fields[]; /* their bodies */
int h_user_update(fk_req *r);
int h_user_sessions_delete(fk_req *r);
int h_user_bulk(fk_req *r);

/* h_registry.c */
int h_household_create(fk_req *r);
int h_household_get(fk_req *r);
int h_household_update(fk_req *r);
int h_person_create(fk_req *r);
int h_person_get(fk_req *r);
int h_person_update(fk_req *r);
int h_person_reveal(fk_req *r);
extern const fk_field fk_reveal_fields[]; /* its body */
int h_persons_import(fk_req *r);
int h_persons_import_template(fk_req *r);
int h_import_progress(fk_req *r);
int h_persons_export(fk_req *r);

/* h_screening.c */
extern int fk_report_hour; /* zero reports are late after this local hour */
int h_screenings_create(fk_req *r);
int h_worklist(fk_req *r);
int h_coverage(fk_req *r);
int h_coverage_gaps(fk_req *r);
int h_alert_close(fk_req *r);
int h_report_submit(fk_req *r);
int h_reports_list(fk_req *r);

/* h_cases.c */
int h_case_create(fk_req *r);
int h_case_get(fk_req *r);
int h_case_transition(fk_req *r);
int h_stats_daily(fk_req *r);
int h_stats_rt(fk_req *r);
int h_clusters_list(fk_req *r);
int h_cluster_get(fk_req *r);
int h_community_states(fk_req *r);

/* h_contacts.c */
int h_contact_create(fk_req *r);
int h_observations_due(fk_req *r);
int h_followup_create(fk_req *r);
int h_observation_release(fk_req *r);
int h_observation_convert(fk_req *r);
int h_site_create(fk_req *r);

/* h_command.c */
extern int fk_wall_cache_seconds; /* FK_WALL_CACHE: the wall's answers shared this long */
int h_wall(fk_req *r);
int h_bulletin_draft(fk_req *r);
int h_bulletin_get(fk_req *r);
int h_bulletin_approve(fk_req *r);
int h_bulletin_document(fk_req *r);
int h_region_shapes(fk_req *r);
int h_shapes_import(fk_req *r);

/* h_export.c */
int h_cases_export(fk_req *r);
int h_contacts_export(fk_req *r);
int h_observations_export(fk_req *r);
int h_coverage_export(fk_req *r);
int h_reports_export(fk_req *r);

/* h_audit.c */
int h_audit_head(fk_req *r);

/* h_hotline.c */
int h_ticket_create(fk_req *r);
int h_ticket_get(fk_req *r);
int h_ticket_move(fk_req *r);
int h_ticket_reveal(fk_req *r);
int h_ticket_measures(fk_req *r);
int h_calendar_get(fk_req *r);
int h_calendar_put(fk_req *r);
int h_limit_put(fk_req *r);
int h_answer_create(fk_req *r);
int h_team_create(fk_req *r);
int h_doctor_create(fk_req *r);
int h_shift_create(fk_req *r);
int h_message_create(fk_req *r);
int h_message_lookup(fk_req *r);
int h_public_regions(fk_req *r);
/* h_ledger.c: the public ledger (no account) */
int h_ledger_checkpoint(fk_req *r);
int h_ledger_key(fk_req *r);
int h_ledger_entries(fk_req *r);
int h_ledger_inclusion(fk_req *r);
int h_ledger_consistency(fk_req *r);

/* h_supplies.c: catalogue, warehouses, stock, donations, special funds */
int h_items(fk_req *r);
int h_item_create(fk_req *r);
int h_warehouse_create(fk_req *r);
int h_warehouses_serving(fk_req *r);
int h_stock(fk_req *r);
int h_stock_receive(fk_req *r);
int h_stock_issue(fk_req *r);
int h_stock_adjust(fk_req *r);
int h_stock_count(fk_req *r);
int h_donation_receive(fk_req *r);
int h_donation_get(fk_req *r);
int h_donation_allocate(fk_req *r);
int h_donation_deliver(fk_req *r);
int h_donation_reverse(fk_req *r);
int h_fund_allocate(fk_req *r);
int h_fund_allocation_get(fk_req *r);
int h_fund_disburse(fk_req *r);
int h_fund_reverse(fk_req *r);
int h_fund_audit(fk_req *r);
int h_request_create(fk_req *r);
int h_request_move(fk_req *r);
int h_request_get(fk_req *r);
int h_kit_tests(fk_req *r);
int h_kits(fk_req *r);
/* h_mobilise.c: mobilisation, supervision, announcements */
int h_volunteer_create(fk_req *r);
int h_volunteer_register(fk_req *r);
int h_volunteer_get(fk_req *r);
int h_volunteer_update(fk_req *r);
int h_volunteer_approve(fk_req *r);
int h_volunteer_certificate(fk_req *r);
int h_me_service(fk_req *r);
int h_me_certificate(fk_req *r);
int h_duty_report_create(fk_req *r);
int h_pledge_create(fk_req *r);
int h_pledge_assign(fk_req *r);
int h_mob_team_create(fk_req *r);
int h_post_create(fk_req *r);
int h_mob_shift_create(fk_req *r);
int h_shift_assign(fk_req *r);
int h_shift_certify(fk_req *r);
int h_checkin(fk_req *r);
int h_checkout(fk_req *r);
int h_correction_request(fk_req *r);
int h_correction_decide(fk_req *r);
int h_task_create(fk_req *r);
int h_task_move(fk_req *r);
int h_mob_board(fk_req *r);
int h_inspection_create(fk_req *r);
int h_finding_rectify(fk_req *r);
int h_finding_verify(fk_req *r);
int h_finding_chase(fk_req *r);
int h_finding_photo(fk_req *r);
int h_notice_create(fk_req *r);
int h_sv_summary(fk_req *r);
int h_announce_send(fk_req *r);
int h_announce_inbox(fk_req *r);
int h_announce_read(fk_req *r);
int h_announce_ack(fk_req *r);
int h_announce_poster(fk_req *r);
int h_announce_public(fk_req *r);

#endif
