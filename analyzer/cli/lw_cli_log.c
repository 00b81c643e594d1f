/* lw_cli_log: the one sink of what the lawwatch command says (stderr, the log file, syslog). */
#define _GNU_SOURCE /* tm_gmtoff */
#include "lw_cli_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* A log file is readable by the admin's group (reviewers need not read it), never by all. */
#define LOG_FILE_MODE 0640
/* "2026-12-07T06:17:22+07:00 lawwatch[4242] ingest warning: " and some room. */
#define LOG_PREFIX_MAX 160
/* "<N>": the priority prefix systemd's journal reads at the start of a stderr line. */
#define JOURNAL_PREFIX_MAX 8

static struct {
    int verbosity;
    int syslog_mode;
    const char *verb;
    int log_fd;        /* -1: no log file */
    int stderr_state;  /* 0 not looked at yet, else 1 + the flags below */
    int syslog_opened;
} sink = {LW_CLI_NORMAL, LW_CLI_SYSLOG_AUTO, NULL, -1, 0, 0};

enum { STDERR_TTY = 1, STDERR_JOURNAL = 2 };

static const char *const level_names[] = {"error", "warning", "notice", "info"};
static const int level_priorities[] = {LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO};

static int clamp_level(int level) { return level < LW_CLI_ERROR ? LW_CLI_ERROR : level > LW_CLI_INFO ? LW_CLI_INFO : level; }

void lw_cli_log_set_verbosity(int verbosity) { sink.verbosity = verbosity; }
int lw_cli_log_verbosity(void) { return sink.verbosity; }
void lw_cli_log_set_syslog(int mode) { sink.syslog_mode = mode; }
void lw_cli_log_set_verb(const char *verb) { sink.verb = verb; }
int lw_cli_log_is_open(void) { return sink.log_fd >= 0; }

int lw_cli_log_open(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, LOG_FILE_MODE);
    if (fd < 0)
        return errno ? errno : EIO;
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) { /* a folder or a device is no log */
        close(fd);
        return EINVAL;
    }
    if (sink.log_fd >= 0)
        close(sink.log_fd);
    sink.log_fd = fd;
    return 0;
}

/* Whether stderr is a terminal, and whether it is systemd's journal: systemd sets
 * JOURNAL_STREAM to "DEVICE:INODE" of the stream it connects to stderr (systemd.exec(5)). */
static int stderr_flags(void)
{
    if (!sink.stderr_state) {
        int flags = isatty(STDERR_FILENO) ? STDERR_TTY : 0;
        const char *js = getenv("JOURNAL_STREAM");
        struct stat st;
        unsigned long long dev, ino;
        if (js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && !fstat(STDERR_FILENO, &st) &&
            (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino)
            flags |= STDERR_JOURNAL;
        sink.stderr_state = 1 + flags;
    }
    return sink.stderr_state - 1;
}

static int shown(int level)
{
    if (level == LW_CLI_ERROR)
        return 1;
    if (level == LW_CLI_INFO)
        return sink.verbosity > LW_CLI_NORMAL;
    return sink.verbosity >= LW_CLI_NORMAL;
}

/* The log file and syslog keep what --verbose asks for, whatever --quiet says: --quiet
 * is for the terminal and cron's mail, the log is the record. */
static int recorded(int level) { return level < LW_CLI_INFO || sink.verbosity > LW_CLI_NORMAL; }

static int to_syslog(void)
{
    if (sink.syslog_mode == LW_CLI_SYSLOG_NO)
        return 0;
    if (sink.syslog_mode == LW_CLI_SYSLOG_YES)
        return 1;
    /* the journal reads stderr already (with the "<N>" prefix): syslog would say it twice */
    return !(stderr_flags() & (STDERR_TTY | STDERR_JOURNAL));
}

/* "2026-12-07T06:17:22+07:00": ISO 8601, local time with its offset. */
static void timestamp(char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    buf[0] = '\0';
    if (!localtime_r(&now, &tm))
        return;
    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    long off = tm.tm_gmtoff / 60;
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    snprintf(buf + n, size - n, "%c%02ld:%02ld", sign, off / 60, off % 60);
}

/* One line (len bytes, no newline) to the log file and syslog. */
static void record(int level, const char *verb, const char *text, size_t len)
{
    if (!recorded(level))
        return;
    if (!verb)
        verb = sink.verb ? sink.verb : "-";
    if (sink.log_fd >= 0) {
        char prefix[LOG_PREFIX_MAX], ts[64];
        timestamp(ts, sizeof ts);
        int n = snprintf(prefix, sizeof prefix, "%s lawwatch[%ld] %.32s %s: ", ts, (long)getpid(), verb,
                         level_names[level]);
        if (n < 0 || (size_t)n >= sizeof prefix)
            n = (int)strlen(prefix);
        /* one writev per line: appends of several runs never interleave inside a line */
        struct iovec iov[3] = {{prefix, (size_t)n}, {(void *)text, len}, {"\n", 1}};
        ssize_t w = writev(sink.log_fd, iov, 3);
        (void)w; /* a full disk cannot be told anywhere better than stderr, which said it */
    }
    if (to_syslog()) {
        if (!sink.syslog_opened) {
            openlog("lawwatch", LOG_PID, LOG_USER);
            sink.syslog_opened = 1;
        }
        syslog(level_priorities[level], "%s: %.*s", verb, (int)len, text);
    }
}

static const char *journal_prefix(int level, char *buf)
{
    if (!(stderr_flags() & STDERR_JOURNAL))
        return "";
    snprintf(buf, JOURNAL_PREFIX_MAX, "<%d>", level_priorities[level]);
    return buf;
}

void lw_cli_log_say(int level, const char *verb, const char *text)
{
    level = clamp_level(level);
    if (shown(level)) {
        char jp[JOURNAL_PREFIX_MAX];
        fprintf(stderr, "%slawwatch%s%s: %s\n", journal_prefix(level, jp), verb ? " " : "", verb ? verb : "", text);
    }
    record(level, verb, text, strlen(text));
}

void lw_cli_log_lines(int level, const char *text)
{
    level = clamp_level(level);
    int show = shown(level);
    char jp[JOURNAL_PREFIX_MAX];
    const char *prefix = journal_prefix(level, jp);
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t len = nl ? (size_t)(nl - text) : strlen(text);
        if (show)
            fprintf(stderr, "%s%.*s\n", prefix, (int)len, text);
        record(level, NULL, text, len);
        text += len + (nl != NULL);
    }
}
