/* lw_store_ingest_impl: private to the modules of ingest (lw_store_ingest, lw_store_walk,
 * lw_store_prepare): the list of files the walk fills (lw_store_file, file_list), the items
 * the workers and the writer go through (item: each owns its path (shown with it), doc, x and err;
 * item_list), and the
 * recording of problems in the ingest's report. Nothing outside ingest includes it. */
#ifndef LW_STORE_INGEST_IMPL_H
#define LW_STORE_INGEST_IMPL_H

#include "lw_read.h"
#include "lw_store_ingest.h"

typedef struct {
    char *path;    /* absolute: the key in doc_paths */
    char *shown;   /* as the user would name it (argument + relative part): in path's block
                    * (lw_store_walk), never freed on its own */
    size_t arg;    /* index of the PATH argument it was found under */
    int64_t size, mtime_ns;
    /* stored state */
    long long id;
    char sha[65];
    /* result of prepare */
    int ready;
    int was_read;  /* the file's bytes were read */
    /* R_SKIP: err.msg says why; R_SOURCE: a PDF, image, DOCX or ODT (kind), read after the
     * text files by the writer, one at a time with every job for its pages (read_sources) */
    enum { R_STORE, R_TOUCH, R_FAIL, R_SKIP, R_SOURCE } outcome;
    lw_read_kind kind;
    lw_doc *doc;
    lw_extraction *x;
    const char *topic; /* of the subject (lw_duty_topic), borrowed from the rules; may be NULL */
    /* made by prepare, freed once written: one per file in the list would be 2 KB a file,
     * 40 MB of a 20000-file ingest, while only the documents in flight need one */
    lw_error *err;
} item;

typedef struct {
    item *v;
    size_t n, cap;
    size_t arg; /* the PATH argument being walked */
} item_list;

/* One file the walk listed, as ingest keeps it until its turn comes (issue 20): what an
 * item starts from, 56 bytes where an item is 170. The list holds one per file (100,000 at
 * national size) while only the documents in flight need a whole item, so the list is of
 * these and the items are a ring of the pool's window (lw_store_ingest). Owns path (and
 * shown with it) and sha until they are moved into an item (then NULL). */
typedef struct {
    char *path;    /* absolute: the key in doc_paths */
    char *shown;   /* as the user would name it: path itself when the same, else after it
                    * in its block (one allocation a file, issue 20): never freed */
    int64_t size, mtime_ns;
    long long id;  /* stored under path (lw_store_lookup), else 0 */
    char *sha;     /* the stored hash when id (a changed file): else NULL */
    size_t arg;    /* index of the PATH argument it was found under */
} lw_store_file;

typedef struct {
    lw_store_file *v;
    size_t n, cap;
    size_t arg; /* the PATH argument being walked */
} file_list;

/* Records a problem in list; one that memory runs out to record is still counted
 * (rep->n_unrecorded), so the summary and the exit status never hide it. */
void lw_ingest_add_problem(lw_ingest_report *rep, lw_ingest_problem **list, size_t *n, const char *path,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Records a failure: e formatted with its place (path when e names no file). */
void lw_ingest_add_failure(lw_ingest_report *rep, const char *path, const lw_error *e);

#endif
