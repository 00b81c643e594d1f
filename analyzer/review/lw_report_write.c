/* lw_report_write: the report in the format asked, through the renderer of that format
 * (see lw_report_write.h). */
#include "lw_report_write.h"

#include <string.h>

#include "lw_msg.h"
#include "lw_oom.h"
#include "lw_report_render.h"

/* Writes r to f in fmt, or its HTML body with links when body is set. */
static lw_status write_any(const lw_report *r, lw_report_format fmt, int body, const lw_report_links *links, FILE *f,
                           lw_error *err)
{
    lw_render_sink s = {f, 0, 0, {0}};
    unsigned long oom = lw_oom_mark(); /* the renderers' buffers and JSON: noted there */
    if (body) {
        lw_report_html_body(r, links, &s);
    } else {
        switch (fmt) {
        case LW_FMT_TEXT: lw_report_text_write(r, &s); break;
        case LW_FMT_MD: lw_report_md_write(r, &s); break;
        case LW_FMT_HTML: lw_report_html_write(r, &s); break;
        case LW_FMT_CSV: lw_report_csv_write(r, &s); break;
        case LW_FMT_JSON: lw_report_json_write(r, &s); break;
        default: return lw_error_msg(err, LW_ERR_USAGE, NULL, 0, 0, LW_MSG_REPORT_FORMAT, (int)fmt);
        }
    }
    lw_render_drain(&s);
    lw_buf_free(&s.b);
    /* issue 20: the items are read back from a temporary file (lw_extsort) */
    if (lw_report_read_failed(r) == LW_ERR_IO)
        return lw_error_msg(err, LW_ERR_IO, NULL, 0, 0, LW_MSG_RPB_READ);
    if (s.nomem || lw_oom_since(oom) || lw_report_read_failed(r))
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (fflush(f) || ferror(f) || s.bad)
        return lw_error_msg(err, LW_ERR_IO, NULL, 0, 0, LW_MSG_REPORT_WRITE);
    return LW_OK;
}

lw_status lw_report_write(const lw_report *r, lw_report_format fmt, FILE *f, lw_error *err)
{
    return write_any(r, fmt, 0, NULL, f, err);
}

lw_status lw_report_write_html_body(const lw_report *r, const lw_report_links *links, FILE *out, lw_error *err)
{
    return write_any(r, LW_FMT_HTML, 1, links, out, err);
}

int lw_report_format_parse(const char *s)
{
    static const char *const names[] = {"text", "md", "html", "csv", "json"};
    for (int i = 0; i < (int)(sizeof names / sizeof *names); i++)
        if (s && !strcmp(s, names[i]))
            return i;
    return -1;
}
