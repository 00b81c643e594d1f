/* lw_odt: STUB (issue 18): the helper that owns this reader replaces this file. */
#include "lw_odt.h"

lw_status lw_odt_read(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err)
{
    (void)raw;
    (void)len;
    (void)opt;
    *out = NULL;
    return lw_error_set(err, LW_ERR_USAGE, NULL, 0, 0, "not built yet");
}

