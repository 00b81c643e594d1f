/* lw_store_pg_search: full-text search on PostgreSQL (lw_store_pg.h): a tsvector made of
 * lawwatch's own tokens (lw_fts), the reviewer's query as a tsquery with FTS5's semantics,
 * ranking, snippets (lw_snippet) and facets. */
#define _GNU_SOURCE
#include "lw_store_pg.h"

#include "lw_msg.h"

/* A stub until this part is written: it says so. */

char * lw_pg_tsvector(const char *subject, size_t subject_len, const char *body, size_t body_len)
{
    (void)subject; (void)subject_len; (void)body; (void)body_len;
    return NULL;
}

lw_status lw_pg_search(lw_store_conn *c, const lw_search_query *q, int (*fn)(void *ud, const lw_search_hit *h), void *ud, size_t *n_hits, lw_error *err)
{
    (void)c; (void)q; (void)fn; (void)ud; (void)n_hits; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_search");
}

lw_status lw_pg_search_facets(lw_store_conn *c, const lw_search_query *q, json_t **out, lw_error *err)
{
    (void)c; (void)q; (void)out; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_search_facets");
}

const char *lw_pg_text_schema_sql(void) { return ""; }

lw_status lw_pg_text_put(lw_pg *c, long long doc_id, const char *province, const char *subject, size_t subject_len,
                         const char *body, size_t body_len, lw_error *err)
{
    (void)doc_id; (void)province; (void)subject; (void)subject_len; (void)body; (void)body_len;
    return lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PG_TODO, "lw_pg_text_put");
}
