/* lw_duty: duty facts from the outline, the field labels and the agency and deadline facts
 * (see lw_duty.h for the five shapes).
 *
 * Who leads a duty is read from the list of units that opens a field or a clause: "Sở Tư
 * pháp chủ trì, phối hợp với các Sở, ngành" leads with Sở Tư pháp, and the units after
 * "phối hợp với" are partners. Units named later in a sentence ("... tham mưu trình Ủy ban
 * nhân dân tỉnh") are whom the work goes to, not who does it, so a lead list is only a run
 * of unit names separated by punctuation and the gap words of rules/duties.yaml.
 *
 * This file is the driver and the two shapes read from the outline: items with field labels
 * and assignments under a unit's heading; the clauses are lw_duty_clause.c, the units and
 * the emit lw_duty_units.c (lw_duty_ctx.h says who calls whom). */
#include "lw_duty_ctx.h"

#include "lw_duty_table.h"
#include "lw_msg.h"

/* Further dates of one item ("Đợt 1: ...; đợt 2: ..."), each a duty: an item has a few */
#define LW_DUTY_ITEM_DATES_MAX 8
/* A task's number under its unit's heading ("2.1.a") */
#define LW_DUTY_LABEL_MAX 40


/* Where the text from pos on stops being free of a tail: the start of the next one. */
static size_t tail_after(const dctx *c, size_t pos)
{
    size_t best = c->len;
    for (size_t i = 0; i < c->ntail; i++)
        if (c->tail_s[i] >= pos && c->tail_s[i] < best)
            best = c->tail_s[i];
    return best;
}


/* ---- items with field labels ---- */


static void build_items(dctx *c)
{
    size_t n = c->seg->n;
    long *item_of = malloc(n * sizeof *item_of);
    item_t *items = NULL;
    size_t nitems = 0, cap = 0;
    if (!item_of) {
        c->nomem = 1; /* the items are lost: the extraction fails, no silent gap */
        return;
    }
    for (size_t i = 0; i < n; i++)
        item_of[i] = -1;
    for (size_t li = 0; li < n; li++) {
        if (c->field_of[li] < 0 || lw_d_in_tail(c, L(c, li)->start))
            continue;
        long o = L(c, li)->parent;
        while (o >= 0 && (c->field_of[o] >= 0 || !lw_mark_is_heading(L(c, (size_t)o)->mark)))
            o = L(c, (size_t)o)->parent;
        if (o < 0)
            continue;
        if (item_of[o] < 0) {
            if (nitems == cap) {
                cap = cap ? cap * 2 : 16;
                item_t *p = realloc(items, cap * sizeof *p);
                if (!p) {
                    c->nomem = 1;
                    break;
                }
                items = p;
            }
            items[nitems] = (item_t){.owner = o};
            item_of[o] = (long)nitems++;
        }
        item_t *it = &items[item_of[o]];
        if (it->nfields < sizeof it->fields / sizeof it->fields[0])
            it->fields[it->nfields++] = li;
    }
    for (size_t k = 0; k < nitems; k++) {
        item_t *it = &items[k];
        const lw_seg_line *h = L(c, (size_t)it->owner);
        size_t span_end = L(c, h->last)->end;
        if (span_end > tail_after(c, h->start))
            span_end = tail_after(c, h->start);
        unit_list lead = {0}, partners = {0};
        char *output = NULL;
        size_t dl = c->nd;
        size_t content_s = 0, content_e = 0;
        size_t work_s = 0, work_e = 0; /* what the lead field says beyond its units */
        char *recurs = NULL;           /* the words of an undated time frame */
        size_t dfield_s = 0, dfield_e = 0; /* the deadline field */
        for (size_t j = 0; j < it->nfields; j++) {
            size_t li = it->fields[j];
            const lw_seg_line *fl = L(c, li);
            const mark_t *lab = &c->fields.v[c->field_of[li]];
            const char *field = set_str(lab->rule, "field");
            size_t cs = lab->e, ce = L(c, fl->last)->end;
            if (!field)
                continue;
            if (!strcmp(field, "lead")) {
                const mark_t *pm = lw_d_mark_in(&c->partners, cs, fl->end);
                size_t lead_end = pm ? pm->s : fl->end, run_end;
                lw_d_lead_run(c, cs, lead_end, &lead, &run_end);
                if (!work_e && lead.n && !lw_d_gap_words_only(c, run_end, lead_end, 0)) {
                    work_s = run_end;
                    work_e = lead_end;
                }
                if (pm) {
                    size_t before = partners.n;
                    lw_d_lead_run(c, pm->e, fl->end, &partners, NULL);
                    if (partners.n == before)
                        lw_d_units_in(c, pm->e, fl->end, &partners);
                }
                /* "+ Các Sở, ngành: ..." sub-items name the units before their colon */
                for (size_t ch = li + 1; ch <= fl->last; ch++) {
                    const lw_seg_line *cl = L(c, ch);
                    if (cl->parent != (long)li)
                        continue;
                    const char *colon = memchr(c->text + cl->body, ':', cl->end - cl->body);
                    size_t he = colon && (size_t)(colon - c->text) - cl->body < 160 ? (size_t)(colon - c->text) : cl->end;
                    lw_d_lead_run(c, cl->body, he, &lead, NULL);
                }
                if (!lead.n)
                    lw_d_units_in(c, cs, lead_end, &lead);
            } else if (!strcmp(field, "partners")) {
                size_t before = partners.n;
                lw_d_lead_run(c, cs, fl->end, &partners, NULL);
                if (partners.n == before)
                    lw_d_units_in(c, cs, fl->end, &partners);
            } else if (!strcmp(field, "output") && !output) {
                output = lw_d_clip(c, cs, fl->end > cs ? fl->end : cs);
                if (output && !*output) {
                    free(output);
                    output = fl->last > li ? lw_d_clip(c, L(c, li + 1)->body, L(c, li + 1)->end) : NULL;
                }
            } else if (!strcmp(field, "deadline") && dl == c->nd) {
                /* "Thực hiện thường xuyên, riêng việc ... hoàn thành trong Quý III": the
                 * date the work can be checked against comes first */
                dfield_s = cs;
                dfield_e = ce;
                dl = lw_d_deadline_in(c, cs, ce, 0);
                for (size_t q = 0; dl == c->nd && !recurs && q < c->nd; q++) {
                    const lw_fact *df = &c->x->facts[c->dls[q]];
                    if (df->start >= cs && df->start < ce && lw_d_recurring(c, q))
                        recurs = lw_d_clip(c, df->start, df->end);
                }
                for (size_t q = dl; q < c->nd && c->x->facts[c->dls[q]].start < ce; q++)
                    if (lw_d_dated(c, q) && !lw_d_recurring(c, q)) {
                        dl = q;
                        break;
                    }
                if (dl < c->nd)
                    c->claimed[dl] = 1;
            } else if (!strcmp(field, "content") && !content_e) {
                content_s = cs;
                content_e = ce;
            }
        }
        /* reporting clauses inside the item are duties of their own ("Cơ quan phối hợp:
         * Các Sở, ngành ... gửi về Sở Tư pháp chậm nhất ngày 15/11/2025") */
        lw_d_report_clauses(c, h->start, span_end, &lead, "report");
        if (dl == c->nd)
            dl = lw_d_deadline_in(c, h->start, span_end, 1); /* not one a reporting clause took */
        /* the activity is the heading that names the work; a bare section title ("IV. CHẾ
         * ĐỘ BÁO CÁO") names none: then the content field, else the work the lead field states
         * ("Cơ quan thực hiện: Sở Tư pháp tổng hợp, xây dựng báo cáo ...") */
        char *activity;
        size_t hb = h->body, he = h->end;
        if (lw_d_gap_words_only(c, hb, he, 0)) {
            /* "1.4." alone on its line, its words on the next */
            for (size_t j = (size_t)it->owner + 1; j <= h->last; j++)
                if (!L(c, j)->mark && L(c, j)->end > L(c, j)->body) {
                    hb = L(c, j)->body;
                    he = L(c, j)->end;
                    break;
                }
        }
        if (!lw_segment_is_caps(c->text + hb, c->text + he))
            activity = lw_d_clip(c, hb, he);
        else if (content_e)
            activity = lw_d_clip(c, content_s, content_e);
        else if (work_e)
            activity = lw_d_clip(c, work_s, work_e);
        else
            activity = lw_d_clip(c, hb, he);
        const char *topic = NULL;
        /* the heading, else a heading above it ("3. Xác định lĩnh vực ..." over "a) ...") */
        for (long a = it->owner; a >= 0 && !topic; a = L(c, (size_t)a)->parent)
            if (lw_mark_is_heading(L(c, (size_t)a)->mark))
                topic = lw_duty_topic(c->rs, c->m, c->text + L(c, (size_t)a)->body,
                                      L(c, (size_t)a)->end - L(c, (size_t)a)->body, NULL);
        if (!topic && content_e)
            topic = lw_duty_topic(c->rs, c->m, c->text + content_s, content_e - content_s, NULL);
        if (!topic && output)
            topic = lw_duty_topic(c->rs, c->m, output, strlen(output), NULL);
        const lw_rule *rule = c->fields.v[c->field_of[it->fields[0]]].rule;
        if (dl == c->nd) {
            c->recurs = recurs; /* for this duty only (emit takes it) */
            recurs = NULL;
        }
        free(recurs);
        /* "Đợt 1: trước ngày 15/6/2025; đợt 2: trước ngày 15/11/2025": one duty per date */
        size_t more[LW_DUTY_ITEM_DATES_MAX], nmore = 0;
        for (size_t q = 0; dl < c->nd && q < c->nd && nmore < LW_DUTY_ITEM_DATES_MAX; q++) {
            const lw_fact *df = &c->x->facts[c->dls[q]];
            if (q == dl || c->claimed[q] || df->start < dfield_s || df->start >= dfield_e || !lw_d_dated(c, q) ||
                lw_d_recurring(c, q))
                continue;
            const char *t1 = df->u.dl.to, *t0 = c->x->facts[c->dls[dl]].u.dl.to;
            if (t1 && t0 && !strcmp(t1, t0))
                continue;
            c->claimed[q] = 1;
            more[nmore++] = q;
        }
        /* "1. Chỉ đạo Ủy ban nhân dân cấp xã ban hành kế hoạch ..." over "Cơ quan thực hiện:
         * Ủy ban nhân dân cấp huyện": the leads are to direct the units the heading opens with */
        unit_list concerns = {0};
        size_t dwork;
        const mark_t *dm = lw_d_directing(c, hb, he, &concerns, &dwork);
        if (dm && !lw_d_gap_words_only(c, hb, dm->s, 0))
            concerns.n = 0;
        char *act2 = nmore ? dup_or_flag(c, activity) : NULL, *out2 = nmore ? dup_or_flag(c, output) : NULL;
        lw_d_emit(c, rule, h->start, span_end, activity, &lead, &partners, &concerns, output, dl, topic, h->label, "item");
        for (size_t q = 0; q < nmore; q++)
            lw_d_emit(c, rule, h->start, span_end, dup_or_flag(c, act2), &lead, &partners, &concerns,
                      dup_or_flag(c, out2), more[q], topic, h->label, "item");
        units_done(c, &concerns);
        free(act2);
        free(out2);
        for (size_t j = (size_t)it->owner; j <= h->last; j++)
            c->handled[j] = 1;
        units_done(c, &lead);
        units_done(c, &partners);
    }
    free(items);
    free(item_of);
}

static void task(dctx *c, size_t s, size_t e, const char *label, const unit_list *lead)
{
    if (lw_d_in_tail(c, s))
        return;
    if (e > tail_after(c, s))
        e = tail_after(c, s);
    size_t rep = lw_d_report_clauses(c, s, e, lead, "assignment");
    if (rep <= s + 2)
        return; /* the task is a reporting obligation, already a duty */
    if (!lead->n)
        return; /* nobody to do it: a remark, not a task */
    size_t te = rep < e ? rep : e;
    /* a duty to make others do the work is not the work itself: "ban hành Kế hoạch ...
     * Đồng thời, chỉ đạo Ủy ban nhân dân cấp xã ban hành Kế hoạch ..." is two duties */
    unit_list concerns = {0};
    size_t work = te;
    const mark_t *dm = lw_d_directing(c, s, te, &concerns, &work);
    size_t split = dm ? lw_d_sentence_start(c, s, dm->s) : te;
    if (dm && split > s + 2 && !lw_d_gap_words_only(c, s, split, 0)) {
        size_t dl = lw_d_deadline_in(c, s, split, 1);
        const char *topic = lw_duty_topic(c->rs, c->m, c->text + s, split - s, NULL);
        lw_d_emit(c, c->rule_assign, s, split, lw_d_clip(c, s, split), lead, NULL, NULL, NULL, dl, topic, label, "assignment");
    } else {
        split = s;
    }
    if (dm) {
        size_t dl = lw_d_deadline_in(c, split, te, 1);
        const char *topic = lw_duty_topic(c->rs, c->m, c->text + work, te > work ? te - work : 0, NULL);
        lw_d_emit(c, c->rule_assign, split, e, lw_d_clip(c, split, te), lead, NULL, &concerns, NULL, dl, topic, label,
             "assignment");
    } else {
        size_t dl = lw_d_deadline_in(c, s, te, 1);
        const char *topic = lw_duty_topic(c->rs, c->m, c->text + s, te - s, NULL);
        lw_d_emit(c, c->rule_assign, s, e, lw_d_clip(c, s, te), lead, NULL, NULL, NULL, dl, topic, label, "assignment");
    }
    units_done(c, &concerns);
}

static int has_marked_child(const dctx *c, size_t j)
{
    for (size_t k = j + 1; k <= L(c, j)->last && !lw_d_in_tail(c, L(c, k)->start); k++)
        if (L(c, k)->parent == (long)j && L(c, k)->mark)
            return 1;
    return 0;
}

static void assignment_section(dctx *c, size_t sec)
{
    size_t last = L(c, sec)->last;
    for (size_t j = sec + 1; j <= last && !lw_d_in_tail(c, L(c, j)->start); j++) {
        const lw_seg_line *l = L(c, j);
        if (c->handled[j] || !l->mark)
            continue;
        unit_list units = {0};
        size_t run_end;
        lw_d_lead_run(c, l->body, l->end, &units, &run_end);
        if (units.n && lw_d_gap_words_only(c, run_end, l->end, 3)) {
            /* "1. Sở Tư pháp": its tasks are its items, else its paragraphs */
            int marked = has_marked_child(c, j);
            for (size_t k = j + 1; k <= l->last; k++) {
                const lw_seg_line *t = L(c, k);
                if (t->parent != (long)j || c->handled[k])
                    continue;
                if (marked && t->mark) {
                    char lab[LW_DUTY_LABEL_MAX];
                    snprintf(lab, sizeof lab, "%s%s%s", l->label, *l->label && *t->label ? "." : "", t->label);
                    task(c, t->body, L(c, t->last)->end, lab, &units);
                } else if (!marked && !t->mark) {
                    size_t e = t->end;
                    while (e > t->body && (c->text[e - 1] == ' ' || c->text[e - 1] == '.'))
                        e--;
                    if (e > t->body && c->text[e - 1] != ':')
                        task(c, t->body, t->end, l->label, &units);
                }
            }
            for (size_t k = j; k <= l->last; k++)
                c->handled[k] = 1;
        } else if (!has_marked_child(c, j)) {
            /* a task of its own: "4. Đề nghị Viện kiểm sát nhân dân tỉnh ... phối hợp ..." */
            unit_list lead = {0}, none = {0};
            size_t act;
            lw_d_clause_lead(c, l->body, l->end, &none, &lead, &act);
            task(c, l->body, L(c, l->last)->end, l->label, &lead);
            for (size_t k = j; k <= l->last; k++)
                c->handled[k] = 1;
            units_done(c, &lead);
        }
        units_done(c, &units);
    }
}

/* ---- driver ---- */

/* The distribution lists and signatures: from each "Nơi nhận:" to the end of the text, or
 * to what a decision issues with it (its attached programme, plan or rules: a numbered part
 * "I. MỤC ĐÍCH", a table, an appendix, a line "ban hành kèm theo ..."), whose duties count. */
static void find_tails(dctx *c)
{
    mark_list dist = {0};
    lw_d_collect(c, "header.distribution", &dist);
    for (size_t i = 0; i < dist.n && c->ntail < sizeof c->tail_s / sizeof c->tail_s[0]; i++) {
        size_t li = lw_segment_line_at(c->seg, dist.v[i].s), end = c->len;
        for (size_t k = li + 1; k < c->seg->n; k++) {
            const lw_seg_line *l = L(c, k);
            char *f = lw_fold_case(c->text + l->body, l->end - l->body < 200 ? l->end - l->body : 200);
            if (!f)
                c->nomem = 1;
            int attached = has_data_word(c, "attached_words", f, 0) || has_data_word(c, "appendix_openers", f, 1);
            free(f);
            if (l->mark == LW_MARK_ROMAN || l->mark == LW_MARK_UPPER || c->text[l->body] == '|' || attached) {
                end = l->start;
                break;
            }
        }
        if (c->ntail && dist.v[i].s < c->tail_e[c->ntail - 1])
            continue; /* inside the previous one */
        c->tail_s[c->ntail] = dist.v[i].s;
        c->tail_e[c->ntail++] = end;
    }
    marks_done(c, &dist);
}

/* Whom the letter is addressed to: the units of its "Kính gửi:" block (that line and the
 * list lines after it). Kinds that tell or propose (unaddressed_kinds: a Báo cáo, a Tờ
 * trình) set their addressees no work. */
static void find_addressees(dctx *c)
{
    const char *kind = c->x->header.kind;
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "unaddressed_kinds"), i, v) {
        if (kind && json_is_string(v) && !strcmp(kind, json_string_value(v)))
            c->tells = 1;
    }
    json_array_foreach(lw_ruleset_data(c->rs, "yearly_plan_kinds"), i, v) {
        if (kind && json_is_string(v) && !strcmp(kind, json_string_value(v)))
            c->yearly = 1;
    }
    const char *subject = c->x->header.subject;
    for (const char *p = subject; p && (p = strstr(p, "năm ")) != NULL; p += strlen("năm "))
        if (p[4] >= '1' && p[4] <= '2' && atoi(p + 4) >= 1990 && atoi(p + 4) <= 2100)
            c->plan_year = atoi(p + 4); /* the last year it names */
    if (c->tells)
        return;
    if (!c->recips.n)
        return;
    size_t li = lw_segment_line_at(c->seg, c->recips.v[0].s);
    if (li >= c->seg->n)
        return;
    size_t s = c->recips.v[0].e, e = L(c, li)->end;
    for (size_t k = li + 1; k < c->seg->n && k < li + 12; k++) {
        const lw_seg_line *l = L(c, k);
        if (l->end == l->start)
            continue;
        if (l->mark != LW_MARK_DASH && l->mark != LW_MARK_PLUS && l->mark != LW_MARK_BULLET)
            break;
        e = l->end;
    }
    lw_d_units_in(c, s, e, &c->addressees);
}

lw_status lw_duty_build(const lw_ruleset *rs, lw_matcher *m, const char *text, size_t len, lw_extraction *x,
                        lw_error *err)
{
    dctx c = {.rs = rs, .m = m, .text = text, .len = len, .x = x};
    c.oom = &c.nomem;
    lw_status st = lw_segment(text, len, &c.seg, err);
    if (st)
        return st;
    for (size_t i = 0; i < lw_ruleset_count(rs); i++) {
        const lw_rule *r = lw_ruleset_rule(rs, i);
        if (!c.rule_item && !strcmp(r->kind, "duty.field"))
            c.rule_item = r;
        if (!c.rule_assign && !strcmp(r->kind, "duty.section"))
            c.rule_assign = r;
        if (!c.rule_report && !strcmp(r->kind, "duty.report"))
            c.rule_report = r;
        if (!c.rule_clause && !strcmp(r->kind, "duty.clause"))
            c.rule_clause = r;
    }
    if (!c.rule_clause)
        c.rule_clause = c.rule_report;
    if (!c.rule_item || !c.rule_assign || !c.rule_report) {
        lw_segments_free(c.seg);
        return LW_OK; /* a rule set without duty rules: no duties */
    }
    json_t *gap = lw_ruleset_data(rs, "unit_gap_words");
    c.gap = calloc(json_array_size(gap) + 1, sizeof *c.gap);
    if (!c.gap) {
        lw_segments_free(c.seg);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    for (size_t i = 0; i < json_array_size(gap); i++) {
        const char *w = json_string_value(json_array_get(gap, i));
        if (w && !(c.gap[c.ngap++] = lw_fold_case(w, strlen(w)))) {
            c.ngap--;
            c.nomem = 1;
        }
    }
    lw_d_collect(&c, "duty.field", &c.fields);
    lw_d_collect(&c, "duty.section", &c.sections);
    lw_d_collect(&c, "duty.partner", &c.partners);
    lw_d_collect(&c, "duty.report", &c.reports);
    lw_d_collect(&c, "duty.request", &c.requests);
    lw_d_collect(&c, "header.subject", &c.subjects);
    lw_d_collect(&c, "duty.directs", &c.directs);
    lw_d_collect(&c, "duty.narrative", &c.narratives);
    lw_d_collect(&c, "duty.intro", &c.intros);
    lw_d_collect(&c, "duty.lasting", &c.lastings);
    lw_d_collect(&c, "duty.relay", &c.relays);
    lw_d_collect(&c, "header.recipients", &c.recips);
    lw_d_collect_units(&c);
    find_tails(&c);

    size_t nfacts = x->n;
    c.dls = malloc((nfacts + 1) * sizeof *c.dls);
    for (size_t i = 0; c.dls && i < nfacts; i++)
        if (x->facts[i].kind == LW_FACT_DEADLINE)
            c.dls[c.nd++] = i;
    c.claimed = calloc(c.nd + 1, 1);
    c.field_of = malloc((c.seg->n + 1) * sizeof *c.field_of);
    c.handled = calloc(c.seg->n + 1, 1);
    if (!c.dls || !c.claimed || !c.field_of || !c.handled) {
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        goto done;
    }
    for (size_t i = 0; i < c.seg->n; i++)
        c.field_of[i] = -1;
    for (size_t k = 0; k < c.fields.n; k++) {
        size_t li = lw_segment_line_at(c.seg, c.fields.v[k].s);
        if (li < c.seg->n && c.seg->lines[li].body == c.fields.v[k].s && c.field_of[li] < 0)
            c.field_of[li] = (long)k;
    }
    find_addressees(&c);
    build_items(&c);
    for (size_t k = 0; k < c.sections.n; k++) {
        size_t li = lw_segment_line_at(c.seg, c.sections.v[k].s);
        if (li < c.seg->n && lw_mark_is_heading(c.seg->lines[li].mark) &&
            c.sections.v[k].s <= c.seg->lines[li].body + 4 && !c.handled[li])
            assignment_section(&c, li);
    }
    /* what is left: reporting obligations anywhere (letters, paragraphs, fields), then any
     * deadline set to units the clause or its list names */
    lw_d_report_clauses(&c, 0, len, NULL, "report");
    if (!c.tells)
        lw_d_clauses(&c, 0, len, NULL, "clause", 1);
    st = lw_duty_table_build(rs, m, text, len, x, err);
done:
    /* a mark, unit or duty lost for want of memory fails the extraction: never a silent gap */
    c.nomem |= c.units.nomem | c.addressees.nomem | c.fields.nomem | c.sections.nomem | c.partners.nomem |
               c.reports.nomem | c.requests.nomem | c.subjects.nomem | c.directs.nomem | c.narratives.nomem |
               c.intros.nomem | c.recips.nomem | c.lastings.nomem | c.relays.nomem;
    if (c.nomem && st == LW_OK)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    free(c.recurs);
    free(c.addressees.v);
    free(c.directs.v);
    free(c.narratives.v);
    free(c.intros.v);
    free(c.lastings.v);
    free(c.recips.v);
    for (size_t i = 0; i < c.nowned; i++)
        free(c.owned[i]);
    free(c.owned);
    for (size_t i = 0; i < c.ngap; i++)
        free(c.gap[i]);
    free(c.gap);
    free(c.fields.v);
    free(c.sections.v);
    free(c.partners.v);
    free(c.reports.v);
    free(c.relays.v);
    free(c.requests.v);
    free(c.subjects.v);
    free(c.units.v);
    free(c.dls);
    free(c.claimed);
    free(c.field_of);
    free(c.handled);
    lw_segments_free(c.seg);
    return st;
}
