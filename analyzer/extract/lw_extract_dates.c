/* lw_extract_dates: date and deadline facts. A date without its year takes the year of its
 * context (context_year); a month in a table cell is a time limit only when the table's
 * heading names a time (table_names_time). */
#include "lw_date.h"
#include "lw_extract_ctx.h"
#include "lw_text.h"

/* The year for a date expression without one: the paragraph's, else the title's, else
 * the document date's, else the year the document mentions most. 0 when none. */
static int context_year(const ctx_t *c, size_t pos)
{
    size_t ps = lw_x_para_start(c, pos), pe = lw_x_para_end(c, pos);
    int best = 0;
    size_t bestd = SIZE_MAX;
    /* c->all is sorted by start: look at the paragraph's matches only (a deadline per
     * paragraph of a huge input must not scan every match) */
    for (size_t i = lw_x_first_match_at(c, ps); i < c->all.n && c->all.v[i].start <= pe; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "context.year") || r->start < ps || r->end > pe)
            continue;
        int y = lw_x_grp_int(c, r, "y");
        size_t d = r->start > pos ? r->start - pos : pos - r->start;
        if (y >= 1900 && d < bestd) {
            best = y;
            bestd = d;
        }
    }
    if (best)
        return best;
    if (c->title_year)
        return c->title_year;
    if (c->have_doc_date)
        return c->doc_date.y;
    return c->dominant_year;
}

void lw_x_build_dates(ctx_t *c)
{
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "date"))
            continue;
        lw_date d;
        int bad;
        if (lw_x_get_date(c, r, "d", "m", "y", &d, &bad)) {
            char iso[11];
            add_fact(c, "date", r->rule, r->start, r->end, json_pack("{s:s}", "value", lw_date_iso(d, iso)));
        } else if (bad) {
            char *t = lw_text_clean(c->text + r->start, r->end - r->start);
            lw_x_warn(c, r->start, "ngày không tồn tại: \"%s\" (impossible date, not used)", t);
            free(t);
        }
    }
}

static void put_interval(json_t *f, lw_date from, int has_from, lw_date to, const char *precision, const char *qual)
{
    char a[11], b[11];
    json_object_set_new(f, "from", has_from ? json_string(lw_date_iso(from, a)) : json_null());
    json_object_set_new(f, "to", json_string(lw_date_iso(to, b)));
    json_object_set_new(f, "precision", json_string(precision));
    json_object_set_new(f, "qualifier", json_string(qual));
}

static int is_table_line(const ctx_t *c, size_t ls)
{
    while (ls < c->len && (c->text[ls] == ' ' || c->text[ls] == '\t'))
        ls++;
    return ls < c->len && c->text[ls] == '|';
}

static int has_word(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= n; i++)
        if (!memcmp(s + i, w, wl))
            return 1;
    return 0;
}

/* Whether the table holding pos has a heading that names a time ("Thời gian trình",
 * "Thời hạn hoàn thành", "Tiến độ"): its month cells are then time limits, not the months
 * a statistics table counts by. Walks back to the table's first line, or only to the line
 * of the cell judged before it when that one is of the same table (linear over a table). */
static int table_names_time(ctx_t *c, size_t pos)
{
    size_t ls = lw_x_para_start(c, pos), s = ls;
    if (ls > 0 && c->text[ls - 1] != '\n')
        return 0; /* a line longer than LW_PARA_SCAN is no table row */
    for (int k = 0; k < 10000; k++) {
        if (s == c->tbl_line) {
            c->tbl_line = ls;
            return c->tbl_time;
        }
        if (s == 0)
            break;
        size_t prev = lw_x_para_start(c, s - 1);
        if ((prev > 0 && c->text[prev - 1] != '\n') || !is_table_line(c, prev))
            break;
        s = prev;
    }
    /* the heading: the lines from the first one to the "| --- |" rule (at most four) */
    int found = 0;
    for (int k = 0; k < 4 && s < c->len && is_table_line(c, s); k++) {
        size_t e = lw_x_para_end(c, s);
        const char *t = c->text + s;
        size_t n = e - s;
        if (has_word(t, n, "---"))
            break;
        if (has_word(t, n, "hời gian") || has_word(t, n, "HỜI GIAN") || has_word(t, n, "hời hạn") ||
            has_word(t, n, "HỜI HẠN") || has_word(t, n, "iến độ") || has_word(t, n, "IẾN ĐỘ"))
            found = 1;
        s = e + 1;
    }
    c->tbl_line = ls;
    c->tbl_time = found;
    return found;
}

void lw_x_build_deadlines(ctx_t *c)
{
    /* a report (Báo cáo) tells what was done: a period it names that had begun by its date
     * is the period reported on, not a time limit ("nhiệm vụ CCHC trong 6 tháng cuối năm
     * 2025" in a report of December 2025); a day it sets ("hoàn thành trước ngày ...", in its
     * proposals) and a period still to come stay */
    const char *kind = json_string_value(json_object_get(c->x->header, "kind"));
    int report = kind && !strcmp(kind, "Báo cáo") && c->have_doc_date;
    char doc_iso[11] = "";
    if (report)
        lw_date_iso(c->doc_date, doc_iso);
    /* ... up to its heading of what is ahead ("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026"): from
     * there on a period begun by its date is a task ("trong quý I năm 2021" in a report of
     * January 2021) */
    size_t ahead = SIZE_MAX;
    for (size_t i = 0; i < c->all.n && report; i++)
        if (kind_is(&c->all.v[i], "context.ahead")) {
            ahead = c->all.v[i].start;
            break;
        }
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "deadline"))
            continue;
        const char *how = r->rule->resolve;
        const char *qual = set_str(r, "qualifier");
        int cell = set_str(r, "context") && !strcmp(set_str(r, "context"), "table");
        if (cell) {
            /* a time limit stands beside the work it bounds; a month in a row's first cell is
             * what a statistics table counts by ("| Tháng 01/2025 | 120 |") */
            int cells = 0;
            for (size_t k = lw_x_para_start(c, r->start); k < r->start; k++)
                cells += c->text[k] == '|';
            if (cells < 2 || !table_names_time(c, r->start))
                continue;
        }
        json_t *f = json_object();
        lw_date d, from = {0, 0, 0};
        int bad = 0, ok = 0;
        int year = lw_x_grp_int(c, r, "y");
        if (year < 1900 && cell) {
            /* a table row's text names other years ("đến năm 2030, tầm nhìn đến năm 2050"):
             * the plan's year is the title's, else the document's */
            year = c->title_year ? c->title_year : (c->have_doc_date ? c->doc_date.y : 0);
        }
        if (year < 1900)
            year = context_year(c, r->start);
        if (!strcmp(how, "deadline.before") || !strcmp(how, "deadline.by")) {
            int dated = lw_x_get_date(c, r, "d", "m", "y", &d, &bad);
            if (!dated && !bad && !has(r, "y") && year > 0) {
                /* "trước ngày 15/11": the year of the context */
                lw_date t = {year, lw_x_grp_int(c, r, "m"), lw_x_grp_int(c, r, "d")};
                if (lw_date_valid(t))
                    d = t, dated = 1;
                else
                    bad = 1;
            }
            if (has(r, "yearly"))
                qual = "recurring";
            if (dated) {
                int before = !strcmp(how, "deadline.before");
                lw_date to = before ? lw_date_add_days(d, -1) : d;
                lw_date start = c->doc_date;
                int hf = c->have_doc_date && lw_date_cmp(c->doc_date, to) <= 0;
                if (has(r, "d0")) {
                    /* "từ ngày 01/6 đến ngày 30/9/2025": the work starts on its first day
                     * (the year of the last when the first gives none) */
                    int y0 = lw_x_grp_int(c, r, "y0");
                    lw_date s0 = {y0 > 0 ? y0 : to.y, lw_x_grp_int(c, r, "m0"), lw_x_grp_int(c, r, "d0")};
                    if (!lw_date_valid(s0) || lw_date_cmp(s0, to) > 0) {
                        json_decref(f);
                        continue;
                    }
                    start = s0;
                    hf = 1;
                }
                put_interval(f, start, hf, to, "day", qual ? qual : (before ? "before" : "by"));
                ok = 1;
            }
        } else if (!strcmp(how, "deadline.event")) {
            /* "trước Hội nghị": the day of the meeting the letter calls, the nearest time of
             * a meeting stated before the words (else the first after them); none: no date */
            const raw_match *ev = NULL;
            for (size_t k = 0; k < c->all.n; k++) {
                const raw_match *e = &c->all.v[k];
                if (e->dropped || !kind_is(e, "context.event"))
                    continue;
                if (e->start > r->start && ev)
                    break;
                ev = e;
            }
            if (ev) {
                lw_date t = {lw_x_grp_int(c, ev, "y"), lw_x_grp_int(c, ev, "m"), lw_x_grp_int(c, ev, "d")};
                if (lw_date_valid(t) && (!c->have_doc_date || lw_date_cmp(c->doc_date, t) <= 0)) {
                    put_interval(f, c->doc_date, c->have_doc_date, t, "day", qual ? qual : "by");
                    ok = 1;
                }
            }
        } else if (!strcmp(how, "deadline.quarterly")) {
            /* "trước ngày 15 tháng cuối quý": the same day of every quarter; the duty is
             * judged at its first occurrence after the document's date (a programme of
             * 08/01/2024: 14/3/2024), else of the year the context names */
            int day = lw_x_grp_int(c, r, "d");
            int off = has(r, "first") ? 0 : has(r, "second") ? 1 : 2;
            lw_date base = c->have_doc_date ? c->doc_date : (lw_date){year, 1, 1};
            for (int k = 0; k < 2 && base.y >= 1900 && !ok && !bad; k++) {
                int q = (base.m - 1) / 3 + k, y = base.y + q / 4;
                lw_date t = {y, 3 * (q % 4) + 1 + off, day};
                if (!lw_date_valid(t)) {
                    bad = 1;
                    break;
                }
                lw_date to = has(r, "before") ? lw_date_add_days(t, -1) : t;
                if (lw_date_cmp(to, base) < (c->have_doc_date ? 1 : 0))
                    continue; /* not due on the day it is set */
                put_interval(f, base, 1, to, "day", qual ? qual : "recurring");
                ok = 1;
            }
        } else if (!strcmp(how, "deadline.month")) {
            int m = lw_x_grp_int(c, r, "mon");
            /* a range "từ tháng 4 (năm 2024) đến tháng 10 năm 2025" starts at its first month */
            int m0 = lw_x_grp_int(c, r, "mon0"), y0 = lw_x_grp_int(c, r, "y0");
            if (y0 < 1900)
                y0 = m0 > m ? year - 1 : year;
            if (m >= 1 && m <= 12 && year && (m0 < 0 || (m0 >= 1 && m0 <= 12 && (y0 < year || m0 <= m)))) {
                lw_date a = {m0 > 0 ? y0 : year, m0 > 0 ? m0 : m, 1}, b = {year, m, lw_days_in_month(year, m)};
                put_interval(f, a, 1, b, "month", qual ? qual : "during");
                ok = 1;
            }
        } else if (!strcmp(how, "deadline.quarter")) {
            /* a scan's "IW" is IV (deadline.quarter_ocr) */
            int q = has(r, "iv") ? 4 : lw_x_grp_int(c, r, "q"), q2 = lw_x_grp_int(c, r, "q2");
            if (q2 < 0)
                q2 = q;
            if (q >= 1 && q <= 4 && q2 >= q && q2 <= 4 && year) {
                lw_date a = {year, 3 * q - 2, 1}, b = {year, 3 * q2, lw_days_in_month(year, 3 * q2)};
                put_interval(f, a, 1, b, "quarter", qual ? qual : "during");
                ok = 1;
            } else if (q > 4 || q2 > 4) {
                lw_x_warn(c, r->start, "quý không tồn tại (there is no such quarter)");
            }
        } else if (!strcmp(how, "deadline.half")) {
            const char *half = set_str(r, "half");
            if (year) {
                int second = half && !strcmp(half, "second");
                lw_date a = {year, second ? 7 : 1, 1}, b = {year, second ? 12 : 6, second ? 31 : 30};
                put_interval(f, a, 1, b, "half", qual ? qual : "during");
                ok = 1;
            }
        } else if (!strcmp(how, "deadline.year")) {
            /* a year of work named in a sentence: one already past at the document's date
             * is a year told about, not one to work in */
            int past = json_is_true(json_object_get(r->rule->set, "not_before_doc_year")) && c->have_doc_date &&
                       year < c->doc_date.y;
            if (year && !past) {
                lw_date a = {year, 1, 1}, b = {year, 12, 31};
                const char *prec = set_str(r, "precision");
                put_interval(f, a, 1, b, prec ? prec : "year", qual ? qual : "during");
                ok = 1;
            }
        }
        (void)from;
        if (bad)
            lw_x_warn(c, r->start, "ngày không tồn tại trong thời hạn (impossible date in a deadline)");
        if (ok && report && r->start < ahead) {
            const char *prec = json_string_value(json_object_get(f, "precision"));
            const char *fr = json_string_value(json_object_get(f, "from"));
            if (prec && strcmp(prec, "day") && fr && strcmp(fr, doc_iso) <= 0)
                ok = 0;
        }
        if (!ok) {
            json_decref(f);
            continue;
        }
        add_fact(c, "deadline", r->rule, r->start, r->end, f);
    }
}

/* A place group as written; in capitals ("HUYỆN CHÂU THÀNH") it becomes the unit word in
 * lower case and the name in title case ("huyện Châu Thành"). Owned. */
