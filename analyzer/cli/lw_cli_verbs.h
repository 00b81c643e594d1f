/* lw_cli_verbs: the verbs of the lawwatch command, one lw_cli_VERB.c each, called by the
 * verb table of lw_cli.c with the arguments from the verb on (argv[0] is the verb). */
#ifndef LW_CLI_VERBS_H
#define LW_CLI_VERBS_H

int lw_cli_normalize(int argc, char **argv);
int lw_cli_extract(int argc, char **argv);
int lw_cli_rules(int argc, char **argv);
int lw_cli_ingest(int argc, char **argv);
int lw_cli_search(int argc, char **argv);
int lw_cli_check(int argc, char **argv);
int lw_cli_report(int argc, char **argv);
int lw_cli_config(int argc, char **argv);
int lw_cli_serve(int argc, char **argv);
int lw_cli_show(int argc, char **argv);
int lw_cli_registry(int argc, char **argv);
int lw_cli_export(int argc, char **argv);

#endif
