/* lw_extract_refs: legal_ref facts (the canonical id of each document cited, symbols typed
 * joined or split read as written, aliases a document defines) and relation facts (what the
 * document does to those it cites, and from when). */
#include "lw_date.h"
#include "lw_extract_ctx.h"
#include "lw_text.h"

/* The canonical symbol of a legal_ref match, with "KH/UBND" (a slash typed for the hyphen,
 * rule set {slash: hyphen}) read as "KH-UBND". Owned, NULL without a symbol. */
static char *ref_symbol(const ctx_t *c, const raw_match *r)
{
    lw_span ss = grp(r, "sym");
    if (ss.start == SIZE_MAX)
        return NULL;
    char *sym = lw_lexicon_symbol(c->lx, c->text + ss.start, ss.end - ss.start);
    if (sym && set_str(r, "slash") && !strcmp(set_str(r, "slash"), "hyphen"))
        for (char *p = sym; *p; p++)
            if (*p == '/')
                *p = '-';
    return sym;
}

/* Every segment of the hyphenated symbols a document writes ("UBND", "KGVX" of
 * "UBND-KGVX"; its own number's too): the vocabulary that says where a hyphen the text
 * layer dropped belongs. Keys in upper case. */
static void note_segments(json_t *seen, const char *sym)
{
    if (!sym || !strchr(sym, '-'))
        return;
    for (const char *p = sym; *p;) {
        size_t n = strcspn(p, "-/");
        if (n) {
            char *up = lw_text_upper(p, n);
            if (up)
                json_object_set_new(seen, up, json_true());
            free(up);
        }
        p += n;
        if (*p)
            p++;
    }
}

static int is_code(const ctx_t *c, const char *seg)
{
    const char *t = lw_lexicon_type_of_symbol(c->lx, seg);
    return t && !strpbrk(seg, "0123456789");
}

/* Whether seg (upper case) is one of refs.yaml's issuer_codes. */
static int is_issuer(const ctx_t *c, const char *seg)
{
    json_t *list = lw_ruleset_data(c->rs, "issuer_codes"), *v;
    size_t i;
    json_array_foreach(list, i, v) {
        if (!json_is_string(v))
            continue;
        char *up = lw_text_upper(json_string_value(v), strlen(json_string_value(v)));
        int same = up && !strcmp(up, seg);
        free(up);
        if (same)
            return 1;
    }
    return 0;
}

/* A symbol that lost its hyphen in the text layer ("UBNDKGVX", "NĐCP", "KHUBND",
 * "TTXTĐTND"): split where the document's own vocabulary makes it certain, that is after an
 * issuer's code it writes elsewhere in a hyphenated symbol (the rest at least two letters),
 * or after a type code followed by a segment the document writes, another type code or a
 * known issuer's code (refs.yaml issuer_codes: "NĐCP" alone is NĐ-CP). After a
 * type code an unknown rest proves nothing: "KHBT" (a fund's own code) stays whole.
 * Returns the canonical split symbol (owned) or NULL. */
static char *split_joined_symbol(const ctx_t *c, const char *sym, json_t *seen)
{
    size_t n = strlen(sym);
    if (n < 4 || strpbrk(sym, "-/.&0123456789"))
        return NULL;
    char *whole = lw_text_upper(sym, n);
    int known = whole && (json_object_get(seen, whole) || is_issuer(c, whole));
    free(whole);
    if (known || is_code(c, sym))
        return NULL;
    for (size_t i = 1; i + 1 < n; i++) {
        if (((unsigned char)sym[i] & 0xC0) == 0x80)
            continue; /* inside a UTF-8 character */
        char p[128], *r = NULL;
        if (i >= sizeof p)
            break;
        memcpy(p, sym, i);
        p[i] = '\0';
        const char *rest = sym + i;
        size_t rchars = 0;
        for (const char *q = rest; *q; q++)
            rchars += ((unsigned char)*q & 0xC0) != 0x80;
        char *pu = lw_text_upper(p, i), *ru = lw_text_upper(rest, strlen(rest));
        int p_seen = pu && json_object_get(seen, pu) != NULL;
        int r_known = ru && (json_object_get(seen, ru) != NULL || is_code(c, ru) || is_issuer(c, ru));
        int p_code = is_code(c, pu ? pu : p);
        int ok = rchars >= 2 && (p_code ? r_known : (p_seen && i >= 2));
        free(pu);
        free(ru);
        if (!ok)
            continue;
        size_t bl = n + 2;
        char *b = malloc(bl);
        if (!b)
            return NULL;
        snprintf(b, bl, "%s-%s", p, rest);
        r = lw_lexicon_symbol(c->lx, b, strlen(b));
        free(b);
        return r;
    }
    return NULL;
}

/* "Quyết định số 1 2⁄2021/QĐ-T1g": OCR split the number. Digits alone right after "số"
 * and one space before the number belong to it (no document number has a space inside);
 * without "số" before them they are another thing's (a list's "1", a count) and stay out.
 * Takes num (may be NULL) and returns the number to use, owned. */
static char *joined_split_number(const ctx_t *c, const raw_match *r, char *num)
{
    lw_span ns = grp(r, "num");
    if (!num || ns.start == SIZE_MAX || ns.start < 2 || c->text[ns.start - 1] != ' ')
        return num;
    size_t b = ns.start - 1;
    while (b > 0 && isdigit((unsigned char)c->text[b - 1]))
        b--;
    size_t nd = ns.start - 1 - b;
    if (!nd || nd > 4)
        return num;
    size_t w = b;
    while (w > 0 && (c->text[w - 1] == ' ' || c->text[w - 1] == ':'))
        w--;
    size_t so = strlen("số");
    if (w < so || w == b || strncmp(c->text + w - so, "số", so) ||
        (w > so && isalpha((unsigned char)c->text[w - so - 1])))
        return num;
    char *j = malloc(nd + strlen(num) + 1);
    if (!j)
        return num; /* the number as read: out of memory here loses no reference */
    memcpy(j, c->text + b, nd);
    strcpy(j + nd, num);
    free(num);
    return j;
}

void lw_x_build_legal_refs(ctx_t *c)
{
    json_t *seen = json_object();
    if (c->own_id) {
        const char *s = strrchr(c->own_id, '/');
        note_segments(seen, s ? s + 1 : c->own_id);
    }
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "legal_ref"))
            continue;
        char *sym = ref_symbol(c, r);
        note_segments(seen, sym);
        free(sym);
    }
    for (size_t i = 0; i < c->all.n; i++) {
        raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "legal_ref"))
            continue;
        if (c->header_num_end > c->header_num_start && r->start < c->header_num_end &&
            r->end > c->header_num_start)
            continue; /* the document's own number is header, not a reference */
        const char *type = set_str(r, "type");
        lw_span ts = grp(r, "type");
        if (ts.start != SIZE_MAX) {
            const char *t = lw_lexicon_type(c->lx, c->text + ts.start, ts.end - ts.start);
            if (t)
                type = t;
        }
        char *num = lw_x_grp_str(c, r, "num");
        num = joined_split_number(c, r, num);
        int year = lw_x_grp_int(c, r, "year");
        char *sym = ref_symbol(c, r);
        if (sym) {
            char *split = split_joined_symbol(c, sym, seen);
            if (split) {
                free(sym);
                sym = split;
            }
        }
        int party = set_str(r, "form") && !strcmp(set_str(r, "form"), "party");
        if (num && sym && c->own_id) {
            /* "Kèm theo Quyết định số 779/QĐ-UBND", a title line: the document names itself */
            char *id = lw_make_id(num, year, sym, party);
            int own = id && !strcasecmp(id, c->own_id);
            free(id);
            if (own) {
                free(num);
                free(sym);
                continue;
            }
        }
        json_t *f = json_object();
        if (!type && sym)
            type = lw_lexicon_type_of_symbol(c->lx, sym);
        if (!type && sym)
            type = "Công văn";
        char *id = (num && sym) ? lw_make_id(num, year, sym, party) : NULL;
        json_object_set_new(f, "type", type ? json_string(type) : json_null());
        if (num) {
            const char *n = num;
            while (*n == '0' && isdigit((unsigned char)n[1]))
                n++;
            json_object_set_new(f, "number", json_string(n));
        } else {
            json_object_set_new(f, "number", json_null());
        }
        json_object_set_new(f, "year", year > 0 ? json_integer(year) : json_null());
        json_object_set_new(f, "symbol", sym ? json_string(sym) : json_null());
        json_object_set_new(f, "id", id ? json_string(id) : json_null());
        char *title = lw_x_grp_str(c, r, "title");
        json_object_set_new(f, "title", title ? json_string(title) : json_null());
        free(title);
        lw_date d;
        int bad;
        if (lw_x_get_date(c, r, "d", "m", "y", &d, &bad)) {
            char iso[11];
            json_object_set_new(f, "date", json_string(lw_date_iso(d, iso)));
            if (year > 0 && year != d.y && !party)
                json_object_set_new(f, "year_mismatch", json_true());
        } else {
            json_object_set_new(f, "date", json_null());
            if (bad)
                lw_x_warn(c, r->start, "ngày không hợp lệ trong trích dẫn văn bản (impossible date in a reference)");
        }
        char *pin = lw_x_grp_str(c, r, "pin");
        json_object_set_new(f, "pinpoint", pin ? json_string(pin) : json_null());
        free(pin);
        add_fact(c, "legal_ref", r->rule, r->start, r->end, f);
        free(num);
        free(sym);
        free(id);
    }
    json_decref(seen);
}

/* "(sau đây gọi tắt là X)": later mentions of X are the reference just before it. */
void lw_x_resolve_aliases(ctx_t *c)
{
    size_t nfacts = c->x->n;
    for (size_t i = 0; i < c->all.n; i++) {
        raw_match *r = &c->all.v[i];
        if (!kind_is(r, "alias"))
            continue;
        lw_span as = grp(r, "alias");
        if (as.start == SIZE_MAX || as.end - as.start < 2)
            continue;
        /* the reference it names: the last legal_ref with an id before the alias */
        json_t *target = NULL; /* fields of the target; held by reference: add_fact moves facts */
        for (size_t k = 0; k < nfacts; k++) {
            const lw_fact *f = &c->x->facts[k];
            if (!strcmp(f->kind, "legal_ref") && f->end <= r->start && json_is_string(json_object_get(f->fields, "id")))
                target = f->fields;
        }
        if (!target)
            continue;
        json_incref(target);
        size_t alen = as.end - as.start;
        const char *alias = c->text + as.start;
        /* an alias that is itself a full reference is found by the reference rules */
        int covered = 0;
        for (size_t k = 0; k < nfacts; k++) {
            const lw_fact *f = &c->x->facts[k];
            if (!strcmp(f->kind, "legal_ref") && f->start <= as.start && f->end >= as.end)
                covered = 1;
        }
        if (covered) {
            json_decref(target);
            continue;
        }
        for (const char *p = c->text + as.end; (p = strstr(p, "")) && p < c->text + c->len;) {
            const char *hit = NULL;
            for (const char *q = p; q + alen <= c->text + c->len; q++) {
                if (!strncasecmp(q, alias, alen)) {
                    hit = q;
                    break;
                }
            }
            if (!hit)
                break;
            size_t hs = (size_t)(hit - c->text), he = hs + alen;
            int inside = 0;
            for (size_t k = 0; k < nfacts; k++) {
                const lw_fact *f = &c->x->facts[k];
                if (!strcmp(f->kind, "legal_ref") && f->start < he && f->end > hs)
                    inside = 1;
            }
            if (!inside) {
                json_t *f = json_deep_copy(target);
                json_object_set_new(f, "alias", json_true());
                add_fact(c, "legal_ref", r->rule, hs, he, f);
            }
            p = hit + alen;
        }
        json_decref(target);
    }
}

int lw_x_cmp_fact(const void *a, const void *b)
{
    const lw_fact *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return strcmp(x->kind, y->kind);
}

static const char *ref_id(const lw_fact *f)
{
    return json_string_value(json_object_get(f->fields, "id"));
}

static int crosses(const ctx_t *c, size_t a, size_t b, const char *stops)
{
    for (size_t i = a; i < b && i < c->len; i++)
        if (strchr(stops, c->text[i]))
            return 1;
    return 0;
}

static void add_relation(ctx_t *c, const raw_match *r, const char *type, const char *from, const char *to,
                         const char *since, json_t *seen)
{
    if (!to || (from && !strcasecmp(from, to)))
        return;
    char key[600];
    snprintf(key, sizeof key, "%s|%s|%s", type, from ? from : "", to);
    if (json_object_get(seen, key))
        return;
    json_object_set_new(seen, key, json_true());
    json_t *f = json_pack("{s:s,s:o,s:s}", "type", type, "from", from ? json_string(from) : json_null(), "to", to);
    if (f && since)
        json_object_set_new(f, "since", json_string(since));
    add_fact(c, "relation", r->rule, r->start, r->end, f);
}

/* The index of the first of the n first facts (x->facts, sorted by start up to n: the
 * relations built are appended after them) that starts at or after pos. */
static size_t first_fact_at(const lw_extraction *x, size_t n, size_t pos)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->facts[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Where the sentence holding pos starts: its paragraph's start, or just after the last ';' or
 * ". " before an upper-case letter (any non-ASCII byte counts as one), at most 1000 bytes
 * back. */
static size_t sentence_start(const ctx_t *c, size_t pos)
{
    size_t ps = lw_x_para_start(c, pos), lim = pos > 1000 ? pos - 1000 : 0;
    if (ps < lim)
        ps = lim;
    for (size_t i = pos; i > ps; i--) {
        char ch = c->text[i - 1];
        if (ch == ';')
            return i;
        if (ch == '.' && i < c->len && c->text[i] == ' ' && i + 1 < c->len &&
            ((c->text[i + 1] >= 'A' && c->text[i + 1] <= 'Z') || (unsigned char)c->text[i + 1] >= 0x80))
            return i + 1;
    }
    return ps;
}

/* Where the sentence holding pos ends: its paragraph's end, or the first ';' or ". " before
 * an upper-case letter, at most 1000 bytes on. */
static size_t sentence_end(const ctx_t *c, size_t pos)
{
    size_t pe = lw_x_para_end(c, pos), lim = c->len - pos > 1000 ? pos + 1000 : c->len;
    if (pe > lim)
        pe = lim;
    for (size_t i = pos; i < pe; i++) {
        char ch = c->text[i];
        if (ch == ';')
            return i;
        if (ch == '.' && i + 2 < c->len && c->text[i + 1] == ' ' &&
            ((c->text[i + 2] >= 'A' && c->text[i + 2] <= 'Z') || (unsigned char)c->text[i + 2] >= 0x80))
            return i;
    }
    return pe;
}

/* What comes before a trigger on its line: 0 words, 1 nothing but list marks ("1.", "a)",
 * "-"), 2 an article's number ("Điều 2."): the document's own act in a normative text. */
static int opening_of(const ctx_t *c, size_t pos)
{
    static const char article[] = "Điều";
    const char *p = c->text + lw_x_para_start(c, pos), *e = c->text + pos;
    int kind = 1;
    while (p < e && strchr(" \t*-+", *p))
        p++;
    if ((size_t)(e - p) > sizeof article - 1 && !strncmp(p, article, sizeof article - 1)) {
        p += sizeof article - 1;
        while (p < e && *p == ' ')
            p++;
        if (p == e || *p < '0' || *p > '9')
            return 0;
        while (p < e && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')))
            p++;
        if (p < e && (*p == '.' || *p == ':'))
            p++;
        kind = 2;
    } else if (p < e && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z' && p + 1 < e && p[1] == ')'))) {
        while (p < e && ((*p >= '0' && *p <= '9') || *p == '.'))
            p++;
        if (p < e && *p >= 'a' && *p <= 'z')
            p++;
        if (p < e && (*p == ')' || *p == '.'))
            p++;
    }
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    return p == e ? kind : 0;
}

/* Whether a context.self match ("Thông tư này", "ban hành Nghị định sửa đổi") lies in
 * [from, to); its start in *at. */
static int self_between(const ctx_t *c, size_t from, size_t to, size_t *at)
{
    int found = 0;
    for (size_t i = lw_x_first_match_at(c, from); i < c->all.n && c->all.v[i].start < to; i++)
        if (!c->all.v[i].dropped && kind_is(&c->all.v[i], "context.self") && c->all.v[i].end <= to) {
            *at = c->all.v[i].start;
            found = 1;
        }
    return found;
}

/* The date of a context.in_force match in [from, to) ("có hiệu lực thi hành từ ngày …"), ISO
 * into buf; NULL when none. */
static const char *in_force_between(const ctx_t *c, size_t from, size_t to, char buf[11])
{
    for (size_t i = lw_x_first_match_at(c, from); i < c->all.n && c->all.v[i].start < to; i++) {
        const raw_match *r = &c->all.v[i];
        lw_date d;
        int bad;
        if (!r->dropped && kind_is(r, "context.in_force") && r->end <= to &&
            (lw_x_get_date(c, r, "d", "m", "y", &d, &bad) || lw_x_get_date(c, r, "d2", "m2", "y2", &d, &bad)))
            return lw_date_iso(d, buf);
    }
    return NULL;
}

/* The date the document takes effect when it states one (context.in_force right after
 * context.self), ISO into buf; NULL when it does not. */
static const char *own_in_force(const ctx_t *c, char buf[11])
{
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "context.in_force"))
            continue;
        size_t at, from = r->start > 80 ? r->start - 80 : 0;
        if (!self_between(c, from, r->start, &at))
            continue;
        lw_date d;
        int bad;
        if (lw_x_get_date(c, r, "d", "m", "y", &d, &bad) || lw_x_get_date(c, r, "d2", "m2", "y2", &d, &bad))
            return lw_date_iso(d, buf);
    }
    return NULL;
}

/* The first reference with an id in [a, b) among the n first facts, or NULL. */
static const lw_fact *first_ref_in(const ctx_t *c, size_t n, size_t a, size_t b)
{
    for (size_t k = first_fact_at(c->x, n, a); k < n && c->x->facts[k].start < b; k++)
        if (!strcmp(c->x->facts[k].kind, "legal_ref") && ref_id(&c->x->facts[k]) && c->x->facts[k].end <= b)
            return &c->x->facts[k];
    return NULL;
}

/* Whether the paragraph [ps, pe) ends a table row (a bare date, the row's last cell:
 * "01/7/2024"), heads a section of the table ("V. …") or opens with a passive relation ("Được thay thế bởi …", the cell of the
 * row before): a row's document is never looked for past it. */
static int row_bound(const ctx_t *c, size_t ps, size_t pe)
{
    size_t q = ps, digits = 0;
    while (q < pe && strchr(" \t0123456789/.-", c->text[q]))
        digits += c->text[q] >= '0' && c->text[q] <= '9', q++;
    if (q == pe && digits >= 4)
        return 1;
    /* a section heading of the table: "V. LĨNH VỰC BẢO TRỢ XÃ HỘI" */
    for (q = ps; q < pe && strchr("IVX", c->text[q]); q++)
        ;
    if (q > ps && q < pe && c->text[q] == '.')
        return 1;
    q = ps;
    while (q < pe && strchr(" \t*-+", c->text[q]))
        q++;
    for (size_t i = lw_x_first_match_at(c, q); i < c->all.n && c->all.v[i].start == q; i++) {
        const char *dir = set_str(&c->all.v[i], "direction");
        if (!c->all.v[i].dropped && kind_is(&c->all.v[i], "relation") && dir && !strcmp(dir, "passive"))
            return 1;
    }
    return 0;
}

/* In a table of documents (a list of those that ceased to have effect), the row's document
 * is the reference that opens one of the paragraphs before the one at pos (a cell wraps over
 * several; the parts of it that ceased may sit between), back to the end of the row before. */
static const lw_fact *row_subject(const ctx_t *c, size_t n, size_t pos)
{
    size_t p = lw_x_para_start(c, pos), lim = pos > 2500 ? pos - 2500 : 0;
    for (int back = 0; back < 12 && p > lim; back++) {
        size_t ps = lw_x_para_start(c, p - 1);
        if (row_bound(c, ps, p - 1))
            return NULL;
        size_t q = ps;
        while (q < p && strchr(" \t*-+0123456789.", c->text[q]))
            q++;
        const lw_fact *f = first_ref_in(c, n, q, p);
        if (f && f->start == q)
            return f;
        p = ps;
    }
    return NULL;
}

/* Whether the words right before pos name a type with no number ("Nghị định sửa đổi ...",
 * "Thông tư thay thế ..."): an unnamed document, often a draft in a programme, is the subject
 * of the relation, not a reference further back. Types from lexicon.yaml (doc_types). */
static int bare_type_before(const ctx_t *c, size_t pos)
{
    size_t e = pos;
    while (e > 0 && c->text[e - 1] == ' ')
        e--;
    size_t i;
    json_t *t;
    json_array_foreach(lw_ruleset_data(c->rs, "doc_types"), i, t) {
        const char *name = json_string_value(json_object_get(t, "name"));
        size_t n = name ? strlen(name) : 0;
        if (!n || n > e)
            continue;
        const char *p = c->text + e - n;
        /* the type as written, or with a lower-case first letter mid-sentence */
        if (!strncmp(p, name, n) || (tolower((unsigned char)p[0]) == tolower((unsigned char)name[0]) &&
                                     !strncmp(p + 1, name + 1, n - 1)))
            if (e == n || !isalnum((unsigned char)p[-1]))
                return 1;
    }
    return 0;
}

static int has_year(const char *id)
{
    const char *s = id ? strchr(id, '/') : NULL;
    return s && strchr(s + 1, '/');
}

void lw_x_build_relations(ctx_t *c)
{
    size_t nref = c->x->n;
    /* the facts are sorted by start: a relation looks only at the references that can be
     * within reach of it (the longest reference bounds how early one can start), so that
     * a huge input with many relations stays linear */
    size_t maxlen = 0;
    for (size_t k = 0; k < nref; k++)
        if (!strcmp(c->x->facts[k].kind, "legal_ref") && c->x->facts[k].end - c->x->facts[k].start > maxlen)
            maxlen = c->x->facts[k].end - c->x->facts[k].start;
    char since_buf[11];
    const char *since = own_in_force(c, since_buf);
    json_t *seen = json_object();
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "relation"))
            continue;
        const char *type = set_str(r, "type");
        const char *dir = set_str(r, "direction");
        if (!type)
            continue;
        const lw_fact *prev = NULL, *next = NULL, *far_next = NULL;
        size_t ss = sentence_start(c, r->start), at = 0;
        size_t lo = r->start > 300 + maxlen ? r->start - 300 - maxlen : 0;
        for (size_t k = first_fact_at(c->x, nref, lo); k < nref && c->x->facts[k].start < r->end + 400; k++) {
            const lw_fact *f = &c->x->facts[k];
            if (strcmp(f->kind, "legal_ref") || !ref_id(f))
                continue;
            if (f->end <= r->start && r->start - f->end < 300 && !crosses(c, f->end, r->start, "\n;") &&
                f->start >= ss)
                prev = f;
            if (!far_next && f->start >= r->end && !crosses(c, r->end, f->start, "\n;"))
                far_next = f;
            if (!next && f->start >= r->end && f->start - r->end < 120 && !crosses(c, r->end, f->start, "\n;"))
                next = f;
        }
        /* the document's own act: a sentence that names the document itself before the
         * trigger (and after any other reference), or an article that opens with it */
        int opening = prev ? 0 : opening_of(c, r->start); /* only asked without a reference before */
        int self = (self_between(c, ss, r->start, &at) && (!prev || prev->end <= at)) ||
                   (!prev && (opening == 2 || (opening == 1 && has_year(c->own_id))));
        if (dir && !strcmp(dir, "document")) {
            /* "Căn cứ ...", "Thực hiện ...": the document implements every reference of
             * the paragraph that opens right after the trigger */
            if (!next || next->start - r->end > 40)
                continue;
            size_t pe = lw_x_para_end(c, r->end);
            for (size_t k = first_fact_at(c->x, nref, r->end); k < nref && c->x->facts[k].start < pe; k++) {
                const lw_fact *f = &c->x->facts[k];
                if (!strcmp(f->kind, "legal_ref") && ref_id(f) && f->start >= r->end && f->end <= pe)
                    add_relation(c, r, type, c->own_id, ref_id(f), NULL, seen);
            }
        } else if (dir && !strcmp(dir, "passive")) {
            if (!prev && opening)
                prev = row_subject(c, nref, r->start);
            if (prev && next)
                add_relation(c, r, type, ref_id(next), ref_id(prev), NULL, seen);
        } else if (dir && !strcmp(dir, "to_only")) {
            if (next)
                add_relation(c, r, type, NULL, ref_id(next), NULL, seen);
        } else if (dir && !strcmp(dir, "ceases")) {
            /* "X hết hiệu lực kể từ ngày Nghị định này có hiệu lực", "Kể từ ngày Nghị định
             * này có hiệu lực, X hết hiệu lực": X is the sentence's first reference; "Các văn
             * bản sau hết hiệu lực …:" lists them in the items that follow */
            const lw_fact *x = first_ref_in(c, nref, ss, sentence_end(c, r->end));
            if (x)
                add_relation(c, r, type, c->own_id, ref_id(x), since, seen);
            else
                for (size_t p = lw_x_para_end(c, r->end), n = 0; p < c->len && n < 20; n++) {
                    size_t ps = p + 1, pe = lw_x_para_end(c, ps);
                    size_t q = ps;
                    while (q < pe && strchr(" \t*-+0123456789.)", c->text[q]))
                        q++;
                    if (q < pe && q + 1 < pe && c->text[q + 1] == ')' && c->text[q] >= 'a' && c->text[q] <= 'z')
                        q += 2; /* "a) " */
                    while (q < pe && c->text[q] == ' ')
                        q++;
                    const lw_fact *item = q > ps ? first_ref_in(c, nref, q, pe) : NULL;
                    if (!item || item->start != q)
                        break;
                    add_relation(c, r, type, c->own_id, ref_id(item), since, seen);
                    p = pe;
                }
        } else if (self && far_next && (strcmp(type, "replaces") || (next && next->start - r->end <= 30))) {
            /* an amendment may name its target after the parts it amends ("Sửa đổi, bổ sung
             * một số điều về ... tại Thông tư số ..."); a replacement names it at once */
            add_relation(c, r, type, c->own_id, ref_id(far_next), since, seen);
        } else if ((!dir || strcmp(dir, "self")) && prev && next && !bare_type_before(c, r->start)) {
            /* "Y …, có hiệu lực thi hành từ 26/11/2024, thay thế X": the date Y took effect */
            char ybuf[11];
            add_relation(c, r, type, ref_id(prev), ref_id(next), in_force_between(c, prev->end, r->start, ybuf), seen);
        }
    }
    json_decref(seen);
}
