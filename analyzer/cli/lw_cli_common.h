/* lw_cli_common: what the verbs of the lawwatch command share: exit codes, finding the
 * rules folder, loading the engine, printing errors, the options several verbs spell the
 * same (--help, --db, --rules, --encoding), the options every verb takes without naming
 * them (--color, --log, --quiet, --verbose, --config: merged into each verb's table here),
 * the configuration file's settings, and option parsing (getopt_long with the verbs' own
 * messages). Calls go lw_cli.c -> lw_cli_VERB.c -> here -> lw_cli_log.c and
 * lw_cli_config.c, never back. Like every file of the command, it uses the public library
 * (lawwatch.h) and the C library only. */
#ifndef LW_CLI_COMMON_H
#define LW_CLI_COMMON_H

#include <getopt.h>
#include <stdio.h>

#include "lawwatch.h"
#include "lw_cli_log.h" /* the levels: LW_CLI_ERROR, _WARNING, _NOTICE, _INFO */

enum { LW_EXIT_OK = 0, LW_EXIT_FINDINGS = 1, LW_EXIT_FATAL = 2 };

/* The rules folder: --rules, else $LAWWATCH_RULES, else the configuration's rules, else
 * ./rules, else the folder installed beside the command (BINDIR/../share/lawwatch/rules),
 * else the source tree's (a command in its build tree), else the library's default
 * (lawwatch_default_rules_dir). Borrowed. */
const char *lw_cli_rules_dir(const char *opt);
/* Prints "lawwatch VERB: " (verb NULL: "lawwatch: ") and the message named name of the
 * message table (lawwatch_message) with its arguments, then a newline, to stderr; an error,
 * so also to the log file and syslog (lw_cli_log). */
void lw_cli_say(const char *verb, const char *name, ...);
/* Prints "lawwatch: file:line: message" to stderr (and the log and syslog). */
void lw_cli_error(const lawwatch_error *err);

/* Saying things (issue 17). lw_cli_say and lw_cli_error are errors: always said. The
 * levels of lw_cli_log.h (LW_CLI_WARNING, LW_CLI_NOTICE, LW_CLI_INFO) are for everything
 * else a verb tells. */
/* Like lw_cli_say, at a level: WARNING and NOTICE are said unless --quiet, INFO only with
 * --verbose. Everything said also goes to the --log file and, when stderr is not a
 * terminal, to syslog (the journal). */
void lw_cli_note(int level, const char *verb, const char *name, ...);
/* Text made by the library (lines ending in '\n', e.g. the ingest summary) said at a level
 * as lw_cli_note says a message. */
void lw_cli_log_text(int level, const char *text);
/* True when the verb should colour what it writes to f: --color=always, or auto (the
 * default) and f is a terminal, NO_COLOR is unset or empty and TERM is not "dumb". */
int lw_cli_color(FILE *f);
/* The value of key in the configuration file (--config, $LAWWATCH_CONFIG, else
 * SYSCONFDIR/lawwatch/lawwatch.conf when installed), or NULL. Borrowed. Keys: db, rules,
 * folder (repeatable), window, lang, log, syslog, mail_to, admin_to. Read once, when a
 * verb's options are all parsed (lw_cli_next returning LW_CLI_DONE), so that --config may
 * come anywhere among them; a call before that reads it then. */
const char *lw_cli_setting(const char *key);
/* The i-th value of a key given on several lines (folder = ...), or NULL past the last. */
const char *lw_cli_setting_at(const char *key, size_t i);
/* Loads the engine of the rules folder (lw_cli_rules_dir) or prints why not; NULL on
 * failure. Owned (lawwatch_engine_free). */
lawwatch_engine *lw_cli_engine(const char *rules_opt);
/* Opens the database at path with flags (LAWWATCH_DB_*) or prints why not; NULL on failure.
 * Owned (lawwatch_db_close). */
lawwatch_db *lw_cli_db(const char *path, int flags);
/* A path as long as the system takes (the working folder). */
#define LW_CLI_PATH_MAX 4096

/* The working folder into buf (size bytes), "" when it cannot be told: paths below it are
 * shown relative. Returns buf. */
const char *lw_cli_cwd(char *buf, size_t size);
/* True when a is --help or -h. */
int lw_cli_is_help(const char *a);

/* The options several verbs share, each spelled and handled once (lw_cli_common_option):
 * put the ones a verb takes in its table, then LW_CLI_OPT_END. */
#define LW_CLI_OPT_HELP {"help", no_argument, NULL, 'h'}
#define LW_CLI_OPT_DB {"db", required_argument, NULL, 'd'}
#define LW_CLI_OPT_RULES {"rules", required_argument, NULL, 'r'}
#define LW_CLI_OPT_ENCODING {"encoding", required_argument, NULL, 'e'}
#define LW_CLI_OPT_END {NULL, 0, NULL, 0}

/* The options every verb takes, merged into its table by lw_cli_parse_init and handled by
 * lw_cli_next itself (the verb never sees them): --color WHEN, --log FILE, --quiet (-q),
 * --verbose (-v), --config FILE. A verb with an option of the same name or letter keeps
 * its own (rules test --verbose). */
#define LW_CLI_COMMON_OPTIONS 5
/* The most options a verb's own table may hold. */
#define LW_CLI_LONGOPTS_MAX 40

/* The configuration read (lw_cli_config.h), for `lawwatch config`; *how gets how its file
 * was chosen ("--config", "LAWWATCH_CONFIG", NULL: the installed default) and *looked_at
 * the file looked for (NULL: none, the command is not installed). Reads it when not done
 * yet: NULL when it cannot be read (said). Borrowed. */
const struct lw_cli_conf *lw_cli_config_info(const char **how, const char **looked_at);
/* --log's value, or NULL. Borrowed. */
const char *lw_cli_log_option(void);

/* The shared options' values. */
typedef struct {
    const char *db;             /* --db: the database, default lawwatch.db */
    const char *rules;          /* --rules: the rules folder, NULL for lw_cli_rules_dir's */
    lawwatch_read_options read; /* --encoding */
} lw_cli_common;

/* The defaults: lawwatch.db in the working folder (the configuration's db once the options
 * are parsed, unless --db was given: lw_cli_next_own), the encoding detected. */
void lw_cli_common_init(lw_cli_common *co);

/* What lw_cli_next returns besides an option's val. */
enum {
    LW_CLI_DONE = -1,    /* no argument left */
    LW_CLI_OPERAND = -2, /* p->arg is an operand (a file, a query word...) */
    LW_CLI_HELP = -3,    /* --help or -h: the usage was printed on stdout; exit LW_EXIT_OK */
    LW_CLI_BAD = -4      /* unknown option or missing value: said on stderr; exit LW_EXIT_FATAL */
};

/* Flags of a verb's parser. */
enum {
    /* the verb takes no operand: any, and "--", is an "unknown argument" (report, check) */
    LW_CLI_NO_OPERANDS = 1,
    /* a word starting with one '-' is an operand unless it is exactly a short option
     * ("-h"): a query word may start with '-' (search) */
    LW_CLI_DASH_WORDS = 2
};

/* The longest short-option string a verb gives (getopt's syntax): the verbs have a few. */
#define LW_CLI_SHORTOPTS_MAX 28

/* The state of one verb's option parsing. Options come in the order written, operands
 * among them (no permutation, whatever POSIXLY_CORRECT says); after "--" everything is an
 * operand. A long option is taken only when written whole (no abbreviations), with its
 * value as the next argument or after '='. The unknown option message is
 * "lawwatch VERB: unknown option 'ARG'" followed by the usage, as before getopt_long. */
typedef struct {
    const char *verb;  /* "report", for the messages */
    const char *usage; /* printed by --help and after an unknown option; NULL: by the caller */
    const char *shortopts;
    const struct option *longopts; /* 'h' (help) is handled here */
    int flags;
    int argc;
    char **argv;
    const char *arg; /* the option's value or the operand; NULL for a flag */
    /* private */
    char optstring[LW_CLI_SHORTOPTS_MAX + 8];
    struct option merged[LW_CLI_LONGOPTS_MAX + LW_CLI_COMMON_OPTIONS + 1]; /* the verb's, then ours */
    int nown;   /* options of the verb in merged; -1: its table is too long */
    int elem;   /* index of the argument being parsed */
    int inside; /* getopt is inside a group of short options (-vh) */
    int ended;  /* getopt met "--" or the end */
} lw_cli_parser;

/* Starts parsing argv[1..argc-1] (argv[0] is the verb). shortopts in getopt's syntax
 * ("ho:"), at most LW_CLI_SHORTOPTS_MAX characters. */
void lw_cli_parse_init(lw_cli_parser *p, const char *verb, const char *usage, const char *shortopts,
                       const struct option *longopts, int flags, int argc, char **argv);
/* The next option (its val), or LW_CLI_DONE, LW_CLI_OPERAND, LW_CLI_HELP or LW_CLI_BAD.
 * The common options are taken here; at the end the configuration is read and the log
 * opened: a bad --color, a log that cannot be opened, a broken configuration file are said
 * and returned as LW_CLI_BAD. */
int lw_cli_next(lw_cli_parser *p);
/* The next option the verb handles itself: the shared ones (--db, --rules, --encoding) go
 * into co; an unknown --encoding is said on stderr and returned as LW_CLI_BAD. At the end,
 * co->db is the configuration's db unless --db was given. */
int lw_cli_next_own(lw_cli_parser *p, lw_cli_common *co);

#endif
