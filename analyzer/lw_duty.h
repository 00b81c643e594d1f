/* lw_duty: duties (nhiệm vụ) in plans and letters, built on the outline (lw_segment) and
 * the agency and deadline facts already extracted. Three shapes are recognised:
 *   item        a numbered item whose lines carry field labels ("- Cơ quan thực hiện:",
 *               "- Cơ quan phối hợp:", "- Sản phẩm đầu ra:", "- Thời gian thực hiện:");
 *               the activity is the item's heading
 *   assignment  the tasks listed under a unit's heading in "Tổ chức thực hiện"
 *               ("1. Sở Tư pháp" followed by "- Chủ trì ...")
 *   report      a reporting obligation: a clause with a reporting verb and a deadline
 *               ("... báo cáo về Ủy ban nhân dân tỉnh trước ngày 02/12/2021")
 * The words (field labels, unit groups, topics, reporting verbs) come from rules of kinds
 * duty.* (rules/duties.yaml); this module only knows the shapes.
 *
 * A duty fact carries the design's keys (activity, lead, partners, output, deadline) and
 * topic (the kind of work, for comparing plans), section (the item's number), source (the
 * shape above) and units ([{name, level, role, at}], at = normalized offset of the name).
 * deadline is {from, to, precision, qualifier, at, at_end} with the deadline's normalized
 * span; lw_extraction_record turns the offsets into lines and text of the original. */
#ifndef LW_DUTY_H
#define LW_DUTY_H

#include "lw_common.h"
#include "lw_extract.h"
#include "lw_rules.h"

/* Appends the duty facts of text[0..len) to x, whose agency and deadline facts must be
 * built already. */
lw_status lw_duty_build(const lw_ruleset *rs, lw_matcher *m, const char *text, size_t len,
                        lw_extraction *x, lw_error *err);

/* The topic of an activity text by the duty.topic rules (the match that starts first
 * wins): a borrowed topic id ("report") or NULL; *label (may be NULL) gets its label. */
const char *lw_duty_topic(const lw_ruleset *rs, lw_matcher *m, const char *s, size_t n, const char **label);

#endif
