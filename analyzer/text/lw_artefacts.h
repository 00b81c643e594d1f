/* lw_artefacts: what converters and page layout leave in a text that is not the document:
 * markdown emphasis ("**ngày 15/11/2025**", a lone "*W*" glyph), page numbers ("- 2 -",
 * "Trang 2", a bare number between text lines) and running headers (the Official Gazette's
 * "CÔNG BÁO/Số ..."). */
#ifndef LW_ARTEFACTS_H
#define LW_ARTEFACTS_H

#include "lw_common.h"
#include "lw_lines.h"
#include "lw_textmap.h"

/* The markdown pass, in place on b: removes matched emphasis runs. LW_OK or LW_ERR_NOMEM
 * (b unchanged). */
lw_status lw_norm_pass_markdown(lw_tmap *b);

/* Sets LW_LF_DROP on the page numbers and running headers among d's lines (t: their text).
 * LW_OK or LW_ERR_NOMEM (no line marked). */
lw_status lw_lines_mark_artefacts(const char *t, lw_line_doc *d);

#endif
