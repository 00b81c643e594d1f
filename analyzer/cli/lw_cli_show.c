/* lw_cli_show: the show verb: one stored document by its database id (the "id" of search,
 * check and report JSON), as a summary for a reviewer or as JSON (the same as the web's
 * /api/doc/ID). Options are parsed here; the library reads and writes the document
 * (lawwatch_doc_write). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

static const char show_usage[] =
    "Usage: lawwatch show [--db PATH] [--rules DIR] [--format text|json] ID\n"
    "One ingested document by its id (the \"id\" of search, check and report JSON): as reviewers\n"
    "name it, its header (read again from the stored text with the rules of --rules), how it\n"
    "was read, its facts counted by kind, its findings (as check gives them) and its duties\n"
    "with their status as of today (as report --all judges them), and its original file.\n"
    "json: one object with id, path, paths, label, sha256, encoding, source_format, pages,\n"
    "note, header, text, text_spans, facts, findings, duties, as_of and original {name,\n"
    "size, available}: header and facts with the keys of extract (a fact's index in facts is\n"
    "its data-fact on the web page; a legal_ref whose cited document is stored has\n"
    "cited_doc_id), text the stored text the facts' spans point into (text_spans: each\n"
    "fact's place in it), findings as check --format json.\n"
    "Exit status: 0 shown, 2 on a usage error, an unknown ID or a database error.\n";

/* The document id of s: a decimal number from 1, nothing else. 0 when it is not one. */
static long long parse_id(const char *s)
{
    if (!s || *s < '1' || *s > '9' || strspn(s, "0123456789") != strlen(s))
        return 0;
    errno = 0;
    char *end;
    long long id = strtoll(s, &end, 10);
    return errno || *end ? 0 : id;
}

int lw_cli_show(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    const char *format = "text", *arg = NULL;
    int n_args = 0;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_DB, LW_CLI_OPT_RULES,
                                             {"format", required_argument, NULL, 'f'}, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "show", show_usage, "h", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        switch (c) {
        case 'f':
            format = p.arg;
            break;
        case LW_CLI_OPERAND:
            arg = p.arg;
            n_args++;
            break;
        default: /* help, or an unknown option */
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
    }
    int json = !strcmp(format, "json");
    if (!json && strcmp(format, "text")) {
        lw_cli_say("show", "CLI_FORMAT_SHOW", format);
        return LW_EXIT_FATAL;
    }
    if (n_args != 1) {
        lw_cli_say("show", "CLI_SHOW_ONE_ID");
        fputs(show_usage, stderr);
        return LW_EXIT_FATAL;
    }
    long long id = parse_id(arg);
    if (!id) {
        lw_cli_say("show", "CLI_SHOW_ID", arg);
        return LW_EXIT_FATAL;
    }
    lawwatch_engine *eng = lw_cli_engine(co.rules);
    lawwatch_db *db = eng ? lw_cli_db(co.db, LAWWATCH_DB_READONLY) : NULL;
    int rc = LW_EXIT_FATAL;
    if (db) {
        char cwd[LW_CLI_PATH_MAX];
        lawwatch_view v = {json ? LAWWATCH_FORMAT_JSON : LAWWATCH_FORMAT_TEXT, 0, lw_cli_cwd(cwd, sizeof cwd)};
        lawwatch_error err;
        if (lawwatch_doc_write(db, eng, id, &v, stdout, &err))
            lw_cli_error(&err);
        else
            rc = LW_EXIT_OK;
    }
    lawwatch_db_close(db);
    lawwatch_engine_free(eng);
    return rc;
}
