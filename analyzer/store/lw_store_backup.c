/* lw_store_backup: the copy of a database taken before its schema is upgraded (see the
 * header). The copy is made on a connection of its own, read-only, before the store opens
 * the database for writing: when it fails, the database has not been touched. */
#include "lw_store_backup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "lw_msg.h"
#include "lw_store_backend.h"
#include "lw_store_schema.h"
#include "lw_store_sqlite.h"

/* "YYYYMMDD-HHMMSS" and its NUL, with room to spare. */
#define BACKUP_STAMP_MAX 32
/* Names tried when the copy's name is taken (two ingests upgrading in the same second):
 * NAME.bak, then NAME-2.bak ... */
#define BACKUP_NAME_TRIES 9

/* The schema version of the lawwatch database at path in *ver, or 0 when it is none that
 * this module should copy (not SQLite, not lawwatch's, empty): lw_store_open says why. A
 * database that cannot be read now (a lock held too long, an I/O error, no memory) is an
 * error: upgrading it without a copy is what this module prevents. */
static lw_status read_version(sqlite3 *db, const char *path, long long *ver, lw_error *err)
{
    *ver = 0;
    long long v = 0, ours = 0;
    int rc = lw_sqlite_query_int(db, "PRAGMA user_version", &v);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT || rc == SQLITE_CANTOPEN)
        return LW_OK;
    if (rc)
        return lw_error_msg(err, rc == SQLITE_NOMEM ? LW_ERR_NOMEM : LW_ERR_DB, path, 0, 0, LW_MSG_STORE_READ,
                            sqlite3_errstr(rc));
    if (v < 1 || v >= LW_STORE_SCHEMA_VERSION)
        return LW_OK;
    rc = lw_sqlite_query_int(db, "SELECT count(*) FROM meta WHERE key = 'app' AND value = 'lawwatch'", &ours);
    if (rc == SQLITE_ERROR) /* no meta table: not a lawwatch database */
        return LW_OK;
    if (rc)
        return lw_error_msg(err, rc == SQLITE_NOMEM ? LW_ERR_NOMEM : LW_ERR_DB, path, 0, 0, LW_MSG_STORE_READ,
                            sqlite3_errstr(rc));
    *ver = ours ? v : 0;
    return LW_OK;
}

/* Flushes the folder holding path, so that the copy's name survives a crash too. */
static int sync_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir)
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* VACUUM INTO the empty file bak (created by the caller): a consistent snapshot of db. The
 * reason of a failure in why (SQLite's words). */
static int vacuum_into(sqlite3 *db, const char *bak, char *why, size_t n)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "VACUUM INTO ?1", -1, &st, NULL);
    if (!rc)
        rc = sqlite3_bind_text(st, 1, bak, -1, SQLITE_STATIC);
    if (!rc)
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
    if (rc)
        snprintf(why, n, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}

lw_status lw_store_backup_before_upgrade(const char *path, int flags, char **backup, lw_error *err)
{
    *backup = NULL;
    struct stat dbst;
    if ((flags & LW_STORE_READONLY) || stat(path, &dbst) != 0 || !S_ISREG(dbst.st_mode) || dbst.st_size == 0)
        return LW_OK;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc) {
        sqlite3_close(db);
        if (rc == SQLITE_NOMEM)
            return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
        return LW_OK; /* cannot open it: lw_store_open says why */
    }
    sqlite3_busy_timeout(db, LW_STORE_BUSY_MS);
    long long ver = 0;
    lw_status st = read_version(db, path, &ver, err);
    if (st || !ver) {
        sqlite3_close(db);
        return st;
    }
    char stamp[BACKUP_STAMP_MAX];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    size_t n = strlen(path) + LW_STORE_BACKUP_SUFFIX_MAX;
    char *bak = malloc(n);
    if (!bak) {
        sqlite3_close(db);
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
    }
    /* created here, exclusively and without following a link, with the database's mode
     * (umask aside): the copy holds what the database holds, for the same readers. VACUUM
     * INTO writes into an empty file; it never fsyncs, so the copy is synced here. */
    char why[LW_STORE_MSG_MAX] = "";
    mode_t mode = dbst.st_mode & 0666;
    int fd = -1;
    for (int k = 1; fd < 0 && k <= BACKUP_NAME_TRIES; k++) {
        if (k == 1)
            snprintf(bak, n, "%s.schema%lld-%s.bak", path, ver, stamp);
        else
            snprintf(bak, n, "%s.schema%lld-%s-%d.bak", path, ver, stamp, k);
        fd = open(bak, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    int made = fd >= 0;
    if (fd < 0 || fchmod(fd, mode) != 0)
        snprintf(why, sizeof why, "%s", strerror(errno));
    else if (vacuum_into(db, bak, why, sizeof why) == SQLITE_OK && (fsync(fd) != 0 || sync_folder(bak) != 0))
        snprintf(why, sizeof why, "%s", strerror(errno));
    if (fd >= 0)
        close(fd);
    sqlite3_close(db);
    if (why[0]) {
        if (made)
            unlink(bak);
        lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_BACKUP_FAILED, ver, bak, why, path);
        free(bak);
        return LW_ERR_DB;
    }
    *backup = bak;
    return LW_OK;
}
