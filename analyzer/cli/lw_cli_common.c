/* lw_cli_common: the pieces every verb of the lawwatch command uses. */
#define _GNU_SOURCE /* getcwd, getopt_long */
#include "lw_cli_common.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The installed rules folder from the command's folder (bin/ -> share/lawwatch/rules); set
 * by the build from the install folders (CMakeLists.txt). */
#ifndef LW_CLI_RULES_FROM_BIN
#define LW_CLI_RULES_FROM_BIN "/../share/lawwatch/rules"
#endif
/* "file:line:col: message" of a lawwatch_error: its file and message and the numbers. */
#define LW_CLI_ERROR_MAX (sizeof(((lawwatch_error *)0)->file) + sizeof(((lawwatch_error *)0)->msg) + 64)

int lw_cli_is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

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
    if (is_dir("rules"))
        return "rules";
    /* an installed command: the rules installed beside it (BINDIR/../share/lawwatch/rules),
     * found from its own place so that a moved tree still finds its own */
    static char beside[LW_CLI_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", beside, sizeof beside - 1);
    if (n > 0) {
        beside[n] = '\0';
        char *slash = strrchr(beside, '/');
        if (slash && (size_t)(slash - beside) + sizeof LW_CLI_RULES_FROM_BIN < sizeof beside) {
            memcpy(slash, LW_CLI_RULES_FROM_BIN, sizeof LW_CLI_RULES_FROM_BIN);
            static char real[PATH_MAX];
            if (is_dir(beside)) /* shown in messages and the registry's sources: without "bin/.." */
                return realpath(beside, real) ? real : beside;
        }
    }
    /* a build tree's command: the source tree's, else the library's default */
    if (is_dir(LW_SOURCE_DIR "/rules"))
        return LW_SOURCE_DIR "/rules";
    return lawwatch_default_rules_dir();
}

void lw_cli_say(const char *verb, const char *name, ...)
{
    char buf[LW_CLI_ERROR_MAX];
    va_list ap;
    va_start(ap, name);
    lawwatch_vmessage(buf, sizeof buf, name, ap);
    va_end(ap);
    fprintf(stderr, "lawwatch%s%s: %s\n", verb ? " " : "", verb ? verb : "", buf);
}

void lw_cli_error(const lawwatch_error *err)
{
    char buf[LW_CLI_ERROR_MAX];
    fprintf(stderr, "lawwatch: %s\n", lawwatch_error_format(err, buf, sizeof buf));
}

/* STUBS (issue 17, helper "cliout" replaces them). */
void lw_cli_note(int level, const char *verb, const char *name, ...)
{
    if (level >= LW_CLI_INFO)
        return;
    char buf[LW_CLI_ERROR_MAX];
    va_list ap;
    va_start(ap, name);
    lawwatch_vmessage(buf, sizeof buf, name, ap);
    va_end(ap);
    fprintf(stderr, "lawwatch%s%s: %s\n", verb ? " " : "", verb ? verb : "", buf);
}

void lw_cli_log_text(int level, const char *text)
{
    if (level < LW_CLI_INFO)
        fputs(text, stderr);
}

int lw_cli_color(FILE *f) { return isatty(fileno(f)); }

const char *lw_cli_setting(const char *key)
{
    (void)key;
    return NULL;
}

const char *lw_cli_setting_at(const char *key, size_t i)
{
    (void)key;
    (void)i;
    return NULL;
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
    co->db = "lawwatch.db";
}

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
    opterr = 0;
    optind = 0; /* glibc: 0 starts a new scan, forgetting a half-read group of options */
}

/* The message every verb gave for what it does not know, with the argument as written. */
static int unknown(lw_cli_parser *p, const char *a)
{
    lw_cli_say(p->verb, (p->flags & LW_CLI_NO_OPERANDS) ? "CLI_UNKNOWN_ARGUMENT" : "CLI_UNKNOWN_OPTION", a);
    fputs(p->usage, stderr);
    return LW_CLI_BAD;
}

/* True when a is exactly "-c" for one of the short options. */
static int is_short_option(const lw_cli_parser *p, const char *a)
{
    return a[0] == '-' && a[1] && a[1] != '-' && a[1] != ':' && !a[2] && strchr(p->shortopts, a[1]);
}

int lw_cli_next(lw_cli_parser *p)
{
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
    int c = getopt_long(p->argc, p->argv, p->optstring, p->longopts, &li);
    p->inside = c != -1 && c != 1 && optind == p->elem; /* more letters of "-vh" to come */
    const char *a = p->argv[p->elem];
    if (c == -1) {
        p->ended = 1;
        return lw_cli_next(p);
    }
    if (c == 1) {
        p->arg = optarg;
        return LW_CLI_OPERAND;
    }
    if (c == '?' || c == ':')
        return unknown(p, a);
    if (li >= 0) {
        /* getopt_long takes "--verb" for "--verbose": the flags are as documented, whole */
        const char *name = p->longopts[li].name;
        size_t n = strlen(name);
        if (strncmp(a + 2, name, n) || (a[2 + n] && a[2 + n] != '='))
            return unknown(p, a);
    }
    if (c == 'h') {
        fputs(p->usage, stdout);
        return LW_CLI_HELP;
    }
    p->arg = optarg;
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
        default:
            return c;
        }
    }
}
