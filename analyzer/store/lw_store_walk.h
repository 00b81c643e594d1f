/* lw_store_walk: what ingest lists to read. The walk of the PATH arguments: folders in name
 * order, hidden entries (.git, .cache) left out, a symbolic link followed only when its
 * target stays below the PATH argument (or with follow), loops and depth bounded, the
 * database's own files never listed. And what a document is (lw_store_walk_is_document):
 * *.txt, and PDFs, images, DOCX and ODT by their content. Nothing is dropped silently:
 * what is not listed is in the report, skipped or failed. Private to ingest. */
#ifndef LW_STORE_WALK_H
#define LW_STORE_WALK_H

#include <sys/stat.h>
#include <sys/types.h>

#include "lw_msg.h"
#include "lw_store_ingest_impl.h"

/* A file or folder by its device and inode: the database's own files, the folders on the
 * way down (a loop through a followed link comes back to one of them). */
typedef struct {
    dev_t dev;
    ino_t ino;
} lw_store_file_id;

/* The files of the database that can lie in a folder ingested: itself, -wal, -shm,
 * -journal, the lock file, a backup. */
#define LW_OWN_FILES_MAX 8

/* The database's own files (its journals, lock and backup) by device and inode. */
typedef struct {
    lw_store_file_id v[LW_OWN_FILES_MAX];
    size_t n;
} lw_store_own_files;

/* Adds the file at path to the lw_store_own_files ud (ignored when it cannot be stat'ed or
 * the table is full); returns 0, the shape of lw_store_files's callback. */
int lw_store_walk_add_own(void *ud, const char *path);

/* Whether the name p ends in .txt (any case). */
int lw_store_walk_has_txt_ext(const char *p);

/* Is this file a document that ingest stores? The one place that decides, asked twice of a
 * file. Before reading it (read_err NULL), from its kind, name and head: plain text is a
 * document when named *.txt, a PDF, image, DOCX, ODT or .doc by its content whatever its
 * name (issue 18). After reading it, from what reading found (read_err LW_ERR_BINARY: bytes
 * that are not text). Returns 1 for a document; else 0 with *why, the message saying why
 * not (LW_MSG_COUNT when read_err's own message says it). */
int lw_store_walk_is_document(const char *name, const struct stat *st, const lw_error *read_err, lw_msg_id *why);

/* Walks the PATH arguments paths[0..npaths) (a PATH argument that is a link is followed:
 * the admin named it) and appends the documents found to l (each item's path and shown
 * owned by l, arg the index of its PATH argument), in walk order; what is not a document,
 * a link kept out, a missing path or a folder that cannot be read goes to rep. follow:
 * follow symbolic links out of the folders given and into linked folders. own: borrowed. */
void lw_store_walk_paths(const char *const *paths, size_t npaths, int follow, const lw_store_own_files *own,
                         file_list *l, lw_ingest_report *rep);

#endif
