/* lw_duty_table: duties stated in tables. Plans and programmes give much of their work as
 * table rows (task | lead unit | partners | time | output | notes); the text lawwatch reads
 * holds them as Markdown pipe tables: a header row, a "| --- |" separator row, sometimes a
 * row of sub-column labels under merged header cells ("Cấp trình và thời gian trình" over
 * "Bộ trưởng | Chính phủ | Thủ tướng Chính phủ", "Đơn vị thực hiện" over "Chủ trì | Phối
 * hợp"), then one row per task. A row may run over several lines when a cell holds a line
 * break; "<br>" inside a cell is a line break too.
 *
 * The columns are recognised by the words of their labels (table_columns in
 * rules/duty_tables.yaml, compared without case or diacritics); a table without a lead
 * column and a time column, or with a column of results (a report of work done), gives
 * nothing. A row gives a duty when its lead cells name a unit (an agency or duty.unit name
 * the extraction knows, else a name opening with a word of table_unit_heads) and its time
 * cells hold a time the duty.table_time rules resolve that is not over before the document's
 * own date (a report's table of what was done), and neither its time nor its status cell
 * opens with a status word ("Đã hoàn thành", table_status_words).
 *
 * Every distinct time of a row is a deadline of its own: time sub-columns (submission to
 * the Minister, the Government, the Prime Minister) give one duty per distinct deadline,
 * with the labels of the sub-columns that give it as "stage" ("Bộ trưởng; Chính phủ"): a
 * draft due to the Minister in 11/2024 and to the Government in 12/2024 is two deadlines of
 * one work; the same month for both is one. A range ("Từ tháng 3 đến tháng 6/2025") is one
 * time, due at its end.
 *
 * Each duty fact has lw_duty's keys (activity, lead, partners, output, deadline with its
 * normalized span, topic, section = the row's number, units) and source "table"; its span
 * is the row. A duty that lw_duty's text shapes built inside a row that gives table duties
 * is dropped: the table reads that row better. */
#ifndef LW_DUTY_TABLE_H
#define LW_DUTY_TABLE_H

#include "lw_common.h"
#include "lw_extract.h"
#include "lw_match.h"

/* Appends the duties of the pipe tables of text[0..len) (normalized) to x, whose agency
 * facts and header must be built already. A rule set without duty.table_time rules or
 * table_columns data gives none. LW_OK, or LW_ERR_NOMEM (x then holds what was built). */
lw_status lw_duty_table_build(const lw_ruleset *rs, lw_matcher *m, const char *text, size_t len,
                              lw_extraction *x, lw_error *err);

#endif
