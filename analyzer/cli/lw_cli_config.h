/* lw_cli_config: the lawwatch command's configuration file (/etc/lawwatch/lawwatch.conf
 * when installed): UTF-8 lines "key = value", '#' comments (a line starting with '#', or
 * '#' after a space), blank lines. The keys are few and known (lw_cli_config_key); an
 * unknown key, a line without '=', a key given twice (folder aside: it may repeat) is an
 * error at FILE:LINE, so a typo never passes silently. A relative path (db, rules, folder,
 * log) is taken from the file's own folder, not from wherever the command runs. An empty
 * value leaves the key unset. Uses the C library and lawwatch.h's messages only. */
#ifndef LW_CLI_CONFIG_H
#define LW_CLI_CONFIG_H

#include <stddef.h>

/* A configuration read (the verb lw_cli_config is the `config` verb). */
typedef struct lw_cli_conf lw_cli_conf;

/* The longest line read (a path, a list of addresses). */
#define LW_CLI_CONFIG_LINE_MAX 8192
/* The largest file read: a configuration is a few lines, a bigger file is a mistake. */
#define LW_CLI_CONFIG_SIZE_MAX (1024 * 1024)

/* Reads the configuration file path. missing_ok: a file that does not exist gives an empty
 * configuration (the default file is optional). On error says why ("FILE:LINE: ...") as
 * "lawwatch VERB: ..." and returns -1 with *out NULL. *out owned (lw_cli_config_free). */
int lw_cli_config_read(const char *path, int missing_ok, const char *verb, lw_cli_conf **out);
/* An empty configuration (no file read); NULL when out of memory. Owned. */
lw_cli_conf *lw_cli_config_empty(void);
/* Accepts NULL. */
void lw_cli_config_free(lw_cli_conf *cfg);
/* The file read, or NULL when none was (missing default file). Borrowed. */
const char *lw_cli_config_file(const lw_cli_conf *cfg);
/* The i-th value of key (0 for a single key), NULL when unset or past the last; *line (may be
 * NULL) gets its line number. Borrowed, valid until lw_cli_config_free. */
const char *lw_cli_config_get(const lw_cli_conf *cfg, const char *key, size_t i, size_t *line);
/* The i-th key known, in the documented order, or NULL past the last. Static string. */
const char *lw_cli_config_key(size_t i);
/* True when key is a known key. */
int lw_cli_config_is_key(const char *key);

#endif
