/* lw_check: what a reviewer asks of a set of documents. Citations are compared with the
 * registry of known legal documents (wrong date, type word against symbol, unknown id,
 * superseded, amendment not cited); the plans of a province's units are compared with the
 * province's plan of the same year (later deadlines, duties not taken up); and duties are
 * checked on their own (no deadline, work given to a level abolished by the 2025 reform).
 *
 * Relations that the ingested documents state ("Thông tư này thay thế ...", a list of
 * documents that ceased to have effect) count as the registry's facts, with the stating
 * document as the source.
 *
 * A finding is the design's JSON object {"code", "severity", "path", "line", "message",
 * "evidence"} with the document's database "id", its "label" as reviewers name it
 * (lw_doc_label, null when its header names nothing) and its "subject" (or null); messages
 * are Vietnamese, for reviewers. An unknown citation whose id looks damaged by OCR has
 * evidence "ocr_suspect": true and "ocr_reason" (the known symbol parts are
 * rules/symbols.yaml). */
#ifndef LW_CHECK_H
#define LW_CHECK_H

#include <jansson.h>

#include "lw_common.h"
#include "lw_docset.h"
#include "lw_extract.h"
#include "lw_registry.h"
#include "lw_store.h"

typedef struct {
    const char *unit; /* only documents whose issuer contains this (folded), or NULL */
    int year;         /* only documents of this year, or 0 */
    /* issue 19: only the findings on the document of this id (0: every document's): they are
     * judged exactly as in the full run (its province's plan, the registry, the relations
     * every document states), only the other documents are not checked */
    long long doc_id;
    /* issue 19: the documents already loaded (LW_DS_REFS_FULL; borrowed, used and not
     * changed but for its unit cache), NULL: loaded from s */
    lw_docset *ds;
} lw_check_options;

/* Runs every check over the documents of s. *findings is an owned JSON array (json_decref),
 * sorted by path, document, line and code; one finding per document, line, code and
 * message (which names the cited id). */
lw_status lw_check_run(lw_store *s, const lw_engine *eng, const lw_registry *reg, const lw_check_options *opt,
                       json_t **findings, lw_error *err);

/* issue 20: the findings of one document at a time, so that a caller writes them as they come
 * and never holds the whole run's: fn is called once per document that has findings, in the
 * order of lw_check_run's array (by path, then document), with that document's findings as
 * lw_check_run lists them (sorted, one per line, code and message; borrowed: json_incref to
 * keep them). fn answers LW_OK, or a status it has set err for, which stops the run and is
 * its answer. */
typedef lw_status (*lw_check_each_fn)(void *ud, json_t *doc_findings);
lw_status lw_check_each(lw_store *s, const lw_engine *eng, const lw_registry *reg, const lw_check_options *opt,
                        lw_check_each_fn fn, void *ud, lw_error *err);

/* Number of findings of severity ("error", "warning", "info") in findings. */
size_t lw_check_count(const json_t *findings, const char *severity);

#endif
