/* lw_web_html: the one escaping layer of the web interface (as cgit's html.c): a growing
 * buffer, text escaped for HTML bodies and attributes, query arguments escaped for URLs, and
 * the page frame (Vietnamese labels). Nothing else in analyzer/web/ writes a document's text
 * into HTML: unescaped output is only the fixed markup of these functions and the pages. */
#ifndef LW_WEB_HTML_H
#define LW_WEB_HTML_H

#include <stddef.h>

/* A growing byte buffer. Zeroed is empty. After an allocation failure, oom is set and every
 * later append does nothing, so a page is written without checks and tested once. */
typedef struct {
    char *data; /* owned, NUL-terminated when len > 0; free with lw_web_buf_free */
    size_t len, cap;
    int oom;
} lw_web_buf;

void lw_web_buf_free(lw_web_buf *b);
/* Appends n bytes of s as they are (markup of our own). */
void lw_web_buf_add(lw_web_buf *b, const char *s, size_t n);
/* Appends the string s as it is (markup of our own). */
void lw_web_buf_puts(lw_web_buf *b, const char *s);
/* Appends printf-formatted text as it is: for numbers and our own markup only. */
void lw_web_buf_printf(lw_web_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s (NULL: nothing) escaped for an HTML body or a quoted attribute: & < > " '. */
void lw_web_html_text(lw_web_buf *b, const char *s);
/* Appends the n bytes at s escaped as lw_web_html_text (a piece of a longer text). */
void lw_web_html_text_n(lw_web_buf *b, const char *s, size_t n);
/* Appends a search snippet: escaped as lw_web_html_text, the words between « and » marked
 * (<mark>), every <mark> closed. */
void lw_web_html_snippet(lw_web_buf *b, const char *s);
/* Appends s percent-encoded for a URL query argument (all but A-Z a-z 0-9 - _ . ~). */
void lw_web_url_arg(lw_web_buf *b, const char *s);

/* The page frame: the HTML head (title escaped), the inline style, the header with the
 * search form (q, escaped, NULL: empty); en: English labels, and the form keeps lang=en.
 * lw_web_page_end closes it. */
void lw_web_page_begin(lw_web_buf *b, const char *title, const char *q, int en);
void lw_web_page_end(lw_web_buf *b);

#endif
