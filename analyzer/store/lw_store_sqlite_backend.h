/* lw_store_sqlite_backend: the SQLite back end of the store, as a table of functions
 * (lw_store_backend.h). The default, and so far the only one: lw_store_open uses it. */
#ifndef LW_STORE_SQLITE_BACKEND_H
#define LW_STORE_SQLITE_BACKEND_H

#include "lw_store_backend.h"

extern const lw_store_backend lw_sqlite_backend;

#endif
