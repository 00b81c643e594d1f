/* lw_cli_common: the pieces every verb of the lawwatch command uses. */
#define _GNU_SOURCE /* getcwd, getopt_long */
#include "lw_cli_common.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lw_cli_config.h"

/* The installed rules folder from the command's folder (bin/ -> share/lawwatch/rules); set
 * by the build from the install folders (CMakeLists.txt). */
#ifndef LW_CLI_RULES_FROM_BIN
#define LW_CLI_RULES_FROM_BIN "/../share/lawwatch/rules"
#endif
/* The system configuration folder (/etc), from the install folders (CMakeLists.txt). */
#ifndef LW_CLI_SYSCONFDIR
#define LW_CLI_SYSCONFDIR "/etc"
#endif
#define LW_CLI_CONFIG_DEFAULT LW_CLI_SYSCONFDIR "/lawwatch/lawwatch.conf"
/* "file:line:col: message" of a lawwatch_error: its file and message and the numbers. */
#define LW_CLI_ERROR_MAX (sizeof(((lawwatch_error *)0)->file) + sizeof(((lawwatch_error *)0)->msg) + 64)

/* --color's values. */
enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* What the common options and the configuration set for the whole run: one command line,
 * one configuration, so one static object (like the sink of lw_cli_log.c), set while the
 * options are parsed and read by the verbs afterwards. */
static struct {
    int color;
    const char *config_opt; /* --config */
    const char *log_opt;    /* --log */
    lw_cli_conf *config;    /* read once; NULL: not yet */
    const char *config_how; /* "--config", "LAWWATCH_CONFIG" or NULL (the default file) */
    int config_failed;      /* it could not be read: said once */
} cli;

/* The default database, told apart from an explicit "--db lawwatch.db" by its address. */
static const char db_default[] = "lawwatch.db";

int lw_cli_is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

/* The folder installed beside the command (BINDIR/../share/lawwatch/rules), its real path,
 * or NULL when there is none: the command is not installed (it runs from its build tree). */
static const char *installed_rules(void);

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *lw_cli_rules_dir(const char *opt)
{
    if (opt)
        return opt;
    const char *env = getenv("LAWWATCH_RULES");
    if (env && *env)
        return env;
    const char *conf = lw_cli_setting("rules");
    if (conf)
        return conf;
    if (is_dir("rules"))
        return "rules";
    const char *installed = installed_rules();
    if (installed)
        return installed;
    /* a build tree's command: the source tree's, else the library's default */
    if (is_dir(LW_SOURCE_DIR "/rules"))
        return LW_SOURCE_DIR "/rules";
    return lawwatch_default_rules_dir();
}

static const char *installed_rules(void)
{
    /* found from the command's own place, so that a moved tree still finds its own */
    static char beside[LW_CLI_PATH_MAX], real[PATH_MAX];
    static int looked; /* 1 none, 2 beside, 3 real */
    if (!looked) {
        looked = 1;
        ssize_t n = readlink("/proc/self/exe", beside, sizeof beside - 1);
        if (n > 0) {
            beside[n] = '\0';
            char *slash = strrchr(beside, '/');
            if (slash && (size_t)(slash - beside) + sizeof LW_CLI_RULES_FROM_BIN < sizeof beside) {
                memcpy(slash, LW_CLI_RULES_FROM_BIN, sizeof LW_CLI_RULES_FROM_BIN);
                if (is_dir(beside)) /* shown in messages and the registry's sources: without "bin/.." */
                    looked = realpath(beside, real) ? 3 : 2;
            }
        }
    }
    return looked == 3 ? real : looked == 2 ? beside : NULL;
}

/* The configuration file to read and whether it must exist: --config, else
 * $LAWWATCH_CONFIG, else the system's when the command is installed (a build tree's
 * command, run by the tests and by developers, leaves /etc alone). NULL: none. */
static const char *config_path(const char **how, int *must_exist)
{
    const char *env = getenv("LAWWATCH_CONFIG");
    *must_exist = 1;
    if (cli.config_opt) {
        *how = "--config";
        return cli.config_opt;
    }
    if (env && *env) {
        *how = "LAWWATCH_CONFIG";
        return env;
    }
    *how = NULL;
    *must_exist = 0;
    return installed_rules() ? LW_CLI_CONFIG_DEFAULT : NULL;
}

/* Reads the configuration once: 0, or -1 when it cannot be (said once, with the verb run). */
static int config_load(const char *verb)
{
    if (cli.config)
        return 0;
    if (cli.config_failed)
        return -1;
    int must;
    const char *path = config_path(&cli.config_how, &must);
    if (!path) {
        cli.config = lw_cli_config_empty();
        if (!cli.config)
            lw_cli_say(verb, "NOMEM");
    } else {
        lw_cli_config_read(path, !must, verb, &cli.config);
    }
    cli.config_failed = !cli.config;
    return cli.config ? 0 : -1;
}

const lw_cli_conf *lw_cli_config_info(const char **how, const char **looked_at)
{
    if (config_load(NULL))
        return NULL;
    int must;
    *looked_at = config_path(how, &must);
    return cli.config;
}

const char *lw_cli_log_option(void) { return cli.log_opt; }

/* Opens the log file named by what (an option or the configuration), or says why not. */
static int log_open(const char *verb, const char *path)
{
    int e = lw_cli_log_open(path);
    if (e)
        lw_cli_say(verb, "CLI_LOG_OPEN", path, strerror(e));
    return e ? -1 : 0;
}

/* When a verb's options are all parsed: the configuration read, its log opened (unless
 * --log gave one) and its syslog setting applied. 0, or -1 when any fails (said). */
static int setup(const char *verb)
{
    if (config_load(verb))
        return -1;
    const char *sys = lw_cli_setting("syslog");
    if (sys)
        lw_cli_log_set_syslog(!strcmp(sys, "yes") ? LW_CLI_SYSLOG_YES : !strcmp(sys, "no") ? LW_CLI_SYSLOG_NO
                                                                                          : LW_CLI_SYSLOG_AUTO);
    const char *log = lw_cli_setting("log");
    if (!cli.log_opt && log && !lw_cli_log_is_open() && log_open(verb, log))
        return -1;
    if (lw_cli_config_file(cli.config)) /* which file it was, for an admin puzzled by a value */
        lw_cli_note(LW_CLI_INFO, verb, "CLI_CONFIG_FILE", lw_cli_config_file(cli.config));
    return 0;
}

void lw_cli_say(const char *verb, const char *name, ...)
{
    char buf[LW_CLI_ERROR_MAX];
    va_list ap;
    va_start(ap, name);
    lawwatch_vmessage(buf, sizeof buf, name, ap);
    va_end(ap);
    lw_cli_log_say(LW_CLI_ERROR, verb, buf);
}

void lw_cli_error(const lawwatch_error *err)
{
    char buf[LW_CLI_ERROR_MAX];
    lw_cli_log_say(LW_CLI_ERROR, NULL, lawwatch_error_format(err, buf, sizeof buf));
}

void lw_cli_note(int level, const char *verb, const char *name, ...)
{
    char buf[LW_CLI_ERROR_MAX];
    va_list ap;
    va_start(ap, name);
    lawwatch_vmessage(buf, sizeof buf, name, ap);
    va_end(ap);
    lw_cli_log_say(level, verb, buf);
}

void lw_cli_log_text(int level, const char *text) { lw_cli_log_lines(level, text); }

int lw_cli_color(FILE *f)
{
    if (cli.color != COLOR_AUTO)
        return cli.color == COLOR_ALWAYS;
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM"); /* https://no-color.org */
    return isatty(fileno(f)) && !(no && *no) && !(term && !strcmp(term, "dumb"));
}

const char *lw_cli_setting(const char *key) { return lw_cli_setting_at(key, 0); }

const char *lw_cli_setting_at(const char *key, size_t i)
{
    if (config_load(NULL))
        return NULL;
    return lw_cli_config_get(cli.config, key, i, NULL);
}

lawwatch_engine *lw_cli_engine(const char *rules_opt)
{
    lawwatch_engine *e;
    lawwatch_error err;
    if (lawwatch_engine_open(lw_cli_rules_dir(rules_opt), &e, &err) != LAWWATCH_OK) {
        lw_cli_error(&err);
        return NULL;
    }
    return e;
}

lawwatch_db *lw_cli_db(const char *path, int flags)
{
    lawwatch_db *db;
    lawwatch_error err;
    if (lawwatch_db_open(path, flags, &db, &err) != LAWWATCH_OK) {
        lw_cli_error(&err);
        return NULL;
    }
    if (lawwatch_db_backup_path(db)) /* the schema was upgraded: where the old one is kept */
        lw_cli_note(LW_CLI_NOTICE, NULL, "CLI_DB_BACKUP", lawwatch_db_backup_path(db));
    return db;
}

const char *lw_cli_cwd(char *buf, size_t size)
{
    if (!getcwd(buf, size))
        buf[0] = '\0';
    return buf;
}

void lw_cli_common_init(lw_cli_common *co)
{
    memset(co, 0, sizeof *co);
    co->db = db_default;
}

/* The common options' vals: out of the range of a verb's letters and names. */
enum { OPT_COLOR = 0x10000, OPT_LOG, OPT_QUIET, OPT_VERBOSE, OPT_CONFIG };
static const struct option common_options[LW_CLI_COMMON_OPTIONS] = {
    {"color", required_argument, NULL, OPT_COLOR},  {"log", required_argument, NULL, OPT_LOG},
    {"quiet", no_argument, NULL, OPT_QUIET},        {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"config", required_argument, NULL, OPT_CONFIG}};
/* Their letters, unless the verb has its own. */
static const char common_letters[] = "qv";

void lw_cli_parse_init(lw_cli_parser *p, const char *verb, const char *usage, const char *shortopts,
                       const struct option *longopts, int flags, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->verb = verb;
    p->usage = usage;
    p->shortopts = shortopts;
    p->longopts = longopts;
    p->flags = flags;
    p->argc = argc;
    p->argv = argv;
    /* '-': operands are returned in place, in order (no permutation, so a file named
     * "-x" after "--" stays a file and a query keeps its word order); ':': a missing
     * value is told apart from an unknown option, and getopt prints nothing */
    snprintf(p->optstring, sizeof p->optstring, "-:%s", shortopts);
    for (const char *l = common_letters; *l; l++)
        if (!strchr(shortopts, *l)) {
            size_t n = strlen(p->optstring);
            if (n + 1 < sizeof p->optstring) {
                p->optstring[n] = *l;
                p->optstring[n + 1] = '\0';
            }
        }
    /* the verb's options, then the common ones it has no option of the same name for */
    int n = 0;
    while (longopts[n].name && n < LW_CLI_LONGOPTS_MAX) {
        p->merged[n] = longopts[n];
        n++;
    }
    p->nown = longopts[n].name ? -1 : n; /* said by lw_cli_next: a verb to fix, not a user error */
    int own = n;
    for (int i = 0; i < LW_CLI_COMMON_OPTIONS; i++) {
        int dup = 0;
        for (int j = 0; j < own && !dup; j++)
            dup = !strcmp(longopts[j].name, common_options[i].name);
        if (!dup)
            p->merged[n++] = common_options[i];
    }
    memset(&p->merged[n], 0, sizeof p->merged[n]);
    opterr = 0;
    optind = 0; /* glibc: 0 starts a new scan, forgetting a half-read group of options */
}

/* The message every verb gave for what it does not know, with the argument as written. */
static int unknown(lw_cli_parser *p, const char *a)
{
    lw_cli_say(p->verb, (p->flags & LW_CLI_NO_OPERANDS) ? "CLI_UNKNOWN_ARGUMENT" : "CLI_UNKNOWN_OPTION", a);
    if (p->usage)
        fputs(p->usage, stderr);
    return LW_CLI_BAD;
}

/* True when a is exactly "-c" for one of the short options (the common ones too). */
static int is_short_option(const lw_cli_parser *p, const char *a)
{
    return a[0] == '-' && a[1] && a[1] != '-' && a[1] != ':' && !a[2] && strchr(p->optstring + 2, a[1]);
}

/* A common option: taken, then the next one is read. */
static int common_option(lw_cli_parser *p, int val)
{
    switch (val) {
    case OPT_COLOR:
        if (!strcmp(p->arg, "auto"))
            cli.color = COLOR_AUTO;
        else if (!strcmp(p->arg, "always"))
            cli.color = COLOR_ALWAYS;
        else if (!strcmp(p->arg, "never"))
            cli.color = COLOR_NEVER;
        else {
            lw_cli_say(p->verb, "CLI_COLOR", p->arg);
            return LW_CLI_BAD;
        }
        break;
    case OPT_LOG:
        /* opened now, so that what goes wrong next is logged too */
        if (log_open(p->verb, p->arg))
            return LW_CLI_BAD;
        cli.log_opt = p->arg;
        break;
    case OPT_QUIET: /* the last of --quiet and --verbose counts */
    case 'q':
        lw_cli_log_set_verbosity(LW_CLI_QUIET);
        break;
    case OPT_VERBOSE:
    case 'v':
        lw_cli_log_set_verbosity(LW_CLI_VERBOSE);
        break;
    case OPT_CONFIG:
        if (cli.config && cli.config_opt != p->arg) { /* before the verb, then after it */
            lw_cli_config_free(cli.config);
            cli.config = NULL;
        }
        cli.config_opt = p->arg;
        break;
    }
    return lw_cli_next(p);
}

static int next_option(lw_cli_parser *p);

int lw_cli_next(lw_cli_parser *p)
{
    int c = next_option(p);
    if (c == LW_CLI_DONE && setup(p->verb))
        return LW_CLI_BAD;
    return c;
}

static int next_option(lw_cli_parser *p)
{
    if (p->nown < 0) {
        fprintf(stderr, "lawwatch %s: more than %d options: raise LW_CLI_LONGOPTS_MAX\n", p->verb ? p->verb : "",
                LW_CLI_LONGOPTS_MAX);
        return LW_CLI_BAD;
    }
    p->arg = NULL;
    if (p->ended) { /* after "--": operands only */
        if (optind >= p->argc)
            return LW_CLI_DONE;
        p->arg = p->argv[optind++];
        return (p->flags & LW_CLI_NO_OPERANDS) ? unknown(p, p->arg) : LW_CLI_OPERAND;
    }
    if (!p->inside) {
        p->elem = optind ? optind : 1;
        if (p->elem >= p->argc)
            return LW_CLI_DONE;
        const char *a = p->argv[p->elem];
        /* what getopt would take for an operand or for "--" is an error here */
        if ((p->flags & LW_CLI_NO_OPERANDS) && (a[0] != '-' || !a[1] || !strcmp(a, "--")))
            return unknown(p, a);
        if ((p->flags & LW_CLI_DASH_WORDS) && a[0] == '-' && a[1] && a[1] != '-' && !is_short_option(p, a)) {
            optind = p->elem + 1;
            p->arg = a;
            return LW_CLI_OPERAND;
        }
    }
    int li = -1;
    int c = getopt_long(p->argc, p->argv, p->optstring, p->merged, &li);
    p->inside = c != -1 && c != 1 && optind == p->elem; /* more letters of "-vh" to come */
    const char *a = p->argv[p->elem];
    if (c == -1) {
        p->ended = 1;
        return next_option(p);
    }
    if (c == 1) {
        p->arg = optarg;
        return LW_CLI_OPERAND;
    }
    if (c == '?' || c == ':')
        return unknown(p, a);
    if (li >= 0) {
        /* getopt_long takes "--verb" for "--verbose": the flags are as documented, whole */
        const char *name = p->merged[li].name;
        size_t n = strlen(name);
        if (strncmp(a + 2, name, n) || (a[2 + n] && a[2 + n] != '='))
            return unknown(p, a);
    }
    if (c == 'h' && li < p->nown) {
        if (p->usage)
            fputs(p->usage, stdout);
        return LW_CLI_HELP;
    }
    p->arg = optarg;
    if (li >= p->nown || (li < 0 && strchr(common_letters, c) && !strchr(p->shortopts, c)))
        return common_option(p, c);
    return c;
}

int lw_cli_next_own(lw_cli_parser *p, lw_cli_common *co)
{
    for (;;) {
        int c = lw_cli_next(p);
        switch (c) {
        case 'd':
            co->db = p->arg;
            break;
        case 'r':
            co->rules = p->arg;
            break;
        case 'e':
            if (lawwatch_encoding_parse(p->arg, &co->read.encoding)) {
                lw_cli_say(p->verb, "CLI_ENCODING", p->arg);
                return LW_CLI_BAD;
            }
            break;
        case LW_CLI_DONE:
            if (co->db == db_default && lw_cli_setting("db"))
                co->db = lw_cli_setting("db");
            return c;
        default:
            return c;
        }
    }
}
