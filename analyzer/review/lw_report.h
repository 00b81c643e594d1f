/* lw_report: the nightly deadline report. As of a date, every duty of the database is given
 * a status for each unit responsible for it:
 *   overdue     Quá hạn: the deadline has passed and no document of the unit answers it
 *   late        Nộp muộn: answered, but after the deadline
 *   due_soon    Sắp đến hạn: not answered, the deadline within the window
 *   no_deadline Thiếu thời hạn: a duty that should have a deadline and has none
 *   no_unit     Chưa rõ đơn vị: the document sets the work but names no unit lawwatch
 *               recognises, so whether it was answered cannot be judged (listed, never
 *               called overdue: a deadline of nobody is missed by nobody one can name)
 *   done        answered on or before the deadline (counted, not listed)
 *   upcoming    not answered, the deadline after the window (counted, not listed)
 * A duty given to a group ("Ủy ban nhân dân cấp huyện") is judged for each unit of that
 * group the database knows in the same province (each district that issued a document),
 * else for the group itself.
 *
 * The answer rule: document R answers duty d of document D for unit U when R's issuer is U
 * in D's province (a name is judged with its province: huyện Châu Thành is in five; when R's
 * or D's province is unknown, R counts if it cites D, or if its issuer is U itself and U's
 * name is known in no other province), R is
 * dated on or after D and on or before the as-of date, R's topic is d's topic (a Báo cáo is
 * a report, a Kế hoạch a plan, else the topic of R's subject), and either R cites D by
 * number or R is of the year of d's deadline and on D's work: its subject shares pairs of
 * syllables with D's subject or d's activity (rules/report.yaml). The earliest such R is
 * the answer. A report of part of a year ("6 tháng đầu năm", "quý": rules/report.yaml,
 * answer_part_year) answers only a duty whose words speak of part of a year, and the other
 * way round: a plan's half-year and annual reports are two duties, each with its own answer.
 * When unsure, nothing answers: a false "done" is as bad as a false "overdue".
 *
 * A directing duty (lw_ds_duty.directs: the leads are to make other units do the work, "chỉ
 * đạo Ủy ban nhân dân cấp xã ban hành kế hoạch") is the leads' duty to direct, which leaves
 * no document of its own to wait for: it is counted apart (directing_duties), never judged,
 * and it is no duty of the units it concerns.
 *
 * Every item names its document as reviewers do (lw_doc_label, then the subject), its path
 * after it; JSON adds label and id (documents.id) to path.
 *
 * A nightly report is about current work: duties due before `since` (by default 1 January
 * of the year before the as-of date) are only counted, as older_duties, unless `all`. Duties
 * of documents dated after the as-of date were not written yet on that day: counted apart,
 * as later_duties.
 *
 * This module is the status logic: it builds the items and judges them, and gives the
 * renderers a read-only view of the result (lw_report_summary_of, lw_report_item_at, ...).
 * Writing is lw_report_write.h's: a terminal table, Markdown, CSV, JSON or one
 * self-contained HTML page, one file per format (lw_report_<format>.c), labels in
 * Vietnamese or English from the message table. */
#ifndef LW_REPORT_H
#define LW_REPORT_H

#include "lw_common.h"
#include "lw_docset.h"
#include "lw_extract.h"
#include "lw_store.h"

typedef enum {
    LW_RS_OVERDUE,
    LW_RS_LATE,
    LW_RS_DUE_SOON,
    LW_RS_NO_DEADLINE,
    LW_RS_NO_UNIT,
    LW_RS_DONE,
    LW_RS_UPCOMING,
    LW_RS_COUNT
} lw_report_status;

typedef struct {
    const char *as_of; /* ISO date; required */
    int window;        /* days; due soon when 0 <= deadline - as_of <= window */
    const char *since; /* ISO date: duties due before it are counted, not judged; NULL: 1
                          January of the year before as_of (last year's and this year's work) */
    int all;           /* every duty, whatever its deadline (since ignored) */
    const char *unit;  /* only units whose name contains this (folded), or NULL */
    int english;       /* labels in English */
    int color;         /* ANSI colours in the text form */
    /* issue 19: only the duties of the document of this id (0: every document's), judged
     * exactly as in the full report (answered by the later documents of their units); the
     * summary's stale count is then 0 (not read) */
    long long doc_id;
    /* issue 19: the documents already loaded (borrowed, kept by the report until
     * lw_report_free: the caller frees it after), NULL: loaded from s */
    lw_docset *ds;
} lw_report_options;

typedef struct lw_report lw_report;

/* Builds the report over the documents of s. *out owned (lw_report_free); NULL on error.
 * opt and its strings are copied or used up: the caller's may go after the call. The
 * documents whose facts were extracted by rules other than eng's are counted (stale in the
 * summary): their duties may be judged on old facts, which the report says. */
lw_status lw_report_build(lw_store *s, const lw_engine *eng, const lw_report_options *opt, lw_report **out,
                          lw_error *err);
void lw_report_free(lw_report *r);

/* Number of items of a status. */
size_t lw_report_count(const lw_report *r, lw_report_status st);
/* Number of duties left out as due before since. */
size_t lw_report_older(const lw_report *r);
/* Number of directing duties, counted apart (not judged). */
size_t lw_report_directing(const lw_report *r);

/* ---- the read-only view the renderers use ---- */

/* One duty judged for one unit, as the renderers read it (lw_report_first, ...). Its duty
 * holds what the renderers show (fact_id, doc, line, activity, topic, from, to, qualifier,
 * deadline_text, deadline_line; the rest 0 or NULL): a large database's report has millions
 * of items, kept sorted in a temporary file (issue 20), not in memory. */
typedef struct {
    const char *unit;         /* the unit's name as shown */
    const lw_ds_duty *duty;
    const lw_ds_doc *doc;     /* the duty's document */
    const lw_ds_doc *answer;  /* the answering document, NULL when none */
    int days;                 /* deadline - as_of (negative: past); late: answer - deadline */
    unsigned char status;     /* lw_report_status */
    unsigned char no_unit;    /* the duty names no unit: status LW_RS_NO_UNIT */
    unsigned char whole_group; /* unit is a group judged as a whole (see lw_report_build) */
} lw_report_item;

/* What the report was built with and what it counted. Borrowed from the report: valid until
 * lw_report_free. */
typedef struct {
    const char *as_of;            /* ISO date */
    const char *since;            /* ISO date; "" when every duty is judged (all) */
    int window;                   /* days */
    int english;                  /* labels in English */
    int color;                    /* ANSI colours in the text form */
    size_t counts[LW_RS_COUNT];   /* items by status */
    size_t older;                 /* duties due before since, counted, not judged */
    size_t directing;             /* directing duties, counted apart */
    size_t later;                 /* duties of documents dated after as_of */
    size_t unfollowed;            /* duties of units the database cannot follow */
    size_t n_items;               /* items (lw_report_first: in order unit, status, deadline,
                                     path, line) */
    long long stale;              /* documents whose facts other rules extracted (see
                                     lw_report_build): the report says so first */
    const char *db;               /* the database's name, for the re-extract command */
} lw_report_summary;

/* The report's settings and counts (borrowed). */
const lw_report_summary *lw_report_summary_of(const lw_report *r);
/* The items in order (unit, status, deadline, path, line): lw_report_first, then
 * lw_report_next until NULL; the item is borrowed until the next call. Reading again starts
 * with lw_report_first. NULL also when reading failed: lw_report_read_failed says so. */
const lw_report_item *lw_report_first(const lw_report *r);
const lw_report_item *lw_report_next(const lw_report *r);
/* The items a unit at a time (those of one unit name, in order): *n of them, borrowed until
 * the next call; NULL after the last unit (or on failure, as above). Not mixed with
 * lw_report_next in one reading. */
const lw_report_item *const *lw_report_first_unit(const lw_report *r, size_t *n);
const lw_report_item *const *lw_report_next_unit(const lw_report *r, size_t *n);
/* LW_OK, or why a reading above (or a document's name) stopped: LW_ERR_IO, LW_ERR_NOMEM. */
lw_status lw_report_read_failed(const lw_report *r);
/* Whether items of a status are listed one by one (overdue, late, due soon, no deadline, no
 * unit), not only counted (done, upcoming). */
int lw_report_listed(lw_report_status st);
/* What document d (an item's document or answer) is called: "label: subject", the label or
 * the subject alone, or NULL when its header gives neither (or memory ran out:
 * lw_report_read_failed). Borrowed, valid until the next lw_report_doc_name or
 * lw_report_doc_label (issue 20: made when asked, not kept for every document). */
const char *lw_report_doc_name(const lw_report *r, const lw_ds_doc *d);
/* d's label alone (lw_doc_label), NULL when its header names nothing. Borrowed, as above. */
const char *lw_report_doc_label(const lw_report *r, const lw_ds_doc *d);
/* path relative to the working folder of the build when it lies below it (borrowed: path
 * itself or a suffix of it). */
const char *lw_report_shown(const lw_report *r, const char *path);

/* Days since 1970-01-01 of an ISO date (0 for NULL or not a date), and of a civil date:
 * the timeline's axis is drawn on them. */
long lw_report_iso_days(const char *iso);
long lw_report_civil_days(int y, int m, int d);

#endif
