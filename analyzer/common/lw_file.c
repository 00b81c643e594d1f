/* lw_file: whole-file reading (see lw_file.h). */
#include "lw_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lw_msg.h"

lw_status lw_read_file(const char *path, unsigned char **out, size_t *len, lw_error *err)
{
    *out = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO with no writer must not hang the batch; anything but a
     * regular file (FIFO, socket, device) is refused before a byte is read */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return lw_error_msg(err, LW_ERR_IO, path, 0, 0, LW_MSG_FILE_OPEN, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return lw_error_msg(err, LW_ERR_IO, path, 0, 0, LW_MSG_FILE_READ, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return lw_error_msg(err, LW_ERR_IO, path, 0, 0, LW_MSG_FILE_IS_DIR);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return lw_error_msg(err, LW_ERR_IO, path, 0, 0, LW_MSG_NOT_REGULAR_FILE);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl != -1)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        return lw_error_msg(err, LW_ERR_IO, path, 0, 0, LW_MSG_FILE_OPEN, strerror(e));
    }
    lw_buf b = {0};
    char chunk[LW_FILE_CHUNK];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (lw_buf_append(&b, chunk, n)) {
            fclose(f);
            lw_buf_free(&b);
            return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_FILE_READ_NOMEM);
        }
    }
    if (ferror(f)) {
        int e = errno;
        fclose(f);
        lw_buf_free(&b);
        return lw_error_msg(err, LW_ERR_IO, path, 0, 0, LW_MSG_FILE_READ, strerror(e));
    }
    fclose(f);
    *out = (unsigned char *)lw_buf_detach(&b, len);
    if (!*out)
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
    return LW_OK;
}
