/* lw_cli: the lawwatch command: dispatches to a verb; --help and --version. */
#include "lw_cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "lawwatch " LW_VERSION ": theo dõi văn bản pháp luật (Vietnamese legal-document analyzer)\n"
    "\n"
    "Usage: lawwatch VERB [options] ...\n"
    "\n"
    "  normalize FILE                 print the normalized text\n"
    "  extract [--format json|table] FILE...\n"
    "                                 facts and header of each document (JSON Lines)\n"
    "  ingest [--db PATH] [--prune] [--reextract] [--jobs N] PATH...\n"
    "                                 store documents and facts (incremental)\n"
    "  search [--db PATH] [--year Y] [--kind K] [--issuer TEXT] [--limit N]\n"
    "         [--format table|json] QUERY... | --cites ID | --deadline-in 2025Q3\n"
    "                                 full-text and fact search\n"
    "  check [--db PATH] [--unit TEXT] [--year Y] [--format table|json]\n"
    "                                 citation and plan findings (exit 1 on errors)\n"
    "  report [--as-of DATE] [--window DAYS] [--format text|md|html|csv|json] [-o FILE]\n"
    "         [--lang vi|en]          the deadline report (exit 1 when anything is overdue)\n"
    "  rules test                     run every rule's own examples\n"
    "\n"
    "Common options: --rules DIR (rule files; default ./rules), --encoding NAME\n"
    "  (utf-8, utf-16le, utf-16be, windows-1258, tcvn3, vni; default: detect).\n"
    "Exit status: 0 ok, 1 findings or some files skipped, 2 usage or fatal error.\n"
    "'lawwatch VERB --help' tells more about a verb.\n";

int lw_cli_is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

const char *lw_cli_rules_dir(const char *opt)
{
    if (opt)
        return opt;
    const char *env = getenv("LAWWATCH_RULES");
    if (env && *env)
        return env;
    struct stat st;
    if (stat("rules", &st) == 0 && S_ISDIR(st.st_mode))
        return "rules";
    return LW_SOURCE_DIR "/rules";
}

void lw_cli_error(const lw_error *err)
{
    char buf[2400];
    fprintf(stderr, "lawwatch: %s\n", lw_error_format(err, buf, sizeof buf));
}

lw_engine *lw_cli_engine(const char *rules_opt)
{
    lw_engine *e;
    lw_error err;
    lw_error_clear(&err);
    if (lw_engine_create(lw_cli_rules_dir(rules_opt), &e, &err) != LW_OK) {
        lw_cli_error(&err);
        return NULL;
    }
    return e;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return LW_EXIT_FATAL;
    }
    const char *verb = argv[1];
    if (lw_cli_is_help(verb) || !strcmp(verb, "help")) {
        fputs(usage, stdout);
        return LW_EXIT_OK;
    }
    if (!strcmp(verb, "--version") || !strcmp(verb, "version")) {
        printf("lawwatch %s\n", LW_VERSION);
        return LW_EXIT_OK;
    }
    if (!strcmp(verb, "normalize"))
        return lw_cli_normalize(argc - 1, argv + 1);
    if (!strcmp(verb, "extract"))
        return lw_cli_extract(argc - 1, argv + 1);
    if (!strcmp(verb, "ingest"))
        return lw_cli_ingest(argc - 1, argv + 1);
    if (!strcmp(verb, "search"))
        return lw_cli_search(argc - 1, argv + 1);
    if (!strcmp(verb, "report"))
        return lw_cli_report(argc - 1, argv + 1);
    if (!strcmp(verb, "check"))
        return lw_cli_check(argc - 1, argv + 1);
    if (!strcmp(verb, "rules"))
        return lw_cli_rules(argc - 1, argv + 1);
    fprintf(stderr, "lawwatch: unknown verb '%s'\n\n%s", verb, usage);
    return LW_EXIT_FATAL;
}
