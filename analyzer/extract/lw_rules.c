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

#include "lw_msg.h"
#include "lw_prefilter.h"
#include "lw_yaml.h"

struct lw_ruleset {
    lw_rule *rules;
    size_t n, cap;
    json_t *macros; /* name -> raw pattern text */
    json_t *data;   /* key -> data section */
    uint32_t max_pairs;
    char version[LW_RULES_VERSION_LEN + 1];
    lw_prefilter *pf; /* the rules' literals (lw_rule.need) and their automaton; owned */
};

/* Macros within macros: deeper than this is a macro that names itself (directly or not). */
#define LW_RULES_MACRO_DEPTH_MAX 16
/* A macro's name, {{NAME}}: bytes, with its NUL. */
#define LW_RULES_MACRO_NAME_MAX 128
/* A message about a pattern (PCRE2's text and ours, both languages), cut beyond this. */
#define LW_RULES_MSG_MAX 512
/* Characters of a long YAML line shown around the caret of an error. */
#define LW_RULES_CARET_WINDOW 160

static char *xstrdup(const char *s) { return s ? strdup(s) : NULL; }

/* Appends message id ("vi (en)", formatted with the arguments) to b. */
static void put_msg(lw_buf *b, lw_msg_id id, ...)
{
    char m[LW_RULES_MSG_MAX];
    va_list ap;
    va_start(ap, id);
    lw_msg_vformat(m, sizeof m, id, ap);
    va_end(ap);
    lw_buf_append(b, m, strlen(m));
}

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
    free(r->win);
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
    lw_prefilter_free(rs->pf);
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
    if (depth > LW_RULES_MACRO_DEPTH_MAX) {
        lw_msg_format(bad, badsz, LW_MSG_RULES_MACRO_DEEP);
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
            lw_msg_format(bad, badsz, LW_MSG_RULES_MACRO_UNCLOSED);
            return -1;
        }
        char name[LW_RULES_MACRO_NAME_MAX];
        size_t nl = (size_t)(close - open - 2);
        if (nl == 0 || nl >= sizeof name) {
            lw_msg_format(bad, badsz, LW_MSG_RULES_MACRO_NAME);
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
            lw_msg_format(bad, badsz, LW_MSG_RULES_MACRO_UNKNOWN, name);
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
    lw_msg_format(bad, badsz, LW_MSG_NOMEM);
    *bad_at = SIZE_MAX;
    return -1;
}

/* Appends "  LINE\n  ^" to b: the file's line as written, with a caret under column col;
 * a long line is shown as a window around the column. */
static void show_caret(lw_buf *b, const char *text, size_t len, int col)
{
    enum { WINDOW = LW_RULES_CARET_WINDOW };
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
    lw_buf_putc(b, ' ');
    put_msg(b, LW_MSG_RULES_AT_OFFSET, off);
    lw_buf_putc(b, ':');
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
    char bad[LW_RULES_MSG_MAX] = "";
    size_t bad_at = 0;
    int line = rule_line, col = 0;
    lw_status st = LW_ERR_RULE;
    put_msg(&b, LW_MSG_RULES_BAD_PATTERN, id);
    lw_buf_printf(&b, ": %s%s", what, msg);
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
        lw_buf_putc(&b, ' ');
        if (strcmp(pc->macro, pc->ref_macro))
            put_msg(&b, LW_MSG_RULES_IN_MACRO_THROUGH, pc->macro, pc->ref_macro);
        else
            put_msg(&b, LW_MSG_RULES_IN_MACRO, pc->macro);
    }
    show_caret(&b, text, tlen, col);
    if (pc && pc->macro) {
        size_t in_macro = pc->src_off + (pc->made ? 0 : off - pc->out);
        json_t *mf = json_object_get(ls->macro_file, pc->macro);
        size_t mi = (size_t)json_integer_value(mf);
        int ml, mc;
        if (mf && !lw_yaml_locate(ls->places[mi], pc->src, in_macro, &ml, &mc, &text, &tlen)) {
            lw_buf_printf(&b, "\n%s:%d:%d: ", ls->paths[mi], ml, mc);
            put_msg(&b, LW_MSG_RULES_MACRO_OFFSET, pc->macro, in_macro);
            lw_buf_putc(&b, ':');
            show_caret(&b, text, tlen, mc);
        }
    }
done:
    /* out of memory while placing it, the rule's error is still told, without a place */
    if (!b.data)
        st = lw_error_msg(err, LW_ERR_NOMEM, file, line, col, LW_MSG_NOMEM);
    else
        lw_error_set(err, st, file, line, col, "%s", b.data);
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
        PCRE2_UCHAR m[LW_RULES_MSG_MAX / 2];
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
        return lw_error_msg(err, LW_ERR_RULE, file, 0, 0, LW_MSG_RULES_NOT_LIST_IN_RULE, id,
                            counter ? "counter" : "examples");
    size_t cnt = json_array_size(arr);
    *out = calloc(cnt ? cnt : 1, sizeof **out);
    if (!*out)
        return lw_error_msg(err, LW_ERR_NOMEM, file, 0, 0, LW_MSG_NOMEM);
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
            return lw_error_msg(err, LW_ERR_RULE, file, lw_yaml_line(e), 0, LW_MSG_RULES_EXAMPLE_BAD, id);
        }
        if (!counter && !ex->expect)
            ex->expect = json_object();
        *n = i + 1;
        /* every copy made above, checked once: the rule set frees the examples kept so far */
        if (!ex->text || (!counter && !ex->expect) || (json_object_get(e, "context") && !ex->context))
            return lw_error_msg(err, LW_ERR_NOMEM, file, ex->line, 0, LW_MSG_NOMEM);
    }
    return LW_OK;
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
        return lw_error_msg(err, LW_ERR_NOMEM, ls->paths[fi], rule_line, 0, LW_MSG_NOMEM);
    lw_buf b = {0};
    put_msg(&b, LW_MSG_RULES_BAD_PATTERN, id);
    lw_buf_printf(&b, ": %s%s", what, bad);
    if (lw_yaml_locate(ls->places[fi], src, at, &line, &col, &text, &tlen)) {
        line = rule_line;
        col = 0;
    } else {
        show_caret(&b, text, tlen, col);
    }
    if (!b.data)
        return lw_error_msg(err, LW_ERR_NOMEM, ls->paths[fi], line, col, LW_MSG_NOMEM);
    lw_error_set(err, LW_ERR_RULE, ls->paths[fi], line, col, "%s", b.data);
    lw_buf_free(&b);
    return LW_ERR_RULE;
}

static lw_status add_rule(lw_ruleset *rs, const load_src *ls, size_t fi, json_t *r, lw_error *err)
{
    const char *file = ls->paths[fi];
    int line = lw_yaml_line(r);
    if (!json_is_object(r))
        return lw_error_msg(err, LW_ERR_RULE, file, line, 0, LW_MSG_RULES_ENTRY_NOT_MAPPING);
    const char *id = str_field(r, "id");
    const char *kind = str_field(r, "kind");
    const char *pattern = str_field(r, "pattern");
    if (!id)
        return lw_error_msg(err, LW_ERR_RULE, file, line, 0, LW_MSG_RULES_NO_ID);
    if (!kind)
        return lw_error_msg(err, LW_ERR_RULE, file, line, 0, LW_MSG_RULES_MISSING, id, "kind");
    if (!pattern)
        return lw_error_msg(err, LW_ERR_RULE, file, line, 0, LW_MSG_RULES_MISSING, id, "pattern");
    if (lw_ruleset_find(rs, id))
        return lw_error_msg(err, LW_ERR_RULE, file, line, 0, LW_MSG_RULES_ID_TWICE, id);
    const char *known[] = {"id", "kind", "pattern", "resolve", "priority", "set", "examples", "counter",
                           "not_after", "caseless", "extended", "description", "__line", NULL};
    const char *key;
    json_t *val;
    json_object_foreach(r, key, val) {
        int ok = 0;
        for (const char **k = known; *k; k++)
            ok |= !strcmp(*k, key);
        if (!ok)
            return lw_error_msg(err, LW_ERR_RULE, file, line, 0, LW_MSG_RULES_UNKNOWN_KEY, id, key);
    }
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        lw_rule *p = realloc(rs->rules, cap * sizeof *p);
        if (!p)
            return lw_error_msg(err, LW_ERR_NOMEM, file, line, 0, LW_MSG_NOMEM);
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
    if (!rule->id || !rule->kind || !rule->resolve || !rule->file)
        return lw_error_msg(err, LW_ERR_NOMEM, file, line, 0, LW_MSG_NOMEM);
    json_t *pr = json_object_get(r, "priority");
    rule->priority = json_is_integer(pr) ? (int)json_integer_value(pr) : 0;
    json_t *set = json_object_get(r, "set");
    if (set && !json_is_object(set))
        return lw_error_msg(err, LW_ERR_RULE, file, line, 0, LW_MSG_RULES_SET_NOT_MAPPING, id);
    rule->set = set ? json_deep_copy(set) : json_object();
    if (!rule->set)
        return lw_error_msg(err, LW_ERR_NOMEM, file, line, 0, LW_MSG_NOMEM);
    json_object_del(rule->set, "__line");

    char bad[LW_RULES_MSG_MAX] = "";
    size_t bad_at = 0;
    lw_buf pat = {0};
    json_t *pattern_str = json_object_get(r, "pattern");
    if (expand(rs, pattern_str, NULL, 0, NULL, &pat, NULL, 0, bad, sizeof bad, &bad_at)) {
        lw_buf_free(&pat);
        return reference_error(ls, fi, line, id, "", pattern_str, bad, bad_at, err);
    }
    rule->pattern = lw_buf_detach(&pat, NULL);
    if (!rule->pattern)
        return lw_error_msg(err, LW_ERR_NOMEM, file, line, 0, LW_MSG_NOMEM);
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_DUPNAMES;
    if (!json_is_false(json_object_get(r, "caseless")))
        opts |= PCRE2_CASELESS;
    if (!json_is_false(json_object_get(r, "extended")))
        opts |= PCRE2_EXTENDED;
    lw_prefilter_sets sets;
    if (lw_prefilter_add_sets(rs->pf, rule->pattern, (opts & PCRE2_EXTENDED) != 0, &sets))
        return lw_error_msg(err, LW_ERR_NOMEM, file, line, 0, LW_MSG_NOMEM);
    rule->need = sets.need;
    rule->n_need = sets.n_need;
    rule->win = sets.win;
    rule->n_win = sets.n_win;
    rule->win_pre = sets.pre;
    rule->win_pre_ws = sets.pre_ws;
    /* a rule with literals may be told where its last match can start, and where its
     * windows end (lw_rule_match_all); without an offset limit set, the option changes
     * nothing. An error points at the character of the YAML the author wrote (pattern_error). */
    int ec;
    PCRE2_SIZE eoff;
    char msg[LW_RULES_MSG_MAX];
    uint32_t limit = rule->n_need || rule->n_win ? PCRE2_USE_OFFSET_LIMIT : 0;
    rule->code = compile(rule->pattern, opts | limit, &ec, &eoff, msg, sizeof msg);
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
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    rs->macros = json_object();
    rs->data = json_object();
    rs->pf = lw_prefilter_create();
    rs->max_pairs = 1;
    json_t **docs = calloc(n ? n : 1, sizeof *docs);
    lw_yaml_places **places = calloc(n ? n : 1, sizeof *places);
    load_src src = {paths, places, json_object()};
    if (!docs || !places || !src.macro_file || !rs->macros || !rs->data || !rs->pf) {
        free(docs);
        free(places);
        json_decref(src.macro_file);
        lw_ruleset_free(rs);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
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
            st = lw_error_msg(err, LW_ERR_RULE, paths[i], 1, 0, LW_MSG_RULES_TOP_NOT_MAPPING);
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
                        st = lw_error_msg(err, LW_ERR_RULE, paths[i], lw_yaml_line(val), 0,
                                          LW_MSG_RULES_MACRO_NOT_TEXT, mk);
                        break;
                    }
                    if (json_object_get(rs->macros, mk)) {
                        st = lw_error_msg(err, LW_ERR_RULE, paths[i], lw_yaml_line(val), 0,
                                          LW_MSG_RULES_MACRO_TWICE, mk);
                        break;
                    }
                    if (json_object_set(rs->macros, mk, mv) ||
                        json_object_set_new(src.macro_file, mk, json_integer((json_int_t)i))) {
                        st = lw_error_msg(err, LW_ERR_NOMEM, paths[i], 0, 0, LW_MSG_NOMEM);
                        break;
                    }
                }
                if (st)
                    break;
                continue;
            }
            json_t *prev = json_object_get(rs->data, key);
            if (json_is_array(prev) && json_is_array(val) ? json_array_extend(prev, val)
                                                          : json_object_set(rs->data, key, val)) {
                st = lw_error_msg(err, LW_ERR_NOMEM, paths[i], 0, 0, LW_MSG_NOMEM);
                break;
            }
        }
    }
    /* pass 2: rules */
    for (size_t i = 0; i < n && !st; i++) {
        json_t *rules = json_object_get(docs[i], "rules");
        if (!rules)
            continue;
        if (!json_is_array(rules)) {
            st = lw_error_msg(err, LW_ERR_RULE, paths[i], 0, 0, LW_MSG_RULES_NOT_LIST);
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
    if (lw_prefilter_build(rs->pf)) {
        lw_ruleset_free(rs);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    snprintf(rs->version, sizeof rs->version, "%0*llx", LW_RULES_VERSION_LEN, (unsigned long long)h);
    *out = rs;
    return LW_OK;
}

lw_status lw_ruleset_load_dir(const char *dir, lw_ruleset **out, lw_error *err)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return lw_error_msg(err, LW_ERR_IO, dir, 0, 0, LW_MSG_RULES_DIR_OPEN);
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
        char **grown = names;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            grown = realloc(names, cap * sizeof *names);
        }
        size_t pl = strlen(dir) + l + 2;
        char *path = grown ? malloc(pl) : NULL;
        if (!path) { /* every file or none: a rule file left out would change what is found */
            for (size_t i = 0; i < n; i++)
                free((grown ? grown : names)[i]);
            free(grown ? grown : names);
            closedir(d);
            return lw_error_msg(err, LW_ERR_NOMEM, dir, 0, 0, LW_MSG_NOMEM);
        }
        names = grown;
        snprintf(path, pl, "%s/%s", dir, de->d_name);
        names[n++] = path;
    }
    closedir(d);
    if (n == 0) {
        free(names);
        return lw_error_msg(err, LW_ERR_RULE, dir, 0, 0, LW_MSG_RULES_DIR_EMPTY);
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

uint32_t lw_ruleset_max_pairs(const lw_ruleset *rs) { return rs->max_pairs; }
const lw_prefilter *lw_ruleset_prefilter(const lw_ruleset *rs) { return rs ? rs->pf : NULL; }

const lw_rule *lw_ruleset_find(const lw_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->rules[i].id, id))
            return &rs->rules[i];
    return NULL;
}
