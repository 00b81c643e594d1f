/* lw_store_backup: the copy of a database taken before its schema is upgraded. An upgrade
 * rewrites tables in place (lw_store_schema); if the new lawwatch turns out wrong for a
 * department, the copy is how it goes back. The copy sits next to the database as
 * DB.schemaN-YYYYMMDD-HHMMSS.bak (N the old schema version, local time; "-2.bak" ... when
 * that name is taken: never overwritten, no link followed), made by SQLite's
 * VACUUM INTO (a consistent snapshot, readable by the sqlite3 shell), with the database
 * file's own permissions, and fsync'd with its folder before the upgrade may start. */
#ifndef LW_STORE_BACKUP_H
#define LW_STORE_BACKUP_H

#include "lw_common.h"

/* Room for what the copy's name adds to the database's: ".schema" + a version +
 * "-YYYYMMDD-HHMMSS.bak" and the NUL. */
#define LW_STORE_BACKUP_SUFFIX_MAX 64

/* When the database at path is a lawwatch database of an older schema and flags (the
 * LW_STORE_* flags of lw_store_open) allow an upgrade (not LW_STORE_READONLY), copies it
 * to its backup and sets *backup to the copy's path (owned, free()). Otherwise (a missing
 * file, a new or current database, a read-only open, a file that is not a lawwatch
 * database: lw_store_open says what is wrong) does nothing and *backup is NULL.
 * When the copy cannot be made (no space, a folder that cannot be written, a name too
 * long), nothing is left of it and LW_ERR_DB (err->file = path) names both files: the
 * caller must not upgrade. LW_ERR_NOMEM when memory runs out. */
lw_status lw_store_backup_before_upgrade(const char *path, int flags, char **backup, lw_error *err);

#endif
