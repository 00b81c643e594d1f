/* lw_duty_clause: who must do the work a clause sets, and the clause duties (shapes report
 * and clause of lw_duty.h). A clause runs from the previous sentence or list boundary to
 * its deadline; its leads are its subject, the units a request in it asks, the list it
 * stands in, else the letter's addressees; a clause that tells (a past event, a plan told)
 * or names nobody sets none. Calls lw_duty_units.c only (lw_duty_ctx.h). */
#include "lw_duty_ctx.h"


/* ---- reporting clauses ---- */

/* Whether a unit name ends at pos (white space allowed between). */
static int unit_ends_at(const dctx *c, size_t pos)
{
    while (pos > 0 && c->text[pos - 1] == ' ')
        pos--;
    size_t i = lw_d_first_unit_at(c, pos > 300 ? pos - 300 : 0);
    for (; i < c->units.n && c->units.v[i].s < pos; i++)
        if (c->units.v[i].e == pos)
            return 1;
    return 0;
}

/* Whether the '.' at dot ends an abbreviation ("TP. Hồ Chí Minh", "TX. ", "Q. 7"): a word
 * of one to three capitals before it. */
static int abbreviation(const dctx *c, size_t dot)
{
    size_t b = dot;
    while (b > 0 && c->text[b - 1] >= 'A' && c->text[b - 1] <= 'Z')
        b--;
    return dot - b >= 1 && dot - b <= 3 && (b == 0 || c->text[b - 1] == ' ' || c->text[b - 1] == '(');
}

/* Whether a unit name starts at pos (white space allowed before it). */
static int unit_starts_at(const dctx *c, size_t pos)
{
    while (pos < c->len && (c->text[pos] == ' ' || c->text[pos] == '\n'))
        pos++;
    size_t i = lw_d_first_unit_at(c, pos);
    return i < c->units.n && c->units.v[i].s == pos;
}

/* Start of the clause that ends at pos: after a line end, ';', ':' or ". ", at most 1500
 * bytes back and never before floor. */
static size_t clause_start(const dctx *c, size_t pos, size_t floor)
{
    size_t lim = pos > 1500 ? pos - 1500 : 0;
    if (lim < floor)
        lim = floor;
    size_t s = pos;
    while (s > lim) {
        char ch = c->text[s - 1];
        if (ch == ';' && unit_ends_at(c, s - 1) && unit_starts_at(c, s))
            ch = ','; /* "Các Sở, ban, ngành tỉnh; Ủy ban nhân dân các huyện": one list */
        if (ch == '\n' || ch == ';' || ch == ':' || (ch == '.' && s < c->len && c->text[s] == ' ' && !abbreviation(c, s - 1)))
            break;
        s--;
    }
    while (s < pos && (c->text[s] == ' ' || c->text[s] == '\t'))
        s++;
    return s;
}

/* End of the clause that goes on at pos: a line end, ';' or ". ", at most 400 bytes on and
 * never after limit. */
static size_t clause_end(const dctx *c, size_t pos, size_t limit)
{
    size_t e = pos, lim = pos + 400 < limit ? pos + 400 : limit;
    if (lim > c->len)
        lim = c->len;
    while (e < lim) {
        char ch = c->text[e];
        if (ch == '\n' || ch == ';' || (ch == '.' && e + 1 < c->len && c->text[e + 1] == ' ' && !abbreviation(c, e)))
            break;
        e++;
    }
    return e;
}

/* Whether offset pos lies in the subject line of the header ("V/v báo cáo ..."): the
 * subject announces the obligation the body states. */
static int in_subject(const dctx *c, size_t pos)
{
    for (size_t i = 0; i < c->subjects.n; i++)
        if (pos >= c->subjects.v[i].s && pos < c->subjects.v[i].e)
            return 1;
    return 0;
}

/* "báo cáo kết quả 6 tháng đầu năm 2025 ... trước ngày 05/9/2025": a quarter, half or
 * month followed in the same clause by a day is the period reported on, not a deadline. */
static int period_before_deadline(const dctx *c, size_t k)
{
    if (k + 1 >= c->nd)
        return 0;
    const lw_fact *d = &c->x->facts[c->dls[k]], *n = &c->x->facts[c->dls[k + 1]];
    const char *prec = d->u.dl.precision;
    const char *nprec = n->u.dl.precision;
    if (!prec || !strcmp(prec, "day") || !nprec || strcmp(nprec, "day") || n->start < d->end)
        return 0;
    for (size_t i = d->end; i < n->start; i++) {
        char ch = c->text[i];
        if (ch == '\n' || ch == ';' || (ch == '.' && i + 1 < c->len && c->text[i + 1] == ' '))
            return 0;
    }
    return n->start - d->end < 400;
}

/* Whether [a, b) tells rather than sets: a past event, a plan or a proposal told
 * ("đã báo cáo", "sẽ tổ chức đại hội vào Quý IV/2024", "có Văn bản số ... kiến nghị kéo
 * dài ... đến quý I/2025"); the words are duty.narrative rules. */
static int narrated(const dctx *c, size_t a, size_t b) { return lw_d_mark_in(&c->narratives, a, b) != NULL; }

/* Whether deadline k ends a period of a way of working rather than sets a due date: "đến
 * (hết) ngày ..." in a clause that goes on or keeps doing something ("tiếp tục thực hiện
 * quy trình cũ đến hết ngày 31/10/2025", "thực hiện song song 2 quy trình đến hết ngày ...":
 * duty.lasting rules). */
static int lasting_until(const dctx *c, size_t k, size_t cs)
{
    const lw_fact *f = &c->x->facts[c->dls[k]];
    if (!lw_d_mark_in(&c->lastings, cs, f->start))
        return 0;
    char *t = lw_fold_case(c->text + f->start, f->end - f->start < 16 ? f->end - f->start : 16);
    if (!t)
        *c->oom = 1;
    int until = has_data_word(c, "lasting_until_words", t, 1);
    free(t);
    return until;
}

/* The units that open [from, to), after an intro that may stand before a subject
 * ("Thời hạn", "Đối với kết quả năm 2025,", "Căn cứ ..., ": duty.intro rules); when a
 * request follows them ("Sở Tư pháp đề nghị Đoàn Luật sư ..."), the units asked instead.
 * *act gets where the work is stated (after the units), or from when none. */
static void subject_of(const dctx *c, size_t from, size_t to, unit_list *out, size_t *act)
{
    size_t pos = lw_d_skip_blank(c, from, to);
    size_t li = lw_segment_line_at(c->seg, pos);
    if (li < c->seg->n && L(c, li)->start <= pos && pos < L(c, li)->body && L(c, li)->body < to)
        pos = L(c, li)->body; /* "3. Các Bộ, cơ quan, địa phương dự Hội nghị ..." */
    for (size_t i = 0; i < c->intros.n && c->intros.v[i].s <= pos + 1; i++)
        if (c->intros.v[i].s >= pos && c->intros.v[i].e < to) {
            pos = c->intros.v[i].e;
            break;
        }
    *act = from;
    unit_list run = {0};
    size_t run_end;
    lw_d_lead_run(c, pos, to, &run, &run_end);
    if (!run.n) {
        units_done(c, &run);
        return;
    }
    *act = run_end;
    for (size_t i = 0; i < c->requests.n && c->requests.v[i].s < to; i++) {
        const mark_t *rq = &c->requests.v[i];
        if (rq->s < run_end || !lw_d_gap_words_only(c, run_end, rq->s, 2))
            continue;
        /* the opening units ask; those after the request do the work */
        unit_list asked = {0};
        size_t asked_end;
        lw_d_lead_run(c, rq->e, to, &asked, &asked_end);
        /* "Văn phòng Chính phủ trân trọng đề nghị:" asks the units its items name */
        units_done(c, &run);
        run = asked;
        *act = asked.n ? asked_end : from;
        break;
    }
    lw_d_add_units(out, &run);
    units_done(c, &run);
}

/* The units a line that introduces a list names ("Bộ Nội vụ đề nghị các bộ, tỉnh ... thực
 * hiện một số nội dung sau:", "2. Thủ trưởng các đơn vị trực thuộc Bộ ... thực hiện các
 * nhiệm vụ sau:"): a line ending with ':' whose units open it or follow a request. */
/* The units a line names before its colon ("2. Bộ Y tế: Mời ...", "+ Các Sở, ngành: ..."). */
static int label_lead(const dctx *c, size_t li, unit_list *out)
{
    const lw_seg_line *l = L(c, li);
    const char *colon = memchr(c->text + l->body, ':', l->end - l->body);
    if (!colon || (size_t)(colon - c->text) - l->body > 160)
        return 0;
    size_t ce = (size_t)(colon - c->text), run_end, before = out->n;
    unit_list run = {0};
    lw_d_lead_run(c, l->body, ce, &run, &run_end);
    if (run.n && lw_d_gap_words_only(c, run_end, ce, 0))
        lw_d_add_units(out, &run);
    units_done(c, &run);
    return out->n > before;
}

static int intro_lead(const dctx *c, size_t li, unit_list *out)
{
    const lw_seg_line *l = L(c, li);
    if (label_lead(c, li, out))
        return 1;
    size_t e = l->end;
    while (e > l->body && (c->text[e - 1] == ' ' || c->text[e - 1] == '*'))
        e--;
    if (e <= l->body || c->text[e - 1] != ':')
        return 0;
    size_t before = out->n, act;
    subject_of(c, l->body, e, out, &act);
    if (out->n > before) {
        /* "Bộ Tư pháp hướng dẫn Ủy ban nhân dân các tỉnh ... một số nội dung như sau:": the
         * units guided do the items, not the one guiding */
        const mark_t *dm = lw_d_mark_in(&c->directs, act, e);
        if (dm && lw_d_gap_words_only(c, act, dm->s, 2)) {
            out->n = before;
            lw_d_lead_run(c, dm->e, e, out, NULL);
        }
        return out->n > before;
    }
    const mark_t *rq = lw_d_mark_in(&c->requests, l->body, e);
    if (rq)
        lw_d_lead_run(c, rq->e, e, out, NULL);
    return out->n > before;
}

/* The units the list around line li is given to: the nearest line that introduces a list,
 * among the unmarked lines before li under the same heading, then the headings above. */
static int context_lead(const dctx *c, size_t li, unit_list *out)
{
    if (label_lead(c, li, out))
        return 1; /* the clause's own line: "2. Bộ Y tế: Mời ...; Tổng hợp ... trước ..." */
    long a = L(c, li)->parent;
    for (;;) {
        size_t lo = a >= 0 ? (size_t)a + 1 : 0;
        for (size_t k = li; k-- > lo;)
            if (L(c, k)->parent == a && !L(c, k)->mark && !lw_d_in_tail(c, L(c, k)->start) && intro_lead(c, k, out))
                return 1;
        if (a < 0)
            return 0;
        if (intro_lead(c, (size_t)a, out))
            return 1;
        li = (size_t)a;
        a = L(c, (size_t)a)->parent;
    }
}

/* Whether the clause at cs refers back to the sentence before it ("Việc thiết lập và thông
 * báo thực hiện trước ngày ...": clause_refers_back in rules/duties.yaml). */
static int refers_back(const dctx *c, size_t cs)
{
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "clause_refers_back"), i, v) {
        const char *w = json_string_value(v);
        size_t n = w ? strlen(w) : 0;
        if (n && cs + n < c->len && !strncmp(c->text + cs, w, n) && c->text[cs + n] == ' ')
            return 1;
    }
    return 0;
}

/* The subject of the clauses before cs in its paragraph when cs goes on after a ';'
 * ("Các sở, ban, ngành ... xây dựng Kế hoạch ...; định kỳ hằng năm (trước ngày 15/11) báo
 * cáo ...": one subject), or after a sentence the clause refers back to. */
static void earlier_subject(const dctx *c, size_t cs, unit_list *out)
{
    int back = refers_back(c, cs);
    for (int hops = 0; hops < 4 && !out->n; hops++) {
        size_t p = cs;
        while (p > 0 && (c->text[p - 1] == ' ' || c->text[p - 1] == '\n'))
            p--;
        if (p == 0 || !(c->text[p - 1] == ';' || (back && c->text[p - 1] == '.')))
            return;
        size_t ps = clause_start(c, p - 1, 0), act;
        if (ps >= p - 1)
            return;
        /* a clause that opens after a colon lists what the words before it introduce ("Mời
         * đại diện ... đơn vị thuộc Bộ Y tế: Cục Phòng bệnh, ..."): its units are no subject */
        size_t q = ps;
        while (q > 0 && c->text[q - 1] == ' ')
            q--;
        if (q > 0 && c->text[q - 1] == ':')
            return;
        subject_of(c, ps, p - 1, out, &act);
        cs = ps;
    }
}

/* Whether the word before pos is one after which a unit receives or owns rather than acts
 * ("gửi về Bộ Nội vụ", "của Bộ trưởng": unit_receiver_words). */
static int after_receiver_word(const dctx *c, size_t pos)
{
    size_t e = pos;
    while (e > 0 && (c->text[e - 1] == ' ' || c->text[e - 1] == '('))
        e--;
    size_t b = e;
    while (b > 0 && is_letter_byte((unsigned char)c->text[b - 1]))
        b--;
    if (b == e)
        return 0;
    char *w = lw_fold_case(c->text + b, e - b);
    int hit = 0;
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "unit_receiver_words"), i, v) {
        if (w && json_is_string(v) && !strcmp(w, json_string_value(v)))
            hit = 1;
    }
    free(w);
    return hit;
}

/* Whether the clause [cs, end) names a unit that acts in it and is none of the letter's
 * addressees ("Trong thời gian chờ ..., Cục Hải quan TP. Hồ Chí Minh hướng dẫn ... đến hết
 * ngày ..."): its work is that unit's, so it is not given to the addressees. */
static int names_other_actor(const dctx *c, size_t cs, size_t end)
{
    for (size_t i = lw_d_first_unit_at(c, cs); i < c->units.n && c->units.v[i].s < end; i++) {
        const unit_t *u = &c->units.v[i];
        if (after_receiver_word(c, u->s))
            continue;
        int addressee = 0;
        for (size_t k = 0; k < c->addressees.n && !addressee; k++)
            addressee = !strcmp(c->addressees.v[k].name, u->name);
        if (!addressee)
            return 1;
    }
    return 0;
}

/* Whether the clause [cs, end) opens with a word of the list named (rules/duties.yaml);
 * event_subject: with a programme or an event as its subject
 * ("Chương trình tổ chức thực hiện điểm trong năm 2026 tại ...", "Hội nghị tổ chức vào
 * ..."): it tells when something takes place (event_subjects in rules/duties.yaml). */
static int opens_with(const dctx *c, size_t cs, size_t end, const char *list)
{
    size_t pos = lw_d_skip_blank(c, cs, end);
    size_t li = lw_segment_line_at(c->seg, pos);
    if (li < c->seg->n && L(c, li)->start <= pos && pos < L(c, li)->body)
        pos = L(c, li)->body;
    for (size_t i = 0; i < c->intros.n && c->intros.v[i].s <= pos + 1; i++)
        if (c->intros.v[i].s >= pos && c->intros.v[i].e < end) {
            pos = lw_d_skip_blank(c, c->intros.v[i].e, end); /* "Trong thời gian chờ ..., Cục ..." */
            break;
        }
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, list), i, v) {
        const char *w = json_string_value(v);
        size_t n = w ? strlen(w) : 0;
        if (n && pos + n < end && !strncmp(c->text + pos, w, n) && c->text[pos + n] == ' ')
            return 1;
    }
    return 0;
}

static int event_subject(const dctx *c, size_t cs, size_t end) { return opens_with(c, cs, end, "event_subjects"); }

/* Who must do the work of the clause [cs, end): its subject (subject_of), else the units
 * after a request in it ("đề nghị các Sở ..."), else fallback; without a fallback, the
 * subject it shares with the clauses before it (earlier_subject), the list it stands in
 * (context_lead), else the letter's addressees. *act: where the work starts. */
void lw_d_clause_lead(const dctx *c, size_t cs, size_t end, const unit_list *fallback, unit_list *out, size_t *act)
{
    subject_of(c, cs, end, out, act);
    if (out->n)
        return;
    const mark_t *rq = NULL;
    for (size_t i = 0; i < c->requests.n && c->requests.v[i].s < end; i++)
        if (c->requests.v[i].s >= cs)
            rq = &c->requests.v[i];
    if (rq) {
        size_t re;
        lw_d_lead_run(c, rq->e, end, out, &re);
        if (out->n) {
            *act = re;
            return;
        }
    }
    if (fallback) {
        lw_d_add_units(out, fallback);
        return;
    }
    if (c->tells)
        return;
    earlier_subject(c, cs, out);
    if (out->n || event_subject(c, cs, end) || opens_with(c, cs, end, "subject_openers"))
        return; /* "Các ban, ngành, đoàn thể ... báo cáo ...": a subject we do not know */
    size_t li = lw_segment_line_at(c->seg, cs);
    if (li < c->seg->n && context_lead(c, li, out))
        return;
    if (!names_other_actor(c, cs, end))
        lw_d_add_units(out, &c->addressees);
}

/* "gửi file mềm về Văn phòng UBND tỉnh ... để tổng hợp, báo cáo Thủ tướng Chính phủ trước
 * 15 giờ ngày ...": a deadline after the purpose a receiver serves (duty.relay) binds the
 * receiver, who must pass the reports on, not the senders again. The receiver is the last unit
 * after a word of sending (relay_receiver_words) in the sentence before the purpose; 1 when
 * the clause has such a purpose (out then holds the receiver, or nothing when the text
 * names none: no duty rather than the senders'), *act the purpose's work. */
static int relay_lead(const dctx *c, size_t cs, size_t ds, unit_list *out, size_t *act)
{
    const mark_t *rm = lw_d_mark_in(&c->relays, cs, ds);
    if (!rm)
        return 0;
    size_t ss = lw_d_sentence_start(c, cs > 600 ? cs - 600 : 0, rm->s);
    for (size_t p = rm->s; p > ss; p--)
        if (c->text[p - 1] == '\n' && (c->text[p] == '-' || c->text[p] == '+' || c->text[p] == '*')) {
            ss = p; /* a list item ends the sentence before it (a wrapped line does not) */
            break;
        }
    /* only where the senders' own deadline stands earlier in the sentence ("báo cáo trước
     * 10 giờ ... và gửi ... về Văn phòng ... để tổng hợp, báo cáo ... trước 15 giờ"): alone,
     * "gửi về Sở Tư pháp để tổng hợp, báo cáo UBND tỉnh trước ngày ..." may be read as the
     * senders' deadline, and theirs it stays */
    int own = 0;
    for (size_t k = 0; k < c->nd && !own; k++) {
        size_t fs = c->x->facts[c->dls[k]].start;
        own = fs >= ss && fs < rm->s;
    }
    if (!own)
        return 0;
    const unit_t *recv = NULL;
    for (size_t i = 0; i < c->units.n && c->units.v[i].s < rm->s; i++) {
        const unit_t *u = &c->units.v[i];
        if (u->s < ss)
            continue;
        size_t e = u->s;
        while (e > 0 && c->text[e - 1] == ' ')
            e--;
        size_t b = e;
        while (b > 0 && is_letter_byte((unsigned char)c->text[b - 1]))
            b--;
        char *w = b < e ? lw_fold_case(c->text + b, e - b) : NULL;
        size_t k;
        json_t *v;
        json_array_foreach(lw_ruleset_data(c->rs, "relay_receiver_words"), k, v) {
            if (w && json_is_string(v) && !strcmp(w, json_string_value(v)))
                recv = u;
        }
        free(w);
    }
    if (recv)
        lw_d_add_unit(out, recv->s, recv->e, recv->name, recv->level);
    size_t a = rm->s; /* the work after "để" */
    while (a < rm->e && c->text[a] != ' ')
        a++;
    *act = a;
    return 1;
}

/* Reporting duties for the free deadlines in [from, to) whose clause has a reporting verb
 * (all free deadlines when any_verb); returns where the first such clause starts (to when
 * none). Without a fallback the leads come from the clause's context (clause_lead). A
 * clause that tells (narrated) or names nobody to do the work sets no duty. */
size_t lw_d_clauses(dctx *c, size_t from, size_t to, const unit_list *fallback, const char *source, int any_verb)
{
    size_t first = to;
    for (size_t k = 0; k < c->nd; k++) {
        /* copies: lw_d_emit() may move the facts */
        size_t ds = c->x->facts[c->dls[k]].start, de = c->x->facts[c->dls[k]].end;
        if (ds >= to)
            break;
        if (ds < from || c->claimed[k] || lw_d_in_tail(c, ds) || !lw_d_dated(c, k))
            continue;
        if (in_subject(c, ds) || period_before_deadline(c, k))
            continue;
        size_t cs = clause_start(c, ds, from);
        const mark_t *verb = lw_d_mark_in(&c->reports, cs, ds);
        size_t work_end = ds;
        if (!verb && ds - cs < 80) {
            /* "định kỳ hằng năm (trước ngày 20/11) báo cáo kết quả về ...": a clause that
             * opens with its deadline states its work after it */
            size_t ce = clause_end(c, de, to);
            verb = lw_d_mark_in(&c->reports, de, ce);
            if (verb)
                work_end = ce;
        }
        if (!verb && !any_verb)
            continue;
        if (narrated(c, cs, ds) || lasting_until(c, k, cs))
            continue;
        unit_list lead = {0};
        size_t act = cs;
        if (!relay_lead(c, cs, ds, &lead, &act))
            lw_d_clause_lead(c, cs, ds, fallback, &lead, &act);
        if (!lead.n) {
            units_done(c, &lead);
            continue;
        }
        size_t li = lw_segment_line_at(c->seg, cs);
        const char *section = li < c->seg->n ? L(c, li)->label : NULL;
        if (act < cs || act >= ds)
            act = cs;
        act = lw_d_skip_blank(c, act, ds);
        if (verb && verb->s < ds && verb->s > act + 200)
            act = verb->s; /* a long sentence: the report is what the deadline is for */
        const char *topic = verb ? "report" : lw_duty_topic(c->rs, c->m, c->text + act, ds - act, NULL);
        /* "Ủy ban nhân dân cấp huyện chỉ đạo Ủy ban nhân dân cấp xã hoàn thành ... trước
         * ngày ...": the leads are to make others do it */
        unit_list concerns = {0};
        size_t work = ds;
        const mark_t *dm = lw_d_directing(c, act, ds, &concerns, &work);
        if (dm && lw_d_gap_words_only(c, act, dm->s, 2)) {
            if (!verb)
                topic = lw_duty_topic(c->rs, c->m, c->text + work, ds > work ? ds - work : 0, NULL);
        } else {
            concerns.n = 0;
        }
        lw_d_emit(c, verb ? c->rule_report : c->rule_clause, cs, de > work_end ? de : work_end, lw_d_clip(c, act, work_end), &lead,
             NULL, &concerns, NULL, k, topic, section, source);
        units_done(c, &concerns);
        units_done(c, &lead);
        if (cs < first)
            first = cs;
    }
    return first;
}

size_t lw_d_report_clauses(dctx *c, size_t from, size_t to, const unit_list *fallback, const char *source)
{
    return lw_d_clauses(c, from, to, fallback, source, 0);
}
