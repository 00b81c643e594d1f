/* lw_odt: the OpenDocument text reader (.odt): content.xml as LibreOffice shows it, one
 * source line per paragraph or heading (page 0, paragraph 1-based), as lw_docx does:
 *   - spaces (text:s), tabs and line breaks as shown; notes after the body as "[1] text";
 *   - list items get their label from the list style ("1.", "a)", "I.1." with
 *     display-levels, a bullet), a new list starting over unless it continues another;
 *   - tables of three columns or more as Markdown pipe tables (covered cells empty), of one
 *     or two as lines (lw_docx.h says why);
 *   - the first master page's header before the body and its footer after (styles.xml),
 *     without page numbers.
 * Hostile files are refused with a clear error (lw_zipxml.h). */
#ifndef LW_ODT_H
#define LW_ODT_H

#include "lw_read.h"

/* Reads raw[0..len) (an .odt) into *out (owned, lw_source_free; format LW_SOURCE_ODT).
 * opt may be NULL. Errors name no file. */
lw_status lw_odt_read(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err);
#endif
