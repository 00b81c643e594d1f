/* lw_pdf: the text layer of a PDF (poppler-glib), page by page in reading order, and the
 * judgement whether that layer is worth reading or the pages must be OCR'd instead (scans
 * whose only text is the e-signature stamp, embedded OCR layers that lost the Vietnamese
 * diacritics, fonts whose glyphs map to the wrong letters). */
#ifndef LW_PDF_H
#define LW_PDF_H

#include "lw_read.h"

/* Reads the text layer of the PDF raw[0..len) into *out (owned, lw_source_free; NULL on
 * error): one lw_source line per line of each page's text in reading order, with the text of
 * printed annotations (signature fields holding the number and day, the e-signature stamp)
 * put where it stands on the page and table cells kept apart (form feeds dropped), format
 * LW_SOURCE_PDF_TEXT, pages = the page count. raw is only borrowed for the call. A PDF with
 * a password, a damaged one, one without pages or with more pages than opt->max_pages
 * (0: LW_READ_PAGES_DEFAULT) is an error that names no file (the caller adds the path).
 * Calls opt->progress (when not NULL) after each page. Poppler's complaints about damaged
 * files never reach stderr (see lw_pdf.c). opt may be NULL (defaults). */
lw_status lw_pdf_read(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err);

/* 1 when the text layer s (from lw_pdf_read) is worth reading: most pages hold text beyond
 * the e-signature stamp, the Vietnamese words keep their diacritics, and the letters are
 * Latin/Vietnamese ones (no font mojibake). Else 0, and a short plain Vietnamese reason
 * ("chỉ có dấu chữ ký số ...", "mất dấu tiếng Việt ...", "lỗi phông chữ ...", "không có lớp
 * chữ ...") with the measure behind it in why (whysize bytes, NUL-terminated, truncated;
 * why may be NULL). When usable, why gets "". */
int lw_pdf_layer_usable(const lw_source *s, char *why, size_t whysize);

/* The measures lw_pdf_layer_usable decides by, exposed for tests and for the README. */
typedef struct {
    unsigned pages;            /* pages of the source */
    unsigned text_pages;       /* pages with LW_PDF_PAGE_MIN_LETTERS letters and digits besides the stamp */
    unsigned stamp_lines;      /* lines of the e-signature stamp seen (and left out of every measure) */
    size_t letters;            /* letters outside the stamp */
    size_t odd_letters;        /* of those, letters that are neither Latin nor Vietnamese */
    size_t words;              /* words of letters only (punctuation around them aside) */
    size_t vn_words;           /* of those, words that read as Vietnamese syllables once unmarked */
    size_t vn_marked;          /* of those, words with a Vietnamese diacritic (or đ) */
} lw_pdf_layer_stats;

/* A page holds text when it has this many letters and digits outside the stamp (a stamp
 * leaves fewer; the shortest real letter page has several times more; a page of figures
 * counts by its digits). */
#define LW_PDF_PAGE_MIN_LETTERS 100

/* Below this share (percent) of Vietnamese words with diacritics, the layer lost them (real
 * Vietnamese text: 40-90 %; the stripped OCR layers of the corpus: 0-2 %). */
#define LW_PDF_MIN_MARKED_PCT 20

/* Below this share (percent) of words that have the shape of a Vietnamese syllable, the
 * layer's letters are not the document's (the real PDFs: 93-99 %; diacritics lost: 44-48 %;
 * letters shifted or swapped by a font: 0-4 %). */
#define LW_PDF_MIN_SYLLABLE_PCT 30

void lw_pdf_layer_measure(const lw_source *s, lw_pdf_layer_stats *st);

#endif
