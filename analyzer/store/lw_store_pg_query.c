/* lw_store_pg_query: the PostgreSQL back end's reads (lw_store_pg.h): the rows of check,
 * report, show and the API, in the order lw_store.h states, as the SQLite back end's
 * lw_store_query gives them. */
#define _GNU_SOURCE
#include "lw_store_pg.h"

#include "lw_msg.h"

/* A stub until this part is written: it says so. */

lw_status lw_pg_stale_ids(lw_store_conn *c, const char *rules_version, int all, long long **ids, size_t *n, lw_error *err)
{
    (void)c; (void)rules_version; (void)all; (void)ids; (void)n; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_stale_ids");
}

lw_status lw_pg_each_path(lw_store_conn *c, int (*fn)(void *ud, const char *path), void *ud, lw_error *err)
{
    (void)c; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_path");
}

lw_status lw_pg_each_topic_todo(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err)
{
    (void)c; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_topic_todo");
}

lw_status lw_pg_cites(lw_store_conn *c, const char *id, int limit, int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err)
{
    (void)c; (void)id; (void)limit; (void)fn; (void)ud; (void)n; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_cites");
}

lw_status lw_pg_deadlines_in(lw_store_conn *c, const char *from, const char *to, int limit, int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err)
{
    (void)c; (void)from; (void)to; (void)limit; (void)fn; (void)ud; (void)n; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_deadlines_in");
}

lw_status lw_pg_changes_of(lw_store_conn *c, const char *id, int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err)
{
    (void)c; (void)id; (void)fn; (void)ud; (void)n; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_changes_of");
}

lw_status lw_pg_each_document(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err)
{
    (void)c; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_document");
}

lw_status lw_pg_each_issuer_level(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud, lw_error *err)
{
    (void)c; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_issuer_level");
}

lw_status lw_pg_each_doc_province(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud, lw_error *err)
{
    (void)c; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_doc_province");
}

lw_status lw_pg_each_duty(lw_store_conn *c, int (*fn)(void *ud, const lw_store_duty_row *r), void *ud, lw_error *err)
{
    (void)c; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_duty");
}

lw_status lw_pg_each_duty_unit(lw_store_conn *c, int (*fn)(void *ud, const lw_store_unit_row *r), void *ud, lw_error *err)
{
    (void)c; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_duty_unit");
}

lw_status lw_pg_each_ref(lw_store_conn *c, int what, int (*fn)(void *ud, const lw_store_ref_row *r), void *ud, lw_error *err)
{
    (void)c; (void)what; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_ref");
}

lw_status lw_pg_each_relation(lw_store_conn *c, int (*fn)(void *ud, const lw_store_relation_row *r), void *ud, lw_error *err)
{
    (void)c; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_relation");
}

lw_status lw_pg_each_unit_name(lw_store_conn *c, int which, int (*fn)(void *ud, const char *name), void *ud, lw_error *err)
{
    (void)c; (void)which; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_unit_name");
}

lw_status lw_pg_doc_read(lw_store_conn *c, long long id, void (*fn)(void *ud, const struct lw_store_doc_full *d), void *ud, int *found, lw_error *err)
{
    (void)c; (void)id; (void)fn; (void)ud; (void)found; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_doc_read");
}

lw_status lw_pg_cite_counts(lw_store_conn *c, int (*fn)(void *ud, const char *key, long long n), void *ud, lw_error *err)
{
    (void)c; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_cite_counts");
}

lw_status lw_pg_each_duty_of(lw_store_conn *c, const long long *ids, size_t n, int (*fn)(void *ud, const lw_store_duty_row *r), void *ud, lw_error *err)
{
    (void)c; (void)ids; (void)n; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_duty_of");
}

lw_status lw_pg_each_duty_unit_of(lw_store_conn *c, const long long *ids, size_t n, int (*fn)(void *ud, const lw_store_unit_row *r), void *ud, lw_error *err)
{
    (void)c; (void)ids; (void)n; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_duty_unit_of");
}

lw_status lw_pg_each_document_of(lw_store_conn *c, const long long *ids, size_t n, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err)
{
    (void)c; (void)ids; (void)n; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_document_of");
}

lw_status lw_pg_each_ref_of(lw_store_conn *c, const long long *ids, size_t n, int (*fn)(void *ud, const lw_store_ref_row *r), void *ud, lw_error *err)
{
    (void)c; (void)ids; (void)n; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_each_ref_of");
}

