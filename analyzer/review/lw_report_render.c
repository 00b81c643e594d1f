/* lw_report_render: the sink, escapes, labels and phrases the report's renderers share
 * (see lw_report_render.h). */
#include "lw_report_render.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>


/* The room of a formatted piece before out() allocates: most pieces are a few words. */
#define LW_RENDER_SMALL 512
/* Room for one sentence of the notes (a label, a number, a date). */
#define LW_RENDER_SENTENCE_MAX 600
/* The widest gap lw_render_pad fills: the text form's widest column. */
#define LW_RENDER_PAD_MAX 40

void lw_render_drain(lw_render_sink *s)
{
    if (s->b.len && fwrite(s->b.data, 1, s->b.len, s->f) != s->b.len)
        s->bad = 1;
    s->b.len = 0;
}

void lw_render_out(lw_render_sink *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[LW_RENDER_SMALL];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        s->bad = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        if (lw_buf_append(&s->b, small, (size_t)n))
            s->nomem = 1;
    } else {
        va_start(ap, fmt);
        char *big = malloc((size_t)n + 1);
        if (!big || vsnprintf(big, (size_t)n + 1, fmt, ap) != n || lw_buf_append(&s->b, big, (size_t)n))
            s->nomem = 1;
        free(big);
        va_end(ap);
    }
    if (s->b.len >= LW_RENDER_FLUSH)
        lw_render_drain(s);
}

/* t with each byte of specials replaced by its entry in subs (same order): the runs between
 * them are written whole, as a report of 100000 items is mostly such runs. */
static void escaped(lw_render_sink *s, const char *t, const char *specials, const char *const *subs)
{
    while (t && *t) {
        size_t n = strcspn(t, specials);
        lw_render_put(s, t, n);
        t += n;
        if (!*t)
            break;
        const char *sub = subs[strchr(specials, *t) - specials];
        lw_render_put(s, sub, strlen(sub));
        t++;
    }
}

void lw_render_html(lw_render_sink *s, const char *t)
{
    static const char *const subs[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    escaped(s, t, "&<>\"'", subs);
}

void lw_render_csv(lw_render_sink *s, const char *t, int last)
{
    static const char *const subs[] = {"\"\""};
    t = t ? t : "";
    if (strpbrk(t, ",\"\r\n")) {
        lw_render_put(s, "\"", 1);
        escaped(s, t, "\"", subs);
        lw_render_put(s, "\"", 1);
    } else {
        lw_render_put(s, t, strlen(t));
    }
    lw_render_put(s, last ? "\r\n" : ",", last ? 2 : 1);
}

void lw_render_md(lw_render_sink *s, const char *t)
{
    static const char *const subs[] = {"\\|", " ", " ", "&lt;"};
    escaped(s, t, "|\n\r<", subs);
}

void lw_render_flat(lw_render_sink *s, const char *t)
{
    while (t && *t) {
        size_t n = strcspn(t, "\n\r\t ");
        lw_render_put(s, t, n);
        t += n;
        if (!*t)
            break;
        lw_render_put(s, " ", 1);
        t += strspn(t, "\n\r\t ");
    }
}

void lw_render_pad(lw_render_sink *s, const char *t, int width)
{
    int cols = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)t;
    utf8proc_int32_t cp;
    utf8proc_ssize_t n;
    while (*p && (n = utf8proc_iterate(p, -1, &cp)) > 0) {
        cols += utf8proc_charwidth(cp);
        p += n;
    }
    static const char spaces[LW_RENDER_PAD_MAX + 1] = "                                        ";
    lw_render_put(s, t, strlen(t));
    int gap = width - cols + 1;
    lw_render_put(s, spaces, (size_t)(gap < 1 ? 1 : gap < LW_RENDER_PAD_MAX ? gap : LW_RENDER_PAD_MAX));
}

/* ---- labels ---- */

const char *lw_render_answer_name(const lw_report *r, const lw_ds_doc *a, char d1[LW_RENDER_DATE_SIZE])
{
    const char *name = lw_report_doc_name(r, a);
    return name ? name : lw_date_vi(a->date, d1);
}

static const lw_msg_id status_msg[LW_RS_COUNT] = {
    LW_MSG_REPORT_ST_OVERDUE,   LW_MSG_REPORT_ST_LATE, LW_MSG_REPORT_ST_DUE_SOON, LW_MSG_REPORT_ST_NO_DEADLINE,
    LW_MSG_REPORT_ST_NO_UNIT, LW_MSG_REPORT_ST_DONE, LW_MSG_REPORT_ST_UPCOMING};

/* the JSON and CSV contract (DESIGN.md): not labels, never translated */
static const char *const status_id[LW_RS_COUNT] = {"overdue", "late", "due_soon", "no_deadline", "no_unit", "done",
                                                   "upcoming"};

const char *lw_render_status_label(const lw_report_summary *v, lw_report_status st)
{
    return st < LW_RS_COUNT ? lw_msg_get(status_msg[st], v->english ? LW_LANG_EN : LW_LANG_VI) : "?";
}

const char *lw_render_status_id(lw_report_status st) { return st < LW_RS_COUNT ? status_id[st] : "?"; }

/* The label formats take the arguments their table entries name; tests/unit/test_msg.c
 * checks each pair's conversions, which the compiler cannot do for a table. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
const char *lw_render_when(const lw_report_summary *v, const lw_report_item *it, char *buf, size_t n)
{
    switch (it->status) {
    case LW_RS_OVERDUE: snprintf(buf, n, LW_LABEL(v, OVERDUE_BY), -(long)it->days); break;
    case LW_RS_LATE: snprintf(buf, n, LW_LABEL(v, LATE_BY), (long)it->days); break;
    case LW_RS_NO_UNIT:
        if (!it->duty->to) {
            buf[0] = '\0';
            break;
        }
        if (it->days < 0) {
            snprintf(buf, n, LW_LABEL(v, PASSED), -(long)it->days);
            break;
        }
        /* fall through */
    case LW_RS_DUE_SOON:
    case LW_RS_UPCOMING:
        if (it->days == 0)
            snprintf(buf, n, "%s", LW_LABEL(v, TODAY));
        else
            snprintf(buf, n, LW_LABEL(v, LEFT), (long)it->days);
        break;
    default: buf[0] = '\0';
    }
    return buf;
}

void lw_render_since(const lw_report_summary *v, lw_render_sink *s, const char *sep)
{
    char d1[LW_RENDER_DATE_SIZE], b[LW_RENDER_LABEL_MAX];
    if (!v->since[0])
        return;
    snprintf(b, sizeof b, LW_LABEL(v, SINCE), lw_date_vi(v->since, d1));
    lw_render_out(s, "%s", sep);
    lw_render_html(s, b); /* dates and words only: the same in every format */
}

const char *lw_render_stale_note(const lw_report_summary *v, char *buf, size_t n)
{
    buf[0] = '\0';
    if (v->stale > 0)
        snprintf(buf, n, LW_LABEL(v, STALE), v->stale, v->db ? v->db : "lawwatch.db");
    return buf;
}

const char *lw_render_older_note(const lw_report_summary *v, char *buf, size_t n)
{
    char d1[LW_RENDER_DATE_SIZE];
    buf[0] = '\0';
    if (v->older && v->since[0])
        snprintf(buf, n, LW_LABEL(v, OLDER), v->older, lw_date_vi(v->since, d1));
    return buf;
}

const char *lw_render_directing_note(const lw_report_summary *v, char *buf, size_t n)
{
    char d1[LW_RENDER_DATE_SIZE], later[LW_RENDER_SENTENCE_MAX] = "";
    buf[0] = '\0';
    if (v->later)
        snprintf(later, sizeof later, LW_LABEL(v, LATER), v->later, lw_date_vi(v->as_of, d1));
    if (v->unfollowed) {
        size_t w = strlen(later);
        if (w && w + 1 < sizeof later)
            later[w++] = ' ';
        snprintf(later + w, sizeof later - w, LW_LABEL(v, UNFOLLOWED), v->unfollowed);
    }
    if (v->directing) {
        int w = snprintf(buf, n, LW_LABEL(v, DIRECTING), v->directing);
        if (w > 0 && (size_t)w < n && *later)
            snprintf(buf + w, n - (size_t)w, " %s", later);
    } else {
        snprintf(buf, n, "%s", later);
    }
    return buf;
}
#pragma GCC diagnostic pop
