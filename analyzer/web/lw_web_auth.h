/* lw_web_auth: the users of `lawwatch serve --auth FILE` and the check of an HTTP Basic
 * login. FILE holds one `user:HASH` a line (blank lines and # comments skipped), HASH a
 * crypt(3) hash as libxcrypt makes it: yescrypt ($y$, what --hash-password writes), SHA-512
 * ($6$), SHA-256 ($5$) or bcrypt ($2b$). A plaintext password, a weak or unknown method
 * (MD5 $1$, DES) or a damaged hash refuses the whole file at its line: a server must not run
 * with a login nobody meant. Passwords are checked with crypt_rn and the result compared with
 * the stored hash in constant time; an unknown user is hashed against a real user's hash, so
 * that the answer takes as long as for a wrong password (user names cannot be probed by
 * timing). Uses libxcrypt (crypt.h) only. */
#ifndef LW_WEB_AUTH_H
#define LW_WEB_AUTH_H

#include <stddef.h>

typedef struct lw_web_auth lw_web_auth;

/* The longest message of lw_web_auth_load. */
#define LW_WEB_AUTH_MSG_MAX 1024

/* Reads the users of path into *out (owned, lw_web_auth_free). On failure -1, *out NULL and
 * msg says where and why ("FILE:LINE: vi (en)"); on success 0, and *warn (may be NULL) is
 * set when the file can be read by other users of the machine (a message in msg then). */
int lw_web_auth_load(const char *path, lw_web_auth **out, int *warn, char *msg, size_t size);
void lw_web_auth_free(lw_web_auth *a);
/* Number of users. */
size_t lw_web_auth_count(const lw_web_auth *a);

/* 1 when user and password (both may be NULL: a request without credentials) name a user of
 * a with its password, else 0. Costs one hash whatever the answer (none when both are NULL),
 * and is safe from several threads at once. */
int lw_web_auth_check(const lw_web_auth *a, const char *user, const char *password);

/* A new yescrypt hash of password into out (size bytes, at least 256): 0, or -1 when the
 * system's random source or libxcrypt fails. */
int lw_web_auth_hash(const char *password, char *out, size_t size);

#endif
