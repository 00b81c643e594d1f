/* lw_web_html: escaping and the page frame (see lw_web_html.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_web_html.h"

void lw_web_buf_free(lw_web_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* Makes room for n more bytes and the NUL; 0, or -1 (oom set). */
static int reserve(lw_web_buf *b, size_t n)
{
    if (b->oom)
        return -1;
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        b->oom = 1;
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

void lw_web_buf_add(lw_web_buf *b, const char *s, size_t n)
{
    if (reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void lw_web_buf_puts(lw_web_buf *b, const char *s)
{
    lw_web_buf_add(b, s, strlen(s));
}

void lw_web_buf_printf(lw_web_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* The escape of c, or NULL when c is written as it is. */
static const char *escape_of(char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

/* Appends n bytes of s escaped. */
void lw_web_html_text_n(lw_web_buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *e = escape_of(s[i]);
        if (!e)
            continue;
        lw_web_buf_add(b, s + run, i - run);
        lw_web_buf_puts(b, e);
        run = i + 1;
    }
    lw_web_buf_add(b, s + run, n - run);
}

void lw_web_html_text(lw_web_buf *b, const char *s)
{
    if (s)
        lw_web_html_text_n(b, s, strlen(s));
}

#define OPEN_MARK "«" /* both marks are 2 bytes in UTF-8 */
#define CLOSE_MARK "»"

void lw_web_html_snippet(lw_web_buf *b, const char *s)
{
    if (!s)
        return;
    int open = 0;
    for (;;) {
        const char *o = strstr(s, OPEN_MARK), *c = strstr(s, CLOSE_MARK);
        const char *m = o && (!c || o < c) ? o : c;
        if (!m)
            break;
        lw_web_html_text_n(b, s, (size_t)(m - s));
        if (m == o && !open) {
            lw_web_buf_puts(b, "<mark>");
            open = 1;
        } else if (m == c && open) {
            lw_web_buf_puts(b, "</mark>");
            open = 0;
        } /* an unpaired mark is dropped */
        s = m + sizeof OPEN_MARK - 1;
    }
    lw_web_html_text(b, s);
    if (open)
        lw_web_buf_puts(b, "</mark>");
}

void lw_web_url_arg(lw_web_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.~", c)) {
            lw_web_buf_add(b, (const char *)&c, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            lw_web_buf_add(b, e, 3);
        }
    }
}

/* No external assets: the style is inline (the CSP allows inline style, no script). */
static const char style[] =
    "body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}"
    "header{background:#7a1212;color:#fff;padding:.6em 1em}"
    "header a{color:#fff;text-decoration:none;font-weight:bold;margin-right:1em}"
    "nav.top{display:inline}nav.top a{font-weight:normal;white-space:nowrap}"
    "form{display:inline-flex;gap:.4em;flex-wrap:wrap}"
    "input[type=search]{width:min(36em,70vw);padding:.3em;font-size:1em}"
    "main{max-width:60em;margin:auto;padding:1em}"
    ".hit{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.6em .8em;margin:.6em 0}"
    ".meta{color:#555;font-size:.9em}.path{color:#777;font-size:.8em;word-break:break-all}"
    "mark{background:#ffe58a}.err{color:#7a1212}"
    ".facets{font-size:.9em}.facets section{display:inline-block;vertical-align:top;margin-right:2em}"
    ".facets h4{margin:.4em 0 .2em}.facets ul{list-style:none;padding:0;margin:0}"
    "main{overflow-wrap:break-word}" /* a long path or number must not widen a phone's page */
    "pre{white-space:pre-wrap;word-wrap:break-word;background:#fff;padding:1em;border:1px solid #ddd}";

void lw_web_page_begin(lw_web_buf *b, const char *title, const char *q, int en)
{
    const char *search = en ? "Search" : "Tìm kiếm";
    lw_web_buf_puts(b, en ? "<!DOCTYPE html>\n<html lang=\"en\"><head>" : "<!DOCTYPE html>\n<html lang=\"vi\"><head>");
    lw_web_buf_puts(b, "<meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
    lw_web_html_text(b, title);
    lw_web_buf_puts(b, " — lawwatch</title><style>");
    lw_web_buf_puts(b, style);
    lw_web_buf_puts(b, "</style></head><body><header><a href=\"/");
    lw_web_buf_puts(b, en ? "?lang=en" : "");
    lw_web_buf_puts(b, "\">lawwatch</a>");
    /* the other pages, each keeping the language */
    static const char *const nav[][3] = {{"/report", "Báo cáo thời hạn", "Deadline report"},
                                         {"/check", "Kiểm tra", "Check"},
                                         {"/registry", "Danh mục văn bản", "Registry"}};
    lw_web_buf_puts(b, "<nav class=\"top\">");
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++)
        lw_web_buf_printf(b, "<a href=\"%s%s\">%s</a> ", nav[i][0], en ? "?lang=en" : "", nav[i][en ? 2 : 1]);
    lw_web_buf_puts(b, "</nav>"
                       "<form action=\"/search\" method=\"get\" role=\"search\">"
                       "<input type=\"search\" name=\"q\" maxlength=\"500\" aria-label=\"");
    lw_web_buf_puts(b, search);
    lw_web_buf_puts(b, "\" value=\"");
    lw_web_html_text(b, q);
    lw_web_buf_puts(b, "\">");
    if (en)
        lw_web_buf_puts(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
    lw_web_buf_printf(b, "<button type=\"submit\">%s</button></form></header>\n<main>", search);
}

void lw_web_page_end(lw_web_buf *b)
{
    lw_web_buf_puts(b, "</main></body></html>\n");
}
