/* lw_web_server: the libmicrohttpd daemon (see lw_web_server.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "lw_web_pages.h"
#include "lw_web_server.h"

struct lw_web_server {
    struct MHD_Daemon *daemon;
    const char *db_path;         /* borrowed */
    const lawwatch_engine *eng;  /* borrowed */
};

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

/* Queues res with the security headers. */
static enum MHD_Result respond(struct MHD_Connection *c, lw_web_response *res)
{
    static const char empty[] = "";
    const char *body = res->body.data ? res->body.data : empty;
    struct MHD_Response *r = MHD_create_response_from_buffer(res->body.len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", res->content_type ? res->content_type : "text/plain; charset=utf-8");
    MHD_add_response_header(r, "Content-Security-Policy", LW_WEB_CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (res->filename)
        add_disposition(r, res->filename);
    enum MHD_Result ret = MHD_queue_response(c, res->status ? res->status : 500, r);
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

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    const lw_web_server *s = cls;
    lw_web_response res = {0};
    enum MHD_Result ret;
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        lw_web_error_page(&res, 405, "Chỉ nhận GET.", "Only GET is accepted.");
        ret = respond(c, &res);
        lw_web_response_free(&res);
        return ret;
    }
    size_t qlen = 0;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg, &qlen);
    if (!host_ok(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host"))) {
        lw_web_error_page(&res, 421, "Máy chủ chỉ phục vụ địa chỉ loopback (127.0.0.1, localhost).",
                          "This server answers loopback host names only (127.0.0.1, localhost).");
    } else if (qlen > LW_WEB_QUERY_MAX) {
        lw_web_error_page(&res, 414, "Câu hỏi quá dài.", "The query is too long.");
    } else {
        lw_web_request req = {.db_path = s->db_path, .eng = s->eng, .path = url, .arg = get_arg, .arg_ctx = c};
        const char *lang = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
        req.en = lang && !strcmp(lang, "en");
        lw_web_route(&req, &res);
    }
    ret = respond(c, &res);
    lw_web_response_free(&res);
    return ret;
}

int lw_web_server_start(const char *db_path, const lawwatch_engine *eng, const char *addr, unsigned short port,
                        lw_web_server **out)
{
    *out = NULL;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        errno = EINVAL;
        return -1;
    }
    lw_web_server *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->db_path = db_path;
    s->eng = eng;
    s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
                                 port, NULL, NULL, answer, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned)LW_WEB_CONNECTIONS_MAX,
                                 MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)LW_WEB_CONNECTIONS_MAX,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)LW_WEB_TIMEOUT_S,
                                 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
    if (!s->daemon) {
        int e = errno ? errno : EADDRINUSE;
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
    free(s);
}
