/* lw_extract_header: the document's header (the design's header object) from the header.*
 * matches and the text around them: number and kind, place and date, subject, recipients,
 * signer, distribution, and the issuer (with the copy stamps a scan may carry). */
#include "lw_date.h"
#include "lw_extract_ctx.h"
#include "lw_fold.h"
#include "lw_text.h"

const raw_match *lw_x_first_of(const ctx_t *c, const char *kind, size_t before)
{
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (!r->dropped && kind_is(r, kind) && r->start < before)
            return r;
    }
    return NULL;
}

/* Lines after a label ("Kính gửi:", "Nơi nhận:"): the rest of the label's line if any,
 * then each following line that opens with a list mark, until one that does not. */
json_t *lw_x_list_after(const ctx_t *c, size_t pos, size_t *end_out)
{
    json_t *arr = json_array();
    size_t le = lw_x_para_end(c, pos);
    char *rest = lw_text_clean(c->text + pos, le - pos); /* NULL: out of memory, noted (lw_oom) */
    if (rest && rest[0]) {
        const char *p = rest;
        if (*p == '-' || *p == '+')
            p++;
        char *item = lw_text_clean(p, strlen(p));
        if (item && item[0])
            json_array_append_new(arr, json_string(item));
        free(item);
    }
    int inline_item = rest && rest[0] != 0;
    free(rest);
    size_t p = le;
    while (p < c->len) {
        p++; /* skip '\n' */
        size_t ls = p;
        while (ls < c->len && (c->text[ls] == ' ' || c->text[ls] == '\t'))
            ls++;
        size_t e = lw_x_para_end(c, ls);
        if (ls == e) { /* blank line: allowed between label and list, ends it after */
            if (json_array_size(arr) && !inline_item)
                break;
            p = e;
            continue;
        }
        const char *t = c->text + ls;
        int mark = (*t == '-' || *t == '+' || starts_with(t, "•") || starts_with(t, "–"));
        if (!mark)
            break;
        size_t skip = starts_with(t, "•") || starts_with(t, "–") ? 3 : 1;
        char *item = lw_text_clean(t + skip, e - ls - skip);
        if (item && item[0])
            json_array_append_new(arr, json_string(item));
        free(item);
        p = e;
        inline_item = 0;
        if (end_out)
            *end_out = e;
    }
    return arr;
}

int lw_x_is_upper_line(const char *s, size_t n)
{
    int letters = 0;
    char *up = lw_text_upper(s, n);
    int same = up && strncmp(up, s, n) == 0;
    free(up);
    for (size_t i = 0; i < n; i++)
        if (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0xC3)
            letters++;
    return same && letters >= 3;
}

/* A person's name: 2 to 6 words, each opening with an upper-case letter, not all caps. */
static int is_name_line(const char *s, size_t n)
{
    char *t = lw_text_clean(s, n);
    if (!t)
        return 0; /* out of memory, noted (lw_oom) */
    int words = 0, ok = t[0] != 0;
    char *save = NULL;
    for (char *w = strtok_r(t, " ", &save); w && ok; w = strtok_r(NULL, " ", &save)) {
        words++;
        char *u = lw_text_upper(w, strlen(w));
        if (!u) {
            ok = 0; /* out of memory, noted (lw_oom) */
            break;
        }
        size_t cl = 1;
        while (w[cl] && ((unsigned char)w[cl] & 0xC0) == 0x80)
            cl++;
        if (strncmp(u, w, cl) != 0 || strchr(w, '.') || strchr(w, ':') || isdigit((unsigned char)w[0]))
            ok = 0;
        /* every Vietnamese syllable has a vowel ("Minh Vfr" is OCR of a broken text layer);
         * a letter beyond ASCII is taken for one, but for đ */
        int vowel = 0;
        for (const unsigned char *q = (const unsigned char *)w; *q && !vowel; q++)
            vowel = strchr("aeiouyAEIOUY", *q) || (*q >= 0xC3 && !(q[0] == 0xC4 && (q[1] == 0x90 || q[1] == 0x91)));
        for (const unsigned char *q = (const unsigned char *)w; *q; q++)
            if (isdigit(*q))
                ok = 0;
        if (!vowel)
            ok = 0;
        free(u);
    }
    free(t);
    return ok && words >= 2 && words <= 6 && !lw_x_is_upper_line(s, n);
}

static void extract_signer(ctx_t *c, json_t *h)
{
    /* the last run of authority lines (TM./KT./TL./TUQ.) */
    const raw_match *last = NULL, *first = NULL;
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "header.authority"))
            continue;
        if (last && r->start > last->end + 2)
            first = r;
        if (!first)
            first = r;
        last = r;
    }
    if (!last)
        return;
    lw_buf auth = {0};
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "header.authority") || r->start < first->start || r->start > last->start)
            continue;
        char *a = lw_text_clean(c->text + r->start, r->end - r->start);
        if (!a)
            continue; /* out of memory, noted (lw_oom) */
        if (auth.len)
            lw_buf_append(&auth, " ", 1);
        lw_buf_append(&auth, a, strlen(a));
        free(a);
    }
    json_t *sg = json_object();
    json_object_set_new(sg, "authority", json_string(auth.data ? auth.data : ""));
    lw_buf_free(&auth);
    json_object_set_new(sg, "position", json_null());
    json_object_set_new(sg, "name", json_null());
    /* then: the position (a line in capitals), then the name */
    size_t p = lw_x_para_end(c, last->end);
    int lines = 0;
    while (p < c->len && lines < 12) {
        p++;
        size_t ls = p, e = lw_x_para_end(c, p);
        p = e;
        while (ls < e && c->text[ls] == ' ')
            ls++;
        if (ls == e)
            continue;
        lines++;
        const char *t = c->text + ls;
        size_t n = e - ls;
        int digit = 0;
        for (size_t q = 0; q < n; q++)
            digit |= isdigit((unsigned char)t[q]) != 0;
        if (json_is_null(json_object_get(sg, "position")) && json_is_null(json_object_get(sg, "name")) &&
            lw_x_is_upper_line(t, n) && !digit) {
            char *pos = lw_text_clean(t, n);
            json_object_set_new(sg, "position", json_string(pos));
            free(pos);
            continue;
        }
        if (is_name_line(t, n)) {
            char *nm = lw_text_clean(t, n);
            json_object_set_new(sg, "name", json_string(nm));
            free(nm);
            break;
        }
    }
    json_object_set_new(h, "signer", sg);
}

/* The id of a number match; *sym_type is the type its symbol's code names ("TB-UBND":
 * Thông báo), NULL when the symbol opens with no type code ("UBND-NC", a letter's). */
static char *number_of(ctx_t *c, const raw_match *r, const char **sym_type)
{
    if (sym_type)
        *sym_type = NULL;
    char *num = lw_x_grp_str(c, r, "num");
    lw_span ss = grp(r, "sym");
    if (!num || ss.start == SIZE_MAX) {
        free(num);
        return NULL;
    }
    char *sym = lw_lexicon_symbol(c->lx, c->text + ss.start, ss.end - ss.start);
    if (!sym) {
        free(num);
        return NULL;
    }
    int year = lw_x_grp_int(c, r, "year");
    char *id = lw_make_id(num, year, sym, set_str(r, "form") && !strcmp(set_str(r, "form"), "party"));
    if (sym_type)
        *sym_type = lw_lexicon_type_of_symbol(c->lx, sym);
    free(num);
    free(sym);
    return id;
}

/* The type named by the symbol of a number line whose number OCR destroyed ("56:]+9-}
 * /TB-LIBND"): the first such line before limit, NULL when none or its symbol has no type
 * code. */
static const char *symbol_only_type(ctx_t *c, size_t limit)
{
    const raw_match *r = lw_x_first_of(c, "header.symbol_only", limit);
    if (!r)
        return NULL;
    lw_span ss = grp(r, "sym");
    char *sym = lw_lexicon_symbol(c->lx, c->text + ss.start, ss.end - ss.start);
    const char *t = sym ? lw_lexicon_type_of_symbol(c->lx, sym) : NULL;
    free(sym);
    return t;
}

/* The number of upper-case letters a line opens with, up to its first lower-case letter
 * (spaces and marks between are passed): a title line, even one OCR damaged or fused by
 * unwrapping to the subject after it ("THONGBAo Kết luận ..."), opens with several. */
static int upper_lead(const char *s, size_t n)
{
    int count = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        size_t cl = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        if (i + cl > n)
            break;
        int letter = isalpha(b) || b >= 0xC3;
        if (letter) {
            char *u = lw_text_upper(s + i, cl);
            int upper = u && strlen(u) == cl && !memcmp(u, s + i, cl);
            free(u);
            if (!upper)
                break;
            count++;
        }
        i += cl;
    }
    return count;
}

/* Whether a line opening in capitals (a title, even one OCR damaged) stands between the
 * number line and pos (a "V/v" line): a letter has none there, only the place and date,
 * the motto and marks of urgency or secrecy (header_marks in rules/header.yaml). */
static int title_above(ctx_t *c, size_t pos)
{
    const raw_match *sl = NULL;
    const char *kinds[] = {"header.number", "header.number_line", "header.symbol_only"};
    for (size_t k = 0; k < 3; k++) {
        const raw_match *r = lw_x_first_of(c, kinds[k], pos);
        if (r && (!sl || r->start < sl->start))
            sl = r;
    }
    if (!sl || sl->end > pos || pos - sl->end > 600)
        return 0;
    size_t p = lw_x_para_end(c, sl->end);
    while (p < pos) {
        size_t ls = p + 1, le = lw_x_para_end(c, ls);
        if (le > pos)
            le = pos;
        int skip = 0;
        for (size_t i = lw_x_first_match_at(c, ls); i < c->all.n && c->all.v[i].start < le && !skip; i++)
            skip = kind_is(&c->all.v[i], "header.motto") || kind_is(&c->all.v[i], "header.motto2") ||
                   kind_is(&c->all.v[i], "header.place_date");
        if (!skip && ls < le && upper_lead(c->text + ls, le - ls) >= 4) {
            char *line = lw_fold_key(c->text + ls, le - ls);
            size_t i;
            json_t *v;
            json_array_foreach(lw_ruleset_data(c->rs, "header_marks"), i, v) {
                const char *m = json_string_value(v);
                char *fm = m ? lw_fold_key(m, strlen(m)) : NULL;
                if (line && fm && strstr(line, fm) == line)
                    skip = 1;
                free(fm);
            }
            free(line);
            if (!skip)
                return 1;
        }
        p = le;
        if (p < c->len && c->text[p] != '\n')
            break;
    }
    return 0;
}

/* Whether the header has a letter's shape where OCR left no title and no "V/v": the
 * "Số:" line, then "Kính gửi" a few lines below, and no line in capitals between them
 * (every other type has its title there, in capitals, above "Kính gửi"; the motto aside). */
static int letter_shape(ctx_t *c)
{
    const raw_match *sl = lw_x_first_of(c, "header.number_line", c->len < 1500 ? c->len : 1500);
    if (!sl)
        return 0;
    size_t lim = c->len < sl->end + 600 ? c->len : sl->end + 600;
    const raw_match *kg = NULL;
    for (size_t i = lw_x_first_match_at(c, sl->end); i < c->all.n && c->all.v[i].start < lim && !kg; i++)
        if (kind_is(&c->all.v[i], "header.recipients"))
            kg = &c->all.v[i];
    if (!kg)
        return 0;
    size_t p = lw_x_para_end(c, sl->end);
    while (p < kg->start) {
        size_t ls = p + 1, le = lw_x_para_end(c, ls);
        if (le > kg->start)
            le = kg->start;
        int motto = 0;
        for (size_t i = lw_x_first_match_at(c, ls); i < c->all.n && c->all.v[i].start < le && !motto; i++)
            motto = kind_is(&c->all.v[i], "header.motto");
        if (ls < le && !motto && upper_lead(c->text + ls, le - ls) >= 4)
            return 0;
        p = le;
        if (p < c->len && c->text[p] != '\n')
            break;
    }
    return 1;
}

/* A day or month of the header's date: digits, where a scan may read a zero as O or Ø
 * ("Ø3", "1O"); the rule admits a letter only beside a digit. -1 when it is anything else. */
static int header_num(const ctx_t *c, const raw_match *r, const char *name)
{
    lw_span s = grp(r, name);
    if (s.start == SIZE_MAX)
        return -1;
    int v = 0, digits = 0;
    for (size_t i = s.start; i < s.end;) {
        const unsigned char *p = (const unsigned char *)c->text + i;
        if (isdigit(*p)) {
            v = v * 10 + (*p - '0');
            i++;
        } else if (*p == 'O' || *p == 'o') {
            v *= 10;
            i++;
        } else if (p[0] == 0xC3 && i + 1 < s.end && (p[1] == 0x98 || p[1] == 0xB8)) { /* Ø ø */
            v *= 10;
            i += 2;
        } else {
            return -1;
        }
        if (++digits > 2)
            return -1;
    }
    return digits ? v : -1;
}

/* The subject without the noise a scan's stamp leaves before it on its line ("-TRUNG
 * TÂM CÔNG 810 & Tin HỌC O.NG ÃIj Về việc tăng cường ..."): it starts at "Về việc" when
 * what comes before holds a digit or a mark no subject opens with. */
static const char *subject_start(const char *s)
{
    const char *v = strstr(s, "Về việc");
    if (!v || v == s)
        return s;
    for (const char *p = s; p < v; p++)
        if (isdigit((unsigned char)*p) || strchr("&|#@{}[]<>", *p))
            return v;
    return s;
}

/* The place and date joined to the "V/v" line at a place that is no province: taken when
 * the header above it names that place in capitals ("HUYỆN QUẢNG ĐIỀN"), so that no
 * capitalised words of the subject are taken for a place. */
static const raw_match *glued_place_date(const ctx_t *c, size_t zone)
{
    const raw_match *r = lw_x_first_of(c, "header.place_date_glued", zone);
    if (!r)
        return NULL;
    lw_span ps = grp(r, "place");
    char *up = lw_text_upper(c->text + ps.start, ps.end - ps.start);
    int named = 0;
    if (up) {
        size_t n = strlen(up);
        for (size_t i = 0; i + n <= r->start && !named; i++)
            named = !memcmp(c->text + i, up, n) && (i + n == c->len || !isalpha((unsigned char)c->text[i + n])) &&
                    (i == 0 || c->text[i - 1] == ' ' || c->text[i - 1] == '\n' || c->text[i - 1] == '\t');
    }
    free(up);
    return named ? r : NULL;
}

void lw_x_extract_header(ctx_t *c)
{
    json_t *h = c->x->header;
    size_t zone = c->len < 3000 ? c->len : 3000;
    const raw_match *pd = lw_x_first_of(c, "header.place_date", zone);
    if (!pd)
        pd = glued_place_date(c, zone);
    /* number: the "Số:" line (or its parts split over lines); else a number standing alone
     * on a line before the place and date, as OCR leaves it when "Số:" is lost */
    const raw_match *num = lw_x_first_of(c, "header.number", zone);
    if (!num && pd) {
        const raw_match *bare = lw_x_first_of(c, "header.number_bare", pd->start);
        if (bare && bare->end <= pd->start)
            num = bare;
    }
    const char *num_type = NULL;
    int have_num = 0;
    if (num) {
        char *id = number_of(c, num, &num_type);
        if (id) {
            have_num = 1;
            json_object_set_new(h, "number", json_string(id));
            c->own_id = id;
            c->header_num_start = num->start;
            c->header_num_end = num->end;
        }
    }
    if (!have_num)
        num_type = symbol_only_type(c, pd ? pd->end : (c->len < 1500 ? c->len : 1500));
    /* place and date */
    if (pd) {
        char *place = lw_x_grp_str(c, pd, "place");
        if (place)
            json_object_set_new(h, "place", json_string(place));
        free(place);
        lw_date d = {lw_x_grp_int(c, pd, "y"), header_num(c, pd, "m"), header_num(c, pd, "d")};
        if (d.d >= 0 && d.m >= 0 && d.y >= 0 && lw_date_valid(d)) {
            char iso[11];
            json_object_set_new(h, "date", json_string(lw_date_iso(d, iso)));
            c->doc_date = d;
            c->have_doc_date = 1;
        } else if (d.d >= 0 && d.m >= 0 && d.y >= 0) {
            lw_x_warn(c, pd->start, "ngày ban hành không hợp lệ (impossible date in the header)");
        }
    }
    /* kind: the best-priority candidate; the number's symbol is one candidate */
    const char *kind = NULL;
    int kprio = -1;
    size_t kpos = SIZE_MAX;
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (!starts_with(r->rule->kind, "header.kind"))
            continue;
        const char *k = set_str(r, "kind");
        if (has(r, "type")) {
            lw_span s = grp(r, "type");
            k = lw_lexicon_type(c->lx, c->text + s.start, s.end - s.start);
        }
        if (!k)
            continue;
        /* "V/v" under a title OCR left unread ("TÜTRÌNH"): the document is no letter */
        if (!strcmp(r->rule->id, "header.kind_vv") && title_above(c, r->start))
            continue;
        int p = r->rule->priority;
        if (p > kprio || (p == kprio && r->start < kpos)) {
            kind = k;
            kprio = p;
            kpos = r->start;
        }
    }
    if (kprio < 60 && letter_shape(c)) {
        kind = "Công văn";
        kprio = 60;
    }
    /* the symbol's type code ("TB-UBND": Thông báo; a symbol without one, "UBND-NC", is a
     * letter's) ranks below the title and the "V/v" line: a body's own abbreviation may
     * open a letter's symbol and look like a code ("CT-CS" of the Cục Thuế) */
    if (kprio < 80 && (num_type || have_num))
        kind = num_type ? num_type : "Công văn";
    json_object_set_new(h, "kind", kind ? json_string(kind) : json_null());
    /* subject */
    const raw_match *sub = lw_x_first_of(c, "header.subject", zone);
    if (sub) {
        char *s = lw_x_grp_str(c, sub, "subject");
        if (s && s[0])
            json_object_set_new(h, "subject", json_string(subject_start(s)));
        free(s);
        /* the title's year bounds quarters and months that give none */
        for (size_t i = 0; i < c->all.n; i++) {
            const raw_match *r = &c->all.v[i];
            if (kind_is(r, "context.year") && r->start >= sub->start && r->end <= sub->end)
                c->title_year = lw_x_grp_int(c, r, "y");
        }
    }
    /* recipients and distribution */
    const raw_match *kg = lw_x_first_of(c, "header.recipients", c->len);
    if (kg)
        json_object_set_new(h, "recipients", lw_x_list_after(c, kg->end, NULL));
    const raw_match *nn = NULL;
    for (size_t i = 0; i < c->all.n; i++)
        if (kind_is(&c->all.v[i], "header.distribution"))
            nn = &c->all.v[i]; /* the last one: "Nơi nhận" closes the document */
    if (nn)
        json_object_set_new(h, "distribution", lw_x_list_after(c, nn->end, NULL));
    extract_signer(c, h);
}

/* Whether place is a city run by the centre (lexicon cities_tw). */
static int is_city_tw(const ctx_t *c, const char *place)
{
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "cities_tw"), i, v) {
        if (json_is_string(v) && !strcmp(json_string_value(v), place))
            return 1;
    }
    return 0;
}

/* Where the body under the header's parent may be looked for: the lines after the
 * parent's, up to the number or the place and date (at most 400 bytes on). */
static size_t sub_limit(const ctx_t *c, const lw_fact *parent)
{
    size_t lim = c->len < parent->end + 400 ? c->len : parent->end + 400;
    for (size_t i = lw_x_first_match_at(c, parent->end); i < c->all.n && c->all.v[i].start < lim; i++) {
        const raw_match *r = &c->all.v[i];
        if (kind_is(r, "header.number") || kind_is(r, "header.number_line") || kind_is(r, "header.place_date")) {
            lim = r->start;
            break;
        }
    }
    return lim;
}

/* Where the first line after the parent's starts (blank lines and emphasis skipped), or
 * (size_t)-1 when none stands before sub_limit. */
static size_t line_after_parent(const ctx_t *c, const lw_fact *parent)
{
    size_t lim = sub_limit(c, parent);
    size_t k = parent->end;
    while (k < lim && c->text[k] != '\n')
        k++;
    while (k < lim && strchr(" \t\n*_", c->text[k]))
        k++;
    return k < lim ? k : (size_t)-1;
}

/* The organ of the parent that the line after the parent's names, alone on its line
 * ("BAN THƯỜNG VỤ" under "HIỆP HỘI CÔNG CHỨNG VIÊN VIỆT NAM"): its name as written in
 * parent_organs (rules/header.yaml), owned; NULL when the line is no such organ. */
static char *parent_organ(const ctx_t *c, const lw_fact *parent)
{
    size_t k = line_after_parent(c, parent);
    if (k == (size_t)-1)
        return NULL;
    size_t e = lw_x_para_end(c, k);
    while (e > k && strchr(" \t*_", c->text[e - 1]))
        e--;
    if (!lw_x_is_upper_line(c->text + k, e - k))
        return NULL;
    char *line = lw_fold_key(c->text + k, e - k);
    char *out = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "parent_organs"), i, v) {
        const char *o = json_string_value(v);
        char *fo = o ? lw_fold_key(o, strlen(o)) : NULL;
        if (line && fo && !strcmp(line, fo) && !out)
            out = strdup(o);
        free(fo);
    }
    free(line);
    return out;
}

/* Whether the line after the parent's opens with the name of a body under it ("BỘ TÀI
 * CHÍNH" / "CỤC THUẾ", "UBND TỈNH LÂM ĐỒNG" / "TRUNG TÂM XÚC TIẾN ..."): the issuer is that
 * body; when it could not be read as one, the parent must not be given in its place. */
static int sub_unit_follows(const ctx_t *c, const lw_fact *parent)
{
    size_t k = line_after_parent(c, parent);
    if (k == (size_t)-1)
        return 0;
    size_t ps = lw_x_para_start(c, k), pe = lw_x_para_end(c, k);
    for (size_t i = lw_x_first_match_at(c, k); i < c->all.n && c->all.v[i].start <= pe; i++)
        if (kind_is(&c->all.v[i], "header.sub_unit") && lw_x_para_start(c, c->all.v[i].start) == ps)
            return 1;
    return 0;
}

/* The province a stamp line names ("Cơ quan: Tỉnh Lâm Đồng"), title case, owned; NULL. */
static char *stamp_province(const ctx_t *c, size_t top)
{
    for (size_t i = 0; i < c->all.n && c->all.v[i].start < top; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "header.stamp"))
            continue;
        lw_span b = grp(r, "body");
        for (size_t j = lw_x_first_match_at(c, b.start); j < c->all.n && c->all.v[j].start < b.end; j++) {
            const raw_match *p = &c->all.v[j];
            if (!kind_is(p, "context.province") || p->end > b.end)
                continue;
            lw_span ps = grp(p, "province");
            return lw_text_title_case(c->text + ps.start, ps.end - ps.start);
        }
    }
    return NULL;
}

/* The issuer from the digital signature's stamp ("Ký bởi: Ủy ban nhân dân tỉnh Quảng
 * Ngãi", "Người ký: Sở Tư pháp" over "Cơ quan: Tỉnh Lâm Đồng"), owned, NULL when none:
 * the first agency named on a stamp line near the top, in full (a province's or a central
 * body, or a province's body completed by the province of the stamp's "Cơ quan:" line).
 * Not on a certified copy ("SAO Y", "BẢN SAO"): its stamp is the copying body's. Stamp
 * lines naming a body that signs what it publishes or copies, not issues (stamp_not_issuer
 * in rules/header.yaml, compared without case or diacritics), are passed over. */
static char *stamp_issuer(const ctx_t *c)
{
    size_t top = c->len < 1500 ? c->len : 1500;
    size_t hn = c->len < 400 ? c->len : 400;
    while (hn > 0 && hn < c->len && ((unsigned char)c->text[hn] & 0xC0) == 0x80)
        hn--; /* whole characters only */
    char *head = lw_fold_key(c->text, hn);
    int copy = !head || strstr(head, "sao y") || strstr(head, "saoy") || strstr(head, "ban sao");
    free(head); /* out of memory: not known to be no copy */
    if (copy)
        return NULL;
    for (size_t i = 0; i < c->all.n && c->all.v[i].start < top; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "header.stamp"))
            continue;
        lw_span b = grp(r, "body");
        /* the stamp of a body that publishes or copies: passed over, whatever it names */
        char *body = lw_fold_key(c->text + b.start, b.end - b.start);
        int publisher = !body;
        size_t k;
        json_t *v;
        json_array_foreach(lw_ruleset_data(c->rs, "stamp_not_issuer"), k, v) {
            const char *w = json_string_value(v);
            char *fw = w ? lw_fold_key(w, strlen(w)) : NULL;
            publisher |= body && fw && strstr(body, fw) != NULL;
            free(fw);
        }
        free(body);
        if (publisher)
            continue;
        for (size_t j = 0; j < c->x->n; j++) {
            const lw_fact *f = &c->x->facts[j];
            if (strcmp(f->kind, "agency") || f->start < b.start || f->start >= b.end)
                continue;
            const char *name = json_string_value(json_object_get(f->fields, "name"));
            const char *level = json_string_value(json_object_get(f->fields, "level"));
            if (!name)
                continue;
            if (!json_is_null(json_object_get(f->fields, "province")) || (level && !strcmp(level, "central")))
                return strdup(name);
            if (!level || strcmp(level, "province"))
                continue;
            char *prov = stamp_province(c, top);
            if (!prov)
                continue;
            size_t nl = strlen(name);
            int tinh = nl > strlen(" tỉnh") && !strcmp(name + nl - strlen(" tỉnh"), " tỉnh");
            lw_buf out = {0};
            lw_buf_printf(&out, "%s%s%s", name, tinh ? " " : is_city_tw(c, prov) ? " thành phố " : " tỉnh ", prov);
            free(prov);
            return lw_buf_detach(&out, NULL);
        }
    }
    return NULL;
}

/* The end of the signature stamps a scan opens with ("Trung tâm Công báo và Tin học" /
 * "ttcbth@quangngai.gov.vn" / "18.11.2024 07:25:14 +07:00", "Ký bởi: ..."): the end of the
 * last stamp line before the header (its motto, number or place and date), 0 when none.
 * Bodies named there signed, published or copied the document: the header block's issuer
 * is looked for after them (the stamp is read apart, by stamp_issuer). */
static size_t stamp_block_end(const ctx_t *c)
{
    size_t head = c->len < 1500 ? c->len : 1500;
    const char *stops[] = {"header.motto", "header.number", "header.number_line", "header.place_date"};
    for (size_t k = 0; k < 4; k++) {
        const raw_match *r = lw_x_first_of(c, stops[k], head);
        if (r && r->start < head)
            head = r->start;
    }
    size_t end = 0;
    for (size_t i = 0; i < c->all.n && c->all.v[i].start < head; i++)
        if (kind_is(&c->all.v[i], "header.stamp_mark"))
            end = lw_x_para_end(c, c->all.v[i].start);
    return end;
}

/* The issuer: the first agency in the header zone (before the number, the place and
 * date, "Kính gửi" and the national motto), else the body the signer signs for. */
void lw_x_extract_issuer(ctx_t *c)
{
    json_t *h = c->x->header;
    size_t zone = c->len < 800 ? c->len : 800;
    const char *stops[] = {"header.number", "header.place_date", "header.recipients", "header.motto"};
    for (size_t k = 0; k < 4; k++) {
        const raw_match *r = lw_x_first_of(c, stops[k], zone);
        if (r && r->start < zone)
            zone = r->start;
    }
    /* the motto may stand before the issuer in a two-column header flattened by OCR */
    const lw_fact *best = NULL, *sub_joined = NULL;
    size_t stamps = stamp_block_end(c);
    for (size_t i = 0; i < c->x->n; i++) {
        const lw_fact *f = &c->x->facts[i];
        if (strcmp(f->kind, "agency") || f->start >= zone || f->start < stamps)
            continue;
        /* a header names its issuer on a line of its own, near the top */
        size_t ls = lw_x_para_start(c, f->start), nl = 0;
        for (size_t k = 0; k < ls; k++)
            nl += c->text[k] == '\n' && k + 1 < ls && c->text[k + 1] != '\n';
        int alone = 1;
        for (size_t k = ls; k < f->start; k++)
            if (!strchr(" \t*_", c->text[k]))
                alone = 0;
        /* what follows on the line: nothing but markup and a rule ("-------"), or the
         * subordinate's name when unwrapping joined the two header lines ("UBND TỈNH CAO
         * BẰNG SỞ TƯ PHÁP") */
        size_t k = f->end;
        while (k < c->len && strchr(" \t*_", c->text[k]))
            k++;
        const lw_fact *joined = NULL;
        if (k < c->len && c->text[k] != '\n' && c->text[k] != '-' && i + 1 < c->x->n &&
            !strcmp(c->x->facts[i + 1].kind, "agency") && c->x->facts[i + 1].start == k &&
            lw_x_is_upper_line(c->text + f->start, f->end - f->start) &&
            lw_x_is_upper_line(c->text + k, c->x->facts[i + 1].end - k)) {
            joined = &c->x->facts[i + 1];
            k = joined->end;
        }
        /* a two-column header flattened by OCR: "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA
         * VIỆT NAM": the motto's column follows the issuer on its line */
        const raw_match *motto = lw_x_first_of(c, "header.motto", c->len);
        int motto_next = motto && motto->start >= k;
        for (size_t j = k; motto_next && j < motto->start; j++)
            if (!strchr(" \t*_-", c->text[j]))
                motto_next = 0;
        if (motto_next && motto->start < c->len && c->text[motto->start] != '\n') {
            size_t e = motto->start;
            while (e < c->len && c->text[e] != '\n')
                e++;
            k = e;
        }
        for (; k < c->len && c->text[k] != '\n'; k++)
            if (!strchr(" \t*_-", c->text[k]))
                alone = 0;
        if (!alone || nl > 12)
            continue;
        best = f;
        sub_joined = joined;
        break;
    }
    /* "UBND TỈNH LÂM ĐỒNG" over "SỞ TƯ PHÁP": the line below the parent names the issuer */
    const lw_fact *sub = sub_joined;
    if (best && !sub) {
        /* the zone ends at the motto, which a two-column header flattened by OCR puts on the
         * parent's line: the next line is looked at up to the number or the place and date */
        size_t sublim = sub_limit(c, best);
        size_t k = best->end;
        while (k < sublim && c->text[k] != '\n')
            k++;
        while (k < sublim && strchr(" \t\n*_", c->text[k]))
            k++;
        for (size_t i = 0; i < c->x->n && k < sublim; i++) {
            const lw_fact *f = &c->x->facts[i];
            if (strcmp(f->kind, "agency") || f->start < k)
                continue;
            size_t e = f->end;
            while (e < c->len && strchr(" \t*_", c->text[e]))
                e++;
            /* "CỤC THUẾ Độc lập - Tự do - Hạnh phúc": the motto's second column after it */
            for (size_t j = lw_x_first_match_at(c, e); j < c->all.n && c->all.v[j].start == e; j++)
                if (kind_is(&c->all.v[j], "header.motto2"))
                    e = lw_x_para_end(c, e);
            int own_line = 1;
            for (size_t j = k; j < f->start; j++)
                if (!strchr(" \t*_", c->text[j]))
                    own_line = 0;
            if (own_line && f->start < sublim && (e == c->len || c->text[e] == '\n') &&
                lw_x_is_upper_line(c->text + f->start, f->end - f->start))
                sub = f;
            break;
        }
    }
    if (best && !sub) {
        char *organ = parent_organ(c, best);
        if (organ) {
            /* "HIỆP HỘI CÔNG CHỨNG VIÊN VIỆT NAM" over "BAN THƯỜNG VỤ": the organ of the parent */
            const char *pname = json_string_value(json_object_get(best->fields, "name"));
            lw_buf b = {0};
            lw_buf_printf(&b, "%s %s", organ, pname ? pname : "");
            free(organ);
            char *name = lw_buf_detach(&b, NULL);
            json_object_set_new(h, "issuer", name ? json_string(name) : json_null());
            free(name);
            return;
        }
    }
    if (best && !sub && sub_unit_follows(c, best))
        best = NULL; /* the parent of an issuer whose name is not known: not the issuer */
    if (!best) {
        char *sn = stamp_issuer(c);
        if (sn) {
            json_object_set_new(h, "issuer", json_string(sn));
            free(sn);
            return;
        }
    }
    if (sub) {
        const char *pname = json_string_value(json_object_get(best->fields, "name"));
        const char *sname = json_string_value(json_object_get(sub->fields, "name"));
        const char *suffix = NULL;
        /* the subordinate's name takes the parent committee's place: "Sở Tư pháp tỉnh Lâm Đồng" */
        if (pname && sname && starts_with(pname, "Ủy ban nhân dân ") && !starts_with(sname, "Ủy ban nhân dân") &&
            json_is_null(json_object_get(sub->fields, "province")) && strchr(pname + strlen("Ủy ban nhân dân "), ' '))
            suffix = pname + strlen("Ủy ban nhân dân ");
        char buf[600];
        snprintf(buf, sizeof buf, "%s%s%s", sname ? sname : "", suffix ? " " : "", suffix ? suffix : "");
        json_object_set_new(h, "issuer", json_string(buf));
        return;
    }
    if (!best) {
        json_t *sg = json_object_get(h, "signer");
        const char *auth = json_string_value(json_object_get(sg, "authority"));
        if (auth && (starts_with(auth, "TM.") || starts_with(auth, "TM "))) {
            for (size_t i = 0; i < c->all.n && !best; i++) {
                const raw_match *r = &c->all.v[i];
                if (!kind_is(r, "header.authority"))
                    continue;
                size_t k = r->start;
                while (k < r->end && strchr(" \t\n*_", c->text[k]))
                    k++;
                if (strncmp(c->text + k, "TM", 2))
                    continue;
                for (size_t j = 0; j < c->x->n; j++) {
                    const lw_fact *f = &c->x->facts[j];
                    if (!strcmp(f->kind, "agency") && f->start >= r->start && f->end <= r->end) {
                        best = f;
                        break;
                    }
                }
            }
        }
    }
    if (!best)
        return;
    const char *name = json_string_value(json_object_get(best->fields, "name"));
    const char *scope = json_string_value(json_object_get(best->rule->set, "scope"));
    size_t nl = name ? strlen(name) : 0;
    int bare_tinh = nl > strlen(" tỉnh") && !strcmp(name + nl - strlen(" tỉnh"), " tỉnh");
    if (bare_tinh && c->province && json_is_null(json_object_get(best->fields, "province")) &&
        !is_city_tw(c, c->province)) {
        /* "Ủy ban nhân dân tỉnh" with its name lost to OCR: the province the document is about */
        char buf[512];
        snprintf(buf, sizeof buf, "%s %s", name, c->province);
        json_object_set_new(h, "issuer", json_string(buf));
    } else if (scope && c->province && json_is_null(json_object_get(best->fields, "province"))) {
        /* "ỦY BAN NHÂN DÂN" under TM.: the province's, named elsewhere in the document */
        char buf[512];
        snprintf(buf, sizeof buf, "%s %s %s", name, scope, c->province);
        json_object_set_new(h, "issuer", json_string(buf));
    } else {
        json_object_set_new(h, "issuer", json_string(name));
    }
}
