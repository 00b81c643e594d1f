/* lw_web_server: the libmicrohttpd daemon (see lw_web_server.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "lw_web_pages.h"
#include "lw_web_server.h"

struct lw_web_server {
    struct MHD_Daemon *daemon;
    lw_web_server_options opt; /* its pointers borrowed */
    atomic_int active;         /* connections open now (counted by connection_event) */
    /* the pages built at once: the other requests wait for a turn, so that the time limit
     * (counted from each page's opening of the database) measures its own work, not the
     * CPU shared with fifteen others */
    sem_t turns;
    unsigned wait_s; /* the longest wait for a turn (the idle timeout): then a 503 page */
};

/* Waits for a turn to build a page: 0, or -1 after s->wait_s seconds. */
static int take_turn(lw_web_server *s)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += s->wait_s;
    int rc;
    while ((rc = sem_timedwait(&s->turns, &t)) == -1 && errno == EINTR)
        ;
    return rc ? -1 : 0;
}

/* A query argument of the connection ctx (lw_web_request's arg). */
static const char *get_arg(void *ctx, const char *name)
{
    return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* The Content-Disposition of a download: attachment, the name in ASCII (other bytes as _) and
 * in UTF-8 (RFC 5987, percent-encoded), so no byte of a stored file name reaches the header
 * unencoded. */
static void add_disposition(struct MHD_Response *r, const char *name)
{
    lw_web_buf b = {0};
    lw_web_buf_puts(&b, "attachment; filename=\"");
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        char o = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%' ? (char)c : '_';
        lw_web_buf_add(&b, &o, 1);
    }
    lw_web_buf_puts(&b, "\"; filename*=UTF-8''");
    lw_web_url_arg(&b, name);
    if (!b.oom && b.data)
        MHD_add_response_header(r, "Content-Disposition", b.data);
    lw_web_buf_free(&b);
}

/* Adds the length of one query argument to the total of *cls. */
static enum MHD_Result count_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    size_t *total = cls;
    *total += strlen(key) + 2 + (value ? strlen(value) : 0);
    return MHD_YES;
}

/* How respond queues a response. */
enum { PLAIN, LOGIN, CLOSE };

/* Queues res with the security headers: as it is, as a login request (401 with the
 * WWW-Authenticate of the realm), or closing the connection after it. */
static enum MHD_Result respond(struct MHD_Connection *c, lw_web_response *res, int how)
{
    /* the body is handed over, not copied (an original file may be large): the response
     * frees it */
    struct MHD_Response *r =
        res->body.data ? MHD_create_response_from_buffer_with_free_callback(res->body.len, res->body.data, free)
                       : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    res->body = (lw_web_buf){0};
    if (how == CLOSE)
        MHD_add_response_header(r, "Connection", "close");
    MHD_add_response_header(r, "Content-Type", res->content_type ? res->content_type : "text/plain; charset=utf-8");
    MHD_add_response_header(r, "Content-Security-Policy", LW_WEB_CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (res->filename)
        add_disposition(r, res->filename);
    enum MHD_Result ret = how == LOGIN ? MHD_queue_basic_auth_fail_response(c, LW_WEB_REALM, r)
                                       : MHD_queue_response(c, res->status ? res->status : 500, r);
    MHD_destroy_response(r);
    return ret;
}

/* True when the Host header names a loopback host (127.x.x.x, localhost, [::1]), with or
 * without a port: a page of another site that rebinds its name to 127.0.0.1 (DNS rebinding)
 * sends its own name and is refused. No Host (HTTP/1.0) is accepted. */
static int host_ok(const char *host)
{
    if (!host)
        return 1;
    size_t n = strcspn(host, ":");
    if (host[0] == '[')
        return !strncmp(host, "[::1]", 5) && (host[5] == '\0' || host[5] == ':');
    if (n == 9 && !strncasecmp(host, "localhost", 9))
        return 1;
    if (n < 4 || n > 15 || strncmp(host, "127.", 4))
        return 0;
    return strspn(host, "0123456789.") == n;
}

/* The client's address as text into buf ("?" when unknown). */
static const char *client_address(struct MHD_Connection *c, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    snprintf(buf, size, "?");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)size);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)size);
    return buf;
}

/* Says on stderr that a login failed: the client's address and the user name it gave (cut,
 * control bytes as \xNN so that a name cannot forge log lines), never the password. */
static void log_failed_login(struct MHD_Connection *c, const char *user)
{
    char addr[INET6_ADDRSTRLEN + 1], name[4 * 64 + 1];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(user ? user : ""); *p && n < 64 * 3; p++) {
        int plain = *p >= 0x20 && *p != 0x7f && *p != '\'' && *p != '\\';
        n += (size_t)(plain ? snprintf(name + n, sizeof name - n, "%c", *p)
                            : snprintf(name + n, sizeof name - n, "\\x%02x", *p));
    }
    name[n] = '\0';
    fprintf(stderr, "lawwatch serve: đăng nhập sai từ %s, người dùng '%s' (failed login from %s, user '%s')\n",
            client_address(c, addr, sizeof addr), name, addr, name);
}

/* Checks the login of c against the users of s: 1 when it may go on (*user then the
 * user's name, owned: MHD_free), else 0 with the 401 page queued in *ret. */
static int login(const lw_web_server *s, struct MHD_Connection *c, char **user, enum MHD_Result *ret)
{
    char *pass = NULL;
    *user = MHD_basic_auth_get_username_password(c, &pass);
    int ok = lw_web_auth_check(s->opt.auth, *user, pass);
    if (!ok && (*user || pass))
        log_failed_login(c, *user);
    if (pass) {
        explicit_bzero(pass, strlen(pass));
        MHD_free(pass);
    }
    if (ok)
        return 1;
    MHD_free(*user);
    *user = NULL;
    lw_web_response res = {0};
    lw_web_error_page(&res, 401, "Cần đăng nhập: hãy nhập tên người dùng và mật khẩu được cấp.",
                      "Sign in with the user name and password you were given.");
    *ret = respond(c, &res, LOGIN);
    lw_web_response_free(&res);
    return 0;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    lw_web_server *s = cls;
    lw_web_response res = {0};
    enum MHD_Result ret;
    char *user = NULL;
    if (atomic_load(&s->active) > LW_WEB_CONNECTIONS_MAX) {
        lw_web_error_page(&res, 503, "Máy chủ đang bận (quá nhiều kết nối). Hãy thử lại sau ít phút.",
                          "The server is busy (too many connections). Try again in a few minutes.");
        ret = respond(c, &res, CLOSE);
        lw_web_response_free(&res);
        return ret;
    }
    if (s->opt.auth && !login(s, c, &user, &ret))
        return ret;
    size_t qlen = 0;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg, &qlen);
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        lw_web_error_page(&res, 405, "Chỉ nhận GET.", "Only GET is accepted.");
    } else if (!s->opt.auth && !host_ok(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host"))) {
        /* with --auth the login protects the server, and its Host is the name people use */
        lw_web_error_page(&res, 421, "Máy chủ chỉ phục vụ địa chỉ loopback (127.0.0.1, localhost).",
                          "This server answers loopback host names only (127.0.0.1, localhost).");
    } else if (qlen > LW_WEB_QUERY_MAX) {
        lw_web_error_page(&res, 414, "Câu hỏi quá dài.", "The query is too long.");
    } else {
        lw_web_request req = {.db_path = s->opt.db_path, .eng = s->opt.eng, .path = url, .arg = get_arg,
                              .arg_ctx = c, .user = user, .time_ms = s->opt.time_ms};
        const char *lang = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
        req.en = lang && !strcmp(lang, "en");
        if (take_turn(s)) {
            lw_web_error_page(&res, 503, "Máy chủ đang bận. Hãy thử lại sau ít phút.",
                              "The server is busy. Try again in a few minutes.");
        } else {
            lw_web_route(&req, &res);
            sem_post(&s->turns);
        }
    }
    ret = respond(c, &res, PLAIN);
    lw_web_response_free(&res);
    MHD_free(user);
    return ret;
}

/* Counts the connections open (MHD tells when each starts and closes). */
static void connection_event(void *cls, struct MHD_Connection *c, void **socket_context,
                             enum MHD_ConnectionNotificationCode code)
{
    lw_web_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        atomic_fetch_add(&s->active, 1);
    else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        atomic_fetch_sub(&s->active, 1);
}

/* Past the connections served and the spare ones that get the 503 page, a new connection is
 * closed at once: it is never left waiting in the listen queue (what libmicrohttpd does at
 * its own limit), so a client is told instead of hanging. */
static enum MHD_Result accept_ok(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    lw_web_server *s = cls;
    return atomic_load(&s->active) < LW_WEB_CONNECTIONS_MAX + LW_WEB_CONNECTIONS_SPARE ? MHD_YES : MHD_NO;
}

int lw_web_server_start(const lw_web_server_options *opt, lw_web_server **out)
{
    *out = NULL;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(opt->port);
    if (inet_pton(AF_INET, opt->addr, &sa.sin_addr) != 1) {
        errno = EINVAL;
        return -1;
    }
    lw_web_server *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->opt = *opt;
    atomic_init(&s->active, 0);
    unsigned timeout = opt->conn_timeout_s ? opt->conn_timeout_s : LW_WEB_TIMEOUT_S;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned turns = cpus < 1 ? 2 : cpus > LW_WEB_TURNS_MAX / 2 ? LW_WEB_TURNS_MAX : 2 * (unsigned)cpus;
    s->wait_s = timeout;
    if (sem_init(&s->turns, 0, turns)) {
        free(s);
        return -1;
    }
    /* libmicrohttpd's own limit above ours, never reached: at it, it stops accepting */
    unsigned limit = LW_WEB_CONNECTIONS_MAX + LW_WEB_CONNECTIONS_SPARE + 8;
    s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
                                 opt->port, accept_ok, s, answer, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                 MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, limit,
                                 MHD_OPTION_CONNECTION_TIMEOUT, timeout,
                                 MHD_OPTION_NOTIFY_CONNECTION, connection_event, s,
                                 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
    if (!s->daemon) {
        int e = errno ? errno : EADDRINUSE;
        sem_destroy(&s->turns);
        free(s);
        errno = e;
        return -1;
    }
    *out = s;
    return 0;
}

void lw_web_server_stop(lw_web_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    sem_destroy(&s->turns);
    free(s);
}
