/* lw_cli: the lawwatch command: a table of verbs, --help and --version, and the common
 * options written before the verb (lawwatch --quiet ingest ...). Each verb lives in its own
 * lw_cli_VERB.c; what they share is in lw_cli_common.c. */
#include <string.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the verb */
    /* the verb's usage in the overview: its lines, the next ones indented by 7 spaces
     * (they are printed under the verb's name) */
    const char *synopsis;
    const char *summary; /* one line */
} verb;

static const verb verbs[] = {
    {"normalize", lw_cli_normalize, "normalize FILE", "print the normalized text"},
    {"extract", lw_cli_extract, "extract [--format json|table] FILE...",
     "facts and header of each document (JSON Lines)"},
    {"ingest", lw_cli_ingest, "ingest [--db PATH] [--prune] [--reextract] [--jobs N] PATH...",
     "store documents and facts (incremental)"},
    {"search", lw_cli_search,
     "search [--db PATH] [--year Y] [--kind K] [--issuer TEXT] [--unit TEXT]\n"
     "       [--limit N] [--format table|json] QUERY... | --cites ID | --deadline-in 2025Q3",
     "full-text and fact search"},
    {"check", lw_cli_check, "check [--db PATH] [--unit TEXT] [--year Y] [--format table|json]",
     "citation and plan findings (exit 1 on errors)"},
    {"report", lw_cli_report,
     "report [--as-of DATE] [--window DAYS] [--format text|md|html|csv|json] [-o FILE]\n"
     "       [--lang vi|en]",
     "the deadline report (exit 1 when anything is overdue)"},
    {"serve", lw_cli_serve, "serve [--db PATH] [--listen ADDR:PORT] [--auth FILE]",
     "the reviewers' web interface (loopback by default)"},
    {"show", lw_cli_show, "show [--db PATH] [--format text|json] ID",
     "one ingested document by its id: header, facts, findings, duties"},
    {"rules", lw_cli_rules, "rules test", "run every rule's own examples"},
    {"config", lw_cli_config, "config [KEY]", "the configuration in use, or one key's value"},
    {"registry", lw_cli_registry, "registry [--db PATH] [--format table|json] [ID]",
     "known legal documents, their status and amendments"},
    {"export", lw_cli_export, "export [--db PATH] --to PATH [--reextract]",
     "copy every document into another database (e.g. PostgreSQL)"},
};

/* Where a verb's summary starts in the overview. */
#define SUMMARY_COL 33

/* The configuration file and the rules as --help names them: the installed places. */
#ifndef LW_CLI_SYSCONFDIR
#define LW_CLI_SYSCONFDIR "/etc"
#endif
#define LW_CLI_CONFIG_FILE_SHOWN LW_CLI_SYSCONFDIR "/lawwatch/lawwatch.conf"
#ifndef LW_CLI_DATADIR
#define LW_CLI_DATADIR "/usr/share"
#endif
#define LW_CLI_RULES_SHOWN LW_CLI_DATADIR "/lawwatch/rules"

static void usage(FILE *f)
{
    fputs("lawwatch " LAWWATCH_VERSION_STRING ": theo dõi văn bản pháp luật (Vietnamese legal-document analyzer)\n"
          "\n"
          "Usage: lawwatch VERB [options] ...\n"
          "\n",
          f);
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++) {
        /* the summary goes after the synopsis' last line when it leaves room, else below */
        const char *s = verbs[i].synopsis, *nl;
        while ((nl = strchr(s, '\n'))) {
            fprintf(f, "  %.*s\n", (int)(nl - s), s);
            s = nl + 1;
        }
        const char *last = s;
        int used = 2 + (int)strlen(last);
        if (used < SUMMARY_COL)
            fprintf(f, "  %s%*s%s\n", last, SUMMARY_COL - used, "", verbs[i].summary);
        else
            fprintf(f, "  %s\n%*s%s\n", last, SUMMARY_COL, "", verbs[i].summary);
    }
    /* the paragraphs below start with a heading at column 0 and list options and names as
     * "  NAME   text": lawwatch(1) and the bash completion are made from this text */
    fputs("\n"
          "Common options:\n"
          "  --color WHEN        colour: never, always or auto (default: auto, on a terminal\n"
          "                      unless NO_COLOR is set or TERM is dumb)\n"
          "  --log FILE          also append every message to FILE, with the time (default:\n"
          "                      log in the configuration file)\n"
          "  -q, --quiet         errors only on stderr (the log still keeps everything)\n"
          "  -v, --verbose       information too (rules test: every example run)\n"
          "  --config FILE       the configuration file (default: $LAWWATCH_CONFIG, else\n"
          "                      " LW_CLI_CONFIG_FILE_SHOWN ")\n"
          "  -h, --help          the verb's usage\n"
          "  --rules DIR         the rule files (default: $LAWWATCH_RULES, the configuration's\n"
          "                      rules, ./rules, else the installed rules)\n"
          "  --db PATH           the database: a SQLite file, or a PostgreSQL server's\n"
          "                      postgresql://USER@HOST/DB URI (default: the configuration's\n"
          "                      db, else ./lawwatch.db)\n"
          "  --encoding NAME     utf-8, utf-16le, utf-16be, windows-1258, tcvn3, vni (default: detect)\n"
          "Every verb takes the first six, also before the verb (lawwatch --quiet ingest ...);\n"
          "--rules, --db and --encoding go with the verbs whose usage names them.\n"
          "\n"
          "Exit status:\n"
          "  0   ok, or nothing to do about it (files that are not documents are skipped)\n"
          "  1   a document failed, check found errors, or report found overdue work\n"
          "  2   could not run: usage, database, rules, configuration, refused\n"
          "\n"
          "Environment:\n"
          "  LAWWATCH_RULES        the rules folder, when --rules is not given\n"
          "  LAWWATCH_CONFIG       the configuration file, when --config is not given\n"
          "  NO_COLOR              not empty: no colour (--color=always still colours)\n"
          "  TERM                  dumb: no colour\n"
          "  LAWWATCH_DEBUG_STATS  1: ingest adds \"read N files\" to its summary\n"
          "\n"
          "Files:\n"
          "  " LW_CLI_CONFIG_FILE_SHOWN "\n"
          "                        the configuration file (optional; lawwatch config shows it)\n"
          "  " LW_CLI_RULES_SHOWN "\n"
          "                        the installed rules\n"
          "\n"
          "'lawwatch VERB --help' tells more about a verb.\n",
          f);
}

/* lawwatch --version: the command's version and the rules' it would use. */
static int version(void)
{
    printf("lawwatch %s\n", lawwatch_version());
    fflush(stdout);
    const char *how, *looked;
    if (!lw_cli_config_info(&how, &looked)) /* a broken configuration: said; its rules unknown */
        return LW_EXIT_FATAL;
    const char *dir = lw_cli_rules_dir(NULL);
    lawwatch_engine *eng;
    lawwatch_error err;
    if (lawwatch_engine_open(dir, &eng, &err) != LAWWATCH_OK) {
        lw_cli_error(&err);
        lw_cli_say(NULL, "CLI_VERSION_RULES", dir);
        return LW_EXIT_FATAL;
    }
    printf("rules %s %s\n", lawwatch_engine_rules_version(eng), lawwatch_engine_rules_dir(eng));
    lawwatch_engine_free(eng);
    return LW_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return LW_EXIT_FATAL;
    }
    /* the common options before the verb, then the verb; --help and --version are there too */
    static const struct option longopts[] = {LW_CLI_OPT_HELP, {"version", no_argument, NULL, 'V'}, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, NULL, NULL, "h", longopts, 0, argc, argv); /* usage NULL: ours is usage() */
    const char *name = NULL;
    for (int c; !name;) {
        switch (c = lw_cli_next(&p)) {
        case LW_CLI_HELP:
            usage(stdout);
            return LW_EXIT_OK;
        case 'V':
            return version();
        case LW_CLI_OPERAND:
            name = p.arg;
            break;
        case LW_CLI_DONE: /* options and no verb */
            usage(stderr);
            return LW_EXIT_FATAL;
        default: /* said */
            fputs("Usage: lawwatch [options] VERB [options] ... ('lawwatch --help' tells more)\n", stderr);
            return LW_EXIT_FATAL;
        }
    }
    int at = optind - 1; /* the verb's place in argv */
    if (lw_cli_is_help(name) || !strcmp(name, "help")) {
        usage(stdout);
        return LW_EXIT_OK;
    }
    if (!strcmp(name, "version"))
        return version();
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
        if (!strcmp(name, verbs[i].name)) {
            lw_cli_log_set_verb(verbs[i].name);
            return verbs[i].run(argc - at, argv + at);
        }
    lw_cli_say(NULL, "CLI_UNKNOWN_VERB", name);
    fputc('\n', stderr);
    usage(stderr);
    return LW_EXIT_FATAL;
}
