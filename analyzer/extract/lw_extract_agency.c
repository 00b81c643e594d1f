/* lw_extract_agency: agency facts. Each name as written, in a canonical form (lexicon
 * expansions, place names, sentence case), the short names a document defines for an agency,
 * copy stamps and symbols left out; then each one's role (issuer, recipient, distribution,
 * mentioned). */
#include "lw_extract_ctx.h"
#include "lw_fold.h"
#include "lw_text.h"

static char *place_name(const ctx_t *c, lw_span pl)
{
    char *p = lw_text_clean(c->text + pl.start, pl.end - pl.start);
    if (!p || !lw_x_is_upper_line(p, strlen(p)))
        return p;
    char *low = lw_fold_case(p, strlen(p));
    free(p);
    if (!low)
        return NULL;
    json_t *words = lw_ruleset_data(c->rs, "admin_unit_words");
    size_t unit_len = 0, i;
    json_t *w;
    json_array_foreach(words, i, w) {
        const char *u = json_string_value(w);
        size_t n = u ? strlen(u) : 0;
        if (n > unit_len && !strncmp(low, u, n) && low[n] == ' ')
            unit_len = n;
    }
    char *rest = lw_text_title_case(low + unit_len, strlen(low + unit_len));
    lw_buf b = {0};
    lw_buf_append(&b, low, unit_len);
    lw_buf_printf(&b, "%s%s", unit_len && rest && rest[0] != ' ' ? " " : "", rest ? rest : "");
    free(rest);
    free(low);
    return lw_buf_detach(&b, NULL);
}

/* The key names of bodies are compared by: no case, no diacritics, only letters and digits,
 * and "và" left out ("Văn hóa - Thể thao và Du lịch" is "Văn hóa, Thể thao và Du lịch";
 * "Tài nguyên Môi trường" is "Tài nguyên và Môi trường"). Owned, NULL when out of memory. */
static char *agency_key(const char *s)
{
    char *f = lw_fold_key(s, strlen(s));
    if (!f)
        return NULL;
    size_t w = 0, i = 0;
    while (f[i]) {
        if (!isalnum((unsigned char)f[i])) {
            i++;
            continue;
        }
        size_t st = i;
        while (f[i] && isalnum((unsigned char)f[i]))
            i++;
        if (i - st == 2 && f[st] == 'v' && f[st + 1] == 'a')
            continue;
        memmove(f + w, f + st, i - st);
        w += i - st;
    }
    f[w] = '\0';
    return f;
}

/* The entry of the string list `list` (a data section) whose key equals s's, or NULL. */
static const char *agency_lookup(const ctx_t *c, const char *list, const char *s)
{
    char *key = agency_key(s);
    const char *hit = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, list), i, v) {
        const char *cn = json_string_value(v);
        char *ck = cn && key ? agency_key(cn) : NULL;
        int same = ck && !strcmp(ck, key);
        free(ck);
        if (same) {
            hit = cn;
            break;
        }
    }
    free(key);
    return hit;
}

/* A name's words with agency_abbrev written out ("Hội LHPN" -> "Hội Liên hiệp Phụ nữ") and
 * dashes made hyphens between spaces ("Văn hóa – Xã hội" -> "Văn hóa - Xã hội"). Owned. */
static char *agency_expand(const ctx_t *c, const char *s)
{
    json_t *abbr = lw_ruleset_data(c->rs, "agency_abbrev");
    lw_buf b = {0};
    const char *p = s;
    while (*p) {
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t n = (size_t)(p - w);
        const char *full = NULL;
        if (json_is_object(abbr) && n < 64) {
            char word[64];
            memcpy(word, w, n);
            word[n] = '\0';
            full = json_string_value(json_object_get(abbr, word));
        }
        if (full)
            lw_buf_append(&b, full, strlen(full));
        else if (n == 3 && (!memcmp(w, "\xE2\x80\x93", 3) || !memcmp(w, "\xE2\x80\x94", 3)))
            lw_buf_putc(&b, '-'); /* – or — standing alone */
        else
            lw_buf_append(&b, w, n);
        while (*p == ' ')
            lw_buf_putc(&b, *p++);
    }
    char *r = lw_buf_detach(&b, NULL);
    return r ? r : strdup("");
}

/* Upper case for the first letter of s (in place when it is ASCII or a two-byte letter that
 * keeps its length upper-cased; else a new string). Owned: takes s. */
static char *upper_first(char *s)
{
    if (!s || !*s)
        return s;
    size_t l = 1;
    while (s[l] && ((unsigned char)s[l] & 0xC0) == 0x80)
        l++;
    char *u = lw_text_upper(s, l);
    if (!u)
        return s;
    lw_buf b = {0};
    lw_buf_printf(&b, "%s%s", u, s + l);
    free(u);
    char *r = lw_buf_detach(&b, NULL);
    if (!r)
        return s;
    free(s);
    return r;
}

/* Sentence case: a name written in capitals ("TRUNG TÂM XÚC TIẾN") keeps only its first
 * letter upper. Owned: takes s. */
static char *sentence_case(char *s)
{
    char *low = lw_fold_case(s, strlen(s));
    if (!low)
        return s;
    free(s);
    return upper_first(low);
}

/* The part of a name a rule's group gives, in its canonical spelling. Owned. */
static char *agency_part(const ctx_t *c, lw_span sp, int caps_source)
{
    char *t = lw_text_clean(c->text + sp.start, sp.end - sp.start);
    if (!t)
        return NULL;
    char *x = agency_expand(c, t);
    free(t);
    if (!x)
        return NULL;
    const char *known = agency_lookup(c, "agency_names", x);
    if (known) {
        free(x);
        return strdup(known);
    }
    if (caps_source && lw_x_is_upper_line(x, strlen(x)))
        x = sentence_case(x);
    return x;
}

/* An abbreviation inside a document's symbol ("565/TB-UBND", "04/2021/TT-BTP"): a name must
 * stand in running text. A name written out may follow a hyphen ("XLVPHC&TDTHPL-Bộ Tư pháp"). */
static int inside_symbol(const ctx_t *c, const raw_match *r)
{
    if (r->start < 2)
        return 0;
    unsigned char p = (unsigned char)c->text[r->start - 1], q = (unsigned char)c->text[r->start - 2];
    if (!((p == '-' || p == '/') && (isalnum(q) || q >= 0x80)))
        return 0;
    /* one word opening in capitals: "UBND", "BTP", "TTg" */
    for (size_t i = r->start; i < r->end; i++)
        if (isspace((unsigned char)c->text[i]))
            return 0;
    char *first = lw_text_upper(c->text + r->start, 1);
    int cap = first && first[0] == c->text[r->start];
    free(first);
    return cap || (unsigned char)c->text[r->start] >= 0x80;
}

/* The stamp of an electronic signature that a copying service put on a scan ("Trung tâm Công
 * báo và Tin học / ttcbth@quangngai.gov.vn / 18.11.2024 07:25:14"): the service that signed the
 * copy, not a body the document names (nor its issuer). Told by the service's address (an '@'
 * or ".vn") and the time of signing ("hh:mm:ss") within the next three lines; the stamp of the
 * signer ("Ký bởi: …", "Bộ Công an / Thời gian ký: …") has no address and names the issuer. */
static int in_copy_stamp(const ctx_t *c, const raw_match *r)
{
    /* the line and the one before it, at most 160 bytes back (a text of one line has no stamp) */
    size_t ls = r->start;
    int back = 0;
    /* the line before and this one, at most 160 bytes back: a stamp's lines are short, and a
     * document of one long line must not be read again for every name in it */
    while (ls > 0 && back < 2 && r->start - ls < 160) {
        if (c->text[ls - 1] == '\n')
            back++;
        if (back < 2)
            ls--;
    }
    for (size_t i = ls; i + 7 < r->start; i++)
        if (!strncmp(c->text + i, "Ký bởi", strlen("Ký bởi")) || !strncmp(c->text + i, "Cơ quan:", strlen("Cơ quan:")))
            return 0;
    int lines = 0, address = 0, time = 0;
    for (size_t i = r->end; i + 8 <= c->len && lines <= 3 && i < r->end + 240; i++) {
        const char *t = c->text + i;
        if (*t == '\n')
            lines++;
        if (*t == '@' || (t[0] == '.' && t[1] == 'v' && t[2] == 'n' && !isalnum((unsigned char)t[3])))
            address = 1;
        if (isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) && t[2] == ':' && isdigit((unsigned char)t[3]) &&
            isdigit((unsigned char)t[4]) && t[5] == ':' && isdigit((unsigned char)t[6]) && isdigit((unsigned char)t[7]))
            time = 1;
    }
    return address && time;
}

/* "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch (Trung tâm)", "thành lập đoàn Luật sư tỉnh Lâm
 * Đồng (sau đây viết tắt là Đoàn Luật sư)": the short name (rule kind agency.alias, group alias)
 * that a document gives the body just before it, opening with the same word. Later mentions of
 * the short name, as written, are that body: a fact that reads just them takes its name ("Đoàn
 * Luật sư" is no longer any province's bar), and the others become facts. Not a plural ("các
 * Đoàn Luật sư"), nor the start of a longer name ("Trung tâm Y tế"). */
/* The first of the facts [lo, hi), in order of start, that starts at pos or after. */
static size_t fact_at(const ctx_t *c, size_t lo, size_t hi, size_t pos)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->x->facts[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void agency_aliases(ctx_t *c, size_t first_fact)
{
    /* the agency facts so far are in order of start (lw_x_build_agencies adds them so) */
    size_t nfacts = c->x->n;
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "agency.alias"))
            continue;
        lw_span as = grp(r, "alias");
        if (as.start == SIZE_MAX)
            continue;
        size_t alen = as.end - as.start;
        const char *alias = c->text + as.start;
        /* the body just before the parenthesis */
        const lw_fact *target = NULL;
        size_t k0 = fact_at(c, first_fact, nfacts, r->start);
        for (size_t k = k0; k > first_fact && k + 4 > k0 && !target; k--) {
            const lw_fact *f = &c->x->facts[k - 1];
            if (strcmp(f->kind, "agency") || f->end > r->start)
                continue;
            size_t g = f->end;
            while (g < r->start && isspace((unsigned char)c->text[g]))
                g++;
            if (g == r->start)
                target = f;
        }
        if (!target)
            continue;
        /* its mentions run to the next definition of the same short name */
        size_t until = c->len;
        for (size_t j = i + 1; j < c->all.n; j++) {
            const raw_match *q = &c->all.v[j];
            lw_span qs = kind_is(q, "agency.alias") ? grp(q, "alias") : (lw_span){SIZE_MAX, SIZE_MAX};
            if (qs.start != SIZE_MAX && qs.end - qs.start == alen && !memcmp(c->text + qs.start, alias, alen)) {
                until = q->start;
                break;
            }
        }
        const char *tname = json_string_value(json_object_get(target->fields, "name"));
        /* the same first word ("Trung tâm" … / "Trung tâm") */
        size_t w1 = 0;
        while (w1 < alen && alias[w1] != ' ' && alias[w1] != '\n')
            w1++;
        char *ka = lw_fold_case(alias, w1);
        char *kt = tname ? lw_fold_case(tname, strlen(tname)) : NULL;
        /* shorter than the name it stands for ("(Bộ Tài chính)" after "Cục …" is a name) */
        int same = ka && kt && alen < strlen(tname) && !strncmp(kt, ka, strlen(ka)) && kt[strlen(ka)] == ' ';
        free(ka);
        free(kt);
        if (!same)
            continue;
        json_t *tfields = json_deep_copy(target->fields);
        if (!tfields)
            continue;
        json_object_del(tfields, "role");
        for (size_t pos = as.start; pos + alen <= until;) {
            const char *hit = NULL;
            for (const char *q = c->text + pos; q + alen <= c->text + until && !hit; q++)
                if (*q == *alias && !memcmp(q, alias, alen))
                    hit = q;
            if (!hit)
                break;
            size_t hs = (size_t)(hit - c->text), he = hs + alen;
            pos = he;
            unsigned char prev = hs ? (unsigned char)c->text[hs - 1] : ' ';
            if (isalnum(prev) || prev >= 0x80 || (he < c->len && (isalnum((unsigned char)c->text[he]) ||
                                                                   (unsigned char)c->text[he] >= 0x80)))
                continue; /* inside a word */
            if (hs >= strlen("các ") && !strncasecmp(c->text + hs - strlen("các "), "các ", strlen("các ")))
                continue;
            /* the next word in capitals: a longer name ("Trung tâm Y tế") */
            size_t nx = he;
            while (nx < c->len && (c->text[nx] == ' ' || c->text[nx] == '\t'))
                nx++;
            if (nx > he && nx < c->len) {
                size_t l = 1;
                while (nx + l < c->len && ((unsigned char)c->text[nx + l] & 0xC0) == 0x80)
                    l++;
                char *up = lw_text_upper(c->text + nx, l);
                int cap = up && !strncmp(up, c->text + nx, l) && (isalpha((unsigned char)c->text[nx]) ||
                                                                  (unsigned char)c->text[nx] >= 0xC3);
                free(up);
                if (cap)
                    continue;
            }
            /* a fact that reads just the short name takes the body's name; one that reads more is
             * another body (names are under 400 bytes: look back that far) */
            lw_fact *exact = NULL;
            int inside = 0;
            for (size_t k = fact_at(c, first_fact, nfacts, hs > 400 ? hs - 400 : 0); k < nfacts; k++) {
                lw_fact *f = &c->x->facts[k];
                if (f->start >= he)
                    break;
                if (strcmp(f->kind, "agency") || f->end <= hs)
                    continue;
                if (f->start == hs && f->end <= he + strlen(" tỉnh"))
                    exact = f;
                else
                    inside = 1;
            }
            if (inside)
                continue;
            if (exact) {
                exact->rule = r->rule;
                json_object_set(exact->fields, "name", json_object_get(tfields, "name"));
                json_object_set(exact->fields, "level", json_object_get(tfields, "level"));
                json_object_set(exact->fields, "province", json_object_get(tfields, "province"));
                continue;
            }
            json_t *nf = json_deep_copy(tfields);
            if (nf) {
                json_object_set_new(nf, "alias", json_true());
                add_fact(c, "agency", r->rule, hs, he, nf);
            }
        }
        json_decref(tfields);
    }
}

/* A name's agency_key and the name (borrowed from its fact), sorted by key. */
typedef struct {
    char *key;
    const char *name;
} key_name;

static int cmp_key_name(const void *a, const void *b)
{
    return strcmp(((const key_name *)a)->key, ((const key_name *)b)->key);
}

void lw_x_build_agencies(ctx_t *c)
{
    size_t first_fact = c->x->n;
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "agency") || inside_symbol(c, r) || in_copy_stamp(c, r))
            continue;
        const char *name = set_str(r, "name");
        char *owned = NULL;
        lw_span ns = grp(r, "name");
        /* the whole match in capitals: a header's line */
        int caps = lw_x_is_upper_line(c->text + r->start, r->end - r->start);
        if (!name && ns.start != SIZE_MAX) {
            /* prefix ("Bộ", "Sở", or the head as written: "Cục", "Tổng cục") + the name as
             * written, in its canonical spelling */
            char *t = agency_part(c, ns, caps);
            if (t && set_str(r, "capital"))
                t = upper_first(t);
            const char *prefix = set_str(r, "prefix");
            char *head = NULL;
            lw_span hs = grp(r, "head");
            if (!prefix && hs.start != SIZE_MAX) {
                char *h = lw_text_clean(c->text + hs.start, hs.end - hs.start);
                const char *hk = h ? agency_lookup(c, "agency_heads", h) : NULL;
                head = hk ? strdup(hk) : (h ? sentence_case(h) : NULL);
                if (hk)
                    free(h);
                prefix = head;
            }
            lw_buf b = {0};
            lw_buf_printf(&b, "%s%s%s", prefix ? prefix : "", prefix ? " " : "", t ? t : "");
            free(t);
            free(head);
            /* the ministry a department belongs to, when it is named next: part of the
             * department's name ("Vụ Pháp chế, Bộ Tư pháp") and a body of its own */
            lw_span ms = grp(r, "ministry"), mh = grp(r, "mhead");
            if (ms.start != SIZE_MAX && mh.start != SIZE_MAX) {
                char *m = agency_part(c, ms, caps);
                lw_buf_printf(&b, ", Bộ %s", m ? m : "");
                lw_buf mb = {0};
                lw_buf_printf(&mb, "Bộ %s", m ? m : "");
                char *mn = lw_buf_detach(&mb, NULL);
                json_t *mf = mn ? json_pack("{s:s,s:n,s:s}", "name", mn, "province", "level", "central") : NULL;
                if (mf)
                    add_fact(c, "agency", r->rule, mh.start, ms.end, mf);
                free(mn);
                free(m);
            }
            owned = lw_buf_detach(&b, NULL);
            name = owned;
        }
        json_t *f = name ? json_object() : NULL;
        if (!f) {
            free(owned);
            continue;
        }
        lw_span ps = grp(r, "province");
        lw_span pl = grp(r, "place");
        lw_span sx = grp(r, "suffix");
        if ((ps.start == SIZE_MAX && has(r, "tinh")) || sx.start != SIZE_MAX) {
            /* "Cục Thuế tỉnh", "Thanh tra huyện": the body of a province or district not named */
            char *word = sx.start != SIZE_MAX ? lw_fold_case(c->text + sx.start, sx.end - sx.start) : NULL;
            lw_buf b = {0};
            lw_buf_printf(&b, "%s %s", name, word ? word : "tỉnh");
            free(word);
            free(owned);
            owned = lw_buf_detach(&b, NULL);
            name = owned;
            if (!name) {
                json_decref(f);
                continue;
            }
        }
        if (ps.start == SIZE_MAX && pl.start != SIZE_MAX) {
            char *p = place_name(c, pl);
            char buf[512];
            snprintf(buf, sizeof buf, "%s %s", name, p);
            json_object_set_new(f, "name", json_string(buf));
            json_object_set_new(f, "province", json_null());
            free(p);
        } else
        if (ps.start != SIZE_MAX) {
            char *pown = lw_text_title_case(c->text + ps.start, ps.end - ps.start);
            const char *p = pown ? pown : ""; /* NULL: out of memory, noted (lw_oom): the extraction fails */
            char buf[512];
            /* "Ủy ban nhân dân tỉnh" + "Bến Tre"; "Sở Tư pháp" + "tỉnh Bến Tre"; a city run
             * by the centre is a "thành phố" (lexicon cities_tw) */
            size_t nl = strlen(name);
            int has_tinh = nl > strlen(" tỉnh") && !strcmp(name + nl - strlen(" tỉnh"), " tỉnh");
            int city = 0;
            size_t ci;
            json_t *cv;
            json_array_foreach(lw_ruleset_data(c->rs, "cities_tw"), ci, cv) city |= json_is_string(cv) && !strcmp(json_string_value(cv), p);
            if (city)
                snprintf(buf, sizeof buf, "%.*s thành phố %s", (int)(has_tinh ? nl - strlen(" tỉnh") : nl), name, p);
            else
                snprintf(buf, sizeof buf, "%s%s%s", name, has_tinh || strstr(name, "thành phố") ? " " : " tỉnh ", p);
            json_object_set_new(f, "name", json_string(buf));
            json_object_set_new(f, "province", json_string(p));
            free(pown);
        } else {
            json_object_set_new(f, "name", json_string(name));
            json_object_set_new(f, "province", json_null());
        }
        const char *level = set_str(r, "level");
        /* a body "tỉnh" or "tỉnh X" of a general form ("Cục Thuế tỉnh") is the province's */
        if ((ps.start != SIZE_MAX || has(r, "tinh")) && (!level || !strcmp(level, "central")))
            level = "province";
        else if (pl.start != SIZE_MAX && (!level || !strcmp(level, "central"))) {
            /* ... or "huyện X": the district's ("Chi cục Thuế huyện Mỹ Tú") */
            char *pk = lw_fold_key(c->text + pl.start, pl.end - pl.start);
            if (pk && (starts_with(pk, "huyen ") || starts_with(pk, "quan ") || starts_with(pk, "thi xa ") ||
                       starts_with(pk, "thanh pho ")))
                level = "district";
            free(pk);
        }
        json_object_set_new(f, "level", level ? json_string(level) : json_null());
        add_fact(c, "agency", r->rule, r->start, r->end, f);
        free(owned);
    }
    /* A name met in capitals (a header's "TỔNG CỤC HẢI QUAN", "TRUNG TÂM XÚC TIẾN ĐẦU TƯ THƯƠNG MẠI
     * VÀ DU LỊCH TỈNH LÂM ĐỒNG") takes the spelling the same name has in the document's running
     * text ("Tổng cục Hải quan", "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch"), compared by
     * agency_key; what follows it ("tỉnh Lâm Đồng") stays. */
    size_t n = c->x->n - first_fact, nk = 0;
    key_name *keys = n ? calloc(n, sizeof *keys) : NULL;
    unsigned char *caps = n ? calloc(n, 1) : NULL;
    if (n && (!keys || !caps)) {
        free(keys);
        free(caps);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        lw_fact *f = &c->x->facts[first_fact + k];
        caps[k] = (unsigned char)lw_x_is_upper_line(c->text + f->start, f->end - f->start);
        const char *nm = json_string_value(json_object_get(f->fields, "name"));
        if (nm && !caps[k] && (keys[nk].key = agency_key(nm)) != NULL)
            keys[nk++].name = nm;
    }
    if (nk)
        qsort(keys, nk, sizeof *keys, cmp_key_name);
    for (size_t k = 0; k < n; k++) {
        if (!caps[k])
            continue;
        json_t *fields = c->x->facts[first_fact + k].fields;
        const char *nm = json_string_value(json_object_get(fields, "name"));
        if (!nm)
            continue;
        /* the longest prefix of the name, ended at a word, that a name of the text spells */
        const char *best = NULL;
        size_t best_len = 0, len = strlen(nm);
        for (size_t e = len; e > 0 && !best && nk; e--) {
            if (e < len && nm[e] != ' ')
                continue;
            char *pre = strndup(nm, e);
            key_name probe = {pre ? agency_key(pre) : NULL, NULL};
            const key_name *hit = probe.key && *probe.key ? bsearch(&probe, keys, nk, sizeof *keys, cmp_key_name) : NULL;
            if (hit) {
                best = hit->name;
                best_len = e;
            }
            free(probe.key);
            free(pre);
        }
        if (best) {
            lw_buf b = {0};
            lw_buf_printf(&b, "%s%s", best, nm + best_len);
            char *nn = lw_buf_detach(&b, NULL);
            if (nn)
                json_object_set_new(fields, "name", json_string(nn));
            free(nn);
        }
    }
    for (size_t k = 0; k < nk; k++)
        free(keys[k].key);
    free(keys);
    free(caps);
    agency_aliases(c, first_fact);
}

/* Roles from the header blocks: issuer, recipient, distribution; else mentioned. */
void lw_x_assign_roles(ctx_t *c, size_t issuer_zone)
{
    const raw_match *kg = lw_x_first_of(c, "header.recipients", c->len);
    size_t kg_s = kg ? kg->start : SIZE_MAX, kg_e = kg ? kg->end : 0;
    if (kg) {
        size_t e = kg_e;
        json_decref(lw_x_list_after(c, kg->end, &e));
        kg_e = e;
    }
    const raw_match *nn = NULL;
    for (size_t i = 0; i < c->all.n; i++)
        if (kind_is(&c->all.v[i], "header.distribution"))
            nn = &c->all.v[i];
    for (size_t i = 0; i < c->x->n; i++) {
        lw_fact *f = &c->x->facts[i];
        if (strcmp(f->kind, "agency"))
            continue;
        const char *role = "mentioned";
        if (f->start < issuer_zone)
            role = "issuer";
        else if (f->start >= kg_s && f->start <= kg_e)
            role = "recipient";
        else if (nn && f->start >= nn->start)
            role = "distribution";
        json_object_set_new(f->fields, "role", json_string(role));
    }
}
