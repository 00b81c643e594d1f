/* lw_rules: rule files to compiled PCRE2 patterns with their examples.
 *
 * A rule file is YAML with optional "macros" (NAME: pattern text, referenced as {{NAME}}
 * in patterns, expanded recursively) and a "rules" list. Any other top-level key is a
 * data section (doc types, symbols, the registry) kept as JSON for other modules.
 * Patterns are compiled with UTF | UCP | CASELESS | EXTENDED unless the rule says
 * "caseless: false" or "extended: false". */
#include "lw_rules.h"

#include "lw_file.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lw_yaml.h"

struct lw_ruleset {
    lw_rule *rules;
    size_t n, cap;
    json_t *macros; /* name -> raw pattern text */
    json_t *data;   /* key -> data section */
    uint32_t max_pairs;
    char version[17];
    /* the rules' literals (lw_rule.need), folded, and their automaton (lit_build); owned */
    char **lits;
    size_t n_lits;
    uint32_t *ac_next; /* ac_states x 256 transitions */
    uint32_t *ac_lit;  /* per state: 1 + the literal ending there, or 0 */
    uint32_t *ac_dict; /* per state: the next state on its suffix chain ending a literal, or 0 */
    uint32_t ac_states;
};

struct lw_matcher {
    pcre2_match_data *md;
    pcre2_match_data *md_ctx; /* for not_after, which runs while md's ovector is in use */
    pcre2_match_context *mctx;
    pcre2_match_context *mctx_lim; /* mctx with an offset limit (a scan's), for rule->code only */
    pcre2_jit_stack *jit;
    /* lw_matcher_set_scan: the scan of scan_text[0..scan_len), borrowed, or NULL */
    const struct lw_rule_scan *scan;
    const char *scan_text;
    size_t scan_len;
};

/* Bounded work on hostile input: a match that needs more than this is an error naming
 * the rule (STYLE.md 9), not a silent miss. */
#define LW_MATCH_LIMIT 2000000u
#define LW_DEPTH_LIMIT 20000u
#define LW_HEAP_LIMIT (64u * 1024u) /* KiB */

static char *xstrdup(const char *s) { return s ? strdup(s) : NULL; }

static void example_free(lw_example *e)
{
    free(e->text);
    json_decref(e->expect);
    json_decref(e->context);
}

static void rule_free(lw_rule *r)
{
    free(r->id);
    free(r->kind);
    free(r->resolve);
    free(r->file);
    free(r->pattern);
    pcre2_code_free(r->code);
    pcre2_code_free(r->not_after);
    json_decref(r->set);
    for (size_t i = 0; i < r->n_examples; i++)
        example_free(&r->examples[i]);
    free(r->examples);
    for (size_t i = 0; i < r->n_counter; i++)
        example_free(&r->counter[i]);
    free(r->counter);
    free(r->need);
}

void lw_ruleset_free(lw_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n; i++)
        rule_free(&rs->rules[i]);
    free(rs->rules);
    json_decref(rs->macros);
    json_decref(rs->data);
    for (size_t i = 0; i < rs->n_lits; i++)
        free(rs->lits[i]);
    free(rs->lits);
    free(rs->ac_next);
    free(rs->ac_lit);
    free(rs->ac_dict);
    free(rs);
}

/* Where the text being loaded was written, so that an error points at what the author
 * wrote: the files, their strings' places and which file defines each macro. Load time only. */
typedef struct {
    const char *const *paths;
    lw_yaml_places **places; /* per file */
    json_t *macro_file;      /* macro name -> index into paths */
} load_src;

/* A piece of an expanded pattern and the text it was copied from. */
typedef struct {
    size_t out, len;       /* bytes [out, out + len) of the expansion */
    const json_t *src;     /* the rule's own text or a macro's (borrowed) */
    const char *macro;     /* the macro src is; NULL for the rule's own text */
    size_t src_off;        /* where the piece starts in src */
    int made;              /* the "(?:" or ")" put around a macro: all of it maps to src_off */
    size_t ref;            /* offset in the rule's text of the {{ the piece comes through */
    const char *ref_macro; /* the macro named there (NULL for the rule's own text) */
} piece;

typedef struct {
    piece *v;
    size_t n, cap;
} pieces;

static int piece_add(pieces *pc, piece p)
{
    if (!pc || p.len == 0)
        return 0;
    if (pc->n == pc->cap) {
        size_t cap = pc->cap ? pc->cap * 2 : 32;
        piece *v = realloc(pc->v, cap * sizeof *v);
        if (!v)
            return -1;
        pc->v = v;
        pc->cap = cap;
    }
    pc->v[pc->n++] = p;
    return 0;
}

/* Expands {{NAME}} references in src (a string: the rule's text when macro is NULL, else
 * macro's), noting in pcs (may be NULL) where each piece came from; depth guards against a
 * macro that names itself. On a bad reference *bad_at is its offset in the rule's text. */
static int expand(const lw_ruleset *rs, const json_t *src, const char *macro, size_t ref, const char *ref_macro,
                  lw_buf *out, pieces *pcs, int depth, char *bad, size_t badsz, size_t *bad_at)
{
    if (depth > 16) {
        snprintf(bad, badsz, "macros nest too deep (a macro refers to itself?)");
        return -1;
    }
    const char *text = json_string_value(src);
    const char *p = text;
    while (*p) {
        const char *open = strstr(p, "{{");
        size_t n = open ? (size_t)(open - p) : strlen(p);
        if (piece_add(pcs, (piece){out->len, n, src, macro, (size_t)(p - text), 0, ref, ref_macro}) ||
            lw_buf_append(out, p, n))
            goto nomem;
        if (!open)
            break;
        size_t here = macro ? ref : (size_t)(open - text);
        const char *close = strstr(open + 2, "}}");
        *bad_at = here;
        if (!close) {
            snprintf(bad, badsz, "unclosed '{{' in pattern");
            return -1;
        }
        char name[128];
        size_t nl = (size_t)(close - open - 2);
        if (nl == 0 || nl >= sizeof name) {
            snprintf(bad, badsz, "bad macro name in pattern");
            return -1;
        }
        memcpy(name, open + 2, nl);
        name[nl] = '\0';
        const char *key = NULL;
        json_t *m = NULL;
        void *it = json_object_iter_at(rs->macros, name);
        if (it) {
            key = json_object_iter_key(it); /* lives as long as the macro, unlike name */
            m = json_object_iter_value(it);
        }
        if (!json_is_string(m)) {
            snprintf(bad, badsz, "unknown macro {{%s}}", name);
            return -1;
        }
        const char *top = macro ? ref_macro : key;
        if (piece_add(pcs, (piece){out->len, 3, src, macro, (size_t)(open - text), 1, here, top}) ||
            lw_buf_append(out, "(?:", 3))
            goto nomem;
        if (expand(rs, m, key, here, top, out, pcs, depth + 1, bad, badsz, bad_at))
            return -1;
        if (piece_add(pcs, (piece){out->len, 1, src, macro, (size_t)(close - text), 1, here, top}) ||
            lw_buf_append(out, ")", 1))
            goto nomem;
        p = close + 2;
    }
    return 0;
nomem:
    snprintf(bad, badsz, "out of memory");
    *bad_at = SIZE_MAX;
    return -1;
}

/* Appends "  LINE\n  ^" to b: the file's line as written, with a caret under column col;
 * a long line is shown as a window around the column. */
static void show_caret(lw_buf *b, const char *text, size_t len, int col)
{
    enum { WINDOW = 160 };
    size_t at = 0;
    for (int c = 1; c < col && at < len; c++)
        for (at++; at < len && ((unsigned char)text[at] & 0xC0) == 0x80; at++)
            ;
    size_t from = 0, to = len;
    if (len > WINDOW) {
        from = at > WINDOW / 2 ? at - WINDOW / 2 : 0;
        while (from > 0 && ((unsigned char)text[from] & 0xC0) == 0x80)
            from--;
        to = from + WINDOW < len ? from + WINDOW : len;
        while (to < len && ((unsigned char)text[to] & 0xC0) == 0x80)
            to++;
    }
    lw_buf_printf(b, "\n  %s%.*s%s\n  %s", from ? "…" : "", (int)(to - from), text + from, to < len ? "…" : "",
                  from ? " " : "");
    for (size_t i = from; i < at; i++) {
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            lw_buf_putc(b, text[i] == '\t' ? '\t' : ' ');
    }
    lw_buf_putc(b, '^');
}

/* Line (1-based), column and caret of byte offset off in the expanded pattern, when its
 * source cannot be placed (out of memory): the old way, into the expansion. */
static void show_expanded(lw_buf *b, const char *pat, size_t off)
{
    size_t ls = off, le = off;
    while (ls > 0 && pat[ls - 1] != '\n')
        ls--;
    while (pat[le] && pat[le] != '\n')
        le++;
    int col = 1;
    for (size_t i = ls; i < off; i++)
        col += ((unsigned char)pat[i] & 0xC0) != 0x80;
    lw_buf_printf(b, " at offset %zu of the pattern:", off);
    show_caret(b, pat + ls, le - ls, col);
}

/* The error of a pattern (the rule's, or its not_after when what is "not_after: ") at
 * byte off of its expansion, told where the author wrote that byte: FILE:LINE:COL of the
 * rule's text with its line and a caret; inside a macro, at the {{MACRO}} the rule names
 * and then at the macro's own text. off SIZE_MAX: no place but the rule's. */
static lw_status pattern_error(const lw_ruleset *rs, const load_src *ls, size_t fi, int rule_line, const char *id,
                               const char *what, const json_t *src, const char *msg, size_t off, lw_error *err)
{
    const char *file = ls->paths[fi];
    lw_buf b = {0};
    lw_buf out = {0};
    pieces pcs = {0};
    char bad[256] = "";
    size_t bad_at = 0;
    int line = rule_line, col = 0;
    lw_status st = LW_ERR_RULE;
    lw_buf_printf(&b, "rule %s: %s%s", id, what, msg);
    if (off == SIZE_MAX)
        goto done;
    /* expand again, noting where each piece came from (only an error pays for this) */
    if (expand(rs, src, NULL, 0, NULL, &out, &pcs, 0, bad, sizeof bad, &bad_at))
        goto done;
    const piece *pc = NULL;
    for (size_t k = 0; k < pcs.n && !pc; k++)
        if (off >= pcs.v[k].out && off < pcs.v[k].out + pcs.v[k].len)
            pc = &pcs.v[k];
    size_t in_rule = json_string_length(src); /* past the end: the end of the rule's text */
    if (pc)
        in_rule = pc->ref_macro ? pc->ref : pc->src_off + (pc->made ? 0 : off - pc->out);
    const char *text;
    size_t tlen;
    if (lw_yaml_locate(ls->places[fi], src, in_rule, &line, &col, &text, &tlen)) {
        line = rule_line;
        col = 0;
        show_expanded(&b, out.data ? out.data : "", off);
        goto done;
    }
    if (pc && pc->macro) {
        if (strcmp(pc->macro, pc->ref_macro))
            lw_buf_printf(&b, " in macro %s (through {{%s}})", pc->macro, pc->ref_macro);
        else
            lw_buf_printf(&b, " in macro %s", pc->macro);
    }
    show_caret(&b, text, tlen, col);
    if (pc && pc->macro) {
        size_t in_macro = pc->src_off + (pc->made ? 0 : off - pc->out);
        json_t *mf = json_object_get(ls->macro_file, pc->macro);
        size_t mi = (size_t)json_integer_value(mf);
        int ml, mc;
        if (mf && !lw_yaml_locate(ls->places[mi], pc->src, in_macro, &ml, &mc, &text, &tlen)) {
            lw_buf_printf(&b, "\n%s:%d:%d: macro %s, offset %zu of its text:", ls->paths[mi], ml, mc, pc->macro,
                          in_macro);
            show_caret(&b, text, tlen, mc);
        }
    }
done:
    /* out of memory while placing it, the rule's error is still told, without a place */
    if (!b.data)
        st = LW_ERR_NOMEM;
    lw_error_set(err, st, file, line, col, "%s", b.data ? b.data : "out of memory");
    lw_buf_free(&b);
    lw_buf_free(&out);
    free(pcs.v);
    return st;
}

/* Compiles pat; on an error, *ec gets PCRE2's code and *msg its message, *eoff the offset. */
static pcre2_code *compile(const char *pat, uint32_t opts, int *ec, PCRE2_SIZE *eoff, char *msg, size_t msgsz)
{
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts, ec, eoff, NULL);
    if (!code) {
        PCRE2_UCHAR m[256];
        pcre2_get_error_message(*ec, m, sizeof m);
        snprintf(msg, msgsz, "%s (PCRE2 error %d)", (char *)m, *ec);
        return NULL;
    }
    /* LAWWATCH_NO_JIT=1 leaves the interpreter: the JIT's vector code reads up to 15 bytes
     * past a subject's end (inside the page, harmless), which valgrind reports */
    const char *nojit = getenv("LAWWATCH_NO_JIT");
    if (!nojit || !*nojit || !strcmp(nojit, "0")) {
        int jrc = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
        (void)jrc; /* without JIT (unsupported CPU) PCRE2 falls back to the interpreter */
    }
    return code;
}

static const char *str_field(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static lw_status load_examples(const char *file, const char *id, json_t *arr, int counter,
                               lw_example **out, size_t *n, lw_error *err)
{
    *out = NULL;
    *n = 0;
    if (!arr)
        return LW_OK;
    if (!json_is_array(arr))
        return lw_error_set(err, LW_ERR_RULE, file, 0, 0, "rule %s: '%s' must be a list", id,
                            counter ? "counter" : "examples");
    size_t cnt = json_array_size(arr);
    *out = calloc(cnt ? cnt : 1, sizeof **out);
    for (size_t i = 0; i < cnt; i++) {
        json_t *e = json_array_get(arr, i);
        lw_example *ex = &(*out)[i];
        if (json_is_string(e)) {
            ex->text = strdup(json_string_value(e));
        } else if (json_is_object(e) && str_field(e, "text")) {
            ex->text = strdup(str_field(e, "text"));
            ex->line = lw_yaml_line(e);
            if (!counter) {
                json_t *exp = json_object_get(e, "expect");
                ex->expect = exp ? json_deep_copy(exp) : json_object();
                json_object_del(ex->expect, "__line");
            }
            json_t *ctx = json_object_get(e, "context");
            if (ctx) {
                ex->context = json_deep_copy(ctx);
                json_object_del(ex->context, "__line");
            }
        } else {
            *n = i;
            return lw_error_set(err, LW_ERR_RULE, file, lw_yaml_line(e), 0,
                                "rule %s: an example must be a text or {text: ..., expect: ...}", id);
        }
        if (!counter && !ex->expect)
            ex->expect = json_object();
        *n = i + 1;
    }
    return LW_OK;
}

/* ---- the literals every match contains: a prefilter ----
 *
 * Most rules find nothing in most documents, and a rule that finds nothing still costs a
 * full scan: PCRE2 tries a match at every letter its pattern may start with, lookbehinds
 * first. So each rule's pattern is read (at load) for a set of literal strings one of
 * which every match must contain: the literal runs of its top-level sequence, and of
 * groups that must match, alternation taken as the union of its branches' sets. A pattern
 * with a construct the reading does not know gets no set and always runs. lw_rule_scan
 * then finds where every literal last occurs in a text in one pass (Aho-Corasick over the
 * text folded, read from its end): a rule none of whose literals occur is known to find
 * nothing, and no match of the others starts after the last of theirs (a match holds one,
 * at or after its start), which PCRE2 is told as an offset limit.
 *
 * Exact, not a heuristic: literals and text are compared under a per-character fold f
 * (simple lower case, plus long s -> s, Kelvin sign -> k, Angstrom sign -> å, ẛ -> ṡ)
 * that PCRE2's caseless matching never distinguishes more finely: for every literal
 * character allowed (ASCII, U+00C0..U+01B0 but ı, İ, ŉ, ſ, and U+1EA0..U+1EF9, the
 * Vietnamese letters) and every code point PCRE2 (UTF, UCP, caseless) matches it with,
 * f gives the same result; this was checked over all of Unicode with the PCRE2 and
 * utf8proc of Debian 12. A case-sensitive match is a caseless one, so rules with
 * (?-i) or caseless: false are covered too. The one difference a rule left out makes:
 * it cannot report a match limit (STYLE.md 9) on a text where it could find nothing. */

#define NEED_MAX 48   /* alternatives in one set; more and the set is dropped */
#define NEED_MIN 3    /* bytes of its shortest literal a set needs to be worth testing */
#define CLASS_MAX 6   /* characters of a class expanded into literals ([ếe]) */

typedef struct {
    char **v; /* folded literals, owned */
    size_t n;
} strset;

static void strset_free(strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static int strset_add(strset *s, const char *str, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && !memcmp(s->v[i], str, len))
            return 0;
    char **v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v)
        return -1;
    s->v = v;
    if (!(s->v[s->n] = malloc(len + 1)))
        return -1;
    memcpy(s->v[s->n], str, len);
    s->v[s->n][len] = '\0';
    s->n++;
    return 0;
}

/* The shortest literal's length; 0 for an empty set or one holding "". */
static size_t strset_score(const strset *s)
{
    size_t m = s->n ? SIZE_MAX : 0;
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) < m)
            m = strlen(s->v[i]);
    return m;
}

static int32_t lit_fold(int32_t c)
{
    switch (c) {
    case 0x17F: return 's';
    case 0x212A: return 'k';
    case 0x212B: return 0xE5;
    case 0x1E9B: return 0x1E61;
    default: return c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c) : utf8proc_tolower(c);
    }
}

static int lit_char_ok(int32_t c)
{
    return (c >= 0x20 && c <= 0x7E) || (c >= 0xC0 && c <= 0x1B0 && c != 0x130 && c != 0x131 && c != 0x149 && c != 0x17F) ||
           (c >= 0x1EA0 && c <= 0x1EF9);
}

typedef struct {
    const unsigned char *p, *end;
    int ext;  /* PCRE2_EXTENDED */
    int fail; /* something not understood: the rule gets no set */
} lit_parser;

/* One UTF-8 character of the pattern; -1 when invalid. */
static int32_t lit_next_char(lit_parser *P)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate(P->p, P->end - P->p, &c);
    if (n <= 0) {
        P->fail = 1;
        return -1;
    }
    P->p += n;
    return c;
}

static void lit_skip_space(lit_parser *P)
{
    while (P->ext && P->p < P->end) {
        if (strchr(" \t\n\r\f\v", *P->p) && *P->p)
            P->p++;
        else if (*P->p == '#')
            while (P->p < P->end && *P->p != '\n')
                P->p++;
        else
            break;
    }
}

enum { A_CHARS, A_GROUP, A_NONE, A_ZERO };

static strset lit_alt(lit_parser *P);

/* A class: its characters folded when it is a short list of allowed ones, else none. */
static int lit_class(lit_parser *P, strset *out)
{
    int expand = 1;
    P->p++; /* [ */
    if (P->p < P->end && *P->p == '^') {
        expand = 0;
        P->p++;
    }
    int first = 1;
    while (P->p < P->end && (*P->p != ']' || first)) {
        first = 0;
        if (*P->p == '[' && P->p + 1 < P->end && (P->p[1] == ':' || P->p[1] == '.' || P->p[1] == '=')) {
            /* [:alpha:] and only that: letters between "[:" and ":]" */
            const unsigned char *e = P->p + 2;
            if (e < P->end && *e == '^')
                e++;
            while (e < P->end && ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z')))
                e++;
            if (P->p[1] != ':' || e + 1 >= P->end || e[0] != ':' || e[1] != ']') {
                P->fail = 1;
                return A_NONE;
            }
            P->p = e + 2;
            expand = 0;
            continue;
        }
        int32_t c;
        if (*P->p == '\\') {
            P->p++;
            if (P->p >= P->end) {
                P->fail = 1;
                return A_NONE;
            }
            unsigned char e = *P->p;
            if (e == 'Q' || e == 'E' || e == 'x' || e == 'o' || e == 'c' || e == 'N' || (e >= '0' && e <= '9')) {
                P->fail = 1;
                return A_NONE;
            }
            if (e == 'p' || e == 'P') {
                P->p++;
                if (P->p < P->end && *P->p == '{') {
                    while (P->p < P->end && *P->p != '}')
                        P->p++;
                }
                if (P->p < P->end)
                    P->p++;
                expand = 0;
                continue;
            }
            if (e < 0x80 && !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))) {
                c = e;
                P->p++;
            } else if (e == 'n' || e == 't' || e == 'r' || e == 'f') {
                c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : '\f';
                P->p++;
            } else if (e < 0x80) { /* \d \s \w \h \v ... */
                P->p++;
                expand = 0;
                continue;
            } else {
                P->fail = 1;
                return A_NONE;
            }
        } else {
            c = lit_next_char(P);
            if (c < 0)
                return A_NONE;
        }
        if (P->p + 1 < P->end && *P->p == '-' && P->p[1] != ']') {
            /* a range: skip its end, never expanded */
            P->p++;
            if (*P->p == '\\') {
                P->fail = 1; /* an escaped range end: not worth reading */
                return A_NONE;
            }
            if (lit_next_char(P) < 0)
                return A_NONE;
            expand = 0;
            continue;
        }
        if (!lit_char_ok(c) || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
            expand = 0;
            continue;
        }
        if (expand) {
            unsigned char b[4];
            utf8proc_ssize_t n = utf8proc_encode_char(lit_fold(c), b);
            if (strset_add(out, (const char *)b, (size_t)n)) {
                P->fail = 1;
                return A_NONE;
            }
            if (out->n > CLASS_MAX)
                expand = 0;
        }
    }
    if (P->p >= P->end) {
        P->fail = 1;
        return A_NONE;
    }
    P->p++; /* ] */
    if (!expand || !out->n) {
        strset_free(out);
        return A_NONE;
    }
    return A_CHARS;
}

/* One item of a sequence; *out gets its characters (A_CHARS) or its group's set (A_GROUP). */
static int lit_atom(lit_parser *P, strset *out)
{
    unsigned char c = *P->p;
    if (c == '(') {
        const unsigned char *q = P->p + 1;
        int zero = 0;
        if (q < P->end && *q == '*') {
            P->fail = 1;
            return A_NONE;
        }
        if (q < P->end && *q == '?') {
            q++;
            if (q >= P->end) {
                P->fail = 1;
                return A_NONE;
            }
            if (*q == ':' || *q == '|' || *q == '>') {
                q++;
            } else if (*q == '=' || *q == '!') {
                q++;
                zero = 1;
            } else if (*q == '<' && q + 1 < P->end && (q[1] == '=' || q[1] == '!')) {
                q += 2;
                zero = 1;
            } else if (*q == '<' || *q == '\'' || (*q == 'P' && q + 1 < P->end && q[1] == '<')) {
                unsigned char close = *q == '\'' ? '\'' : '>';
                while (q < P->end && *q != close)
                    q++;
                if (q >= P->end) {
                    P->fail = 1;
                    return A_NONE;
                }
                q++;
            } else if (*q == '#') {
                while (q < P->end && *q != ')')
                    q++;
                P->p = q < P->end ? q + 1 : q;
                return A_ZERO;
            } else {
                /* option letters: (?i) (?-i:...) (?J); x (white space) and ^ change the reading */
                const unsigned char *o = q;
                while (o < P->end && ((*o >= 'a' && *o <= 'z') || (*o >= 'A' && *o <= 'Z') || *o == '-'))
                    o++;
                int bad = o == q || o >= P->end || (*o != ')' && *o != ':');
                for (const unsigned char *k = q; k < o && !bad; k++)
                    bad = !strchr("-iJmsUn", *k);
                if (bad) {
                    P->fail = 1;
                    return A_NONE;
                }
                if (*o == ')') {
                    P->p = o + 1;
                    return A_ZERO;
                }
                q = o + 1;
            }
        }
        P->p = q;
        strset in = lit_alt(P);
        if (P->fail || P->p >= P->end || *P->p != ')') {
            P->fail = 1;
            strset_free(&in);
            return A_NONE;
        }
        P->p++;
        if (zero) {
            strset_free(&in);
            return A_ZERO;
        }
        *out = in;
        return out->n ? A_GROUP : A_NONE;
    }
    if (c == '[')
        return lit_class(P, out);
    if (c == '.') {
        P->p++;
        return A_NONE;
    }
    if (c == '^' || c == '$') {
        P->p++;
        return A_ZERO;
    }
    if (c == '*' || c == '+' || c == '?' || c == '{') {
        P->fail = 1;
        return A_NONE;
    }
    int32_t ch;
    if (c == '\\') {
        if (P->p + 1 >= P->end) {
            P->fail = 1;
            return A_NONE;
        }
        unsigned char e = P->p[1];
        P->p += 2;
        if (e == 'b' || e == 'B' || e == 'A' || e == 'z' || e == 'Z' || e == 'G')
            return A_ZERO;
        if (e == 'p' || e == 'P') {
            if (P->p < P->end && *P->p == '{') {
                while (P->p < P->end && *P->p != '}')
                    P->p++;
                if (P->p >= P->end) {
                    P->fail = 1;
                    return A_NONE;
                }
            }
            P->p++;
            return A_NONE;
        }
        if (strchr("dDsSwWhHvVRX", e) && e)
            return A_NONE;
        if (e == 'n' || e == 't' || e == 'r' || e == 'f')
            return A_NONE; /* control characters are no literals (lit_char_ok) */
        if (e < 0x80 && !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))) {
            ch = e;
        } else { /* \K \Q \E \x \N \g \k \1 ...: not read */
            P->fail = 1;
            return A_NONE;
        }
    } else {
        ch = lit_next_char(P);
        if (ch < 0)
            return A_NONE;
    }
    if (!lit_char_ok(ch))
        return A_NONE;
    unsigned char b[4];
    utf8proc_ssize_t n = utf8proc_encode_char(lit_fold(ch), b);
    if (strset_add(out, (const char *)b, (size_t)n)) {
        P->fail = 1;
        return A_NONE;
    }
    return A_CHARS;
}

/* A quantifier after an item: 1 with *min set, 0 when none. */
static int lit_quant(lit_parser *P, unsigned long *min)
{
    lit_skip_space(P);
    if (P->p >= P->end)
        return 0;
    unsigned char c = *P->p;
    if (c == '?' || c == '*' || c == '+') {
        *min = c == '+';
        P->p++;
    } else if (c == '{') {
        const unsigned char *q = P->p + 1;
        if (q >= P->end || *q < '0' || *q > '9') {
            P->fail = 1; /* "{" as a literal or "{,n}": not read */
            return 0;
        }
        *min = strtoul((const char *)q, (char **)&q, 10);
        if (q < P->end && *q == ',') {
            q++;
            while (q < P->end && *q >= '0' && *q <= '9')
                q++;
        }
        if (q >= P->end || *q != '}') {
            P->fail = 1;
            return 0;
        }
        P->p = q + 1;
    } else {
        return 0;
    }
    lit_skip_space(P);
    if (P->p < P->end && (*P->p == '?' || *P->p == '+'))
        P->p++;
    return 1;
}

/* Keeps cand in *best when it is better; takes cand over. */
static void lit_consider(strset *best, strset *cand)
{
    size_t sc = strset_score(cand);
    if (sc > 0 && (sc > strset_score(best) || (sc == strset_score(best) && cand->n < best->n))) {
        strset_free(best);
        *best = *cand;
        cand->v = NULL;
        cand->n = 0;
    } else {
        strset_free(cand);
    }
}

/* A sequence up to '|', ')' or the end: its best set (empty when none). */
static strset lit_seq(lit_parser *P)
{
    strset best = {0}, run = {0};
    strset_add(&run, "", 0);
    for (;;) {
        lit_skip_space(P);
        if (P->fail || P->p >= P->end || *P->p == '|' || *P->p == ')')
            break;
        strset a = {0};
        int kind = lit_atom(P, &a);
        unsigned long min = 1;
        int quant = P->fail ? 0 : lit_quant(P, &min);
        if (P->fail) {
            strset_free(&a);
            break;
        }
        if (kind == A_ZERO)
            continue; /* consumes nothing: the run goes on across it */
        if (kind == A_CHARS && !quant && run.n * a.n <= NEED_MAX) {
            strset next = {0};
            for (size_t i = 0; i < run.n && !P->fail; i++)
                for (size_t j = 0; j < a.n && !P->fail; j++) {
                    size_t li = strlen(run.v[i]), lj = strlen(a.v[j]);
                    char buf[512];
                    if (li + lj >= sizeof buf) {
                        P->fail = 1;
                        break;
                    }
                    memcpy(buf, run.v[i], li);
                    memcpy(buf + li, a.v[j], lj);
                    if (strset_add(&next, buf, li + lj))
                        P->fail = 1;
                }
            strset_free(&run);
            strset_free(&a);
            run = next;
            continue;
        }
        lit_consider(&best, &run);
        strset_add(&run, "", 0);
        if (kind == A_CHARS && !quant) {
            strset_free(&run);
            run = a; /* too many alternatives to extend: a new run from this item */
            continue;
        }
        if ((kind == A_CHARS || kind == A_GROUP) && min >= 1)
            lit_consider(&best, &a);
        else
            strset_free(&a);
    }
    lit_consider(&best, &run);
    if (P->fail)
        strset_free(&best);
    return best;
}

/* Alternatives up to ')' or the end: the union of their sets, or empty when one has none. */
static strset lit_alt(lit_parser *P)
{
    strset all = {0};
    int every = 1;
    for (;;) {
        strset b = lit_seq(P);
        if (P->fail) {
            strset_free(&b);
            break;
        }
        if (!b.n)
            every = 0;
        for (size_t i = 0; i < b.n && every; i++)
            if (strset_add(&all, b.v[i], strlen(b.v[i])) || all.n > NEED_MAX)
                every = 0;
        strset_free(&b);
        if (P->p < P->end && *P->p == '|') {
            P->p++;
            continue;
        }
        break;
    }
    if (!every || P->fail)
        strset_free(&all);
    return all;
}

/* The set of literals one of which every match of pattern contains; empty when unknown. */
static strset lit_need(const char *pattern, uint32_t opts)
{
    lit_parser P = {(const unsigned char *)pattern, (const unsigned char *)pattern + strlen(pattern),
                    (opts & PCRE2_EXTENDED) != 0, 0};
    /* white space PCRE2 skips in extended mode beyond ASCII: not read */
    static const char *const uspace[] = {"\xC2\x85", "\xE2\x80\x8E", "\xE2\x80\x8F", "\xE2\x80\xA8", "\xE2\x80\xA9"};
    for (size_t i = 0; i < 5; i++)
        if (strstr(pattern, uspace[i]))
            return (strset){0};
    strset s = lit_alt(&P);
    if (P.fail || P.p != P.end || strset_score(&s) < NEED_MIN)
        strset_free(&s);
    return s;
}

/* Adds a rule's set to the rule set's literal table; the rule keeps indices into it. */
static int lit_register(lw_ruleset *rs, lw_rule *rule, strset *s)
{
    rule->need = s->n ? calloc(s->n, sizeof *rule->need) : NULL;
    if (s->n && !rule->need)
        return -1;
    for (size_t i = 0; i < s->n; i++) {
        size_t k = 0;
        while (k < rs->n_lits && strcmp(rs->lits[k], s->v[i]))
            k++;
        if (k == rs->n_lits) {
            char **v = realloc(rs->lits, (rs->n_lits + 1) * sizeof *v);
            if (!v)
                return -1;
            rs->lits = v;
            rs->lits[rs->n_lits++] = s->v[i];
            s->v[i] = NULL; /* taken over */
        }
        rule->need[rule->n_need++] = (uint32_t)k;
    }
    return 0;
}

/* The Aho-Corasick automaton of the literal table: a full transition table (the table is a
 * few hundred literals, so a few thousand states), each state's literal and the next state
 * down its suffix chain that ends one. */
static int lit_build(lw_ruleset *rs)
{
    size_t cap = 1;
    for (size_t i = 0; i < rs->n_lits; i++)
        cap += strlen(rs->lits[i]);
    rs->ac_next = calloc(cap * 256, sizeof *rs->ac_next);
    rs->ac_lit = calloc(cap, sizeof *rs->ac_lit);
    rs->ac_dict = calloc(cap, sizeof *rs->ac_dict);
    uint32_t *fail = calloc(cap, sizeof *fail), *queue = calloc(cap, sizeof *queue);
    if (!rs->ac_next || !rs->ac_lit || !rs->ac_dict || !fail || !queue) {
        free(fail);
        free(queue);
        return -1;
    }
    /* the trie of the literals spelled backwards (the scan runs from the text's end, so
     * that the first time it meets a literal is its last occurrence, and where it completes
     * is where that occurrence starts); 0 is the root and, as a target, "no edge yet" */
    uint32_t n = 1;
    for (size_t i = 0; i < rs->n_lits; i++) {
        uint32_t st = 0;
        const unsigned char *lit = (const unsigned char *)rs->lits[i];
        for (size_t k = strlen(rs->lits[i]); k-- > 0;) {
            if (!rs->ac_next[st * 256 + lit[k]])
                rs->ac_next[st * 256 + lit[k]] = n++;
            st = rs->ac_next[st * 256 + lit[k]];
        }
        rs->ac_lit[st] = (uint32_t)i + 1;
    }
    /* breadth first: failure links, completed transitions, suffix chains */
    size_t qh = 0, qt = 0;
    for (int b = 0; b < 256; b++)
        if (rs->ac_next[b])
            queue[qt++] = rs->ac_next[b];
    while (qh < qt) {
        uint32_t st = queue[qh++];
        uint32_t f = fail[st];
        rs->ac_dict[st] = rs->ac_lit[f] ? f : rs->ac_dict[f];
        for (int b = 0; b < 256; b++) {
            uint32_t *t = &rs->ac_next[st * 256 + b];
            if (*t) {
                fail[*t] = rs->ac_next[f * 256 + b];
                queue[qt++] = *t;
            } else {
                *t = rs->ac_next[f * 256 + b];
            }
        }
    }
    rs->ac_states = n;
    free(fail);
    free(queue);
    return 0;
}

struct lw_rule_scan {
    size_t *last; /* per literal of the table: where its last occurrence starts, or SIZE_MAX */
    size_t n;
};

lw_rule_scan *lw_rule_scan_create(const lw_ruleset *rs, const char *text, size_t len)
{
    lw_rule_scan *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    sc->n = rs->n_lits;
    sc->last = malloc((rs->n_lits + 1) * sizeof *sc->last);
    unsigned char *seen = calloc(rs->ac_states + 1, 1);
    if (!sc->last || !seen || !rs->ac_next) {
        free(seen);
        lw_rule_scan_free(sc);
        return NULL;
    }
    for (size_t i = 0; i < sc->n; i++)
        sc->last[i] = SIZE_MAX;
    const uint32_t *next = rs->ac_next;
    const unsigned char *t = (const unsigned char *)text;
    uint32_t st = 0;
    size_t e = len; /* the characters before e are left to read, last first */
    while (e > 0) {
        unsigned char b[4];
        utf8proc_ssize_t nb = 1;
        size_t s = e - 1;
        if (t[s] < 0x80) {
            b[0] = (unsigned char)(t[s] >= 'A' && t[s] <= 'Z' ? t[s] + 32 : t[s]);
        } else {
            /* the character that ends at e, when t[s..e) is one; else the byte as it is
             * (PCRE2 matches no literal character on bytes that are not UTF-8) */
            size_t k = s;
            while (k > 0 && s - k < 3 && (t[k] & 0xC0) == 0x80)
                k--;
            utf8proc_int32_t c;
            if (utf8proc_iterate(t + k, (utf8proc_ssize_t)(e - k), &c) == (utf8proc_ssize_t)(e - k)) {
                nb = utf8proc_encode_char(lit_fold(c), b);
                s = k;
            } else {
                b[0] = t[s];
            }
        }
        /* fed backwards; a literal completed here starts at this character, s */
        for (utf8proc_ssize_t i = nb; i-- > 0;) {
            st = next[st * 256 + b[i]];
            for (uint32_t q = rs->ac_lit[st] ? st : rs->ac_dict[st]; q && !seen[q]; q = rs->ac_dict[q]) {
                seen[q] = 1;
                sc->last[rs->ac_lit[q] - 1] = s;
            }
        }
        e = s;
    }
    free(seen);
    return sc;
}

/* Where rule's last match can start in the scanned text: a match holds one of its
 * literals, at or after its own start. SIZE_MAX: no bound known; -1 via *none: no match. */
static size_t scan_limit(const lw_rule_scan *sc, const lw_rule *rule, int *none)
{
    *none = 0;
    if (!sc || !rule->n_need)
        return SIZE_MAX;
    size_t lim = 0;
    int any = 0;
    for (size_t i = 0; i < rule->n_need; i++) {
        if (rule->need[i] >= sc->n)
            return SIZE_MAX;
        size_t l = sc->last[rule->need[i]];
        if (l != SIZE_MAX) {
            any = 1;
            if (l > lim)
                lim = l;
        }
    }
    *none = !any;
    return any ? lim : SIZE_MAX;
}

int lw_rule_scan_may_match(const lw_rule_scan *sc, const lw_rule *rule)
{
    int none;
    scan_limit(sc, rule, &none);
    return !none;
}

void lw_rule_scan_free(lw_rule_scan *sc)
{
    if (!sc)
        return;
    free(sc->last);
    free(sc);
}

/* The error of a reference to a macro (unknown, unclosed) at byte at of the rule's text
 * src, with the rule's line and a caret under it. */
static lw_status reference_error(const load_src *ls, size_t fi, int rule_line, const char *id, const char *what,
                                 const json_t *src, const char *bad, size_t at, lw_error *err)
{
    int line, col;
    const char *text;
    size_t tlen;
    if (at == SIZE_MAX)
        return lw_error_set(err, LW_ERR_NOMEM, ls->paths[fi], rule_line, 0, "out of memory");
    if (lw_yaml_locate(ls->places[fi], src, at, &line, &col, &text, &tlen))
        return lw_error_set(err, LW_ERR_RULE, ls->paths[fi], rule_line, 0, "rule %s: %s%s", id, what, bad);
    lw_buf b = {0};
    lw_buf_printf(&b, "rule %s: %s%s", id, what, bad);
    show_caret(&b, text, tlen, col);
    lw_error_set(err, LW_ERR_RULE, ls->paths[fi], line, col, "%s", b.data ? b.data : bad);
    lw_buf_free(&b);
    return LW_ERR_RULE;
}

static lw_status add_rule(lw_ruleset *rs, const load_src *ls, size_t fi, json_t *r, lw_error *err)
{
    const char *file = ls->paths[fi];
    int line = lw_yaml_line(r);
    if (!json_is_object(r))
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "each entry of 'rules' must be a mapping");
    const char *id = str_field(r, "id");
    const char *kind = str_field(r, "kind");
    const char *pattern = str_field(r, "pattern");
    if (!id)
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule without an 'id'");
    if (!kind)
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: missing 'kind'", id);
    if (!pattern)
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: missing 'pattern'", id);
    if (lw_ruleset_find(rs, id))
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: the id is used twice", id);
    const char *known[] = {"id", "kind", "pattern", "resolve", "priority", "set", "examples", "counter",
                           "not_after", "caseless", "extended", "description", "__line", NULL};
    const char *key;
    json_t *val;
    json_object_foreach(r, key, val) {
        int ok = 0;
        for (const char **k = known; *k; k++)
            ok |= !strcmp(*k, key);
        if (!ok)
            return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: unknown key '%s'", id, key);
    }
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        lw_rule *p = realloc(rs->rules, cap * sizeof *p);
        if (!p)
            return lw_error_set(err, LW_ERR_NOMEM, file, line, 0, "out of memory");
        rs->rules = p;
        rs->cap = cap;
    }
    lw_rule *rule = &rs->rules[rs->n];
    memset(rule, 0, sizeof *rule);
    rs->n++;
    rule->id = xstrdup(id);
    rule->kind = xstrdup(kind);
    rule->resolve = xstrdup(str_field(r, "resolve") ? str_field(r, "resolve") : kind);
    rule->file = xstrdup(file);
    rule->line = line;
    json_t *pr = json_object_get(r, "priority");
    rule->priority = json_is_integer(pr) ? (int)json_integer_value(pr) : 0;
    json_t *set = json_object_get(r, "set");
    if (set && !json_is_object(set))
        return lw_error_set(err, LW_ERR_RULE, file, line, 0, "rule %s: 'set' must be a mapping", id);
    rule->set = set ? json_deep_copy(set) : json_object();
    json_object_del(rule->set, "__line");

    char bad[256] = "";
    size_t bad_at = 0;
    lw_buf pat = {0};
    json_t *pattern_str = json_object_get(r, "pattern");
    if (expand(rs, pattern_str, NULL, 0, NULL, &pat, NULL, 0, bad, sizeof bad, &bad_at)) {
        lw_buf_free(&pat);
        return reference_error(ls, fi, line, id, "", pattern_str, bad, bad_at, err);
    }
    rule->pattern = lw_buf_detach(&pat, NULL);
    if (!rule->pattern)
        return lw_error_set(err, LW_ERR_NOMEM, file, line, 0, "out of memory");
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_DUPNAMES;
    if (!json_is_false(json_object_get(r, "caseless")))
        opts |= PCRE2_CASELESS;
    if (!json_is_false(json_object_get(r, "extended")))
        opts |= PCRE2_EXTENDED;
    strset need = lit_need(rule->pattern, opts);
    int nrc = lit_register(rs, rule, &need);
    strset_free(&need);
    if (nrc)
        return lw_error_set(err, LW_ERR_NOMEM, file, line, 0, "out of memory");
    /* a rule with literals may be told where its last match can start (lw_rule_match_all);
     * without an offset limit set, the option changes nothing. An error points at the
     * character of the YAML the author wrote (pattern_error). */
    int ec;
    PCRE2_SIZE eoff;
    char msg[300];
    rule->code = compile(rule->pattern, opts | (rule->n_need ? PCRE2_USE_OFFSET_LIMIT : 0), &ec, &eoff, msg, sizeof msg);
    if (!rule->code)
        return pattern_error(rs, ls, fi, line, id, "", pattern_str, msg, eoff, err);
    uint32_t cnt = 0;
    pcre2_pattern_info(rule->code, PCRE2_INFO_CAPTURECOUNT, &cnt);
    if (cnt + 1 > rs->max_pairs)
        rs->max_pairs = cnt + 1;
    json_t *na = json_object_get(r, "not_after");
    if (json_is_string(na)) {
        lw_buf nb = {0};
        if (expand(rs, na, NULL, 0, NULL, &nb, NULL, 0, bad, sizeof bad, &bad_at)) {
            lw_buf_free(&nb);
            return reference_error(ls, fi, line, id, "not_after: ", na, bad, bad_at, err);
        }
        /* searched anywhere in the sentence before the match (see lw_extract) */
        rule->not_after = compile(nb.data ? nb.data : "", opts, &ec, &eoff, msg, sizeof msg);
        lw_buf_free(&nb);
        if (!rule->not_after)
            return pattern_error(rs, ls, fi, line, id, "not_after: ", na, msg, eoff, err);
    }
    lw_status st;
    st = load_examples(file, id, json_object_get(r, "examples"), 0, &rule->examples, &rule->n_examples, err);
    if (st)
        return st;
    return load_examples(file, id, json_object_get(r, "counter"), 1, &rule->counter, &rule->n_counter, err);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* FNV-1a over the files' bytes, as hex: cheap and stable. */
static void hash_update(uint64_t *h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        *h ^= p[i];
        *h *= 1099511628211ull;
    }
}

lw_status lw_ruleset_load_files(const char *const *paths, size_t n, lw_ruleset **out, lw_error *err)
{
    *out = NULL;
    lw_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs)
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    rs->macros = json_object();
    rs->data = json_object();
    rs->max_pairs = 1;
    json_t **docs = calloc(n ? n : 1, sizeof *docs);
    lw_yaml_places **places = calloc(n ? n : 1, sizeof *places);
    load_src src = {paths, places, json_object()};
    if (!docs || !places || !src.macro_file) {
        free(docs);
        free(places);
        json_decref(src.macro_file);
        lw_ruleset_free(rs);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    uint64_t h = 1469598103934665603ull;
    lw_status st = LW_OK;
    /* pass 1: parse, collect macros and data */
    for (size_t i = 0; i < n && !st; i++) {
        unsigned char *buf;
        size_t len;
        st = lw_read_file(paths[i], &buf, &len, err);
        if (st)
            break;
        hash_update(&h, buf, len);
        st = lw_yaml_parse_placed(paths[i], buf, len, &docs[i], &places[i], err);
        free(buf);
        if (st)
            break;
        if (!json_is_object(docs[i])) {
            st = lw_error_set(err, LW_ERR_RULE, paths[i], 1, 0, "the file must be a mapping at the top level");
            break;
        }
        const char *key;
        json_t *val;
        json_object_foreach(docs[i], key, val) {
            if (!strcmp(key, "rules") || !strcmp(key, "__line"))
                continue;
            if (!strcmp(key, "macros")) {
                const char *mk;
                json_t *mv;
                json_object_foreach(val, mk, mv) {
                    if (!strcmp(mk, "__line"))
                        continue;
                    if (!json_is_string(mv)) {
                        st = lw_error_set(err, LW_ERR_RULE, paths[i], lw_yaml_line(val), 0,
                                          "macro %s must be a pattern text", mk);
                        break;
                    }
                    if (json_object_get(rs->macros, mk)) {
                        st = lw_error_set(err, LW_ERR_RULE, paths[i], lw_yaml_line(val), 0,
                                          "macro %s is defined twice", mk);
                        break;
                    }
                    if (json_object_set(rs->macros, mk, mv) ||
                        json_object_set_new(src.macro_file, mk, json_integer((json_int_t)i))) {
                        st = lw_error_set(err, LW_ERR_NOMEM, paths[i], 0, 0, "out of memory");
                        break;
                    }
                }
                if (st)
                    break;
                continue;
            }
            json_t *prev = json_object_get(rs->data, key);
            if (json_is_array(prev) && json_is_array(val))
                json_array_extend(prev, val);
            else
                json_object_set(rs->data, key, val);
        }
    }
    /* pass 2: rules */
    for (size_t i = 0; i < n && !st; i++) {
        json_t *rules = json_object_get(docs[i], "rules");
        if (!rules)
            continue;
        if (!json_is_array(rules)) {
            st = lw_error_set(err, LW_ERR_RULE, paths[i], 0, 0, "'rules' must be a list");
            break;
        }
        size_t k;
        json_t *r;
        json_array_foreach(rules, k, r) {
            st = add_rule(rs, &src, i, r, err);
            if (st)
                break;
        }
    }
    for (size_t i = 0; i < n; i++) {
        lw_yaml_places_free(places[i]);
        json_decref(docs[i]);
    }
    free(docs);
    free(places);
    json_decref(src.macro_file);
    if (st) {
        lw_ruleset_free(rs);
        return st;
    }
    if (lit_build(rs)) {
        lw_ruleset_free(rs);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    snprintf(rs->version, sizeof rs->version, "%016llx", (unsigned long long)h);
    *out = rs;
    return LW_OK;
}

lw_status lw_ruleset_load_dir(const char *dir, lw_ruleset **out, lw_error *err)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return lw_error_set(err, LW_ERR_IO, dir, 0, 0, "cannot open the rules folder");
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".yaml"))
            continue;
        /* registry*.yaml is the legal-document registry (lw_registry), not rules: editing
         * it must not change the rules' version and force a re-extraction */
        if (!strncmp(de->d_name, "registry", 8))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
        }
        size_t pl = strlen(dir) + l + 2;
        names[n] = malloc(pl);
        snprintf(names[n], pl, "%s/%s", dir, de->d_name);
        n++;
    }
    closedir(d);
    if (n == 0) {
        free(names);
        return lw_error_set(err, LW_ERR_RULE, dir, 0, 0, "no rule files (*.yaml) in the rules folder");
    }
    qsort(names, n, sizeof *names, cmp_str);
    lw_status st = lw_ruleset_load_files((const char *const *)names, n, out, err);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

size_t lw_ruleset_count(const lw_ruleset *rs) { return rs->n; }
const lw_rule *lw_ruleset_rule(const lw_ruleset *rs, size_t i) { return i < rs->n ? &rs->rules[i] : NULL; }
const char *lw_ruleset_version(const lw_ruleset *rs) { return rs->version; }
json_t *lw_ruleset_data(const lw_ruleset *rs, const char *key) { return json_object_get(rs->data, key); }

const lw_rule *lw_ruleset_find(const lw_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->rules[i].id, id))
            return &rs->rules[i];
    return NULL;
}

lw_matcher *lw_matcher_create(const lw_ruleset *rs)
{
    lw_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->md = pcre2_match_data_create(rs ? rs->max_pairs + 1 : 64, NULL);
    m->md_ctx = pcre2_match_data_create(4, NULL);
    m->mctx = pcre2_match_context_create(NULL);
    m->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
    if (!m->md || !m->md_ctx || !m->mctx || !m->jit) {
        lw_matcher_free(m);
        return NULL;
    }
    pcre2_set_match_limit(m->mctx, LW_MATCH_LIMIT);
    pcre2_set_depth_limit(m->mctx, LW_DEPTH_LIMIT);
    pcre2_set_heap_limit(m->mctx, LW_HEAP_LIMIT);
    pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
    /* a copy for offset-limited matches: not_after runs inside them on mctx, and its
     * patterns (compiled without PCRE2_USE_OFFSET_LIMIT) would refuse a limit */
    if (!(m->mctx_lim = pcre2_match_context_copy(m->mctx))) {
        lw_matcher_free(m);
        return NULL;
    }
    return m;
}

void lw_matcher_free(lw_matcher *m)
{
    if (!m)
        return;
    pcre2_match_data_free(m->md);
    pcre2_match_data_free(m->md_ctx);
    pcre2_match_context_free(m->mctx);
    pcre2_match_context_free(m->mctx_lim);
    pcre2_jit_stack_free(m->jit);
    free(m);
}

void lw_matcher_set_scan(lw_matcher *m, const lw_rule_scan *sc, const char *text, size_t len)
{
    if (!m)
        return;
    m->scan = sc;
    m->scan_text = sc ? text : NULL;
    m->scan_len = sc ? len : 0;
}

lw_status lw_rule_match_all(lw_matcher *m, const lw_rule *rule, const char *text, size_t len,
                            lw_match_fn fn, void *ud, lw_error *err)
{
    pcre2_match_context *mctx = m->mctx;
    if (m->scan && text == m->scan_text && len == m->scan_len) {
        int none;
        size_t lim = scan_limit(m->scan, rule, &none);
        if (none)
            return LW_OK;
        if (lim != SIZE_MAX) {
            /* no match starts after the last of its literals: PCRE2 stops trying there
             * instead of running to the text's end */
            pcre2_set_offset_limit(m->mctx_lim, lim);
            mctx = m->mctx_lim;
        }
    }
    size_t off = 0;
    uint32_t opts = 0;
    while (off <= len) {
        int rc = pcre2_match(rule->code, (PCRE2_SPTR)text, len, off, opts, m->md, mctx);
        if (rc == PCRE2_ERROR_NOMATCH)
            return LW_OK;
        if (rc < 0) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(rc, msg, sizeof msg);
            return lw_error_set(err, LW_ERR_LIMIT, rule->file, rule->line, 0,
                                "rule %s stopped at byte %zu of the text: %s", rule->id, off, (char *)msg);
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
        uint32_t np = pcre2_get_ovector_count(m->md);
        if (ov[1] < ov[0]) /* \K tricks: ignore */
            return LW_OK;
        if (fn(ud, rule, ov, np))
            return LW_OK;
        if (ov[1] == ov[0]) {
            if (ov[1] >= len)
                return LW_OK;
            off = ov[1] + 1;
            while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
                off++;
        } else {
            off = ov[1];
        }
    }
    return LW_OK;
}

lw_span lw_rule_group(const lw_rule *rule, const PCRE2_SIZE *ovec, uint32_t npairs, const char *name)
{
    lw_span none = {SIZE_MAX, SIZE_MAX};
    int n = pcre2_substring_number_from_name(rule->code, (PCRE2_SPTR)name);
    if (n == PCRE2_ERROR_NOUNIQUESUBSTRING) {
        /* duplicate names ((?J) or branches): take the first set one */
        PCRE2_SPTR first, last;
        uint32_t esz;
        if (pcre2_substring_nametable_scan(rule->code, (PCRE2_SPTR)name, &first, &last) > 0) {
            pcre2_pattern_info(rule->code, PCRE2_INFO_NAMEENTRYSIZE, &esz);
            for (PCRE2_SPTR e = first; e <= last; e += esz) {
                uint32_t g = (uint32_t)((e[0] << 8) | e[1]);
                if (g < npairs && ovec[2 * g] != PCRE2_UNSET)
                    return (lw_span){ovec[2 * g], ovec[2 * g + 1]};
            }
        }
        return none;
    }
    if (n < 0 || (uint32_t)n >= npairs || ovec[2 * n] == PCRE2_UNSET)
        return none;
    return (lw_span){ovec[2 * n], ovec[2 * n + 1]};
}

int lw_rule_not_after_hits(lw_matcher *m, const lw_rule *rule, const char *text, size_t from, size_t to)
{
    if (!rule->not_after || to <= from)
        return 0;
    return pcre2_match(rule->not_after, (PCRE2_SPTR)(text + from), to - from, 0, 0, m->md_ctx, m->mctx) > 0;
}

void lw_rule_each_group(const lw_rule *rule, void (*fn)(void *ud, const char *name, int num), void *ud)
{
    uint32_t count, esz;
    PCRE2_SPTR table;
    pcre2_pattern_info(rule->code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(rule->code, PCRE2_INFO_NAMEENTRYSIZE, &esz);
    pcre2_pattern_info(rule->code, PCRE2_INFO_NAMETABLE, &table);
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR e = table + i * esz;
        fn(ud, (const char *)(e + 2), (e[0] << 8) | e[1]);
    }
}
