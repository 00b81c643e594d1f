/* lw_duty: duties (nhiệm vụ) in plans and letters, built on the outline (lw_segment) and
 * the agency and deadline facts already extracted. Five shapes are recognised:
 *   item        a numbered item whose lines carry field labels ("- Cơ quan thực hiện:",
 *               "- Cơ quan phối hợp:", "- Sản phẩm đầu ra:", "- Thời gian thực hiện:");
 *               the activity is the item's heading, or, under a bare section title ("IV.
 *               CHẾ ĐỘ BÁO CÁO"), the work its fields state
 *   table       a row of a table of tasks whose header names a lead and a deadline column
 *               ("| Nội dung | Cơ quan chủ trì | Thời gian hoàn thành |"): a duty per deadline
 *   assignment  the tasks listed under a unit's heading in "Tổ chức thực hiện"
 *               ("1. Sở Tư pháp" followed by "- Chủ trì ...")
 *   report      a reporting obligation: a clause with a reporting verb and a deadline
 *               ("... báo cáo về Ủy ban nhân dân tỉnh trước ngày 02/12/2021")
 *   clause      any other deadline the document sets to units: those the clause names
 *               ("các bộ, tỉnh hoàn thành ... chậm nhất là ngày ..."), those a request in it
 *               asks ("Sở Tư pháp đề nghị Đoàn Luật sư ... chậm nhất ngày ..."), those the list
 *               it stands in is given to ("đề nghị các bộ, tỉnh thực hiện một số nội dung
 *               sau:"), else the letter's addressees ("Kính gửi:"). A clause that tells
 *               (a past event, a plan or proposal told: duty.narrative) sets none, nor does
 *               one in a kind that tells or proposes (a Báo cáo, a Tờ trình) unless it names
 *               its units itself.
 * The words (field labels, columns, unit groups, topics, reporting and directing verbs,
 * narrative words) come from rules of kinds duty.* (rules/duties.yaml); this module only
 * knows the shapes.
 *
 * A duty fact (lw_duty_fact of lw_fact.h, made by lw_duty_emit) carries the design's keys (activity, lead, partners, output, deadline) and
 * topic (the kind of work, for comparing plans), section (the item's number), source (the
 * shape above) and units ([{name, level, role, at}], at = normalized offset of the name).
 * A duty to make others do the work ("chỉ đạo Ủy ban nhân dân cấp xã ban hành kế hoạch")
 * lists those others with role "concerns" and in the key concerns (only such a duty has
 * it); its topic is that of the directed work. deadline is {from, to, precision,
 * qualifier, at, at_end} with the deadline's normalized span; lw_extraction_record turns
 * the offsets into lines and text of the original. */
#ifndef LW_DUTY_H
#define LW_DUTY_H

#include "lw_common.h"
#include "lw_duty_emit.h" /* lw_duty_topic */
#include "lw_fact.h"
#include "lw_match.h"

/* Appends the duty facts of text[0..len) to x, whose agency and deadline facts must be
 * built already. */
lw_status lw_duty_build(const lw_ruleset *rs, lw_matcher *m, const char *text, size_t len,
                        lw_extraction *x, lw_error *err);

#endif
