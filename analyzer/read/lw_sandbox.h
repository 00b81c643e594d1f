/* lw_sandbox: runs a reader on an untrusted file in a fork()ed child process with limits
 * (address space, CPU time (per OCR thread), no core and no file written), so that a malformed PDF, a zip bomb
 * or a file that makes a library loop costs one clear error naming the file, never the
 * process or the batch. The child sends the lw_source (lw_source_serialize) or the reader's
 * error back over a pipe, with progress messages as pages are done; the parent waits with a
 * wall-clock timeout, kills the child past it and always reaps it.
 *
 * Safe to call from several threads at once: no global state in the parent (each call waits
 * for its own pid), pipe ends close-on-exec and closed in the child but for its own. */
#ifndef LW_SANDBOX_H
#define LW_SANDBOX_H

#include <stddef.h>

#include "lw_read.h"

/* The most bytes a child may send back (a serialized source of a 16 MB text with its lines
 * and OCR words is well under): more is damaged data (LW_MSG_SOURCE_BAD). */
#define LW_SANDBOX_REPLY_MAX ((size_t)512 * 1024 * 1024)

/* Seconds of wall clock and of CPU (per OCR thread) a file gets for each of its pages on top
 * of opt->max_wall and opt->max_cpu, from when its reader says how many it has (progress,
 * counted up to opt->max_pages): OCR takes seconds a page, and the page cap, not the clock,
 * is what bounds a long scan. */
#define LW_SANDBOX_SECONDS_PER_PAGE 10

/* Runs fn(raw, len, opt, out, err) in a child with opt's limits (max_memory is the address
 * space the reader may add to what the child inherits; not set under AddressSanitizer, which
 * reserves terabytes) and returns what it returned: *out owned (lw_source_free) on LW_OK,
 * NULL otherwise. opt->progress (when not NULL) is called in this process, in this thread.
 * Errors name path (err->file) and say plainly how the child ended:
 *   LW_ERR_LIMIT  CPU time (SIGXCPU, or SIGKILL at the hard limit), memory (the reader ran out
 *                 of its address space), wall timeout (killed here);
 *   LW_ERR_DATA   crashed (SIGSEGV, SIGABRT...: the file is damaged or unreadable), exited
 *                 without an answer, or sent bad data (LW_MSG_SOURCE_BAD);
 *   LW_ERR_IO     the child could not be started (pipe, fork);
 *   the reader's own status and message otherwise (page cap, damaged file...). */
lw_status lw_sandbox_run(const char *path, lw_reader_fn fn, const unsigned char *raw, size_t len,
                         const lw_read_options *opt, lw_source **out, lw_error *err);

#endif
