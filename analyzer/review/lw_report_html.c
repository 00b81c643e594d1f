/* lw_report_html: the report as one self-contained HTML page: inline CSS, the summary as
 * cards, then per unit an SVG timeline of its dated duties and a table of its listed items.
 * The same body, without the page around it and with links to the documents and per unit
 * (lw_report_html_body), is what `lawwatch serve` shows at /report. Every text goes through
 * lw_render_html; a link's unit name is percent-encoded, then escaped. */
#include <string.h>

#include "lw_report_render.h"
#include "lw_resolve.h"

/* the page's own rules: a page that embeds the body has its own */
static const char css_page[] =
    "body{font-family:system-ui,'Segoe UI',Roboto,'Noto Sans',sans-serif;margin:2em auto;max-width:1100px;"
    "padding:0 1em;color:#222;background:#fafafa}"
    "h1{font-size:1.6em;margin-bottom:.2em}";
/* the body's rules, embedded with it */
static const char css[] =
    "h2{font-size:1.2em;margin-top:2em;border-bottom:2px solid #ddd;"
    "padding-bottom:.2em}.meta{color:#666}"
    ".cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}.card{background:#fff;border:1px solid #ddd;"
    "border-radius:6px;padding:.6em 1em;min-width:9em}.card b{display:block;font-size:1.8em}"
    ".overdue{color:#b71c1c}.late{color:#8e24aa}.due_soon{color:#b26a00}.no_deadline{color:#455a64}.no_unit{color:#546e7a}"
    ".done{color:#2e7d32}.upcoming{color:#607d8b}"
    "table{border-collapse:collapse;width:100%;background:#fff;margin:.5em 0}th,td{border:1px solid #ddd;"
    "padding:.35em .5em;vertical-align:top;text-align:left;font-size:.92em}th{background:#f0f0f0}"
    "td.n{text-align:right;color:#666}.words{color:#555;font-style:italic}.src{color:#666;font-size:.85em}"
    "svg{background:#fff;border:1px solid #ddd;margin:.3em 0}svg text{font-size:11px;fill:#444}";
/* the body within another page (a phone's width): the timeline scales, a table scrolls */
static const char css_embedded[] =
    ".lw-report svg{max-width:100%;height:auto}.lw-report .scroll{overflow-x:auto}"
    ".lw-report .cal{font-size:.85em;font-weight:normal;margin-left:.6em}";

static const char *const bar_color[LW_RS_COUNT] = {"#c62828", "#8e24aa", "#f9a825", "#90a4ae", "#b0bec5", "#43a047",
                                                   "#90a4ae"};

/* One unit's timeline: a bar per dated duty from its start to its deadline, on a month axis
 * spanning the duties and the as-of date, the as-of date marked. scalable: with a viewBox, so
 * that a page narrower than the drawing (a phone) shrinks it instead of cutting it. */
static void write_svg(const lw_report *r, lw_render_sink *s, const lw_report_item *const *items, size_t nitems,
                      int scalable)
{
    const lw_report_summary *v = lw_report_summary_of(r);
    long lo = lw_report_iso_days(v->as_of), hi = lo;
    size_t rows = 0;
    for (size_t i = 0; i < nitems; i++) {
        const lw_ds_duty *u = items[i]->duty;
        if (!u->to)
            continue;
        rows++;
        long t = lw_report_iso_days(u->to), f = u->from ? lw_report_iso_days(u->from) : t;
        if (f < lo)
            lo = f;
        if (t < lo)
            lo = t;
        if (t > hi)
            hi = t;
    }
    if (!rows)
        return;
    lw_date a, b;
    lw_date_parse_iso(v->as_of, &a);
    /* the axis: from the first of lo's month to the end of hi's month */
    long span = hi - lo;
    int W = 1000, left = 30, right = 20, top = 22, rowh = 18;
    int H = top + (int)rows * rowh + 10;
    /* months: find lo's and hi's civil dates by stepping from the as-of date */
    lw_date dlo = lw_date_add_days(a, (int)(lo - lw_report_iso_days(v->as_of)));
    lw_date dhi = lw_date_add_days(a, (int)(hi - lw_report_iso_days(v->as_of)));
    lw_date m0 = {dlo.y, dlo.m, 1};
    b = (lw_date){dhi.y, dhi.m, lw_days_in_month(dhi.y, dhi.m)};
    long x0 = lw_report_civil_days(m0.y, m0.m, 1), x1 = lw_report_civil_days(b.y, b.m, b.d) + 1;
    (void)span;
    double scale = (double)(W - left - right) / (double)(x1 - x0);
    lw_render_out(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\"", W, H);
    if (scalable)
        lw_render_out(s, " viewBox=\"0 0 %d %d\"", W, H);
    lw_render_out(s, " role=\"img\" aria-label=\"");
    lw_render_html(s, LW_LABEL(v, TIMELINE));
    lw_render_out(s, "\">\n");
    int months = (b.y - m0.y) * 12 + b.m - m0.m + 1;
    int step = months <= 18 ? 1 : months <= 48 ? 3 : 12;
    for (int k = 0; k < months; k += step) {
        int y = m0.y + (m0.m - 1 + k) / 12, mo = (m0.m - 1 + k) % 12 + 1;
        double x = left + (double)(lw_report_civil_days(y, mo, 1) - x0) * scale;
        lw_render_out(s, "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>", x, x, H - 4);
        lw_render_out(s, "<text x=\"%.1f\" y=\"11\">%02d/%d</text>\n", x + 2, mo, y);
    }
    size_t row = 0;
    for (size_t i = 0; i < nitems; i++) {
        const lw_report_item *it = items[i];
        const lw_ds_duty *u = it->duty;
        if (!u->to)
            continue;
        long t = lw_report_iso_days(u->to), f = u->from ? lw_report_iso_days(u->from) : t;
        if (f > t)
            f = t;
        double xa = left + (double)(f - x0) * scale, xb = left + (double)(t + 1 - x0) * scale;
        if (xb - xa < 4)
            xa = xb - 4;
        double y = top + (double)row * rowh;
        lw_render_out(s, "<g><title>");
        lw_render_html(s, lw_render_status_label(v, it->status));
        lw_render_out(s, " — ");
        lw_render_html(s, u->activity);
        lw_render_out(s, " (");
        lw_render_html(s, u->deadline_text ? u->deadline_text : u->to);
        lw_render_out(s, ")</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\"/>",
                      xa, y,
            xb - xa, rowh - 5, bar_color[it->status]);
        lw_render_out(s, "<text x=\"%.1f\" y=\"%.1f\">%zu</text></g>\n", xa > left + 14 ? xa - 14 : xb + 3,
                      y + rowh - 7,
            row + 1);
        row++;
    }
    double xs = left + (double)(lw_report_iso_days(v->as_of) - x0) * scale;
    lw_render_out(s, "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c62828\" stroke-width=\"2\" "
                  "stroke-dasharray=\"4 3\"/>", xs, xs, H - 2);
    lw_render_out(s, "<text x=\"%.1f\" y=\"%d\" class=\"overdue\">", xs + 3, H - 4);
    char d1[LW_RENDER_DATE_SIZE];
    lw_render_html(s, lw_date_vi(v->as_of, d1));
    lw_render_out(s, "</text>\n</svg>\n");
}

/* An href made of prefix, middle and suffix (NULL: none), escaped for the attribute; the
 * middle percent-encoded first when pct (a unit's name in a path). */
static void write_href(lw_render_sink *s, const char *prefix, const char *middle, int pct, const char *suffix)
{
    static const char hex[] = "0123456789ABCDEF";
    lw_render_out(s, "<a href=\"");
    lw_render_html(s, prefix);
    for (const unsigned char *p = (const unsigned char *)middle; pct && p && *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
            lw_render_put(s, (const char *)p, 1);
        else
            lw_render_out(s, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
    if (!pct)
        lw_render_html(s, middle);
    lw_render_html(s, suffix);
    lw_render_out(s, "\">");
}

/* What document d is called (lw_report_doc_name), linked to it when links ask for it. */
static void write_doc_name(lw_render_sink *s, const lw_report_links *links, const lw_ds_doc *d, const char *name)
{
    int link = links && links->doc_href && d->id > 0;
    if (link) {
        char id[LW_RENDER_NUM_MAX];
        snprintf(id, sizeof id, "%lld", (long long)d->id);
        write_href(s, links->doc_href, id, 0, links->doc_href_end);
    }
    lw_render_html(s, name);
    if (link)
        lw_render_out(s, "</a>");
}

void lw_report_html_write(const lw_report *r, lw_render_sink *s)
{
    const lw_report_summary *v = lw_report_summary_of(r);
    char d1[LW_RENDER_DATE_SIZE];
    lw_render_out(s, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" "
                  "content=\"width=device-width, initial-scale=1\"/>\n<title>", v->english ? "en" : "vi");
    lw_render_html(s, LW_LABEL(v, TITLE));
    lw_render_out(s, " — ");
    lw_render_html(s, lw_date_vi(v->as_of, d1));
    lw_render_out(s, "</title>\n<style>%s%s</style>\n</head>\n<body>\n", css_page, css);
    lw_report_html_body(r, NULL, s);
    lw_render_out(s, "</body>\n</html>\n");
}

void lw_report_html_body(const lw_report *r, const lw_report_links *links, lw_render_sink *s)
{
    const lw_report_summary *v = lw_report_summary_of(r);
    char d1[LW_RENDER_DATE_SIZE], d2[LW_RENDER_WHEN_MAX];
    if (links) /* within another page: its rules scoped under a class of its own */
        lw_render_out(s, "<div class=\"lw-report\"><style>%s%s</style>\n", css, css_embedded);
    lw_render_out(s, "<h1>");
    lw_render_html(s, LW_LABEL(v, TITLE));
    lw_render_out(s, "</h1>\n<p class=\"meta\">");
    lw_render_html(s, LW_LABEL(v, AS_OF));
    lw_render_out(s, " %s · ", lw_date_vi(v->as_of, d1));
    char win[LW_RENDER_LABEL_MAX];
    snprintf(win, sizeof win, LW_LABEL(v, WINDOW), v->window);
    lw_render_html(s, win);
    lw_render_since(v, s, " · ");
    lw_render_out(s, "</p>\n");
    char note[LW_RENDER_NOTE_MAX];
    if (*lw_render_stale_note(v, note, sizeof note)) {
        lw_render_out(s, "<p class=\"meta stale\"><strong>");
        lw_render_html(s, note);
        lw_render_out(s, "</strong></p>\n");
    }
    if (*lw_render_older_note(v, note, sizeof note)) {
        lw_render_out(s, "<p class=\"meta\">");
        lw_render_html(s, note);
        lw_render_out(s, "</p>\n");
    }
    if (*lw_render_directing_note(v, note, sizeof note)) {
        lw_render_out(s, "<p class=\"meta\">");
        lw_render_html(s, note);
        lw_render_out(s, "</p>\n");
    }
    lw_render_out(s, "<div class=\"cards\">\n");
    for (int st = 0; st < LW_RS_COUNT; st++) {
        lw_render_out(s, "<div class=\"card %s\"><b>%zu</b>", lw_render_status_id(st), v->counts[st]);
        lw_render_html(s, lw_render_status_label(v, st));
        lw_render_out(s, "</div>\n");
    }
    lw_render_out(s, "</div>\n");
    int any = 0;
    size_t e;
    /* a unit at a time: its timeline and its table read its items twice */
    for (const lw_report_item *const *items = lw_report_first_unit(r, &e); items;
         items = lw_report_next_unit(r, &e)) {
        const lw_report_item *first = items[0];
        int listed_here = 0;
        for (size_t k = 0; k < e; k++)
            listed_here |= lw_report_listed(items[k]->status);
        if (!listed_here)
            continue;
        any = 1;
        lw_render_out(s, "<section>\n<h2>");
        lw_render_html(s, first->unit);
        if (links && links->unit_href && !first->no_unit) {
            lw_render_out(s, "<span class=\"cal\">");
            write_href(s, links->unit_href, first->unit, 1, links->unit_href_end);
            lw_render_html(s, links->unit_link_text ? links->unit_link_text : "");
            lw_render_out(s, "</a></span>");
        }
        lw_render_out(s, "</h2>\n");
        if (first->no_unit || first->whole_group) {
            lw_render_out(s, "<p class=\"meta\">");
            lw_render_html(s, (first->no_unit ? LW_LABEL(v, NO_UNIT_NOTE) : LW_LABEL(v, GROUP_NOTE)));
            lw_render_out(s, "</p>\n");
        }
        write_svg(r, s, items, e, links != NULL);
        lw_render_out(s, links ? "<div class=\"scroll\">" : "");
        lw_render_out(s, "<table>\n<thead><tr><th>#</th><th>");
        lw_render_html(s, LW_LABEL(v, STATUS));
        lw_render_out(s, "</th><th>");
        lw_render_html(s, LW_LABEL(v, DEADLINE));
        lw_render_out(s, "</th><th>");
        lw_render_html(s, LW_LABEL(v, DUTY));
        lw_render_out(s, "</th><th>");
        lw_render_html(s, LW_LABEL(v, DOCUMENT));
        lw_render_out(s, "</th></tr></thead>\n<tbody>\n");
        size_t row = 0;
        for (size_t k = 0; k < e; k++) {
            const lw_report_item *it = items[k];
            if (it->duty->to)
                row++;
            if (!lw_report_listed(it->status))
                continue;
            lw_render_out(s, "<tr><td class=\"n\">");
            if (it->duty->to)
                lw_render_out(s, "%zu", row);
            lw_render_out(s, "</td><td class=\"%s\">", lw_render_status_id(it->status));
            lw_render_html(s, lw_render_status_label(v, it->status));
            lw_render_out(s, "<br/><small>");
            lw_render_html(s, lw_render_when(v, it, d2, sizeof d2));
            lw_render_out(s, "</small></td><td>");
            lw_render_html(s, it->duty->to ? lw_date_vi(it->duty->to, d1) : "–"); /* as stored when not a date */
            if (it->duty->deadline_text) {
                lw_render_out(s, "<br/><span class=\"words\">«");
                lw_render_html(s, it->duty->deadline_text);
                lw_render_out(s, "»</span>");
            }
            lw_render_out(s, "</td><td>");
            lw_render_html(s, it->duty->activity);
            lw_render_out(s, "</td><td>");
            if (lw_report_doc_name(r, it->doc)) {
                write_doc_name(s, links, it->doc, lw_report_doc_name(r, it->doc));
                lw_render_out(s, "<br/>");
            } else if (links && links->doc_href) { /* no name: the path is the link */
                write_doc_name(s, links, it->doc, lw_report_shown(r, it->doc->path));
                lw_render_out(s, "<br/>");
            }
            lw_render_out(s, "<span class=\"src\">");
            lw_render_html(s, lw_report_shown(r, it->doc->path));
            lw_render_out(s, ", ");
            lw_render_html(s, LW_LABEL(v, LINE));
            lw_render_out(s, " %d</span>", it->duty->line);
            if (it->answer) {
                lw_render_out(s, "<br/>");
                lw_render_html(s, LW_LABEL(v, ANSWER));
                lw_render_out(s, ": ");
                write_doc_name(s, links, it->answer, lw_render_answer_name(r, it->answer, d1));
                lw_render_out(s, " <span class=\"src\">(");
                lw_render_html(s, lw_report_shown(r, it->answer->path));
                lw_render_out(s, ")</span>");
            }
            lw_render_out(s, "</td></tr>\n");
        }
        lw_render_out(s, "</tbody>\n</table>\n%s</section>\n", links ? "</div>" : "");
    }
    if (!any) {
        lw_render_out(s, "<p>");
        lw_render_html(s, LW_LABEL(v, NOTHING));
        lw_render_out(s, "</p>\n");
    }
    if (links)
        lw_render_out(s, "</div>\n");
}
