/* answers.h - the standard answers (政策问答) an operator searches during a
 * call: the one owner of the table answers.  Policies changed weekly in
 * 2020, so an answer is never edited: a new one replaces it from its
 * effective day, and the old one names its successor.  Answering a ticket
 * from one records which (tickets.c reads the text through this table).
 * For the http layer and the demo.
 */
#ifndef FK_HOTLINE_ANSWERS_H
#define FK_HOTLINE_ANSWERS_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/fields.h"
#include "store/db.h"
#include "util/err.h"

typedef struct fk_answer_in {
	const char *region; /* NULL: the caller's home */
	const char *category, *question, *answer;
	int64_t effective;  /* day number */
	int64_t replaces;   /* 0: none */
} fk_answer_in;
extern const fk_field fk_answer_fields[];
int fk_answer_parse(const json_t *in, fk_answer_in *a, fk_err *e);

/* Adds an answer (replacing one, which must be in scope and not replaced
 * already: 404 / 409).  Returns it as the list shows it. */
json_t *fk_answer_create(fk_db *db, const fk_actor *who, const fk_answer_in *a, fk_err *e);

/* Answers in scope, newest first; ?q= words in the question or answer,
 * ?category= a category or its branch, ?current=1 those in force today. */
extern const struct fk_list fk_answer_list;

#endif
