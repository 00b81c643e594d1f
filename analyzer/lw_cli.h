/* lw_cli: shared pieces of the lawwatch command line: option parsing helpers, finding
 * the rules folder, printing errors. Each verb lives in its own lw_cli_VERB.c. */
#ifndef LW_CLI_H
#define LW_CLI_H

#include <stdio.h>

#include "lw_common.h"
#include "lw_extract.h"

enum { LW_EXIT_OK = 0, LW_EXIT_FINDINGS = 1, LW_EXIT_FATAL = 2 };

/* The rules folder: --rules, else $LAWWATCH_RULES, else ./rules, else the source tree's. */
const char *lw_cli_rules_dir(const char *opt);
/* Prints "lawwatch: file:line: message" to stderr. */
void lw_cli_error(const lw_error *err);
/* Loads the engine or prints why not; NULL on failure. */
lw_engine *lw_cli_engine(const char *rules_opt);
/* True when argv[i] is --help or -h. */
int lw_cli_is_help(const char *a);

int lw_cli_normalize(int argc, char **argv);
int lw_cli_extract(int argc, char **argv);
int lw_cli_rules(int argc, char **argv);
int lw_cli_ingest(int argc, char **argv);
int lw_cli_search(int argc, char **argv);
int lw_cli_check(int argc, char **argv);
int lw_cli_report(int argc, char **argv);

#endif
