/* handlers.h - every route handler, one group per module (h_*.c). */
#ifndef FK_HANDLERS_H
#define FK_HANDLERS_H

#include "core/base/fields.h"
#include "http/req.h"

/* h_list.c: every declared list (the route names it) */
int h_list(fk_req *r);

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

#endif
