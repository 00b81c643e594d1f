/* lw_web_auth: the users of `lawwatch serve --auth FILE` and the check of a login (see
 * lw_web_auth.h). */
#define _GNU_SOURCE
#include "lw_web_auth.h"

#include <crypt.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The longest user name, in bytes. */
#define USER_MAX 64

typedef struct {
    char name[USER_MAX + 1];
    /* the stored hash, zero-padded to the full size so that the comparison always reads
     * CRYPT_OUTPUT_SIZE bytes of both sides */
    char hash[CRYPT_OUTPUT_SIZE];
} user;

struct lw_web_auth {
    user *users;
    size_t n;
};

/* The methods a line may use: libxcrypt's strong ones. */
static const char *const strong[] = {"$y$", "$6$", "$5$", "$2b$"};

static int say(char *msg, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
    return -1;
}

/* Why hash cannot be used, as "vi (en)", or NULL when it is a sound hash of a strong method. */
static const char *hash_problem(const char *hash)
{
    int known = 0;
    for (size_t i = 0; i < sizeof strong / sizeof *strong; i++)
        known |= !strncmp(hash, strong[i], strlen(strong[i]));
    if (!known) {
        if (!strncmp(hash, "$1$", 3))
            return "mã băm MD5 ($1$) quá yếu; hãy tạo lại bằng lawwatch serve --hash-password "
                   "(an MD5 hash, $1$, is too weak; make a new one with lawwatch serve --hash-password)";
        if (hash[0] != '$' && strlen(hash) == 13 &&
            strspn(hash, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == 13)
            return "mã băm DES quá yếu; hãy tạo lại bằng lawwatch serve --hash-password "
                   "(a DES hash is too weak; make a new one with lawwatch serve --hash-password)";
        if (hash[0] == '$')
            return "phương pháp băm không được nhận; chỉ nhận $y$ (yescrypt), $6$, $5$, $2b$ "
                   "(unknown or refused hash method; only $y$ (yescrypt), $6$, $5$ and $2b$ are accepted)";
        return "đây không phải mã băm mà có vẻ là mật khẩu viết thẳng; tạo mã băm bằng lawwatch serve "
               "--hash-password (this is not a hash but looks like a plaintext password; make a hash with "
               "lawwatch serve --hash-password)";
    }
    /* libxcrypt calls $5$ legacy; the list above decides which methods are strong enough */
    int cs = crypt_checksalt(hash);
    if (cs == CRYPT_SALT_INVALID || cs == CRYPT_SALT_METHOD_DISABLED)
        return "thư viện crypt không nhận mã băm này (libxcrypt refuses this hash)";
    /* a damaged or cut hash: hashing with it must give a hash of the same length */
    struct crypt_data *d = calloc(1, sizeof *d);
    if (!d)
        return "hết bộ nhớ (out of memory)";
    const char *r = crypt_rn("lawwatch", hash, d, (int)sizeof *d);
    int ok = r && r[0] == '$' && strlen(r) == strlen(hash);
    free(d);
    return ok ? NULL
              : "mã băm bị hỏng hoặc bị cắt; hãy tạo lại bằng lawwatch serve --hash-password "
                "(the hash is damaged or cut; make a new one with lawwatch serve --hash-password)";
}

/* Reads one line's user into a->users (grown); -1 with msg on a bad line. */
static int add_line(lw_web_auth *a, char *line, const char *path, long no, char *msg, size_t size)
{
    char *colon = strchr(line, ':');
    if (!colon || colon == line)
        return say(msg, size, "%s:%ld: dòng phải có dạng người_dùng:MÃ_BĂM (a line must be user:HASH)", path, no);
    *colon = '\0';
    const char *name = line, *hash = colon + 1;
    size_t nlen = strlen(name);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x21 || *p == 0x7f)
            return say(msg, size, "%s:%ld: tên người dùng có khoảng trắng hoặc ký tự điều khiển "
                                  "(the user name holds a space or a control character)", path, no);
    if (nlen > USER_MAX)
        return say(msg, size, "%s:%ld: tên người dùng dài quá %d byte (the user name is longer than %d bytes)", path,
                   no, USER_MAX, USER_MAX);
    const char *why = hash_problem(hash);
    if (!why && strlen(hash) >= CRYPT_OUTPUT_SIZE)
        why = "mã băm quá dài (the hash is too long)";
    if (why)
        return say(msg, size, "%s:%ld: người dùng '%s': %s", path, no, name, why);
    for (size_t i = 0; i < a->n; i++)
        if (!strcmp(a->users[i].name, name))
            return say(msg, size, "%s:%ld: người dùng '%s' đã có ở một dòng trước (user '%s' is given twice)", path,
                       no, name, name);
    user *u = realloc(a->users, (a->n + 1) * sizeof *u);
    if (!u)
        return say(msg, size, "%s: hết bộ nhớ (out of memory)", path);
    a->users = u;
    memset(&u[a->n], 0, sizeof *u);
    memcpy(u[a->n].name, name, nlen);
    memcpy(u[a->n].hash, hash, strlen(hash));
    a->n++;
    return 0;
}

int lw_web_auth_load(const char *path, lw_web_auth **out, int *warn, char *msg, size_t size)
{
    *out = NULL;
    if (warn)
        *warn = 0;
    msg[0] = '\0';
    FILE *f = fopen(path, "re");
    if (!f)
        return say(msg, size, "%s: không mở được tệp người dùng (cannot open the users file): %s", path,
                   strerror(errno));
    lw_web_auth *a = calloc(1, sizeof *a);
    if (!a) {
        fclose(f);
        return say(msg, size, "%s: hết bộ nhớ (out of memory)", path);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long no = 0;
    int rc = 0;
    while (!rc && (len = getline(&line, &cap, f)) >= 0) {
        no++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                           line[len - 1] == '\t'))
            line[--len] = '\0';
        char *p = line + strspn(line, " \t");
        if (!*p || *p == '#')
            continue;
        rc = add_line(a, p, path, no, msg, size);
    }
    if (!rc && ferror(f))
        rc = say(msg, size, "%s: không đọc được tệp người dùng (cannot read the users file)", path);
    if (!rc && !a->n)
        rc = say(msg, size, "%s: tệp không có người dùng nào (the users file names no user)", path);
    struct stat st;
    if (!rc && fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IROTH | S_IWOTH))) {
        if (warn)
            *warn = 1;
        snprintf(msg, size, "%s: người dùng khác trên máy đọc được tệp này; hãy chạy chmod 600 %s "
                            "(other users of this machine can read it: chmod 600 it)", path, path);
    }
    if (line)
        explicit_bzero(line, cap);
    free(line);
    fclose(f);
    if (rc) {
        lw_web_auth_free(a);
        return -1;
    }
    *out = a;
    return 0;
}

void lw_web_auth_free(lw_web_auth *a)
{
    if (!a)
        return;
    if (a->users)
        explicit_bzero(a->users, a->n * sizeof *a->users);
    free(a->users);
    free(a);
}

size_t lw_web_auth_count(const lw_web_auth *a) { return a ? a->n : 0; }

/* Equal strings in time independent of where they differ: both read to their full size. */
static int same(const char *x, const char *y, size_t size)
{
    volatile unsigned char d = 0;
    for (size_t i = 0; i < size; i++)
        d |= (unsigned char)(x[i] ^ y[i]);
    return d == 0;
}

int lw_web_auth_check(const lw_web_auth *a, const char *name, const char *password)
{
    if (!a || !a->n || (!name && !password))
        return 0;
    /* every user is compared (no early exit), the name padded as the stored ones are */
    char want[USER_MAX + 1] = {0};
    size_t nlen = name ? strlen(name) : 0;
    int fits = name && nlen <= USER_MAX;
    if (fits)
        memcpy(want, name, nlen);
    size_t found = a->n;
    for (size_t i = 0; i < a->n; i++)
        if (same(a->users[i].name, want, sizeof want) && fits && found == a->n)
            found = i;
    /* an unknown user is hashed against the first user's hash: the same cost, then refused */
    const user *u = &a->users[found < a->n ? found : 0];
    struct crypt_data *d = calloc(1, sizeof *d);
    if (!d)
        return 0;
    const char *r = crypt_rn(password ? password : "", u->hash, d, (int)sizeof *d);
    char got[CRYPT_OUTPUT_SIZE] = {0};
    if (r)
        memcpy(got, r, strnlen(r, sizeof got - 1));
    int ok = r && same(got, u->hash, sizeof got) && found < a->n;
    explicit_bzero(d, sizeof *d);
    explicit_bzero(got, sizeof got);
    free(d);
    return ok;
}

int lw_web_auth_hash(const char *password, char *out, size_t size)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    /* NULL random bytes: libxcrypt reads the system's random source itself */
    if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, (int)sizeof salt))
        return -1;
    struct crypt_data *d = calloc(1, sizeof *d);
    if (!d)
        return -1;
    const char *r = crypt_rn(password, salt, d, (int)sizeof *d);
    int ok = r && r[0] == '$' && strlen(r) < size;
    if (ok)
        memcpy(out, r, strlen(r) + 1);
    explicit_bzero(d, sizeof *d);
    free(d);
    return ok ? 0 : -1;
}
