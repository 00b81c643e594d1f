/* lw_ocr: STUB (issue 18): the helper that owns this reader replaces this file. */
#ifndef LW_OCR_H
#define LW_OCR_H

#include "lw_read.h"

lw_status lw_ocr_pdf(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err);
lw_status lw_ocr_image(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err);
#endif
