/* lw_subject: whether a document is on a duty's work, the report's test for a document that
 * does not cite the duty's (lw_report.h). Its subject must share pairs of neighbouring
 * syllables with the duty's words: lower case with the marks kept ("tình" is not "tỉnh"), a
 * pair never across a number, a common word or a place's name, at least answer_min_shared of
 * them (rules/report.yaml: answer_common_words, answer_place_words). A report of part of a
 * year (answer_part_year) is told apart from the year's. */
#ifndef LW_SUBJECT_H
#define LW_SUBJECT_H

#include <stddef.h>
#include <stdint.h>

#include "lw_common.h"
#include "lw_rules.h"

typedef struct lw_subject lw_subject;

/* The words of rs's rules/report.yaml. *out owned (lw_subject_free), borrowing rs's strings:
 * rs must outlive it. LW_ERR_NOMEM (and *out NULL) when out of memory. */
lw_status lw_subject_create(const lw_ruleset *rs, lw_subject **out, lw_error *err);
void lw_subject_free(lw_subject *s);

/* Appends to *v (owned by the caller, *cap its room) the hashed pairs of text t (NULL or not
 * UTF-8: none). 0, or -1 when out of memory. */
int lw_subject_pairs(const lw_subject *s, const char *t, uint64_t **v, size_t *n, size_t *cap);
/* Sorts v and removes repeats, in place; the new count. */
size_t lw_subject_uniq(uint64_t *v, size_t n);
/* Whether two sorted, distinct pair lists share enough pairs to be on the same work. */
int lw_subject_on_work(const lw_subject *s, const uint64_t *a, size_t na, const uint64_t *b, size_t nb);
/* 1 when t speaks of part of a year ("6 tháng đầu năm", "quý III"), 0 when not (or t NULL,
 * or not UTF-8), -1 when out of memory. */
int lw_subject_part_year(const lw_subject *s, const char *t);

#endif
