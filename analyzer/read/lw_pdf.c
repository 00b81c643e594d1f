/* lw_pdf: STUB (issue 18): the helper that owns this reader replaces this file. */
#include "lw_pdf.h"

lw_status lw_pdf_read(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err)
{
    (void)raw;
    (void)len;
    (void)opt;
    *out = NULL;
    return lw_error_set(err, LW_ERR_USAGE, NULL, 0, 0, "not built yet");
}

int lw_pdf_layer_usable(const lw_source *s, char *why, size_t whysize)
{
    (void)s;
    (void)why;
    (void)whysize;
    return 1;
}
