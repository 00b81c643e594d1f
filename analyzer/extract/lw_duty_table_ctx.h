/* lw_duty_table_ctx: what the two files of the table reader share, private to them
 * (lw_duty_table.h is the interface). lw_duty_table.c (the columns, the rows' duties, the
 * driver) calls lw_duty_table_cells.c (rows as cells, the units and the times a cell names),
 * which calls none of it back. */
#ifndef LW_DUTY_TABLE_CTX_H
#define LW_DUTY_TABLE_CTX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_date.h"
#include "lw_duty_emit.h"
#include "lw_fold.h"
#include "lw_text.h"
#include "lw_duty_table.h"
#include "lw_resolve.h"

enum { R_NONE, R_START, R_TIME, R_RESULT, R_STATUS, R_PARTNERS, R_LEAD, R_OUTPUT, R_TASK, R_NOTES, R_COUNT };

/* Cells a row may have: real tables have at most a dozen; more is kept as overflow */
#define LW_TABLE_COLS_MAX 64
/* Lines a row may run over when a cell breaks */
#define LW_TABLE_CONT_LINES_MAX 8
/* Groups of a time match kept (the duty.table_time patterns have a dozen) */
#define LW_TABLE_TIME_GROUPS_MAX 32
/* Time matches read in one cell, and the distinct times kept of it ("tháng 11/2024; tháng
 * 12/2024" has two): a cell holds a few */
#define LW_TABLE_CELL_MATCHES_MAX 16
#define LW_TABLE_CELL_TIMES_MAX 8

typedef struct {
    size_t s, e; /* trimmed content */
} span_t;

typedef struct {
    size_t s, e; /* from the row's '|' to its last byte */
    span_t c[LW_TABLE_COLS_MAX];
    size_t n;
    int overflow; /* more than LW_TABLE_COLS_MAX cells */
} row_t;

typedef lw_unit unit_t;
typedef lw_unit_list unit_list;

typedef struct {
    size_t s, e; /* a row that gave table duties */
} done_t;

typedef struct {
    const lw_ruleset *rs;
    lw_matcher *m;
    const char *text;
    size_t len;
    lw_extraction *x;
    char **words[R_COUNT]; /* folded column words per role */
    size_t nwords[R_COUNT];
    int order[R_COUNT]; /* the roles in the order of table_columns: the first that fits wins */
    size_t norder;
    char **heads; /* folded unit head words */
    size_t nheads;
    char **status; /* folded words that open a cell of work done or under way */
    size_t nstatus;
    json_t *abbrev; /* borrowed */
    unit_list units; /* of the table being read */
    char **owned;    /* names built from cell text */
    size_t nowned, capowned;
    done_t *done;
    size_t ndone, capdone;
    int subject_year, doc_year;
    lw_date doc_date;
    int have_doc_date;
    int nomem;
    int *oom; /* = &nomem, for the readers that take a const tctx */
} tctx;


typedef struct {
    const lw_rule *rule;
    PCRE2_SIZE ov[2 * LW_TABLE_TIME_GROUPS_MAX];
    uint32_t np;
} tmatch;

typedef struct {
    lw_date from, to;
    int has_from;
    const char *precision, *qualifier;
    const lw_rule *rule;
    size_t s, e; /* normalized span of the time */
} ttime;

/* ---- lw_duty_table_cells.c ---- */

int lw_dt_is_alnum_ascii(char ch);

int lw_dt_role_of(const tctx *c, const char *s, size_t n);

/* "1", "12", "2.1.", "I", "IV.", "a)": the numbering cell of a row. */
int lw_dt_is_numbering(const char *s, size_t n);

/* Reads the row whose line starts at pos (its first non-blank byte is '|'); returns where
 * the next line starts. A line that does not end with '|' goes on on the next line (a
 * cell with a line break), unless that line starts a row of its own or is blank. */
size_t lw_dt_read_row(const char *t, size_t len, size_t pos, row_t *r);

int lw_dt_is_separator(const char *t, const row_t *r);

int lw_dt_starts_row(const char *t, size_t len, size_t pos);

/* The agencies and unit groups named in text[s..e), in text order, a name inside a longer
 * one dropped (as lw_duty does). */
void lw_dt_table_units(tctx *c, size_t s, size_t e);

void lw_dt_cell_units(tctx *c, span_t cell, unit_list *out);

/* The year a context.year rule finds first in s[0..n), 0 when none. */
int lw_dt_year_in(const tctx *c, const char *s, size_t n);

/* The year of the caption above a table: of the nearest of the three lines above it that
 * names one ("PHỤ LỤC 01 ... NĂM 2024"), 0 when none does. */
int lw_dt_caption_year(const tctx *c, size_t table_s);

/* The times of a cell, resolved, in text order: a range counts as one time (from its first
 * to its last), other times each on their own ("Tháng 6/2025 (sơ kết); Tháng 12/2025
 * (tổng kết)"). Returns how many were put in out (at most max). */
size_t lw_dt_cell_times(tctx *c, span_t cell, int ctx_year, ttime *out, size_t max);

#endif
