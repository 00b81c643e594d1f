/* lw_web_calendar: /calendar/UNIT.ics, a unit's deadlines as iCalendar (RFC 5545), made with
 * libical so that a reviewer subscribes in Thunderbird, Outlook or a phone. The events come
 * from the report with every duty judged (`lawwatch report --all --unit UNIT --format json`):
 * one all-day VEVENT per dated duty of the units UNIT names (as --unit: a part of the name,
 * diacritics and case ignored), on the deadline's last day. libical writes the text: it
 * escapes newlines, commas and semicolons of a value and folds lines at 75 octets with CRLF,
 * so a document's text cannot add a property or an event. */
#define _GNU_SOURCE /* asprintf */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libical/ical.h>

#include "lw_web_pages.h"

#define LW_WEB_CT_ICS "text/calendar; charset=utf-8"
/* The longest unit name taken from the path (the server caps the URL anyway). */
#define UNIT_MAX 512

/* A copy of s (NULL: "") with the control characters a property value has no use for made
 * spaces and every line break one '\n' (which libical writes as the two characters \n):
 * nothing of a document reaches the calendar as a raw line break. Owned (free); NULL when out
 * of memory. */
static char *clean_text(const char *s)
{
    s = s ? s : "";
    char *t = malloc(strlen(s) + 1), *o = t;
    if (!t)
        return NULL;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\r') {
            *o++ = '\n';
            if (s[1] == '\n')
                s++;
        } else if (c == '\n') {
            *o++ = '\n';
        } else if (c < 0x20 || c == 0x7f) {
            *o++ = ' ';
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    return t;
}

/* Adds the text property made by make from s (cleaned) to comp. 0, or -1 when out of memory. */
static int add_text(icalcomponent *comp, icalproperty *(*make)(const char *), const char *s)
{
    char *t = clean_text(s);
    icalproperty *p = t ? make(t) : NULL;
    free(t);
    if (!p)
        return -1;
    icalcomponent_add_property(comp, p);
    return 0;
}

/* The status labels of the report (the message table's Vietnamese ones: the calendar is read
 * in Vietnamese, as the nightly mail). */
static const char *status_label(const char *id)
{
    static const char *const map[][2] = {{"overdue", "Quá hạn"},         {"late", "Nộp muộn"},
                                         {"due_soon", "Sắp đến hạn"},    {"no_deadline", "Thiếu thời hạn"},
                                         {"no_unit", "Chưa rõ đơn vị"}, {"done", "Đã hoàn thành đúng hạn"},
                                         {"upcoming", "Chưa đến hạn"}};
    for (size_t i = 0; id && i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(id, map[i][0]))
            return map[i][1];
    return id ? id : "";
}

/* FNV-1a over a string, continued from h. */
static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h ^ 0x1f; /* a separator: ("ab","c") and ("a","bc") differ */
}

/* An all-day date of ISO text "YYYY-MM-DD"; 0, or -1 when it is not one. */
static int iso_date(const char *iso, struct icaltimetype *t)
{
    int y, m, d;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return -1;
    *t = icaltime_null_date();
    t->year = y;
    t->month = m;
    t->day = d;
    t->is_date = 1;
    return icaltime_is_valid_time(*t) ? 0 : -1;
}

/* One VEVENT for report item it into cal; seen holds the UIDs given so far (a UID repeated
 * for a duty listed twice gets a count). 0, or -1 when out of memory. Items without a dated
 * deadline are left out (0). */
static int add_event(icalcomponent *cal, const json_t *it, json_t *seen, struct icaltimetype stamp)
{
    const json_t *dl = json_object_get(it, "deadline");
    struct icaltimetype start, end;
    if (!json_is_object(dl) || iso_date(lw_web_field(dl, "to"), &start))
        return 0;
    end = start;
    icaltime_adjust(&end, 1, 0, 0, 0);
    long long id = (long long)json_integer_value(json_object_get(it, "id"));
    long long line = (long long)json_integer_value(json_object_get(it, "line"));
    const char *activity = lw_web_field(it, "activity"), *label = lw_web_field(it, "label"), *path = lw_web_field(it, "path"),
               *unit = lw_web_field(it, "unit"), *status = lw_web_field(it, "status");
    /* stable per (document, duty, unit): the deadline's date may be read anew, the event stays */
    char uid[128];
    uint64_t h = fnv(fnv(1469598103934665603ull, unit), activity);
    snprintf(uid, sizeof uid, "lawwatch-doc%lld-line%lld-%016llx", id, line, (unsigned long long)h);
    json_t *n = json_object_get(seen, uid);
    long long k = n ? json_integer_value(n) + 1 : 1;
    if (json_object_set_new(seen, uid, json_integer(k)))
        return -1;
    char full[160];
    if (k > 1)
        snprintf(full, sizeof full, "%s-%lld@lawwatch", uid, k);
    else
        snprintf(full, sizeof full, "%s@lawwatch", uid);

    const char *doc = label && *label ? label : path;
    char *summary = NULL, *desc = NULL, *answer = NULL;
    const json_t *a = json_object_get(it, "answer");
    if (json_is_object(a)) {
        const char *al = lw_web_field(a, "label");
        if (asprintf(&answer, "\nVăn bản trả lời (answer): %s (/doc/%lld)", al ? al : lw_web_field(a, "path"),
                     (long long)json_integer_value(json_object_get(a, "id"))) < 0)
            return -1;
    }
    const char *words = lw_web_field(dl, "text");
    if (asprintf(&summary, "Hạn: %s — %s", activity ? activity : "", doc ? doc : "") < 0) {
        free(answer);
        return -1;
    }
    int bad = asprintf(&desc,
                       "%s\nThời hạn (deadline): %s\nĐơn vị (unit): %s\nTình trạng (status): %s\n"
                       "Văn bản (document): %s\nDòng (line): %lld\n/doc/%lld%s",
                       activity ? activity : "", words ? words : lw_web_field(dl, "to"), unit ? unit : "",
                       status_label(status), doc ? doc : "", line, id, answer ? answer : "") < 0;
    free(answer);
    if (bad) {
        free(summary);
        return -1;
    }
    icalcomponent *ev = icalcomponent_new_vevent();
    int rc = ev ? 0 : -1;
    if (ev) {
        icalcomponent_add_property(ev, icalproperty_new_uid(full));
        icalcomponent_add_property(ev, icalproperty_new_dtstamp(stamp));
        icalcomponent_add_property(ev, icalproperty_new_dtstart(start));
        icalcomponent_add_property(ev, icalproperty_new_dtend(end));
        rc |= add_text(ev, icalproperty_new_summary, summary);
        rc |= add_text(ev, icalproperty_new_description, desc);
        /* answered (done, late): the work took place; still open: tentative */
        int answered = status && (!strcmp(status, "done") || !strcmp(status, "late"));
        icalcomponent_add_property(ev, icalproperty_new_status(answered ? ICAL_STATUS_CONFIRMED : ICAL_STATUS_TENTATIVE));
        rc |= add_text(ev, icalproperty_new_categories, status_label(status));
        rc |= add_text(ev, icalproperty_new_categories, status ? status : "");
        icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
        icalcomponent_add_component(cal, ev);
    }
    free(summary);
    free(desc);
    return rc;
}

/* The calendar of unit from the report's JSON text: owned (icalmemory_free_buffer), NULL when out of
 * memory or when json is not the report's. */
static char *make_calendar(const char *unit, const char *json)
{
    json_t *rep = json_loads(json, 0, NULL), *seen = json_object();
    icalcomponent *cal = icalcomponent_new_vcalendar();
    char *ics = NULL;
    int bad = !json_is_object(rep) || !seen || !cal;
    if (!bad) {
        char name[UNIT_MAX + 32];
        snprintf(name, sizeof name, "Hạn của %s (lawwatch)", unit);
        icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
        icalcomponent_add_property(cal, icalproperty_new_prodid("-//lawwatch//lawwatch " LAWWATCH_VERSION_STRING "//VI"));
        icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
        icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
        char *t = clean_text(name);
        icalproperty *x = t ? icalproperty_new_x(t) : NULL;
        free(t);
        if (x) {
            icalproperty_set_x_name(x, "X-WR-CALNAME");
            icalcomponent_add_property(cal, x);
        } else {
            bad = 1;
        }
        /* how often a subscribed calendar asks again (Outlook reads this one): hourly, as
         * documents are ingested during the day */
        icalproperty *ttl = icalproperty_new_x("PT1H");
        if (ttl) {
            icalproperty_set_x_name(ttl, "X-PUBLISHED-TTL");
            icalcomponent_add_property(cal, ttl);
        } else {
            bad = 1;
        }
        struct icaltimetype stamp = icaltime_current_time_with_zone(icaltimezone_get_utc_timezone());
        size_t i;
        const json_t *it;
        json_array_foreach(json_object_get(rep, "items"), i, it) {
            if (add_event(cal, it, seen, stamp)) {
                bad = 1;
                break;
            }
        }
    }
    if (!bad)
        ics = icalcomponent_as_ical_string_r(cal); /* owned: icalmemory_free_buffer */
    if (cal)
        icalcomponent_free(cal);
    json_decref(seen);
    json_decref(rep);
    return ics;
}

/* /calendar/UNIT.ics?as_of= (rest: "UNIT.ics", decoded by the server; the statuses as of
 * as_of, default today). An unknown unit is a 404 page with the nearest names; a path without
 * .ics a 404; a bad as_of a 400. */
void lw_web_page_calendar(const lw_web_request *req, const char *rest, lw_web_response *res)
{
    size_t n = strlen(rest);
    if (n <= 4 || n - 4 >= UNIT_MAX || strcmp(rest + n - 4, ".ics")) {
        lw_web_error_page(res, 404, "Không có lịch này: đường dẫn là /calendar/TÊN ĐƠN VỊ.ics.",
                          "No such calendar: the path is /calendar/UNIT NAME.ics.");
        return;
    }
    /* the report's options (the statuses as of as_of, default today), every duty judged, for
     * the unit the path names */
    lawwatch_report_options opt;
    char today[11];
    const char *vi, *en;
    if (lw_web_report_options(req, &opt, today, &vi, &en)) {
        lw_web_error_page(res, 400, vi, en);
        return;
    }
    char unit[UNIT_MAX];
    memcpy(unit, rest, n - 4);
    unit[n - 4] = '\0';
    opt.unit = unit;
    opt.all = 1;
    lw_web_report_job job = {&opt, 0};
    char *json;
    lawwatch_error err = {0};
    lawwatch_status st = lw_web_capture(req, lw_web_write_report, &job, &json, &err);
    if (st == LAWWATCH_ERR_USAGE) { /* the unit names none: the library lists the nearest */
        lw_web_error_page(res, 404, err.msg, "No such unit.");
        return;
    }
    if (st) {
        lw_web_fail(res, 0, st, &err);
        return;
    }
    char *ics = make_calendar(unit, json);
    free(json);
    if (!ics) {
        lw_web_error_page(res, 500, "Hết bộ nhớ.", "Out of memory.");
        return;
    }
    res->status = 200;
    res->content_type = LW_WEB_CT_ICS;
    lw_web_buf_puts(&res->body, ics);
    icalmemory_free_buffer(ics);
    size_t fl = n + 1;
    res->filename = malloc(fl);
    if (res->filename)
        memcpy(res->filename, rest, fl);
}
