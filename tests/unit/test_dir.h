/* test_dir: where the unit tests find their data ($LW_SOURCE_DIR, else the source folder
 * compiled in by tests/CMakeLists.txt (LW_SOURCE_DIR), else the working folder), and
 * test_slurp, which reads a data file with the library's own lw_read_file. */
#ifndef TEST_DIR_H
#define TEST_DIR_H

#include <stdlib.h>

#include "lw_file.h"

#ifndef LW_SOURCE_DIR
#define LW_SOURCE_DIR "."
#endif

static inline const char *source_dir(void)
{
    const char *s = getenv("LW_SOURCE_DIR");
    return s && *s ? s : LW_SOURCE_DIR;
}

/* The bytes of the file at path, NUL-terminated (owned, free), *len (may be NULL) their
 * length; NULL (and *len 0) when the file cannot be read. */
static inline unsigned char *test_slurp(const char *path, size_t *len)
{
    unsigned char *b;
    size_t n;
    lw_error e;
    if (len)
        *len = 0;
    if (lw_read_file(path, &b, &n, &e) != LW_OK)
        return NULL;
    if (len)
        *len = n;
    return b;
}

#endif
