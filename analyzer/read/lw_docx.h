/* lw_docx: STUB (issue 18): the helper that owns this reader replaces this file. */
#ifndef LW_DOCX_H
#define LW_DOCX_H

#include "lw_read.h"

lw_status lw_docx_read(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err);
#endif
