/* lw_check_render: check's findings (lw_check_run) written as a reviewer reads them or as the
 * design's JSON array. The table groups findings under each document as reviewers name it
 * (label, subject, path), real findings first, then the documents whose only findings are
 * citations not in the registry (one summary line each, or with all_unknown one line per
 * citation), then the totals. Words in Vietnamese from the message table. JSON is the
 * findings array, with paths below the working folder made relative (as the report's). */
#ifndef LW_CHECK_RENDER_H
#define LW_CHECK_RENDER_H

#include <stdio.h>

#include <jansson.h>

#include "lw_common.h"

typedef enum { LW_CHECK_TABLE, LW_CHECK_JSON } lw_check_format;

typedef struct {
    int all_unknown; /* table: every citation not in the registry on a line of its own */
    int color;       /* table: ANSI colours */
    const char *cwd; /* paths below this folder are shown relative; NULL: the working folder */
    long long stale; /* table: documents extracted by other rules, said first when > 0 (the
                        JSON array carries a "rules.stale" finding instead: lw_check_stale) */
    const char *db;  /* table: the database's name, for the re-extract command */
} lw_check_render_options;

/* The paths of findings (path, evidence.source_path) made relative below cwd, in place, as
 * the JSON of lw_check_render gives them; -1 when out of memory. */
int lw_check_relative_paths(json_t *findings, const char *cwd);

/* Writes findings (borrowed) to out (borrowed, flushed, not closed). JSON makes the paths
 * ("path", evidence "source_path") relative in findings itself: the caller's array is
 * changed (a copy of a large database's findings would cost a fifth more than writing them).
 * opt may be NULL (defaults). LW_ERR_IO when the stream fails, LW_ERR_NOMEM when memory runs
 * out, LW_ERR_USAGE for an unknown format. */
lw_status lw_check_render(json_t *findings, lw_check_format fmt, const lw_check_render_options *opt,
                          FILE *out, lw_error *err);

/* issue 20: the same output written a document at a time, so that no run holds the whole
 * database's findings: open (the table's stale-rules sentence first), add each document's
 * findings in the order of the whole array (lw_check_each's; JSON takes any piece of the
 * array, and makes its paths relative in place), close (the table's documents with only
 * unknown citations, kept in a temporary file until then, and its totals; JSON's "]").
 * Byte for byte what lw_check_render writes for the concatenated findings. close and free
 * release w (free after an error, without writing the end). */
typedef struct lw_check_writer lw_check_writer;
lw_status lw_check_writer_open(lw_check_format fmt, const lw_check_render_options *opt, FILE *out,
                               lw_check_writer **w, lw_error *err);
lw_status lw_check_writer_add(lw_check_writer *w, json_t *findings, lw_error *err);
lw_status lw_check_writer_close(lw_check_writer *w, lw_error *err);
void lw_check_writer_free(lw_check_writer *w);

/* Puts first in findings the "rules.stale" finding (severity warning, no line, no
 * document): n documents of the database db were extracted by rules other than the ones
 * checking them; evidence {"stale_documents", "command"}. -1 when out of memory. */
int lw_check_stale(json_t *findings, long long n, const char *db);

/* Parses "table", "json"; -1 when none. */
int lw_check_format_parse(const char *s);

#endif
