/* lw_sandbox: a reader in a child process with limits; see the header for what it promises.
 *
 * The pipe carries messages, each a tag byte and little-endian fields:
 *   'P' u32 done, u32 total          progress (one write(2) each: atomic, threads may send)
 *   'M'                              the child died with its address space exhausted
 *   'E' u32 status, u32 line, u32 n, n bytes   the reader's error
 *   'S' u64 n, n bytes               the serialized source (the last message) */
#define _GNU_SOURCE
#include "lw_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lw_msg.h"

#if defined(__SANITIZE_ADDRESS__)
#define LW_SANDBOX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LW_SANDBOX_ASAN 1
#endif
#endif
#ifndef LW_SANDBOX_ASAN
#define LW_SANDBOX_ASAN 0
#endif

/* Seconds between the CPU soft limit (SIGXCPU) and the hard one (SIGKILL): a reader that
 * catches or blocks SIGXCPU still ends. */
#define CPU_HARD_MARGIN 2
/* The smallest address-space probe of the crash handler (see on_fatal). */
#define PROBE_MIN ((size_t)16 * 1024 * 1024)
/* The alternate signal stack of the child's crash handler (a stack overflow is a crash too). */
#define ALT_STACK_SIZE (64 * 1024)

/* pages, counted up to the page cap. */
static unsigned capped_pages(const lw_read_options *opt, unsigned pages)
{
    unsigned cap = opt->max_pages > 0 ? (unsigned)opt->max_pages : LW_READ_PAGES_DEFAULT;
    return pages < cap ? pages : cap;
}

/* The CPU seconds of a reading of pages pages (0: not known yet): opt's and the pages'
 * allowance, for each OCR thread (threads spend CPU time together). */
static long cpu_limit(const lw_read_options *opt, unsigned pages)
{
    long cpu = (opt->max_cpu > 0 ? opt->max_cpu : LW_READ_CPU_DEFAULT) +
               (long)capped_pages(opt, pages) * LW_SANDBOX_SECONDS_PER_PAGE;
    return opt->jobs > 1 ? cpu * opt->jobs : cpu;
}

/* The wall-clock seconds of a reading of pages pages (0: not known yet). */
static long wall_limit(const lw_read_options *opt, unsigned pages)
{
    return (opt->max_wall > 0 ? opt->max_wall : LW_READ_WALL_DEFAULT) +
           (long)capped_pages(opt, pages) * LW_SANDBOX_SECONDS_PER_PAGE;
}

/* ---- the child ---- */

/* The child's pipe and probe size for its crash handler. Written only in the child after
 * fork(), where there is one thread; the parent never touches them, so concurrent calls in the
 * parent share nothing. */
static volatile int child_fd = -1;
static volatile size_t child_probe;

static int write_all(int fd, const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n) {
        ssize_t k = write(fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* What the child's progress callback needs. */
typedef struct {
    int fd;
    const lw_read_options *opt;
} child_ctx;

/* The reader's progress, sent to the parent; the pages' CPU allowance granted (the soft
 * limit raised, up to the hard one set for the page cap). */
static void child_progress(void *ud, unsigned done, unsigned total)
{
    const child_ctx *c = ud;
    struct rlimit rl;
    if (total && getrlimit(RLIMIT_CPU, &rl) == 0) {
        rlim_t want = (rlim_t)cpu_limit(c->opt, total);
        if (want > rl.rlim_cur && want <= rl.rlim_max) {
            rl.rlim_cur = want;
            setrlimit(RLIMIT_CPU, &rl);
        }
    }
    unsigned char m[9];
    m[0] = 'P';
    put32(m + 1, done);
    put32(m + 5, total);
    (void)write_all(c->fd, m, sizeof m);
}

/* A fatal signal in the child: if the address space is (nearly) exhausted the crash most
 * likely follows a failed allocation (C++ new throwing, glib aborting), so the parent is told
 * 'M' and says "out of memory" rather than "damaged file". Only async-signal-safe calls. */
static void on_fatal(int sig)
{
    if (child_fd >= 0 && child_probe) {
        void *p = mmap(NULL, child_probe, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            char m = 'M';
            ssize_t k = write(child_fd, &m, 1);
            (void)k;
        } else {
            munmap(p, child_probe);
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The child's address space now, in bytes (/proc/self/statm's first field), or 0. */
static size_t child_vm_size(void)
{
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return (size_t)strtoull(buf, NULL, 10) * (size_t)sysconf(_SC_PAGESIZE);
}

/* Closes every descriptor from lo up (close_range where the kernel has it). */
static void close_from(int lo)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lo, ~0U, 0) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = lo; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
        close((int)fd);
}

/* Sets up the child (descriptors, signals, limits), runs the reader and sends its answer.
 * Never returns. */
static void child_main(int wfd, lw_reader_fn fn, const unsigned char *raw, size_t len, const lw_read_options *opt)
{
    /* the pipe's write end becomes fd 3 and every other descriptor is closed: the parent's
     * database, other readers' pipes (another thread may be waiting on them) */
    if (wfd != 3) {
        if (dup2(wfd, 3) < 0)
            _exit(126);
        wfd = 3;
    }
    close_from(4);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1); /* a library's chatter must not reach the command's output */
        if (!getenv("LW_READ_STDERR"))
            dup2(null, 2); /* nor poppler's "Syntax Error" lines the reviewer's terminal */
        if (null > 3)
            close(null);
    }

    /* default dispositions and no blocked signal: the parent's handlers are not ours */
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    signal(SIGPIPE, SIG_IGN); /* the parent gone: write fails, then _exit */
    signal(SIGXFSZ, SIG_IGN); /* a write to a file fails with EFBIG instead of killing */

    /* OCR threads: tesseract's OpenMP would multiply them */
    setenv("OMP_THREAD_LIMIT", "1", 1);

    struct rlimit rl;
    rl.rlim_cur = rl.rlim_max = 0;
    setrlimit(RLIMIT_CORE, &rl);
    setrlimit(RLIMIT_FSIZE, &rl);
    /* soft: the file's seconds until its pages are known; hard: as many pages as the cap */
    rl.rlim_cur = (rlim_t)cpu_limit(opt, 0);
    rl.rlim_max = (rlim_t)cpu_limit(opt, UINT32_MAX) + CPU_HARD_MARGIN;
    setrlimit(RLIMIT_CPU, &rl);
    size_t mem = opt->max_memory ? opt->max_memory : LW_READ_MEMORY_DEFAULT;
    if (!LW_SANDBOX_ASAN) {
        /* what the child inherited (the parent's heap, libraries, thread stacks) plus what
         * the reader may add */
        size_t base = child_vm_size();
        rl.rlim_cur = rl.rlim_max = (rlim_t)(base + mem);
        setrlimit(RLIMIT_AS, &rl);
        child_probe = mem / 16 > PROBE_MIN ? mem / 16 : PROBE_MIN;
    }
    child_fd = wfd;
    stack_t ss;
    ss.ss_sp = malloc(ALT_STACK_SIZE);
    ss.ss_size = ALT_STACK_SIZE;
    ss.ss_flags = 0;
    if (ss.ss_sp)
        sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal;
    sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    const int fatal[] = {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTRAP};
    for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
        sigaction(fatal[i], &sa, NULL);

    /* progress always: the parent's deadline and the CPU limit follow the pages */
    lw_read_options o = *opt;
    child_ctx ctx = {wfd, opt};
    o.progress = child_progress;
    o.progress_ud = &ctx;
    o.no_sandbox = 1;
    lw_source *src = NULL;
    lw_error e;
    lw_error_clear(&e);
    lw_status st = fn(raw, len, &o, &src, &e);
    unsigned char *ser = NULL;
    size_t n = 0;
    if (!st && !src)
        st = lw_error_msg(&e, LW_ERR_DATA, NULL, 0, 0, LW_MSG_SOURCE_BAD);
    if (!st)
        st = lw_source_serialize(src, &ser, &n, &e);
    if (st == LW_ERR_NOMEM) {
        /* the reader ran out of its address space: the parent says which limit */
        char m = 'M';
        _exit(write_all(wfd, &m, 1) ? 125 : 0);
    }
    if (st) {
        size_t ml = strnlen(e.msg, sizeof e.msg);
        unsigned char h[13];
        h[0] = 'E';
        put32(h + 1, (uint32_t)st);
        put32(h + 5, (uint32_t)(e.line > 0 ? e.line : 0));
        put32(h + 9, (uint32_t)ml);
        _exit(write_all(wfd, h, sizeof h) || write_all(wfd, e.msg, ml) ? 125 : 0);
    }
    unsigned char h[9];
    h[0] = 'S';
    put32(h + 1, (uint32_t)n);
    put32(h + 5, (uint32_t)((uint64_t)n >> 32));
    _exit(write_all(wfd, h, sizeof h) || write_all(wfd, ser, n) ? 125 : 0);
}

/* ---- the parent ---- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What came over the pipe so far. */
typedef struct {
    lw_buf buf;     /* unparsed bytes */
    size_t at;      /* parsed up to here */
    int oom;        /* 'M' seen */
    int done;       /* 'E' or 'S' complete */
    int bad;        /* unknown tag, too large */
    unsigned pages; /* the most pages the reader said the file has */
    lw_status rst;  /* 'E': the reader's status, line and message */
    int rline;
    char rmsg[sizeof ((lw_error *)0)->msg];
    size_t src_at, src_len; /* 'S': the serialized source in buf */
} reply;

/* Parses the complete messages in r->buf from r->at, forwarding progress. */
static void parse(reply *r, const lw_read_options *opt)
{
    while (!r->done && !r->bad && r->at < r->buf.len) {
        const unsigned char *p = (const unsigned char *)r->buf.data + r->at;
        size_t left = r->buf.len - r->at;
        switch (p[0]) {
        case 'P':
            if (left < 9)
                return;
            if (opt->progress)
                opt->progress(opt->progress_ud, get32(p + 1), get32(p + 5));
            if (get32(p + 5) > r->pages)
                r->pages = get32(p + 5);
            r->at += 9;
            break;
        case 'M':
            r->oom = 1;
            r->at += 1;
            break;
        case 'E': {
            if (left < 13)
                return;
            uint32_t ml = get32(p + 9);
            if (ml >= sizeof r->rmsg) {
                r->bad = 1;
                return;
            }
            if (left < 13 + (size_t)ml)
                return;
            r->rst = (lw_status)get32(p + 1);
            r->rline = (int)get32(p + 5);
            memcpy(r->rmsg, p + 13, ml);
            r->rmsg[ml] = '\0';
            r->at += 13 + ml;
            r->done = 1;
            if (r->rst == LW_OK || r->rst > LW_ERR_REFUSED)
                r->bad = 1;
            break;
        }
        case 'S': {
            if (left < 9)
                return;
            uint64_t n = (uint64_t)get32(p + 1) | (uint64_t)get32(p + 5) << 32;
            if (n > LW_SANDBOX_REPLY_MAX) {
                r->bad = 1;
                return;
            }
            if (left < 9 + n)
                return;
            r->src_at = r->at + 9;
            r->src_len = (size_t)n;
            r->at += 9 + (size_t)n;
            r->done = 1;
            break;
        }
        default:
            r->bad = 1;
            return;
        }
    }
    /* progress consumed: keep the buffer from growing with it */
    if (!r->done && r->at == r->buf.len) {
        r->buf.len = 0;
        r->at = 0;
    }
}

/* Reads the child's messages until EOF or the wall deadline (from t0, longer as pages are
 * announced); 1 when the deadline passed, 0 at EOF (or when the data is bad or too large:
 * the child is then killed too). */
static int read_reply(int fd, reply *r, const lw_read_options *opt, long long t0)
{
    for (;;) {
        long long left = t0 + wall_limit(opt, r->pages) * 1000 - now_ms();
        if (left <= 0)
            return 1;
        struct pollfd pfd = {fd, POLLIN, 0};
        int pr = poll(&pfd, 1, left > 1000000 ? 1000000 : (int)left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0)
            return 0;
        if (pr == 0)
            continue; /* the deadline is checked above */
        if (lw_buf_reserve(&r->buf, 65536)) {
            r->bad = 1; /* out of memory here: treated as bad data, the child killed */
            return 0;
        }
        ssize_t k = read(fd, r->buf.data + r->buf.len, r->buf.cap - r->buf.len - 1);
        if (k < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (k <= 0)
            return 0;
        r->buf.len += (size_t)k;
        parse(r, opt);
        if (r->bad || r->buf.len > LW_SANDBOX_REPLY_MAX + 64) {
            r->bad = 1;
            return 0;
        }
    }
}

lw_status lw_sandbox_run(const char *path, lw_reader_fn fn, const unsigned char *raw, size_t len,
                         const lw_read_options *opt, lw_source **out, lw_error *err)
{
    *out = NULL;
    lw_read_options def;
    if (!opt) {
        lw_read_options_default(&def);
        opt = &def;
    }
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return lw_error_msg(err, LW_ERR_IO, path, 0, 0, LW_MSG_SANDBOX_START, strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(pfd[0]);
        close(pfd[1]);
        return lw_error_msg(err, LW_ERR_IO, path, 0, 0, LW_MSG_SANDBOX_START, strerror(e));
    }
    if (pid == 0) {
        close(pfd[0]);
        child_main(pfd[1], fn, raw, len, opt);
        _exit(127);
    }
    close(pfd[1]);

    size_t mem = opt->max_memory ? opt->max_memory : LW_READ_MEMORY_DEFAULT;
    reply r;
    memset(&r, 0, sizeof r);
    int timed_out = read_reply(pfd[0], &r, opt, now_ms());
    if (timed_out || r.bad)
        kill(pid, SIGKILL);
    close(pfd[0]);

    /* always reaped, whatever happened: no zombie */
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    pid_t w;
    while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    int reaped = w == pid; /* not when SIGCHLD is ignored: the kernel reaped it */
    double cpu_used = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
                      ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;

    int wall = (int)wall_limit(opt, r.pages), cpu = (int)cpu_limit(opt, r.pages);
    lw_status st;
    if (timed_out) {
        st = lw_error_msg(err, LW_ERR_LIMIT, path, 0, 0, LW_MSG_SANDBOX_WALL, wall);
    } else if (r.oom) {
        st = lw_error_msg(err, LW_ERR_LIMIT, path, 0, 0, LW_MSG_SANDBOX_MEMORY, mem / (1024 * 1024));
    } else if (r.bad) {
        st = lw_error_msg(err, LW_ERR_DATA, path, 0, 0, LW_MSG_SOURCE_BAD);
    } else if (reaped && WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGXCPU || (sig == SIGKILL && cpu_used + 0.5 >= (double)cpu))
            st = lw_error_msg(err, LW_ERR_LIMIT, path, 0, 0, LW_MSG_SANDBOX_CPU, cpu);
        else if (sig == SIGKILL) /* not by us, not the CPU limit: the kernel's OOM killer */
            st = lw_error_msg(err, LW_ERR_LIMIT, path, 0, 0, LW_MSG_SANDBOX_MEMORY, mem / (1024 * 1024));
        else
            st = lw_error_msg(err, LW_ERR_DATA, path, 0, 0, LW_MSG_SANDBOX_CRASH, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", sig);
    } else if (r.done && r.rst) {
        st = lw_error_set(err, r.rst, path, r.rline, 0, "%s", r.rmsg);
    } else if (r.done) {
        st = lw_source_deserialize((const unsigned char *)r.buf.data + r.src_at, r.src_len, out, err);
        if (st == LW_ERR_DATA)
            lw_error_msg(err, LW_ERR_DATA, path, 0, 0, LW_MSG_SOURCE_BAD);
        else if (st && err)
            snprintf(err->file, sizeof err->file, "%s", path ? path : "");
    } else if (reaped && WIFEXITED(status) && WEXITSTATUS(status)) {
        st = lw_error_msg(err, LW_ERR_DATA, path, 0, 0, LW_MSG_SANDBOX_EXIT, WEXITSTATUS(status));
    } else {
        st = lw_error_msg(err, LW_ERR_DATA, path, 0, 0, LW_MSG_SOURCE_BAD);
    }
    lw_buf_free(&r.buf);
    return st;
}
