/* lawwatch_impl: what the files of the public library (analyzer/api/lawwatch*.c) share: the
 * handles' insides and the crossing of errors from lw_error to lawwatch_error. Its functions
 * are lw_api_*, so that the version script (lawwatch.map) keeps them inside the library. Private to
 * analyzer/api/: the public header never includes it. Ownership: each handle owns what its
 * struct points to, freed by its public free function. */
#ifndef LAWWATCH_IMPL_H
#define LAWWATCH_IMPL_H

#include "lawwatch.h"

#include "lw_common.h"
#include "lw_extract.h"
#include "lw_msg.h"
#include "lw_oom.h"
#include "lw_report.h"
#include "lw_report_write.h"
#include "lw_store.h"

struct lawwatch_engine {
    lw_engine *eng;
    char *rules_dir; /* owned */
};

struct lawwatch_db {
    lw_store *store;
    char *backup; /* owned: the copy made before this open upgraded the schema, or NULL */
};

/* Where a path is shown below cwd ("" or NULL: as stored). Borrowed from path. */
const char *lw_api_shown(const lawwatch_view *v, const char *path);

/* Copies an internal error out; returns its code as the public status. */
lawwatch_status lw_api_out_error(lawwatch_error *pub, const lw_error *in);
/* An error of the message table with no place: code, then message id's "vi (en)". */
lawwatch_status lw_api_fail(lawwatch_error *pub, lw_status code, lw_msg_id id, ...);
/* A message's text in one language, for the tables and summaries the library writes: the
 * Vietnamese alone where reviewers read it, both where the command says "vi (en)". */
#define LW_VI(id) lw_msg_get(LW_MSG_##id, LW_LANG_VI)
#define LW_EN(id) lw_msg_get(LW_MSG_##id, LW_LANG_EN)
#define LAWWATCH_NOMEM(pub) lw_api_fail(pub, LW_ERR_NOMEM, LW_MSG_NOMEM)
/* Out of memory on the way of an operation: jansson and lw_buf fail a call by its return
 * value alone, and the stages build rows, facts and findings with many such calls, so a
 * failure there is noted (lw_oom) rather than checked call by call. Each public operation
 * that makes JSON or text takes lw_oom_mark() at its start and turns a success into
 * LAWWATCH_ERR_NOMEM when lw_oom_since(mark) at its end: a row, a key or a line may have
 * been lost. JSON text is made with lw_json_dumps, never json_dumps (jansson 2.14 writes on
 * past a key it failed to write). */

#endif
