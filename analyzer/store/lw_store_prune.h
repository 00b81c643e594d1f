/* lw_store_prune: what ingest --prune would remove, planned and refused before anything is
 * deleted: the stored paths whose files are gone, the documents that would go with their
 * last path, refused (LW_ERR_REFUSED) when a PATH given is missing, unreadable or an empty
 * folder (an unmounted share) or when the prune would remove more than the share allowed.
 * The deletion itself runs in lw_store_ingest, in its batched transactions. Uses lw_store.h
 * only. */
#ifndef LW_STORE_PRUNE_H
#define LW_STORE_PRUNE_H

#include "lw_store_ingest.h"

/* What a prune would do, counted before anything is deleted: the stored paths whose files
 * are gone and the documents that would go with them (those whose every path is gone). */
typedef struct {
    lw_store *s;
    char **v;           /* the gone paths, owned */
    size_t n, cap;
    long long *docs;    /* per stored path its document, negated when the path is gone */
    size_t n_docs, cap_docs;
    size_t docs_removed;
    int nomem;
    lw_status st;
    lw_error *err;
} lw_store_prune_plan;

/* Makes the plan of a prune and refuses it (LW_ERR_REFUSED) when it would remove more than
 * the share of the stored documents allowed (opt->prune_max_percent, unless opt->force).
 * On success the plan is the caller's to carry out and free (lw_store_prune_plan_free);
 * on error it is freed. */
lw_status lw_store_prune_plan_make(lw_store *s, const lw_ingest_options *opt, const char *const *paths,
                                   size_t npaths, lw_store_prune_plan *g, lw_error *err);
/* Frees what the plan owns and empties it; g itself is the caller's. */
void lw_store_prune_plan_free(lw_store_prune_plan *g);

/* Refuses a prune (LW_ERR_REFUSED) when a PATH given is missing, unreadable or an empty
 * folder: an unmounted share looks like an empty folder, and a prune over it would forget
 * every document found there. Checked before any work. */
lw_status lw_store_prune_paths_ok(const char *const *paths, size_t npaths, lw_error *err);

#endif
