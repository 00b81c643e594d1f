/* test_support: what the unit tests that extract share: the shipped rules loaded once into
 * a global engine (cmocka group setup and teardown), found through LW_SOURCE_DIR. */
#ifndef TEST_SUPPORT_H
#define TEST_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>

#include "lw_extract.h"

#ifndef LW_SOURCE_DIR
#define LW_SOURCE_DIR "."
#endif

static lw_engine *engine;

static int setup(void **state)
{
    (void)state;
    const char *s = getenv("LW_SOURCE_DIR");
    char rules[1200];
    snprintf(rules, sizeof rules, "%s/rules", s && *s ? s : LW_SOURCE_DIR);
    lw_error err;
    return lw_engine_create(rules, &engine, &err) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    lw_engine_free(engine);
    return 0;
}

#endif
