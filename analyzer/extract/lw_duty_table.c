/* lw_duty_table: duty facts from Markdown pipe tables (see lw_duty_table.h).
 *
 * Precision first: a reviewer trusts a deadline only when the table says who does what by
 * when. So a table is read only when its header names a lead column and a time column; a
 * row only when both give something; a header, separator or sub-header row never does, nor
 * a row whose cells do not line up with the header (a '|' inside a cell would shift every
 * column after it). The vocabulary (column labels, unit head words, abbreviations, time
 * patterns) is rules/duty_tables.yaml; this module only knows the shape of a table.
 *
 * This file reads the columns (their roles by the words of their labels), gives each row its
 * duties and drops the text duties a row reads better; lw_duty_table_cells.c reads the
 * cells (lw_duty_table_ctx.h). */
#include "lw_duty_table_ctx.h"

#include "lw_msg.h"
#include "lw_yaml.h"

/* The roles' names in rules/duty_tables.yaml (table_columns), by role. */
static const char *const role_names[R_COUNT] = {"", "start", "time", "result", "status", "partners",
                                                "lead", "output", "task", "notes"};


/* ---- building the facts ---- */

/* Length of a converter's annotation at t[i..e): "[Link: …]", "[ID: dc_1]", "[JavaScript:
 * …]" (an ASCII word and a colon in brackets), 0 when there is none. */
static size_t annotation(const char *t, size_t i, size_t e)
{
    if (t[i] != '[')
        return 0;
    size_t k = i + 1;
    while (k < e && k - i < 20 && ((t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z')))
        k++;
    if (k == i + 1 || k >= e || t[k] != ':')
        return 0;
    const char *close = memchr(t + k, ']', e - k < 400 ? e - k : 400);
    return close ? (size_t)(close - (t + i)) + 1 : 0;
}

/* Cleaned text of a cell, at most 300 bytes. Owned, or NULL for an empty cell. */
static char *cell_text(const tctx *c, span_t cell)
{
    if (cell.s >= cell.e)
        return NULL;
    lw_buf b = {0};
    int bad = 0;
    for (size_t i = cell.s; i < cell.e && !bad; i++) {
        size_t skip = annotation(c->text, i, cell.e);
        if (skip) { /* a converter's "[Link: https://…]": no words of the task */
            i += skip - 1;
            continue;
        }
        if (c->text[i] == '<' && cell.e - i >= 4 && !strncmp(c->text + i, "<br", 3)) {
            const char *gt = memchr(c->text + i, '>', cell.e - i < 8 ? cell.e - i : 8);
            if (gt) {
                bad |= lw_buf_putc(&b, ' ');
                i = (size_t)(gt - c->text);
                continue;
            }
        }
        bad |= lw_buf_putc(&b, c->text[i] == '\n' ? ' ' : c->text[i]);
    }
    size_t n = 0;
    char *raw = bad ? NULL : lw_buf_detach(&b, &n);
    lw_buf_free(&b);
    if (!raw) {
        *c->oom = 1; /* the row's duty would lose its words: the extraction fails */
        return NULL;
    }
    char *t = lw_text_clean(raw, n);
    free(raw);
    if (!t)
        *c->oom = 1;
    if (t && strlen(t) > 300) {
        size_t cut = 300;
        while (cut && ((unsigned char)t[cut] & 0xC0) == 0x80)
            cut--;
        while (cut && t[cut] != ' ')
            cut--;
        if (!cut)
            cut = 300;
        memcpy(t + cut, "…", sizeof "…");
    }
    if (t && !*t) {
        free(t);
        t = NULL;
    }
    return t;
}

static void emit(tctx *c, const row_t *r, const ttime *tt, const char *stage, const char *activity,
                 const char *output, const char *section, const unit_list *lead, const unit_list *partners)
{
    char a[11], b[11];
    lw_duty_spec d = {.rule = tt->rule,
                      .start = r->s,
                      .end = r->e,
                      .activity = activity,
                      .output = output,
                      .topic = activity ? lw_duty_topic(c->rs, c->m, activity, strlen(activity), NULL) : NULL,
                      .section = section,
                      .source = "table",
                      .lead = lead,
                      .partners = partners,
                      .has_stage = 1,
                      .stage = stage,
                      .deadline = {1, tt->has_from ? lw_date_iso(tt->from, a) : NULL, lw_date_iso(tt->to, b),
                                   tt->precision, tt->qualifier, tt->s, tt->e}};
    if (lw_duty_emit(c->x, &d) != LW_OK)
        c->nomem = 1;
}

typedef struct {
    int role[LW_TABLE_COLS_MAX];
    char *label[LW_TABLE_COLS_MAX]; /* a time sub-column's label, owned */
    size_t n;
    int ctx_year;
} columns_t;

/* Whether a time or status cell of the row opens with a status word ("Đã hoàn thành",
 * "Đang thực hiện", "Chưa triển khai"): the row reports on the work, it sets none. */
static int status_row(const tctx *c, const row_t *r, const columns_t *cols)
{
    for (size_t i = 0; i < r->n; i++) {
        size_t len = r->c[i].e - r->c[i].s, n = len > 40 ? 40 : len;
        if ((cols->role[i] != R_TIME && cols->role[i] != R_STATUS) || !len)
            continue;
        while (n < len && n && ((unsigned char)c->text[r->c[i].s + n] & 0xC0) == 0x80)
            n--; /* whole code points only */
        char *f = lw_fold_key(c->text + r->c[i].s, n);
        if (!f)
            *c->oom = 1;
        int hit = 0;
        for (size_t k = 0; f && k < c->nstatus && !hit; k++) {
            size_t wl = strlen(c->status[k]);
            hit = !strncmp(f, c->status[k], wl) && !lw_dt_is_alnum_ascii(f[wl]);
        }
        free(f);
        if (hit)
            return 1;
    }
    return 0;
}

static void read_rows(tctx *c, const row_t *rows, size_t nrows, const columns_t *cols)
{
    for (size_t k = 0; k < nrows; k++) {
        const row_t *r = &rows[k];
        if (r->n != cols->n || r->overflow)
            continue; /* cells that do not line up with the header */
        if (status_row(c, r, cols))
            continue; /* "Đã hoàn thành": a report of the work, not the duty */
        unit_list lead = {0}, partners = {0};
        for (size_t i = 0; i < r->n; i++)
            if (cols->role[i] == R_LEAD)
                lw_dt_cell_units(c, r->c[i], &lead);
        ttime times[LW_TABLE_COLS_MAX];
        lw_buf stage[LW_TABLE_COLS_MAX]; /* the labels of the sub-columns that give one deadline */
        size_t nt = 0;
        for (size_t i = 0; lead.n && i < r->n; i++) {
            ttime tc[LW_TABLE_CELL_TIMES_MAX];
            size_t ntc = cols->role[i] == R_TIME ? lw_dt_cell_times(c, r->c[i], cols->ctx_year, tc, LW_TABLE_CELL_TIMES_MAX) : 0;
            for (size_t t = 0; t < ntc; t++) {
                if (c->have_doc_date && lw_date_cmp(tc[t].to, c->doc_date) < 0)
                    continue; /* over before the document was signed: what was done, not a duty */
                size_t j = 0;
                while (j < nt && lw_date_cmp(times[j].to, tc[t].to))
                    j++;
                if (j == nt) {
                    if (nt == LW_TABLE_COLS_MAX)
                        break;
                    stage[nt] = (lw_buf){0};
                    times[nt++] = tc[t];
                }
                if (cols->label[i] && *cols->label[i] && !strstr(stage[j].len ? stage[j].data : "", cols->label[i]) &&
                    lw_buf_printf(&stage[j], "%s%s", stage[j].len ? "; " : "", cols->label[i]))
                    c->nomem = 1;
            }
        }
        if (lead.n && nt) {
            for (size_t i = 0; i < r->n; i++)
                if (cols->role[i] == R_PARTNERS)
                    lw_dt_cell_units(c, r->c[i], &partners);
            /* a partner that also leads is a lead */
            for (size_t i = 0; i < partners.n;) {
                int dup = 0;
                for (size_t j = 0; j < lead.n && !dup; j++)
                    dup = !strcmp(lead.v[j].name, partners.v[i].name);
                if (dup)
                    memmove(&partners.v[i], &partners.v[i + 1], (--partners.n - i) * sizeof *partners.v);
                else
                    i++;
            }
            char *activity = NULL, *output = NULL, *section = NULL;
            for (size_t i = 0; i < r->n && !activity; i++)
                if (cols->role[i] == R_TASK)
                    activity = cell_text(c, r->c[i]);
            for (size_t i = 0; i < r->n && !output; i++)
                if (cols->role[i] == R_OUTPUT)
                    output = cell_text(c, r->c[i]);
            if (!activity) { /* no task column: the longest cell of no role */
                size_t best = 0, bi = r->n;
                for (size_t i = 0; i < r->n; i++)
                    if (cols->role[i] == R_NONE && r->c[i].e - r->c[i].s > best) {
                        best = r->c[i].e - r->c[i].s;
                        bi = i;
                    }
                if (bi < r->n)
                    activity = cell_text(c, r->c[bi]);
            }
            if (r->n && lw_dt_is_numbering(c->text + r->c[0].s, r->c[0].e - r->c[0].s))
                section = cell_text(c, r->c[0]);
            for (size_t j = 0; j < nt; j++)
                emit(c, r, &times[j], stage[j].len ? stage[j].data : NULL, activity, output, section, &lead,
                     &partners);
            free(activity);
            free(output);
            free(section);
            if (c->ndone == c->capdone) {
                size_t cap = c->capdone ? c->capdone * 2 : 32;
                done_t *p = realloc(c->done, cap * sizeof *p);
                if (p) {
                    c->done = p;
                    c->capdone = cap;
                }
            }
            if (c->ndone < c->capdone)
                c->done[c->ndone++] = (done_t){r->s, r->e};
        }
        for (size_t j = 0; j < nt; j++)
            lw_buf_free(&stage[j]);
        free(lead.v);
        free(partners.v);
    }
}

/* The roles of the columns from the header and, when the first row under the separator
 * labels the sub-columns of merged header cells, from it. Returns 1 when that row was a
 * sub-header. */
static int column_roles(tctx *c, const row_t *h, const row_t *sub, columns_t *cols)
{
    size_t group[LW_TABLE_COLS_MAX];
    int grole[LW_TABLE_COLS_MAX];
    cols->n = h->n;
    for (size_t i = 0; i < h->n; i++) {
        int empty = h->c[i].s == h->c[i].e;
        group[i] = empty && i > 0 ? group[i - 1] : i;
        grole[i] = empty ? R_NONE : lw_dt_role_of(c, c->text + h->c[i].s, h->c[i].e - h->c[i].s);
        cols->role[i] = grole[i];
        cols->label[i] = NULL;
    }
    /* a sub-header: as many cells as the header, no numbering, no time, and a label under a
     * merged header cell */
    int is_sub = sub && sub->n == h->n && !sub->overflow &&
                 !lw_dt_is_numbering(c->text + sub->c[0].s, sub->c[0].e - sub->c[0].s);
    int under_merged = 0;
    for (size_t i = 0; is_sub && i < sub->n; i++) {
        ttime tt;
        if (lw_dt_cell_times(c, sub->c[i], 2000, &tt, 1))
            is_sub = 0;
        int merged = (i + 1 < h->n && group[i + 1] == group[i]) || group[i] != i;
        if (merged && sub->c[i].s < sub->c[i].e)
            under_merged = 1;
    }
    if (!is_sub || !under_merged)
        return 0;
    for (size_t i = 0; i < sub->n; i++) {
        int g = grole[group[i]];
        int merged = (i + 1 < h->n && group[i + 1] == group[i]) || group[i] != i;
        if (!merged)
            continue;
        cols->role[i] = group[i] == i ? g : R_NONE;
        if (sub->c[i].s == sub->c[i].e)
            continue;
        int s = lw_dt_role_of(c, c->text + sub->c[i].s, sub->c[i].e - sub->c[i].s);
        if ((g == R_LEAD || g == R_PARTNERS || g == R_NONE) && (s == R_LEAD || s == R_PARTNERS))
            cols->role[i] = s;
        else if (s == R_START || s == R_NOTES)
            cols->role[i] = R_NONE; /* "Thời gian" over "Bắt đầu | Hoàn thành" */
        else if (g == R_TIME || (g == R_NONE && s == R_TIME)) {
            cols->role[i] = R_TIME;
            cols->label[i] = lw_text_clean(c->text + sub->c[i].s, sub->c[i].e - sub->c[i].s);
            if (!cols->label[i])
                c->nomem = 1;
        }
    }
    return 1;
}

/* Reads the table whose header row starts at pos; returns where the table ends. */
static size_t read_table(tctx *c, size_t pos)
{
    const char *t = c->text;
    size_t cap = 16, n = 0;
    row_t *rows = malloc(cap * sizeof *rows);
    if (!rows) {
        c->nomem = 1;
        return c->len;
    }
    size_t p = pos;
    while (p < c->len && lw_dt_starts_row(t, c->len, p)) {
        if (n == cap) {
            row_t *q = realloc(rows, cap * 2 * sizeof *rows);
            if (!q) {
                c->nomem = 1;
                break;
            }
            rows = q;
            cap *= 2;
        }
        p = lw_dt_read_row(t, c->len, p, &rows[n++]);
        /* a separator row under a later row: that row heads the next table (the blank
         * line between two tables is gone from the normalized text) */
        if (n >= 4 && lw_dt_is_separator(t, &rows[n - 1])) {
            n -= 2;
            p = rows[n].s;
            break;
        }
    }
    if (n >= 3 && lw_dt_is_separator(t, &rows[1]) && rows[1].n == rows[0].n && !rows[0].overflow) {
        columns_t cols = {.n = 0};
        lw_dt_table_units(c, rows[0].s, rows[n - 1].e);
        int sub = column_roles(c, &rows[0], &rows[2], &cols);
        int has_lead = 0, has_time = 0, has_result = 0;
        for (size_t i = 0; i < cols.n; i++) {
            has_lead |= cols.role[i] == R_LEAD;
            has_time |= cols.role[i] == R_TIME;
            has_result |= cols.role[i] == R_RESULT;
        }
        /* "Tiến độ thực hiện" holds the times of a plan that has no other time column
         * ("Quý I/2025"), and the progress of a report ("Đã hoàn thành"): both are read,
         * the status words keep the second from being a duty */
        int status_as_time = !has_time;
        for (size_t i = 0; status_as_time && i < cols.n; i++)
            if (cols.role[i] == R_STATUS) {
                cols.role[i] = R_TIME;
                has_time = 1;
            }
        if (has_lead && has_time && !has_result) {
            cols.ctx_year = lw_dt_caption_year(c, rows[0].s);
            if (!cols.ctx_year)
                cols.ctx_year = c->subject_year ? c->subject_year : c->doc_year;
            read_rows(c, rows + 2 + sub, n - 2 - (size_t)sub, &cols);
        }
        for (size_t i = 0; i < cols.n; i++)
            free(cols.label[i]);
    }
    free(rows);
    return p;
}

/* Drops the duties lw_duty built inside a row that gave table duties (facts before own, the
 * first this module added): its text shapes, and its own simpler reading of task tables,
 * which would otherwise give each row's duty twice. */
static void drop_shadowed(tctx *c, size_t own)
{
    lw_extraction *x = c->x;
    size_t w = 0;
    for (size_t i = 0; i < x->n; i++) {
        lw_fact *f = &x->facts[i];
        int drop = 0;
        if (i < own && f->kind == LW_FACT_DUTY) {
            /* a duty inside such a row, or one whose deadline is a cell of it (a clause just
             * above a table must not take a row's month for its own) */
            size_t dat = f->u.duty.deadline.set ? f->u.duty.deadline.at : SIZE_MAX;
            for (size_t k = 0; k < c->ndone && !drop; k++)
                drop = (f->start >= c->done[k].s && f->start < c->done[k].e) ||
                       (dat >= c->done[k].s && dat < c->done[k].e);
        }
        if (drop)
            lw_fact_clear(f);
        else
            x->facts[w++] = *f;
    }
    x->n = w;
}

static char **fold_list(tctx *c, json_t *a, size_t *n)
{
    *n = 0;
    char **v = calloc(json_array_size(a) + 1, sizeof *v);
    if (!v) {
        c->nomem = 1;
        return NULL;
    }
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *w = json_string_value(json_array_get(a, i));
        if (!w)
            continue;
        char *f = lw_fold_key(w, strlen(w));
        if (f)
            v[(*n)++] = f;
        else
            c->nomem = 1;
    }
    return v;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

lw_status lw_duty_table_build(const lw_ruleset *rs, lw_matcher *m, const char *text, size_t len,
                              lw_extraction *x, lw_error *err)
{
    json_t *columns = lw_ruleset_data(rs, "table_columns");
    if (!json_is_array(columns) || !memchr(text, '|', len))
        return LW_OK;
    tctx c = {.rs = rs, .m = m, .text = text, .len = len, .x = x};
    c.oom = &c.nomem;
    c.abbrev = lw_ruleset_data(rs, "table_abbreviations");
    size_t i;
    json_t *col;
    const char *bad_role = NULL;
    int bad_line = 0;
    json_array_foreach(columns, i, col) {
        const char *role = json_string_value(json_object_get(col, "role"));
        int r = R_NONE;
        for (int k = 1; role && k < R_COUNT; k++)
            if (!strcmp(role, role_names[k]))
                r = k;
        if (r == R_NONE && !bad_role) {
            bad_role = role ? role : "(none)";
            bad_line = lw_yaml_line(col);
        }
        if (r == R_NONE || c.words[r])
            continue; /* an unknown role (reported below), or a role given twice: the first counts */
        c.words[r] = fold_list(&c, json_object_get(col, "words"), &c.nwords[r]);
        c.order[c.norder++] = r;
    }
    c.heads = fold_list(&c, lw_ruleset_data(rs, "table_unit_heads"), &c.nheads);
    c.status = fold_list(&c, lw_ruleset_data(rs, "table_status_words"), &c.nstatus);
    if (x->doc_date && lw_date_parse_iso(x->doc_date, &c.doc_date) == 0) {
        c.have_doc_date = 1;
        c.doc_year = c.doc_date.y;
    }
    const char *subject = x->header.subject;
    if (subject)
        c.subject_year = lw_dt_year_in(&c, subject, strlen(subject));

    size_t own = x->n;
    for (size_t pos = 0; pos < len && !c.nomem;) {
        if (lw_dt_starts_row(text, len, pos)) {
            pos = read_table(&c, pos);
            continue;
        }
        const char *nl = memchr(text + pos, '\n', len - pos);
        pos = nl ? (size_t)(nl - text) + 1 : len;
    }
    if (c.ndone)
        drop_shadowed(&c, own);

    for (int r = 0; r < R_COUNT; r++)
        free_list(c.words[r], c.nwords[r]);
    free_list(c.heads, c.nheads);
    free_list(c.status, c.nstatus);
    for (size_t k = 0; k < c.nowned; k++)
        free(c.owned[k]);
    free(c.owned);
    free(c.units.v);
    free(c.done);
    if (c.nomem)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (bad_role) /* the tables were read with the other roles; say what the rule file lacks */
        return lw_error_msg(err, LW_ERR_RULE, "duty_tables.yaml", bad_line, 0, LW_MSG_EXTRACT_TABLE_ROLE, bad_line,
                            bad_role);
    return LW_OK;
}
