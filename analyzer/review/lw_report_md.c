/* lw_report_md: the report as Markdown: a summary table, then per unit a table of its
 * listed items. */
#include <string.h>

#include "lw_report_render.h"

void lw_report_md_write(const lw_report *r, lw_render_sink *s)
{
    const lw_report_summary *v = lw_report_summary_of(r);
    char d1[LW_RENDER_DATE_SIZE], d2[LW_RENDER_WHEN_MAX];
    lw_render_out(s, "# %s — %s %s\n\n", LW_LABEL(v, TITLE), LW_LABEL(v, AS_OF), lw_date_vi(v->as_of, d1));
    char note[LW_RENDER_NOTE_MAX];
    if (*lw_render_stale_note(v, note, sizeof note)) {
        lw_render_out(s, "> **");
        lw_render_md(s, note);
        lw_render_out(s, "**\n\n");
    }
    lw_render_out(s, "| %s | %s |\n| --- | ---: |\n", LW_LABEL(v, STATUS), "N");
    for (int st = 0; st < LW_RS_COUNT; st++)
        lw_render_out(s, "| %s | %zu |\n", lw_render_status_label(v, st), v->counts[st]);
    lw_render_out(s, "\n(");
    lw_render_out(s, LW_LABEL(v, WINDOW), v->window);
    lw_render_since(v, s, ", ");
    lw_render_out(s, ")\n");
    if (*lw_render_older_note(v, note, sizeof note))
        lw_render_out(s, "\n%s\n", note);
    if (*lw_render_directing_note(v, note, sizeof note))
        lw_render_out(s, "\n%s\n", note);
    const char *last = NULL;
    for (const lw_report_item *it = lw_report_first(r); it; it = lw_report_next(r)) {
        if (!lw_report_listed(it->status))
            continue;
        if (!last || strcmp(last, it->unit)) {
            lw_render_out(s, "\n## ");
            lw_render_md(s, it->unit);
            if (it->no_unit)
                lw_render_out(s, "\n\n%s", LW_LABEL(v, NO_UNIT_NOTE));
            else if (it->whole_group)
                lw_render_out(s, "\n\n%s", LW_LABEL(v, GROUP_NOTE));
            lw_render_out(s, "\n\n| %s | %s | | %s | %s | %s |\n| --- | --- | --- | --- | --- | --- |\n",
                          LW_LABEL(v, STATUS),
                LW_LABEL(v, DEADLINE), LW_LABEL(v, DUTY), LW_LABEL(v, WORDS), LW_LABEL(v, DOCUMENT));
        }
        last = it->unit;
        lw_render_out(s, "| %s | %s | %s | ", lw_render_status_label(v, it->status),
                      it->duty->to ? lw_date_vi(it->duty->to, d1) : "–", lw_render_when(v, it, d2, sizeof d2));
        lw_render_md(s, it->duty->activity);
        lw_render_out(s, " | ");
        lw_render_md(s, it->duty->deadline_text);
        lw_render_out(s, " | ");
        if (lw_report_doc_name(r, it->doc)) {
            lw_render_md(s, lw_report_doc_name(r, it->doc));
            lw_render_out(s, " (");
        }
        lw_render_md(s, lw_report_shown(r, it->doc->path));
        lw_render_out(s, ", %s %d%s", LW_LABEL(v, LINE), it->duty->line, lw_report_doc_name(r, it->doc) ? ")" : "");
        if (it->answer) {
            lw_render_out(s, "; %s: ", LW_LABEL(v, ANSWER));
            lw_render_md(s, lw_render_answer_name(r, it->answer, d1));
            lw_render_out(s, " (");
            lw_render_md(s, lw_report_shown(r, it->answer->path));
            lw_render_out(s, ")");
        }
        lw_render_out(s, " |\n");
    }
}
