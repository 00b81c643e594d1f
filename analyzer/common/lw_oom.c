/* lw_oom: the per-thread count of failed allocations (see lw_oom.h) and the jansson
 * allocator that feeds it. */
#include "lw_oom.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>

static _Thread_local unsigned long failures;
static pthread_once_t json_once = PTHREAD_ONCE_INIT;

void lw_oom_note(void) { failures++; }

static void *json_malloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        failures++;
    return p;
}

static void json_free(void *p) { free(p); }

static void install_json(void) { json_set_alloc_funcs(json_malloc, json_free); }

unsigned long lw_oom_mark(void)
{
    pthread_once(&json_once, install_json);
    return failures;
}

int lw_oom_since(unsigned long mark) { return failures != mark; }

char *lw_json_dumps(const json_t *json, size_t flags)
{
    unsigned long mark = lw_oom_mark();
    char *s = json_dumps(json, flags);
    if (s && lw_oom_since(mark)) {
        free(s);
        return NULL;
    }
    return s;
}
