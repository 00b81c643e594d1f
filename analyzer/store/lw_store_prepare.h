/* lw_store_prepare: what a worker of ingest does to one file listed by the walk: read it,
 * hash it (same hash as stored: only touched), tell its kind by content (a PDF, image or Word
 * file is set aside for the writer: R_SOURCE), decode, normalize, extract and classify the
 * topic of its subject. The outcome and what was made (doc, facts, error) are in the item,
 * owned by it until lw_store_item_clear (and free(it->err)). Private to ingest. */
#ifndef LW_STORE_PREPARE_H
#define LW_STORE_PREPARE_H

#include "lw_store_ingest_impl.h"

/* Reads, hashes, decodes, normalizes and extracts one file: pure, runs in workers. m: the
 * calling thread's matcher (NULL: out of memory, the document fails). Sets it->outcome and
 * it->err (owned by the item). */
void lw_store_prepare(item *it, const lw_engine *eng, lw_matcher *m, const lw_doc_options *dopt);

/* The end of a loaded document's preparation (it->doc): an empty or blank one is no
 * document (a placeholder text file is skipped; a PDF, image or Word file (source 1) that
 * gave no text fails), else its facts and topic. raw_len: the file's bytes. Sets
 * it->outcome. */
void lw_store_prepare_finish(item *it, const lw_engine *eng, lw_matcher *m, int source, size_t raw_len);

/* The duty topic of the document's subject: borrowed from the rules, NULL when none. */
const char *lw_store_subject_topic(const lw_engine *eng, lw_matcher *m, const lw_extraction *x);

/* Frees the item's doc and facts (not its path, shown nor err) and sets them to NULL. */
void lw_store_item_clear(item *it);

#endif
