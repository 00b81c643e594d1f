/* lw_cli_config: reading the command's configuration file (format in lw_cli_config.h). */
#define _GNU_SOURCE /* getline */
#include "lw_cli_config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lawwatch.h"
#include "lw_cli_log.h"

/* A message of the table: the path, a line, a few words. */
#define CONFIG_MSG_MAX (LW_CLI_CONFIG_LINE_MAX + 4096 + 512)

typedef struct {
    const char *name;
    int repeatable; /* may be given on several lines */
    int path;       /* a path: relative ones are from the file's folder */
} key_spec;

/* The keys, in the order `lawwatch config` lists them (the README's order). */
static const key_spec keys[] = {
    {"db", 0, 1},     {"rules", 0, 1},  {"folder", 1, 1},  {"window", 0, 0},   {"lang", 0, 0},
    {"log", 0, 1},    {"syslog", 0, 0}, {"mail_to", 0, 0}, {"admin_to", 0, 0},
};
#define NKEYS (sizeof keys / sizeof *keys)

typedef struct {
    size_t key; /* index in keys */
    size_t line;
    char *value; /* owned */
} entry;

struct lw_cli_conf {
    char *file; /* owned; NULL: none read */
    entry *entries;
    size_t n, cap;
};

const char *lw_cli_config_key(size_t i) { return i < NKEYS ? keys[i].name : NULL; }

static int key_index(const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].name, key))
            return (int)i;
    return -1;
}

int lw_cli_config_is_key(const char *key) { return key_index(key) >= 0; }

lw_cli_conf *lw_cli_config_empty(void) { return calloc(1, sizeof(lw_cli_conf)); }

void lw_cli_config_free(lw_cli_conf *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n; i++)
        free(cfg->entries[i].value);
    free(cfg->entries);
    free(cfg->file);
    free(cfg);
}

const char *lw_cli_config_file(const lw_cli_conf *cfg) { return cfg ? cfg->file : NULL; }

const char *lw_cli_config_get(const lw_cli_conf *cfg, const char *key, size_t i, size_t *line)
{
    int k = key_index(key);
    if (!cfg || k < 0)
        return NULL;
    for (size_t e = 0; e < cfg->n; e++)
        if (cfg->entries[e].key == (size_t)k && i-- == 0) {
            if (line)
                *line = cfg->entries[e].line;
            return cfg->entries[e].value;
        }
    return NULL;
}

static void say(const char *verb, const char *name, ...)
{
    char buf[CONFIG_MSG_MAX];
    va_list ap;
    va_start(ap, name);
    lawwatch_vmessage(buf, sizeof buf, name, ap);
    va_end(ap);
    lw_cli_log_say(LW_CLI_ERROR, verb, buf);
}

/* True when s (n bytes) is well-formed UTF-8 (no overlongs, surrogates or values past
 * U+10FFFF). */
static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!len || i + len > n)
            return 0;
        unsigned cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
        for (size_t j = 1; j < len; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* s without its spaces at both ends, in place. */
static char *trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* The value as stored: a relative path joined to the file's folder. Owned; NULL: no memory. */
static char *stored_value(const char *file, const key_spec *k, const char *value)
{
    /* a database on a server (db = postgresql://...) is a URI, not a path */
    if (!k->path || value[0] == '/' || lawwatch_db_is_uri(value))
        return strdup(value);
    const char *slash = strrchr(file, '/');
    if (!slash)
        return strdup(value); /* the file is in the working folder: so is the path */
    size_t dir = (size_t)(slash - file) + 1, n = strlen(value);
    char *s = malloc(dir + n + 1);
    if (s) {
        memcpy(s, file, dir);
        memcpy(s + dir, value, n + 1);
    }
    return s;
}

static int add(lw_cli_conf *cfg, size_t key, size_t line, char *value)
{
    if (cfg->n == cfg->cap) {
        size_t cap = cfg->cap ? 2 * cfg->cap : 16;
        entry *e = realloc(cfg->entries, cap * sizeof *e);
        if (!e)
            return -1;
        cfg->entries = e;
        cfg->cap = cap;
    }
    cfg->entries[cfg->n++] = (entry){key, line, value};
    return 0;
}

/* One line (no newline) read at lineno: 0, or -1 after saying why. */
static int parse_line(lw_cli_conf *cfg, const char *verb, char *line, size_t len, size_t lineno)
{
    const char *file = cfg->file;
    if (lineno == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) { /* a BOM (Notepad) */
        line += 3;
        len -= 3;
    }
    if (len && line[len - 1] == '\r') /* a file written on Windows */
        line[--len] = '\0';
    if (memchr(line, '\0', len) || !valid_utf8((const unsigned char *)line, len)) {
        say(verb, "CLI_CONFIG_UTF8", file, lineno);
        return -1;
    }
    char *s = trim(line);
    if (!*s || *s == '#')
        return 0;
    for (char *h = s + 1; (h = strchr(h, '#')); h++) /* a comment after the value */
        if (is_space(h[-1])) {
            *h = '\0';
            break;
        }
    char *eq = strchr(s, '=');
    if (!eq) {
        say(verb, "CLI_CONFIG_NO_EQUALS", file, lineno, trim(s));
        return -1;
    }
    *eq = '\0';
    const char *key = trim(s);
    const char *value = trim(eq + 1);
    int k = key_index(key);
    if (k < 0) {
        say(verb, "CLI_CONFIG_UNKNOWN_KEY", file, lineno, key);
        return -1;
    }
    size_t first;
    if (!keys[k].repeatable && lw_cli_config_get(cfg, key, 0, &first)) {
        say(verb, "CLI_CONFIG_REPEATED", file, lineno, key, first);
        return -1;
    }
    if (!strcmp(key, "syslog") && strcmp(value, "yes") && strcmp(value, "no") && strcmp(value, "auto") &&
        *value) {
        say(verb, "CLI_CONFIG_SYSLOG", file, lineno, value);
        return -1;
    }
    if (!*value) /* "mail_to =": left unset */
        return 0;
    char *v = stored_value(file, &keys[k], value);
    if (!v || add(cfg, (size_t)k, lineno, v)) {
        free(v);
        say(verb, "NOMEM");
        return -1;
    }
    return 0;
}

int lw_cli_config_read(const char *path, int missing_ok, const char *verb, lw_cli_conf **out)
{
    *out = NULL;
    lw_cli_conf *cfg = lw_cli_config_empty();
    if (!cfg) {
        say(verb, "NOMEM");
        return -1;
    }
    FILE *f = fopen(path, "re");
    if (!f) {
        if (missing_ok && errno == ENOENT) {
            *out = cfg;
            return 0;
        }
        say(verb, "CLI_CONFIG_OPEN", path, strerror(errno));
        lw_cli_config_free(cfg);
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size > LW_CLI_CONFIG_SIZE_MAX) {
        say(verb, "CLI_CONFIG_NOT_FILE", path, LW_CLI_CONFIG_SIZE_MAX / 1024);
        fclose(f);
        lw_cli_config_free(cfg);
        return -1;
    }
    cfg->file = strdup(path);
    if (!cfg->file) {
        say(verb, "NOMEM");
        fclose(f);
        lw_cli_config_free(cfg);
        return -1;
    }
    char *line = NULL;
    size_t size = 0, lineno = 0;
    ssize_t n;
    int rc = 0;
    /* errno tells a getline that ran out of memory from the end of the file */
    while (!rc && (errno = 0, n = getline(&line, &size, f)) >= 0) {
        lineno++;
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        if ((size_t)n > LW_CLI_CONFIG_LINE_MAX) {
            say(verb, "CLI_CONFIG_LONG_LINE", path, lineno, LW_CLI_CONFIG_LINE_MAX);
            rc = -1;
        } else {
            rc = parse_line(cfg, verb, line, (size_t)n, lineno);
        }
    }
    if (!rc && (ferror(f) || errno)) {
        say(verb, errno == ENOMEM ? "NOMEM" : "CLI_CONFIG_OPEN", path, strerror(errno ? errno : EIO));
        rc = -1;
    }
    free(line);
    fclose(f);
    if (rc) {
        lw_cli_config_free(cfg);
        return -1;
    }
    *out = cfg;
    return 0;
}
