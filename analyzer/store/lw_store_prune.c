/* lw_store_prune: the plan of a prune (see the header), made by reading the stored paths
 * and stat'ing their files; deletes nothing. */
#include "lw_store_prune.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lw_msg.h"

static int push_doc(lw_store_prune_plan *g, long long v)
{
    if (g->n_docs == g->cap_docs) {
        size_t c2 = g->cap_docs ? g->cap_docs * 2 : 256;
        long long *d = realloc(g->docs, c2 * sizeof *d);
        if (!d)
            return g->nomem = 1;
        g->docs = d;
        g->cap_docs = c2;
    }
    g->docs[g->n_docs++] = v;
    return 0;
}

static int collect_gone(void *ud, const char *p)
{
    lw_store_prune_plan *g = ud;
    struct stat st;
    int gone = stat(p, &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
    long long id = 0;
    int64_t size, mtime;
    char sha[65];
    /* the document of every path, gone or not: a document goes when all of its paths do */
    if ((g->st = lw_store_lookup(g->s, p, &id, &size, &mtime, sha, g->err)))
        return 1;
    if (id && push_doc(g, gone ? -id : id))
        return 1;
    if (!gone)
        return 0;
    if (g->n == g->cap) {
        size_t c2 = g->cap ? g->cap * 2 : 64;
        char **v = realloc(g->v, c2 * sizeof *v);
        if (!v)
            return g->nomem = 1;
        g->v = v;
        g->cap = c2;
    }
    if (!(g->v[g->n] = strdup(p)))
        return g->nomem = 1;
    g->n++;
    return 0;
}

static int cmp_doc_abs(const void *a, const void *b)
{
    long long x = llabs(*(const long long *)a), y = llabs(*(const long long *)b);
    return (x > y) - (x < y);
}

void lw_store_prune_plan_free(lw_store_prune_plan *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->v[i]);
    free(g->v);
    free(g->docs);
    g->v = NULL;
    g->docs = NULL;
    g->n = g->n_docs = g->cap = g->cap_docs = 0;
}

/* The PATH arguments named in a refusal, joined (cut at this many bytes). */
#define LW_PRUNE_NAMED_MAX 512

/* Makes the plan of a prune and refuses it (LW_ERR_REFUSED) when it would remove more than
 * the share of the stored documents allowed. On success the plan is the caller's to carry
 * out and free; on error it is freed. */
lw_status lw_store_prune_plan_make(lw_store *s, const lw_ingest_options *opt, const char *const *paths,
                                   size_t npaths, lw_store_prune_plan *g, lw_error *err)
{
    memset(g, 0, sizeof *g);
    g->s = s;
    g->err = err;
    lw_status st = lw_store_each_path(s, collect_gone, g, err);
    if (!st)
        st = g->st;
    if (!st && g->nomem)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && g->n_docs) {
        qsort(g->docs, g->n_docs, sizeof *g->docs, cmp_doc_abs);
        for (size_t i = 0; i < g->n_docs;) {
            size_t j = i;
            int all_gone = 1;
            for (; j < g->n_docs && llabs(g->docs[j]) == llabs(g->docs[i]); j++)
                all_gone &= g->docs[j] < 0;
            g->docs_removed += all_gone;
            i = j;
        }
    }
    long long stored = st ? 0 : lw_store_count(s);
    if (!st && stored < 0)
        st = lw_error_msg(err, LW_ERR_DB, lw_store_path(s), 0, 0, LW_MSG_STORE_READ, "count");
    int max = opt->prune_max_percent ? opt->prune_max_percent : LW_STORE_PRUNE_MAX_DEFAULT;
    if (!st && !opt->force && stored > 0 && (long long)g->docs_removed * 100 > (long long)max * stored) {
        char named[LW_PRUNE_NAMED_MAX] = "";
        size_t o = 0;
        for (size_t i = 0; i < npaths && o < sizeof named; i++) {
            int k = snprintf(named + o, sizeof named - o, "%s%s", i ? ", " : "", paths[i]);
            o += k > 0 ? (size_t)k : 0;
        }
        long long share = (long long)g->docs_removed * 100 / stored;
        if (npaths)
            st = lw_error_msg(err, LW_ERR_REFUSED, lw_store_path(s), 0, 0, LW_MSG_STORE_PRUNE_TOO_MANY, g->docs_removed,
                              stored, share, max, named);
        else
            st = lw_error_msg(err, LW_ERR_REFUSED, lw_store_path(s), 0, 0, LW_MSG_STORE_PRUNE_TOO_MANY_DB,
                              g->docs_removed, stored, share, lw_store_path(s), max);
    }
    if (st)
        lw_store_prune_plan_free(g);
    return st;
}

/* Refuses a prune (LW_ERR_REFUSED) when a PATH given is missing, unreadable or an empty
 * folder: an unmounted share looks like an empty folder, and a prune over it would forget
 * every document found there. Checked before any work. */
lw_status lw_store_prune_paths_ok(const char *const *paths, size_t npaths, lw_error *err)
{
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0)
            return lw_error_msg(err, LW_ERR_REFUSED, paths[i], 0, 0, LW_MSG_STORE_PRUNE_MISSING, paths[i],
                                strerror(errno));
        if (!S_ISDIR(st.st_mode)) {
            if (access(paths[i], R_OK) != 0)
                return lw_error_msg(err, LW_ERR_REFUSED, paths[i], 0, 0, LW_MSG_STORE_PRUNE_UNREADABLE, paths[i],
                                    strerror(errno));
            continue;
        }
        DIR *d = opendir(paths[i]);
        if (!d)
            return lw_error_msg(err, LW_ERR_REFUSED, paths[i], 0, 0, LW_MSG_STORE_PRUNE_UNREADABLE, paths[i],
                                strerror(errno));
        /* hidden entries do not count: ingest leaves them out */
        int seen = 0;
        struct dirent *de;
        while (!seen && (de = readdir(d)))
            seen = de->d_name[0] != '.';
        closedir(d);
        if (!seen)
            return lw_error_msg(err, LW_ERR_REFUSED, paths[i], 0, 0, LW_MSG_STORE_PRUNE_EMPTY, paths[i]);
    }
    return LW_OK;
}
