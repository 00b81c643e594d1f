/* lw_report_csv: the report as CSV (RFC 4180, CRLF): one row per item, listed or not, with
 * the columns of DESIGN.md. */
#include <stdio.h>

#include "lw_report_render.h"

void lw_report_csv_write(const lw_report *r, lw_render_sink *s)
{
    const lw_report_summary *v = lw_report_summary_of(r);
    const char *head[] = {"as_of",  "unit", "status", "deadline_from", "deadline_to", "days",
                          "activity", "deadline_text", "document", "path", "line", "id",
                          "answer", "answer_path", "answer_date", "answer_id"};
    size_t nh = sizeof head / sizeof *head;
    for (size_t i = 0; i < nh; i++)
        lw_render_csv(s, head[i], i == nh - 1);
    for (const lw_report_item *it = lw_report_first(r); it; it = lw_report_next(r)) {
        char days[LW_RENDER_NUM_MAX] = "", line[LW_RENDER_NUM_MAX];
        if (it->duty->to)
            snprintf(days, sizeof days, "%ld", (long)it->days);
        snprintf(line, sizeof line, "%d", it->duty->line);
        lw_render_csv(s, v->as_of, 0);
        lw_render_csv(s, it->unit, 0);
        lw_render_csv(s, lw_render_status_id(it->status), 0);
        lw_render_csv(s, it->duty->from, 0);
        lw_render_csv(s, it->duty->to, 0);
        lw_render_csv(s, days, 0);
        lw_render_csv(s, it->duty->activity, 0);
        lw_render_csv(s, it->duty->deadline_text, 0);
        lw_render_csv(s, lw_report_doc_name(r, it->doc), 0);
        lw_render_csv(s, lw_report_shown(r, it->doc->path), 0);
        lw_render_csv(s, line, 0);
        char id[LW_RENDER_NUM_MAX], aid[LW_RENDER_NUM_MAX] = "";
        snprintf(id, sizeof id, "%lld", it->doc->id);
        if (it->answer)
            snprintf(aid, sizeof aid, "%lld", it->answer->id);
        lw_render_csv(s, id, 0);
        lw_render_csv(s, it->answer ? lw_report_doc_name(r, it->answer) : NULL, 0);
        lw_render_csv(s, it->answer ? lw_report_shown(r, it->answer->path) : NULL, 0);
        lw_render_csv(s, it->answer ? it->answer->date : NULL, 0);
        lw_render_csv(s, aid, 1);
    }
}
