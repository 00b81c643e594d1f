/* lw_zipxml: the ZIP and XML layer under the Word (lw_docx) and OpenDocument (lw_odt)
 * readers, built to survive hostile files: the archive is opened from memory (libzip), an
 * entry is inflated with its bytes counted as they come (the sizes an archive states can
 * lie) against a total cap and a compression-ratio cap (a zip bomb is refused, not
 * inflated), and an entry's XML is parsed by libxml2 without DTDs, entities or network
 * (a document with a DOCTYPE is refused outright, so billion laughs never starts), then
 * its depth and element count are checked before a reader walks it.
 *
 * Errors name the archive's entry ("word/document.xml: ...") but not the file: the
 * dispatcher (lw_read_source) puts the path in front. */
#ifndef LW_ZIPXML_H
#define LW_ZIPXML_H

#include <stddef.h>

#include <libxml/tree.h>

#include "lw_common.h"
#include "lw_source.h"

/* What a hostile archive may cost. Real Word/ODT XML inflates 5-25 times; zeros do ~1000. */
#define LW_ZIP_TOTAL_MAX ((size_t)64 * 1024 * 1024) /* bytes inflated per file, all entries read */
#define LW_ZIP_ENTRIES_MAX 20000                     /* entries in the archive */
#define LW_ZIP_RATIO_MAX 100                         /* inflated / compressed, per entry... */
#define LW_ZIP_RATIO_FLOOR ((size_t)1024 * 1024)     /* ...once an entry passes this size */
#define LW_XML_DEPTH_MAX 200                         /* element nesting */
#define LW_XML_NODES_MAX 4000000                     /* nodes in one entry */

/* An archive opened over borrowed bytes (they must outlive it). */
typedef struct lw_zip lw_zip;

/* Opens raw[0..len) as a ZIP archive. *out owned (lw_zip_close); NULL on error
 * (LW_ERR_DATA: not a ZIP, truncated or damaged; LW_ERR_LIMIT: too many entries). */
lw_status lw_zip_open(const unsigned char *raw, size_t len, lw_zip **out, lw_error *err);
void lw_zip_close(lw_zip *z);
/* lw_zip_open, then the entry part the format cannot do without (word/document.xml,
 * content.xml) must be there: else LW_ERR_DATA naming it and the format (what, "Word .docx"). */
lw_status lw_zip_open_doc(const unsigned char *raw, size_t len, const char *part, const char *what, lw_zip **out,
                          lw_error *err);

/* 1 when the archive holds an entry of that name (exact, else ignoring case). */
int lw_zip_has(lw_zip *z, const char *name);

/* Inflates the entry name into *data (owned, free(); NUL-terminated; *len without the NUL).
 * A missing entry is LW_ERR_DATA naming it; a bomb, or more than LW_ZIP_TOTAL_MAX inflated
 * over all the entries this archive has read, LW_ERR_LIMIT. */
lw_status lw_zip_read(lw_zip *z, const char *name, char **data, size_t *len, lw_error *err);

/* Parses the XML of entry name (data[0..len), as lw_zip_read gave it) safely; *out owned
 * (xmlFreeDoc). name is for the messages. LW_ERR_DATA for malformed XML or a DOCTYPE,
 * LW_ERR_LIMIT for nesting or size past the caps above. */
lw_status lw_xml_parse(const char *data, size_t len, const char *name, xmlDoc **out, lw_error *err);

/* lw_zip_read then lw_xml_parse. */
lw_status lw_zip_read_xml(lw_zip *z, const char *name, xmlDoc **out, lw_error *err);

/* ---- walking the tree (helpers both readers share) ---- */

/* 1 when n is an element of local name `name` whose namespace URI is ns (any when ns is NULL). */
int lw_xml_is(const xmlNode *n, const char *ns, const char *name);
/* The value of n's attribute of local name `name`, whatever its prefix; borrowed from the
 * tree, NULL when absent. */
const char *lw_xml_attr(const xmlNode *n, const char *name);
/* The first element child of n that lw_xml_is(c, ns, name), or NULL. */
xmlNode *lw_xml_child(const xmlNode *n, const char *ns, const char *name);

/* Copies the UTF-8 string src (NULL: "") into dst[size], cut at a character's boundary when
 * it does not fit, so that a cut never leaves half a character. */
void lw_xml_copy(char *dst, size_t size, const char *src);

/* Appends the UTF-8 of the code point cp to b (a code point of the Symbol/Wingdings private
 * range U+F0xx is mapped to what it shows: ASCII as itself, bullets to U+2022).
 * Returns 0, -1 when out of memory. */
int lw_xml_put_cp(lw_buf *b, unsigned long cp);

/* ---- building the source (both readers write paragraphs and table rows alike) ---- */

/* Where a reader's paragraphs go: the source and the paragraphs given so far. */
typedef struct {
    lw_source *src; /* borrowed */
    uint32_t para;  /* the last paragraph's number (1-based), 0 before the first */
} lw_emit;

/* Adds t[0..n) as the next paragraph: one line of the source per line of it (a '\n' in t is
 * a line break inside the paragraph; each line trimmed, blank ones left out). A paragraph
 * all blank is not added and takes no number; with page_number set, neither is one that is
 * only a page number ("2", "- 2 -", "Trang 2": a header's or footer's field).
 * Returns 0, -1 when out of memory. */
int lw_emit_para(lw_emit *e, const char *t, size_t n, int page_number);

/* Appends a paragraph t[0..n) to a table cell's text as the pipe table of the extractor
 * reads it (lw_duty_table.h): paragraphs and line breaks as "<br>", '|' escaped as "\\|",
 * tabs as spaces. Returns 0, -1 when out of memory. */
int lw_emit_cell_add(lw_buf *cell, const char *t, size_t n);

/* Adds a table row "| a | b |  |" of n cells as the next paragraph; with separator set,
 * the Markdown separator row "| --- | --- | --- |" follows it (under a table's first row).
 * Returns 0, -1 when out of memory. */
int lw_emit_row(lw_emit *e, const lw_buf *cells, size_t n, int separator);

/* Adds a table's caption row (one cell across the table: "PHỤ LỤC ..." over the column
 * labels) as a paragraph of its own, so that the row under it heads the pipe table; cell is
 * as lw_emit_cell_add built it ("<br>" back to line breaks). Returns 0, -1 when out of memory. */
int lw_emit_caption(lw_emit *e, const lw_buf *cell);

#endif
