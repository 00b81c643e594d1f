/* lw_cli_registry: the registry verb: the known legal documents with their status, or one of
 * them with its chain of amendments and replacements and the ingested documents citing it.
 * Options are parsed here; the library writes the table or the JSON (lawwatch_registry_write). */
#include <string.h>
#include <unistd.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

static const char registry_usage[] =
    "Usage: lawwatch registry [--db PATH] [--rules DIR] [--format table|json] [ID]\n"
    "The registry of known legal documents (DIR/registry.yaml): each with its type, title, dates\n"
    "of issue and effect and its status as the registry says it (còn hiệu lực, đã được sửa đổi,\n"
    "bổ sung, bị thay thế, hết hiệu lực), what amends or replaces it and how many ingested\n"
    "documents cite it; grouped by type (Hiến pháp, Luật, Nghị quyết, Pháp lệnh, Nghị định,\n"
    "Quyết định, Chỉ thị, Thông tư, then the others), then by year and number.\n"
    "With ID (59/2012/NĐ-CP; case and diacritics ignored): that document's card, the chain of\n"
    "what amends or replaces it and of what it amends or replaces (both ways, transitively,\n"
    "each with its status), then the ingested documents citing it as search --cites lists\n"
    "them. An ID the registry lacks but documents cite is shown as not in the registry.\n"
    "When the database does not exist, the registry is shown without the citing documents.\n"
    "  --format table|json  the table (default) or JSON: for the list an array of {\"id\",\n"
    "                       \"type\",\"title\",\"issuer\",\"issued\",\"effective\",\"status\",\n"
    "                       \"status_label\",\"amended_by\",\"replaced_by\",\"note\",\"registry\",\n"
    "                       \"cited_by_count\"}; for an ID one object with those keys and\n"
    "                       \"in_registry\", \"sources\", \"changed_by\", \"changes\" and\n"
    "                       \"cited_by\"\n"
    "cited_by holds the rows that search --cites ID --format json gives, with the same keys.\n"
    "Exit status: 0 ok, 2 when ID is neither in the registry nor cited, or on a usage,\n"
    "rules or database error.\n";

int lw_cli_registry(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    const char *format = "table", *id = NULL;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_DB, LW_CLI_OPT_RULES,
                                             {"format", required_argument, NULL, 'f'}, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "registry", registry_usage, "h", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        switch (c) {
        case 'f':
            format = p.arg;
            if (strcmp(format, "table") && strcmp(format, "json")) {
                lw_cli_say("registry", "CLI_FORMAT_TABLE", format);
                return LW_EXIT_FATAL;
            }
            break;
        case LW_CLI_OPERAND:
            if (id) { /* one document at a time: a second is a typo, not a wish */
                lw_cli_say("registry", "CLI_UNKNOWN_ARGUMENT", p.arg);
                fputs(registry_usage, stderr);
                return LW_EXIT_FATAL;
            }
            id = p.arg;
            break;
        default: /* help, or an unknown option */
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
    }
    lawwatch_engine *eng = lw_cli_engine(co.rules);
    if (!eng)
        return LW_EXIT_FATAL;
    /* the registry is rules data: it is worth showing before anything was ingested */
    lawwatch_db *db = NULL;
    if (access(co.db, F_OK) == 0 || lawwatch_db_is_uri(co.db)) {
        if (!(db = lw_cli_db(co.db, LAWWATCH_DB_READONLY))) {
            lawwatch_engine_free(eng);
            return LW_EXIT_FATAL;
        }
    } else {
        lw_cli_note(LW_CLI_NOTICE, "registry", "REG_NO_DB");
    }
    char cwd[LW_CLI_PATH_MAX];
    int json = !strcmp(format, "json");
    lawwatch_view v = {json ? LAWWATCH_FORMAT_JSON : LAWWATCH_FORMAT_TEXT, !json && lw_cli_color(stdout),
                       lw_cli_cwd(cwd, sizeof cwd)};
    lawwatch_error err;
    int rc = LW_EXIT_OK;
    if (lawwatch_registry_write(eng, db, id, &v, stdout, NULL, &err)) {
        lw_cli_error(&err);
        rc = LW_EXIT_FATAL;
    }
    lawwatch_db_close(db);
    lawwatch_engine_free(eng);
    return rc;
}
