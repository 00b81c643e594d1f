/* test_dir: where the unit tests find their data: $LW_SOURCE_DIR, else the source folder
 * compiled in by tests/CMakeLists.txt (LW_SOURCE_DIR), else the working folder. */
#ifndef TEST_DIR_H
#define TEST_DIR_H

#include <stdlib.h>

#ifndef LW_SOURCE_DIR
#define LW_SOURCE_DIR "."
#endif

static inline const char *source_dir(void)
{
    const char *s = getenv("LW_SOURCE_DIR");
    return s && *s ? s : LW_SOURCE_DIR;
}

#endif
