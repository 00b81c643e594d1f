/* lw_oom: allocation failures remembered per thread, read at the boundaries of an operation.
 *
 * jansson reports a failed allocation only through the return value of the one call that
 * made it, and the code that builds a fact, a row or a finding calls json_object_set_new and
 * friends dozens of times in a row; lw_buf's appends likewise. Rather than a check after
 * each (a failure then drops a key silently when one is missed), a failure is counted here,
 * sticky as FTS5's rc: an operation takes a mark when it starts and fails with LW_ERR_NOMEM
 * at its end when a failure was noted since. Nesting is safe: a mark is a count, never
 * reset. Noted by the jansson allocator installed here and by lw_buf_reserve; code that
 * checks its own allocation and fails cleanly needs no note. */
#ifndef LW_OOM_H
#define LW_OOM_H

#include <jansson.h>

/* Notes one failed allocation on the calling thread. */
void lw_oom_note(void);

/* The calling thread's count of failures so far. The first call also routes jansson's
 * allocations through malloc/free with a note on failure (json_set_alloc_funcs, once per
 * process: a program that sets its own jansson allocator loses only the notes). */
unsigned long lw_oom_mark(void);

/* Nonzero when a failure was noted on this thread since mark (from lw_oom_mark). */
int lw_oom_since(unsigned long mark);

/* json_dumps, NULL when any allocation failed on the way: jansson 2.14 ignores a failure
 * while writing an object's key and goes on, so its text can lack a key yet be returned.
 * Owned, free with free(). */
char *lw_json_dumps(const json_t *json, size_t flags);

#endif
