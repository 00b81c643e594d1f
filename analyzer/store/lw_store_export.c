/* lw_store_export: one database's documents into another through lw_store.h (see the
 * header): the source's paths listed and looked up, grouped by document in id order; per
 * document, the paths the target lacks are put with the document made again from its stored
 * original (and cached source), a batch of documents per transaction. */
#include "lw_store_export.h"

#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"
#include "lw_read.h"
#include "lw_store_prepare.h"

/* One path of the source, as its lookup gives it. */
typedef struct {
    char *path; /* owned */
    long long id;
    int64_t size, mtime_ns;
    char sha[65];
    size_t order; /* its place in the source's path order: the first path stays first */
} src_path;

typedef struct {
    src_path *v;
    size_t n, cap;
    int nomem;
} path_list;

static int add_path(void *ud, const char *path)
{
    path_list *l = ud;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        src_path *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->nomem = 1;
            return 1;
        }
        l->v = v;
        l->cap = cap;
    }
    src_path *p = &l->v[l->n];
    memset(p, 0, sizeof *p);
    if (!(p->path = strdup(path))) {
        l->nomem = 1;
        return 1;
    }
    p->order = l->n++;
    return 0;
}

static void paths_free(path_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
}

/* by document, then the source's order of paths */
static int cmp_doc(const void *a, const void *b)
{
    const src_path *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* A stored document's original, copied out of read_source's callback. */
typedef struct {
    char *path;     /* owned: the first path */
    char *encoding; /* owned; NULL: detected */
    unsigned char *raw;
    size_t raw_len;
    char sha[65];
    int nomem;
} original;

static void take_source(void *ud, const lw_store_source *s)
{
    original *o = ud;
    o->path = strdup(s->path);
    o->encoding = s->encoding ? strdup(s->encoding) : NULL;
    o->raw = malloc(s->raw_len ? s->raw_len : 1);
    if (!o->path || (s->encoding && !o->encoding) || !o->raw) {
        o->nomem = 1;
        return;
    }
    memcpy(o->raw, s->raw, s->raw_len);
    o->raw_len = s->raw_len;
    if (s->sha256 && strlen(s->sha256) == 64)
        memcpy(o->sha, s->sha256, 65);
    else
        lw_sha256_hex(o->raw, o->raw_len, o->sha);
}

static void original_free(original *o)
{
    free(o->path);
    free(o->encoding);
    free(o->raw);
}

/* The export's state: the two stores, the rules, the open transaction's size. */
typedef struct {
    lw_store *from, *to;
    const lw_engine *eng;
    lw_matcher *m;
    const char *rules_version;
    const lw_export_options *opt;
    lw_export_report *rep;
    size_t in_batch; /* documents written in the open transaction */
} exporter;

static void problem(exporter *x, int failed, const char *path, const char *msg)
{
    if (x->opt->problem)
        x->opt->problem(x->opt->problem_ud, failed, path, msg);
}

static lw_status begin(exporter *x, lw_error *err)
{
    return lw_store_in_txn(x->to) ? LW_OK : lw_store_begin(x->to, err);
}

/* The document made again from o (the source's original): *doc and *fx owned. A PDF, image
 * or Word file takes its source from the source database's cache (copied into the target's),
 * or is read again when the cache lacks it. Returns a database error of either store
 * (*fatal 1: stop) or the document's own (*fatal 0). */
static lw_status remake(exporter *x, original *o, lw_doc **doc, lw_extraction **fx, int *fatal, lw_error *err)
{
    *doc = NULL;
    *fx = NULL;
    *fatal = 0;
    lw_doc_options dopt;
    lw_doc_options_default(&dopt);
    if (o->encoding && lw_encoding_parse(o->encoding, &dopt.encoding))
        dopt.encoding = LW_ENC_AUTO;
    lw_read_kind kind = lw_read_sniff(o->raw, o->raw_len);
    lw_status st;
    if (kind == LW_KIND_TEXT) {
        st = lw_doc_from_bytes(o->path, o->raw, o->raw_len, &dopt, doc, err);
    } else {
        lw_source *src = NULL;
        lw_error ce;
        lw_error_clear(&ce);
        lw_status cs = lw_store_cache_get(x->from, o->sha, &src, &ce);
        if (cs && cs != LW_ERR_DATA) {
            *fatal = 1;
            *err = ce;
            return cs;
        }
        if (!src) { /* not cached (or a bad row): read again, and say so */
            if ((st = lw_read_source(o->path, o->raw, o->raw_len, kind, &dopt.read, &src, err)))
                return st;
            x->rep->sources_read++;
            char mb[LW_STORE_MSG_MAX];
            problem(x, 0, o->path, lw_msg_format(mb, sizeof mb, LW_MSG_STORE_SOURCE_REREAD));
        }
        if ((st = begin(x, err)) || (st = lw_store_cache_put(x->to, o->sha, src, err))) {
            lw_source_free(src);
            *fatal = 1;
            return st;
        }
        x->rep->sources_copied++;
        st = lw_doc_from_source(o->path, o->raw, o->raw_len, src, &dopt, doc, err); /* src taken */
    }
    if (!st) {
        size_t tlen;
        const char *text = lw_doc_text(*doc, &tlen);
        st = lw_extract(lw_engine_rules(x->eng), lw_engine_lexicon(x->eng), x->m, text, tlen, NULL, fx, err);
    }
    if (st) {
        lw_doc_free(*doc);
        *doc = NULL;
    }
    return st;
}

/* One document of the source: its paths p[0..n), first path first. Returns a database error
 * (stop); the document's own failures are reported and counted. */
static lw_status export_doc(exporter *x, src_path *p, size_t n, lw_error *err)
{
    /* which paths the target lacks */
    size_t missing = 0;
    int *absent = calloc(n, sizeof *absent);
    if (!absent)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    lw_status st = LW_OK;
    for (size_t i = 0; i < n && !st; i++) {
        long long id = 0;
        int64_t size = 0, mtime = 0;
        char sha[65] = "";
        if ((st = lw_store_lookup(x->to, p[i].path, &id, &size, &mtime, sha, err)))
            break;
        if (!id) {
            absent[i] = 1;
            missing++;
        } else if (strcmp(sha, p[i].sha) != 0) {
            x->rep->conflicts++;
            char mb[LW_STORE_MSG_MAX];
            problem(x, 0, p[i].path, lw_msg_format(mb, sizeof mb, LW_MSG_PGI_EXPORT_CONFLICT));
        } else {
            x->rep->paths_present++;
            if (size != p[i].size || mtime != p[i].mtime_ns) {
                if ((st = begin(x, err)) || (st = lw_store_touch(x->to, p[i].path, p[i].size, p[i].mtime_ns, err)))
                    break;
                x->rep->touched++;
            }
        }
    }
    if (st || !missing) {
        free(absent);
        return st;
    }
    original o = {0};
    if ((st = lw_store_read_source(x->from, p[0].id, take_source, &o, err)) || o.nomem) {
        original_free(&o);
        free(absent);
        return st ? st : lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    if (!o.path) { /* gone from the source meanwhile */
        free(absent);
        return LW_OK;
    }
    lw_doc *doc = NULL;
    lw_extraction *fx = NULL;
    int fatal = 0;
    lw_error de;
    lw_error_clear(&de);
    lw_status ds = remake(x, &o, &doc, &fx, &fatal, &de);
    if (ds && fatal) {
        *err = de;
        st = ds;
    } else if (!ds) {
        const char *topic = lw_store_subject_topic(x->eng, x->m, fx);
        char *first = doc->path; /* each path in turn: one content, one document, every path */
        int created = 0;
        for (size_t i = 0; i < n && !ds && !st; i++) {
            if (!absent[i])
                continue;
            if ((st = begin(x, err)))
                break;
            doc->path = p[i].path;
            int dup = 0;
            ds = lw_store_put(x->to, doc, fx, x->rules_version, topic, p[i].size, p[i].mtime_ns, &dup, &de);
            if (ds && lw_store_failure(x->to)) {
                *err = de;
                st = ds;
            } else if (!ds) {
                x->rep->paths_added++;
                created |= !dup;
            }
        }
        doc->path = first;
        x->rep->created += created;
    }
    if (ds && !st) {
        x->rep->failed++;
        problem(x, 1, de.file[0] ? de.file : o.path, de.msg);
    }
    lw_extraction_free(fx);
    lw_doc_free(doc);
    original_free(&o);
    free(absent);
    return st;
}

lw_status lw_store_export(lw_store *from, lw_store *to, const lw_engine *eng, const lw_export_options *opt,
                          lw_export_report *rep, lw_error *err)
{
    memset(rep, 0, sizeof *rep);
    exporter x = {from, to, eng, NULL, lw_ruleset_version(lw_engine_rules(eng)), opt, rep, 0};
    size_t batch = opt->batch ? opt->batch : LW_EXPORT_BATCH_DEFAULT;
    /* documents extracted with other rules: their facts cannot be made again as stored */
    long long *stale = NULL;
    size_t nstale = 0;
    lw_status st = lw_store_stale_ids(from, x.rules_version, 1, &stale, &nstale, err);
    free(stale);
    if (st)
        return st;
    rep->stale = nstale;
    if (nstale && !opt->reextract)
        return lw_error_msg(err, LW_ERR_REFUSED, lw_store_path(from), 0, 0, LW_MSG_PGI_EXPORT_STALE, nstale,
                            x.rules_version);
    path_list l = {0};
    if ((st = lw_store_each_path(from, add_path, &l, err)) || l.nomem) {
        paths_free(&l);
        return st ? st : lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    /* looked up after the walk: a back end may not run a statement inside another's rows */
    for (size_t i = 0; i < l.n && !st; i++)
        st = lw_store_lookup(from, l.v[i].path, &l.v[i].id, &l.v[i].size, &l.v[i].mtime_ns, l.v[i].sha, err);
    if (st) {
        paths_free(&l);
        return st;
    }
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_doc);
    size_t ndocs = 0;
    for (size_t i = 0; i < l.n; i++)
        ndocs += l.v[i].id && (i == 0 || l.v[i].id != l.v[i - 1].id);
    if (!(x.m = lw_matcher_create(lw_engine_rules(eng)))) {
        paths_free(&l);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    if ((st = lw_store_lock(to, 1, err))) {
        lw_matcher_free(x.m);
        paths_free(&l);
        return st;
    }
    for (size_t i = 0; i < l.n && !st;) {
        size_t j = i + 1;
        while (j < l.n && l.v[j].id == l.v[i].id)
            j++;
        if (l.v[i].id) { /* 0: the path left the source meanwhile */
            st = export_doc(&x, &l.v[i], j - i, err);
            rep->documents++;
            if (!st && lw_store_in_txn(to) && ++x.in_batch >= batch) {
                st = lw_store_commit(to, err);
                x.in_batch = 0;
            }
            if (opt->progress)
                opt->progress(opt->progress_ud, rep->documents, ndocs);
        }
        i = j;
    }
    if (!st && lw_store_in_txn(to))
        st = lw_store_commit(to, err);
    else if (st && lw_store_in_txn(to)) {
        /* the documents of this batch written whole are kept (each put is its own
         * savepoint); after a lost connection this fails too, and the batch goes */
        lw_error ce;
        lw_store_commit(to, &ce);
    }
    lw_store_unlock(to);
    lw_matcher_free(x.m);
    paths_free(&l);
    return st;
}
