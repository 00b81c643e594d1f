/* lw_docx: the Word reader (.docx, Office Open XML): the text of word/document.xml as Word
 * shows it, one source line per paragraph (a line break inside a paragraph starts another
 * line of the same paragraph; page 0, paragraph 1-based, blank paragraphs take no number).
 *   - Runs are joined; a tab is '\t'; symbols (w:sym) and no-break hyphens are shown as text;
 *     deleted text and field codes are left out, a field's shown value is kept.
 *   - List paragraphs get the label Word draws ("1.", "a)", "II.", "1.2.", a bullet) from
 *     numbering.xml (and the paragraph style's list), counted as Word counts.
 *   - A table of three columns or more becomes a Markdown pipe table ("| a | b | c |", a
 *     "| --- |" row under the first, merged cells as empty cells, paragraphs in a cell joined
 *     by "<br>"): what the duty-table extractor reads. A table of one or two columns is a
 *     layout (a letter's header, the signature block): its cells' paragraphs become lines,
 *     row by row, left to right, as the header extractor reads a text file.
 *   - The first section's header (first page's, then the others') comes before the body and
 *     its footer after, each once, without page numbers; footnotes follow the body as
 *     "[n] text"; text boxes follow the paragraph they are anchored in.
 * Hostile files are refused with a clear error (lw_zipxml.h: sizes, zip bombs, DTDs and
 * entities, depth). An old binary .doc is not read here: the dispatcher refuses it. */
#ifndef LW_DOCX_H
#define LW_DOCX_H

#include "lw_read.h"

/* Reads raw[0..len) (a .docx) into *out (owned, lw_source_free; format LW_SOURCE_DOCX).
 * opt may be NULL; its progress callback, when set, is told (1, 1) once done. Errors name
 * no file. */
lw_status lw_docx_read(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err);
#endif
