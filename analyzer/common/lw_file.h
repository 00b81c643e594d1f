/* lw_file: reading a whole file for the stages that take files (documents, rules, data),
 * with the errors a person can act on (a folder, a FIFO, permissions) in the message table. */
#ifndef LW_FILE_H
#define LW_FILE_H

#include <stddef.h>

#include "lw_common.h"

/* The size of one read(2) of lw_read_file: large enough that a document takes a few calls. */
#define LW_FILE_CHUNK 65536

/* Reads the whole regular file at path (a folder, FIFO, socket or device is refused without
 * reading, so a FIFO with no writer cannot hang a batch). *out is owned by the caller (free()),
 * NUL-terminated, *len its length without the NUL; NULL on error. Errors: LW_ERR_IO (with
 * strerror), LW_ERR_NOMEM. */
lw_status lw_read_file(const char *path, unsigned char **out, size_t *len, lw_error *err);

#endif
