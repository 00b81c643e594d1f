/* lw_cli: the lawwatch command: a table of verbs, --help and --version. Each verb lives in
 * its own lw_cli_VERB.c; what they share is in lw_cli_common.c. */
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
     "search [--db PATH] [--year Y] [--kind K] [--issuer TEXT] [--limit N]\n"
     "       [--format table|json] QUERY... | --cites ID | --deadline-in 2025Q3",
     "full-text and fact search"},
    {"check", lw_cli_check, "check [--db PATH] [--unit TEXT] [--year Y] [--format table|json]",
     "citation and plan findings (exit 1 on errors)"},
    {"report", lw_cli_report,
     "report [--as-of DATE] [--window DAYS] [--format text|md|html|csv|json] [-o FILE]\n"
     "       [--lang vi|en]",
     "the deadline report (exit 1 when anything is overdue)"},
    {"rules", lw_cli_rules, "rules test", "run every rule's own examples"},
};

/* Where a verb's summary starts in the overview. */
#define SUMMARY_COL 33

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
    fputs("\n"
          "Common options: --rules DIR (rule files; default ./rules), --encoding NAME\n"
          "  (utf-8, utf-16le, utf-16be, windows-1258, tcvn3, vni; default: detect).\n"
          "Exit status: 0 ok, 1 findings or some files skipped, 2 usage or fatal error.\n"
          "'lawwatch VERB --help' tells more about a verb.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return LW_EXIT_FATAL;
    }
    const char *name = argv[1];
    if (lw_cli_is_help(name) || !strcmp(name, "help")) {
        usage(stdout);
        return LW_EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("lawwatch %s\n", lawwatch_version());
        return LW_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
        if (!strcmp(name, verbs[i].name))
            return verbs[i].run(argc - 1, argv + 1);
    lw_cli_say(NULL, "CLI_UNKNOWN_VERB", name);
    fputc('\n', stderr);
    usage(stderr);
    return LW_EXIT_FATAL;
}
