/* alloc_fail.h: a test allocator that fails the Nth allocation (as SQLite's and jq's test
 * allocators do), for tests/alloc/alloc_run.c.
 *
 * Every allocation made by our code (malloc, calloc, realloc, strdup, strndup, vasprintf,
 * asprintf, realpath, free: the driver is linked with -Wl,--wrap=... so that the static
 * lawwatch_core's calls come here; libc's and other libraries' own calls do not), by
 * jansson (through lw_oom's allocator, which the core installs and which calls malloc) and
 * by SQLite (SQLITE_CONFIG_MALLOC) goes through ONE counter. PCRE2 is left alone: lawwatch uses no PCRE2 general context, so its match data
 * comes from libpcre2's own malloc; libyaml has no allocator hook at all.
 *
 * Blocks are plain malloc blocks (jansson's strings are freed with free(), SQLite's never
 * are), kept in a table pointer -> size and epoch, so that SQLite's xSize has its answer and
 * the blocks allocated since alf_begin() that are still live at the end (leaks) are
 * counted. Not for production: a mutex around a hash table on every allocation. */
#ifndef ALLOC_FAIL_H
#define ALLOC_FAIL_H

#include <stddef.h>

/* Routes SQLite through the counter. Call first in main, before any SQLite or
 * jansson call (SQLITE_CONFIG_MALLOC is refused once SQLite is initialized). Returns 0, or
 * -1 when SQLite refused. */
int alf_install(void);

/* Starts counting: allocations are numbered from 1; the fail_at-th fails (0: none) and, when
 * persist is set, every one after it too. Blocks allocated from now on are of a new epoch. */
void alf_begin(unsigned long fail_at, int persist);
/* Stops counting (nothing fails after this). */
void alf_end(void);
/* Allocations counted since alf_begin. */
unsigned long alf_count(void);
/* Nonzero when an allocation was made to fail since alf_begin. */
int alf_failed(void);
/* Blocks of the current epoch (allocated since alf_begin) still live; when bytes is not
 * NULL, their total size. */
size_t alf_live(size_t *bytes);
/* Prints up to max live blocks of the current epoch (size, first bytes) to stderr. */
void alf_dump_live(int max);

#endif
