/* lw_cli_config_verb: "lawwatch config [KEY]": the configuration in use, for the admin
 * (every key, its value and where it comes from) and for scripts (one key's value alone:
 * the nightly script asks `lawwatch config mail_to`). The file is read by lw_cli_common.c
 * (lw_cli_config.c parses it); this file only shows it. */
#include <stdlib.h>
#include <string.h>

#include "lw_cli_common.h"
#include "lw_cli_config.h"
#include "lw_cli_verbs.h"

#ifndef LW_CLI_SYSCONFDIR
#define LW_CLI_SYSCONFDIR "/etc"
#endif
/* A message of the table shown as a comment: a path and a few words. */
#define CONFIG_LINE_MAX (LW_CLI_PATH_MAX + 512)

static const char config_usage[] =
    "Usage: lawwatch config [--config FILE] [KEY]\n"
    "Shows the configuration in use: the file read (--config, else $LAWWATCH_CONFIG, else\n"
    LW_CLI_SYSCONFDIR "/lawwatch/lawwatch.conf when the command is installed), then every key\n"
    "with its value and where the value comes from (an option, the environment, FILE:LINE,\n"
    "the default). With KEY, prints its value alone (each folder on a line of its own) and\n"
    "nothing when the key is unset, for scripts. The keys: db, rules, folder, window, lang,\n"
    "log, syslog, mail_to, admin_to.\n"
    "  --config FILE   the configuration file to read\n"
    "Exit status: 0 ok (also when KEY is unset), 2 an unknown KEY or a configuration file\n"
    "that cannot be read.\n";

/* Where a value comes from, as a comment of the listing. */
static void show(const char *key, const char *value, const char *source)
{
    char shown[CONFIG_LINE_MAX];
    /* the listing is for people (and their terminals and logs): a database URI's password
     * is left out; `lawwatch config db` prints it as written, for scripts */
    if (value && !strcmp(key, "db"))
        value = lawwatch_db_name_shown(value, shown, sizeof shown);
    if (value)
        printf("%s = %s  # %s\n", key, value, source);
    else
        printf("# %s =  # %s\n", key, source);
}

/* The value set for key above the defaults: the option or environment that overrides the
 * configuration (--log, LAWWATCH_RULES), else the configuration's i-th. */
static const char *override(const char *key, const char **name)
{
    const char *v = NULL;
    *name = NULL;
    if (!strcmp(key, "log") && (v = lw_cli_log_option()))
        *name = "--log";
    else if (!strcmp(key, "rules") && (v = getenv("LAWWATCH_RULES")) && *v)
        *name = "LAWWATCH_RULES";
    return *name ? v : NULL;
}

static int print_key(const char *key)
{
    const char *name, *v = override(key, &name);
    if (v) {
        puts(v);
        return LW_EXIT_OK;
    }
    for (size_t i = 0; (v = lw_cli_setting_at(key, i)); i++)
        puts(v);
    return LW_EXIT_OK;
}

static int print_all(void)
{
    const char *how, *looked;
    const lw_cli_conf *cfg = lw_cli_config_info(&how, &looked);
    if (!cfg)
        return LW_EXIT_FATAL;
    const char *file = lw_cli_config_file(cfg);
    char buf[CONFIG_LINE_MAX], src[CONFIG_LINE_MAX];
    if (file)
        printf("# %s\n", lawwatch_message(buf, sizeof buf, "CLI_CONFIG_FILE", file));
    else if (looked)
        printf("# %s\n", lawwatch_message(buf, sizeof buf, "CLI_CONFIG_NO_FILE", looked));
    else
        printf("# %s\n", lawwatch_message(buf, sizeof buf, "CLI_CONFIG_NONE", LW_CLI_SYSCONFDIR "/lawwatch/lawwatch.conf"));
    if (file && how)
        printf("#   %s\n", lawwatch_message(buf, sizeof buf, how[0] == '-' ? "CLI_CONFIG_FROM_OPTION" : "CLI_CONFIG_FROM_ENV", how));
    for (size_t k = 0; lw_cli_config_key(k); k++) {
        const char *key = lw_cli_config_key(k), *name, *v = override(key, &name);
        if (v) {
            lawwatch_message(src, sizeof src, name[0] == '-' ? "CLI_CONFIG_FROM_OPTION" : "CLI_CONFIG_FROM_ENV", name);
            show(key, v, src);
            continue;
        }
        size_t i = 0, line = 0;
        for (; (v = lw_cli_config_get(cfg, key, i, &line)); i++) {
            snprintf(src, sizeof src, "%s:%zu", file, line);
            show(key, v, src);
        }
        if (i)
            continue;
        /* the defaults the command knows; the others are the verbs' (report's window...) */
        const char *def = !strcmp(key, "db") ? "lawwatch.db"
                          : !strcmp(key, "rules") ? lw_cli_rules_dir(NULL)
                          : !strcmp(key, "syslog") ? "auto"
                                                   : NULL;
        lawwatch_message(src, sizeof src, def ? "CLI_CONFIG_FROM_DEFAULT" : "CLI_CONFIG_UNSET");
        show(key, def, src);
    }
    return LW_EXIT_OK;
}

int lw_cli_config(int argc, char **argv)
{
    const char *key = NULL;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "config", config_usage, "h", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next(&p)) != LW_CLI_DONE;) {
        switch (c) {
        case LW_CLI_OPERAND:
            if (key) {
                lw_cli_say("config", "CLI_UNKNOWN_ARGUMENT", p.arg);
                fputs(config_usage, stderr);
                return LW_EXIT_FATAL;
            }
            key = p.arg;
            break;
        default: /* help, or an unknown option, or a configuration that cannot be read */
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
    }
    if (key && !lw_cli_config_is_key(key)) {
        lw_cli_say("config", "CLI_CONFIG_KEY", key);
        return LW_EXIT_FATAL;
    }
    return key ? print_key(key) : print_all();
}
