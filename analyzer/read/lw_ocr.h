/* lw_ocr: the reader of scans. A scanned PDF's pages are rendered at opt->dpi (poppler +
 * cairo, 8-bit gray as `pdftoppm -r 300 -gray` makes them), images (PNG, JPEG, TIFF; each
 * page of a multi-page TIFF is a page) are decoded by leptonica, and both are recognized by
 * tesseract's C API with the Vietnamese data ("vie", package tesseract-ocr-vie). The text is
 * what `tesseract IMAGE - -l vie` prints (lines in its reading order, a blank line after each
 * paragraph), one lw_source line per text line with its page, and every word with its
 * confidence, so a fact built on a doubtful word can say so.
 *
 * Pages are spread over opt->jobs threads (one tesseract engine each; pages handed out in
 * order, results put back in page order): the output is the same whatever the job count. */
#ifndef LW_OCR_H
#define LW_OCR_H

#include "lw_read.h"

/* A PDF's pages OCR'd into *out (owned, lw_source_free; NULL on error), format
 * LW_SOURCE_PDF_OCR. More pages than opt->max_pages is an error naming the cap; errors name
 * the page ("trang 3: ...") but not the file. */
lw_status lw_ocr_pdf(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err);
/* An image (PNG, JPEG, TIFF, multi-page TIFF) OCR'd into *out (owned; NULL on error),
 * format LW_SOURCE_IMAGE_OCR. */
lw_status lw_ocr_image(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err);

#endif
