/* lw_docset: the documents of a database with their duties and citations, read once into
 * memory for the cross-document questions (check, report): which plan is the province's,
 * which unit issued a plan, what each duty asks of whom and by when. Everything here is a
 * snapshot; the docset owns every string it hands out (valid until lw_docset_free).
 *
 * Which units a name covers comes from rules/duties.yaml (unit_groups): "Ủy ban nhân dân
 * cấp huyện" covers "Ủy ban nhân dân huyện Châu Thành". */
#ifndef LW_DOCSET_H
#define LW_DOCSET_H

#include "lw_common.h"
#include "lw_date.h"
#include "lw_rules.h"
#include "lw_store.h"

typedef struct {
    const char *name, *role, *level; /* role: lead, partner or concerns; level may be NULL */
    int line;
} lw_ds_unit;

typedef struct {
    long long fact_id;
    size_t doc;                /* index of its document */
    int line;                  /* line of the duty (the item's heading, the task, the clause) */
    int page;                  /* of a PDF or image (its lines are on this page), else 0 */
    const char *activity, *topic, *section, *source, *output; /* may be NULL */
    const char *from, *to, *precision, *qualifier, *deadline_text; /* NULL when no deadline */
    int deadline_line;
    lw_ds_unit *units;
    size_t n_units;
    int directs;               /* 1: the leads are to make the units of role "concerns" do the
                                  work ("chỉ đạo Ủy ban nhân dân cấp xã ban hành kế hoạch"), not
                                  do it themselves: compared only with directing duties */
} lw_ds_duty;

typedef struct {
    const char *id, *type, *symbol, *date, *text; /* id NULL for a law by name; date as cited */
    int year, year_mismatch, line;
    int page;                  /* of a PDF or image (line is on it), else 0 */
    size_t target;             /* the database's document numbered id, or (size_t)-1 */
} lw_ds_ref;

typedef struct {
    long long id;
    const char *path, *kind, *number, *issuer, *date, *subject; /* may be NULL but path */
    int year;                  /* of the date, else of the subject ("... năm 2025"), else 0 */
    const char *province;      /* the province it belongs to (title case) or NULL: named by its
                                  agencies, else that of the documents it cites */
    const char *issuer_level;  /* central, province, district, commune or NULL */
    const char *topic;         /* its subject's duty topic, classified at ingest, or NULL */
    int is_plan;               /* kind Kế hoạch */
    int is_province;           /* issued by a province's Ủy ban nhân dân */
    size_t first_duty, n_duties;
    size_t first_ref, n_refs;
    size_t issuer_ix;          /* its lw_docset_issuer, or (size_t)-1 without an issuer */
} lw_ds_doc;

/* A distinct issuer of the database (the same name, folded, and province), with its
 * documents: what report and check look units up in instead of scanning every document. */
typedef struct {
    const char *name, *key, *province; /* key: the name folded; province may be NULL */
    const size_t *docs;                /* document indexes, ascending */
    size_t n_docs;
    size_t same_name;                  /* the first issuer of this name (itself when first):
                                          one unit may be listed under several provinces */
} lw_ds_issuer;

typedef struct lw_docset lw_docset;

/* What lw_docset_load reads of each reference: everything (check), or only its target, in
 * no particular order (report: which documents a document cites; issue 20: then
 * lw_docset_ref answers NULL, lw_docset_target the target). */
enum { LW_DS_REFS_FULL = 0, LW_DS_REFS_IDS = 1,
       /* issue 20: check's compact state: no subjects (NULL until filled), no references
        * kept (each is resolved as it is read, for the provinces documents are inferred to
        * be of) and only the province
        * plans' duties with a topic (is_plan and is_province: every unit plan is compared
        * with them, by topic);
        * lw_docset_fill then gives a group of documents at a time what LW_DS_REFS_FULL would
        * have */
       LW_DS_LAZY = 2,
       /* issue 20: report's bounded state: every document, its subject and its references
        * (as the other flags say), but no duties: lw_docset_fill then gives a group of
        * documents at a time their duties and units (and nothing else) */
       LW_DS_DUTIES_LAZY = 4 };

/* Reads every document, its duties and its references; rs gives unit_groups (a bad
 * pattern there is LW_ERR_RULE naming the file). *out owned (lw_docset_free). */
lw_status lw_docset_load(lw_store *s, const lw_ruleset *rs, int flags, lw_docset **out, lw_error *err);
/* issue 19: to judge document doc_id alone (0: lw_docset_load): every document and reference,
 * but only the duties (and units) of doc_id and of the province plans it cites or of its year
 * (lw_check's province_plan_of); the others have none (n_duties 0). */
lw_status lw_docset_load_for(lw_store *s, const lw_ruleset *rs, int flags, long long doc_id, lw_docset **out,
                             lw_error *err);
void lw_docset_free(lw_docset *d);

/* issue 20: for a docset loaded LW_DS_LAZY (LW_DS_DUTIES_LAZY: only the duties, below), gives the documents docs[0..n) (indexes) their
 * references as LW_DS_REFS_FULL reads them (all of them, in text order, with their targets)
 * and their duties with their units (a province plan all of them, not only its topical
 * ones), and their subjects, until the next
 * fill or lw_docset_unfill: their first_ref and first_duty then index past the others, which
 * lw_docset_ref and lw_docset_duty answer for. The rest of the docset is as loaded. LW_OK
 * and nothing done for a docset not loaded lazily. A docset loaded LW_DS_DUTIES_LAZY gets the
 * group's duties and units only (its references and subjects are all loaded already). */
lw_status lw_docset_fill(lw_docset *d, lw_store *s, const size_t *docs, size_t n, lw_error *err);
/* The filled documents back as loaded, their full references and duties released. */
void lw_docset_unfill(lw_docset *d);
/* Whether d was loaded LW_DS_LAZY (its documents have no references until filled). */
int lw_docset_lazy(const lw_docset *d);

size_t lw_docset_ndocs(const lw_docset *d);
size_t lw_docset_nduties(const lw_docset *d);
const lw_ds_doc *lw_docset_doc(const lw_docset *d, size_t i);
const lw_ds_duty *lw_docset_duty(const lw_docset *d, size_t i);
const lw_ds_ref *lw_docset_ref(const lw_docset *d, size_t i);
/* The target of reference i (lw_ds_ref.target): what a docset of LW_DS_REFS_IDS keeps. */
size_t lw_docset_target(const lw_docset *d, size_t i);
/* Index of the document whose number is id (compared folded), or (size_t)-1. */
size_t lw_docset_find_number(const lw_docset *d, const char *id);

size_t lw_docset_nissuers(const lw_docset *d);
const lw_ds_issuer *lw_docset_issuer(const lw_docset *d, size_t i);
/* Whether the documents name at most one province: then one of unknown province is taken
 * to be of it (a Sở Tư pháp's own database), else it belongs to no province's groups. */
int lw_docset_one_province(const lw_docset *d);

/* Whether a unit name is one of unit_groups ("Ủy ban nhân dân cấp huyện"), not one unit. */
int lw_docset_is_group(const lw_docset *d, const char *unit);

/* Whether the unit name of a duty covers the issuer of a document: the same name (folded),
 * or a group of unit_groups whose pattern matches the issuer. */
int lw_docset_covers(const lw_docset *d, const char *unit, const char *issuer);
/* The issuers (lw_docset_issuer indexes, ascending) that the unit name covers; *n set. The
 * answer is remembered by name, so asking again costs a lookup: that is why d is not const.
 * Borrowed from d; NULL when none (or out of memory). */
const size_t *lw_docset_covered(lw_docset *d, const char *unit, size_t *n);

/* Whether duty u of document d is one that should carry a deadline: an item of a plan's
 * programme or a reporting obligation always; a "Tổ chức thực hiện" task only when it has a
 * topic that no dated duty of d covers (tasks there mostly restate the dated items, or are
 * standing duties such as "phối hợp chặt chẽ", which plans never date), and only in a
 * document that dates some duty (the tasks of a Chỉ thị that dates none are standing). */
int lw_docset_needs_deadline(const lw_docset *ds, const lw_ds_doc *d, const lw_ds_duty *u);

/* Which names lw_docset_check_unit tests a filter against. */
enum { LW_DS_UNITS_ISSUERS = 1, LW_DS_UNITS_DUTIES = 2 };

/* Whether a --unit filter names a unit the database knows: its folded form (case and
 * diacritics ignored) is contained in an issuer of a document (LW_DS_UNITS_ISSUERS) or in a
 * unit a duty names (LW_DS_UNITS_DUTIES). A filter that matches nothing would print a false
 * all-clear ("0 phát hiện", "nothing needs attention"): it is LW_ERR_USAGE, err naming the
 * filter and the nearest names (at most 5, by folded edit distance to the closest part of
 * each name). LW_OK for a NULL or empty filter. Reads the store directly (no docset), so
 * both check and report can ask before their work. */
lw_status lw_docset_check_unit(lw_store *s, const char *filter, int which, lw_error *err);

/* "23/07/2012" from "2012-07-23" into buf (11 bytes); the input when not ISO. */
const char *lw_date_vi(const char *iso, char *buf);

#endif
