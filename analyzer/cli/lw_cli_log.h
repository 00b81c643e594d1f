/* lw_cli_log: where what the lawwatch command says goes. Every line goes through here:
 * stderr (errors always; warnings and notices unless --quiet; information with --verbose),
 * the log file (--log or the configuration's log: every line that passes --verbose, with a
 * time stamp, whatever --quiet says) and, when stderr is not a terminal, syslog (under
 * systemd, whose journal already reads stderr, the stderr lines carry the journal's "<N>"
 * priority prefix instead). One process has one stderr and one log, so the sink is one
 * static object, set up by the option parser (lw_cli_common.c) before the verb says
 * anything; it uses the C library only. */
#ifndef LW_CLI_LOG_H
#define LW_CLI_LOG_H

/* The levels of what is said, most important first. */
enum { LW_CLI_ERROR, LW_CLI_WARNING, LW_CLI_NOTICE, LW_CLI_INFO };

/* How much stderr shows: --quiet errors only, --verbose information too. */
enum { LW_CLI_QUIET = -1, LW_CLI_NORMAL = 0, LW_CLI_VERBOSE = 1 };
/* When lines go to syslog: auto (stderr is not a terminal), always, never. */
enum { LW_CLI_SYSLOG_AUTO, LW_CLI_SYSLOG_YES, LW_CLI_SYSLOG_NO };

void lw_cli_log_set_verbosity(int verbosity);
int lw_cli_log_verbosity(void);
void lw_cli_log_set_syslog(int mode);
/* The verb being run, named in the log lines of messages said without one. Borrowed: a
 * static string or the command's argv. */
void lw_cli_log_set_verb(const char *verb);
/* Opens path for appending (O_APPEND, O_CLOEXEC, created 0640) and logs there from now on,
 * instead of a log opened before. Returns 0, or the errno of the failure (nothing changed). */
int lw_cli_log_open(const char *path);
/* True when a log file is open. */
int lw_cli_log_is_open(void);

/* Says one line at level: on stderr "lawwatch VERB: text" ("lawwatch: text" when verb is
 * NULL), in the log and syslog the text with the verb run. text has no final newline. */
void lw_cli_log_say(int level, const char *verb, const char *text);
/* Says text as it is (lines ending in '\n'), each line logged on its own. */
void lw_cli_log_lines(int level, const char *text);

#endif
