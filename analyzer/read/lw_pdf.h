/* lw_pdf: STUB (issue 18): the helper that owns this reader replaces this file. */
#ifndef LW_PDF_H
#define LW_PDF_H

#include "lw_read.h"

lw_status lw_pdf_read(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err);
/* 1 when the text layer of s is worth reading (diacritics kept, no mojibake, more than a stamp); else 0 and why (a short plain reason) in why. */
int lw_pdf_layer_usable(const lw_source *s, char *why, size_t whysize);
#endif
