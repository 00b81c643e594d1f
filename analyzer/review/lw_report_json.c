/* lw_report_json: the report as the design's JSON object (as_of, window, since, summary,
 * the counts apart, items), streamed one item at a time. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lw_report_render.h"

static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }

/* o[key] = val (taken), remembering in *bad a value that could not be made or set: a key
 * missing from the output would be a silent loss. */
static void set(json_t *o, const char *key, json_t *val, int *bad)
{
    if (!val || json_object_set_new(o, key, val))
        *bad = 1;
}

/* Where jansson's text goes: the sink, each line after the first indented by pad. */
typedef struct {
    lw_render_sink *s;
    const char *pad;
    size_t pl;
} nested_out;

static int nested_write(const char *buffer, size_t size, void *data)
{
    nested_out *o = data;
    for (const char *p = buffer, *end = buffer + size; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lw_render_put(o->s, p, n);
        p += n;
        if (nl) {
            lw_render_put(o->s, "\n", 1);
            lw_render_put(o->s, o->pad, o->pl);
            p++;
        }
    }
    return o->s->nomem ? -1 : 0;
}

/* j as jansson writes it with JSON_INDENT(1), each line after the first indented by pad:
 * how it reads nested at that depth. j is released; NULL (a value that could not be made)
 * marks the sink out of memory. Written straight into the sink, not through json_dumps: no
 * copy of the text, and a failed append is seen by the sink even where jansson ignores its
 * callback's answer (2.14 does for an object's keys). */
static void dump_nested(lw_render_sink *s, json_t *j, const char *pad)
{
    nested_out o = {s, pad, strlen(pad)};
    if (!j || json_dump_callback(j, nested_write, &o, JSON_INDENT(1) | JSON_ENCODE_ANY))
        s->nomem = 1;
    json_decref(j);
}

/* Streamed one item at a time (a report of 20000 documents holds some 100000 items: as one
 * tree it would cost hundreds of megabytes); the bytes are those of the whole tree dumped. */
void lw_report_json_write(const lw_report *r, lw_render_sink *s)
{
    const lw_report_summary *v = lw_report_summary_of(r);
    json_t *sum = json_object();
    int bad = !sum;
    for (int st = 0; st < LW_RS_COUNT && sum; st++)
        set(sum, lw_render_status_id(st), json_integer((json_int_t)v->counts[st]), &bad);
    if (bad) {
        json_decref(sum);
        sum = NULL;
    }
    lw_render_out(s, "{\n \"as_of\": ");
    dump_nested(s, json_string(v->as_of), " ");
    lw_render_out(s, ",\n \"window\": %d,\n \"since\": ", v->window);
    dump_nested(s, v->since[0] ? json_string(v->since) : json_null(), " ");
    lw_render_out(s, ",\n \"summary\": ");
    dump_nested(s, sum, " ");
    lw_render_out(s, ",\n \"older_duties\": %zu", v->older);
    lw_render_out(s, ",\n \"directing_duties\": %zu", v->directing);
    lw_render_out(s, ",\n \"later_duties\": %zu", v->later);
    lw_render_out(s, ",\n \"unfollowed_duties\": %zu", v->unfollowed);
    if (v->stale > 0) /* present only then: a current database's report is unchanged */
        lw_render_out(s, ",\n \"stale_documents\": %lld", v->stale);
    lw_render_out(s, ",\n \"items\": [");
    size_t i = 0;
    for (const lw_report_item *it = lw_report_first(r); it && !s->bad && !s->nomem; it = lw_report_next(r), i++) {
        const lw_ds_duty *u = it->duty;
        json_t *o = json_object();
        int ibad = !o;
        set(o, "unit", json_string(it->unit), &ibad);
        set(o, "unit_is_group", json_boolean(it->whole_group), &ibad);
        set(o, "status", json_string(lw_render_status_id(it->status)), &ibad);
        set(o, "activity", jstr(u->activity), &ibad);
        set(o, "topic", jstr(u->topic), &ibad);
        set(o, "deadline",
            u->to ? json_pack("{s:o,s:s,s:o,s:o,s:i}", "from", jstr(u->from), "to", u->to, "qualifier",
                              jstr(u->qualifier), "text", jstr(u->deadline_text), "line", u->deadline_line)
                  : json_null(),
            &ibad);
        set(o, "days", u->to ? json_integer(it->days) : json_null(), &ibad);
        set(o, "path", json_string(lw_report_shown(r, it->doc->path)), &ibad);
        set(o, "label", jstr(lw_report_doc_label(r, it->doc)), &ibad);
        set(o, "id", json_integer(it->doc->id), &ibad);
        set(o, "line", json_integer(u->line), &ibad);
        set(o, "document",
            json_pack("{s:o,s:o,s:o,s:o,s:o}", "number", jstr(it->doc->number), "kind", jstr(it->doc->kind), "issuer",
                      jstr(it->doc->issuer), "date", jstr(it->doc->date), "subject", jstr(it->doc->subject)),
            &ibad);
        const lw_ds_doc *a = it->answer;
        set(o, "answer",
            a ? json_pack("{s:s,s:o,s:I,s:o,s:o,s:s,s:o}", "path", lw_report_shown(r, a->path), "label",
                          jstr(lw_report_doc_label(r, a)), "id", (json_int_t)a->id, "number", jstr(a->number), "kind",
                          jstr(a->kind), "date", a->date, "subject", jstr(a->subject))
              : json_null(),
            &ibad);
        if (ibad) {
            json_decref(o);
            s->nomem = 1;
            break;
        }
        lw_render_out(s, "%s\n  ", i ? "," : "");
        dump_nested(s, o, "  ");
    }
    lw_render_out(s, "%s}\n", i ? "\n ]\n" : "]\n");
}
