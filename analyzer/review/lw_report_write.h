/* lw_report_write: a built report (lw_report.h) written in one of five formats, each by its
 * own renderer (lw_report_text.c, lw_report_md.c, lw_report_html.c, lw_report_csv.c,
 * lw_report_json.c) over the report's read-only view. Labels come from the message table in
 * the report's language (lw_report_options.english). */
#ifndef LW_REPORT_WRITE_H
#define LW_REPORT_WRITE_H

#include <stdio.h>

#include "lw_common.h"
#include "lw_report.h"

typedef enum { LW_FMT_TEXT, LW_FMT_MD, LW_FMT_HTML, LW_FMT_CSV, LW_FMT_JSON } lw_report_format;

/* Writes r (borrowed) to out (borrowed, flushed, not closed) in a format; LW_ERR_IO when the
 * stream fails, LW_ERR_NOMEM when memory runs out, LW_ERR_USAGE for an unknown format. */
lw_status lw_report_write(const lw_report *r, lw_report_format fmt, FILE *out, lw_error *err);

/* Where the HTML body links (lw_report_write_html_body): a document to doc_href, its id,
 * then doc_href_end; each unit's heading to unit_href, the unit's name percent-encoded, then
 * unit_href_end, with the text unit_link_text. A NULL prefix: no such links. Borrowed. */
typedef struct {
    const char *doc_href, *doc_href_end;
    const char *unit_href, *unit_href_end, *unit_link_text;
} lw_report_links;

/* Writes the HTML body of r (lw_report_html_body: no page around it) with links (NULL: none)
 * to out, with the errors of lw_report_write. */
lw_status lw_report_write_html_body(const lw_report *r, const lw_report_links *links, FILE *out, lw_error *err);

/* Parses "text", "md", "html", "csv", "json"; -1 when none. */
int lw_report_format_parse(const char *s);

#endif
