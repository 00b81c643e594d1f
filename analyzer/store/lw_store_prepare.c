/* lw_store_prepare: one file made a document ready to store (see the header): pure, no
 * store, no shared state, so that the workers of lw_store_ingest run it in parallel. */
#include "lw_store_prepare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_duty.h"
#include "lw_file.h"
#include "lw_msg.h"
#include "lw_store_walk.h"

void lw_store_item_clear(item *it)
{
    lw_extraction_free(it->x);
    lw_doc_free(it->doc);
    it->x = NULL;
    it->doc = NULL;
}

/* The duty topic of the document's subject ("Kế hoạch ... kiểm tra" is inspect): classified
 * here, with the rules, so that report reads it instead of running the rules again. */
const char *lw_store_subject_topic(const lw_engine *eng, lw_matcher *m, const lw_extraction *x)
{
    const char *subj = x->header.subject; /* the typed header (lw_fact.h) */
    return subj ? lw_duty_topic(lw_engine_rules(eng), m, subj, strlen(subj), NULL) : NULL;
}

/* Reads, hashes, decodes, normalizes and extracts one file: pure, runs in workers. */
void lw_store_prepare(item *it, const lw_engine *eng, lw_matcher *m, const lw_doc_options *dopt)
{
    unsigned char *raw;
    size_t len;
    it->err = calloc(1, sizeof *it->err);
    if (!it->err) {
        it->outcome = R_FAIL;
        return;
    }
    if (!m) {
        /* the worker could not make its matcher: this document fails, the batch goes on */
        lw_error_msg(it->err, LW_ERR_NOMEM, it->shown, 0, 0, LW_MSG_NOMEM);
        it->outcome = R_FAIL;
        return;
    }
    if ((uint64_t)it->size > LW_DOC_MAX_FILE_BYTES) {
        /* past every cap: refused before it is read into memory (a worker holds it whole) */
        lw_error_msg(it->err, LW_ERR_TOO_LARGE, it->shown, 0, 0, LW_MSG_DOC_FILE_TOO_LARGE,
                     (double)it->size / (1024.0 * 1024.0), (int)(LW_DOC_MAX_FILE_BYTES / (1024 * 1024)));
        it->outcome = R_FAIL;
        return;
    }
    if (lw_read_file(it->path, &raw, &len, it->err)) {
        snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        it->outcome = R_FAIL;
        return;
    }
    it->was_read = 1;
    /* only a stored document has a hash to compare with (lw_doc_from_bytes hashes again) */
    if (it->id) {
        char sha[65];
        lw_sha256_hex(raw, len, sha);
        if (!strcmp(sha, it->sha)) {
            free(raw);
            it->outcome = R_TOUCH;
            return;
        }
    }
    /* what the file is, by its content (issue 18): not by its name */
    it->kind = lw_read_sniff(raw, len);
    if (it->kind != LW_KIND_TEXT) {
        if (it->kind == LW_KIND_OTHER || it->kind == LW_KIND_DOC) {
            /* said by the dispatcher at once, without a reading process: not a document
             * (skipped), or a .doc (fails: a person must save it as .docx) */
            lw_source *none = NULL;
            lw_read_source(it->shown, raw, len, it->kind, NULL, &none, it->err);
            lw_source_free(none);
            free(raw);
            it->outcome = it->kind == LW_KIND_DOC ? R_FAIL : R_SKIP;
            return;
        }
        free(raw);
        it->outcome = R_SOURCE; /* read by the writer, after the text files */
        return;
    }
    if (!lw_store_walk_has_txt_ext(it->shown)) {
        /* its head looked like a PDF or ZIP, its whole says text: named so, it is not one */
        free(raw);
        lw_error_msg(it->err, LW_ERR_BINARY, it->shown, 0, 0, LW_MSG_STORE_NOT_TXT);
        it->outcome = R_SKIP;
        return;
    }
    lw_status st = lw_doc_from_bytes(it->path, raw, len, dopt, &it->doc, it->err);
    free(raw);
    lw_msg_id why;
    if (st && !lw_store_walk_is_document(it->shown, NULL, it->err, &why)) {
        snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        lw_store_item_clear(it);
        it->outcome = R_SKIP;
        return;
    }
    if (st) {
        snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        lw_store_item_clear(it);
        it->outcome = R_FAIL;
        return;
    }
    lw_store_prepare_finish(it, eng, m, 0, len);
}

/* The end of a loaded document's preparation (it->doc): an empty or blank one is no
 * document (a placeholder text file is skipped; a PDF, image or Word file that gave no
 * text fails: a person must look at it), else its facts and topic. raw_len: the file's
 * bytes. Sets it->outcome. */
void lw_store_prepare_finish(item *it, const lw_engine *eng, lw_matcher *m, int source, size_t raw_len)
{
    size_t tlen, k = 0;
    const char *t = lw_doc_text(it->doc, &tlen);
    while (k < tlen && (t[k] == ' ' || t[k] == '\t' || t[k] == '\n' || t[k] == '\r' || t[k] == '\f' || t[k] == '\v'))
        k++;
    if (k == tlen) {
        lw_error_msg(it->err, LW_ERR_IO, it->shown, 0, 0,
                     source ? LW_MSG_STORE_NO_TEXT : raw_len == 0 ? LW_MSG_STORE_EMPTY_FILE : LW_MSG_STORE_BLANK_FILE);
        lw_store_item_clear(it);
        it->outcome = source ? R_FAIL : R_SKIP;
        return;
    }
    lw_status st = lw_extract(lw_engine_rules(eng), lw_engine_lexicon(eng), m, t, tlen, NULL, &it->x, it->err);
    if (st) {
        snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        lw_store_item_clear(it);
        it->outcome = R_FAIL;
        return;
    }
    it->topic = lw_store_subject_topic(eng, m, it->x);
    it->outcome = R_STORE;
}
