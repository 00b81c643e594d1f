/* lw_report_render: what the report's renderers share (private to lw_report_*.c): a sink
 * that gathers output and remembers failure, the escapes of each format, the labels in the
 * report's language (message table), the phrase of an item's days ("quá hạn 3 ngày") and the
 * notes on duties counted apart. Each renderer is one file and one function, declared here
 * for lw_report_write.c. Functions take the prefix lw_render_. */
#ifndef LW_REPORT_RENDER_H
#define LW_REPORT_RENDER_H

#include <stdio.h>
#include <string.h>

#include "lw_common.h"
#include "lw_msg.h"
#include "lw_report.h"
#include "lw_report_write.h"

/* Output gathers in a buffer written out by LW_RENDER_FLUSH bytes: a report of 20000
 * documents is some million small pieces, and stdio's per-call cost was a fifth of the
 * time. bad is sticky: once a write or an allocation fails, the report is not written. */
typedef struct {
    FILE *f;    /* borrowed */
    int bad;    /* 1: a write failed (LW_ERR_IO) */
    int nomem;  /* 1: memory ran out (LW_ERR_NOMEM) */
    lw_buf b;   /* owned: lw_render_drain then lw_buf_free */
} lw_render_sink;

#define LW_RENDER_FLUSH (256u * 1024u)

/* Room for a note sentence (the longest label with two numbers and a date) and for the days
 * phrase of an item. */
#define LW_RENDER_NOTE_MAX 1024
#define LW_RENDER_WHEN_MAX 40
/* A date as shown, dd/mm/yyyy, and its NUL (lw_date_vi). */
#define LW_RENDER_DATE_SIZE 11
/* A short label with a number or a date in it ("cửa sổ 14 ngày", "từ ngày 01/01/2024"). */
#define LW_RENDER_LABEL_MAX 64
/* A number written out (a 64-bit id, a line, a count of days) and its NUL. */
#define LW_RENDER_NUM_MAX 24

/* A label of the message table in the report's language: LW_LABEL(v, TITLE) for
 * LW_MSG_REPORT_TITLE, v a const lw_report_summary *. */
#define LW_LABEL(v, k) lw_msg_get(LW_MSG_REPORT_##k, (v)->english ? LW_LANG_EN : LW_LANG_VI)

/* Writes the gathered bytes to the stream. */
void lw_render_drain(lw_render_sink *s);
/* printf into the sink. */
void lw_render_out(lw_render_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* n bytes of t as they are (inline, and a copy when the buffer has room: the renderers'
 * most frequent call) */
static inline void lw_render_put(lw_render_sink *s, const char *t, size_t n)
{
    if (s->b.len + n < s->b.cap) {
        memcpy(s->b.data + s->b.len, t, n);
        s->b.len += n;
        s->b.data[s->b.len] = '\0';
    } else if (n && lw_buf_append(&s->b, t, n)) {
        s->nomem = 1;
    }
    if (s->b.len >= LW_RENDER_FLUSH)
        lw_render_drain(s);
}

/* Text (NULL: nothing) with HTML's five special characters as entities. */
void lw_render_html(lw_render_sink *s, const char *t);
/* A CSV field (RFC 4180; NULL: empty), then "," or, when last, CRLF. */
void lw_render_csv(lw_render_sink *s, const char *t, int last);
/* A Markdown table cell's text: pipes and line breaks would end the cell. */
void lw_render_md(lw_render_sink *s, const char *t);
/* One line: newlines and runs of spaces as one space. */
void lw_render_flat(lw_render_sink *s, const char *t);
/* t, then spaces up to width terminal columns (a letter with marks is one column but several
 * bytes, so printf's widths do not do). */
void lw_render_pad(lw_render_sink *s, const char *t, int width);

/* The status's label in the report's language, and its id in JSON and CSV ("overdue"...):
 * static strings. */
const char *lw_render_status_label(const lw_report_summary *v, lw_report_status st);
const char *lw_render_status_id(lw_report_status st);
/* "quá hạn 3 ngày" / "còn 5 ngày" / "muộn 2 ngày" for an item into buf; buf returned. */
const char *lw_render_when(const lw_report_summary *v, const lw_report_item *it, char *buf, size_t n);
/* sep and "từ ngày 01/01/2024" when the report has a start, HTML-escaped (dates and words
 * only: the same in every format). */
void lw_render_since(const lw_report_summary *v, lw_render_sink *s, const char *sep);
/* The sentence on duties left out as older than since into buf, or ""; buf returned. */
const char *lw_render_older_note(const lw_report_summary *v, char *buf, size_t n);
/* The sentences on directing duties, on documents dated after the as-of date and on units
 * the database cannot follow into buf, or ""; buf returned. */
const char *lw_render_directing_note(const lw_report_summary *v, char *buf, size_t n);

/* The sentence on documents extracted by other rules and how to re-extract them into buf,
 * or "" when there are none; buf returned. */
const char *lw_render_stale_note(const lw_report_summary *v, char *buf, size_t n);

/* What answer a is called in an item: its name (lw_report_doc_name), else its date as
 * dd/mm/yyyy written into d1. Borrowed. */
const char *lw_render_answer_name(const lw_report *r, const lw_ds_doc *a, char d1[LW_RENDER_DATE_SIZE]);

/* The HTML report's body (heading, summary, a timeline and a table per unit) without the page
 * around it; links NULL: as in the page (no links, its rules in the page's head), else in a
 * <div class="lw-report"> with its own rules and the links asked for. */
void lw_report_html_body(const lw_report *r, const lw_report_links *links, lw_render_sink *s);

/* The renderers, one file each: the whole report into s. */
void lw_report_text_write(const lw_report *r, lw_render_sink *s);
void lw_report_md_write(const lw_report *r, lw_render_sink *s);
void lw_report_html_write(const lw_report *r, lw_render_sink *s);
void lw_report_csv_write(const lw_report *r, lw_render_sink *s);
void lw_report_json_write(const lw_report *r, lw_render_sink *s);

#endif
