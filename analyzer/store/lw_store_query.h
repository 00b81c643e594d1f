/* lw_store_query: the reads of the SQLite store (search, cites, deadlines, changes, what
 * ingest reads back, the reads of check and report), each the SQLite side of the lw_store.h
 * function of the same name (lw_store_X -> lw_sqlite_X): see there for rows and order. */
#ifndef LW_STORE_QUERY_H
#define LW_STORE_QUERY_H

#include <jansson.h>

#include "lw_store_backend.h"
#include "lw_store_sqlite.h"

lw_status lw_sqlite_search(lw_sqlite *s, const lw_search_query *q, int (*fn)(void *ud, const lw_search_hit *h),
                           void *ud, size_t *n_hits, lw_error *err);
lw_status lw_sqlite_search_facets(lw_sqlite *s, const lw_search_query *q, json_t **out, lw_error *err);
lw_status lw_sqlite_cites(lw_sqlite *s, const char *id, int limit, int (*fn)(void *ud, json_t *row), void *ud,
                          size_t *n, lw_error *err);
lw_status lw_sqlite_deadlines_in(lw_sqlite *s, const char *from, const char *to, int limit,
                                 int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err);
lw_status lw_sqlite_changes_of(lw_sqlite *s, const char *id, int (*fn)(void *ud, json_t *row), void *ud,
                               size_t *n, lw_error *err);
lw_status lw_sqlite_cite_counts(lw_sqlite *s, int (*fn)(void *ud, const char *key, long long n), void *ud,
                               lw_error *err);
lw_status lw_sqlite_stale_ids(lw_sqlite *s, const char *rules_version, int all, long long **ids, size_t *n,
                              lw_error *err);
lw_status lw_sqlite_read_source(lw_sqlite *s, long long id, void (*fn)(void *ud, const lw_store_source *src),
                                void *ud, lw_error *err);
lw_status lw_sqlite_each_path(lw_sqlite *s, int (*fn)(void *ud, const char *path), void *ud, lw_error *err);

lw_status lw_sqlite_each_document(lw_sqlite *s, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud,
                                  lw_error *err);
lw_status lw_sqlite_each_topic_todo(lw_sqlite *s, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud,
                                     lw_error *err);
lw_status lw_sqlite_each_issuer_level(lw_sqlite *s, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud,
                                      lw_error *err);
lw_status lw_sqlite_each_doc_province(lw_sqlite *s, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud,
                                      lw_error *err);
lw_status lw_sqlite_each_duty(lw_sqlite *s, int (*fn)(void *ud, const lw_store_duty_row *r), void *ud,
                              lw_error *err);
lw_status lw_sqlite_each_duty_unit(lw_sqlite *s, int (*fn)(void *ud, const lw_store_unit_row *r), void *ud,
                                   lw_error *err);
lw_status lw_sqlite_each_duty_of(lw_sqlite *s, const long long *ids, size_t n,
                                 int (*fn)(void *ud, const lw_store_duty_row *r), void *ud, lw_error *err);
lw_status lw_sqlite_each_duty_unit_of(lw_sqlite *s, const long long *ids, size_t n,
                                      int (*fn)(void *ud, const lw_store_unit_row *r), void *ud, lw_error *err);
lw_status lw_sqlite_each_ref(lw_sqlite *s, int what, int (*fn)(void *ud, const lw_store_ref_row *r), void *ud,
                             lw_error *err);
lw_status lw_sqlite_each_document_of(lw_sqlite *s, const long long *ids, size_t n,
                                     int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err);
lw_status lw_sqlite_each_ref_of(lw_sqlite *s, const long long *ids, size_t n,
                                int (*fn)(void *ud, const lw_store_ref_row *r), void *ud, lw_error *err);
lw_status lw_sqlite_each_relation(lw_sqlite *s, int (*fn)(void *ud, const lw_store_relation_row *r), void *ud,
                                  lw_error *err);
lw_status lw_sqlite_each_unit_name(lw_sqlite *s, int which, int (*fn)(void *ud, const char *name), void *ud,
                                   lw_error *err);

#endif
