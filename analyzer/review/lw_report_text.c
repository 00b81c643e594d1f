/* lw_report_text: the report as a terminal table: a summary line, then per unit its listed
 * items (status, deadline, days, the duty; its words, its document, path and line; the
 * answer), ANSI colours when asked. */
#include <string.h>

#include "lw_report_render.h"

static void write_summary_line(const lw_report *r, lw_render_sink *s)
{
    const lw_report_summary *v = lw_report_summary_of(r);
    for (int st = 0; st < LW_RS_COUNT; st++)
        lw_render_out(s, "%s%s: %zu", st ? " · " : "", lw_render_status_label(v, st), v->counts[st]);
    lw_render_out(s, "\n");
}

void lw_report_text_write(const lw_report *r, lw_render_sink *s)
{
    const lw_report_summary *v = lw_report_summary_of(r);
    char d1[LW_RENDER_DATE_SIZE], d2[LW_RENDER_WHEN_MAX];
    lw_render_out(s, "%s%s%s — %s %s (", v->color ? "\033[1m" : "", LW_LABEL(v, TITLE), v->color ? "\033[0m" : "",
                  LW_LABEL(v, AS_OF), lw_date_vi(v->as_of, d1));
    lw_render_out(s, LW_LABEL(v, WINDOW), v->window);
    lw_render_since(v, s, ", ");
    lw_render_out(s, ")\n");
    char note[LW_RENDER_NOTE_MAX];
    if (*lw_render_stale_note(v, note, sizeof note)) /* before anything judged on those facts */
        lw_render_out(s, "%s%s%s\n", v->color ? "\033[1;33m" : "", note, v->color ? "\033[0m" : "");
    write_summary_line(r, s);
    if (*lw_render_older_note(v, note, sizeof note))
        lw_render_out(s, "%s\n", note);
    if (*lw_render_directing_note(v, note, sizeof note))
        lw_render_out(s, "%s\n", note);
    const char *last = NULL;
    int any = 0;
    for (const lw_report_item *it = lw_report_first(r); it; it = lw_report_next(r)) {
        if (!lw_report_listed(it->status))
            continue;
        any = 1;
        if (!last || strcmp(last, it->unit)) {
            lw_render_out(s, "\n%s== %s%s\n", v->color ? "\033[1m" : "", it->unit, v->color ? "\033[0m" : "");
            if (it->no_unit)
                lw_render_out(s, "   %s\n", LW_LABEL(v, NO_UNIT_NOTE));
            else if (it->whole_group)
                lw_render_out(s, "   %s\n", LW_LABEL(v, GROUP_NOTE));
        }
        last = it->unit;
        const char *col = !v->color                    ? ""
                          : it->status == LW_RS_OVERDUE ? "\033[31m"
                          : it->status == LW_RS_LATE    ? "\033[35m"
                                                        : "\033[33m";
        lw_render_out(s, "  %s", col);
        lw_render_pad(s, lw_render_status_label(v, it->status), 14);
        lw_render_out(s, "%s", v->color ? "\033[0m" : "");
        lw_render_pad(s, it->duty->to ? lw_date_vi(it->duty->to, d1) : "-", 10);
        lw_render_pad(s, lw_render_when(v, it, d2, sizeof d2), 17);
        lw_render_flat(s, it->duty->activity);
        lw_render_out(s, "\n");
        if (it->duty->deadline_text) {
            lw_render_out(s, "      «");
            lw_render_flat(s, it->duty->deadline_text);
            lw_render_out(s, "»\n");
        }
        if (lw_report_doc_name(r, it->doc)) {
            lw_render_out(s, "      ");
            lw_render_flat(s, lw_report_doc_name(r, it->doc));
            lw_render_out(s, "\n");
        }
        lw_render_out(s, "      %s, %s %d\n", lw_report_shown(r, it->doc->path), LW_LABEL(v, LINE), it->duty->line);
        if (it->answer) {
            lw_render_out(s, "      %s: ", LW_LABEL(v, ANSWER));
            lw_render_flat(s, lw_render_answer_name(r, it->answer, d1));
            lw_render_out(s, " (%s)\n", lw_report_shown(r, it->answer->path));
        }
    }
    if (!any)
        lw_render_out(s, "\n%s\n", LW_LABEL(v, NOTHING));
}
